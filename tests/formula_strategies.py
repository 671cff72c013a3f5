"""Formulas generated from the grammar (hypothesis), for the tests and the compile benchmarks.

`formulas()` draws text the parser accepts most of the time: numbers of every form (whole,
decimal, exponent, radicals such as sqrt(2) and 3^(1/3)), constants, variables, the functions,
sums, products (typed and juxtaposed), quotients, signs and powers with whole, fractional,
decimal and variable exponents, nested a few levels, joined into formulas of up to 500
characters. It is the kind of input that made SymPy slow (issue 11). `SLOWEST_FOR_SYMPY` are
the slowest such formulas for the old SymPy path: regression fixtures, and the benchmark's set.
"""

from __future__ import annotations

from hypothesis import strategies as st

from gradscape.functions import FUNCTIONS

_NUMBERS = ["1", "2", "3", "5", "7", "10", "0.5", ".25", "1.5", "2.5e1", "1e-3", "0.1", "12"]
_NUMBERS += ["sqrt(2)", "sqrt(3)", "3^(1/3)", "(1/3)", "2^(2/5)", "(7/11)"]
_EXPONENTS = ["2", "3", "-1", "-2", "0.5", "1.5", "(1/3)", "(2/3)", "(-1/2)", "(3/7)", "x", "y"]
_EXPONENTS += ["(x/2)", "0.25", "4", "(5/3)", "e", "pi", "(1/2)", "(4/9)", "(-5/6)", "(2x)"]
_VARIABLES = ["x", "y", "x", "y", "pi", "e", "2x", "3y", "0.5x", "x y", "(x - y)", "(x + 1)"]

_leaf = st.one_of(st.sampled_from(_NUMBERS), st.sampled_from(_VARIABLES))


def _grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    group = inner.map(lambda t: f"({t})")
    return st.one_of(
        st.tuples(inner, st.sampled_from([" + ", " - ", "*", "/", " "]), group).map("".join),
        st.tuples(group, st.sampled_from(["^", "**"]), st.sampled_from(_EXPONENTS)).map("".join),
        st.tuples(st.sampled_from(list(FUNCTIONS)), group).map("".join),
        group.map(lambda t: f"-{t}"),
        st.tuples(st.sampled_from(["2", "3", "sqrt(2)", "pi", "e"]), st.just("^"), group).map(
            "".join
        ),
    )


def formulas(max_leaves: int = 12, max_terms: int = 12) -> st.SearchStrategy[str]:
    """Formula text from the grammar: a few parts joined by + - * /, at most 500 characters
    (the parser's limit)."""
    part = st.recursive(_leaf, _grow, max_leaves=max_leaves)
    more = st.lists(
        st.tuples(st.sampled_from([" + ", " - ", " * ", "/"]), part), max_size=max_terms
    )
    joined = st.tuples(part, more).map(lambda t: t[0] + "".join(f"{o}({p})" for o, p in t[1]))
    return joined.filter(lambda t: len(t) <= 500)


# The slowest accepted formulas found by fuzzing the old path (grammar-generated with hypothesis,
# `python benchmarks/compile_worst.py --search 2500`: 2,500 formulas, the slowest 36 timed again in
# fresh processes), with the time the old path took to compile each (parse, SymPy's reading, the
# SymPy-built program, printed partials) on this 2-core machine, load average ~10; in a
# long-running process they took up to 4 s. Timing belongs in benchmarks/compile_worst.py; the
# tests (test_program_tree.py) check that each compiles with an op count linear in its length and
# agrees with the oracle.
SLOWEST_FOR_SYMPY = [
    "abs(-((0.5)**e - (-(e)))) * (abs(-((0.5)**e - (-(e))))) - (-(-(sqrt(x y)))) * (abs(-((0.5)**e - (-(e))))) * (3^(-(3^((x - y)))))",  # noqa: E501  1050 ms
    "abs(-((0.5)**e - (-(e)))) - (log((cos((1/3)))^(4/9))) - (-(-(sqrt(x y)))) * (abs(-((0.5)**e - (-(e))))) * (3^(-(3^((x - y)))))",  # noqa: E501  607 ms
    "(x + 1) - (sqrt(2)) - (log((cos((1/3)))^(4/9))) - (-(-(sqrt(x y)))) - (abs(-((0.5)**e - (-(e))))) * (3^(-(2^((x - y)))))",  # noqa: E501  412 ms
    "-(7 (2)) * (-(1e-3/(5)))/(-(2^(10))) + (e^((.25)^(2/3))) + (-((1)**(1/3))*(-(-(0.5x)))) + ((((1/3))**(-1/2))^y)/(-(-(tanh(-(2.5e1))))) * (e^(-(cosh(2^(2/5))))) * (-(5)) * (-(-(-(2^(7))))) * (-(3^(-(exp((x + 1))))))",  # noqa: E501  307 ms
    "-(-(5/(y))) * (x*(y)) + (-(-((0.1)^(2x)))) - (-(-(-(-(1e-3))))) - (-(12)) - (-((((x - y))**(2x))^(x/2)))/((e^(pi - (0.5x)))^pi) - (-(log(-((x - y)))))/(-(12*(2^(2/5)))) - (-(2^(e))) - (sqrt(2)^(-(1)))/(-(-(-((x)^(3/7))))) - (-(.25 ((e)^-2)))",  # noqa: E501  209 ms
    "-(-(-(-(x y)))) * (-(2^(12))) * ((x - y) (x) + (atan(e))) - (2^(x) + (2^(2/5)))/(-(-(-(1.5))))/(-(-(1.5*(x)) - (atan(pi))))/((-(tanh(y)))**x)/(-(-((7/11))))/(-(-((1/3)))*(-(sqrt(2)^(3y))))",  # noqa: E501  184 ms
    "-(-(12/(0.1))) + (-(cos((1/3))))/(-(-(12))) * (-(-(x)))/(-(atan(12))) - (-(-((x - y)))) - (-(pi^(x y)))/(asin(-(abs((x - y))))) * (-(-(2))) * (-(7 (sqrt(3)) ((y)**(-1/2)))) * (x)/(-((-(abs((x - y))))^(-5/6))) - (ln((3^(1/3))**pi))",  # noqa: E501  155 ms
    "-(-(-(y))) * (-(x*(log(2)))) + (-(-(pi^(x))))/(-(tan((x)^(4/9)))) + (-(.25 + ((x - y)))) - (tanh(-(cos(12))))/(cos(((x + 1))^(3/7))) - (-(-(2x - ((x - y))))) * (sqrt(2)^(2x))/(pi^((x)^(3/7)))",  # noqa: E501  153 ms
    "(2x)**(5/3)/(-(tan(tanh(3))))/(-(-((2^(2/5))^y))) - (-(-(2^(e) (sqrt(2)^(3y))))) * (-(e*(2.5e1))) - ((x + 1)*(pi)) + (-(-(-(abs(5))))) * (-(-(((2x)^(5/3))**4))) + (-(sqrt(2)^(0.5x/(2x)))) - (-(-(2x + (10))))/(-(-(tan(5))))/(-(-((e)^x))) - (-(7))",  # noqa: E501  142 ms
    "-(-(sqrt(2)^(10))) - (-(1.5 (3y)*(ln((x - y))))) - (-(sqrt(2)^(10)))/(-(-(((x - y))**(2x) - (((x - y))^0.5))))/((-((x - y)))^(5/3)) * (-(-((7)^(2/3)))) + ((7)**0.25)/(12) + (tanh(-(2x - (sqrt(3)))))",  # noqa: E501  130 ms
    "-(-(cosh(sqrt((x + 1))))) * (-(abs(3y/(1.5)))) - (e^(-((cos(3y))^0.5))) * (-(-(sinh(pi))))/(e^(-((1e-3)**4))) - (-(-(pi^(sqrt(2))))) * (-(pi^(1e-3 ((1/3))))) * (-(-(-(ln(0.5))))) * (-(-(0.5 (3y))))",  # noqa: E501  118 ms
    "-(2x) + (cos(0.5)) * (-(-(((x + 1))**y/(cos(0.5x)))))/(-(-(-(abs(10))))) * (-(-(2^(x)))) - (-(-(sqrt(2)^(e)))) + (-((1/3) - (y)))/(-(-((1/3)))) * ((10)^(3/7)) + (-(-(1 (sqrt(3))/(sqrt(3)))))",  # noqa: E501  83 ms
]
