"""printing.py: formula text, HTML and LaTeX for people."""

from __future__ import annotations

import pytest

from gradscape import Surface, parse
from gradscape.printing import GREEK, printed, to_html, to_text

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
