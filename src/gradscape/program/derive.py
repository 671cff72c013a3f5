"""Differentiating a program: one exact rule per op, applied in reverse (adjoint) order.

`differentiate(builder, output, n)` walks the ops from `output` back to the variables and hands
each op's adjoint to its arguments through its rule in `RULES`, emitting the partials as more ops
of the same builder, so work the value already does (exp(-r) in Ackley) is shared, not redone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..functions import OPS
from .build import Builder


class _Algebra:
    """Emit ops with the obvious simplifications (x*1, --x, constants folded)."""

    def __init__(self, builder: Builder) -> None:
        self.b = builder
        self.one = builder.const(1.0)

    def _constant(self, reg: int) -> float | None:
        op = self.b.ops[reg]
        return op[1] if op[0] == "c" else None

    def const(self, value: float) -> int:
        return self.b.const(value)

    def op(self, name: str, *args: int) -> int:
        registers = args[:1] if name == "powi" else args  # powi's second argument is a literal
        values = [self._constant(a) for a in registers]
        if all(v is not None for v in values):  # fold, with the very op the program would run
            with np.errstate(all="ignore"):
                folded = float(OPS[name].numpy(*values, *args[len(registers) :]))
            if np.isfinite(folded):
                return self.b.const(folded)
        return self.b.op(name, *args)

    def mul(self, a: int, b: int) -> int:
        if a == self.one:
            return b
        if b == self.one:
            return a
        ca, cb = self._constant(a), self._constant(b)
        if ca is None and cb is not None:  # constants first, so they can meet and fold
            return self.mul(b, a)
        inner = self.b.ops[b]
        if ca is not None and inner[0] == "mul" and self._constant(inner[1]) is not None:
            return self.mul(self.op("mul", a, inner[1]), inner[2])  # c1 (c2 x) = (c1 c2) x
        if self.b.ops[a][0] == "neg":  # (-a) b = -(a b)
            return self.neg(self.mul(self.b.ops[a][1], b))
        if self.b.ops[b][0] == "neg":
            return self.neg(self.mul(a, self.b.ops[b][1]))
        return self.op("mul", a, b)

    def div(self, a: int, b: int) -> int:
        return a if b == self.one else self.op("div", a, b)

    def neg(self, a: int) -> int:
        return self.b.ops[a][1] if self.b.ops[a][0] == "neg" else self.op("neg", a)

    def add(self, a: int, b: int) -> int:
        if self.b.ops[b][0] == "neg":  # a + (-b) = a - b
            return self.op("sub", a, self.b.ops[b][1])
        return self.op("add", a, b)


# d(op)/d(arg) times the adjoint g, for each argument: (argument position, contribution).
# `r` is the op's own register (its value), so exp' = exp and tanh' = 1 - tanh^2 reuse it.
_Rule = Callable[[_Algebra, int, list[Any], int], list[tuple[int, int]]]


def _unary(derivative: Callable[[_Algebra, int, int], int]) -> _Rule:
    return lambda m, r, args, g: [(args[0], m.mul(g, derivative(m, args[0], r)))]


def _square(m: _Algebra, a: int) -> int:
    return m.op("mul", a, a)


def _pow_rule(m: _Algebra, r: int, args: list[Any], g: int) -> list[tuple[int, int]]:
    a, b = args
    out = [(a, m.mul(g, m.mul(b, m.op("pow", a, m.op("sub", b, m.one)))))]
    return [*out, (b, m.mul(g, m.mul(r, m.op("log", a))))]


def _powi_rule(m: _Algebra, r: int, args: list[Any], g: int) -> list[tuple[int, int]]:
    a, n = args
    lower = m.one if n == 1 else a if n == 2 else m.op("powi", a, n - 1)
    return [(a, m.mul(g, m.mul(m.const(float(n)), lower)))]


RULES: dict[str, _Rule] = {
    "add": lambda m, r, args, g: [(args[0], g), (args[1], g)],
    "sub": lambda m, r, args, g: [(args[0], g), (args[1], m.neg(g))],
    "mul": lambda m, r, args, g: [(args[0], m.mul(g, args[1])), (args[1], m.mul(g, args[0]))],
    "div": lambda m, r, args, g: [
        (args[0], m.div(g, args[1])),
        (args[1], m.neg(m.mul(g, m.div(r, args[1])))),  # d(a/b)/db = -(a/b)/b
    ],
    "neg": lambda m, r, args, g: [(args[0], m.neg(g))],
    "pow": _pow_rule,
    "powi": _powi_rule,
    "sin": _unary(lambda m, a, r: m.op("cos", a)),
    "cos": _unary(lambda m, a, r: m.neg(m.op("sin", a))),
    "tan": _unary(lambda m, a, r: m.op("add", m.one, _square(m, r))),
    "asin": _unary(lambda m, a, r: m.div(m.one, m.op("sqrt", m.op("sub", m.one, _square(m, a))))),
    "acos": _unary(
        lambda m, a, r: m.neg(m.div(m.one, m.op("sqrt", m.op("sub", m.one, _square(m, a)))))
    ),
    "atan": _unary(lambda m, a, r: m.div(m.one, m.op("add", m.one, _square(m, a)))),
    "sinh": _unary(lambda m, a, r: m.op("cosh", a)),
    "cosh": _unary(lambda m, a, r: m.op("sinh", a)),
    "tanh": _unary(lambda m, a, r: m.op("sub", m.one, _square(m, r))),
    "exp": _unary(lambda m, a, r: r),
    "log": _unary(lambda m, a, r: m.div(m.one, a)),
    "sqrt": _unary(lambda m, a, r: m.div(m.one, m.op("mul", m.const(2.0), r))),
    "abs": _unary(lambda m, a, r: m.op("sign", a)),
    "sign": lambda m, r, args, g: [],  # flat wherever it is differentiable
}


def differentiate(builder: Builder, output: int, n_variables: int) -> list[int]:
    """Registers holding d(output)/d(variable i), appended to the builder's program.

    Reverse accumulation: walk the ops from `output` back to the variables, handing each op's
    adjoint to its arguments through its rule. Only ops that depend on a variable take part.
    """
    ops = builder.ops
    depends = [False] * (output + 1)
    for i in range(output + 1):
        op, *args = ops[i]
        depends[i] = op == "x" or (op not in ("c", "powi") and any(depends[a] for a in args))
        if op == "powi":
            depends[i] = depends[args[0]]
    m = _Algebra(builder)
    adjoint: dict[int, int] = {output: m.one}
    for i in range(output, -1, -1):
        g = adjoint.get(i)
        if g is None or not depends[i] or ops[i][0] == "x":
            continue
        name, *args = ops[i]
        for arg, contribution in RULES[name](m, i, args, g):
            if depends[arg]:
                adjoint[arg] = m.add(adjoint[arg], contribution) if arg in adjoint else contribution
    zero = builder.const(0.0)
    registers = {op[1]: i for i, op in enumerate(ops[: output + 1]) if op[0] == "x"}
    return [adjoint.get(registers.get(k, -1), zero) for k in range(n_variables)]
