"""Slices of a model's landscape: exact 2D gradients, the fast grid, tiles, Hessian directions."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from gradscape.landscape import Landscape, numeric_gradient
from gradscape.models import (
    MLP,
    Plane,
    Slice,
    assemble,
    axes,
    builtin,
    descend_on_slice,
    digits,
    gradient_slice,
    hessian_slice,
    make_slice,
    random_slice,
    tiles,
    top_eigen,
    weight_slice,
)
from gradscape.models.train import train


@pytest.fixture(scope="module")
def mlp() -> MLP:
    model = builtin("mlp", n=200)
    train(model, 30, "adam", 0.01)
    return model


def test_a_slice_is_a_landscape_of_a_and_b(mlp: MLP) -> None:
    s = random_slice(mlp, seed=1)
    assert isinstance(s, Landscape) and s.variables == ("a", "b")
    assert s.value((0, 0)) == pytest.approx(mlp.loss(), abs=1e-15)


@pytest.mark.parametrize("kind", ["random", "gradient", "hessian", "weights:W1[3,7],b2[1]"])
def test_the_2d_gradient_matches_finite_differences_in_a_and_b(mlp: MLP, kind: str) -> None:
    s = make_slice(mlp, kind, seed=2)
    for ab in [(0.0, 0.0), (0.3, -0.2)]:
        np.testing.assert_allclose(
            s.gradient(ab), numeric_gradient(s, ab, h=1e-6), rtol=1e-6, atol=1e-8
        )


def test_the_2d_gradient_is_the_projection_of_the_full_gradient(mlp: MLP) -> None:
    s = random_slice(mlp, seed=3)
    g = mlp.gradient(s.point((0.2, 0.1)))
    np.testing.assert_allclose(s.gradient((0.2, 0.1)), [g @ s.d1, g @ s.d2], rtol=1e-13)


def test_in_plane_fraction_is_one_for_the_gradient_and_small_for_random(mlp: MLP) -> None:
    assert gradient_slice(mlp).in_plane() == pytest.approx(1.0, abs=1e-12)
    assert random_slice(mlp).in_plane() < 0.5
    s = weight_slice(mlp, "W1[3,7]", "b2[1]")
    g = mlp.gradient(mlp.w)
    i, j = mlp.index("W1[3,7]"), mlp.index("b2[1]")
    assert s.in_plane() == pytest.approx(np.hypot(g[i], g[j]) / np.linalg.norm(g))


def test_filter_normalised_directions_match_the_weights_norm_per_unit(mlp: MLP) -> None:
    s = random_slice(mlp, seed=4)
    for (W, _), (D, e) in zip(mlp.unpack(s.w0), mlp.unpack(s.d1), strict=True):
        np.testing.assert_allclose(np.linalg.norm(D, axis=0), np.linalg.norm(W, axis=0))
        assert not np.any(e)  # biases are not perturbed


def test_gradient_slice_directions_are_orthonormal(mlp: MLP) -> None:
    s = gradient_slice(mlp, seed=5)
    assert s.d1 @ s.d2 == pytest.approx(0.0, abs=1e-12)
    assert np.linalg.norm(s.d1) == pytest.approx(1.0) == np.linalg.norm(s.d2)


@pytest.mark.parametrize("sizes", [(64, 10), (64, 16, 10), (64, 12, 8, 10)])
def test_fast_grid_equals_brute_force_to_1e_12(sizes: tuple[int, ...]) -> None:
    model = MLP(digits(120), sizes, seed=1)
    s = random_slice(model, seed=6)
    fast = s.grid((-1, 1), (-0.5, 1.5), (7, 5))
    brute = s.grid((-1, 1), (-0.5, 1.5), (7, 5), brute_force=True)
    np.testing.assert_allclose(fast.value, brute.value, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fast.gradient, brute.gradient, rtol=0, atol=1e-12)


def test_fast_grid_equals_brute_force_where_some_rows_scores_are_far_below_the_others() -> None:
    model = MLP(digits(30), (64, 10), seed=1)
    w = model.w * 2000  # scores in the thousands: a row can sit ~1000 below another row's best
    s = random_slice(model, w0=w, seed=2)
    fast = s.plane.evaluate(np.array([0.0, 0.1]), np.array([0.0, -0.1]))
    brute = Plane(model, s.w0, s.d1, s.d2).evaluate(np.array([0.0, 0.1]), np.array([0.0, -0.1]))
    assert np.all(np.isfinite(fast[0]))
    np.testing.assert_allclose(fast[0], brute[0], rtol=1e-12)
    np.testing.assert_allclose(fast[1], brute[1], rtol=1e-10, atol=1e-10)


def test_tiles_in_any_order_assemble_the_same_grid(mlp: MLP) -> None:
    s = random_slice(mlp, seed=7)
    whole = s.grid((-1, 1), (-1, 1), 9, tile_size=9)
    xs, ys = axes((-1, 1), (-1, 1), 9)
    parts = tiles((9, 9), size=(2, 4))
    assert len(parts) == 5 * 3
    copy = pickle.loads(pickle.dumps(s))  # what a worker receives
    blocks = [copy.tile(xs, ys, t) for t in reversed(parts)]
    grid = assemble(xs, ys, blocks)
    np.testing.assert_allclose(grid.value, whole.value, rtol=0, atol=1e-12)
    np.testing.assert_allclose(grid.gradient, whole.gradient, rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="do not cover the grid"):
        assemble(xs, ys, blocks[1:])


def test_grid_reports_progress(mlp: MLP) -> None:
    seen: list[tuple[int, int]] = []
    random_slice(mlp).grid(
        (-1, 1), (-1, 1), 5, tile_size=2, progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1] == (25, 25) and len(seen) == 9


def _softmax_regression_hessian(model: MLP, w: np.ndarray) -> np.ndarray:
    """The logistic regression's Hessian in closed form: mean of kron(x x^T, diag p - p p^T)."""
    x = np.hstack([model.data.x, np.ones((len(model.data), 1))])  # W rows then b: theta (65, 10)
    ((W, b),) = model.unpack(w)
    z = model.data.x @ W + b
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    a = np.einsum("nk,kl->nkl", p, np.eye(10)) - np.einsum("nk,nl->nkl", p, p)
    h = np.einsum("ni,nj,nkl->ikjl", x, x, a, optimize=True) / len(model.data)
    return h.reshape(650, 650)


def test_hessian_eigenvalues_match_a_dense_hessian_on_the_650_weight_model() -> None:
    model = builtin("logistic", n=300)
    train(model, 20, "adam", 0.01)
    dense = _softmax_regression_hessian(model, model.w)
    v = np.random.default_rng(0).normal(size=650)
    np.testing.assert_allclose(model.hessian_vector(model.w, v), dense @ v, atol=1e-12)
    exact = np.linalg.eigvalsh(dense)[::-1][:2]
    eig = top_eigen(model, k=2)
    np.testing.assert_allclose(eig.values, exact, rtol=1e-8)
    for k in range(2):
        hv = dense @ eig.vectors[:, k]
        np.testing.assert_allclose(hv, exact[k] * eig.vectors[:, k], atol=1e-6 * exact[0])
    assert eig.stable_lr == pytest.approx(2 / exact[0])
    s = hessian_slice(model)
    assert s.describe()["eigenvalues"] == pytest.approx(list(exact), rel=1e-8)


def test_descent_on_a_model_is_recorded_projected_on_the_slice(mlp: MLP) -> None:
    s = gradient_slice(mlp, seed=8)
    seen: list[int] = []
    run = descend_on_slice(s, "gd", lr=0.5, steps=25, progress=lambda d, t: seen.append(d))
    t = run.trajectory
    assert seen[-1] == 26
    assert t.points.shape == (26, 2) and t.gradients.shape == (26, 2)  # not 1,210 per step
    assert t.values[-1] < t.values[0]
    assert t.points[0] == pytest.approx([0, 0]) and run.off_plane[0] == pytest.approx(0)
    ab, off = s.coordinates(run.end)
    np.testing.assert_allclose(t.points[-1], ab)
    assert run.off_plane[-1] == pytest.approx(off)
    assert t.values[-1] == pytest.approx(mlp.loss(run.end))
    # the first step moves exactly along -grad: a = -lr |g| on the gradient slice, no b
    g0 = np.linalg.norm(mlp.gradient(s.w0))
    np.testing.assert_allclose(t.points[1], [-0.5 * g0, 0], atol=1e-12)


def test_bad_directions_give_one_line_errors(mlp: MLP) -> None:
    zero = np.zeros(mlp.n_weights)
    one = np.ones(mlp.n_weights)
    with pytest.raises(ValueError, match="Direction 1 is zero"):
        Slice(mlp, zero, one)
    with pytest.raises(ValueError, match="parallel"):
        Slice(mlp, one, -2 * one)
    with pytest.raises(ValueError, match="Direction 2 has 3 entries; give 1210"):
        Slice(mlp, one, np.ones(3))
    with pytest.raises(ValueError, match=r"did you mean b2\[1\]"):
        make_slice(mlp, "weights:W1[3,7],b2[1")
    with pytest.raises(ValueError, match="Unknown directions"):
        make_slice(mlp, "sideways")
    with pytest.raises(ValueError, match="two weight names"):
        make_slice(mlp, "weights:W1[3,7]")
    with pytest.raises(ValueError, match="between 2 and"):
        random_slice(mlp).grid((-1, 1), (-1, 1), 1)
    with pytest.raises(ValueError, match="loss is nan at w0"):
        Slice(mlp, one, np.arange(mlp.n_weights, dtype=float), w0=np.full(mlp.n_weights, np.nan))
