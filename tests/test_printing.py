"""printing.py: formula text, HTML and LaTeX for people."""

from __future__ import annotations

import pytest
from formula_strategies import SLOWEST_FOR_SYMPY, formulas
from hypothesis import assume, given, settings

from gradscape import Surface, parse
from gradscape.formula import FormulaError
from gradscape.printing import GREEK, printed, printed_tree, to_html, to_text, tree_text

_FORMULAS = [  # the same formulas test_program_derive.py differentiates
    "w1^2 + 3w2^2",
    "sin(x) cos(y)",
    "exp(-(x^2 + y^2)/2) x",
    "log(1 + x^2 + y^2)",
    "sqrt(1 + x^2) - atan(y)",
    "tanh(x y) + cosh(x/3)",
    "(x - 1)^3 / (1 + y^2)",
    "abs(x) + 2^y",
]


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


def test_html_keeps_a_visible_times_between_numbers():
    assert "2·3<sup>" in Surface("2*3^x + y").printed()["html"]


def test_a_partial_too_long_to_read_is_not_printed(monkeypatch):
    monkeypatch.setattr("gradscape.printing.MAX_SHOWN", 10)
    shown = Surface("sin(x) cos(y) exp(x y)").printed()
    assert shown["partials"][0]["text"] == "(too long to show)"


def test_printed_gives_text_latex_and_html_of_one_expression():
    assert printed(parse("2 w1").expr) == {
        "text": "2 w1",
        "latex": "2 w_{1}",
        "html": "2\u2009<i>w</i><sub>1</sub>",
    }


def test_every_greek_name_prints_as_its_letter():
    for name, letter in GREEK.items():
        assert to_html(parse(f"{name}1").expr) == f"<i>{letter}</i><sub>1</sub>"


# --- the formula as typed, from its parse tree ------------------------------------------------


def _shape(node):
    """A tree as nested tuples, numbers by value: what must survive printing and parsing."""
    return (node.kind, node.name, node.value, *(_shape(a) for a in node.args))


@pytest.mark.parametrize(
    ("formula", "text"),
    [
        ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"),
        ("w1^2 + 3w2^2", "w1^2 + 3 w2^2"),
        ("x*-y", "x*-y"),
        ("--x", "-(-x)"),
        ("2(x+1)", "2*(x + 1)"),
        ("x - (y - z)", "x - (y - z)"),
        ("(x - y) - z", "x - y - z"),
        ("x/(2y)", "x/(2 y)"),
        ("2^3^2", "2^3^2"),
        ("(2^3)^2", "(2^3)^2"),
        ("x^-2", "x^-2"),
        ("e^x", "e^x"),
        ("ln(x) + log(y)", "ln(x) + log(y)"),
        ("x/x", "x/x"),
        ("1e-300 x + .5", "1e-300 x + 0.5"),
    ],
)
def test_the_formula_prints_from_its_tree_as_typed(formula, text):
    assert tree_text(parse(formula).tree) == text


@pytest.mark.parametrize("formula", [*_FORMULAS, *SLOWEST_FOR_SYMPY])
def test_the_printed_tree_parses_back_to_the_same_tree(formula):
    tree = parse(formula).tree
    assert _shape(parse(tree_text(tree)).tree) == _shape(tree)


@settings(max_examples=200, deadline=None)
@given(formulas(max_leaves=8, max_terms=4))
def test_any_printed_tree_parses_back_to_the_same_tree(formula):
    try:
        tree = parse(formula).tree
    except FormulaError:
        assume(False)
        raise
    assert _shape(parse(tree_text(tree)).tree) == _shape(tree)


def test_tree_html_and_latex_print_the_same_formula():
    shown = printed_tree(parse("theta_1^2/sqrt(abs(x)) - 2*3^y").tree)
    assert shown["html"] == (
        "<i>θ</i><sub>1</sub><sup>2</sup>/sqrt(abs(<i>x</i>)) \u2212 2·3<sup><i>y</i></sup>"
    )
    assert shown["latex"] == r"\frac{\theta_{1}^{2}}{\sqrt{\left|x\right|}} - 2 \cdot 3^{y}"
