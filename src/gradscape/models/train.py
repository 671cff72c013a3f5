"""Training a model with `gradscape.descend`: any of the six optimizers, full batch or minibatch.

`train` moves ``model.w`` in place and returns the `Trajectory`, which keeps per step only the
weights' norm and the gradient's norm (``points[:, 0]``, ``gradients[:, 0]``) and the loss, not
every weight (descend's ``record`` hook, through `base.Recorded`). With ``batch_size`` each
step's gradient is taken on a fresh minibatch (`mlp.Minibatches`): stochastic gradient
descent, its noise visible in the losses.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..descent import Trajectory, descend
from .base import Progress, Recorded, WeightModel
from .mlp import MLP, Minibatches


def train(
    model: WeightModel,
    steps: int = 200,
    optimizer: str = "adam",
    lr: float | None = 0.01,
    batch_size: int | None = None,
    seed: int = 0,
    progress: Progress | None = None,
    **hyper: float,
) -> Trajectory:
    """Run `optimizer` for `steps` steps from model.w and leave model.w at the end."""
    target: Any = model
    if batch_size is not None:
        if not isinstance(model, MLP):
            raise ValueError("Minibatches need a built-in NumPy model; train adapters full-batch")
        target = Minibatches(model, batch_size, seed)
    last = [model.w]

    def record(x: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        last[0] = x
        return np.array([np.linalg.norm(x)]), np.array([np.linalg.norm(g)])

    watched = Recorded(target, record, progress, steps + 1)
    t = descend(watched, model.w, optimizer, lr, steps, tol=0.0, **hyper)
    if np.all(np.isfinite(last[0])):
        model.w = np.array(last[0], dtype=np.float64)
    return t


__all__ = ["train"]
