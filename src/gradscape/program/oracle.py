"""The old way to a program: through SymPy. Kept as the tests' oracle and the benchmarks'
baseline only; nothing on the way from text to program uses it.

    program = sympy_program(("x", "y"), parse("x^2 y").expr)

`SympyBuilder` emits ops for a SymPy expression as gradscape did before it built programs from
its own parse tree (build.py): SymPy's simplifications included (`x/x` is the constant 1), and
the same derivative rules (derive.py) applied to the ops.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from ..functions import SYMPY_OPS
from ..symbolic import symbol
from .build import Builder, CompileError, Program, prune
from .derive import differentiate


def sympy_program(variables: Sequence[str], value: sympy.Expr, hessian: bool = False) -> Program:
    """The program of a SymPy expression: value, gradient (and Hessian), as before issue 11."""
    builder = SympyBuilder(variables)
    out = builder.emit_sympy(value)
    gradient = differentiate(builder, out, len(variables))
    program: Program = {"variables": list(variables), "value": out, "gradient": gradient}
    if hessian:
        program["hessian"] = [differentiate(builder, g, len(variables)) for g in gradient]
    return prune(program, builder.ops)


class SympyBuilder(Builder):
    """Emit ops for SymPy expressions, sharing every subexpression already emitted."""

    def __init__(self, variables: Sequence[str]) -> None:
        super().__init__(variables)
        self.symbols = {symbol(v): i for i, v in enumerate(variables)}
        self.exprs: dict[sympy.Basic, int] = {}  # expression -> register

    def emit_sympy(self, expr: sympy.Basic) -> int:
        reg = self.exprs.get(expr)
        if reg is None:
            reg = self._build_sympy(expr)
            self.exprs[expr] = reg
        return reg

    def _build_sympy(self, expr: sympy.Basic) -> int:
        if expr.is_Symbol:
            return self.op("x", self.symbols[expr])
        if not expr.free_symbols:  # a constant: fold it
            value = complex(sympy.N(expr, 17))
            return self.const(value.real if value.imag == 0 else float("nan"))
        if expr.is_Add:
            return self._sum(expr.args)
        if expr.is_Mul:
            return self._product(expr)
        if expr.is_Pow:
            return self._power(*expr.as_base_exp())
        if isinstance(expr, sympy.exp):
            return self.op("exp", self.emit_sympy(expr.args[0]))
        op = SYMPY_OPS.get(type(expr))
        if op is not None:
            return self.op(op, self.emit_sympy(expr.args[0]))
        raise CompileError(f"gradscape cannot compile {type(expr).__name__} yet")

    def _sum(self, terms: Sequence[sympy.Basic]) -> int:
        positive = [t for t in terms if not t.could_extract_minus_sign()]
        negative = [-t for t in terms if t.could_extract_minus_sign()]
        if positive:
            reg = self.emit_sympy(positive[0])
            rest = positive[1:]
        else:
            reg = self.op("neg", self.emit_sympy(negative[0]))
            rest, negative = [], negative[1:]
        for t in rest:
            reg = self.op("add", reg, self.emit_sympy(t))
        for t in negative:
            reg = self.op("sub", reg, self.emit_sympy(t))
        return reg

    def _product(self, expr: sympy.Basic) -> int:
        coeff, factors = expr.as_coeff_mul()
        numer = [f for f in factors if not _is_reciprocal(f)]
        denom = [1 / f for f in factors if _is_reciprocal(f)]
        reg = self._chain(numer) if numer else None
        if denom:
            reg = self.op("div", reg if reg is not None else self.const(1.0), self._chain(denom))
        assert reg is not None
        if coeff == -1:
            return self.op("neg", reg)
        if coeff != 1:
            return self.op("mul", self.const(float(coeff)), reg)
        return reg

    def _chain(self, items: Sequence[sympy.Basic]) -> int:
        reg = self.emit_sympy(items[0])
        for item in items[1:]:
            reg = self.op("mul", reg, self.emit_sympy(item))
        return reg

    def _power(self, base: sympy.Basic, exp: sympy.Basic) -> int:
        if exp.is_Integer and abs(int(exp)) <= 64:
            n = int(exp)
            if n == -1:
                return self.op("div", self.const(1.0), self.emit_sympy(base))
            return self.op("powi", self.emit_sympy(base), n)
        if exp == sympy.S.Half:
            return self.op("sqrt", self.emit_sympy(base))
        if exp == -sympy.S.Half:
            return self.op("div", self.const(1.0), self.op("sqrt", self.emit_sympy(base)))
        return self.op("pow", self.emit_sympy(base), self.emit_sympy(exp))


def _is_reciprocal(factor: sympy.Basic) -> bool:
    return bool(factor.is_Pow and factor.exp.is_number and factor.exp.is_negative)


__all__ = ["SympyBuilder", "sympy_program"]
