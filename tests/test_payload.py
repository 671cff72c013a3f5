"""payload.py: the surface as the front end receives it, parsed once, and its refusals."""

from __future__ import annotations

import pytest

from gradscape import formula
from gradscape.formula import FormulaError
from gradscape.payload import error_payload, explorer_variables, surface_payload
from gradscape.program import CompileError


@pytest.mark.parametrize("text", ["x^2 + 3y^2", "x^2", "rosenbrock", "3"])
def test_a_payload_parses_its_formula_once(parses, text):  # parses: see conftest.py
    surface_payload(text)
    assert len(parses) == 1


def test_the_parse_counter_sees_the_parser(parses):
    formula.parse("x")  # the module's own name is wrapped too: the counter is not vacuous
    assert parses == ["x"]


def test_a_formula_in_one_variable_is_padded_with_an_unused_second():
    payload = surface_payload("w1^2")
    assert payload["variables"] == ["w1", "w2"]
    assert [p["text"] for p in payload["partials"]] == ["2 w1", "0"]
    assert explorer_variables(()) == ("x", "y")
    assert explorer_variables(("y",)) == ("y", "x")


def test_variables_past_two_are_parameters_after_the_axes():
    payload = surface_payload("x + y + z")
    assert payload["variables"] == ["x", "y"]
    assert payload["parameters"] == ["z"]
    assert payload["program"]["variables"] == ["x", "y", "z"]
    assert len(payload["partials"]) == 3
    assert surface_payload("x^2")["parameters"] == []
    # the caller's order is kept: the first two are the axes
    assert surface_payload("a*x + y", ["y", "a", "x"])["variables"] == ["y", "a"]


def test_error_payload_gives_a_formula_errors_message_and_column():
    assert error_payload(FormulaError("Unknown function 'foo'", 4)) == {
        "error": "Unknown function 'foo'",
        "column": 4,
    }


def test_error_payload_gives_other_errors_first_line_and_no_column():
    assert error_payload(CompileError("too big\nmore")) == {"error": "too big", "column": None}
    assert error_payload(RecursionError()) == {
        "error": "This formula cannot be compiled",
        "column": None,
    }


def test_a_name_that_looks_like_a_product_and_a_one_variable_formula_get_a_hint() -> None:
    from gradscape.formula import name_hint

    assert "x*y" in (surface_payload("xy + 1")["hint"] or "")
    assert "alone" in (surface_payload("sin(t)")["hint"] or "")
    assert surface_payload("x y + 1")["hint"] is None
    assert surface_payload("rosenbrock")["hint"] is None
    assert name_hint(["theta", "w1"]) is None and name_hint(["ab"]) is not None
