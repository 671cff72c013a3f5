"""cli/args.py: the formula, point and view a command reads, each refused in one line."""

from __future__ import annotations

import argparse

import numpy as np
import pytest

from gradscape.cli.args import UsageError, formula_text, parse_point, parse_view, variables


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
