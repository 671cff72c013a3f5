"""surface.py: a formula as a landscape: exact partials, NaN rules, grids, what a readout prints."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from gradscape import Landscape, Surface, parse
from gradscape.formula import symbol

w1, w2, x, y = (symbol(n) for n in ("w1", "w2", "x", "y"))


def test_lesson_bowl_gradient_at_the_three_points():
    s = Surface("w1^2 + 3w2^2")
    assert s.variables == ("w1", "w2")
    assert s.partials == (2 * w1, 6 * w2)
    assert s.value((3, 1)) == 12.0
    np.testing.assert_array_equal(s.gradient((3, 1)), [6.0, 6.0])
    np.testing.assert_array_equal(s.gradient((0, 1)), [0.0, 6.0])
    np.testing.assert_array_equal(s.gradient((0, 0)), [0.0, 0.0])
    np.testing.assert_array_equal(s.hessian((3, 1)), [[2.0, 0.0], [0.0, 6.0]])


def test_caller_names_the_variable_order():
    s = Surface("w1^2 + 3w2^2", variables=("w2", "w1"))
    assert s.variables == ("w2", "w1")
    np.testing.assert_array_equal(s.gradient((1, 3)), [6.0, 6.0])


def test_extra_variable_has_zero_partial():
    s = Surface("x^2", variables=("x", "y"))
    np.testing.assert_array_equal(s.gradient((2, 5)), [4.0, 0.0])


def test_wrong_number_of_coordinates_is_a_clear_error():
    with pytest.raises(ValueError, match=r"Give 2 coordinates \(w1, w2\); got 3"):
        Surface("w1^2 + 3w2^2").gradient((1, 2, 3))


def test_grid_matches_pointwise_evaluation_and_marks_undefined_as_nan():
    s = Surface("log(x) + y^2")
    g = s.grid((-1, 2), (-1, 1), n=(7, 5))
    assert g.value.shape == (5, 7) and g.gradient.shape == (2, 5, 7)
    for j, yy in enumerate(g.y):
        for i, xx in enumerate(g.x):
            v, grad = s.value_and_gradient((xx, yy))
            np.testing.assert_equal(g.value[j, i], v)
            np.testing.assert_equal(g.gradient[:, j, i], grad)
    assert np.isnan(g.value[:, g.x <= 0]).all()


def test_grid_needs_two_variables():
    with pytest.raises(ValueError, match="two variables"):
        Surface("x^2").grid((0, 1), (0, 1))


def test_displayed_partial_of_abs_is_real_sign_not_complex_parts():
    (p,) = Surface("abs(asin(x))").partials
    assert "re(" not in str(p) and "atan2" not in str(p)
    assert p == sympy.sign(sympy.asin(x)) / sympy.sqrt(1 - x**2)


def test_grid_checks_the_other_variables_and_accepts_numpy_sizes():
    s = Surface("x y z")
    with pytest.raises(ValueError, match="other 1 variables"):
        s.grid((0, 1), (0, 1), n=3, at=[])
    assert s.grid((0, 1), (0, 1), n=np.int64(3), at=[2.0]).value.shape == (3, 3)


def test_a_surface_is_a_landscape():
    s = Surface("w1^2 + 3w2^2")
    assert isinstance(s, Landscape)
    value, gradient = s.value_and_gradient((3, 1))
    assert value == s.value((3, 1)) == 12.0
    np.testing.assert_array_equal(gradient, s.gradient((3, 1)))


def test_from_parsed_is_the_same_surface_without_parsing_again(monkeypatch):
    parsed = parse("sin(x) + y^2", ("y", "x"))
    monkeypatch.setattr("gradscape.surface.parse", _no_parse)
    s = Surface.from_parsed("sin(x) + y^2", parsed)
    assert s.variables == ("y", "x") and s.formula == "sin(x) + y^2"
    monkeypatch.undo()
    assert s.program() == Surface("sin(x) + y^2", ("y", "x")).program()


def test_printed_gives_the_formula_and_each_partial():
    shown = Surface("w1^2 + 3w2^2").printed()
    assert shown["text"] == "w1^2 + 3 w2^2"
    assert [(p["variable"], p["text"]) for p in shown["partials"]] == [
        ("w1", "2 w1"),
        ("w2", "6 w2"),
    ]


def _no_parse(*args, **kwargs):
    raise AssertionError("parsed again")
