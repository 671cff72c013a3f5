"""How the gallery's learning rates for every optimizer were chosen: a search anyone can rerun.

    python -m gradscape.rates            # prints the table gallery.RATES holds
    python -m gradscape.rates --check    # exits 1 (and says where) if gallery.RATES differs

Procedure
---------
For each gallery surface, from its `start`, and for each optimizer in `descent.OPTIMIZERS`, run
`descent.descend` for `STEPS` (200) steps at every rate of `GRID` (1e-6 to 10, four a decade:
10^(k/4)). A rate is *eligible* when neither its run nor the run at the next larger rate of the
grid diverged or failed (a margin of one grid step, x1.78, so that a rate on the edge of
stability, where a little more would blow up, is never the default), and its run stays within the
surface's view grown by half its size on every side (so a class sees it: Adam's steps are about
lr long whatever the gradient, and at a large rate it leaps about far off the picture before it
settles). Among eligible rates the
default is the one whose run ends lowest (its last value, rounded to 6 decimals so that two runs
that both reached the minimum tie), then in fewer steps (a run stops early when it converges),
then the one whose last value is lower unrounded, then the smaller rate. On a surface with a
minimum the chosen rate must also not blow up within the explorer's 2000 steps (a bumpy plain
can send momentum climbing after 1,700 steps); if it does, the next best is taken. Where no rate is
eligible (Newton's method on a saddle, whose Hessian is indefinite from the start) the surface
has no entry for that optimizer and the optimizer's own default applies.

On a surface without a minimum (the saddles) "ends lowest" picks the fastest slide away that
stays in the picture for the 200 steps: what those surfaces teach.

`tests/test_rates.py` reruns the search for a few surfaces, checks that `gallery.RATES` is its
result, and checks that no default in the table diverges on its surface.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import numpy as np

from . import gallery
from .descent import OPTIMIZERS, descend
from .surface import Surface

__all__ = ["GRID", "STEPS", "search", "table"]

GRID: tuple[float, ...] = tuple(float(f"{10 ** (k / 4):.3g}") for k in range(-24, 5))
"""The rates tried: 1e-6, 1.78e-6, 3.16e-6, 5.62e-6, 1e-5, ..., 5.62, 10."""

STEPS = 200
"""Steps per trial run (the explorer runs up to 2000; 200 is what a class watches)."""

CONFIRM = 2000
"""The chosen rate must not blow up in this many steps either (the explorer's cap), where the
surface has a minimum."""

BAD = ("diverged", "failed")


def search(
    surface: Surface,
    start: Sequence[float],
    optimizer: str,
    view: tuple[tuple[float, float], tuple[float, float]] | None = None,
    grid: Sequence[float] = GRID,
    steps: int = STEPS,
    confirm: int | None = None,
) -> float | None:
    """The default rate for `optimizer` on `surface` from `start` (see the module doc), or None
    if no rate of the grid is eligible. Without `view` a run may go anywhere; with `confirm` the
    chosen rate must also not blow up in a run of that many steps."""
    runs = [descend(surface, start, optimizer, lr=lr, steps=steps) for lr in grid]
    inside = [view is None or _inside(run.points, view) for run in runs]
    ranked: list[tuple[float, int, float, float]] = []
    for i, (lr, run) in enumerate(zip(grid, runs, strict=True)):
        if i + 1 >= len(runs) or run.stopped in BAD or runs[i + 1].stopped in BAD:
            continue
        if not inside[i]:
            continue
        last = float(run.values[-1])
        ranked.append((round(last, 6), run.steps, last, lr))
    for *_, lr in sorted(ranked):
        if (
            confirm is None
            or descend(surface, start, optimizer, lr=lr, steps=confirm).stopped not in BAD
        ):
            return lr
    return None


def _inside(points: np.ndarray, view: tuple[tuple[float, float], tuple[float, float]]) -> bool:
    """Every point within `view` grown by half its size on every side."""
    for axis, (lo, hi) in enumerate(view):
        half = (hi - lo) / 2
        column = points[:, axis]
        if np.any(column < lo - half) or np.any(column > hi + half):
            return False
    return True


def table(names: Sequence[str] | None = None) -> dict[str, dict[str, float]]:
    """The search's result for the named gallery surfaces (all by default), in gallery order."""
    out: dict[str, dict[str, float]] = {}
    for name, entry in gallery.GALLERY.items():
        if names is not None and name not in names:
            continue
        surface = Surface(entry.formula)
        confirm = CONFIRM if entry.minima else None  # unbounded below: every run slides off at last
        rates = {
            opt: search(surface, entry.start, opt, entry.view, confirm=confirm)
            for opt in OPTIMIZERS
        }
        out[name] = {opt: lr for opt, lr in rates.items() if lr is not None}
    return out


def _literal(rates: dict[str, dict[str, float]]) -> str:
    lines = ["RATES: dict[str, dict[str, float]] = {"]
    for name, row in rates.items():
        cells = ", ".join(f'"{opt}": {lr!r}' for opt, lr in row.items())
        lines.append(f'    "{name}": {{{cells}}},')
    lines.append("}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gradscape.rates", description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare with gallery.RATES")
    ns = parser.parse_args(argv)
    rates = table()
    if not ns.check:
        print(_literal(rates))
        return 0
    wrong = [n for n in rates if rates[n] != gallery.RATES.get(n)]
    for n in wrong:
        print(f"{n}: the search gives {rates[n]}, gallery.RATES has {gallery.RATES.get(n)}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
