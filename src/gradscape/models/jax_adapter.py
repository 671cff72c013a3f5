"""Bring your own JAX model: a loss function of a parameter pytree and data, as a `WeightModel`.

    from gradscape.models.jax_adapter import JaxModel
    model = JaxModel(loss_fn, params, (x, y))      # loss_fn(params, x, y) -> scalar
    loss, grad = model.value_and_gradient(model.w)

The pytree (dicts, lists, tuples of arrays; Flax or Haiku parameters are such trees) is flattened
with ``jax.flatten_util.ravel_pytree`` into one float64 vector; weights are named by their path
and index (``"['W1'][3,7]"``). Loss and gradient come from one jitted ``jax.value_and_grad``;
``hessian_vector`` is exact (``jax.jvp`` of ``jax.grad``).

- ``loss_fn(params, *data)`` must return a scalar; ``data`` is a tuple of arrays passed after
  the parameters (or a single array).
- Importing this module switches JAX to float64 (``jax_enable_x64``: the 1e-10 agreement needs
  it) and, unless ``JAX_PLATFORMS`` is already set, to the CPU; both are process-wide JAX
  settings, so set them yourself first if your program needs otherwise.
- Kernels are taken to be (in, out), as in Flax and Haiku (``filter_axis = -1``).
- Requires the ``jax`` extra (``pip install 'gradscape[jax]'``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np

from ..landscape import Point
from .base import WeightModel, check_loss
from .model import Layout

os.environ.setdefault("JAX_PLATFORMS", "cpu")
try:
    import jax
    import jax.numpy as jnp
    from jax.flatten_util import ravel_pytree
except ImportError:  # pragma: no cover - the message is the point
    raise ImportError(
        "JAX is not installed; install the extra: pip install 'gradscape[jax]'"
    ) from None

jax.config.update("jax_enable_x64", True)


class JaxModel(WeightModel):
    """A JAX loss of a parameter pytree, as a function of flat weights (see the module doc)."""

    filter_axis = -1

    def __init__(self, loss_fn: Callable[..., Any], params: Any, data: Any = ()) -> None:
        if not callable(loss_fn):
            raise ValueError("loss_fn must be a function loss_fn(params, *data) -> scalar")
        self.data = tuple(data) if isinstance(data, tuple | list) else (data,)
        self.data = tuple(jnp.asarray(d) for d in self.data)
        leaves = jax.tree_util.tree_flatten_with_path(params)[0]
        if not leaves:
            raise ValueError("params holds no arrays to differentiate")
        params = jax.tree_util.tree_map(lambda a: jnp.asarray(a, dtype=jnp.float64), params)
        flat, self._unravel = ravel_pytree(params)
        out, start = [], 0
        for path, leaf in leaves:
            shape = tuple(np.shape(leaf))
            out.append(Layout(jax.tree_util.keystr(path) or "w", shape, start))
            start += int(np.prod(shape))
        self.layouts = tuple(out)
        self.w = np.asarray(flat, dtype=np.float64)

        def flat_loss(w: Any, *data: Any) -> Any:
            return loss_fn(self._unravel(w), *data)

        self._flat_loss = flat_loss
        self._value = jax.jit(flat_loss)
        self._value_and_grad = jax.jit(jax.value_and_grad(flat_loss))
        self._hvp = jax.jit(
            lambda w, v, *data: jax.jvp(lambda u: jax.grad(flat_loss)(u, *data), (w,), (v,))[1]
        )
        try:
            value = self._value(jnp.asarray(self.w), *self.data)
        except TypeError as err:  # a shape mismatch, or a loss that is not a scalar
            first = str(err).strip().splitlines()[0]
            raise ValueError(
                f"The loss function cannot run on the data ({first}); check the data's shape "
                "and that the loss returns a scalar"
            ) from None
        check_loss(value, "the given params")

    def value(self, point: Point, /) -> float:
        return float(self._value(jnp.asarray(self.check_point(point)), *self.data))

    def value_and_gradient(self, point: Point, /) -> tuple[float, np.ndarray]:
        v, g = self._value_and_grad(jnp.asarray(self.check_point(point)), *self.data)
        return float(v), np.asarray(g, dtype=np.float64)

    def hessian_vector(self, w: Point, v: np.ndarray) -> np.ndarray:
        vec = jnp.asarray(np.asarray(v, dtype=np.float64).reshape(-1))
        return np.asarray(
            self._hvp(jnp.asarray(self.check_point(w)), vec, *self.data), dtype=np.float64
        )

    def params(self, w: Point | None = None) -> Any:
        """The pytree at flat weights w (default the current weights)."""
        return self._unravel(jnp.asarray(self.check_point(w)))


__all__ = ["JaxModel"]
