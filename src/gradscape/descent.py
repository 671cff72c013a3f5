"""Gradient descent and its cousins, run on any landscape, recorded as a `Trajectory`.

Contract
--------
`descend(landscape, start, optimizer="gd", lr=None, steps=100, tol=1e-6, **hyper)` runs on any
`landscape.Landscape` (a formula's `Surface`, a model, a slice of a model); it calls only
``value_and_gradient(point) -> (value, gradient)``, once per point, and reads ``variables`` (if
there) to check the start's length. It never raises for anything that happens *during* the
run: the run ends in exactly one of three ways, recorded in `Trajectory.stopped`:

- ``"converged"``: the gradient norm ``|grad|`` (Euclidean) is below ``tol`` at a recorded point.
  It is checked at every recorded point, the start included, so a start at a minimum takes 0 steps.
  The sentence writes tol with the fewest digits (from 2) that give it exactly, and |grad| with
  the fewest (from 2) that still read below it: "|grad| = 9.96e-7 < tol = 1e-6", never "1e-6 <
  1e-6".
- ``"diverged"``: a new point, its value or its gradient is not finite (NaN or ±inf; the surface
  reports NaN where the function or its gradient is undefined), or the run has run away:
  ``|value| > 1e6 * max(1, |value at start|)`` or some ``|coordinate| > 1e6 * max(1, max |start|)``,
  or the value rose to a new high (above every earlier value, the start's included) at each of
  the last ``RISING`` (10) steps: a steady runaway such as gd's on the bowl at lr 0.34, where w2
  grows x1.04 a step and would take 194 steps to pass the 1e6 limit. Descent with a stable rate
  does not climb to ten records in a row: a converging spiral (momentum's) climbs back up part of
  the way, never above where it has already been.
  The point that diverged is recorded as the last point, then the run stops.
- ``"max_steps"``: neither happened within ``steps`` steps.
- ``"failed"`` (Newton's method only): the Hessian at the point about to be stepped from is not
  positive definite (an eigenvalue <= 0: the surface is not bowl-shaped there, so the Newton step
  need not go downhill and would run to a saddle or a maximum), singular (an eigenvalue 0 or
  within 1e-12 of the largest in size: H^-1 g does not exist), or undefined. The run stops
  there, without taking that step, and the sentence names the eigenvalues.

Bad *input* raises a one-line `ValueError` that says what to do: an unknown optimizer or
hyperparameter (the message lists the valid ones), a hyperparameter out of its range, ``lr`` not a
positive finite number, ``steps`` outside ``0..MAX_STEPS`` (100 000), ``tol`` negative, a start of
the wrong length or with non-finite coordinates, or a start where the function or its gradient is
undefined; ``newton`` on a landscape without a ``hessian(point)`` method (a formula's `Surface`
has one; a model does not).

Optimizers
----------
In the style of jax's ``example_libraries/optimizers``, each optimizer is a pair of pure functions
with its state made explicit (state is a tuple of arrays the shape of the point; nothing is
mutated in place)::

    state = opt.init(x0)
    x_next, state = opt.step(x, g, state, t, h)

where ``t = 1, 2, ...`` counts steps, ``h`` maps each hyperparameter name to its value, and ``g``
is the gradient at the point ``opt.gradient_at(x, state, h)``: ``x`` itself for every optimizer
but Nesterov, whose gradient is taken at a look-ahead point (and which is otherwise momentum's
step). `descend` evaluates the gradient there; an optimizer never calls the landscape. The exact
updates, with all arithmetic elementwise and ``v, s, m`` starting at zero:

=========  ===========================================================================  ========
name       update for step t                                                             lr
=========  ===========================================================================  ========
gd         x <- x - lr g                                                                 0.1
momentum   v <- beta v + g;  x <- x - lr v        (heavy ball)                           0.02
nesterov   v <- beta v + grad(x - lr beta v);  x <- x - lr v  (look-ahead gradient)      0.02
adagrad    s <- s + g^2;  x <- x - lr g / (sqrt(s) + eps)                                0.5
rmsprop    s <- rho s + (1 - rho) g^2;  x <- x - lr g / (sqrt(s) + eps)                  0.1
adam       m <- b1 m + (1 - b1) g;  s <- b2 s + (1 - b2) g^2;                            0.1
           x <- x - lr (m / (1 - b1^t)) / (sqrt(s / (1 - b2^t)) + eps)
newton     x <- x - lr H^-1 g   (H the Hessian at x, solved by Cholesky; damped if lr < 1)  1
=========  ===========================================================================  ========

Library conventions (each `Optimizer.convention` says it in a sentence; the explorer shows it
under the rule, and ``tests/test_descent_conventions.py`` runs both libraries to prove it):

- gd, momentum, adam: the same updates as ``torch.optim.SGD``, ``SGD(momentum=beta)`` (no
  dampening) and ``Adam``, and as ``optax.sgd``, ``sgd(momentum=beta)`` and ``adam``.
- nesterov: the gradient is taken at the look-ahead point (Sutskever et al. 2013). torch's
  ``SGD(nesterov=True)`` and optax's ``sgd(nesterov=True)`` take it at their own point and step
  by ``lr (g + beta v)``: the same run in other coordinates. Their points are gradscape's
  look-ahead points ``x - lr beta v``.
- adagrad: as ``torch.optim.Adagrad`` (accumulator from 0, eps outside the root; torch's default
  eps is 1e-10). optax's ``adagrad`` starts the accumulator at 0.1 and puts eps inside the root,
  ``g / sqrt(s + eps)``; with ``initial_accumulator_value=0`` and ``eps=0`` it is the same run.
- rmsprop: as ``torch.optim.RMSprop`` (rho is torch's ``alpha``, whose default is 0.99; eps
  outside the root). optax's ``rmsprop`` puts eps inside the root unless ``eps_in_sqrt=False``;
  its ``decay`` (rho) defaults to 0.9, as here.
- newton: neither library has it (``torch.optim.LBFGS`` approximates H from gradients).

Defaults: beta = 0.9, rho = 0.9, b1 (``beta1``) = 0.9, b2 (``beta2``) = 0.999, eps = 1e-8.

Newton's method needs the Hessian: `descend` asks the landscape for ``hessian(x)`` before each
step and hands it to the step as the optimizer's state ``(H,)`` (an optimizer never calls the
landscape). With lr = 1 a quadratic bowl is solved in one step; on a saddle the Hessian is
indefinite, and the run stops ``"failed"`` at once rather than jump to the saddle point. A
variable the formula does not use (`padding`: `Surface("x^4 - 3x^2", ["x", "y"])`'s y, as the
explorer draws a formula of x) has zero partials of every order: Newton solves on the others and
leaves it where it is, rather than call the Hessian singular.

Default learning rates are chosen for the lesson's bowl ``w1^2 + 3w2^2`` from (3, 1), the
explorer's first picture; each stays inside its [-4, 4] x [-3, 3] view and ends near (0, 0)
within the default 100 steps. gd at 0.1 converges (``|grad| < 1e-6``) in 70 steps; it is stable on
the bowl only for ``lr < 2/6`` (6 is the Hessian's largest eigenvalue), so 0.34 diverges.
Momentum and Nesterov at 0.02 take the effective step ``lr / (1 - beta) = 0.2`` and spiral in,
ending 0.01 and 0.002 from the minimum. Adagrad, RMSProp and Adam scale each coordinate's step by
its own gradient history, so their rates are rough distances per step: adagrad at 0.5 ends 7e-4
away, rmsprop at 0.1 converges in 63 steps, adam at 0.1 ends 0.02 away (with a constant rate it
hovers near a minimum rather than settling: behaviour to see, not a bug).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np

from .jsondata import jsonable
from .landscape import Landscape

__all__ = [
    "MAX_STEPS",
    "OPTIMIZERS",
    "RISING",
    "RUNAWAY",
    "SINGULAR",
    "Optimizer",
    "Param",
    "Trajectory",
    "descend",
    "eigenvalues",
    "newton_problem",
    "padding",
]

MAX_STEPS = 100_000
"""The most steps one `descend` call may take (a trajectory is kept in memory and sent as JSON)."""

RUNAWAY = 1e6
"""Runaway factor: |value| or a |coordinate| beyond RUNAWAY x (its scale at the start) diverged."""

RISING = 10
"""A run whose value rose to a new high at each of this many consecutive steps diverged."""

Stopped = Literal["converged", "diverged", "max_steps", "failed"]
State = tuple[np.ndarray, ...]
Record = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def _whole(x: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return x, g


class InitFn(Protocol):
    def __call__(self, x0: np.ndarray, /) -> State: ...


class StepFn(Protocol):
    def __call__(
        self,
        x: np.ndarray,
        g: np.ndarray,
        state: State,
        t: int,
        h: Mapping[str, float],
        /,
    ) -> tuple[np.ndarray, State]: ...


AtFn = Callable[[np.ndarray, State, Mapping[str, float]], np.ndarray]


@dataclass(frozen=True)
class Param:
    """A hyperparameter: its default, its allowed range and what it does."""

    default: float
    doc: str
    kind: Literal["positive", "fraction"] = "positive"  # (0, inf) or [0, 1)

    def problem(self, value: float) -> str | None:
        """Why `value` is not allowed (a phrase), or None if it is."""
        if not math.isfinite(value):
            return "must be a finite number"
        if self.kind == "positive" and not value > 0:
            return "must be greater than 0"
        if self.kind == "fraction" and not 0 <= value < 1:
            return "must be at least 0 and less than 1"
        return None


@dataclass(frozen=True)
class Optimizer:
    """One optimizer: its hyperparameters (``lr`` first) and its pure (init, step) pair.

    `at` (default: ``x`` itself) is where the gradient that `step` takes is evaluated.
    """

    name: str
    title: str
    update: str  # the exact update rule, one line of plain text
    params: Mapping[str, Param]
    init: InitFn
    step: StepFn
    at: AtFn | None = None
    convention: str = ""  # which library convention it follows (see the module doc)
    curvature: bool = False  # needs the Hessian: descend passes it as the state (H,)

    def gradient_at(self, x: np.ndarray, state: State, h: Mapping[str, float]) -> np.ndarray:
        """The point whose gradient `step` takes next (``x`` itself unless `at` says otherwise)."""
        return x if self.at is None else self.at(x, state, h)

    @property
    def defaults(self) -> dict[str, float]:
        return {k: p.default for k, p in self.params.items()}


# --- the optimizers -------------------------------------------------------------------------------


def _no_state(x0: np.ndarray) -> State:
    return ()


def _one_zero(x0: np.ndarray) -> State:
    return (np.zeros_like(x0),)


def _two_zeros(x0: np.ndarray) -> State:
    return (np.zeros_like(x0), np.zeros_like(x0))


def _gd_step(
    x: np.ndarray, g: np.ndarray, state: State, t: int, h: Mapping[str, float]
) -> tuple[np.ndarray, State]:
    return x - h["lr"] * g, state


def _momentum_step(
    x: np.ndarray, g: np.ndarray, state: State, t: int, h: Mapping[str, float]
) -> tuple[np.ndarray, State]:
    (v,) = state
    v = h["beta"] * v + g
    return x - h["lr"] * v, (v,)


def _look_ahead(x: np.ndarray, state: State, h: Mapping[str, float]) -> np.ndarray:
    """Nesterov's point: where momentum alone would carry x, x - lr beta v."""
    (v,) = state
    # On the first step v = 0, so the look-ahead point is x itself (and its gradient is known).
    return x if not np.any(v) else x - h["lr"] * h["beta"] * v


def _adagrad_step(
    x: np.ndarray, g: np.ndarray, state: State, t: int, h: Mapping[str, float]
) -> tuple[np.ndarray, State]:
    (s,) = state
    s = s + g * g
    return x - h["lr"] * g / (np.sqrt(s) + h["eps"]), (s,)


def _rmsprop_step(
    x: np.ndarray, g: np.ndarray, state: State, t: int, h: Mapping[str, float]
) -> tuple[np.ndarray, State]:
    (s,) = state
    rho = h["rho"]
    s = rho * s + (1 - rho) * g * g
    return x - h["lr"] * g / (np.sqrt(s) + h["eps"]), (s,)


def _adam_step(
    x: np.ndarray, g: np.ndarray, state: State, t: int, h: Mapping[str, float]
) -> tuple[np.ndarray, State]:
    m, s = state
    b1, b2 = h["beta1"], h["beta2"]
    m = b1 * m + (1 - b1) * g
    s = b2 * s + (1 - b2) * g * g
    m_hat = m / (1 - b1**t)
    s_hat = s / (1 - b2**t)
    return x - h["lr"] * m_hat / (np.sqrt(s_hat) + h["eps"]), (m, s)


def _newton_step(
    x: np.ndarray, g: np.ndarray, state: State, t: int, h: Mapping[str, float]
) -> tuple[np.ndarray, State]:
    (hess,) = state
    d = _cholesky_solve(hess, g)
    return x - h["lr"] * d, state


def _symmetric(hess: np.ndarray) -> list[list[float]]:
    """H as nested floats, its two triangles averaged (an exact Hessian is symmetric to
    rounding)."""
    n = len(hess)
    return [[(float(hess[i][j]) + float(hess[j][i])) / 2 for j in range(n)] for i in range(n)]


def _cholesky_solve(hess: np.ndarray, g: np.ndarray) -> np.ndarray:
    """H^-1 g for a positive definite H, by Cholesky (H = L L^T) and two triangular solves,
    written loop by loop as core/optimizers.js writes it, so the two agree to rounding."""
    a = _symmetric(hess)
    n = len(a)
    low = [[0.0] * n for _ in range(n)]
    for j in range(n):
        s = a[j][j]
        for k in range(j):
            s -= low[j][k] * low[j][k]
        low[j][j] = math.sqrt(s)
        for i in range(j + 1, n):
            s = a[i][j]
            for k in range(j):
                s -= low[i][k] * low[j][k]
            low[i][j] = s / low[j][j]
    y = [0.0] * n
    for i in range(n):
        s = float(g[i])
        for k in range(i):
            s -= low[i][k] * y[k]
        y[i] = s / low[i][i]
    out = [0.0] * n
    for i in reversed(range(n)):
        s = y[i]
        for k in range(i + 1, n):
            s -= low[k][i] * out[k]
        out[i] = s / low[i][i]
    return np.array(out, dtype=np.float64)


def eigenvalues(hess: np.ndarray) -> list[float]:
    """The eigenvalues of the (symmetrised) Hessian, largest first; in closed form for 2 x 2 as
    core/optimizers.js computes them."""
    a = _symmetric(hess)
    if len(a) == 2:
        m = (a[0][0] + a[1][1]) / 2
        half = (a[0][0] - a[1][1]) / 2
        r = math.sqrt(half * half + a[0][1] * a[0][1])
        return [m + r, m - r]
    return sorted((float(v) for v in np.linalg.eigvalsh(np.array(a))), reverse=True)


SINGULAR = 1e-12
"""An eigenvalue within SINGULAR x |the largest| of 0 makes the Hessian singular for Newton."""


def padding(landscape: object) -> tuple[int, ...]:
    """The variables a formula's program does not read (no op ``["x", k]``): the function does
    not depend on them, so its partials of every order along them are zero. Newton's method
    solves on the others. () for a landscape without a program (a model). As
    core/optimizers.js paddingOf."""
    program = getattr(landscape, "program", None)
    if not callable(program):
        return ()
    prog = program()
    read = {int(op[1]) for op in prog["ops"] if op[0] == "x"}
    return tuple(k for k in range(len(prog["variables"])) if k not in read)


def _own_block(
    hess: np.ndarray, x: np.ndarray, unused: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """The Hessian and the point on the variables the function depends on."""
    if not unused:
        return hess, x
    own = [k for k in range(len(x)) if k not in unused]
    return hess[np.ix_(own, own)], x[own]


def _padded(hess: np.ndarray, unused: tuple[int, ...]) -> np.ndarray:
    """H with each padding variable's row and column the identity's: its Newton step is 0."""
    if not unused:
        return hess
    out = hess.copy()
    for k in unused:
        out[k, :] = 0.0
        out[:, k] = 0.0
        out[k, k] = 1.0
    return out


def newton_problem(hess: np.ndarray, x: np.ndarray) -> str:
    """Why Newton's method cannot step from x with Hessian `hess` (a phrase), or ""."""
    h = np.asarray(hess, dtype=np.float64)
    if h.size == 0 or not np.all(np.isfinite(h)):
        return f"the Hessian is undefined at {_point(x)}, so there is no Newton step"
    eig = eigenvalues(h)
    top, low = max(abs(v) for v in eig), eig[-1]
    words = " and ".join(_num(v, 3) for v in eig)
    if low < 0 and -low > SINGULAR * top:
        return (
            f"the Hessian at {_point(x)} is not positive definite (eigenvalues {words}): the "
            "surface curves downward there, so the Newton step need not go downhill (it heads "
            "for a saddle or a maximum); use a gradient method here"
        )
    if low <= SINGULAR * top:
        return (
            f"the Hessian at {_point(x)} is singular (eigenvalues {words}): the surface is flat "
            "along a direction, so H^-1 g does not exist; use a gradient method here"
        )
    return ""


def _lr(default: float) -> Param:
    return Param(default, "learning rate (step size)")


_BETA = Param(0.9, "fraction of the velocity kept from step to step", "fraction")
_EPS = Param(1e-8, "small number added to the denominator so it is never 0")

OPTIMIZERS: dict[str, Optimizer] = {
    o.name: o
    for o in (
        Optimizer(
            "gd",
            "Gradient descent",
            "x <- x - lr g",
            {"lr": _lr(0.1)},
            _no_state,
            _gd_step,
            convention="The same update as torch.optim.SGD and optax.sgd.",
        ),
        Optimizer(
            "momentum",
            "Momentum (heavy ball)",
            "v <- beta v + g;  x <- x - lr v",
            {"lr": _lr(0.02), "beta": _BETA},
            _one_zero,
            _momentum_step,
            convention="The same update as torch.optim.SGD(momentum=beta) (no dampening) and "
            "optax.sgd(momentum=beta).",
        ),
        Optimizer(
            "nesterov",
            "Nesterov momentum",
            "v <- beta v + grad(x - lr beta v);  x <- x - lr v",
            {"lr": _lr(0.02), "beta": _BETA},
            _one_zero,
            _momentum_step,  # momentum's update, with the gradient taken at the look-ahead point
            _look_ahead,
            convention="The gradient is taken at the look-ahead point (Sutskever et al.). "
            "torch.optim.SGD(nesterov=True) and optax.sgd(nesterov=True) take it at their own "
            "point and step by lr (g + beta v): the same run in other coordinates; their points "
            "are the look-ahead points x - lr beta v here.",
        ),
        Optimizer(
            "adagrad",
            "AdaGrad",
            "s <- s + g^2;  x <- x - lr g / (sqrt(s) + eps)",
            {"lr": _lr(0.5), "eps": _EPS},
            _one_zero,
            _adagrad_step,
            convention="As torch.optim.Adagrad (s starts at 0, eps outside the root; torch's "
            "default eps is 1e-10). optax.adagrad starts s at 0.1 and puts eps inside the "
            "root, g / sqrt(s + eps); with initial_accumulator_value=0, eps=0 it is this run.",
        ),
        Optimizer(
            "rmsprop",
            "RMSProp",
            "s <- rho s + (1 - rho) g^2;  x <- x - lr g / (sqrt(s) + eps)",
            {
                "lr": _lr(0.1),
                "rho": Param(0.9, "decay rate of the running average of g^2", "fraction"),
                "eps": _EPS,
            },
            _one_zero,
            _rmsprop_step,
            convention="As torch.optim.RMSprop (rho is torch's alpha, default 0.99 there; eps "
            "outside the root). optax.rmsprop puts eps inside the root, g / sqrt(s + eps), "
            "unless eps_in_sqrt=False; its decay defaults to 0.9, as here.",
        ),
        Optimizer(
            "adam",
            "Adam",
            "m <- beta1 m + (1 - beta1) g;  s <- beta2 s + (1 - beta2) g^2;  "
            "x <- x - lr (m / (1 - beta1^t)) / (sqrt(s / (1 - beta2^t)) + eps)",
            {
                "lr": _lr(0.1),
                "beta1": Param(0.9, "decay rate of the running average of g", "fraction"),
                "beta2": Param(0.999, "decay rate of the running average of g^2", "fraction"),
                "eps": _EPS,
            },
            _two_zeros,
            _adam_step,
            convention="The same update as torch.optim.Adam and optax.adam (bias-corrected, "
            "eps outside the root).",
        ),
        Optimizer(
            "newton",
            "Newton's method",
            "x <- x - lr H^-1 g",
            {"lr": _lr(1.0)},
            _no_state,
            _newton_step,
            convention="Damped Newton (lr = 1 is the pure step); neither torch.optim nor optax "
            "has it. It stops where the Hessian is not positive definite.",
            curvature=True,
        ),
    )
}


# --- the trajectory -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trajectory:
    """A recorded run: every point visited (the start first), its value and its gradient."""

    optimizer: str
    settings: dict[str, float]  # every hyperparameter actually used, lr included
    points: np.ndarray  # (steps + 1, d)
    values: np.ndarray  # (steps + 1,)
    gradients: np.ndarray  # (steps + 1, d)
    stopped: Stopped
    reason: str  # one human sentence
    tol: float = 1e-6  # the tolerance the run used

    @property
    def steps(self) -> int:
        return len(self.points) - 1

    @property
    def end(self) -> np.ndarray:
        """The last point recorded."""
        return self.points[-1]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: plain lists and floats, every non-finite number replaced by None."""
        return {
            "optimizer": self.optimizer,
            "settings": {k: jsonable(float(v)) for k, v in self.settings.items()},
            "points": jsonable(self.points),
            "values": jsonable(self.values),
            "gradients": jsonable(self.gradients),
            "stopped": self.stopped,
            "reason": self.reason,
            "steps": self.steps,
            "tol": self.tol,
        }


# --- running --------------------------------------------------------------------------------------


def _num(x: float, digits: int = 2) -> str:
    """A short number for a sentence: 8.1e-7, 0.012, 3, 1.2e+7 -> 1.2e7, nan, inf."""
    if not math.isfinite(x):
        return str(x)
    s = f"{x:.{digits}g}"
    if "e" in s:
        mantissa, exp = s.split("e")
        s = f"{mantissa}e{int(exp)}"
    return s


def _below(norm: float, tol: float) -> tuple[str, str]:
    """|grad| and tol as the converged sentence writes them: tol with the fewest digits (from 2)
    that give it exactly, |grad| with the fewest (from 2) that still read below that."""
    tol_text = next(
        (t for t in (_num(tol, d) for d in range(2, 18)) if float(t) == tol), _num(tol, 17)
    )
    norm_text = next(
        (t for t in (_num(norm, d) for d in range(2, 18)) if float(t) < float(tol_text)),
        _num(norm, 17),
    )
    return norm_text, tol_text


def _point(x: Sequence[float] | np.ndarray) -> str:
    return "(" + ", ".join(f"{float(c):.6g}" for c in x) + ")"


def _steps(n: int) -> str:
    return f"{n} step" if n == 1 else f"{n} steps"


def _as_float(x: Any) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


def _check_settings(
    optimizer: str, lr: float | None, hyper: Mapping[str, Any]
) -> tuple[Optimizer, dict[str, float]]:
    opt = OPTIMIZERS.get(optimizer.strip().lower()) if isinstance(optimizer, str) else None
    if opt is None:
        raise ValueError(f"Unknown optimizer {optimizer!r}. Use one of: {', '.join(OPTIMIZERS)}.")
    given = dict(hyper)
    given["lr"] = opt.params["lr"].default if lr is None else lr
    settings: dict[str, float] = {}
    for name, value in given.items():
        param = opt.params.get(name)
        if param is None:
            valid = ", ".join(opt.params)
            raise ValueError(f"{opt.name} has no hyperparameter {name!r}. Use one of: {valid}.")
        number = _as_float(value) if not isinstance(value, bool) else math.nan
        problem = param.problem(number)
        if problem is not None:
            raise ValueError(f"{name} {problem} (got {value!r}); {name} is the {param.doc}.")
        settings[name] = number
    return opt, {k: settings.get(k, p.default) for k, p in opt.params.items()}


def _evaluate(landscape: Landscape, x: np.ndarray) -> tuple[float, np.ndarray]:
    """Value and gradient at x; NaN (not an exception) where x itself is not finite."""
    if not np.all(np.isfinite(x)):
        return math.nan, np.full_like(x, math.nan)
    value, gradient = landscape.value_and_gradient(x)
    value = _as_float(value)
    gradient = np.asarray(gradient, dtype=np.float64).reshape(-1)
    if gradient.shape != x.shape:
        raise ValueError(
            f"The surface returned a gradient of length {gradient.size} at a point of "
            f"length {x.size}; give a start with one coordinate per variable."
        )
    return value, gradient


def descend(
    landscape: Landscape,
    start: Sequence[float] | np.ndarray,
    optimizer: str = "gd",
    lr: float | None = None,
    steps: int = 100,
    tol: float = 1e-6,
    **hyper: float,
) -> Trajectory:
    """Run `optimizer` on `landscape` from `start` for at most `steps` steps (see the module doc).

    `lr` defaults to the optimizer's own default (`OPTIMIZERS[name].params["lr"]`); any other
    hyperparameter (beta, rho, beta1, beta2, eps) is passed by name.

    If the landscape has a method ``record(point, gradient) -> (kept_point, kept_gradient)``, the
    trajectory keeps what it returns for each recorded point instead of both whole: a model
    with 85,000 weights seen on a slice keeps two coordinates a step (a 2,000-step run would
    otherwise hold 1.4 GB of points). Stopping always looks at the whole point.
    """
    opt, settings = _check_settings(optimizer, lr, hyper)
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer):
        raise ValueError(f"steps must be a whole number from 0 to {MAX_STEPS} (got {steps!r}).")
    steps = int(steps)
    if not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be from 0 to {MAX_STEPS} (got {steps}); ask for fewer steps.")
    tol = _as_float(tol)
    if not (math.isfinite(tol) and tol >= 0):
        raise ValueError(f"tol must be a finite number >= 0 (got {tol!r}); the default is 1e-6.")

    try:
        x0 = np.array(start, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise ValueError(
            f"The start must be a list of numbers, one per variable (got {start!r})."
        ) from None
    variables = getattr(landscape, "variables", None)
    if isinstance(variables, tuple | list) and len(variables) != x0.size:
        names = ", ".join(str(v) for v in variables)
        raise ValueError(
            f"The start has {x0.size} coordinates but the function has {len(variables)} "
            f"variables ({names}); give one coordinate per variable."
        )
    if not np.all(np.isfinite(x0)):
        raise ValueError(f"The start {_point(x0)} is not finite; give ordinary numbers.")
    hessian = getattr(landscape, "hessian", None)
    unused = padding(landscape) if opt.curvature else ()  # only Newton asks
    if opt.curvature and not callable(hessian):
        raise ValueError(
            f"{opt.name} needs the Hessian, and this landscape has no hessian(point) method (a "
            "formula's Surface has one); use a gradient method such as gd or adam."
        )

    with np.errstate(all="ignore"):
        value0, grad0 = _evaluate(landscape, x0)
        if not math.isfinite(value0):
            raise ValueError(
                f"The function is undefined at {_point(x0)}; start somewhere it is defined."
            )
        if not np.all(np.isfinite(grad0)):
            raise ValueError(
                f"The gradient is undefined at {_point(x0)}; start somewhere it is defined."
            )

        record = getattr(landscape, "record", None)
        keep: Record = record if callable(record) else _whole
        kept = keep(x0, grad0)
        points, values, gradients = [kept[0]], [value0], [kept[1]]
        state = opt.init(x0)
        x, g = x0, grad0
        stopped: Stopped = "max_steps"
        reason = ""
        t = 0
        high, rising = value0, 0  # the highest value so far, and for how many steps in a row
        norm = float(np.linalg.norm(g))
        if norm < tol:
            stopped = "converged"
            shown, tol_shown = _below(norm, tol)
            reason = f"converged: |grad| = {shown} < tol = {tol_shown} at the start (0 steps)"
        else:
            for t in range(1, steps + 1):
                if opt.curvature:
                    hess = np.asarray(hessian(x), dtype=np.float64)  # type: ignore[misc]
                    why = newton_problem(*_own_block(hess, x, unused))
                    if why:
                        stopped, t = "failed", t - 1
                        reason = f"failed after {_steps(t)}: {why}"
                        break
                    state = (_padded(hess, unused),)
                at = opt.gradient_at(x, state, settings)
                g_at = g if at is x else _evaluate(landscape, np.asarray(at, dtype=np.float64))[1]
                x, state = opt.step(x, g_at, state, t, settings)
                x = np.asarray(x, dtype=np.float64)
                value, g = _evaluate(landscape, x)
                kept = keep(x, g)
                points.append(kept[0])
                values.append(value)
                gradients.append(kept[1])
                why = _divergence(x, value, g, value0, x0)
                if why:
                    stopped, reason = "diverged", f"diverged at step {t}: {why}"
                    break
                if value > high:
                    high, rising = value, rising + 1
                else:
                    rising = 0
                if rising >= RISING:
                    stopped = "diverged"
                    reason = (
                        f"diverged at step {t}: the value ran away: it rose to a new high at each "
                        f"of the last {RISING} steps, reaching {_num(value, 3)} (it was "
                        f"{_num(value0, 3)} at the start)"
                    )
                    break
                norm = float(np.linalg.norm(g))
                if norm < tol:
                    stopped = "converged"
                    shown, tol_shown = _below(norm, tol)
                    reason = f"converged: |grad| = {shown} < tol = {tol_shown} after {_steps(t)}"
                    break
            else:
                reason = (
                    f"max_steps: stopped after {_steps(steps)} with |grad| = {_num(norm)}, "
                    f"not yet below tol = {_num(tol)}"
                )

    rows = len(points)
    return Trajectory(
        optimizer=opt.name,
        settings=settings,
        points=np.array(points, dtype=np.float64).reshape(rows, -1),
        values=np.array(values, dtype=np.float64),
        gradients=np.array(gradients, dtype=np.float64).reshape(rows, -1),
        stopped=stopped,
        reason=reason,
        tol=tol,
    )


def _divergence(x: np.ndarray, value: float, g: np.ndarray, value0: float, x0: np.ndarray) -> str:
    """Why the run diverged at this point (a phrase), or "" if it did not."""
    if not np.all(np.isfinite(x)):
        return "the step produced a non-finite point (the gradient it used was undefined or huge)"
    if not math.isfinite(value):
        return f"the function is undefined at {_point(x)}"
    if not np.all(np.isfinite(g)):
        return f"the gradient is undefined at {_point(x)}"
    if abs(value) > RUNAWAY * max(1.0, abs(value0)):
        return (
            f"the value ran away: |value| = {_num(abs(value), 3)} > "
            f"1e6 x max(1, |value at start| = {_num(abs(value0), 3)})"
        )
    far, far0 = float(np.max(np.abs(x))), float(np.max(np.abs(x0)))
    if far > RUNAWAY * max(1.0, far0):
        return (
            f"the point ran away: max |coordinate| = {_num(far, 3)} > "
            f"1e6 x max(1, max |coordinate at start| = {_num(far0, 3)})"
        )
    return ""
