"""A landscape: what every part of gradscape draws, descends and explains.

A landscape is a function of named variables with its exact gradient. A formula's `Surface` is
one (two or more variables, given as text); a built-in or brought-along model is one (one
variable per weight: thousands); a `Slice` of a model's loss, the plane ``w0 + a d1 + b d2``, is
one of two variables ``a, b``. `descend`, the plots, the explorer, the export and the widget take
any landscape, so the many-parameter side adds sources of landscapes, not a second product.

Contract
--------
- ``variables``: the names of the axes, in order (``("w1", "w2")``, ``("W1[0,0]", ...)``,
  ``("a", "b")``). A point is a sequence or 1-D array with one float per variable.
- ``value_and_gradient(point) -> (float, ndarray)``: the value and every partial derivative, in
  one pass (the cheap-gradient principle: rarely more than twice the cost of the value alone).
  Where the function or a partial is undefined the number is NaN, never an exception; bad
  *input* (a point of the wrong length) raises a one-line `ValueError`.
- ``value(point)`` and ``gradient(point)``: the two halves.
- ``grid(x, y, n=101, at=None) -> Grid``: value and gradient sampled on an ``n``-by-``n`` grid
  over the first two variables (the others held at ``at``), vectorised where the landscape can.

`LandscapeBase` gives ``value``, ``gradient`` and a point-by-point ``grid`` from
``value_and_gradient`` alone, for landscapes without a faster way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

Point = Sequence[float] | np.ndarray  # one coordinate per variable

MAX_GRID = 4000  # points a side


@dataclass(frozen=True)
class Grid:
    """Value and gradient of a landscape on a regular grid over two variables (rows follow y)."""

    x: np.ndarray  # (nx,)
    y: np.ndarray  # (ny,)
    value: np.ndarray  # (ny, nx), NaN where undefined
    gradient: np.ndarray  # (2, ny, nx): the partials by the two gridded variables


@runtime_checkable
class Landscape(Protocol):
    """A function of named variables with its exact gradient (see the module doc)."""

    @property
    def variables(self) -> tuple[str, ...]: ...

    def value_and_gradient(self, point: Point, /) -> tuple[float, np.ndarray]: ...

    def value(self, point: Point, /) -> float: ...

    def gradient(self, point: Point, /) -> np.ndarray: ...

    def grid(
        self,
        x: tuple[float, float],
        y: tuple[float, float],
        n: int | tuple[int, int] = 101,
        at: Sequence[float] | None = None,
    ) -> Grid: ...


def grid_shape(n: int | tuple[int, int]) -> tuple[int, int]:
    """(nx, ny) from n or (nx, ny) (a tuple or list), checked: 2 to MAX_GRID points a side."""
    if isinstance(n, tuple | list):
        nx, ny = int(n[0]), int(n[1])
    else:
        nx = ny = int(n)
    if not (2 <= nx <= MAX_GRID and 2 <= ny <= MAX_GRID):
        raise ValueError(f"Grid size must be between 2 and {MAX_GRID} points a side")
    return nx, ny


class LandscapeBase:
    """``value``, ``gradient`` and a point-by-point ``grid`` from ``value_and_gradient``.

    Subclasses set ``variables`` and define ``value_and_gradient``; a faster ``grid`` (a
    vectorised formula, a slice's batched forward pass) overrides the loop here.
    """

    variables: tuple[str, ...]

    def value_and_gradient(self, point: Point, /) -> tuple[float, np.ndarray]:
        raise NotImplementedError

    def value(self, point: Point, /) -> float:
        return self.value_and_gradient(point)[0]

    def gradient(self, point: Point, /) -> np.ndarray:
        return self.value_and_gradient(point)[1]

    def grid(
        self,
        x: tuple[float, float],
        y: tuple[float, float],
        n: int | tuple[int, int] = 101,
        at: Sequence[float] | None = None,
    ) -> Grid:
        nx, ny = grid_shape(n)
        rest = np.asarray(at if at is not None else np.zeros(len(self.variables) - 2), float)
        if rest.shape != (len(self.variables) - 2,):
            raise ValueError(
                f"Give at= the values of the other {len(self.variables) - 2} variables, in order"
            )
        xs, ys = np.linspace(*x, nx), np.linspace(*y, ny)
        value = np.empty((ny, nx))
        gradient = np.empty((2, ny, nx))
        for j, b in enumerate(ys):
            for i, a in enumerate(xs):
                v, g = self.value_and_gradient(np.concatenate([[a, b], rest]))
                value[j, i] = v
                gradient[:, j, i] = g[:2]
        return Grid(xs, ys, value, gradient)


def numeric_gradient(landscape: Landscape, point: Point, h: float = 1e-6) -> np.ndarray:
    """Central finite differences, (L(w + h e_i) - L(w - h e_i)) / 2h: the independent check.

    Its error is about h^2 (truncation) plus 1e-16 |L| / h (rounding): h = 1e-6 balances them
    for values of order one. Exact partials need neither. Costs 2 values per variable.
    """
    w = np.asarray(point, dtype=np.float64).ravel()
    if w.size != len(landscape.variables):
        raise ValueError(f"Give {len(landscape.variables)} coordinates; got {w.size}")
    out = np.empty_like(w)
    for i in range(len(w)):
        step = np.zeros_like(w)
        step[i] = h * max(1.0, abs(w[i]))
        out[i] = (landscape.value(w + step) - landscape.value(w - step)) / (2 * step[i])
    return out


__all__ = ["Grid", "Landscape", "LandscapeBase", "Point", "grid_shape", "numeric_gradient"]
