"""Programs built from the parse tree: equal to the old SymPy-built ones, linear, SymPy-free.

The SymPy path (symbolic.to_sympy, then program.oracle.sympy_program) is the oracle here and
nowhere else: where the formula is defined, both programs must give the same values, gradients
and Hessians to 1e-12, and central differences must agree with both.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy
from formula_strategies import SLOWEST_FOR_SYMPY as WORST
from formula_strategies import formulas
from hypothesis import HealthCheck, assume, given, settings

from gradscape import Surface, numeric_gradient
from gradscape.descent import descend
from gradscape.formula import FormulaError, parse
from gradscape.gallery import GALLERY
from gradscape.payload import partials_payload, surface_payload
from gradscape.program import MAX_OPS, build_program, run_program
from gradscape.program.oracle import sympy_program
from gradscape.symbolic import SymbolicError, to_sympy

_POINTS = [(0.37, -0.61), (1.3, 0.7), (-0.45, 1.9), (2.2, -1.1), (0.8, 0.15)]


def _scale(program, point) -> float:
    """The size of the numbers the program works with at `point` (its largest finite register):
    rounding errors scale with it, and an order of evaluation changes them."""
    every = {"value": 0, "gradient": list(range(len(program["ops"]))), "ops": program["ops"]}
    _, registers, _ = run_program(every, point)
    sizes = [abs(float(r)) for r in registers if np.isfinite(r)]
    return 1.0 + max(sizes, default=0.0)


def _agree(text: str, points=_POINTS, hessian: bool = True) -> int:
    """Check the tree's program against the oracle's at `points`; the number of points where
    both are defined (the SymPy reading may be defined where the typed formula is not)."""
    parsed = parse(text)
    names = parsed.variables or ("x",)
    tree = build_program(names, parsed.tree, hessian=hessian)
    oracle = sympy_program(names, to_sympy(parsed.tree), hessian=hessian)
    compared = 0
    for point in points:
        p = list(point[: len(names)]) + [0.5] * (len(names) - len(point))
        got, want = run_program(tree, p), run_program(oracle, p)
        if not np.isfinite(got[0]):
            continue
        scale = max(_scale(tree, p), _scale(oracle, p))
        flat_got = [got[0], *got[1], *(h for row in got[2] for h in row)]
        flat_want = [want[0], *want[1], *(h for row in want[2] for h in row)]
        for g, w in zip(flat_got, flat_want, strict=True):
            if np.isfinite(g) and np.isfinite(w):
                assert abs(g - w) <= 1e-12 * scale, (text, p, g, w)
        compared += 1
    return compared


@pytest.mark.parametrize("name", list(GALLERY))
def test_gallery_programs_equal_the_sympy_built_ones(name):
    entry = GALLERY[name]
    rng = np.random.default_rng(11)
    (x0, x1), (y0, y1) = entry.view
    points = [(rng.uniform(x0, x1), rng.uniform(y0, y1)) for _ in range(8)]
    assert _agree(entry.formula, points) == len(points)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formulas(max_leaves=6, max_terms=4))
def test_generated_programs_equal_the_sympy_built_ones(text):
    try:
        parse(text)
        to_sympy(parse(text).tree)
    except (FormulaError, SymbolicError):
        assume(False)
    _agree(text, hessian=False)


@pytest.mark.parametrize("text", WORST)
def test_the_slowest_fuzzed_formulas_compile_with_a_linear_op_count(text):
    payload = surface_payload(text, printed=False)
    with_hessian = surface_payload(text, hessian=True, printed=False)["program"]
    assert len(payload["program"]["ops"]) <= 2 * len(text)
    assert len(with_hessian["ops"]) <= 4 * len(text) < MAX_OPS
    assert payload["partials"] is None and payload["text"]
    _agree(text)


@pytest.mark.parametrize("text", [*WORST[:4], "himmelblau", "ackley", "x^2 sin(y) / (1 + x^2)"])
def test_central_differences_agree_with_the_tree_gradient(text):
    surface = Surface(GALLERY[text].formula if text in GALLERY else text, ("x", "y"))
    for point in _POINTS:
        value, gradient = surface.value_and_gradient(point)
        if not np.isfinite(value) or not np.all(np.isfinite(gradient)):
            continue
        numeric = numeric_gradient(surface, point)
        scale = 1.0 + abs(value)
        np.testing.assert_allclose(gradient, numeric, rtol=1e-5, atol=1e-5 * scale)


# --- the formula as typed ---------------------------------------------------------------------


def test_x_over_x_is_undefined_at_zero_and_one_elsewhere():
    s = Surface("x/x")
    assert math.isnan(s.value((0.0,))) and np.isnan(s.gradient((0.0,))).all()
    assert s.value((2.5,)) == 1.0 and s.gradient((2.5,))[0] == 0.0


def test_exp_of_log_is_undefined_where_log_is():
    s = Surface("exp(log(x))")
    for x in (0.0, -1.0, -1e-300):
        assert math.isnan(s.value((x,))) and math.isnan(s.gradient((x,))[0])
    assert s.value((2.0,)) == pytest.approx(2.0) and s.gradient((2.0,))[0] == pytest.approx(1.0)


def test_a_squared_square_root_is_undefined_for_negative_x():
    s = Surface("sqrt(x)^2")
    assert math.isnan(s.value((-4.0,))) and math.isnan(s.gradient((-4.0,))[0])
    assert s.value((4.0,)) == pytest.approx(4.0) and s.gradient((4.0,))[0] == pytest.approx(1.0)


def test_sympy_reads_these_differently_which_only_its_printing_shows():
    assert parse("x/x").expr == 1 and parse("exp(log(x))").expr == sympy.Symbol("x", real=True)
    assert Surface("x/x").printed_formula()["text"] == "x/x"


def test_a_part_typed_twice_is_computed_once():
    ops = Surface("(x^2 + y^2 + 1)^3 + sin(x^2 + y^2 + 1)").program()["ops"]
    cubed = next(op[1] for op in ops if op[0] == "powi" and op[2] == 3)
    assert [op[1] for op in ops if op[0] in ("sin", "cos")] == [cubed, cubed]


def test_the_formula_prints_in_the_order_typed():
    shown = Surface("(x^2 + y - 11)^2 + (x + y^2 - 7)^2").printed_formula()
    assert shown["text"] == "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"
    assert shown["latex"] == r"\left(x^{2} + y - 11\right)^{2} + \left(x + y^{2} - 7\right)^{2}"
    assert shown["html"].startswith("(<i>x</i><sup>2</sup> + <i>y</i> \u2212 11)<sup>2</sup>")


# --- SymPy is off the critical path -----------------------------------------------------------


def _refuse(*args, **kwargs):
    raise AssertionError("SymPy was used")


@pytest.fixture
def no_sympy(monkeypatch):
    """Every way into SymPy raises: making any SymPy object or calling its entry points."""
    classes = [sympy.Basic, sympy.Symbol, sympy.Integer, sympy.Rational, sympy.Float]
    classes += [sympy.Add, sympy.Mul, sympy.Pow, sympy.Function, sympy.Abs, sympy.exp]
    for cls in classes:
        monkeypatch.setattr(cls, "__new__", _refuse)
    for name in ("sympify", "diff", "latex", "N", "simplify", "lambdify"):
        monkeypatch.setattr(sympy, name, _refuse)
    with pytest.raises(AssertionError, match="SymPy was used"):  # the patch is not vacuous
        sympy.Symbol("x")


def test_a_surface_evaluates_grids_and_descends_without_sympy(no_sympy):
    s = Surface("(x^2 + y - 11)^2 + (x + y^2 - 7)^2 + abs(sin(x y)) / (1 + exp(-x))")
    value, gradient = s.value_and_gradient((1.0, 2.0))
    assert np.isfinite(value) and gradient.shape == (2,)
    assert s.hessian((1.0, 2.0)).shape == (2, 2)
    assert s.grid((-4, 4), (-4, 4), 21).value.shape == (21, 21)
    assert descend(s, (1.0, 1.0), steps=5, lr=0.001).points.shape[0] >= 2
    assert s.printed_formula()["text"].startswith("(x^2 + y - 11)^2")
    with pytest.raises(AssertionError, match="SymPy was used"):
        _ = s.partials


def test_a_payload_without_printed_partials_needs_no_sympy(no_sympy):
    for text in ["rosenbrock", WORST[0], "x/x + exp(log(y))"]:
        payload = surface_payload(text, hessian=True, printed=False)
        assert payload["partials"] is None and payload["program"]["hessian"]


def test_the_printed_partials_come_separately():
    assert partials_payload("w1^2 + 3w2^2") == {
        "partials": [
            {
                "variable": "w1",
                "text": "2 w1",
                "latex": "2 w_{1}",
                "html": "2\u2009<i>w</i><sub>1</sub>",
            },
            {
                "variable": "w2",
                "text": "6 w2",
                "latex": "6 w_{2}",
                "html": "6\u2009<i>w</i><sub>2</sub>",
            },
        ]
    }
    assert surface_payload("x^2", printed=False)["partials"] is None
    assert surface_payload("x^2")["partials"] == partials_payload("x^2")["partials"]


def test_partials_sympy_cannot_work_out_quickly_are_not_available():
    shown = Surface("(2x)^(10^300) + y").printed()
    assert shown["text"] == "(2 x)^10^300 + y" or shown["text"].startswith("(2 x)^")
    assert [p["text"] for p in shown["partials"]] == ["(not available)"] * 2
