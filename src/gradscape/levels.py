"""Contour levels and the colour scale, chosen as the browser chooses them.

The explorer picks its contour levels from the distribution of the loss on the grid
(``static/core/contours.js`` ``chooseLevels``) and spreads the colour ramp evenly over the bands
between them (``static/core/colormap.js`` ``makeNormalizer``). This module is the same rule in
NumPy, so ``gradscape plot`` and the Python button's figure draw the lines the page draws and
give each band the colour the page gives it (checked against the JS in node by the tests):

- the values spread over their range: round, evenly spaced levels;
- most of the area in one band but not piled at the bottom (a gentle surface with a pole):
  round quantiles;
- piled at the bottom of a range spanning decades (Rosenbrock's valley): log-spaced round levels
  above a round base, so the valley gets lines too.

    choose_levels(values, count=10) -> Levels(levels, lo, hi, log)
    Levels.normalize(values)          -> 0..1 on the ramp, piecewise linear through the levels
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

_NICE = (1, 1.5, 2, 3, 4, 5, 7, 10)


@dataclass(frozen=True)
class Levels:
    """Contour levels strictly inside (lo, hi), the range the colours span, and whether the
    levels are spaced by ratio (log or quantile) rather than by a constant step."""

    levels: tuple[float, ...]
    lo: float
    hi: float
    log: bool

    @cached_property
    def knots(self) -> np.ndarray:
        """lo, the levels inside (lo, hi), hi: the band edges, evenly spaced on the ramp."""
        inner = [v for v in self.levels if self.lo < v < self.hi]
        return np.array([self.lo, *inner, self.hi], dtype=float)

    @cached_property
    def _ramp(self) -> np.ndarray:
        return np.linspace(0.0, 1.0, self.knots.size)

    def normalize(self, values: np.ndarray) -> np.ndarray:
        """Each value's place on the ramp (0 at lo, 1 at hi), as the browser's normaliser; NaN
        stays NaN."""
        v = np.asarray(values, dtype=float)
        if not self.hi > self.lo:
            return np.where(np.isnan(v), np.nan, 0.5)
        return np.interp(v, self.knots, self._ramp)

    def denormalize(self, t: np.ndarray) -> np.ndarray:
        """The inverse of `normalize` on [0, 1] (for a colour bar's axis)."""
        return np.interp(np.asarray(t, dtype=float), self._ramp, self.knots)


def _precision(x: float, digits: int = 12) -> float:
    """JavaScript's Number(x.toPrecision(digits)): drops 0.30000000000000004's tail."""
    return float(f"{x:.{digits}g}")


def _sorted_sample(values: np.ndarray, count: int = 4096) -> np.ndarray:
    """Up to `count` evenly strided samples of the finite values, sorted (as the browser's)."""
    flat = np.asarray(values, dtype=float).ravel()
    stride = max(1, flat.size // count)
    sample = flat[::stride]
    return np.sort(sample[~np.isnan(sample)])


def _quantile(sorted_: np.ndarray, p: float) -> float:
    if sorted_.size == 0:
        return math.nan
    t = p * (sorted_.size - 1)
    k = math.floor(t)
    if k + 1 < sorted_.size:
        return float(sorted_[k] + (t - k) * (sorted_[k + 1] - sorted_[k]))
    return float(sorted_[k])


def nice_step(span: float, count: float) -> float:
    """A round step giving about `count` intervals over `span`: 1, 2, 2.5 or 5 times 10^k."""
    raw = span / max(1.0, count)
    mag = math.pow(10, math.floor(math.log10(raw)))
    f = raw / mag
    m = 1 if f < 1.5 else 2 if f < 2.25 else 2.5 if f < 3.5 else 5 if f < 7.5 else 10
    return m * mag


def linear_levels(lo: float, hi: float, count: float) -> list[float]:
    """Round multiples of a nice step strictly inside (lo, hi)."""
    step = nice_step(hi - lo, count)
    out = []
    k = math.floor(lo / step) + 1
    while k * step < hi:
        v = _precision(k * step)
        if v > lo:
            out.append(v)
        k += 1
    return out


def _log_levels(base: float, a: float, hi: float, mantissas: tuple[float, ...]) -> list[float]:
    out = []
    for e in range(math.floor(math.log10(a)) - 1, math.ceil(math.log10(hi - base)) + 2):
        for m in mantissas:
            off = _precision(m * math.pow(10, e))
            v = _precision(base + off)
            if off >= a * 0.999 and v < hi:
                out.append(v)
    return out


def _largest_band(sorted_: np.ndarray, levels: list[float]) -> float:
    """The largest share of the values between two neighbouring levels (or outside them)."""
    edges = np.searchsorted(sorted_, [*levels, math.inf], side="left")
    counts = np.diff(np.concatenate([[0], edges]))
    return float(counts.max()) / max(1, sorted_.size)


def _round_nice(q: float) -> float:
    if q == 0 or not math.isfinite(q):
        return 0.0
    a = abs(q)
    mag = math.pow(10, math.floor(math.log10(a)))
    f = a / mag
    best: float = _NICE[0]
    for m in _NICE:
        if abs(math.log(f / m)) < abs(math.log(f / best)):
            best = m
    return math.copysign(_precision(best * mag, 6), q)


def _quantile_levels(sorted_: np.ndarray, lo: float, hi: float, count: int) -> list[float]:
    out: list[float] = []
    for k in range(count):
        v = _round_nice(_quantile(sorted_, (k + 0.5) / count))
        if lo < v < hi and (not out or v > out[-1]):
            out.append(v)
    return out


def choose_levels(values: np.ndarray, count: int = 10) -> Levels:
    """About `count` contour levels for a grid of values, by the browser's rule (module doc)."""
    z = np.asarray(values, dtype=float)
    finite = z[~np.isnan(z)]
    if finite.size == 0:
        return Levels((), math.inf, -math.inf, False)
    vmin, vmax = float(finite.min()), float(finite.max())
    if not vmax > vmin:
        return Levels((), vmin, vmax, False)
    # a robust range: ignore the extreme 1% at either end if it is far out (poles)
    sorted_ = _sorted_sample(z)
    q1, q99 = _quantile(sorted_, 0.01), _quantile(sorted_, 0.99)
    spread = max(q99 - q1, (vmax - vmin) * 1e-9)
    lo = vmin if vmin >= q1 - spread else q1
    hi = vmax if vmax <= q99 + 2 * spread else q99
    if not hi > lo:
        return Levels((), vmin, vmax, False)
    median = _quantile(sorted_, 0.5)
    linear = linear_levels(lo, hi, count)
    if _largest_band(sorted_, linear) <= 0.4:
        return Levels(tuple(linear), lo, hi, False)
    if (median - lo) / (hi - lo) > 0.14:
        return Levels(tuple(_quantile_levels(sorted_, lo, hi, count + 2)), lo, hi, True)
    step = nice_step(hi - lo, 1000)
    base = 0.0 if 0 <= lo < (hi - lo) * 1e-3 else math.floor(lo / step) * step
    a = max(_quantile(sorted_, 0.02) - base, (hi - base) * 1e-6, 5e-324)
    best: list[float] = []
    for mantissas in ((1,), (1, 3), (1, 2, 5), (1, 1.5, 2, 3, 5, 7)):
        lv = _log_levels(base, a, hi, mantissas)
        if not best or abs(len(lv) - count - 2) < abs(len(best) - count - 2):
            best = lv
    return Levels(tuple(v for v in best if v > lo), lo, hi, True)


__all__ = ["Levels", "choose_levels", "linear_levels", "nice_step"]
