"""cli/pointkind.py: kinks found from the exact partials on the two sides, and the Hessian's
verdict on a point."""

from __future__ import annotations

import numpy as np

from gradscape import Surface
from gradscape.cli.pointkind import hessian_kind, kinks


def test_abs_has_a_kink_at_zero_with_slopes_minus_one_and_one():
    (k,) = kinks(Surface("abs(x)"), np.array([0.0]), ("x",))
    assert (k.variable, k.left, k.right) == ("x", -1.0, 1.0)


def test_a_kink_off_the_axes_is_found_along_the_axes_that_cross_it():
    found = kinks(Surface("abs(x - y)"), np.array([1.0, 1.0]), ("x", "y"))
    assert [k.variable for k in found] == ["x", "y"]


def test_smooth_functions_have_no_kinks_even_with_huge_curvature():
    for formula, at in [("1e12 x^2", [0.0]), ("x^100", [1.0]), ("x abs(x)", [0.0])]:
        s = Surface(formula)
        assert kinks(s, np.array(at), s.variables) == [], formula


def test_a_point_beside_a_kink_has_none():
    assert kinks(Surface("abs(x)"), np.array([1e-9]), ("x",)) == []


def test_a_product_that_is_differentiable_at_the_origin_has_no_kink():
    assert kinks(Surface("abs(x) y"), np.array([0.0, 0.0]), ("x", "y")) == []


def test_the_hessian_names_minima_maxima_saddles_and_flat_points():
    origin = np.array([0.0, 0.0])
    assert hessian_kind(Surface("x^2 + 3y^2"), origin) == ("minimum", [2.0, 6.0])
    assert hessian_kind(Surface("-x^2 - y^2"), origin) == ("maximum", [-2.0, -2.0])
    assert hessian_kind(Surface("x^2 - y^2"), origin) == ("saddle", [-2.0, 2.0])
    assert hessian_kind(Surface("x^2 + y^4"), origin) == ("flat", [0.0, 2.0])


def test_a_landscape_without_a_hessian_gets_no_verdict():
    class Bowl:
        variables = ("x",)

        def value_and_gradient(self, p):
            return float(p[0] ** 2), np.array([2 * p[0]])

    assert hessian_kind(Bowl(), np.array([0.0])) is None
