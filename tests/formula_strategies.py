"""Formulas generated from the grammar (hypothesis), for the tests and the compile benchmarks.

`formulas()` draws text the parser accepts most of the time: numbers of every form (whole,
decimal, exponent, radicals such as sqrt(2) and 3^(1/3)), constants, variables, the functions,
sums, products (typed and juxtaposed), quotients, signs and powers with whole, fractional,
decimal and variable exponents, nested a few levels, joined into formulas of up to 500
characters. It is the kind of input that made SymPy slow (issue 11).
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
