"""Which library convention each optimizer follows, proved by running the libraries.

gradscape's optimizers (descent.py, replayed by the browser's core/optimizers.js) are run beside
torch.optim and optax on the same surfaces, from the same start, fed the same exact gradients
(gradscape's `Surface.gradient` at each library's own current point), for N steps. Where the
conventions agree the trajectories are identical (to 1e-12); where they differ, the documented
difference is asserted: the library's defaults give another run, and the documented mapping of
parameters (or of points, for Nesterov) gives the same run. `Optimizer.convention` states each in
a sentence; the explorer shows it under the update rule.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from gradscape import Surface, descend
from gradscape.descent import OPTIMIZERS

torch = pytest.importorskip("torch")

N = 60
SURFACES = {
    "bowl": (Surface("w1^2 + 3w2^2"), (3.0, 1.0)),
    "rosenbrock": (Surface("(1 - x)^2 + 100(y - x^2)^2"), (-1.2, 1.0)),
}
LR = {  # rates at which each optimizer moves but does not blow up on both surfaces
    "gd": 0.001,
    "momentum": 0.0005,
    "nesterov": 0.0005,
    "adagrad": 0.3,
    "rmsprop": 0.01,
    "adam": 0.05,
}


def ours(name: str, surface: str, **hyper: float) -> np.ndarray:
    """gradscape's points after steps 1..N (tol 0: it never stops early)."""
    s, start = SURFACES[surface]
    t = descend(s, start, name, lr=LR[name], steps=N, tol=0.0, **hyper)
    assert t.steps == N, t.reason
    return t.points


def torch_run(surface: str, make: Callable[[list[Any]], Any]) -> np.ndarray:
    s, start = SURFACES[surface]
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = make([p])
    points = [p.detach().numpy().copy()]
    for _ in range(N):
        p.grad = torch.tensor(s.gradient(p.detach().numpy()), dtype=torch.float64)
        opt.step()
        points.append(p.detach().numpy().copy())
    return np.array(points)


def same(a: np.ndarray, b: np.ndarray) -> None:
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def differ(a: np.ndarray, b: np.ndarray) -> None:
    assert np.max(np.abs(a - b)) > 1e-6  # a million times the tolerance of `same`


@pytest.mark.parametrize("surface", SURFACES)
def test_sgd_momentum_and_adam_are_torchs(surface: str) -> None:
    optim = torch.optim
    same(ours("gd", surface), torch_run(surface, lambda p: optim.SGD(p, lr=LR["gd"])))
    same(
        ours("momentum", surface, beta=0.9),
        torch_run(surface, lambda p: optim.SGD(p, lr=LR["momentum"], momentum=0.9)),
    )
    same(
        ours("adam", surface),
        torch_run(surface, lambda p: optim.Adam(p, lr=LR["adam"], betas=(0.9, 0.999), eps=1e-8)),
    )
    # a changed beta is the same change in both
    same(
        ours("adam", surface, beta1=0.5, beta2=0.9, eps=1e-6),
        torch_run(surface, lambda p: optim.Adam(p, lr=LR["adam"], betas=(0.5, 0.9), eps=1e-6)),
    )


@pytest.mark.parametrize("surface", SURFACES)
def test_nesterov_is_torchs_in_look_ahead_coordinates(surface: str) -> None:
    beta, lr = 0.9, LR["nesterov"]
    x = ours("nesterov", surface, beta=beta)
    theirs = torch_run(surface, lambda p: torch.optim.SGD(p, lr=lr, momentum=beta, nesterov=True))
    differ(x, theirs)  # not the same points...
    # ...but the same run: torch's point is our look-ahead point x - lr beta v, and since
    # x_t - x_{t-1} = -lr v_t that is x_t + beta (x_t - x_{t-1}) (and x_0 at the start)
    ahead = np.vstack([x[:1], x[1:] + beta * (x[1:] - x[:-1])])
    np.testing.assert_allclose(ahead, theirs, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("surface", SURFACES)
def test_adagrad_and_rmsprop_are_torchs(surface: str) -> None:
    optim = torch.optim
    same(
        ours("adagrad", surface, eps=1e-10),
        torch_run(surface, lambda p: optim.Adagrad(p, lr=LR["adagrad"])),  # torch's defaults
    )
    assert inspect.signature(optim.Adagrad).parameters["initial_accumulator_value"].default == 0
    same(
        ours("rmsprop", surface, rho=0.9, eps=1e-8),
        torch_run(surface, lambda p: optim.RMSprop(p, lr=LR["rmsprop"], alpha=0.9, eps=1e-8)),
    )
    # torch's RMSprop decays at alpha = 0.99 by default, not 0.9: another run
    assert inspect.signature(optim.RMSprop).parameters["alpha"].default == 0.99
    torchs = torch_run(surface, lambda p: optim.RMSprop(p, lr=LR["rmsprop"]))
    differ(ours("rmsprop", surface), torchs)


# --- optax ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def optax() -> Any:
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    return pytest.importorskip("optax")


def optax_run(surface: str, tx: Any) -> np.ndarray:
    import jax.numpy as jnp

    s, start = SURFACES[surface]
    params = jnp.array(start, dtype=jnp.float64)
    state = tx.init(params)
    points = [np.asarray(params)]
    for _ in range(N):
        g = jnp.array(s.gradient(np.asarray(params)), dtype=jnp.float64)
        updates, state = tx.update(g, state, params)
        params = params + updates
        points.append(np.asarray(params))
    return np.array(points)


@pytest.mark.parametrize("surface", SURFACES)
def test_sgd_momentum_and_adam_are_optaxs(optax: Any, surface: str) -> None:
    same(ours("gd", surface), optax_run(surface, optax.sgd(LR["gd"])))
    same(ours("momentum", surface), optax_run(surface, optax.sgd(LR["momentum"], momentum=0.9)))
    same(ours("adam", surface), optax_run(surface, optax.adam(LR["adam"])))
    same(
        ours("adam", surface, beta1=0.5, beta2=0.9, eps=1e-6),
        optax_run(surface, optax.adam(LR["adam"], b1=0.5, b2=0.9, eps=1e-6)),
    )


@pytest.mark.parametrize("surface", SURFACES)
def test_nesterov_is_optaxs_in_look_ahead_coordinates(optax: Any, surface: str) -> None:
    x = ours("nesterov", surface)
    theirs = optax_run(surface, optax.sgd(LR["nesterov"], momentum=0.9, nesterov=True))
    differ(x, theirs)
    ahead = np.vstack([x[:1], x[1:] + 0.9 * (x[1:] - x[:-1])])
    np.testing.assert_allclose(ahead, theirs, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("surface", SURFACES)
def test_adagrad_differs_from_optaxs_by_its_accumulator_and_eps(optax: Any, surface: str) -> None:
    lr = LR["adagrad"]
    # optax's defaults: the accumulator starts at 0.1 and eps = 1e-7 sits inside the root
    defaults = inspect.signature(optax.adagrad).parameters
    assert defaults["initial_accumulator_value"].default == 0.1
    differ(ours("adagrad", surface), optax_run(surface, optax.adagrad(lr)))
    # from 0, with no eps, optax's g / sqrt(s) is ours with an eps too small to matter
    same(
        ours("adagrad", surface, eps=1e-300),
        optax_run(surface, optax.adagrad(lr, initial_accumulator_value=0.0, eps=0.0)),
    )


@pytest.mark.parametrize("surface", SURFACES)
def test_rmsprop_differs_from_optaxs_by_where_eps_sits(optax: Any, surface: str) -> None:
    lr = LR["rmsprop"]
    assert inspect.signature(optax.rmsprop).parameters["decay"].default == 0.9  # rho, as ours
    # optax's default puts eps inside the root: g / sqrt(s + eps); a large eps shows it plainly
    differ(
        ours("rmsprop", surface, eps=1e-3),
        optax_run(surface, optax.rmsprop(lr, decay=0.9, eps=1e-3)),
    )
    same(
        ours("rmsprop", surface, eps=1e-3),
        optax_run(surface, optax.rmsprop(lr, decay=0.9, eps=1e-3, eps_in_sqrt=False)),
    )


def test_every_optimizer_states_its_convention() -> None:
    words = {"gd": "torch.optim.SGD", "momentum": "momentum=beta", "nesterov": "look-ahead",
             "adagrad": "initial_accumulator_value", "rmsprop": "eps_in_sqrt",
             "adam": "optax.adam", "newton": "neither"}  # fmt: skip
    assert set(words) == set(OPTIMIZERS)
    for name, phrase in words.items():
        assert phrase in OPTIMIZERS[name].convention, name
