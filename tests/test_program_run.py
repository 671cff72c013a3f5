"""program/run.py: NumPy runs a program on scalars or arrays, with the NaN rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gradscape import Surface
from gradscape.program import run_program


@pytest.mark.parametrize(
    ("formula", "point"),
    [("log(x)", (-1.0,)), ("1/x", (0.0,)), ("sqrt(x) + y", (-4.0, 1.0)), ("x^0.5", (-2.0,))],
)
def test_undefined_points_give_nan_not_errors(formula, point):
    s = Surface(formula)
    value, grad = s.value_and_gradient(point)
    assert math.isnan(value)
    assert np.isnan(grad).all()


def test_gradient_is_nan_wherever_value_is_undefined_even_if_derivative_formula_is_defined():
    # d/dx log(x) = 1/x exists at x = -1, but log does not: no gradient there
    assert np.isnan(Surface("log(x) + y").gradient((-1, 0))).all()


def test_overflow_becomes_nan():
    assert math.isnan(Surface("exp(x)").value((1000,)))


def test_run_program_broadcasts_scalars_and_arrays():
    s = Surface("x + y")
    value, grad, _ = run_program(s.program(), [np.array([1.0, 2.0]), 3.0])
    np.testing.assert_array_equal(value, [4.0, 5.0])
    np.testing.assert_array_equal(grad[1], [1.0, 1.0])
