"""The lesson's 1,210-weight network: backpropagation checked against finite differences."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gradscape import Landscape, descend
from gradscape.models.model import DIGITS, Model, digits_model, lesson_model


@pytest.fixture(scope="module")
def trained() -> Model:
    return lesson_model()


def central_differences(model: Model, w: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """(L(w + h e_i) - L(w - h e_i)) / 2h for every i: independent of backpropagation."""
    out = np.empty_like(w)
    for i in range(len(w)):
        up = w.copy()
        down = w.copy()
        up[i] += h
        down[i] -= h
        out[i] = (model.loss(up) - model.loss(down)) / (2 * h)
    return out


def test_shape_and_names(trained: Model) -> None:
    assert trained.n_weights == 64 * 16 + 16 + 16 * 10 + 10 == 1210
    names = trained.names
    assert len(names) == len(set(names)) == 1210
    assert names[0] == "W1[0,0]"
    assert names[3 * 16 + 7] == "W1[3,7]"  # pixel 3 to hidden unit 7
    assert names[1024] == "b1[0]"
    assert names[1040] == "W2[0,0]"
    assert names[-1] == "b2[9]"
    W1, b1, W2, b2 = trained.unpack(trained.w)
    assert W1.shape == (64, 16) and b1.shape == (16,) and W2.shape == (16, 10) and b2.shape == (10,)
    assert W1[3, 7] == trained.w[names.index("W1[3,7]")]


@pytest.mark.parametrize("which", ["initial", "trained"])
def test_gradient_matches_central_differences_everywhere(trained: Model, which: str) -> None:
    """All 1,210 entries, on a subset of images so the 2,420 extra forward passes are quick."""
    model = trained.subset(120)
    w = model.initial_weights(seed=3) if which == "initial" else model.w
    grad = model.gradient(w)
    numeric = central_differences(model, w)
    assert grad.shape == (1210,)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=2e-9)
    # and the check is not vacuous: the gradient is far from zero
    assert np.linalg.norm(grad) > 1e-3


def test_loss_is_the_average_cross_entropy(trained: Model) -> None:
    """An independent forward pass written the textbook way (explicit softmax probabilities)."""
    model = trained.subset(300)
    W1, b1, W2, b2 = model.unpack(model.w)
    h = np.tanh(model.x @ W1 + b1)
    z = h @ W2 + b2
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    expected = -np.log(p[np.arange(len(model.labels)), model.labels]).mean()
    assert model.loss() == pytest.approx(expected, rel=1e-12)


def test_training_is_deterministic_and_helps() -> None:
    a = lesson_model()
    b = lesson_model()
    np.testing.assert_array_equal(a.w, b.w)
    start = digits_model()
    assert start.loss() > 2.0  # about log(10): guessing
    assert a.loss() < 0.3
    assert a.accuracy() > 0.9
    # trained briefly, not to the end: the gradient is still clearly non-zero
    assert np.linalg.norm(a.gradient()) > 0.01


def test_train_is_gradient_descent() -> None:
    model = digits_model().subset(50)
    w0 = model.w.copy()
    history = model.train(steps=1, lr=0.3)
    np.testing.assert_allclose(
        model.w, w0 - 0.3 * Model(model.pixels, model.labels, w=w0).gradient()
    )
    assert history == [pytest.approx(Model(model.pixels, model.labels, w=w0).loss())]


def test_browser_json_round_trip(trained: Model) -> None:
    data = trained.to_browser_json(n_samples=200)
    text = json.dumps(data, allow_nan=False)
    assert len(text) < 100_000
    assert data["n_weights"] == 1210 and data["n_samples"] == 200 and data["n_train"] == 1797
    assert len(data["pixels"]) == 200 * 64 and set(data["pixels"]) <= set(DIGITS)
    assert len(data["labels"]) == 200 and set(data["labels"]) <= set("0123456789")
    assert [lay["name"] for lay in data["layout"]] == ["W1", "b1", "W2", "b2"]
    back = Model.from_browser_json(json.loads(text))
    sub = trained.subset(200)
    np.testing.assert_array_equal(back.pixels, sub.pixels)
    np.testing.assert_array_equal(back.labels, sub.labels)
    np.testing.assert_array_equal(back.w, trained.w)  # floats survive JSON exactly
    assert back.loss() == data["loss"] == sub.loss()
    np.testing.assert_array_equal(np.array(data["gradient"]), sub.gradient())


def test_bad_shapes_are_refused() -> None:
    with pytest.raises(ValueError, match="pixels"):
        Model(np.zeros((3, 10)), np.zeros(3))
    with pytest.raises(ValueError, match="labels"):
        Model(np.zeros((3, 64)), np.zeros(2))
    with pytest.raises(ValueError, match="1210"):
        Model(np.zeros((3, 64)), np.zeros(3), w=np.zeros(5))


def test_a_model_is_a_landscape_of_its_weights() -> None:
    model = digits_model().subset(20)
    assert isinstance(model, Landscape)
    assert model.variables == tuple(model.names) and len(model.variables) == 1210
    value, gradient = model.value_and_gradient(model.w)
    assert value == model.value(model.w) == model.loss()
    np.testing.assert_array_equal(gradient, model.gradient())
    with pytest.raises(ValueError, match="Give 1210 weights"):
        model.value_and_gradient(np.zeros(3))


def test_train_is_descend_with_plain_gradient_descent() -> None:
    model = digits_model().subset(50)
    run = descend(Model(model.pixels, model.labels, w=model.w), model.w, "gd", lr=0.3, steps=4)
    history = model.train(steps=4, lr=0.3)
    assert history == run.values[:4].tolist()
    np.testing.assert_array_equal(model.w, run.points[-1])
