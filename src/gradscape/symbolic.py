"""The SymPy reading of a parse tree: for printed partials, and as the tests' oracle.

    to_sympy(parse("x^2 + 3y").tree)     # x**2 + 3*y, a SymPy expression

Nothing here is on the way from text to program: a surface evaluates, grids and descends
without SymPy. SymPy simplifies as it reads (`x/x` is 1, `exp(log(x))` is x, `x - x + 1` is 1),
so its expression can differ from the formula where the formula is undefined; the program
follows the formula as typed, and SymPy's expression is only printed.

SymPy's exact arithmetic can be slow, so each part carries bounds on the bits of the exact
numbers SymPy will compute for it (powers multiply them) and on its algebraic degree. A constant
part over MAX_BITS or MAX_DEGREE, or a constant power with an exponent over MAX_EXACT_POWER,
becomes a sympy.Float of its float64 value; any other part over MAX_BITS, or x^(p/q) with p or q
over MAX_ROOT (SymPy's assumptions slow down), raises SymbolicError: the formula still works,
only its SymPy form (and so its printed partials) is not available.
"""

from __future__ import annotations

import contextlib
import math
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import sympy

from .functions import CONSTANTS, FUNCTIONS

if TYPE_CHECKING:
    from .tree import Node

MAX_BITS = 8192  # ~2500 digits: quick to compute, and under Python's 4300-digit str() limit
MAX_DEGREE = 64  # sqrt(2) + sqrt(3) + ... beyond this, SymPy's minimal polynomials get slow
MAX_EXACT_POWER = 1024
MAX_ROOT = 1000


class SymbolicError(ValueError):
    """The formula is fine, but SymPy's exact form of it would take too long to work out."""


@contextlib.contextmanager
def cpu_deadline(seconds: float | None) -> Iterator[None]:
    """SymPy work in this block stops with SymbolicError after `seconds` of this process's CPU.

    For a host that must answer quickly whatever SymPy does (the server's compile workers). It
    counts user CPU time (ITIMER_VIRTUAL), so a loaded machine does not cut off a quick job. It
    needs signals, so it applies only in the main thread; elsewhere, or with None, there is no
    deadline. SymPy's caches hold only finished results, so an interrupted job leaves them sound.
    """
    if seconds is None or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise _Expired  # not an Exception: SymPy's own `except ValueError` cannot swallow it

    previous = signal.signal(signal.SIGVTALRM, expire)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds, 0.05)  # and again every 50 ms, to be sure
    try:
        yield
    except _Expired:
        raise SymbolicError(f"SymPy took over {seconds:g} s of CPU") from None
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


class _Expired(BaseException):
    """cpu_deadline's signal, turned into SymbolicError where the block ends."""


def symbol(name: str) -> sympy.Symbol:
    """The one way variables are made: every variable is real."""
    return sympy.Symbol(name, real=True)


@dataclass(frozen=True)
class _Exact:
    expr: sympy.Expr
    value: float | None = None  # its float64 value, when it is a constant
    bits: float = 0.0  # bound on the bits of the exact numbers SymPy computes for it
    degree: float = 1.0  # bound on its algebraic degree as a number: sqrt(2) + sqrt(3) has 4


def _inexact(part: _Exact) -> _Exact:
    assert part.value is not None
    return replace(part, expr=sympy.Float(part.value), bits=64.0, degree=1.0)


def _big(n: int) -> float:
    return float(min(abs(n), 10**300))


def _growth(exponent: sympy.Expr) -> float:
    """How far SymPy may raise a number because of this exponent: its largest number."""
    if exponent.is_Rational:
        return _big(exponent.p)
    return max([1.0, *(min(abs(float(n)), 1e300) for n in exponent.atoms(sympy.Number))])


def _log_growth(expr: sympy.Expr) -> float:
    """How far SymPy may raise numbers: exp(n*log(r)) becomes r**n, computed exactly."""
    return _growth(expr) if expr.has(sympy.log) else 1.0


def partials(expr: sympy.Expr, variables: tuple[str, ...]) -> tuple[sympy.Expr, ...]:
    """SymPy's partial derivatives of `expr` by each variable (real), simplified as SymPy does:
    what a readout prints. |u|' is sign(u) u', as in program/derive.py."""
    real = expr.replace(sympy.Abs, _RealAbs)
    return tuple(sympy.diff(real, symbol(v)).replace(_RealAbs, sympy.Abs) for v in variables)


def undefined(expr: sympy.Expr) -> bool:
    """Whether SymPy's reading has an undefined or infinite part (zoo, nan, oo): it then reads
    the formula differently from how it is typed, so it is not worth printing."""
    return bool(expr.has(*_UNDEFINED))


_UNDEFINED = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)


class _RealAbs(sympy.Function):
    """|u| for real u. SymPy's Abs allows a complex u, so its derivative brings re, im and
    atan2 into the printed partials; for real u the derivative is sign(u), as in program/derive."""

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return sympy.sign(self.args[0])


def to_sympy(tree: Node) -> sympy.Expr:
    """The tree as a SymPy expression (variables real), each shared part read once.

    Raises SymbolicError where SymPy's exact arithmetic would be too slow (see the module)."""
    memo: dict[int, _Exact] = {}

    def read(node: Node) -> _Exact:
        part = memo.get(id(node))
        if part is None:
            part = _read(node, [read(a) for a in node.args])
            memo[id(node)] = part
        return part

    return read(tree).expr


def _read(node: Node, args: list[_Exact]) -> _Exact:
    kind = node.kind
    if kind == "num":
        exact = node.number
        assert exact is not None
        bits = float(exact.numerator.bit_length() + exact.denominator.bit_length())
        return _Exact(sympy.Rational(exact.numerator, exact.denominator), node.value, bits)
    if kind == "const":
        return _Exact(CONSTANTS[node.name], node.value)
    if kind == "var":
        return _Exact(symbol(node.name))
    if kind == "neg":
        (a,) = args
        return replace(a, expr=-a.expr, value=node.value)
    if kind == "pow":
        base, exponent = args
        exp = exponent.expr
        # SymPy computes r**p for r**(p/q) (then takes roots), c**n for (c*x)**n, and may split
        # r**(n + x) into r**n * r**x; it leaves (x + 1)**n alone
        growth = 1.0 if base.value is None and base.expr.is_Add else _growth(exp)
        log_growth = _log_growth(exp)
        bits = base.bits * max(growth, log_growth) + exponent.bits * log_growth
        degree = base.degree * exponent.degree * (_big(exp.q) if exp.is_Rational else 1.0)
        if (
            node.value is not None
            and exponent.value is not None
            and abs(exponent.value) > (MAX_EXACT_POWER)
        ):
            bits = math.inf  # so it becomes a Float
        part = _Exact(sympy.S.Zero, node.value, bits, degree)
        return _make(part, lambda: base.expr**exp)
    if kind == "call":
        (a,) = args
        part = _Exact(sympy.S.Zero, node.value, a.bits * _log_growth(a.expr), a.degree)
        function = FUNCTIONS[node.name].sympy
        return _make(part, lambda: function(a.expr))
    a, b = args
    part = _Exact(sympy.S.Zero, node.value, a.bits + b.bits, a.degree * b.degree)
    if kind == "add":
        return _make(part, lambda: a.expr + b.expr)
    if kind == "sub":
        return _make(part, lambda: a.expr - b.expr)
    if kind == "mul":
        return _make(part, lambda: a.expr * b.expr)
    return _make(part, lambda: a.expr / b.expr)


def _make(part: _Exact, build: object) -> _Exact:
    """The part with its SymPy expression, unless exact arithmetic would be slow: then a
    constant gets a sympy.Float of its float64 value, and anything else is refused."""
    if part.value is not None and (part.bits > MAX_BITS or part.degree > MAX_DEGREE):
        return _inexact(part)
    if part.bits > MAX_BITS:
        raise SymbolicError("This formula makes numbers too large for SymPy to work out exactly")
    try:
        expr = build()  # type: ignore[operator]
    except Exception as err:  # SymPy has bugs on exotic input
        raise SymbolicError("SymPy cannot work out this formula") from err
    part = replace(part, expr=expr)
    if part.value is None and expr.is_number:  # SymPy reduced it to a number (x - x + 1)
        try:
            value = complex(expr)
        except (TypeError, ValueError, OverflowError):
            value = complex(math.nan)
        if value.imag == 0 and math.isfinite(value.real):
            part = replace(part, value=value.real)
    if part.value is not None:  # measure: SymPy writes cos(pi/120) as a page of roots
        roots = [p.exp.q for p in expr.atoms(sympy.Pow) if p.exp.is_Rational]
        part = replace(part, degree=math.prod(map(_big, roots)))
        return _inexact(part) if part.degree > MAX_DEGREE else part
    # SymPy's assumptions about x**(p/q) take time growing with p (a gcd of degree p)
    for sub in (expr, *expr.args, *(b for a in expr.args for b in a.args)):
        exp = sub.exp if sub.is_Pow else sympy.S.One
        if not exp.is_Integer and exp.is_Rational and max(abs(exp.p), exp.q) > MAX_ROOT:
            raise SymbolicError("This formula's exponents are too complicated for SymPy")
    return part


__all__ = ["MAX_BITS", "MAX_DEGREE", "MAX_EXACT_POWER", "MAX_ROOT", "SymbolicError", "symbol"]
__all__ += ["partials", "to_sympy", "undefined"]
