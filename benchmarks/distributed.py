"""A big slice on a Dask LocalCluster against one process, side by side in one run.

    .venv/bin/python benchmarks/distributed.py [--grid 101] [--workers 2] [--no-untuned]

The 85,002-weight MLP (64 -> 256 -> 256 -> 10, all 1,797 digits), a random slice, loss and exact
2D gradient at every node of a grid x grid slice:

1. local: ``Slice.grid`` in this process, BLAS held to one thread (one core's work);
2. LocalCluster(workers) as `gradscape.models.distributed` starts it (one BLAS thread a worker,
   no MALLOC_TRIM_THRESHOLD_), tiles sized by the probe;
3. unless --no-untuned: the same cluster with the nanny's MALLOC_TRIM_THRESHOLD_=65536 left as
   Dask sets it and no mallopt (the pitfall of dask/distributed PR #5098).

Prints tiles, the tile size, per-tile time (one core), wall time and parallel efficiency
T_local / (workers x T_cluster); the cluster's grid is checked against the local one (1e-12).
Cluster start-up is not timed (a cluster is started once for many slices); scattering the slice
and the probe are.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

# This file's name is the package's: keep its folder off the path so `distributed` is Dask's.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(__file__)]

import numpy as np  # noqa: E402
from distributed import Client  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from gradscape.models import axes, builtin, random_slice, tiles  # noqa: E402
from gradscape.models import distributed as dist  # noqa: E402
from gradscape.models.dask_plugin import WorkerSetup  # noqa: E402


def on_cluster(s, n, workers, tuned):  # type: ignore[no-untyped-def]
    with (
        dist.local_cluster(workers, tune_malloc=tuned) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        xs, ys = axes((-1, 1), (-1, 1), n)
        start = time.perf_counter()
        run = dist.TileRun(s, xs, ys, client=client, setup=WorkerSetup(tune_malloc=tuned))
        results = list(run)
        took = time.perf_counter() - start
        env = client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
    return took, run, dist.assemble(xs, ys, results), set(env.values())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--grid", type=int, default=101)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--no-untuned", action="store_true")
    ns = p.parse_args()
    n, w = ns.grid, ns.workers
    s = random_slice(builtin("mlp-large"), seed=0)
    print(f"mlp-large ({s.model.n_weights:,} weights), {n}x{n} slice, {os.cpu_count()} cores")
    print(f"load average before: {os.getloadavg()}")

    with threadpool_limits(limits=1):
        _ = s.plane  # the one-off first-layer products, as each worker builds them
        start = time.perf_counter()
        local = s.grid((-1, 1), (-1, 1), n)
        t_local = time.perf_counter() - start
    print(f"local, 1 thread:          {t_local:7.2f} s  ({1e3 * t_local / n**2:.2f} ms a node)")

    runs = [("LocalCluster, tuned", True)] + ([] if ns.no_untuned else [("nanny's malloc", False)])
    for label, tuned in runs:
        took, run, got, env = on_cluster(s, n, w, tuned)
        count = len(tiles((n, n), run.tile_size))
        per_tile = t_local / n**2 * np.prod(run.tile_size)
        err = max(
            float(np.abs(got.value - local.value).max()),
            float(np.abs(got.gradient - local.gradient).max()),
        )
        print(
            f"{label + f' ({w})':<26}{took:7.2f} s  tiles {count} of {run.tile_size[0]}x"
            f"{run.tile_size[1]}, {per_tile:.3f} s a tile (probe {1e3 * run.seconds_per_node:.2f}"
            f" ms a node), efficiency {100 * t_local / (w * took):5.1f}%, "
            f"max |diff| {err:.1e}, MALLOC_TRIM_THRESHOLD_={env}"
        )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
