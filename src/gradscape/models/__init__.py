"""Models: loss functions of many weights (a flat vector) with exact gradients, on real data.

The built-in NumPy networks on scikit-learn's digits (`builtin("mlp" | "logistic" |
"mlp-large")`), slices of their landscapes (`make_slice`, `Slice`) and the Hessian's top
eigenvectors (`top_eigen`). The PyTorch and JAX adapters live in `gradscape.models.pytorch` and
`gradscape.models.jax_adapter` (optional extras, imported only when asked for).
"""

from .base import Plane, WeightModel
from .data import Dataset, digits
from .hessian import Eigen, top_eigen
from .mlp import (
    BUILTIN,
    MLP,
    Minibatches,
    builtin,
    large_mlp,
    lesson_mlp,
    logistic_regression,
)
from .model import Model, digits_model, lesson_model
from .slices import (
    Slice,
    SliceRun,
    Tile,
    TileResult,
    assemble,
    axes,
    descend_on_slice,
    gradient_slice,
    hessian_slice,
    make_slice,
    random_slice,
    tiles,
    weight_slice,
)

__all__ = [
    "BUILTIN",
    "MLP",
    "Dataset",
    "Eigen",
    "Minibatches",
    "Model",
    "Plane",
    "Slice",
    "SliceRun",
    "Tile",
    "TileResult",
    "WeightModel",
    "assemble",
    "axes",
    "builtin",
    "descend_on_slice",
    "digits",
    "digits_model",
    "gradient_slice",
    "hessian_slice",
    "large_mlp",
    "lesson_mlp",
    "lesson_model",
    "logistic_regression",
    "make_slice",
    "random_slice",
    "tiles",
    "top_eigen",
    "weight_slice",
]
