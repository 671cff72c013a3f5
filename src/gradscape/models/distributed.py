"""Big slices on a Dask cluster: the same tiles as one machine, computed by many workers.

    from dask.distributed import Client
    from gradscape.models import builtin, random_slice
    from gradscape.models.distributed import grid

    s = random_slice(builtin("mlp-large"))
    with Client("tcp://scheduler:8786") as client:       # or local_client(4): processes here
        g = grid(s, (-1, 1), (-1, 1), 201, client=client, tiles_dir="slice-tiles")

A slice's grid is a set of tiles (`slices.tiles`), each computed by ``Slice.tile``, the function
the local path (``Slice.grid``) runs too; a node's numbers depend only on its (a, b) and the
slice, so the distributed grid equals the local one (bit for bit with the same tile size; to
BLAS rounding, far below 1e-12, with another). What this module adds:

- **Tiles sized to the work.** Without ``tile_size``, one worker times a node (the plane is built
  first, so its one-off first-layer products are not counted) and tiles get about
  ``target_seconds`` (0.25 s) of work, never under 50 ms (Dask's per-task overhead is 1-2 ms),
  and at least four tiles a worker thread where the grid allows (the last tiles of an uneven
  split then idle little).
- **Model and data shipped once per worker.** The slice is scattered with ``broadcast=True``;
  tasks name it, so a tile's message is a few coordinates. PyTorch and JAX models travel as
  state, not as pickled closures (JAX's jitted functions do not pickle): a `TorchModel` as its
  module's structure (a copy on PyTorch's ``meta`` device, no tensors) plus its parameters,
  buffers and data as NumPy arrays; a `JaxModel` as its loss function, parameter pytree and data
  as NumPy. Each worker rebuilds the model once (float64 as on the client) and caches the
  slice and its plane. Your module's class and loss function must be importable on the workers
  (install your package there), or defined in ``__main__`` or a notebook, which is shipped by
  value.
- **Worker settings** (`dask_plugin.WorkerSetup`, a worker plugin, re-applied to workers that join
  or restart): BLAS limited to one thread per worker thread (threadpoolctl), since a worker process
  per core each starting a BLAS thread per core oversubscribes the machine; PyTorch's intra-op
  threads set to 1 where it builds a `TorchModel`; JAX told to use the CPU with float64
  (``JAX_PLATFORMS=cpu``, ``JAX_ENABLE_X64=1``) before it is imported. And glibc's allocator: the
  nanny starts workers with ``MALLOC_TRIM_THRESHOLD_=65536`` (still in distributed 2026.8), and
  setting any malloc threshold freezes glibc's mmap threshold at 128 kB, so every NumPy
  temporary above that (the batched plane's are 0.5 MB) is a fresh mmap, page-faulted in and
  unmapped again (dask/distributed PR #5098: several times slower). `local_cluster` starts its
  workers without that variable; on a cluster already running, `WorkerSetup` raises the mmap and
  trim thresholds to 32 MB and 64 MB with ``mallopt`` (so up to 64 MB of freed memory a worker
  may stay mapped while it works, a deliberate trade).
- **Progress and arrival.** Tiles are gathered as they finish (``as_completed``);
  ``progress(done, total)`` counts nodes, as the local path's does; `TileRun` yields each
  `TileResult` as it arrives (the Python half of the explorer showing tiles appear).
- **Faults and resume.** A worker lost mid-run costs only its tiles in flight: the scheduler
  reruns them on the others (every worker holds the slice). With ``tiles_dir`` every finished
  tile is saved as it arrives, one ``.npz`` per tile beside a ``manifest.json`` naming the
  slice's identity (a hash of its model, weights, directions and grid), and a rerun loads the
  saved tiles and computes only the others; tiles of another slice are refused, never mixed in.
  Ctrl-C cancels the tiles in flight and keeps the saved ones.

Without a client the same `TileRun` computes the tiles here, one after another (resumable too).
Requires the ``dask`` extra (``pip install 'gradscape[dask]'``) for a client; gradscape (and
torch or jax, for those models) must be installed on the workers, in the client's versions.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import math
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..landscape import Grid
from .base import Progress, WeightModel
from .slices import Slice, Tile, TileResult, assemble, axes, tiles

TARGET_SECONDS = 0.25  # work per tile, aimed at
MIN_SECONDS = 0.05  # never less per tile: Dask's per-task overhead is 1-2 ms
TILES_PER_THREAD = 4  # at least this many tiles per worker thread, where the grid allows
LOCAL_TILE = 16  # the local path's tile size (Slice.grid's default)
FORMAT = "gradscape-tiles/1"


OnTile = Callable[[TileResult], None]


# -- shipping a slice --------------------------------------------------------------------------


class Shipped:
    """A slice as it travels to workers: its state, with the model as portable state.

    ``.slice`` rebuilds it (once per process, under a lock, with its plane built too).
    """

    def __init__(self, slice_: Slice) -> None:
        state = slice_.__getstate__()
        self.model = portable(slice_.model)
        state["model"] = None
        self.state = state
        self._slice: Slice | None = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {"model": self.model, "state": self.state}

    def __setstate__(self, d: dict[str, Any]) -> None:
        self.model, self.state = d["model"], d["state"]
        self._slice, self._lock = None, threading.Lock()

    @property
    def slice(self) -> Slice:
        with self._lock:
            if self._slice is None:
                model = self.model.build() if isinstance(self.model, _State) else self.model
                s = Slice.__new__(Slice)
                s.__dict__.update(self.state)
                s.model = model
                _ = s.plane  # the plane's one-off products, before any tile is timed
                self._slice = s
            return self._slice


class _State:
    """A model as state that rebuilds it in another process."""

    def build(self) -> WeightModel:
        raise NotImplementedError


class TorchState(_State):
    """A `TorchModel` as its module's structure (meta device), its tensors and data as NumPy."""

    def __init__(self, model: Any) -> None:
        module = model.module
        self.skeleton = copy.deepcopy(module).to("meta")
        self.tensors = {
            name: t.detach().cpu().numpy().copy()
            for name, t in [*module.named_parameters(), *module.named_buffers()]
        }
        self.loss_fn = model.loss_fn
        self.batches = [(_numpy(x), _numpy(y)) for x, y in model.batches]
        self.dtype = str(model.dtype).removeprefix("torch.")

    def build(self) -> WeightModel:
        import torch

        from .pytorch import TorchModel

        torch.set_num_threads(1)  # one worker thread, one core: no intra-op oversubscription
        module = self.skeleton.to_empty(device="cpu")
        with torch.no_grad():
            for name, array in self.tensors.items():
                owner, _, leaf = name.rpartition(".")
                target = getattr(module.get_submodule(owner) if owner else module, leaf)
                target.copy_(torch.from_numpy(array))
        batches = [(torch.from_numpy(x), torch.from_numpy(y)) for x, y in self.batches]
        return TorchModel(module, self.loss_fn, batches, dtype=getattr(torch, self.dtype))


class JaxState(_State):
    """A `JaxModel` as its loss function, its parameter pytree and its data as NumPy."""

    def __init__(self, model: Any) -> None:
        import jax

        self.loss_fn = _jax_loss_fn(model)
        self.params = jax.tree_util.tree_map(np.asarray, model.params(model.w))
        self.data = tuple(np.asarray(d) for d in model.data)

    def build(self) -> WeightModel:
        jax_environment()
        from .jax_adapter import JaxModel

        return JaxModel(self.loss_fn, self.params, self.data)


def portable(model: WeightModel) -> Any:
    """What a worker needs to rebuild `model`: state for the PyTorch and JAX adapters, the model
    itself for the NumPy ones (they pickle as plain arrays)."""
    kind = f"{type(model).__module__}.{type(model).__qualname__}"
    if kind == "gradscape.models.pytorch.TorchModel":
        return TorchState(model)
    if kind == "gradscape.models.jax_adapter.JaxModel":
        return JaxState(model)
    return model


def _numpy(t: Any) -> np.ndarray:
    return np.asarray(t.detach().cpu().numpy() if hasattr(t, "detach") else t).copy()


def _jax_loss_fn(model: Any) -> Any:
    fn = getattr(model, "loss_fn", None)
    if fn is not None:
        return fn
    # JaxModel keeps the user's function only inside its flat-vector wrapper's closure.
    for cell in model._flat_loss.__closure__ or ():
        value = cell.cell_contents
        if callable(value) and value is not model._unravel:
            return value
    raise ValueError("Cannot find the JAX model's loss function to ship it to the workers")


def jax_environment() -> None:
    """JAX on the CPU with float64; only effective before jax is imported in this process."""
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    os.environ["JAX_ENABLE_X64"] = "1"


# -- what runs on a worker ---------------------------------------------------------------------

_computed: list[tuple[int, int, int, int]] = []  # tiles this process computed (r0, r1, c0, c1)


def compute_tile(shipped: Shipped, xs: np.ndarray, ys: np.ndarray, tile: Tile) -> TileResult:
    """One tile, on a worker: the same `Slice.tile` the local path runs."""
    result = shipped.slice.tile(xs, ys, tile)
    _computed.append((*tile.rows, *tile.cols))
    return result


def tiles_computed_here() -> list[tuple[int, int, int, int]]:
    """The tiles this process has computed, (r0, r1, c0, c1) each, in order (run it on workers
    with ``client.run`` to see who computed what)."""
    return list(_computed)


def seconds_per_node(shipped: Shipped, xs: np.ndarray, ys: np.ndarray) -> float:
    """A node's cost where this runs: nodes at the grid's corner, doubling until >= 20 ms."""
    plane = shipped.slice.plane
    k = 1
    while True:
        a, b = np.full(k, xs[0]), np.full(k, ys[0])
        start = time.perf_counter()
        plane.evaluate(a, b)
        took = time.perf_counter() - start
        if took >= 0.02 or k >= 4096:
            return took / k
        k *= 2


# -- clusters ----------------------------------------------------------------------------------


def _dask() -> Any:
    try:
        import distributed
    except ImportError:
        raise ValueError(
            "A Dask cluster needs the dask extra: pip install 'gradscape[dask]'"
        ) from None
    return distributed


def local_cluster(n_workers: int | None = None, *, tune_malloc: bool = True, **kwargs: Any) -> Any:
    """A `LocalCluster` of worker processes here, one thread each (default: a worker a core).

    Workers start with one BLAS thread and, unless ``tune_malloc=False``, without the nanny's
    ``MALLOC_TRIM_THRESHOLD_`` (see the module doc). Close it (``with``) when done.
    """
    distributed = _dask()
    import dask

    n = (os.cpu_count() or 1) if n_workers is None else int(n_workers)
    if not 1 <= n <= 512:
        raise ValueError(f"A local cluster takes 1 to 512 workers; got {n}")
    environ = {"OMP_NUM_THREADS": 1, "OPENBLAS_NUM_THREADS": 1, "MKL_NUM_THREADS": 1}
    if tune_malloc:
        environ["MALLOC_TRIM_THRESHOLD_"] = None  # type: ignore[assignment]
    options: dict[str, Any] = {
        "n_workers": n,
        "threads_per_worker": 1,
        "processes": True,
        "dashboard_address": ":0",  # any free port: several clusters may run side by side
        "silence_logs": 40,  # logging.ERROR: a restarted worker is reported, not chattered
        **kwargs,
    }
    with dask.config.set(
        {f"distributed.nanny.pre-spawn-environ.{k}": v for k, v in environ.items()}
    ):
        return distributed.LocalCluster(**options)


_LOCAL = re.compile(r"local(?::(\d+))?")


@contextlib.contextmanager
def connect(spec: str | None, *, timeout: float = 30.0) -> Iterator[Any]:
    """A Dask client for ``--cluster``: ``local`` or ``local:N`` (a `local_cluster` of N
    workers, closed on exit), or a scheduler's address (``tcp://HOST:8786``); None: no client."""
    if spec is None:
        yield None
        return
    text = spec.strip()
    local = _LOCAL.fullmatch(text)
    if not local and not re.fullmatch(r"([a-z]+://)?[^\s:/]+:\d+", text):
        raise ValueError(
            f"--cluster takes a scheduler address such as tcp://HOST:8786, or local or local:N; "
            f"got {spec!r}"
        )
    distributed = _dask()
    if local:
        n = int(local.group(1)) if local.group(1) else None
        if n is not None and n < 1:
            raise ValueError(f"local:N needs at least one worker; got {text!r}")
        with local_cluster(n) as cluster, distributed.Client(cluster, set_as_default=False) as c:
            yield c
        return
    unreachable = (
        f"Cannot reach a Dask scheduler at {text}; start one (`dask scheduler`, then "
        "`dask worker ADDRESS` on each machine) or use --cluster local"
    )
    host, _, port = text.rpartition("://")[2].rpartition(":")
    if text.startswith("tcp://") or "://" not in text:
        # Dask retries a refused connection until its timeout; a plain socket says so at once.
        try:
            socket.create_connection((host, int(port)), timeout=min(timeout, 5.0)).close()
        except OSError:
            raise ValueError(unreachable) from None
    try:
        client = distributed.Client(text, timeout=f"{timeout}s", set_as_default=False)
    except (OSError, TimeoutError):
        raise ValueError(unreachable) from None
    with client:
        yield client


def _threads(client: Any, timeout: float = 30.0) -> int:
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        raise ValueError(
            f"No Dask worker joined the scheduler within {timeout:g} s; start workers with "
            "`dask worker SCHEDULER_ADDRESS`"
        ) from None
    workers = client.scheduler_info(n_workers=-1)["workers"].values()
    return max(1, sum(int(w.get("nthreads", 1)) for w in workers))


def tile_size_for(
    seconds: float,
    shape: tuple[int, int],
    threads: int,
    target: float = TARGET_SECONDS,
) -> tuple[int, int]:
    """Tile rows and columns for nodes costing `seconds` each (see the module doc)."""
    ny, nx = shape
    seconds = max(seconds, 1e-9)
    floor = math.ceil(MIN_SECONDS / seconds)
    nodes = math.ceil(target / seconds)
    balanced = (ny * nx) // (TILES_PER_THREAD * threads)
    nodes = max(floor, min(nodes, max(1, balanced)))
    side = max(1, round(math.sqrt(nodes)))
    rows = min(ny, side)
    cols = min(nx, max(1, math.ceil(nodes / rows)))
    return rows, cols


# -- saved tiles -------------------------------------------------------------------------------


def identity(slice_: Slice, xs: np.ndarray, ys: np.ndarray) -> str:
    """A hash naming a slice's grid: the model (its kind, weights' layout, its data when it has
    any, its loss and projected gradient at w0 to 12 digits), w0, d1, d2 and the axes."""
    h = hashlib.sha256(FORMAT.encode())
    model = slice_.model
    h.update(f"{type(model).__module__}.{type(model).__qualname__}".encode())
    h.update(repr([(lay.name, tuple(lay.shape), lay.start) for lay in model.layouts]).encode())
    data = getattr(model, "data", None)
    for part in (getattr(data, "x", None), getattr(data, "y", None)):
        if isinstance(part, np.ndarray):
            h.update(np.ascontiguousarray(part).tobytes())
    _, g = slice_.value_and_gradient((0.0, 0.0))
    h.update(f"{slice_.loss0:.12g} {g[0]:.12g} {g[1]:.12g}".encode())
    for arr in (slice_.w0, slice_.d1, slice_.d2, xs, ys):
        h.update(np.ascontiguousarray(arr, dtype=np.float64).tobytes())
    return h.hexdigest()


class TileStore:
    """A directory of finished tiles: ``manifest.json`` and ``tile-R0-R1-C0-C1.npz`` files.

    Each ``.npz`` holds ``a`` and ``b`` (the tile's coordinates), ``loss`` (rows, cols),
    ``grad_a``, ``grad_b``, ``rows``, ``cols`` and ``identity``: ``np.load`` opens it.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        slice_: Slice,
        xs: np.ndarray,
        ys: np.ndarray,
        tile_size: tuple[int, int] | None,
    ) -> None:
        self.dir = Path(directory)
        if self.dir.exists() and not self.dir.is_dir():
            raise ValueError(f"--tiles {self.dir} is a file; give a directory")
        self.identity = identity(slice_, xs, ys)
        self.manifest = self.dir / "manifest.json"
        self.tile_size: tuple[int, int] | None = tile_size
        if self.manifest.exists():
            try:
                saved = json.loads(self.manifest.read_text())
                same = saved.get("format") == FORMAT and saved.get("identity") == self.identity
                size = (int(saved["tile"][0]), int(saved["tile"][1]))
            except (ValueError, KeyError, TypeError, IndexError):
                raise ValueError(
                    f"{self.manifest} is not a gradscape tile manifest; give another directory"
                ) from None
            if not same:
                raise ValueError(
                    f"{self.dir} holds tiles of another slice (another model, weights, "
                    "directions or grid); give a new --tiles directory or empty this one"
                )
            self.tile_size = size  # the saved tiles fix the partition
        self._info = {
            "format": FORMAT,
            "identity": self.identity,
            "kind": slice_.kind,
            "n_weights": slice_.model.n_weights,
            "loss_at_w0": slice_.loss0,
            "shape": [int(ys.size), int(xs.size)],
            "a": [float(xs[0]), float(xs[-1])],
            "b": [float(ys[0]), float(ys[-1])],
        }

    def start(self, tile_size: tuple[int, int], count: int) -> None:
        """Create the directory and manifest (once the partition is known)."""
        self.tile_size = tile_size
        self.dir.mkdir(parents=True, exist_ok=True)
        info = {**self._info, "tile": list(tile_size), "tiles": count}
        _atomic(self.manifest, json.dumps(info, indent=1).encode())

    def path(self, tile: Tile) -> Path:
        (r0, r1), (c0, c1) = tile.rows, tile.cols
        return self.dir / f"tile-{r0}-{r1}-{c0}-{c1}.npz"

    def load(self, tile: Tile, xs: np.ndarray, ys: np.ndarray) -> TileResult | None:
        """The saved tile, or None if it is missing or unreadable (it is computed again)."""
        path = self.path(tile)
        if not path.exists():
            return None
        (r0, r1), (c0, c1) = tile.rows, tile.cols
        try:
            with np.load(path) as f:
                if str(f["identity"]) != self.identity:
                    return None
                value = np.array(f["loss"])
                gradient = np.stack([f["grad_a"], f["grad_b"]])
                coords_ok = np.array_equal(f["a"], xs[c0:c1]) and np.array_equal(f["b"], ys[r0:r1])
        except (OSError, ValueError, KeyError):
            return None
        if not coords_ok or value.shape != (r1 - r0, c1 - c0):
            return None
        return TileResult(tile, value, gradient)

    def save(self, result: TileResult, xs: np.ndarray, ys: np.ndarray) -> None:
        (r0, r1), (c0, c1) = result.tile.rows, result.tile.cols
        path = self.path(result.tile)
        tmp = path.with_name(path.name + ".part")
        with open(tmp, "wb") as f:
            np.savez(
                f,
                a=xs[c0:c1],
                b=ys[r0:r1],
                loss=result.value,
                grad_a=result.gradient[0],
                grad_b=result.gradient[1],
                rows=np.array(result.tile.rows),
                cols=np.array(result.tile.cols),
                identity=np.array(self.identity),
            )
        os.replace(tmp, path)


def _atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# -- a run ---------------------------------------------------------------------------------------


class TileRun:
    """The tiles of a slice's grid, yielded as they are ready: saved ones first, then computed
    ones as they finish (on the client's cluster, or here without one).

    After (or during) iteration: ``tile_size``, ``total`` (nodes), ``saved`` (tiles loaded from
    ``tiles_dir``), ``computed`` (tiles computed in this run), ``seconds_per_node`` (the probe's,
    when it ran). Closing the iterator early (Ctrl-C, an exception, ``break``) cancels the tiles
    in flight.
    """

    def __init__(
        self,
        slice_: Slice,
        xs: np.ndarray,
        ys: np.ndarray,
        *,
        client: Any = None,
        tile_size: int | tuple[int, int] | None = None,
        tiles_dir: str | os.PathLike[str] | None = None,
        progress: Progress | None = None,
        target_seconds: float = TARGET_SECONDS,
        setup: Any = None,
    ) -> None:
        self.slice, self.client = slice_, client
        self.xs, self.ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
        self.progress, self.target = progress, float(target_seconds)
        self.setup = setup  # a WorkerSetup plugin (default: made when a client is used)
        size = (tile_size, tile_size) if isinstance(tile_size, int) else tile_size
        if size is not None and (size[0] < 1 or size[1] < 1):
            raise ValueError(f"A tile must be at least 1 x 1 nodes; got {tile_size}")
        self.store = (
            TileStore(tiles_dir, slice_, self.xs, self.ys, size) if tiles_dir is not None else None
        )
        if self.store is not None and self.store.tile_size is not None:
            size = self.store.tile_size  # resuming: the saved partition
        if size is None and client is None:
            size = (LOCAL_TILE, LOCAL_TILE)
        self.tile_size: tuple[int, int] | None = size
        self.total = int(self.xs.size * self.ys.size)
        self.saved: list[Tile] = []
        self.computed: list[Tile] = []
        self.seconds_per_node: float | None = None

    def __iter__(self) -> Iterator[TileResult]:
        shipped = None
        futures: list[Any] = []
        try:
            if self.client is not None:
                from .dask_plugin import WorkerSetup

                plugin = self.setup if self.setup is not None else WorkerSetup()
                self.client.register_plugin(plugin, name=WorkerSetup.name)
                threads = _threads(self.client)
                shipped = self.client.scatter(Shipped(self.slice), broadcast=True, hash=False)
                if self.tile_size is None:
                    probe = self.client.submit(
                        seconds_per_node, shipped, self.xs, self.ys, pure=False
                    )
                    self.seconds_per_node = float(probe.result())
                    shape = (self.ys.size, self.xs.size)
                    self.tile_size = tile_size_for(
                        self.seconds_per_node, shape, threads, self.target
                    )
            assert self.tile_size is not None
            every = tiles((self.ys.size, self.xs.size), self.tile_size)
            if self.store is not None:
                self.store.start(self.tile_size, len(every))
            done, todo = 0, []
            for t in every:
                res = self.store.load(t, self.xs, self.ys) if self.store is not None else None
                if res is None:
                    todo.append(t)
                    continue
                self.saved.append(t)
                done += res.value.size
                self._report(done)
                yield res
            for res in self._compute(todo, shipped, futures):
                if self.store is not None:
                    self.store.save(res, self.xs, self.ys)
                self.computed.append(res.tile)
                done += res.value.size
                self._report(done)
                yield res
        finally:
            if self.client is not None:
                pending = [f for f in futures if not f.done()]
                if pending:
                    self.client.cancel(pending)
                if shipped is not None:
                    shipped.release()

    def _report(self, done: int) -> None:
        if self.progress is not None:
            self.progress(done, self.total)

    def _compute(self, todo: list[Tile], shipped: Any, futures: list[Any]) -> Iterator[TileResult]:
        if self.client is None:
            for t in todo:
                yield self.slice.tile(self.xs, self.ys, t)
            return
        distributed = _dask()
        stamp = hashlib.sha1(os.urandom(8)).hexdigest()[:8]
        for t in todo:
            key = f"gradscape-tile-{t.rows[0]}-{t.cols[0]}-{stamp}"
            futures.append(self.client.submit(compute_tile, shipped, self.xs, self.ys, t, key=key))
        try:
            for fut in distributed.as_completed(futures, loop=self.client.loop):
                result = fut.result()
                fut.release()
                yield result
        except distributed.KilledWorker as err:
            raise ValueError(
                f"Workers kept dying while computing a tile ({err}); out of memory? Give "
                "smaller tiles or workers with more memory"
            ) from None


def grid(
    slice_: Slice,
    x: tuple[float, float] = (-1.0, 1.0),
    y: tuple[float, float] = (-1.0, 1.0),
    n: int | tuple[int, int] = 51,
    *,
    client: Any = None,
    tile_size: int | tuple[int, int] | None = None,
    tiles_dir: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    on_tile: OnTile | None = None,
    target_seconds: float = TARGET_SECONDS,
) -> Grid:
    """The slice's grid (as ``slice_.grid``) on a Dask ``client``'s cluster, or here without one;
    ``tiles_dir`` saves tiles and resumes from them; ``on_tile(result)`` sees each tile as it
    arrives. Returns the same numbers as ``slice_.grid(x, y, n)`` (see the module doc)."""
    xs, ys = axes(x, y, n)
    run = TileRun(
        slice_,
        xs,
        ys,
        client=client,
        tile_size=tile_size,
        tiles_dir=tiles_dir,
        progress=progress,
        target_seconds=target_seconds,
    )
    results = []
    for res in run:
        results.append(res)
        if on_tile is not None:
            on_tile(res)
    return assemble(xs, ys, results)


# -- the command line --------------------------------------------------------------------------


def add_cluster_arguments(parser: Any) -> None:
    """``--cluster`` and ``--tiles`` for `gradscape slice`."""
    parser.add_argument(
        "--cluster",
        default=None,
        metavar="ADDRESS",
        help="compute on a Dask cluster: tcp://HOST:8786, or local[:N] for N worker processes "
        "here (needs gradscape[dask])",
    )
    parser.add_argument(
        "--tiles",
        default=None,
        metavar="DIR",
        help="save each finished tile in DIR (.npz) and resume from the tiles already there",
    )


def slice_grid(
    slice_: Slice,
    span: tuple[float, float],
    n: int,
    ns: Any,
    progress: Progress | None = None,
) -> Grid:
    """The `slice` command's grid: local as before, or on ``ns.cluster`` / with ``ns.tiles``."""
    cluster, tiles_dir = getattr(ns, "cluster", None), getattr(ns, "tiles", None)
    if cluster is None and tiles_dir is None:
        return slice_.grid(span, span, n, progress=progress)
    with connect(cluster) as client:
        return grid(slice_, span, span, n, client=client, tiles_dir=tiles_dir, progress=progress)


__all__ = [
    "JaxState",
    "Shipped",
    "TileRun",
    "TileStore",
    "TorchState",
    "add_cluster_arguments",
    "compute_tile",
    "connect",
    "grid",
    "identity",
    "local_cluster",
    "portable",
    "seconds_per_node",
    "slice_grid",
    "tile_size_for",
    "tiles_computed_here",
]
