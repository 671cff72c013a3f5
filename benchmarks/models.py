"""Models and slices: the cheap-gradient ratio and the fast slice, each against its baseline.

    .venv/bin/python benchmarks/models.py [--quick] [--threads N]

Side by side in one run, on all 1,797 digits, float64:

1. value + gradient time over value time, full batch (goal: <= 2 for the 1,210-weight MLP,
   <= 2.5 for 85,002), beside it finite differences (P + 1 values) over one value;
2. a 51x51 slice (filter-normalised random directions) with the exact 2D gradient at every node:
   the batched plane against brute force (one full forward and backward a node, projected),
   both in this run, and their largest difference (goal: >= 3x faster; the 85,002-weight MLP
   under 10 s). Brute force on the large model is timed on a sample of nodes and scaled
   (--full times every node: about a minute more on a quiet 2-core machine).

Timings are the best of several repeats (the machine is shared). ``--threads`` sets BLAS threads
(threadpoolctl; default: leave BLAS as it is).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from gradscape.models import MLP, builtin, random_slice
from gradscape.models.base import Plane


def best(f: Callable[[], object], repeat: int = 7) -> float:
    f()  # warm up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def gradient_ratio(model: MLP) -> None:
    w = model.w
    repeat = 21 if model.n_weights < 10_000 else 7
    t_value = best(lambda: model.value(w), repeat)
    t_both = best(lambda: model.value_and_gradient(w), repeat)
    fd = (model.n_weights + 1) * t_value
    goal = 2.0 if model.n_weights < 10_000 else 2.5
    print(
        f"  {model.n_weights:>7,} weights  value {1e3 * t_value:7.2f} ms  "
        f"value+gradient {1e3 * t_both:7.2f} ms  ratio {t_both / t_value:4.2f} "
        f"(goal <= {goal})  finite differences ({model.n_weights + 1:,} values) "
        f"{fd:8.2f} s = {fd / t_value:,.0f}x"
    )


def slice_speed(model: MLP, n: int, sample: int | None) -> None:
    s = random_slice(model, seed=0)
    xs = np.linspace(-1, 1, n)
    t = time.perf_counter()
    fast = s.grid((-1, 1), (-1, 1), n)
    t_fast = time.perf_counter() - t
    brute = Plane(model, s.w0, s.d1, s.d2)
    aa, bb = np.meshgrid(xs, xs)
    a, b = aa.ravel(), bb.ravel()
    nodes = a.size
    pick = np.arange(nodes) if sample is None else np.linspace(0, nodes - 1, sample).astype(int)
    t = time.perf_counter()
    values, grads = brute.evaluate(a[pick], b[pick])
    t_brute = (time.perf_counter() - t) * nodes / pick.size
    diff = max(
        float(np.max(np.abs(values - fast.value.ravel()[pick]))),
        float(np.max(np.abs(grads[:, 0] - fast.gradient[0].ravel()[pick]))),
        float(np.max(np.abs(grads[:, 1] - fast.gradient[1].ravel()[pick]))),
    )
    scaled = "" if sample is None else f" (timed on {pick.size} nodes, scaled)"
    print(
        f"  {model.n_weights:>7,} weights  {n}x{n} slice: batched {t_fast:6.2f} s  "
        f"brute force {t_brute:7.2f} s{scaled}  speed-up {t_brute / t_fast:4.1f}x "
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
    slice_speed(models["mlp"], 51, None)
    if not ns.quick:
        slice_speed(models["mlp-large"], 51, None if ns.full else 64)


if __name__ == "__main__":
    main()
