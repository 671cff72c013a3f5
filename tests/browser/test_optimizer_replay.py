"""One truth for the optimizers: Python's `gradscape.descend` is the reference, and the browser's
`core/optimizers.js` replays it. The golden trajectories are made here from Python at test time
(so they can never go stale): all six optimizers on several surfaces, learning rates and starts,
ending in every way a run can end (converged, at the start too; diverged through an undefined
value, a runaway value, a runaway point; max_steps). Every point, value and gradient, the stop
step, the status and the reason sentence must be equal. The lesson's own descent figure
(lesson/descent.js) is replayed against the same reference."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from gradscape import Surface, descend

# (formula, optimizer, lr, start, steps[, other hyperparameters]): one golden trajectory each
CASES: list[tuple[Any, ...]] = [
    # the lesson's bowl: every optimizer at its default rate and at another
    *[("w1^2 + 3w2^2", opt, lr, (3.0, 1.0), 300)
      for opt, lr in [("gd", 0.1), ("momentum", 0.02), ("nesterov", 0.02), ("adagrad", 0.5),
                      ("rmsprop", 0.1), ("adam", 0.1), ("gd", 0.3), ("momentum", 0.05),
                      ("nesterov", 0.08), ("adagrad", 1.5), ("rmsprop", 0.01), ("adam", 0.5)]],
    ("w1^2 + 3w2^2", "gd", 0.1, (0.0, 0.0), 100),  # converged at the start: 0 steps
    ("w1^2 + 3w2^2", "gd", 0.4, (3.0, 1.0), 200),  # the value runs away (lr > 1/3)
    ("w1^2 + 3w2^2", "momentum", 0.3, (-2.0, 2.5), 200),  # so does momentum's
    ("w1^2 + 3w2^2", "gd", 0.34, (3.0, 1.0), 200),  # a steady runaway: x1.04 a step
    ("w1^2 + 3w2^2", "gd", 0.01, (3.0, 1.0), 25),  # max_steps
    ("w1^2 + 3w2^2", "adam", 0.1, (3.0, 1.0), 1),  # max_steps after 1 step (singular)
    # Rosenbrock's valley: slow, curved; every optimizer for a while
    *[("(1 - x)^2 + 100(y - x^2)^2", opt, lr, (-1.2, 1.0), 400)
      for opt, lr in [("gd", 0.001), ("momentum", 0.0005), ("nesterov", 0.0005),
                      ("adagrad", 0.3), ("rmsprop", 0.01), ("adam", 0.05)]],
    # a saddle: descent runs off downhill until the value runs away
    *[("x^2 - y^2", opt, lr, (1.0, 0.001), 2000)
      for opt, lr in [("gd", 0.1), ("nesterov", 0.02), ("rmsprop", 0.1)]],
    # the point runs away while the value stays small (atan is bounded)
    ("atan(x) + y^2", "adam", 2e6, (0.5, 0.0), 100),
    # a step out of the domain: the function is undefined there
    ("log(x) + y^2", "gd", 1.0, (0.5, 1.0), 50),
    # a bumpy surface, several starts
    *[("sin(x) cos(y) + (x^2 + y^2) / 20", opt, 0.2, start, 150)
      for opt in ("gd", "momentum", "adam") for start in [(1.0, 2.0), (-2.5, 0.3)]],
    # hyperparameters other than lr, as the explorer's controls and links set them
    ("w1^2 + 3w2^2", "momentum", 0.05, (3.0, 1.0), 300, {"beta": 0.5}),
    ("(1 - x)^2 + 100(y - x^2)^2", "nesterov", 0.0003, (-1.2, 1.0), 400, {"beta": 0.99}),
    ("(1 - x)^2 + 100(y - x^2)^2", "adagrad", 0.5, (-1.2, 1.0), 300, {"eps": 0.001}),
    ("(1 - x)^2 + 100(y - x^2)^2", "rmsprop", 0.01, (-1.2, 1.0), 300, {"rho": 0.5, "eps": 1e-4}),
    ("(1 - x)^2 + 100(y - x^2)^2", "adam", 0.05, (-1.2, 1.0), 300,
     {"beta1": 0.5, "beta2": 0.9, "eps": 1e-6}),
    ("w1^2 + 3w2^2", "adam", 0.1, (3.0, 1.0), 200, {"beta1": 0.0, "beta2": 0.0}),
    # Newton's method: one step on a bowl, a few on Rosenbrock (pure and damped), and its stops
    ("w1^2 + 3w2^2", "newton", 1.0, (3.0, 1.0), 50),
    ("(1 - x)^2 + 100(y - x^2)^2", "newton", 1.0, (-1.2, 1.0), 50),
    ("(1 - x)^2 + 100(y - x^2)^2", "newton", 0.5, (-1.2, 1.0), 100),
    ("x^2 - y^2", "newton", 1.0, (2.0, 0.01), 50),  # indefinite at the start: failed, 0 steps
    ("(x + y)^2", "newton", 1.0, (1.0, 2.0), 50),  # singular everywhere
    ("sin(x) cos(y) + (x^2 + y^2) / 20", "newton", 1.0, (1.0, 2.0), 50),
    ("sin(x) cos(y) + (x^2 + y^2) / 20", "newton", 0.3, (-2.5, 0.3), 100),
    ("x^4 + y^4 + x y", "newton", 1.0, (1.5, 1.0), 100),
    ("x^4 + y^4 + x y", "newton", 1.0, (0.4, 0.35), 100),  # steps to where H is indefinite
    # a formula of x drawn over x and y (the explorer's 1D view): Newton solves on x alone
    (("x^4 - 3x^2", ("x", "y")), "newton", 1.0, (1.6, 0.5), 50),
    (("x^4 - 3x^2", ("x", "y")), "newton", 1.0, (0.1, 0.5), 50),  # concave there: failed
    (("x^4 - 3x^2", ("x", "y")), "gd", 0.05, (1.6, 0.5), 200),
]  # fmt: skip


def _golden() -> list[dict[str, Any]]:
    out = []
    for formula, optimizer, lr, start, steps, *more in CASES:
        hyper = more[0] if more else {}
        formula, variables = formula if isinstance(formula, tuple) else (formula, None)
        surface = Surface(formula, variables)
        tr = descend(surface, start, optimizer, lr=lr, steps=steps, **hyper)
        out.append(
            {
                "case": f"{optimizer} lr={lr} {hyper} from {start} on {formula}",
                "program": surface.program(hessian=True),
                "optimizer": optimizer,
                "lr": lr,
                "hyper": hyper,
                "start": list(start),
                "steps": steps,
                "want": {
                    "points": tr.points.tolist(),
                    "values": tr.values.tolist(),
                    "gradients": tr.gradients.tolist(),
                    "stopped": tr.stopped,
                    "reason": tr.reason,
                    "steps": tr.steps,
                },
            }
        )
    return out


@pytest.fixture(scope="module")
def golden() -> list[dict[str, Any]]:
    cases = _golden()
    # the cases end in every way a run can end
    reasons = " | ".join(c["want"]["reason"] for c in cases)
    endings = ["at the start (0 steps)", "the value ran away", "the point ran away",
               "the function is undefined", "max_steps: stopped after 1 step with",
               "rose to a new high at each of the last 10 steps",
               "failed after 0 steps: the Hessian at (2, 0.01) is not positive definite",
               "is singular (eigenvalues",
               "failed after 0 steps: the Hessian at (0.1) is not positive definite"]  # fmt: skip
    for phrase in endings:
        assert phrase in reasons, phrase
    assert {c["want"]["stopped"] for c in cases} == {"converged", "diverged", "max_steps", "failed"}
    assert {c["optimizer"] for c in cases} == {
        "gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "newton",
    }  # fmt: skip
    # Newton converges on a formula of x drawn over (x, y), y never moving
    padded = [c for c in cases if c["optimizer"] == "newton" and "x^4 - 3x^2" in c["case"]]
    assert padded[0]["want"]["stopped"] == "converged"
    assert {p[1] for p in padded[0]["want"]["points"]} == {0.5}
    # Newton fails partway somewhere too (not only at the start)
    assert any(c["optimizer"] == "newton" and c["want"]["stopped"] == "failed"
               and c["want"]["steps"] > 0 for c in cases)  # fmt: skip
    return cases


def _same(got: Any, want: Any, case: str, what: str) -> None:
    got_a = np.array([math.nan if v is None else v for v in np.ravel(got)], dtype=float)
    want_a = np.array(np.ravel(want), dtype=float)
    assert got_a.shape == want_a.shape, (case, what)
    np.testing.assert_allclose(got_a, want_a, rtol=1e-12, atol=0, equal_nan=True, err_msg=case)


def test_every_optimizer_replays_pythons_trajectories(page, server_url, golden) -> None:
    page.goto(server_url)
    got = page.evaluate(
        """async (cases) => {
             const opt = await import('/static/core/optimizers.js');
             return cases.map((c) => {
               const given = { lr: c.lr, ...c.hyper };
               const t = opt.descend(c.program, c.start, c.optimizer, given, c.steps);
               return { points: t.points, values: t.values, gradients: t.gradients,
                        stopped: t.stopped, reason: t.reason, steps: t.steps };
             });
           }""",
        golden,
    )
    exact = 0
    for case, js in zip(golden, got, strict=True):
        want, name = case["want"], case["case"]
        assert js["stopped"] == want["stopped"], name
        assert js["steps"] == want["steps"], name
        assert js["reason"] == want["reason"], name
        for what in ("points", "values", "gradients"):
            _same(js[what], want[what], name, what)
        exact += js["points"] == want["points"]
    assert exact >= len(golden) // 2  # most are bit for bit: the same IEEE arithmetic


def test_numbers_in_reasons_are_written_as_python_writes_them(page, server_url) -> None:
    rng = np.random.default_rng(8)
    xs = [0.125, 0.375, 2.5, -0.0, 0.0, 1e-4, 9.99995e-5, 123456.5, 1e21, 1e16, 999999.5]
    xs += [float(v) for v in 10.0 ** rng.uniform(-12, 12, 300) * rng.choice([-1, 1], 300)]
    xs += [float(np.round(v, 3)) for v in rng.uniform(-10, 10, 100)]
    page.goto(server_url)
    got = page.evaluate(
        """async (xs) => {
             const opt = await import('/static/core/optimizers.js');
             return xs.map((x) => [opt.formatG(x, 2), opt.formatG(x, 3), opt.formatG(x, 6)]);
           }""",
        xs,
    )
    assert got == [[f"{x:.2g}", f"{x:.3g}", f"{x:.6g}"] for x in xs]


@pytest.mark.parametrize("lr", [0.1, 0.32, 0.34, 0.4])
def test_the_lessons_descent_figure_replays_python(page, server_url, lr) -> None:
    """lesson/descent.js runs its 40 steps with the shared gd step; Python's descend (tol 0, so
    it never stops early for convergence) gives the same points for as long as it runs."""
    bowl = Surface("w1^2 + 3w2^2")
    tr = descend(bowl, (3.0, 1.0), "gd", lr=lr, steps=40, tol=0.0)
    page.goto(server_url)
    got = page.evaluate(
        """async ([program, lr]) => {
             const fig = await import('/static/lesson/descent.js');
             return fig.descend(program, [3, 1], lr);
           }""",
        [bowl.program(hessian=True), lr],
    )
    n = len(tr.points)
    assert len(got["points"]) == 41 and n <= 41
    if tr.stopped != "diverged":
        assert n == 41
    _same(got["points"][:n], tr.points.tolist(), f"lesson lr={lr}", "points")
    _same(got["losses"][:n], tr.values.tolist(), f"lesson lr={lr}", "losses")
