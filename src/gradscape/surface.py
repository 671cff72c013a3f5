"""A loss surface: a formula, its exact partial derivatives, and fast evaluators for both.

    s = Surface("w1^2 + 3w2^2")
    s.gradient((3, 1))      # array([6., 6.])
    s.partials              # (2*w1, 6*w2): SymPy expressions, for reading

A `Surface` is the `landscape.Landscape` of a formula. The formula is parsed (`formula.py`) and
built into a *program* (`program/`): its value and exact partials as one list of array ops,
which NumPy runs here and the browser runs as well. SymPy's own `diff` gives `Surface.partials`,
lazily: the formulas a readout shows (`printed`), and the oracle the tests hold the program to.

Where the formula is undefined (log of a negative number, a division by zero) values and partials
are NaN, never an exception or a complex number.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np
import sympy

from . import printing
from .formula import Parsed, parse, symbol
from .landscape import Grid, Point, grid_shape
from .program import Program, build_program, run_program


class Surface:
    """A loss given as text, with exact partial derivatives and a program that evaluates both.

    `variables` names the order of the variables (and may add ones the formula does not use);
    by default they are the formula's, in natural order. Bad text raises FormulaError; a formula
    whose derivatives are too large raises CompileError.
    """

    def __init__(self, formula: str, variables: Sequence[str] | None = None) -> None:
        self._setup(formula, parse(formula, variables))

    @classmethod
    def from_parsed(cls, formula: str, parsed: Parsed) -> Surface:
        """The surface of `formula` already parsed (so a request parses its text only once)."""
        surface = cls.__new__(cls)
        surface._setup(formula, parsed)
        return surface

    def _setup(self, formula: str, parsed: Parsed) -> None:
        self.formula = formula
        self.expr: sympy.Expr = parsed.expr
        self.variables: tuple[str, ...] = parsed.variables
        self.symbols = tuple(symbol(v) for v in self.variables)
        self._program = build_program(self.variables, self.expr)

    def __repr__(self) -> str:
        return f"Surface({self.formula!r}, variables={self.variables!r})"

    @cached_property
    def partials(self) -> tuple[sympy.Expr, ...]:
        """The partial derivatives as SymPy expressions (for reading; numbers come from the
        program, whose derivative rules give the same functions)."""
        real = self.expr.replace(sympy.Abs, _RealAbs)
        return tuple(sympy.diff(real, s).replace(_RealAbs, sympy.Abs) for s in self.symbols)

    @cached_property
    def _program_with_hessian(self) -> Program:
        return build_program(self.variables, self.expr, hessian=True)

    def program(self, hessian: bool = False) -> Program:
        """The program (a JSON-ready dict) that the browser runs."""
        return self._program_with_hessian if hessian else self._program

    # -- the landscape -----------------------------------------------------------------------

    def _point(self, point: Point) -> list[float]:
        values = [float(p) for p in np.asarray(point, dtype=np.float64).ravel()]
        if len(values) != len(self.variables):
            names = ", ".join(self.variables)
            raise ValueError(f"Give {len(self.variables)} coordinates ({names}); got {len(values)}")
        return values

    def value_and_gradient(self, point: Point) -> tuple[float, np.ndarray]:
        """Value and gradient at one point, in one pass."""
        value, grad, _ = run_program(self._program, self._point(point))
        return float(value), np.array([float(g) for g in grad])

    def value(self, point: Point) -> float:
        return self.value_and_gradient(point)[0]

    def gradient(self, point: Point) -> np.ndarray:
        return self.value_and_gradient(point)[1]

    def hessian(self, point: Point) -> np.ndarray:
        _, _, hess = run_program(self._program_with_hessian, self._point(point))
        return np.array([[float(h) for h in row] for row in hess])

    def grid(
        self,
        x: tuple[float, float],
        y: tuple[float, float],
        n: int | tuple[int, int] = 101,
        at: Sequence[float] | None = None,
    ) -> Grid:
        """Value and gradient on an n-by-n grid over the first two variables, vectorised.

        Other variables, if any, are held at `at` (their values, in order; default 0).
        """
        if len(self.variables) < 2:
            raise ValueError("A grid needs two variables; name a second with variables=(...)")
        nx, ny = grid_shape(n)
        others = len(self.variables) - 2
        if at is not None and len(at) != others:
            raise ValueError(f"Give at= the values of the other {others} variables, in order")
        xs = np.linspace(*x, nx)
        ys = np.linspace(*y, ny)
        gx, gy = np.meshgrid(xs, ys)
        rest = list(at) if at is not None else [0.0] * others
        value, grad, _ = run_program(self._program, [gx, gy, *rest])
        return Grid(xs, ys, value, np.stack(grad[:2]))

    # -- for reading -------------------------------------------------------------------------

    def printed(self) -> dict[str, Any]:
        """The formula and its partials as text, LaTeX and HTML (for readouts and the API).

        A partial whose text runs over printing.MAX_SHOWN characters is "(too long to show)":
        its value is still exact; only the formula is too big to read.
        """
        return {
            **printing.printed(self.expr),
            "partials": [
                {"variable": v, **printing.printed(p)}
                for v, p in zip(self.variables, self.partials, strict=True)
            ],
        }


class _RealAbs(sympy.Function):
    """|u| for real u. SymPy's Abs allows a complex u, so its derivative brings re, im and
    atan2 into the printed partials; for real u the derivative is sign(u), as in program/derive."""

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return sympy.sign(self.args[0])


__all__ = ["Surface"]
