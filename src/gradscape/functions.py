"""The one table of the math gradscape knows.

Every function a user may type, and every operation a compiled *program* may contain, is a row
here. The parser (`formula.py`) reads `FUNCTIONS` to know which names may be called;
`program/build.py` reads `FUNCTIONS` to turn parse trees into ops (`program/oracle.py`, the
tests' SymPy path, reads `SYMPY_OPS`), `program/derive.py` folds constants with `OPS`, and
`program/run.py` runs `OPS` in NumPy; the browser evaluator (`static/core/evaluator.js`)
implements the same op names, and a test checks that both sides list exactly the same ops.

Adding a function is one row in `FUNCTIONS` (and its op in `OPS` and `evaluator.js` if new).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

Array = Any  # a float64 ndarray (or a NumPy float scalar)


@dataclass(frozen=True)
class Function:
    """A function of one argument that a user may type."""

    name: str  # as typed, e.g. "ln"
    sympy: Callable[[sympy.Expr], sympy.Expr]  # builds the SymPy expression
    op: str  # the program op that evaluates it
    doc: str  # one line for the README and the error messages


@dataclass(frozen=True)
class Op:
    """One operation of a compiled program: registers in, one register out."""

    name: str
    arity: int
    numpy: Callable[..., Array]


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function("sin", sympy.sin, "sin", "sine"),
        Function("cos", sympy.cos, "cos", "cosine"),
        Function("tan", sympy.tan, "tan", "tangent"),
        Function("asin", sympy.asin, "asin", "inverse sine"),
        Function("acos", sympy.acos, "acos", "inverse cosine"),
        Function("atan", sympy.atan, "atan", "inverse tangent"),
        Function("sinh", sympy.sinh, "sinh", "hyperbolic sine"),
        Function("cosh", sympy.cosh, "cosh", "hyperbolic cosine"),
        Function("tanh", sympy.tanh, "tanh", "hyperbolic tangent"),
        Function("exp", sympy.exp, "exp", "e to the power"),
        Function("log", sympy.log, "log", "natural logarithm"),
        Function("ln", sympy.log, "log", "natural logarithm (same as log)"),
        Function("sqrt", sympy.sqrt, "sqrt", "square root"),
        Function("abs", sympy.Abs, "abs", "absolute value"),
    )
}

CONSTANTS: dict[str, sympy.Expr] = {"pi": sympy.pi, "e": sympy.E}


def _powi(x: Array, n: Array) -> Array:
    """x**n for a whole n by repeated squaring: the browser runs the same loop, bit for bit."""
    n = int(n)
    base, result, k = x, np.ones_like(x), abs(n)
    while k:
        if k & 1:
            result = result * base
        k >>= 1
        if k:
            base = base * base
    return 1.0 / result if n < 0 else result


def _log(x: Array) -> Array:
    """log, undefined (NaN) at 0 as everywhere else outside its domain: log(0) is not a number,
    so exp(log(x)) is NaN at x = 0, not exp(-inf) = 0. The browser's `log` does the same."""
    return np.log(np.where(x == 0, np.nan, x))


OPS: dict[str, Op] = {
    op.name: op
    for op in (
        # leaves: ["x", i] is variable i, ["c", v] is the constant v
        Op("x", 1, lambda i: i),
        Op("c", 1, lambda v: v),
        Op("add", 2, np.add),
        Op("sub", 2, np.subtract),
        Op("mul", 2, np.multiply),
        Op("div", 2, np.divide),
        Op("neg", 1, np.negative),
        Op("pow", 2, np.power),  # any exponent; NaN for a negative base and a fractional exponent
        Op("powi", 2, _powi),  # ["powi", a, n]: n is a literal whole number, |n| <= 64
        Op("sin", 1, np.sin),
        Op("cos", 1, np.cos),
        Op("tan", 1, np.tan),
        Op("asin", 1, np.arcsin),
        Op("acos", 1, np.arccos),
        Op("atan", 1, np.arctan),
        Op("sinh", 1, np.sinh),
        Op("cosh", 1, np.cosh),
        Op("tanh", 1, np.tanh),
        Op("exp", 1, np.exp),
        Op("log", 1, _log),
        Op("sqrt", 1, np.sqrt),
        Op("abs", 1, np.abs),
        Op("sign", 1, np.sign),  # only in derivatives: d|x|/dx = sign(x)
    )
}

# SymPy function classes that may appear in an expression or its derivatives, and their ops.
SYMPY_OPS: dict[type, str] = {
    f.sympy: f.op for f in FUNCTIONS.values() if isinstance(f.sympy, type)
}
SYMPY_OPS[sympy.Abs] = "abs"
SYMPY_OPS[sympy.sign] = "sign"
