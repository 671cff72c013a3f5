"""A loss surface: a formula, its exact partial derivatives, and fast evaluators for both.

    s = Surface("w1^2 + 3w2^2")
    s.gradient((3, 1))      # array([6., 6.])
    s.partials              # (2*w1, 6*w2): SymPy expressions, for reading

A `Surface` is the `landscape.Landscape` of a formula. The formula is parsed into gradscape's own
tree (`formula.py`) and built into a *program* (`program/`): its value and exact partials as one
list of array ops, which NumPy runs here and the browser runs as well. Building it takes time
linear in the formula, and SymPy takes no part: a Surface evaluates, grids and descends without
ever touching SymPy. SymPy's own `diff` gives `Surface.partials`, on request only: the formulas a
readout shows (`printed_partials`), and the oracle the tests hold the program to.

Where the formula is undefined (log of a negative number, a division by zero) values and partials
are NaN, never an exception or a complex number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

import numpy as np
import sympy

from . import printing
from .formula import Parsed, parse, symbol
from .landscape import Grid, LandscapeBase, Point, grid_shape
from .parameters import bind
from .program import Program, build_program, run_program
from .symbolic import SymbolicError, partials, undefined
from .tree import Node, used_variables


class Surface(LandscapeBase):
    """A loss given as text, with exact partial derivatives and a program that evaluates both.

    `variables` names the order of the variables (and may add ones the formula does not use);
    by default they are the formula's, in natural order. `params` fixes some variables at
    numbers (`Surface("a*x^2 + y^2", params={"a": 2})` is the surface of x and y at a = 2:
    parameters.bind). Bad text raises FormulaError; a formula
    whose derivatives are too large raises CompileError. `tree` is the parse tree; `expr`,
    `symbols` and `partials` are SymPy's, made on first use.
    """

    def __init__(
        self,
        formula: str,
        variables: Sequence[str] | None = None,
        params: Mapping[str, float] | None = None,
    ) -> None:
        if not params:
            self._setup(formula, parse(formula, variables))
            return
        names = None if variables is None else (*variables, *params)
        self._setup(formula, bind(parse(formula, names), params))

    @classmethod
    def from_parsed(cls, formula: str, parsed: Parsed) -> Surface:
        """The surface of `formula` already parsed (so a request parses its text only once)."""
        surface = cls.__new__(cls)
        surface._setup(formula, parsed)
        return surface

    def _setup(self, formula: str, parsed: Parsed) -> None:
        self.formula = formula
        self.parsed = parsed
        self.tree: Node = parsed.tree
        self.variables: tuple[str, ...] = parsed.variables
        self._program = build_program(self.variables, self.tree)

    def __repr__(self) -> str:
        return f"Surface({self.formula!r}, variables={self.variables!r})"

    @property
    def expr(self) -> sympy.Expr:
        """The formula as SymPy reads it (simplified as SymPy reads: `x/x` is 1), made on first
        use. Raises symbolic.SymbolicError where SymPy's exact arithmetic would be too slow."""
        return self.parsed.expr

    @cached_property
    def symbols(self) -> tuple[sympy.Symbol, ...]:
        return tuple(symbol(v) for v in self.variables)

    @property
    def used(self) -> set[str]:
        """The variables the formula itself uses (the others are padding)."""
        return used_variables(self.tree)

    @cached_property
    def partials(self) -> tuple[sympy.Expr, ...]:
        """The partial derivatives as SymPy expressions (for reading; numbers come from the
        program, whose derivative rules give the same functions where the formula is defined).
        Raises symbolic.SymbolicError where SymPy cannot work them out quickly."""
        return partials(self.expr, self.variables)

    @cached_property
    def _program_with_hessian(self) -> Program:
        return build_program(self.variables, self.tree, hessian=True)

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

    def value_and_gradient(self, point: Point, /) -> tuple[float, np.ndarray]:
        """Value and gradient at one point, in one pass."""
        value, grad, _ = run_program(self._program, self._point(point))
        return float(value), np.array([float(g) for g in grad])

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
        """The formula and its partials as text, LaTeX and HTML (for readouts and the API):
        `printed_formula()` and `"partials": printed_partials()` in one dict."""
        return {**self.printed_formula(), "partials": self.printed_partials()}

    def printed_formula(self) -> dict[str, str]:
        """The formula as typed, as text, LaTeX and HTML: from the parse tree, no SymPy, quick."""
        return printing.printed_tree(self.tree)

    def printed_partials(self) -> list[dict[str, str]]:
        """Each partial as {"variable", "text", "latex", "html"}, worked out by SymPy: this is
        the slow part of printing (run it under a deadline where that matters).

        A partial whose text runs over printing.MAX_SHOWN characters is "(too long to show)",
        and all are "(not available)" where SymPy cannot work them out quickly
        (symbolic.SymbolicError) or reads the formula as undefined: the values are still exact;
        only the formulas are not shown.
        """
        try:
            exprs = self.partials
        except SymbolicError:
            exprs = None
        if exprs is None or any(undefined(p) for p in exprs):
            return [{"variable": v, **printing.UNAVAILABLE} for v in self.variables]
        return [
            {"variable": v, **printing.printed(p)}
            for v, p in zip(self.variables, exprs, strict=True)
        ]


__all__ = ["Surface"]
