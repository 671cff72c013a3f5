"""The program: a formula's value and exact partials as one short list of array operations.

    program = build_program(("w1", "w2"), parse("w1^2 + 3w2^2").tree)
    value, gradient, hessian = run_program(program, [3.0, 1.0])   # 12.0, [6.0, 6.0], []

A program is JSON (docs/ARCHITECTURE.md gives the op forms): register ``i`` is op ``i``, which
reads only registers below ``i``; ``value`` and ``gradient`` (and on request ``hessian``) name
the output registers. NumPy runs it here (`run.py`) and ``static/core/evaluator.js`` runs the
very same program in the browser, so the two agree to rounding. Three steps build it, one module
each, each in time linear in its input, with no SymPy:

1. `build.py`: ops for the parse tree (formula.py), every repeated part emitted once;
2. `derive.py`: the partials, by one exact rule per op applied in reverse (adjoint) order,
   appended to the same ops so shared work stays shared (and again for the Hessian);
3. `build.prune`: only the ops some output needs, renumbered.

A program longer than MAX_OPS raises CompileError: the formula's derivatives have exploded.
(`oracle.py` keeps the old way, through SymPy, for the tests and benchmarks to compare with.)
"""

from __future__ import annotations

from collections.abc import Sequence

from ..tree import Node
from .build import MAX_OPS, Builder, CompileError, Program, prune
from .derive import differentiate
from .run import run_program


def build_program(variables: Sequence[str], value: Node, hessian: bool = False) -> Program:
    """A parse tree's value with its gradient (and Hessian) as one program that shares work.

    The partials are the derivative rules applied to the value's ops: exact symbolic
    differentiation, done on the program's DAG, so that shared subexpressions stay shared.
    Raises CompileError past MAX_OPS ops.
    """
    builder = Builder(variables)
    out = builder.emit(value)
    gradient = differentiate(builder, out, len(variables))
    program: Program = {"variables": list(variables), "value": out, "gradient": gradient}
    if hessian:
        program["hessian"] = [differentiate(builder, g, len(variables)) for g in gradient]
    return prune(program, builder.ops)


__all__ = ["MAX_OPS", "CompileError", "Program", "build_program", "run_program"]
