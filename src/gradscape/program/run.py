"""Running a program with NumPy, on scalars or arrays, with the NaN rules the browser shares."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..functions import OPS
from .build import Program


def run_program(program: Program, inputs: Sequence[Any]) -> tuple[Any, list[Any], list[list[Any]]]:
    """Evaluate a program on scalars or arrays: (value, gradient, hessian) with the NaN rules.

    Inputs broadcast together. Any non-finite result becomes NaN, and wherever the value is NaN
    every partial is NaN too (the gradient does not exist where the function does not).
    """
    regs: list[Any] = []
    append = regs.append
    with np.errstate(all="ignore"):
        for op, *args in program["ops"]:
            if op == "x":
                append(np.asarray(inputs[args[0]], dtype=np.float64))
            elif op == "c":
                append(np.float64(args[0]))
            elif op == "powi":
                append(OPS["powi"].numpy(regs[args[0]], args[1]))
            else:
                append(OPS[op].numpy(*(regs[a] for a in args)))
        shape = np.broadcast_shapes(*(np.shape(x) for x in inputs)) if inputs else ()
        value = _finite(regs[program["value"]], shape)
        undefined = np.isnan(value)
        grad = [_finite(regs[g], shape, undefined) for g in program["gradient"]]
        hess = [
            [_finite(regs[h], shape, undefined) for h in row] for row in program.get("hessian", [])
        ]
    return value, grad, hess


def _finite(x: Any, shape: tuple[int, ...], undefined: Any = False) -> Any:
    x = np.broadcast_to(np.asarray(x, dtype=np.float64), shape)
    return np.where(np.isfinite(x) & ~undefined, x, np.nan)
