"""Models and slices: the cheap-gradient ratio and the fast slice, each against its baseline.

    .venv/bin/python benchmarks/models.py [--quick] [--threads N]

Side by side in one run, on all 1,797 digits, float64:

1. value + gradient time over value time, full batch (goal: <= 2 for the 1,210-weight MLP,
   <= 2.5 for 85,002), beside it finite differences (P + 1 values) over one value;
2. a 51x51 slice (filter-normalised random directions) with the exact 2D gradient at every node:
   the batched plane against brute force (one full forward and backward a node, projected),
   both in this run, row by row and interleaved, and their largest difference (goal: >= 3x
   faster; the 85,002-weight MLP under 10 s). The large model is timed on 6 of the 51 rows and
   scaled (--full times every row: several minutes).

Timings are the best of several repeats (the machine is shared). ``--threads`` sets BLAS threads
(threadpoolctl; default: leave BLAS as it is).
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from gradscape.models import MLP, axes, builtin, random_slice, tiles
from gradscape.models.base import Plane


def gradient_ratio(model: MLP) -> None:
    """Value alone and value + gradient, interleaved, each the best of its repeats."""
    w = model.w
    repeat = 31 if model.n_weights < 10_000 else 9
    model.value_and_gradient(w)
    t_value = t_both = math.inf
    for _ in range(repeat):
        t = time.perf_counter()
        model.value(w)
        t_value = min(t_value, time.perf_counter() - t)
        t = time.perf_counter()
        model.value_and_gradient(w)
        t_both = min(t_both, time.perf_counter() - t)
    fd = (model.n_weights + 1) * t_value
    goal = 2.0 if model.n_weights < 10_000 else 2.5
    print(
        f"  {model.n_weights:>7,} weights  value {1e3 * t_value:7.2f} ms  "
        f"value+gradient {1e3 * t_both:7.2f} ms  ratio {t_both / t_value:4.2f} "
        f"(goal <= {goal})  finite differences ({model.n_weights + 1:,} values) "
        f"{fd:8.2f} s = {fd / t_value:,.0f}x"
    )


def slice_speed(model: MLP, n: int, sample: int | None, repeat: int) -> None:
    """Batched against brute force, tile by tile and interleaved (each tile's best of `repeat`
    runs of each), so a shared machine's changing load hits both alike."""
    s = random_slice(model, seed=0)
    xs, ys = axes((-1, 1), (-1, 1), n)
    parts = tiles((n, n), size=(1, n))  # one row of the grid a tile
    if sample is not None:
        parts = [parts[i] for i in np.linspace(0, len(parts) - 1, sample).astype(int)]
    brute = Plane(model, s.w0, s.d1, s.d2)
    t_fast = t_brute = diff = 0.0
    for tile in parts:
        c0, c1 = tile.cols
        r0, _ = tile.rows
        a, b = xs[c0:c1], np.full(c1 - c0, ys[r0])
        best_fast = best_brute = math.inf
        for _ in range(repeat):
            t = time.perf_counter()
            fast_v, fast_g = s.plane.evaluate(a, b)
            best_fast = min(best_fast, time.perf_counter() - t)
            t = time.perf_counter()
            brute_v, brute_g = brute.evaluate(a, b)
            best_brute = min(best_brute, time.perf_counter() - t)
        t_fast += best_fast
        t_brute += best_brute
        diff = max(
            diff, float(np.abs(fast_v - brute_v).max()), float(np.abs(fast_g - brute_g).max())
        )
    scale = n / len(parts)
    scaled = "" if sample is None else f" (timed on {len(parts)} of {n} rows, scaled)"
    print(
        f"  {model.n_weights:>7,} weights  {n}x{n} slice: batched {t_fast * scale:6.2f} s  "
        f"brute force {t_brute * scale:7.2f} s{scaled}  speed-up {t_brute / t_fast:4.1f}x "
        f"(goal >= 3)  max |difference| {diff:.1e}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 85,002-weight slice")
    parser.add_argument("--full", action="store_true", help="time brute force on every node")
    parser.add_argument("--threads", type=int, default=None, help="BLAS threads")
    ns = parser.parse_args()
    if ns.threads is not None:
        from threadpoolctl import threadpool_limits

        threadpool_limits(ns.threads)
    models = {name: builtin(name) for name in ("logistic", "mlp", "mlp-large")}
    print("1. value + gradient over value, full batch (1,797 digits)")
    for model in models.values():
        gradient_ratio(model)
    print("2. 51x51 slice with the exact 2D gradient at every node")
    slice_speed(models["mlp"], 51, None, 3)
    if not ns.quick:
        slice_speed(models["mlp-large"], 51, None if ns.full else 6, 1)


if __name__ == "__main__":
    main()
