"""What kind of point a gradient was taken at: regular, flat, a kink, or where it is undefined.

The program writes d|x|/dx as sign(x), and sign(0) = 0, so at a kink of `abs` the computed
partial is a number (often 0) although the function has no derivative there. `kinks` finds this
honestly, from the exact partials on the two sides of the point: along coordinate i it takes the
partial at p - h e_i and at p + h e_i for two step sizes, h = 1e-4 and 1e-7 (times max(1, |p_i|)).

A coordinate has a kink at p when all three hold:
- the two sides differ (by more than 1e-6 x max(1, |left|, |right|)) at the small step,
- the difference does not shrink with the step (at the small step it is at least half of what it
  is at the large one): for a smooth function it is about 2 h L'', a thousand times smaller,
- the partial at p itself is neither side's value (within that same tolerance): a point just
  beside a kink, on one side of it, is differentiable and gets that side's partial.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

_STEPS = (1e-4, 1e-7)  # relative to max(1, |coordinate|)
_SAME = 1e-6  # relative tolerance for "the same partial"
_ZERO_EIGEN = 1e-9  # an eigenvalue this small (relative to the largest) counts as zero


@dataclass(frozen=True)
class Kink:
    """Along `variable` (index `index`), the partial jumps from `left` (below) to `right`."""

    index: int
    variable: str
    at: float  # the coordinate of the point
    left: float
    right: float

    def describe(self) -> str:
        return (
            f"dL/d{self.variable} jumps from {_g(self.left)} to {_g(self.right)} "
            f"across {self.variable} = {_g(self.at)}"
        )


def _g(x: float) -> str:
    return f"{x:.6g}" if x != 0 else "0"


def kinks(landscape: Any, point: np.ndarray, names: Sequence[str]) -> list[Kink]:
    """The coordinates along which the landscape has a kink at `point` (see the module doc)."""
    p = np.asarray(point, dtype=np.float64)
    with np.errstate(all="ignore"):
        _, g0 = landscape.value_and_gradient(p)
        g0 = np.asarray(g0, dtype=np.float64)
        found = []
        for i, name in enumerate(names):
            jumps = []
            for rel in _STEPS:
                h = rel * max(1.0, abs(float(p[i])))
                e = np.zeros_like(p)
                e[i] = h
                left = float(np.asarray(landscape.value_and_gradient(p - e)[1])[i])
                right = float(np.asarray(landscape.value_and_gradient(p + e)[1])[i])
                jumps.append((left, right))
            (l1, r1), (l2, r2) = jumps
            if not all(math.isfinite(v) for v in (l1, r1, l2, r2, float(g0[i]))):
                continue
            tol = _SAME * max(1.0, abs(l2), abs(r2))
            small, large = abs(r2 - l2), abs(r1 - l1)
            here = float(g0[i])
            if small > tol and small >= 0.5 * large and min(abs(here - l2), abs(here - r2)) > tol:
                found.append(Kink(i, name, float(p[i]), l2, r2))
        return found


def hessian_kind(landscape: Any, point: np.ndarray) -> tuple[str, list[float]] | None:
    """("minimum" | "maximum" | "saddle" | "flat", eigenvalues) from the landscape's Hessian at
    `point`, or None when it has no `hessian` method or the Hessian is not finite there.

    "flat": some eigenvalue is zero (|lambda| <= 1e-9 x max(1, max |lambda|)) and the others do
    not already show a saddle, so the second derivatives cannot tell.
    """
    hessian = getattr(landscape, "hessian", None)
    if hessian is None:
        return None
    with np.errstate(all="ignore"):
        h = np.asarray(hessian(point), dtype=np.float64)
    if h.size == 0 or not np.all(np.isfinite(h)):
        return None
    eig = np.linalg.eigvalsh((h + h.T) / 2)
    zero = _ZERO_EIGEN * max(1.0, float(np.max(np.abs(eig))))
    pos, neg = bool(np.any(eig > zero)), bool(np.any(eig < -zero))
    values = [float(v) if abs(v) > zero else 0.0 for v in eig]
    if pos and neg:
        return "saddle", values
    if np.any(np.abs(eig) <= zero):
        return "flat", values
    return ("minimum" if pos else "maximum"), values


def end_point_sentence(kind: str, eigenvalues: Sequence[float]) -> str:
    """One sentence on what a converged run's end point is, from `hessian_kind`."""
    eig = ", ".join(_g(v) for v in eigenvalues)
    if kind == "saddle":
        return (
            f"The end point is a saddle point, not a minimum: the Hessian's eigenvalues there "
            f"({eig}) have both signs, so L curves up along some directions and down along others."
        )
    if kind == "maximum":
        return (
            f"The end point is a maximum, not a minimum: the Hessian's eigenvalues there ({eig}) "
            "are all negative."
        )
    if kind == "flat":
        return (
            f"The end point is flat to second order along some direction (the Hessian's "
            f"eigenvalues there are {eig}): it may be a minimum, a saddle or neither."
        )
    return f"The end point is a minimum: the Hessian's eigenvalues there ({eig}) are all positive."
