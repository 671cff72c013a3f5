"""Building a program's ops from SymPy expressions, each subexpression once; pruning unused ops.

`Builder.emit(expr)` returns the register holding `expr`, emitting ops for whatever part of it
has not been emitted yet (hash-consing on the expression and on every op). `derive.py` appends
the partials to the same builder; `prune` then keeps only the ops an output needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import sympy

from ..functions import SYMPY_OPS

Program = dict[str, Any]  # {"variables", "value", "gradient", ["hessian"], "ops"}: see __init__

MAX_OPS = 20_000  # a program longer than this is refused: its derivatives have exploded


class CompileError(ValueError):
    """The formula parsed, but its derivatives are too large to build into a program."""


class Builder:
    """Emit ops for SymPy expressions, sharing every subexpression already emitted."""

    def __init__(self, variables: Sequence[sympy.Symbol]) -> None:
        self.index = {v: i for i, v in enumerate(variables)}
        self.ops: list[list[Any]] = []
        self.memo: dict[sympy.Basic, int] = {}  # expression -> register
        self.seen: dict[tuple[Any, ...], int] = {}  # op -> register, so no op is emitted twice

    def emit(self, expr: sympy.Basic) -> int:
        reg = self.memo.get(expr)
        if reg is None:
            reg = self._build(expr)
            self.memo[expr] = reg
        return reg

    def op(self, *op: Any) -> int:
        """The register of `op` (name, arguments), emitting it unless it already was."""
        reg = self.seen.get(op)
        if reg is None:
            if len(self.ops) >= MAX_OPS:
                raise CompileError(
                    f"This formula's derivatives need over {MAX_OPS} operations; "
                    "try a shorter formula"
                )
            self.ops.append(list(op))
            reg = len(self.ops) - 1
            self.seen[op] = reg
        return reg

    def const(self, value: float) -> int:
        if not np.isfinite(value):  # JSON has no NaN: build it as 0/0, which both sides agree on
            return self.op("div", self.const(0.0), self.const(0.0))
        return self.op("c", float(value))

    def _build(self, expr: sympy.Basic) -> int:
        if expr.is_Symbol:
            return self.op("x", self.index[expr])
        if not expr.free_symbols:  # a constant: fold it (the parser made sure it is finite)
            value = complex(sympy.N(expr, 17))
            return self.const(value.real if value.imag == 0 else float("nan"))
        if expr.is_Add:
            return self._sum(expr.args)
        if expr.is_Mul:
            return self._product(expr)
        if expr.is_Pow:
            return self._power(*expr.as_base_exp())
        if isinstance(expr, sympy.exp):
            return self.op("exp", self.emit(expr.args[0]))
        op = SYMPY_OPS.get(type(expr))
        if op is not None:
            return self.op(op, self.emit(expr.args[0]))
        raise CompileError(f"gradscape cannot compile {type(expr).__name__} yet")

    def _sum(self, terms: Sequence[sympy.Basic]) -> int:
        # a + (-b) becomes a - b: fewer ops, and the program reads like the formula
        positive = [t for t in terms if not t.could_extract_minus_sign()]
        negative = [-t for t in terms if t.could_extract_minus_sign()]
        if positive:
            reg = self.emit(positive[0])
            rest = positive[1:]
        else:
            reg = self.op("neg", self.emit(negative[0]))
            rest, negative = [], negative[1:]
        for t in rest:
            reg = self.op("add", reg, self.emit(t))
        for t in negative:
            reg = self.op("sub", reg, self.emit(t))
        return reg

    def _product(self, expr: sympy.Basic) -> int:
        coeff, factors = expr.as_coeff_mul()
        numer = [f for f in factors if not _is_reciprocal(f)]
        denom = [1 / f for f in factors if _is_reciprocal(f)]
        reg = self._chain("mul", numer) if numer else None
        if denom:
            reg = self.op(
                "div", reg if reg is not None else self.const(1.0), self._chain("mul", denom)
            )
        assert reg is not None
        if coeff == -1:
            return self.op("neg", reg)
        if coeff != 1:
            return self.op("mul", self.const(float(coeff)), reg)
        return reg

    def _chain(self, op: str, items: Sequence[sympy.Basic]) -> int:
        reg = self.emit(items[0])
        for item in items[1:]:
            reg = self.op(op, reg, self.emit(item))
        return reg

    def _power(self, base: sympy.Basic, exp: sympy.Basic) -> int:
        if exp.is_Integer and abs(int(exp)) <= 64:
            n = int(exp)
            if n == -1:
                return self.op("div", self.const(1.0), self.emit(base))
            return self.op("powi", self.emit(base), n)
        if exp == sympy.S.Half:
            return self.op("sqrt", self.emit(base))
        if exp == -sympy.S.Half:
            return self.op("div", self.const(1.0), self.op("sqrt", self.emit(base)))
        return self.op("pow", self.emit(base), self.emit(exp))


def _is_reciprocal(factor: sympy.Basic) -> bool:
    return bool(factor.is_Pow and factor.exp.is_number and factor.exp.is_negative)


def prune(program: Program, ops: list[list[Any]]) -> Program:
    """Keep only the ops an output needs (differentiation leaves some unused), renumbered."""
    hessian = [h for row in program.get("hessian", []) for h in row]
    outputs = [program["value"], *program["gradient"], *hessian]
    needed = [False] * len(ops)
    for reg in outputs:
        needed[reg] = True
    for i in range(len(ops) - 1, -1, -1):
        if needed[i] and ops[i][0] not in ("x", "c"):
            for a in ops[i][1:3] if ops[i][0] != "powi" else ops[i][1:2]:
                needed[a] = True
    new = {old: k for k, old in enumerate(i for i in range(len(ops)) if needed[i])}
    kept = []
    for i, (name, *args) in enumerate(ops):
        if needed[i]:
            if name == "powi":
                args = [new[args[0]], args[1]]
            elif name not in ("x", "c"):
                args = [new[a] for a in args]
            kept.append([name, *args])
    out: Program = {
        "variables": program["variables"],
        "value": new[program["value"]],
        "gradient": [new[g] for g in program["gradient"]],
    }
    if "hessian" in program:
        out["hessian"] = [[new[h] for h in row] for row in program["hessian"]]
    out["ops"] = kept
    return out
