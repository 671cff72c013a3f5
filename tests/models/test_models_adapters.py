"""PyTorch and JAX adapters: the same loss, gradient and Hessian products as the NumPy model."""

from __future__ import annotations

import numpy as np
import pytest

from gradscape.landscape import Landscape
from gradscape.models import MLP, builtin, random_slice, top_eigen

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def numpy_model() -> MLP:
    model = builtin("mlp", n=150)
    model.w = model.w + np.random.default_rng(0).normal(0, 0.1, model.n_weights)
    return model


def to_torch_order(model: MLP, v: np.ndarray) -> np.ndarray:
    """NumPy's W (in, out) row by row -> torch's weight (out, in) row by row, biases as they are."""
    return np.concatenate(
        [a.T.ravel() if a.ndim == 2 else a for pair in model.unpack(v) for a in pair]
    )


def torch_net(model: MLP):  # type: ignore[no-untyped-def]
    net = torch.nn.Sequential(torch.nn.Linear(64, 16), torch.nn.Tanh(), torch.nn.Linear(16, 10))
    net = net.double()
    (W1, b1), (W2, b2) = model.unpack(model.w)
    with torch.no_grad():
        for layer, W, b in ((net[0], W1, b1), (net[2], W2, b2)):
            layer.weight.copy_(torch.tensor(W.T))
            layer.bias.copy_(torch.tensor(b))
    return net


def test_torch_adapter_equals_the_numpy_model_to_1e_10(numpy_model: MLP) -> None:
    from gradscape.models.pytorch import TorchModel

    data = (torch.tensor(numpy_model.data.x), torch.tensor(numpy_model.data.y))
    model = TorchModel(torch_net(numpy_model), torch.nn.functional.cross_entropy, data)
    assert isinstance(model, Landscape) and model.n_weights == 1210
    assert model.names[0] == "0.weight[0,0]"
    np.testing.assert_allclose(model.w, to_torch_order(numpy_model, numpy_model.w), atol=0)
    loss, grad = model.value_and_gradient(model.w)
    ref_loss, ref_grad = numpy_model.value_and_gradient(numpy_model.w)
    assert loss == pytest.approx(ref_loss, abs=1e-10)
    np.testing.assert_allclose(grad, to_torch_order(numpy_model, ref_grad), atol=1e-10)
    v = np.random.default_rng(1).normal(size=1210)
    np.testing.assert_allclose(
        model.hessian_vector(model.w, to_torch_order(numpy_model, v)),
        to_torch_order(numpy_model, numpy_model.hessian_vector(numpy_model.w, v)),
        atol=1e-10,
    )


def test_torch_adapter_takes_a_dataloader(numpy_model: MLP) -> None:
    from gradscape.models.pytorch import TorchModel

    x, y = torch.tensor(numpy_model.data.x), torch.tensor(numpy_model.data.y)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=64)
    model = TorchModel(torch_net(numpy_model), torch.nn.functional.cross_entropy, loader)
    assert model.value(model.w) == pytest.approx(numpy_model.loss(), abs=1e-12)


def test_torch_gradient_matches_central_differences(numpy_model: MLP) -> None:
    from gradscape.models.pytorch import TorchModel

    data = (torch.tensor(numpy_model.data.x), torch.tensor(numpy_model.data.y))
    model = TorchModel(torch_net(numpy_model), torch.nn.functional.cross_entropy, data)
    grad = model.gradient(model.w)
    for i in np.random.default_rng(2).choice(1210, 20, replace=False):
        step = np.zeros(1210)
        step[i] = 1e-6
        fd = (model.value(model.w + step) - model.value(model.w - step)) / 2e-6
        assert grad[i] == pytest.approx(fd, abs=1e-8)


def test_torch_slices_and_hessian_work_through_the_generic_paths(numpy_model: MLP) -> None:
    from gradscape.models.pytorch import TorchModel

    data = (torch.tensor(numpy_model.data.x[:50]), torch.tensor(numpy_model.data.y[:50]))
    model = TorchModel(torch_net(numpy_model), torch.nn.functional.cross_entropy, data)
    s = random_slice(model, seed=1)
    # torch's weights are (out, in): filter normalisation goes by rows (filter_axis = 0)
    W = model.w[model.layouts[0].start : model.layouts[0].stop].reshape(16, 64)
    D = s.d1[model.layouts[0].start : model.layouts[0].stop].reshape(16, 64)
    np.testing.assert_allclose(np.linalg.norm(D, axis=1), np.linalg.norm(W, axis=1))
    g = s.grid((-1, 1), (-1, 1), 3)
    v, grad = s.value_and_gradient((g.x[2], g.y[0]))
    assert g.value[0, 2] == pytest.approx(v) and g.gradient[:, 0, 2] == pytest.approx(grad)
    assert top_eigen(model, k=1).values[0] > 0


def test_torch_bad_input_gives_one_line_errors(numpy_model: MLP) -> None:
    from gradscape.models.pytorch import TorchModel

    net = torch_net(numpy_model)
    x, y = torch.tensor(numpy_model.data.x), torch.tensor(numpy_model.data.y)
    with pytest.raises(ValueError, match="check the inputs' shape"):
        TorchModel(net, torch.nn.functional.cross_entropy, (x[:, :10], y))
    with pytest.raises(ValueError, match="scalar"):
        TorchModel(net, lambda out, t: out.sum(axis=1), (x, y))
    with pytest.raises(ValueError, match="DataLoader"):
        TorchModel(net, torch.nn.functional.cross_entropy, [1, 2, 3])


def jax_loss(params, x, y):  # type: ignore[no-untyped-def]
    import jax
    import jax.numpy as jnp

    (W1, b1), (W2, b2) = params
    z = jnp.tanh(x @ W1 + b1) @ W2 + b2
    return jnp.mean(jax.nn.logsumexp(z, axis=1) - z[jnp.arange(len(y)), y])


def test_jax_adapter_equals_the_numpy_model_to_1e_10(numpy_model: MLP) -> None:
    pytest.importorskip("jax")
    from gradscape.models.jax_adapter import JaxModel

    params = [tuple(pair) for pair in numpy_model.unpack(numpy_model.w)]
    model = JaxModel(jax_loss, params, (numpy_model.data.x, numpy_model.data.y))
    assert model.n_weights == 1210 and model.names[0] == "[0][0][0,0]"
    np.testing.assert_array_equal(model.w, numpy_model.w)  # same layout: (in, out) kernels
    loss, grad = model.value_and_gradient(model.w)
    ref_loss, ref_grad = numpy_model.value_and_gradient(numpy_model.w)
    assert loss == pytest.approx(ref_loss, abs=1e-10)
    np.testing.assert_allclose(grad, ref_grad, atol=1e-10)
    v = np.random.default_rng(3).normal(size=1210)
    np.testing.assert_allclose(
        model.hessian_vector(model.w, v), numpy_model.hessian_vector(model.w, v), atol=1e-10
    )
    for i in np.random.default_rng(4).choice(1210, 10, replace=False):
        step = np.zeros(1210)
        step[i] = 1e-6
        fd = (model.value(model.w + step) - model.value(model.w - step)) / 2e-6
        assert grad[i] == pytest.approx(fd, abs=1e-8)


def test_jax_bad_input_gives_one_line_errors(numpy_model: MLP) -> None:
    pytest.importorskip("jax")
    from gradscape.models.jax_adapter import JaxModel

    params = [tuple(pair) for pair in numpy_model.unpack(numpy_model.w)]
    with pytest.raises(ValueError, match="check the data's shape"):
        JaxModel(jax_loss, params, (numpy_model.data.x[:, :10], numpy_model.data.y))
    with pytest.raises(ValueError, match="single number"):
        JaxModel(lambda p, x, y: x @ p[0][0], params, (numpy_model.data.x, numpy_model.data.y))
