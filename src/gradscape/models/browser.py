"""What the page needs to compute a slice itself: `slice_payload(slice_)`, a JSON-able dict.

The built-in networks (`mlp.MLP`: tanh layers, softmax cross-entropy) are small enough for the
browser: ``static/core/network.js`` runs the same arithmetic on the same flat weight vector and
``static/core/slice.js`` the plane trick of `mlp.MLPPlane`, so the page's numbers equal Python's
to rounding (tests hold them to 1e-10). The payload carries

- ``model``: sizes, activations, the layout (name, shape, start of every weight array),
  ``n_weights`` and the number of examples;
- ``data``: the examples, as compact pixels when they are the digits (one character a pixel,
  ``"0123456789abcdefg"[16 x]``, the lesson's encoding) or else little-endian float64 in base64,
  and the labels (one character each for up to 10 classes);
- ``w0``, ``d1``, ``d2``: float64 in base64 (exact, and about half the size of decimal text);
- ``labels`` (what each axis is: ``"W1[3,7]"``, ``"gradient"``, ``"random 1"``,
  ``"Hessian eigenvector 1, λ = 12.3"``), ``kind``, ``directions`` (the spec `make_slice` takes),
  ``seed``, ``span``, the ``view`` ([-span, span] on both axes), ``n`` (nodes a side),
  ``eigenvalues`` and the loss at w0.

The limit: the page computes a model only if it is an `MLP` and ``weights x examples`` is at most
`BUDGET` (2,200,000: the lesson's 1,210-weight network on all 1,797 digits, about one second for a
51 x 51 slice with gradients on one core; the 200 images the lesson ships take 0.1 to 0.2 s).
Anything else (PyTorch and JAX models, the 85,002-weight network on more than 25 examples) is
refused with a one-line ValueError and computed in Python instead.
"""

from __future__ import annotations

import base64
import math
from typing import Any

import numpy as np

from .base import WeightModel
from .mlp import BUILTIN, MLP
from .model import DIGITS, PIXEL_MAX
from .slices import Slice

BUDGET = 2_200_000
"""The largest ``weights x examples`` the page computes (the lesson's network on all digits)."""

FORMAT = "gradscape-slice/1"


def f64(values: np.ndarray) -> str:
    """Float64 values as base64 of their little-endian bytes (the page's decodeFloat64)."""
    return base64.b64encode(np.ascontiguousarray(values, dtype="<f8").tobytes()).decode("ascii")


def from_f64(text: str) -> np.ndarray:
    """The inverse of `f64`."""
    return np.frombuffer(base64.b64decode(text), dtype="<f8").astype(np.float64)


def computable(model: WeightModel) -> MLP:
    """The model as an `MLP` the page can compute, or a one-line ValueError saying why not."""
    if not isinstance(model, MLP):
        raise ValueError(
            f"The page computes only gradscape's built-in networks ({', '.join(BUILTIN)} or any "
            f"gradscape.models.MLP); this is a {type(model).__name__}, so compute its slice in "
            "Python (the server or the notebook's kernel)"
        )
    cost = model.n_weights * len(model.data)
    if cost > BUDGET:
        fits = max(1, BUDGET // model.n_weights)
        raise ValueError(
            f"The page computes up to {BUDGET:,} weights x examples; this model has "
            f"{model.n_weights:,} x {len(model.data):,} = {cost:,}: use at most {fits:,} "
            "examples in the page, or compute the slice in Python"
        )
    return model


def network_payload(model: WeightModel, name: str | None = None) -> dict[str, Any]:
    """The network and its examples: what ``network.js``'s networkFromPayload reads."""
    mlp = computable(model)
    x, y = mlp.data.x, mlp.data.y
    scaled = x * PIXEL_MAX
    data: dict[str, Any] = {"n_samples": len(y), "features": mlp.data.features}
    if np.all(scaled == np.rint(scaled)) and scaled.min() >= 0 and scaled.max() <= PIXEL_MAX:
        data["pixels"] = "".join(DIGITS[v] for v in np.rint(scaled).astype(np.int64).ravel())
    else:
        data["x"] = f64(x.ravel())
    data["labels"] = (
        "".join(str(int(v)) for v in y) if mlp.data.classes <= 10 else [int(v) for v in y]
    )
    if name is None:
        name = next((k for k, sizes in BUILTIN.items() if sizes == mlp.sizes), None)
    return {
        "model": {
            "name": name,
            "sizes": list(mlp.sizes),
            "activations": ["tanh"] * (len(mlp.sizes) - 2) + ["softmax"],
            "loss": "mean cross-entropy",
            "layout": [
                {"name": lay.name, "shape": list(lay.shape), "start": lay.start}
                for lay in mlp.layouts
            ],
            "n_weights": mlp.n_weights,
            "n_samples": len(y),
        },
        "data": data,
    }


def axis_labels(slice_: Slice) -> list[str]:
    """What each direction is, for the axes: "W1[3,7]", "gradient", "random 1", ..."""
    kind = slice_.kind
    if kind.startswith("weights:"):
        names = kind.removeprefix("weights:")
        from .slices import split_names

        parts = split_names(names)
        if len(parts) == 2:
            return parts
    if kind == "gradient":
        return ["gradient", "random 1"]
    if kind == "random":
        return ["random 1", "random 2"]
    if kind == "hessian" and slice_.eigenvalues is not None:
        return [
            f"Hessian eigenvector {k + 1}, λ = {float(v):.3g}"
            for k, v in enumerate(slice_.eigenvalues[:2])
        ]
    return ["d1", "d2"]


def slice_payload(
    slice_: Slice,
    span: float = 1.0,
    n: int = 51,
    *,
    seed: int | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """Everything the page needs to compute `slice_` itself (see the module doc).

    `span`: a and b run over [-span, span]; `n`: nodes a side of the grid the page draws first;
    `seed`: the seed the directions came from (for the share link); `name`: the built-in model's
    name (found from the sizes if not given). A model the page cannot compute raises a one-line
    ValueError (`computable`).
    """
    if not isinstance(slice_, Slice):
        raise ValueError(f"Give a gradscape Slice (make_slice(model, ...)); got {type(slice_)}")
    span = float(span)
    if not (math.isfinite(span) and span > 0):
        raise ValueError(f"span must be a positive number; got {span}")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 2 <= int(n) <= 1001:
        raise ValueError(f"n (nodes a side) must be a whole number from 2 to 1001; got {n!r}")
    out = network_payload(slice_.model, name)
    out.update(
        format=FORMAT,
        kind=slice_.kind.partition(":")[0],
        directions=slice_.kind,
        seed=None if seed is None else int(seed),
        labels=axis_labels(slice_),
        span=span,
        view={"x": [-span, span], "y": [-span, span]},
        n=int(n),
        eigenvalues=None
        if slice_.eigenvalues is None
        else [float(v) for v in slice_.eigenvalues],
        loss_at_w0=slice_.loss0,
        w0=f64(slice_.w0),
        d1=f64(slice_.d1),
        d2=f64(slice_.d2),
    )
    return out


__all__ = [
    "BUDGET",
    "FORMAT",
    "axis_labels",
    "computable",
    "f64",
    "from_f64",
    "network_payload",
    "slice_payload",
]
