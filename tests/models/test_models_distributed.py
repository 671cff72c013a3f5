"""Slices on a Dask cluster: the local path's numbers, faults, resume, shipped adapters.

Every test that needs workers shares one `LocalCluster` of 2 worker processes (1 thread each),
started by the code under test (`connect("local:2")`) and closed when the module ends.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gradscape.cli import main
from gradscape.models import MLP, Slice, axes, builtin, random_slice, tiles
from gradscape.models import distributed as dist
from gradscape.models.train import train

distributed = pytest.importorskip("distributed")

from gradscape.models.dask_plugin import worker_settings  # noqa: E402 - needs distributed


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with dist.connect("local:2") as c:
        yield c


@pytest.fixture(scope="module")
def mlp() -> MLP:
    model = builtin("mlp", n=300)
    train(model, 20, "adam", 0.01)
    return model


@pytest.fixture(scope="module")
def slice_(mlp: MLP) -> Slice:
    return random_slice(mlp, seed=4)


def computed_on_workers(client: Any) -> dict[str, list[tuple[int, int, int, int]]]:
    """Every tile each worker process has computed, in order."""
    return client.run(dist.tiles_computed_here)  # type: ignore[no-any-return]


def new_since(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> list[Any]:
    return [t for w, done in after.items() for t in done[len(before.get(w, [])) :]]


# -- the same numbers --------------------------------------------------------------------------


def test_the_cluster_grid_equals_the_local_grid_bit_for_bit(client: Any, slice_: Slice) -> None:
    local = slice_.grid((-1, 1), (-0.5, 0.5), (23, 17), tile_size=6)
    remote = dist.grid(slice_, (-1, 1), (-0.5, 0.5), (23, 17), client=client, tile_size=6)
    assert np.array_equal(remote.x, local.x) and np.array_equal(remote.y, local.y)
    assert np.array_equal(remote.value, local.value)
    assert np.array_equal(remote.gradient, local.gradient)


def test_tiles_sized_by_the_probe_carry_50_ms_each_and_match_to_1e_12(
    client: Any, slice_: Slice
) -> None:
    xs, ys = axes((-1, 1), (-1, 1), 40)
    run = dist.TileRun(slice_, xs, ys, client=client, target_seconds=0.06)
    results = list(run)
    assert run.seconds_per_node is not None and run.tile_size is not None
    rows, cols = run.tile_size
    whole = rows >= ys.size and cols >= xs.size
    assert whole or rows * cols * run.seconds_per_node >= dist.MIN_SECONDS
    local = slice_.grid((-1, 1), (-1, 1), 40)
    got = dist.assemble(xs, ys, results)
    np.testing.assert_allclose(got.value, local.value, rtol=0, atol=1e-12)
    np.testing.assert_allclose(got.gradient, local.gradient, rtol=0, atol=1e-12)


def test_tile_size_aims_at_the_target_above_the_floor_and_balances_the_workers() -> None:
    # 1 ms a node, 0.25 s aimed at: 250 nodes (16 x 16) on a big grid
    assert dist.tile_size_for(1e-3, (1000, 1000), 2) == (16, 16)
    # a small grid on many threads: balanced down, but never under 50 ms (50 nodes)
    rows, cols = dist.tile_size_for(1e-3, (20, 20), 64)
    assert rows * cols >= 50
    # 4 tiles a thread where the floor allows: 101 x 101 at 0.1 ms on 2 threads
    rows, cols = dist.tile_size_for(1e-4, (101, 101), 2)
    assert rows * cols * 1e-4 >= dist.MIN_SECONDS
    assert len(tiles((101, 101), (rows, cols))) >= 8
    # nodes dearer than the target: one node a tile
    assert dist.tile_size_for(1.0, (5, 5), 1) == (1, 1)


def test_progress_counts_nodes_and_every_tile_arrives_once(client: Any, slice_: Slice) -> None:
    seen: list[tuple[int, int]] = []
    arrived: list[Any] = []
    dist.grid(
        slice_,
        n=(9, 7),
        client=client,
        tile_size=3,
        progress=lambda done, total: seen.append((done, total)),
        on_tile=lambda res: arrived.append(res.tile),
    )
    assert sorted(arrived, key=lambda t: (t.rows, t.cols)) == tiles((7, 9), 3)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[-1] == (63, 63)
    assert all(total == 63 for _, total in seen)


def test_without_a_client_the_run_is_the_local_path(slice_: Slice) -> None:
    local = slice_.grid(n=20)
    here = dist.grid(slice_, n=20)
    assert np.array_equal(here.value, local.value)
    assert np.array_equal(here.gradient, local.gradient)


# -- faults and resume -------------------------------------------------------------------------


def test_a_worker_killed_mid_run_still_yields_the_whole_grid(client: Any, slice_: Slice) -> None:
    pids = client.run(os.getpid)
    victim = sorted(pids.values())[0]
    state = {"arrived": 0, "after_kill": 0}

    def on_tile(res: Any) -> None:
        state["arrived"] += 1
        if state["arrived"] == 2:
            os.kill(victim, signal.SIGKILL)
        elif state["arrived"] > 2:
            state["after_kill"] += 1

    n = (48, 40)
    remote = dist.grid(slice_, n=n, client=client, tile_size=4, on_tile=on_tile)
    local = slice_.grid(n=n, tile_size=4)
    assert state["after_kill"] >= len(tiles((40, 48), 4)) - 2 - 1  # most tiles came later
    with pytest.raises(ProcessLookupError):
        os.kill(victim, 0)
    assert np.array_equal(remote.value, local.value)
    assert np.array_equal(remote.gradient, local.gradient)
    client.wait_for_workers(2, timeout=60)  # the nanny restarts it for the other tests


def test_a_resumed_run_recomputes_no_finished_tile(
    client: Any, slice_: Slice, tmp_path: Path
) -> None:
    store = tmp_path / "tiles"
    n, size = (30, 20), 5
    every = tiles((20, 30), size)

    def stop_after_four(done: int, total: int) -> None:
        if done >= 4 * size * size:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        dist.grid(slice_, n=n, client=client, tile_size=size, tiles_dir=store,
                  progress=stop_after_four)  # fmt: skip
    files = sorted(store.glob("tile-*.npz"))
    assert len(files) == 4
    stamps = {f.name: f.stat().st_mtime_ns for f in files}
    before = computed_on_workers(client)

    xs, ys = axes((-1, 1), (-1, 1), n)
    run = dist.TileRun(slice_, xs, ys, client=client, tiles_dir=store)  # size from the manifest
    results = list(run)
    assert run.tile_size == (size, size)
    assert len(run.saved) == 4 and not set(run.saved) & set(run.computed)
    assert sorted(run.saved + run.computed, key=lambda t: (t.rows, t.cols)) == every
    recomputed = new_since(before, computed_on_workers(client))
    saved = {t.rows + t.cols for t in run.saved}
    assert saved.isdisjoint(recomputed)  # the workers never saw a finished tile again
    assert {t.rows + t.cols for t in run.computed} <= set(recomputed)
    assert {f.name: f.stat().st_mtime_ns for f in files} == stamps
    local = slice_.grid(n=n, tile_size=size)
    got = dist.assemble(xs, ys, results)
    assert np.array_equal(got.value, local.value) and np.array_equal(got.gradient, local.gradient)
    # a third run computes nothing at all
    again = dist.TileRun(slice_, xs, ys, client=client, tiles_dir=store)
    list(again)
    assert again.computed == [] and len(again.saved) == len(every)


def test_tiles_of_another_slice_are_never_mixed_in(mlp: MLP, tmp_path: Path) -> None:
    store = tmp_path / "tiles"
    dist.grid(random_slice(mlp, seed=1), n=8, tiles_dir=store)
    with pytest.raises(ValueError, match="another slice"):
        dist.grid(random_slice(mlp, seed=2), n=8, tiles_dir=store)
    with pytest.raises(ValueError, match="another slice"):
        dist.grid(random_slice(mlp, seed=1), n=9, tiles_dir=store)  # another grid


def test_a_saved_tile_opens_with_numpy(mlp: MLP, tmp_path: Path) -> None:
    s = random_slice(mlp, seed=1)
    dist.grid(s, (-1, 1), (-2, 2), (10, 6), tile_size=4, tiles_dir=tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["shape"] == [6, 10] and manifest["tile"] == [4, 4] and manifest["tiles"] == 6
    with np.load(tmp_path / "tile-4-6-8-10.npz") as f:
        assert f["loss"].shape == (2, 2) and f["grad_a"].shape == (2, 2)
        np.testing.assert_array_equal(f["a"], np.linspace(-1, 1, 10)[8:])
        assert f["loss"][0, 0] == pytest.approx(s.value((f["a"][0], f["b"][0])), abs=1e-12)


def test_an_unreadable_saved_tile_is_computed_again(mlp: MLP, tmp_path: Path) -> None:
    s = random_slice(mlp, seed=1)
    dist.grid(s, n=8, tile_size=4, tiles_dir=tmp_path)
    (tmp_path / "tile-0-4-0-4.npz").write_bytes(b"not a tile")
    xs, ys = axes((-1, 1), (-1, 1), 8)
    run = dist.TileRun(s, xs, ys, tiles_dir=tmp_path)
    got = dist.assemble(xs, ys, list(run))
    assert [t.rows + t.cols for t in run.computed] == [(0, 4, 0, 4)]
    assert np.array_equal(got.value, s.grid(n=8, tile_size=4).value)


# -- workers' settings -------------------------------------------------------------------------


def test_local_workers_run_one_blas_thread_without_the_malloc_variable(client: Any) -> None:
    for settings in client.run(worker_settings).values():
        assert settings["blas_threads"] and set(settings["blas_threads"]) == {1}
        assert settings["MALLOC_TRIM_THRESHOLD_"] is None
        assert settings["JAX_PLATFORMS"] == "cpu" and settings["JAX_ENABLE_X64"] == "1"


def test_workers_started_with_the_nannys_malloc_variable_get_their_allocator_tuned(
    slice_: Slice,
) -> None:
    with (
        dist.local_cluster(1, tune_malloc=False) as cluster,
        distributed.Client(cluster, set_as_default=False) as c,
    ):
        dist.grid(slice_, n=4, client=c, tile_size=4)  # registers the plugin
        (settings,) = c.run(worker_settings).values()
    assert settings["MALLOC_TRIM_THRESHOLD_"] == "65536"
    assert settings["malloc_tuned"] is True


def test_a_closed_local_cluster_leaves_no_worker_process() -> None:
    with dist.connect("local:1") as c:
        pids = list(c.run(os.getpid).values())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# -- bring your own model ------------------------------------------------------------------------


def test_a_pytorch_model_runs_on_the_workers_as_shipped_state(client: Any, mlp: MLP) -> None:
    torch = pytest.importorskip("torch")
    from gradscape.models.pytorch import TorchModel

    net = torch.nn.Sequential(torch.nn.Linear(64, 16), torch.nn.Tanh(), torch.nn.Linear(16, 10))
    data = (torch.tensor(mlp.data.x[:120]), torch.tensor(mlp.data.y[:120]))
    model = TorchModel(net, torch.nn.functional.cross_entropy, data)
    state = dist.portable(model)
    assert isinstance(state, dist.TorchState)
    assert all(isinstance(v, np.ndarray) for v in state.tensors.values())
    assert all(p.is_meta for p in state.skeleton.parameters())  # structure only, no weights
    s = random_slice(model, seed=0)
    remote = dist.grid(s, n=6, client=client, tile_size=3)
    local = s.grid(n=6, tile_size=3)
    np.testing.assert_allclose(remote.value, local.value, rtol=0, atol=1e-12)
    np.testing.assert_allclose(remote.gradient, local.gradient, rtol=0, atol=1e-12)
    threads = client.run(lambda: __import__("torch").get_num_threads())
    assert set(threads.values()) == {1}


def test_a_jax_model_runs_on_the_workers_in_float64_on_the_cpu(client: Any, mlp: MLP) -> None:
    pytest.importorskip("jax")
    from gradscape.models.jax_adapter import JaxModel, jnp

    def loss(params: Any, x: Any, y: Any) -> Any:
        z = jnp.tanh(x @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]
        z = z - z.max(axis=1, keepdims=True)
        return (jnp.log(jnp.exp(z).sum(axis=1)) - z[jnp.arange(len(y)), y]).mean()

    (W1, b1), (W2, b2) = mlp.unpack(mlp.w)
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    model = JaxModel(loss, params, (mlp.data.x[:120], mlp.data.y[:120]))
    s = random_slice(model, seed=0)
    remote = dist.grid(s, n=5, client=client, tile_size=3)
    local = s.grid(n=5, tile_size=3)
    np.testing.assert_allclose(remote.value, local.value, rtol=0, atol=1e-12)
    np.testing.assert_allclose(remote.gradient, local.gradient, rtol=0, atol=1e-12)

    def jax_setup() -> tuple[str, bool]:
        import jax

        return jax.default_backend(), bool(jax.config.jax_enable_x64)

    assert set(client.run(jax_setup).values()) == {("cpu", True)}


# -- the command line --------------------------------------------------------------------------

ARGS = ["slice", "--model", "logistic", "--train", "0", "--samples", "60", "--grid", "9"]


def _load(path: Path) -> dict[str, np.ndarray]:
    with np.load(path) as f:
        return {k: f[k] for k in ("loss", "grad_a", "grad_b")}


def test_slice_on_a_local_cluster_writes_the_local_numbers(tmp_path: Path) -> None:
    assert main([*ARGS, "-o", str(tmp_path / "here.npz")]) == 0
    assert main([*ARGS, "--cluster", "local:2", "-o", str(tmp_path / "there.npz")]) == 0
    here, there = _load(tmp_path / "here.npz"), _load(tmp_path / "there.npz")
    for k in here:
        np.testing.assert_allclose(there[k], here[k], rtol=0, atol=1e-12)


def test_slice_with_tiles_resumes_from_the_saved_tiles(tmp_path: Path) -> None:
    args = [*ARGS, "--tiles", str(tmp_path / "t"), "-o", str(tmp_path / "a.npz")]
    assert main(args) == 0
    stamps = {f: f.stat().st_mtime_ns for f in (tmp_path / "t").glob("tile-*.npz")}
    assert stamps
    assert main([*args[:-1], str(tmp_path / "b.npz")]) == 0
    assert {f: f.stat().st_mtime_ns for f in (tmp_path / "t").glob("tile-*.npz")} == stamps
    a, b = _load(tmp_path / "a.npz"), _load(tmp_path / "b.npz")
    assert all(np.array_equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize(
    ("cluster", "message"),
    [
        ("nowhere", "--cluster takes a scheduler address"),
        ("local:0", "at least one worker"),
        ("tcp://127.0.0.1:1", "Cannot reach a Dask scheduler"),
    ],
)
def test_a_bad_cluster_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, cluster: str, message: str
) -> None:
    out = str(tmp_path / "x.npz")
    assert main([*ARGS, "--cluster", cluster, "-o", out]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_tiles_in_a_file_not_a_directory_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "f").write_text("x")
    assert main([*ARGS, "--tiles", str(tmp_path / "f"), "-o", str(tmp_path / "x.npz")]) == 2
    assert "is a file" in capsys.readouterr().err


# -- the explorer opens a cluster's slice (issue 12's browser half, through the server) -----------


def test_the_explorer_gets_a_cluster_slice_tile_by_tile_equal_to_the_local_grid(
    client: Any, slice_: Slice
) -> None:
    """`gradscape slice --cluster ... --open` registers the slice with its Dask client; the
    page's POST /api/slice/field then streams tiles computed on the workers as they finish."""
    from starlette.testclient import TestClient

    from gradscape.server.app import create_app
    from gradscape.server.pool import CompilePool
    from gradscape.server.slices import SliceRegistry

    reg = SliceRegistry()
    reg.register("cluster", slice_, 1.0, None, remote=True, client=client)
    http = TestClient(create_app(CompilePool(1), slices=reg))  # the pool never starts
    before = computed_on_workers(client)
    n = 12
    with http.stream(
        "POST",
        "/api/slice/field",
        json={"id": "cluster", "view": {"x": [-1, 1], "y": [-1, 1]}, "n": n},
    ) as r:
        assert r.status_code == 200
        lines = [json.loads(line) for line in r.iter_lines() if line]
    header, tiles_ = lines[0], lines[1:]
    assert header["total"] == n * n and len(tiles_) >= 1
    assert new_since(before, computed_on_workers(client)), "no tile was computed on the cluster"
    value = np.full((n, n), np.nan)
    for t in tiles_:
        (r0, r1), (c0, c1) = t["rows"], t["cols"]
        value[r0:r1, c0:c1] = np.array(t["value"], dtype=float).reshape(r1 - r0, c1 - c0)
    local = slice_.grid((-1, 1), (-1, 1), n)
    np.testing.assert_allclose(value, local.value, rtol=1e-12, atol=1e-14)
