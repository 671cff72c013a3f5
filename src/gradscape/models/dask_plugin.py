"""The worker plugin of `gradscape.models.distributed` (imports Dask, so it is loaded only when a
client is used): thread and allocator settings for every worker, also those that join later."""

from __future__ import annotations

import os
import sys
from typing import Any

from distributed import WorkerPlugin

# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3

applied: dict[str, Any] = {}  # what setup did in this process (see `worker_settings`)


class WorkerSetup(WorkerPlugin):
    """BLAS threads, the allocator, JAX's platform (see `gradscape.models.distributed`).

    Registered with ``client.register_plugin(WorkerSetup())``; the scheduler applies it to every
    worker, including those that join or restart later. ``tune_malloc=False`` leaves glibc's
    allocator as the nanny set it (the benchmark's baseline).
    """

    name = "gradscape-setup"
    idempotent = False  # re-registering replaces it (and runs setup again): harmless

    def __init__(self, tune_malloc: bool = True) -> None:
        self.tune_malloc = tune_malloc

    def setup(self, worker: Any) -> None:
        os.environ.setdefault("JAX_PLATFORMS", "cpu")  # before jax is imported here
        os.environ["JAX_ENABLE_X64"] = "1"
        from threadpoolctl import threadpool_limits  # a scikit-learn dependency

        # Process-wide: one worker thread is one core's work, so BLAS gets one thread a task.
        threadpool_limits(limits=1)
        if "torch" in sys.modules:  # TorchState.build sets it when torch arrives later
            sys.modules["torch"].set_num_threads(1)
        applied["malloc_tuned"] = bool(
            self.tune_malloc and "MALLOC_TRIM_THRESHOLD_" in os.environ and tune_malloc()
        )


def tune_malloc() -> bool:
    """Raise glibc's mmap and trim thresholds (32 MB, 64 MB); False where there is no glibc."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not sys.platform.startswith("linux") or name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        ok = libc.mallopt(_M_MMAP_THRESHOLD, 32 * 2**20) and libc.mallopt(
            _M_TRIM_THRESHOLD, 64 * 2**20
        )
    except (OSError, AttributeError):
        return False
    return bool(ok)


def worker_settings() -> dict[str, Any]:
    """This process's settings: BLAS threads, the malloc variable, JAX's, what setup did."""
    from threadpoolctl import threadpool_info

    return {
        "blas_threads": [p["num_threads"] for p in threadpool_info()],
        "MALLOC_TRIM_THRESHOLD_": os.environ.get("MALLOC_TRIM_THRESHOLD_"),
        "JAX_PLATFORMS": os.environ.get("JAX_PLATFORMS"),
        "JAX_ENABLE_X64": os.environ.get("JAX_ENABLE_X64"),
        **applied,
    }


__all__ = ["WorkerSetup", "tune_malloc", "worker_settings"]
