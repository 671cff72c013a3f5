"""cli/args.py: the formula, point and view a command reads, each refused in one line."""

from __future__ import annotations

import argparse

import numpy as np
import pytest

from gradscape.cli.args import (
    UsageError,
    formula_text,
    gallery_hint,
    optimizer_name,
    parse_point,
    parse_view,
    variables,
)


def test_a_view_is_two_ranges():
    assert parse_view("-2,2,-1,3") == ((-2.0, 2.0), (-1.0, 3.0))
    assert parse_view(" -2, 2, -1, 3 ") == ((-2.0, 2.0), (-1.0, 3.0))


@pytest.mark.parametrize(
    "text", ["1,2,3", "a,b,c,d", "2,1,0,1", "0,1,1,1", "0,1e-10,0,1", "0,1e13,0,1", "0,inf,0,1"]
)
def test_a_bad_view_says_what_a_view_is(text):
    with pytest.raises(UsageError, match=r"^--view takes XMIN,XMAX,YMIN,YMAX with min < max"):
        parse_view(text)


def test_a_point_has_one_finite_number_per_variable():
    np.testing.assert_array_equal(parse_point("3, -1", ("x", "y"), "--at"), [3.0, -1.0])
    with pytest.raises(UsageError, match=r"--from needs 2 finite numbers \(x, y\); got '1'"):
        parse_point("1", ("x", "y"), "--from")
    with pytest.raises(UsageError, match="--at takes numbers separated by commas"):
        parse_point("a,b", ("x", "y"), "--at")
    with pytest.raises(UsageError, match="finite"):
        parse_point("nan,1", ("x", "y"), "--at")


def test_a_gallery_name_becomes_its_formula_and_spaces_protecting_a_minus_go():
    ns = argparse.Namespace(formula=" Rosenbrock", variables=None)
    text, entry = formula_text(ns)
    assert entry is not None and entry.name == "rosenbrock"
    assert text == ns.formula == entry.formula
    ns = argparse.Namespace(formula=" -x^2", variables="y, x")
    assert formula_text(ns) == ("-x^2", None)
    assert variables(ns) == ["y", "x"]


def test_one_variable_asks_for_one_finite_number_in_the_singular():
    with pytest.raises(UsageError, match=r"^--at needs 1 finite number \(x\); got '1,2'$"):
        parse_point("1,2", ("x",), "--at")


def test_a_point_of_the_wrong_length_for_a_misspelt_gallery_name_suggests_the_name():
    with pytest.raises(UsageError, match=r"'himmelblu' is not a gallery name: did you mean"):
        parse_point("1,2", ("himmelblu",), "--at", typed="himmelblu")
    with pytest.raises(UsageError, match=r"\('qq' is read as a variable: it is not a gallery"):
        parse_point("1,2", ("qq",), "--at", typed="qq")


def test_a_formula_that_is_not_one_bare_name_gets_no_gallery_hint():
    assert gallery_hint("x + y") == "" and gallery_hint(None) == ""


def test_optimizer_names_fold_to_lower_case():
    assert optimizer_name(" Adam ") == "adam" and optimizer_name("RMSPROP") == "rmsprop"
