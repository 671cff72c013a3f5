"""Surface: exact partials, the compiled program, NaN rules, grids, printers."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from gradscape import Surface, numeric_gradient, parse
from gradscape.formula import symbol
from gradscape.functions import OPS
from gradscape.gallery import GALLERY
from gradscape.surface import MAX_OPS, CompileError, run_program, to_html, to_text

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


@pytest.mark.parametrize(
    ("formula", "point"),
    [("log(x)", (-1.0,)), ("1/x", (0.0,)), ("sqrt(x) + y", (-4.0, 1.0)), ("x^0.5", (-2.0,))],
)
def test_undefined_points_give_nan_not_errors(formula, point):
    s = Surface(formula)
    value, grad = s.evaluate(point)
    assert math.isnan(value)
    assert np.isnan(grad).all()


def test_gradient_is_nan_wherever_value_is_undefined_even_if_derivative_formula_is_defined():
    # d/dx log(x) = 1/x exists at x = -1, but log does not: no gradient there
    assert np.isnan(Surface("log(x) + y").gradient((-1, 0))).all()


def test_overflow_becomes_nan():
    assert math.isnan(Surface("exp(x)").value((1000,)))


def test_program_shares_common_subexpressions():
    # exp(-(x^2+y^2)) appears in the value and in both partials: it is computed once
    program = Surface("exp(-(x^2 + y^2))").program()
    assert sum(op[0] == "exp" for op in program["ops"]) == 1
    assert len(program["ops"]) == len({json.dumps(op) for op in program["ops"]})


def test_program_is_json_ready_and_uses_only_known_ops():
    for entry in GALLERY.values():
        program = Surface(entry.formula).program(hessian=True)
        json.dumps(program, allow_nan=False)
        assert {op[0] for op in program["ops"]} <= set(OPS)
        for i, (_, *args) in enumerate(program["ops"]):
            if program["ops"][i][0] not in ("x", "c", "powi"):
                assert all(0 <= a < i for a in args)


def test_powers_compile_to_exact_repeated_squaring():
    program = Surface("x^3").program()
    assert ["powi", 0, 3] in program["ops"]
    assert Surface("x^3").value((1.1,)) == 1.1 * (1.1 * 1.1)


def test_grid_matches_pointwise_evaluation_and_marks_undefined_as_nan():
    s = Surface("log(x) + y^2")
    g = s.grid((-1, 2), (-1, 1), n=(7, 5))
    assert g.value.shape == (5, 7) and g.gradient.shape == (2, 5, 7)
    for j, yy in enumerate(g.y):
        for i, xx in enumerate(g.x):
            v, grad = s.evaluate((xx, yy))
            np.testing.assert_equal(g.value[j, i], v)
            np.testing.assert_equal(g.gradient[:, j, i], grad)
    assert np.isnan(g.value[:, g.x <= 0]).all()


def test_grid_needs_two_variables():
    with pytest.raises(ValueError, match="two variables"):
        Surface("x^2").grid((0, 1), (0, 1))


def test_huge_derivative_is_refused_with_compile_error(monkeypatch):
    monkeypatch.setattr("gradscape.surface.MAX_OPS", 10)
    with pytest.raises(CompileError, match="over 10 operations"):
        Surface("sin(x) cos(y) exp(x y) + x^5 y^7")
    assert MAX_OPS > 1000


# -- the oracle: exact partials against SymPy's own evaluation and against central differences


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
        value, grad = s.evaluate(p)
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


def test_run_program_broadcasts_scalars_and_arrays():
    s = Surface("x + y")
    value, grad, _ = run_program(s.program(), [np.array([1.0, 2.0]), 3.0])
    np.testing.assert_array_equal(value, [4.0, 5.0])
    np.testing.assert_array_equal(grad[1], [1.0, 1.0])


# -- printing


@pytest.mark.parametrize(
    ("formula", "text"),
    [
        ("w1^2 + 3w2^2", "w1^2 + 3 w2^2"),
        ("2 x", "2 x"),
        ("x y", "x y"),
        ("e^x", "exp(x)"),
        ("abs(x)", "abs(x)"),
        ("sqrt(x)", "sqrt(x)"),
        ("1/x", "1/x"),
        ("x^(1/3)", "x^(1/3)"),
        ("(x^2)^3", "x^6"),
    ],
)
def test_text_printer_speaks_the_formula_language(formula, text):
    assert to_text(parse(formula).expr) == text


@pytest.mark.parametrize(
    "formula",
    [
        *_FORMULAS,
        "x^y^2",
        "(x + 1)^(y - 1)",
        "-x^2",
        "2^(x + 1)",
        "pi x e",
        "x/(y z)",
        "(-1)^x",
        "0.5 x",
        "x^-2",
    ],
)
def test_text_round_trips_through_the_parser(formula):
    expr = parse(formula).expr
    assert parse(to_text(expr)).expr == expr
    if "abs" in formula or "(-1)" in formula:
        return  # their derivatives hold sign(x) and I*pi, which the language does not have
    for p in Surface(formula).partials:
        assert parse(to_text(p)).expr == p


def test_html_printer_sets_subscripts_and_powers():
    assert to_html(parse("w1^2 + 3w2^2").expr) == (
        "<i>w</i><sub>1</sub><sup>2</sup> + 3\u2009<i>w</i><sub>2</sub><sup>2</sup>"
    )
    html = to_html(parse("theta - x").expr)
    assert "<i>θ</i>" in html and "−" in html and "-" not in html


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


def test_constant_factors_fold_into_one():
    program = Surface("w1^2 + 3w2^2").program()
    assert ["c", 6.0] in program["ops"]


def test_displayed_partial_of_abs_is_real_sign_not_complex_parts():
    (p,) = Surface("abs(asin(x))").partials
    assert "re(" not in str(p) and "atan2" not in str(p)
    assert p == sympy.sign(sympy.asin(x)) / sympy.sqrt(1 - x**2)


def test_html_keeps_a_visible_times_between_numbers():
    assert "2·3<sup>" in Surface("2*3^x + y").describe()["html"]


def test_a_partial_too_long_to_read_is_not_printed(monkeypatch):
    monkeypatch.setattr("gradscape.surface.MAX_SHOWN", 10)
    shown = Surface("sin(x) cos(y) exp(x y)").describe()
    assert shown["partials"][0]["text"] == "(too long to show)"


def test_grid_checks_the_other_variables_and_accepts_numpy_sizes():
    s = Surface("x y z")
    with pytest.raises(ValueError, match="other 1 variables"):
        s.grid((0, 1), (0, 1), n=3, at=[])
    assert s.grid((0, 1), (0, 1), n=np.int64(3), at=[2.0]).value.shape == (3, 3)
