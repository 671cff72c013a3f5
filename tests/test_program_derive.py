"""program/derive.py: the derivative rules, held to SymPy (30 digits) and to central differences."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from gradscape import Surface, numeric_gradient
from gradscape.formula import symbol
from gradscape.gallery import GALLERY

x, y = symbol("x"), symbol("y")


def _sympy_value(expr, names, point):
    subs = {symbol(n): sympy.Float(v, 30) for n, v in zip(names, point, strict=True)}
    return complex(expr.evalf(30, subs=subs))


@pytest.mark.parametrize("name", list(GALLERY))
def test_gallery_program_matches_sympy_high_precision(name):
    s = Surface(GALLERY[name].formula)
    rng = np.random.default_rng(7)
    (x0, x1), (y0, y1) = GALLERY[name].view
    for _ in range(5):
        p = (rng.uniform(x0, x1), rng.uniform(y0, y1))
        value, grad = s.value_and_gradient(p)
        for got, expr in zip([value, *grad], [s.expr, *s.partials], strict=True):
            want = _sympy_value(expr, s.variables, p).real
            assert got == pytest.approx(want, rel=1e-12, abs=1e-12)


_FORMULAS = [
    "w1^2 + 3w2^2",
    "sin(x) cos(y)",
    "exp(-(x^2 + y^2)/2) x",
    "log(1 + x^2 + y^2)",
    "sqrt(1 + x^2) - atan(y)",
    "tanh(x y) + cosh(x/3)",
    "(x - 1)^3 / (1 + y^2)",
    "abs(x) + 2^y",
]


@settings(max_examples=60, deadline=None)
@given(
    i=st.integers(0, len(_FORMULAS) - 1),
    px=st.floats(-2, 2, allow_nan=False),
    py=st.floats(-2, 2, allow_nan=False),
)
def test_partials_agree_with_central_differences(i, px, py):
    s = Surface(_FORMULAS[i], variables=("x", "y") if "x" in _FORMULAS[i] else None)
    if "abs" in _FORMULAS[i] and abs(px) < 1e-3:
        return  # |x| has no derivative at 0
    exact = s.gradient((px, py))
    numeric = numeric_gradient(s, (px, py))
    np.testing.assert_allclose(exact, numeric, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("n", [*range(-64, 0), *range(1, 65), 100, -100])
def test_every_whole_power_differentiates_like_sympy(n):
    # a short program: powi's exponent is a literal, never a register (x^4 once crashed here)
    s = Surface(f"x^({n}) + y")
    x0 = 1.05
    xs = sympy.Float(x0, 30)
    want_g = float(sympy.diff(x**n, x).subs(x, xs))
    want_h = float(sympy.diff(x**n, x, 2).subs(x, xs))
    assert s.gradient((x0, 0.0))[0] == pytest.approx(want_g, rel=1e-12)
    assert s.hessian((x0, 0.0))[0, 0] == pytest.approx(want_h, rel=1e-12)


def test_hessian_matches_sympy_on_mixed_products_and_powers():
    s = Surface("x^5 y^7 + (x + y)^20 + x^-3 y")
    p = (1.1, 0.9)
    subs = {x: sympy.Float(p[0], 30), y: sympy.Float(p[1], 30)}
    want = sympy.hessian(s.expr, (x, y)).subs(subs)
    np.testing.assert_allclose(s.hessian(p), np.array(want, dtype=float), rtol=1e-12)
