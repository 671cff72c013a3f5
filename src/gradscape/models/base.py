"""What every model is: a loss of one flat float64 weight vector, with its exact gradient.

A model is a `Landscape` (see `gradscape.landscape`) whose variables are its weight names
(``"W1[3,7]"``, ``"fc1.weight[7,3]"``, ...), in the order of the flat vector. `WeightModel` holds
what the built-in NumPy networks and the PyTorch and JAX adapters share:

- ``layouts``: where each weight array sits in the vector (name, shape, start), and
  ``filter_axis``, the axis of a weight array that indexes its output units (the last for
  NumPy and JAX kernels of shape (in, out), the first for PyTorch's (out, in)); filter-normalised
  directions (`slices.random_directions`) need it.
- ``w``: the current point (a model's weights are not part of the function, merely where it
  stands); ``value_and_gradient(w)`` at any point.
- ``index(name)``: a weight's position, with close names suggested for a typo.
- ``hessian_vector(w, v)``: H(w) v. Subclasses give an exact one (the R-operator for the NumPy
  networks, forward-over-reverse for PyTorch and JAX); the fallback here is central differences
  of the exact gradient, ``(g(w + h v) - g(w - h v)) / 2h``, accurate to about 1e-7 relative.
- ``plane(w0, d1, d2)``: a `Plane` that evaluates loss and the two directional derivatives at many
  points ``w0 + a d1 + b d2`` at once (a slice's grid); the fallback here is one full forward and
  backward per point, projected; the NumPy networks override it with a batched one.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..landscape import Grid, LandscapeBase, Point, grid_shape
from .model import Layout, names_for

Progress = Callable[[int, int], None]
"""A progress callback: ``progress(done, total)``, called as work finishes."""


class WeightModel(LandscapeBase):
    """A loss of a flat float64 weight vector with its exact gradient (see the module doc)."""

    layouts: tuple[Layout, ...]
    filter_axis: int = -1
    w: np.ndarray

    # -- the weight vector ------------------------------------------------------------------

    @property
    def n_weights(self) -> int:
        return self.layouts[-1].stop if self.layouts else 0

    @property
    def names(self) -> list[str]:
        """A name for every weight, in vector order."""
        cached = self.__dict__.get("_names")
        if cached is None:
            cached = names_for(self.layouts)
            self.__dict__["_names"] = cached
        return cached

    @property
    def variables(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(self.names)

    def index(self, weight: str | int) -> int:
        """The position of a weight given by name ("W1[3,7]") or index; a one-line error that
        suggests close names otherwise."""
        if isinstance(weight, int | np.integer) and not isinstance(weight, bool):
            if not 0 <= int(weight) < self.n_weights:
                raise ValueError(
                    f"Weight index {int(weight)} is out of range; give 0 to {self.n_weights - 1}"
                )
            return int(weight)
        text = str(weight).strip().replace(" ", "")
        if text.isdigit():
            return self.index(int(text))
        lookup = self.__dict__.get("_lookup")
        if lookup is None:
            lookup = {n: i for i, n in enumerate(self.names)}
            self.__dict__["_lookup"] = lookup
        if text in lookup:
            return int(lookup[text])
        close = difflib.get_close_matches(text, self.names, n=3, cutoff=0.6)
        arrays = ", ".join(f"{lay.name}{list(lay.shape)}" for lay in self.layouts[:8])
        hint = f"did you mean {', '.join(close)}?" if close else f"the arrays are {arrays}"
        raise ValueError(f"Unknown weight {text!r}: {hint} (names look like {self.names[0]})")

    def layout_of(self, i: int) -> Layout:
        """The weight array that weight i belongs to."""
        for lay in self.layouts:
            if lay.start <= i < lay.stop:
                return lay
        raise ValueError(f"Weight index {i} is out of range")

    def check_point(self, w: Point | None) -> np.ndarray:
        """w as a float64 vector of the right length (default: the current weights)."""
        if w is None:
            return np.asarray(self.w, dtype=np.float64)
        arr = np.asarray(w, dtype=np.float64).reshape(-1)
        if arr.size != self.n_weights:
            raise ValueError(f"Give {self.n_weights} weights (one per variable); got {arr.size}")
        return arr

    # -- the function ------------------------------------------------------------------------

    def loss(self, w: Point | None = None) -> float:
        """The loss at w (default: the current weights)."""
        return self.value(self.check_point(w))

    def loss_and_gradient(self, w: Point | None = None) -> tuple[float, np.ndarray]:
        return self.value_and_gradient(self.check_point(w))

    def hessian_vector(self, w: Point, v: np.ndarray) -> np.ndarray:
        """H(w) v by central differences of the exact gradient (subclasses do it exactly)."""
        w = self.check_point(w)
        v = np.asarray(v, dtype=np.float64)
        norm = float(np.linalg.norm(v))
        if norm == 0:
            return np.zeros_like(w)
        h = 1e-5 * max(1.0, float(np.linalg.norm(w))) / norm
        return (self.gradient(w + h * v) - self.gradient(w - h * v)) / (2 * h)

    def plane(self, w0: np.ndarray, d1: np.ndarray, d2: np.ndarray) -> Plane:
        """Loss and directional derivatives on the plane w0 + a d1 + b d2 (one pass a point)."""
        return Plane(self, w0, d1, d2)

    def grid(
        self,
        x: tuple[float, float],
        y: tuple[float, float],
        n: int | tuple[int, int] = 101,
        at: Sequence[float] | None = None,
        *,
        weights: tuple[str | int, str | int] | None = None,
        progress: Progress | None = None,
    ) -> Grid:
        """The loss over two weights (default the first two; ``weights=("W1[3,7]", "b2[1]")``),
        their values running over x and y, every other weight held at ``at`` (its values in
        vector order, the two gridded ones left out; default the current weights)."""
        i, j = (0, 1) if weights is None else (self.index(weights[0]), self.index(weights[1]))
        if i == j:
            raise ValueError("Give two different weights to grid over")
        w0 = self.w.astype(np.float64).copy()
        rest = [k for k in range(self.n_weights) if k not in (i, j)]
        if at is not None:
            held = np.asarray(at, dtype=np.float64).reshape(-1)
            if held.size != len(rest):
                raise ValueError(f"Give at= the values of the other {len(rest)} weights, in order")
            w0[rest] = held
        w0[i] = w0[j] = 0.0
        d1, d2 = np.zeros(self.n_weights), np.zeros(self.n_weights)
        d1[i] = d2[j] = 1.0
        nx, ny = grid_shape(n)
        xs, ys = np.linspace(*x, nx), np.linspace(*y, ny)
        value, gradient = self.plane(w0, d1, d2).block(xs, ys, progress=progress)
        return Grid(xs, ys, value, gradient)


class Plane:
    """Loss and its two directional derivatives at points w0 + a d1 + b d2 of a model.

    ``evaluate(a, b)`` takes two equal-length 1-D arrays of coordinates and returns the losses
    (k,) and the 2D gradients (k, 2), ``(grad L . d1, grad L . d2)``. This generic one runs a
    full forward and backward pass per point and projects: the brute-force reference that
    every faster plane must equal (to 1e-12).
    """

    chunk = 64  # points per call to the progress callback

    def __init__(self, model: WeightModel, w0: np.ndarray, d1: np.ndarray, d2: np.ndarray):
        self.model = model
        self.w0, self.d1, self.d2 = (np.asarray(v, dtype=np.float64) for v in (w0, d1, d2))

    def evaluate(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a, b = np.asarray(a, dtype=np.float64).ravel(), np.asarray(b, dtype=np.float64).ravel()
        values, grads = np.empty(a.size), np.empty((a.size, 2))
        with np.errstate(all="ignore"):
            for k in range(a.size):
                v, g = self.model.value_and_gradient(self.w0 + a[k] * self.d1 + b[k] * self.d2)
                values[k] = v
                grads[k] = (g @ self.d1, g @ self.d2)
        return values, grads

    def block(
        self, xs: np.ndarray, ys: np.ndarray, progress: Progress | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Every node of the grid xs (a) by ys (b): values (ny, nx), gradient (2, ny, nx)."""
        xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
        aa, bb = np.meshgrid(xs, ys)
        a, b = aa.ravel(), bb.ravel()
        values, grads = np.empty(a.size), np.empty((a.size, 2))
        step = max(1, self.chunk)
        for start in range(0, a.size, step):
            stop = min(a.size, start + step)
            values[start:stop], grads[start:stop] = self.evaluate(a[start:stop], b[start:stop])
            if progress is not None:
                progress(stop, a.size)
        shape = (ys.size, xs.size)
        return values.reshape(shape), np.stack(
            [grads[:, 0].reshape(shape), grads[:, 1].reshape(shape)]
        )


class Recorded(LandscapeBase):
    """The same landscape for `descend`, plus what its trajectory keeps of each point.

    ``record(point, gradient) -> (kept_point, kept_gradient)`` is the hook descend looks for
    (a projection on a slice, or norms); ``progress(done, total)`` counts evaluations.
    """

    def __init__(
        self,
        inner: Any,
        record: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
        progress: Progress | None = None,
        total: int = 0,
    ) -> None:
        self.inner, self.record, self.progress = inner, record, progress
        self.total, self.done = total, 0
        self.variables = tuple(inner.variables)

    def value(self, point: Point, /) -> float:
        return float(self.inner.value(point))

    def value_and_gradient(self, point: Point, /) -> tuple[float, np.ndarray]:
        out = self.inner.value_and_gradient(point)
        self.done += 1
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)
        return out

    evaluate = value_and_gradient  # the name descend used before landscapes


def check_loss(value: Any, where: str = "w0") -> float:
    """The loss as a float, or a one-line error if it is not a finite scalar."""
    arr = np.asarray(value)
    if arr.size != 1:
        raise ValueError(
            f"The loss must be a single number; got an array of shape {arr.shape} "
            "(reduce it, e.g. with .mean())"
        )
    number = float(arr.reshape(()))
    if not math.isfinite(number):
        raise ValueError(f"The loss is {number} at {where}; start from weights where it is finite")
    return number


__all__ = ["Layout", "Plane", "Progress", "Recorded", "WeightModel", "check_loss"]
