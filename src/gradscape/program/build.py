"""Building a program's ops from the parse tree, each part once; pruning unused ops.

`Builder.emit(node)` returns the register holding a parse-tree node, emitting ops for whatever
part of it has not been emitted yet (hash-consing on the node and on every op), in time linear in
the tree: one op per distinct node, following the formula as typed. A constant part is one
constant op (its float64 value, from the parser). `derive.py` appends the partials to the same
builder; `prune` then keeps only the ops an output needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..functions import FUNCTIONS
from ..tree import Node

Program = dict[str, Any]  # {"variables", "value", "gradient", ["hessian"], "ops"}: see __init__

MAX_OPS = 20_000  # a program longer than this is refused: its derivatives have exploded

_ARITHMETIC = {"add": "add", "sub": "sub", "mul": "mul", "div": "div"}


class CompileError(ValueError):
    """The formula parsed, but its derivatives are too large to build into a program."""


class Builder:
    """Emit ops for parse trees, sharing every part and every op already emitted."""

    def __init__(self, variables: Sequence[str]) -> None:
        self.index = {v: i for i, v in enumerate(variables)}
        self.ops: list[list[Any]] = []
        self.memo: dict[int, int] = {}  # id(node) -> register
        self.keep: list[Node] = []  # the nodes memo refers to, so their ids stay theirs
        self.seen: dict[tuple[Any, ...], int] = {}  # op -> register, so no op is emitted twice

    def emit(self, node: Node) -> int:
        """The register holding `node`'s value. Iterative, so depth never limits it."""
        stack = [node]
        while stack:
            top = stack[-1]
            if top.value is not None or id(top) in self.memo:
                stack.pop()
                continue
            pending = [a for a in top.args if a.value is None and id(a) not in self.memo]
            if pending:
                stack.extend(reversed(pending))  # left first: the program reads as typed
                continue
            stack.pop()
            self.memo[id(top)] = self._build(top)
            self.keep.append(top)
        return self._register(node)

    def _register(self, node: Node) -> int:
        # a constant part is one constant op (the parser computed it, finite), emitted where
        # it is used, so x^3 needs no op for its 3
        return self.memo[id(node)] if node.value is None else self.const(node.value)

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

    def _build(self, node: Node) -> int:
        kind = node.kind
        if kind == "var":
            return self.op("x", self.index[node.name])
        if kind == "pow":
            return self._power(*node.args)
        args = [self._register(a) for a in node.args]
        if kind in _ARITHMETIC:
            return self.op(_ARITHMETIC[kind], *args)
        if kind == "neg":
            return self.op("neg", args[0])
        assert kind == "call", kind
        return self.op(FUNCTIONS[node.name].op, args[0])

    def _power(self, base: Node, exponent: Node) -> int:
        p = exponent.value
        if base.kind == "const" and base.name == "e":  # e^u: exp, as the browser computes it
            return self.op("exp", self._register(exponent))
        if p is not None and p.is_integer() and abs(p) <= 64:
            n = int(p)
            if n == -1:
                return self.op("div", self.const(1.0), self._register(base))
            return self.op("powi", self._register(base), n)
        if p == 0.5:
            return self.op("sqrt", self._register(base))
        if p == -0.5:
            return self.op("div", self.const(1.0), self.op("sqrt", self._register(base)))
        return self.op("pow", self._register(base), self._register(exponent))


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
