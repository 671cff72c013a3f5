"""Newton's method in descent.py: the damped step, its stops where the Hessian does not allow a
step, and the command line."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from gradscape import Surface, descend
from gradscape.descent import OPTIMIZERS, eigenvalues, newton_problem, padding


def test_one_newton_step_solves_a_quadratic_bowl() -> None:
    t = descend(Surface("w1^2 + 3w2^2"), (3.0, 1.0), "newton")
    assert t.stopped == "converged" and t.steps == 1
    assert np.allclose(t.end, 0, atol=1e-14)
    assert t.settings == {"lr": 1.0}


def test_the_step_is_lr_times_the_hessian_solve() -> None:
    s = Surface("(1 - x)^2 + 100(y - x^2)^2")
    x0 = np.array([-1.2, 1.0])
    t = descend(s, x0, "newton", lr=0.5, steps=1, tol=0.0)
    want = x0 - 0.5 * np.linalg.solve(s.hessian(x0), s.gradient(x0))
    np.testing.assert_allclose(t.points[1], want, rtol=1e-13)


def test_pure_newton_reaches_rosenbrocks_minimum_in_a_few_steps() -> None:
    t = descend(Surface("(1 - x)^2 + 100(y - x^2)^2"), (-1.2, 1.0), "newton")
    assert t.stopped == "converged" and t.steps < 10
    np.testing.assert_allclose(t.end, [1.0, 1.0], atol=1e-8)


def test_a_saddle_stops_newton_at_once_and_says_why() -> None:
    t = descend(Surface("x^2 - y^2"), (2.0, 0.01), "newton")
    assert t.stopped == "failed" and t.steps == 0
    assert t.reason.startswith("failed after 0 steps: the Hessian at (2, 0.01) is not positive")
    assert "eigenvalues 2 and -2" in t.reason


def test_a_singular_hessian_stops_newton() -> None:
    t = descend(Surface("(x + y)^2"), (1.0, 2.0), "newton")
    assert t.stopped == "failed" and "singular (eigenvalues 4 and 0)" in t.reason


def test_newton_solves_on_the_variables_the_formula_uses_and_leaves_padding_still() -> None:
    # x^4 - 3x^2 drawn over (x, y), as the explorer's 1D view draws it: y is padding
    s = Surface("x^4 - 3x^2", ["x", "y"])
    assert padding(s) == (1,)
    t = descend(s, (1.6, 0.5), "newton")
    alone = descend(Surface("x^4 - 3x^2"), (1.6,), "newton")
    assert t.stopped == "converged" and t.steps == alone.steps
    np.testing.assert_array_equal(t.points[:, 0], alone.points[:, 0])
    assert set(t.points[:, 1]) == {0.5}
    # concave at x = 0.1: the message speaks of x alone, as for the formula of x
    bad = descend(s, (0.1, 0.5), "newton")
    assert bad.stopped == "failed" and "Hessian at (0.1) is not positive definite" in bad.reason
    assert "(eigenvalues -5.88)" in bad.reason


def test_a_variable_the_formula_uses_is_never_padding_even_where_it_is_flat() -> None:
    # x^2 + y^3 at y = 0: flat along y there, but L depends on y: still singular
    s = Surface("x^2 + y^3")
    assert padding(s) == ()
    assert "singular (eigenvalues 2 and 0)" in descend(s, (1.0, 0.0), "newton").reason


def test_newton_stops_where_it_steps_into_an_indefinite_region() -> None:
    t = descend(Surface("x^4 + y^4 + x y"), (0.4, 0.35), "newton")
    assert t.stopped == "failed" and t.steps == 1
    assert "failed after 1 step: the Hessian at (0.224781, 0.0804214)" in t.reason
    assert len(t.points) == 2  # the point it stopped at is recorded, no further


def test_newton_needs_a_landscape_with_a_hessian() -> None:
    class Plain:
        variables = ("x", "y")

        def value_and_gradient(self, p):
            return float(p[0] ** 2 + p[1] ** 2), np.array([2 * p[0], 2 * p[1]])

    with pytest.raises(ValueError, match=r"needs the Hessian.*use a gradient method"):
        descend(Plain(), (1.0, 1.0), "newton")
    assert descend(Plain(), (1.0, 1.0), "gd").stopped == "converged"


def test_problems_and_eigenvalues() -> None:
    assert eigenvalues(np.array([[2.0, 0.0], [0.0, 6.0]])) == [6.0, 2.0]
    assert eigenvalues(np.diag([1.0, 3.0, 2.0])) == pytest.approx([3.0, 2.0, 1.0])
    x = np.array([0.0, 0.0])
    assert newton_problem(np.eye(2), x) == ""
    assert "undefined" in newton_problem(np.array([[np.nan, 0], [0, 1]]), x)
    assert "singular" in newton_problem(np.zeros((2, 2)), x)
    assert "singular" in newton_problem(np.diag([1.0, 1e-14]), x)
    assert "not positive definite" in newton_problem(np.diag([-1.0, -2.0]), x)
    # a maximum: Newton would jump straight to it
    t = descend(Surface("-(x^2 + y^2)"), (1.0, 1.0), "newton")
    assert t.stopped == "failed" and "curves downward" in t.reason


def test_the_registry_lists_newton_last_with_lr_1() -> None:
    assert list(OPTIMIZERS)[-1] == "newton"
    assert OPTIMIZERS["newton"].defaults == {"lr": 1.0} and OPTIMIZERS["newton"].curvature


def test_gradscape_descend_optimizer_newton() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "gradscape.cli", "descend", "rosenbrock", "--from", "-1.2,1",
         "--optimizer", "Newton", "--json"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["optimizer"] == "newton" and data["stopped"] == "converged"
    saddle = subprocess.run(
        [sys.executable, "-m", "gradscape.cli", "descend", "saddle", "--from", "2,0.01",
         "--optimizer", "newton"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert saddle.returncode == 0, saddle.stderr
    said = "failed after 0 steps: the Hessian at (2, 0.01) is not positive definite"
    assert said in saddle.stdout


def test_only_newton_asks_a_landscape_for_its_program():
    # a landscape of someone else's with a program() of its own kind: gradient methods never call it
    class Theirs:
        variables = ("x", "y")

        def program(self):
            raise AssertionError("gd has no use for the program")

        def value_and_gradient(self, p):
            return float(p[0] ** 2 + p[1] ** 2), np.array([2 * p[0], 2 * p[1]])

    assert descend(Theirs(), (1.0, 1.0), "gd", steps=5).steps == 5
