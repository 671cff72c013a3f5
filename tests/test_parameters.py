"""parameters.py: which variables are axes, and numbers bound in for the rest (`--param`)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from gradscape import Surface
from gradscape.formula import parse
from gradscape.parameters import MAX_PARAMETERS, axes_and_parameters, bind, parse_param
from gradscape.payload import surface_payload
from gradscape.program import run_program


@pytest.mark.parametrize(
    ("names", "axes", "rest"),
    [
        (("a", "x", "y"), ("x", "y"), ("a",)),
        (("a", "b", "w1", "w2"), ("w1", "w2"), ("a", "b")),
        (("a", "b", "c"), ("a", "b"), ("c",)),
        (("a", "w1", "x"), ("a", "w1"), ("x",)),  # no pair: the first two
        (("x", "y"), ("x", "y"), ()),
        (("x",), ("x",), ()),
    ],
)
def test_axes_are_x_y_then_w1_w2_then_the_first_two(names, axes, rest):
    assert axes_and_parameters(names) == (axes, rest)


def test_too_many_parameters_are_refused_in_one_line():
    names = (*(f"p{i}" for i in range(MAX_PARAMETERS + 1)), "x", "y")
    with pytest.raises(ValueError, match=r"^This formula has 11 variables: .* at most 8"):
        axes_and_parameters(names)
    with pytest.raises(ValueError, match="at most 8"):
        surface_payload(" + ".join(names))


def test_parse_param_reads_name_equals_number():
    assert parse_param("a=2") == ("a", 2.0)
    assert parse_param(" beta = -0.5 ") == ("beta", -0.5)
    for bad in ("a", "a=", "=2", "a=x", "a=nan", "a=inf"):
        with pytest.raises(ValueError, match=r"^--param needs NAME=NUMBER"):
            parse_param(bad)


def test_bind_puts_the_number_in_the_tree_and_drops_the_variable():
    bound = bind(parse("a*x^2 + y^2"), {"a": 2.0})
    assert bound.variables == ("x", "y")
    s = Surface.from_parsed("a*x^2 + y^2", bound)
    assert s.value((1.5, -1.0)) == 2 * 1.5**2 + 1
    np.testing.assert_array_equal(s.gradient((1.5, -1.0)), [6.0, -2.0])


def test_a_negative_parameter_is_a_negated_number_everywhere():
    s = Surface("x^a + b*y", params={"a": -2.0, "b": -0.5})
    assert s.value((2.0, 4.0)) == 0.25 - 2.0
    assert s.printed_formula()["text"].count("-") == 2
    with pytest.raises(ValueError, match="no variable 'c'"):
        Surface("a*x", params={"c": 1.0})


def test_bound_values_equal_the_program_with_the_parameter_as_an_input():
    """The browser binds a slider into the explorer's program; Python binds into the tree: the
    two agree to the last bit on these formulas."""
    rng = np.random.default_rng(3)
    for formula in ("a*x^2 + y^2", "sin(a*x) * cos(y) + b*x*y", "(1 - x)^2 + a*(y - x^2)^2"):
        program = surface_payload(formula)["program"]
        names = program["variables"][2:]
        for _ in range(10):
            values = {n: float(rng.uniform(-3, 3)) for n in names}
            x, y = (float(v) for v in rng.uniform(-2, 2, 2))
            value, grad, _ = run_program(program, [x, y, *values.values()])
            s = Surface(formula, variables=("x", "y"), params=values)
            got_value, got_grad = s.value_and_gradient((x, y))
            assert abs(got_value - float(value)) <= 1e-12 * max(1, abs(float(value)))
            np.testing.assert_allclose(got_grad, [float(g) for g in grad[:2]], rtol=1e-12)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gradscape.cli", *args], capture_output=True, text=True, timeout=60
    )


def test_grad_and_descend_take_param():
    r = run("grad", "a*x^2 + y^2", "--at", "1,2", "--param", "a=3", "--json")
    assert r.returncode == 0, r.stderr
    assert '"gradient": [6.0, 4.0]' in r.stdout
    r = run("descend", "a*x^2 + y^2", "--from", "1,1", "--param", "a=0.5", "--steps", "3")
    assert r.returncode == 0, r.stderr
    bad = run("grad", "a*x^2 + y^2", "--at", "1,2", "--param", "a=1", "--param", "a=2")
    assert bad.returncode == 2 and "given twice" in bad.stderr


def test_plot_takes_param_and_says_so_without(tmp_path):
    out = tmp_path / "a.png"
    r = run("plot", "a*x^2 + y^2", "--param", "a=0.5", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert out.stat().st_size > 1000
    r = run("plot", "a*x^2 + y^2", "-o", str(out))
    assert r.returncode == 2 and "--param a=1" in r.stderr
