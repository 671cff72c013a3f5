"""The built-in NumPy networks: exact gradients, exact Hessian products, minibatches, training."""

from __future__ import annotations

import numpy as np
import pytest

from gradscape.landscape import Landscape
from gradscape.models import MLP, Dataset, Minibatches, builtin, digits, lesson_mlp
from gradscape.models.model import digits_model
from gradscape.models.train import train


def sample_central_differences(
    model: MLP, w: np.ndarray, idx: np.ndarray, h: float = 1e-6
) -> np.ndarray:
    """(L(w + h e_i) - L(w - h e_i)) / 2h for the sampled i: independent of backpropagation."""
    out = np.empty(len(idx))
    for k, i in enumerate(idx):
        step = np.zeros_like(w)
        step[i] = h
        out[k] = (model.value(w + step) - model.value(w - step)) / (2 * h)
    return out


def test_the_lesson_network_equals_the_lessons_model_exactly() -> None:
    mine, lesson = lesson_mlp(), digits_model()
    w = lesson.w + np.random.default_rng(3).normal(0, 0.2, lesson.n_weights)
    loss, grad = mine.value_and_gradient(w)
    ref_loss, ref_grad = lesson.loss_and_gradient(w)
    assert np.array_equal(mine.w, lesson.w)  # the same seeded initial weights
    assert mine.names == lesson.names  # "W1[3,7]", ...
    assert loss == ref_loss
    np.testing.assert_array_equal(grad, ref_grad)
    assert mine.accuracy(w) == lesson.accuracy(w)


@pytest.mark.parametrize(
    ("name", "weights"), [("logistic", 650), ("mlp", 1210), ("mlp-large", 85_002)]
)
def test_builtin_sizes_and_landscape_protocol(name: str, weights: int) -> None:
    model = builtin(name, n=20)
    assert model.n_weights == weights == len(model.variables)
    assert isinstance(model, Landscape)
    assert model.variables[0] == "W1[0,0]" and model.variables[-1].startswith("b")


@pytest.mark.parametrize(("name", "n"), [("logistic", 200), ("mlp", 200), ("mlp-large", 40)])
def test_gradient_matches_central_differences_on_a_sample_of_weights(name: str, n: int) -> None:
    model = builtin(name, n=n)
    rng = np.random.default_rng(1)
    w = model.w + rng.normal(0, 0.1, model.n_weights)
    idx = rng.choice(model.n_weights, 40, replace=False)
    _, grad = model.value_and_gradient(w)
    np.testing.assert_allclose(grad[idx], sample_central_differences(model, w, idx), atol=1e-8)


def test_value_is_the_value_of_value_and_gradient() -> None:
    model = builtin("mlp", n=100)
    assert model.value(model.w) == model.value_and_gradient(model.w)[0]


def test_hessian_vector_product_matches_differences_of_the_gradient() -> None:
    model = MLP(digits(60), (64, 8, 6, 10), seed=2)  # two hidden layers: every R-op term
    rng = np.random.default_rng(0)
    w, v = model.w + rng.normal(0, 0.3, model.n_weights), rng.normal(size=model.n_weights)
    h = 1e-5
    fd = (model.gradient(w + h * v) - model.gradient(w - h * v)) / (2 * h)
    np.testing.assert_allclose(model.hessian_vector(w, v), fd, atol=1e-7)


def test_minibatches_give_a_noisy_gradient_reproducible_from_the_seed() -> None:
    model = builtin("mlp", n=300)
    a, b = Minibatches(model, 32, seed=5), Minibatches(model, 32, seed=5)
    g1, g2 = a.gradient(model.w), a.gradient(model.w)
    assert not np.allclose(g1, g2)  # a different batch each call: SGD's noise
    np.testing.assert_array_equal(b.gradient(model.w), g1)
    with pytest.raises(ValueError, match="batch_size must be from 1 to 300"):
        Minibatches(model, 0)


def test_training_lowers_the_loss_and_keeps_no_weights_per_step() -> None:
    model = builtin("mlp", n=300)
    before = model.loss()
    t = train(model, 40, "adam", 0.01)
    assert model.loss() < 0.5 * before
    assert t.points.shape == (41, 1)  # |w| per step, not 1,210 numbers
    assert model.loss() == pytest.approx(t.values[-1])


def test_sgd_training_lowers_the_loss() -> None:
    model = builtin("mlp", n=300)
    before = model.loss()
    train(model, 60, "gd", 0.5, batch_size=32, seed=1)
    assert model.loss() < 0.7 * before


def test_bad_input_gives_one_line_errors() -> None:
    model = builtin("mlp", n=20)
    with pytest.raises(ValueError, match=r"did you mean W1\[3,7\]"):
        model.index("W1[3,77]")
    with pytest.raises(ValueError, match="Give 1210 weights"):
        model.value(np.zeros(5))
    with pytest.raises(ValueError, match="network takes 64"):
        MLP(Dataset(np.zeros((4, 3)), np.zeros(4), 10))
    with pytest.raises(ValueError, match="one label per row"):
        Dataset(np.zeros((4, 64)), np.zeros(3), 10)
    with pytest.raises(ValueError, match="Unknown model"):
        builtin("resnet")


def test_grid_over_two_named_weights_holds_the_others() -> None:
    model = builtin("mlp", n=50)
    i, j = model.index("W1[3,7]"), model.index("b2[1]")
    g = model.grid((-1, 1), (-0.5, 0.5), 3, weights=("W1[3,7]", "b2[1]"))
    w = model.w.copy()
    w[i], w[j] = g.x[2], g.y[0]
    loss, grad = model.value_and_gradient(w)
    assert g.value[0, 2] == pytest.approx(loss, abs=1e-12)
    np.testing.assert_allclose(g.gradient[:, 0, 2], [grad[i], grad[j]], atol=1e-12)
