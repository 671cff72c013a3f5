"""A loss surface: a formula, its exact partial derivatives, and fast evaluators for both.

    s = Surface("w1^2 + 3w2^2")
    s.gradient((3, 1))  # array([6., 6.])
    s.partials          # (2*w1, 6*w2): SymPy expressions, for reading

The formula is compiled into a *program* (see docs/ARCHITECTURE.md): a flat list of array
operations in which every repeated subexpression is computed once. The program is then
differentiated by one exact rule per op (RULES, applied in reverse order), which appends the
partials (and, on request, the Hessian) to the same program. NumPy runs it here and
`static/evaluator.js` runs the very same program in the browser, so the two agree to rounding.
SymPy's own `diff` gives `Surface.partials`, lazily: the formulas a readout shows, and the
oracle the tests hold the program to.

Where the formula is undefined (log of a negative number, a division by zero) values and partials
are NaN, never an exception or a complex number.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import sympy
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.str import StrPrinter

from .formula import FormulaError, Parsed, parse, symbol
from .functions import OPS, SYMPY_OPS

Program = dict[str, Any]
Point = Sequence[float] | np.ndarray  # one coordinate per variable

MAX_OPS = 20_000  # a program longer than this is refused: its derivatives have exploded


class CompileError(ValueError):
    """The formula parsed, but its derivatives are too large to compile."""


# ---------------------------------------------------------------------------------------------
# Compiling SymPy expressions into a program


class _Compiler:
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

    def _op(self, *op: Any) -> int:
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

    def _const(self, value: float) -> int:
        if not np.isfinite(value):  # JSON has no NaN: build it as 0/0, which both sides agree on
            return self._op("div", self._const(0.0), self._const(0.0))
        return self._op("c", float(value))

    def _build(self, expr: sympy.Basic) -> int:
        if expr.is_Symbol:
            return self._op("x", self.index[expr])
        if not expr.free_symbols:  # a constant: fold it (the parser made sure it is finite)
            value = complex(sympy.N(expr, 17))
            return self._const(value.real if value.imag == 0 else float("nan"))
        if expr.is_Add:
            return self._sum(expr.args)
        if expr.is_Mul:
            return self._product(expr)
        if expr.is_Pow:
            return self._power(*expr.as_base_exp())
        if isinstance(expr, sympy.exp):
            return self._op("exp", self.emit(expr.args[0]))
        op = SYMPY_OPS.get(type(expr))
        if op is not None:
            return self._op(op, self.emit(expr.args[0]))
        raise CompileError(f"gradscape cannot compile {type(expr).__name__} yet")

    def _sum(self, terms: Sequence[sympy.Basic]) -> int:
        # a + (-b) becomes a - b: fewer ops, and the program reads like the formula
        positive = [t for t in terms if not t.could_extract_minus_sign()]
        negative = [-t for t in terms if t.could_extract_minus_sign()]
        if positive:
            reg = self.emit(positive[0])
            rest = positive[1:]
        else:
            reg = self._op("neg", self.emit(negative[0]))
            rest, negative = [], negative[1:]
        for t in rest:
            reg = self._op("add", reg, self.emit(t))
        for t in negative:
            reg = self._op("sub", reg, self.emit(t))
        return reg

    def _product(self, expr: sympy.Basic) -> int:
        coeff, factors = expr.as_coeff_mul()
        numer = [f for f in factors if not _is_reciprocal(f)]
        denom = [1 / f for f in factors if _is_reciprocal(f)]
        reg = self._chain("mul", numer) if numer else None
        if denom:
            reg = self._op(
                "div", reg if reg is not None else self._const(1.0), self._chain("mul", denom)
            )
        assert reg is not None
        if coeff == -1:
            return self._op("neg", reg)
        if coeff != 1:
            return self._op("mul", self._const(float(coeff)), reg)
        return reg

    def _chain(self, op: str, items: Sequence[sympy.Basic]) -> int:
        reg = self.emit(items[0])
        for item in items[1:]:
            reg = self._op(op, reg, self.emit(item))
        return reg

    def _power(self, base: sympy.Basic, exp: sympy.Basic) -> int:
        if exp.is_Integer and abs(int(exp)) <= 64:
            n = int(exp)
            if n == -1:
                return self._op("div", self._const(1.0), self.emit(base))
            return self._op("powi", self.emit(base), n)
        if exp == sympy.S.Half:
            return self._op("sqrt", self.emit(base))
        if exp == -sympy.S.Half:
            return self._op("div", self._const(1.0), self._op("sqrt", self.emit(base)))
        return self._op("pow", self.emit(base), self.emit(exp))


def _is_reciprocal(factor: sympy.Basic) -> bool:
    return bool(factor.is_Pow and factor.exp.is_number and factor.exp.is_negative)


def compile_program(variables: Sequence[str], value: sympy.Expr, hessian: bool = False) -> Program:
    """Compile a value with its gradient (and Hessian) into one program that shares common work.

    The partials are the derivative rules below applied to the value's ops: exact symbolic
    differentiation, done on the compiled DAG, so that shared subexpressions stay shared.
    """
    compiler = _Compiler([symbol(v) for v in variables])
    out = compiler.emit(value)
    gradient = differentiate(compiler, out, len(variables))
    program: Program = {"variables": list(variables), "value": out, "gradient": gradient}
    if hessian:
        program["hessian"] = [differentiate(compiler, g, len(variables)) for g in gradient]
    return _prune(program, compiler.ops)


def _prune(program: Program, ops: list[list[Any]]) -> Program:
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


# ---------------------------------------------------------------------------------------------
# Differentiating a program: one rule per op, in reverse (adjoint) order


class _Algebra:
    """Emit ops with the obvious simplifications (x*1, --x, constants folded)."""

    def __init__(self, compiler: _Compiler) -> None:
        self.c = compiler
        self.one = compiler._const(1.0)

    def _constant(self, reg: int) -> float | None:
        op = self.c.ops[reg]
        return op[1] if op[0] == "c" else None

    def op(self, name: str, *args: int) -> int:
        registers = args[:1] if name == "powi" else args  # powi's second argument is a literal
        values = [self._constant(a) for a in registers]
        if all(v is not None for v in values):  # fold, with the very op the program would run
            with np.errstate(all="ignore"):
                folded = float(OPS[name].numpy(*values, *args[len(registers) :]))
            if np.isfinite(folded):
                return self.c._const(folded)
        return self.c._op(name, *args)

    def mul(self, a: int, b: int) -> int:
        if a == self.one:
            return b
        if b == self.one:
            return a
        ca, cb = self._constant(a), self._constant(b)
        if ca is None and cb is not None:  # constants first, so they can meet and fold
            return self.mul(b, a)
        inner = self.c.ops[b]
        if ca is not None and inner[0] == "mul" and self._constant(inner[1]) is not None:
            return self.mul(self.op("mul", a, inner[1]), inner[2])  # c1 (c2 x) = (c1 c2) x
        if self.c.ops[a][0] == "neg":  # (-a) b = -(a b)
            return self.neg(self.mul(self.c.ops[a][1], b))
        if self.c.ops[b][0] == "neg":
            return self.neg(self.mul(a, self.c.ops[b][1]))
        return self.op("mul", a, b)

    def div(self, a: int, b: int) -> int:
        return a if b == self.one else self.op("div", a, b)

    def neg(self, a: int) -> int:
        return self.c.ops[a][1] if self.c.ops[a][0] == "neg" else self.op("neg", a)

    def add(self, a: int, b: int) -> int:
        if self.c.ops[b][0] == "neg":  # a + (-b) = a - b
            return self.op("sub", a, self.c.ops[b][1])
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
    return [(a, m.mul(g, m.mul(m.c._const(float(n)), lower)))]


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
    "sqrt": _unary(lambda m, a, r: m.div(m.one, m.op("mul", m.c._const(2.0), r))),
    "abs": _unary(lambda m, a, r: m.op("sign", a)),
    "sign": lambda m, r, args, g: [],  # flat wherever it is differentiable
}


def differentiate(compiler: _Compiler, output: int, n_variables: int) -> list[int]:
    """Registers holding d(output)/d(variable i), appended to the compiler's program.

    Reverse accumulation: walk the ops from `output` back to the variables, handing each op's
    adjoint to its arguments through its rule. Only ops that depend on a variable take part.
    """
    ops = compiler.ops
    depends = [False] * (output + 1)
    for i in range(output + 1):
        op, *args = ops[i]
        depends[i] = op == "x" or (op not in ("c", "powi") and any(depends[a] for a in args))
        if op == "powi":
            depends[i] = depends[args[0]]
    m = _Algebra(compiler)
    adjoint: dict[int, int] = {output: m.one}
    for i in range(output, -1, -1):
        g = adjoint.get(i)
        if g is None or not depends[i] or ops[i][0] == "x":
            continue
        name, *args = ops[i]
        for arg, contribution in RULES[name](m, i, args, g):
            if depends[arg]:
                adjoint[arg] = m.add(adjoint[arg], contribution) if arg in adjoint else contribution
    zero = compiler._const(0.0)
    registers = {op[1]: i for i, op in enumerate(ops[: output + 1]) if op[0] == "x"}
    return [adjoint.get(registers.get(k, -1), zero) for k in range(n_variables)]


# ---------------------------------------------------------------------------------------------
# Running a program with NumPy


def run_program(program: Program, inputs: Sequence[Any]) -> tuple[Any, list[Any], list[list[Any]]]:
    """Evaluate a program on scalars or arrays: (value, gradient, hessian) with the NaN rules."""
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


# ---------------------------------------------------------------------------------------------
# Printing expressions as gradscape text and as HTML


class _TextPrinter(StrPrinter):
    """SymPy expressions in gradscape's own formula language: `^` for powers, juxtaposition."""

    def _print_Exp1(self, expr: Any) -> str:
        return "e"

    def _print_exp(self, expr: Any) -> str:
        return f"exp({self._print(expr.args[0])})"

    def _print_Abs(self, expr: Any) -> str:
        return f"abs({self._print(expr.args[0])})"

    def _print_Pow(self, expr: Any, rational: bool = False) -> str:
        base, exp = expr.as_base_exp()
        if exp == sympy.S.Half:
            return f"sqrt({self._print(base)})"
        if exp.is_number and exp.is_negative:
            return f"1/{self.parenthesize(1 / expr, PRECEDENCE['Mul'], strict=True)}"
        b = self.parenthesize(base, PRECEDENCE["Pow"], strict=True)
        e = self.parenthesize(exp, PRECEDENCE["Pow"], strict=False)
        return self._power(b, e)

    def _power(self, base: str, exp: str) -> str:
        return f"{base}^{exp}"

    def _print_Mul(self, expr: Any) -> str:
        return _JUXTAPOSE.sub(" ", super()._print_Mul(expr))


# '*' becomes juxtaposition (2 x, x y), except between two numbers (2*3) and before '(' (x*(y+1))
_JUXTAPOSE = re.compile(r"\*(?![\d.(])|(?<![\d.])\*(?!\()")


class _HtmlPrinter(_TextPrinter):
    """The same, as HTML: italic variables with subscript digits, superscript powers."""

    def _print_Symbol(self, expr: Any) -> str:
        name = expr.name
        m = re.fullmatch(r"([A-Za-z_]*[A-Za-z])_?(\d+)", name)
        if m:
            return f"<i>{_greek(m[1])}</i><sub>{m[2]}</sub>"
        return f"<i>{_greek(name)}</i>"

    def _print_Exp1(self, expr: Any) -> str:
        return "<i>e</i>"

    def _print_Pi(self, expr: Any) -> str:
        return "π"

    def _power(self, base: str, exp: str) -> str:
        if exp.startswith("(") and exp.endswith(")"):
            exp = exp[1:-1]
        return f"{base}<sup>{exp}</sup>"

    def _print_Mul(self, expr: Any) -> str:
        # juxtaposition as a thin space, but a visible dot between two numbers: 2·3^x, not 2 3^x
        return _DIGITS_TIMES.sub("·", StrPrinter._print_Mul(self, expr)).replace("*", "\u2009")


_DIGITS_TIMES = re.compile(r"(?<=[\d.])\*(?=[\d.])")


_GREEK = {
    name: chr(code)
    for name, code in [
        ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4),
        ("epsilon", 0x3B5), ("eta", 0x3B7), ("theta", 0x3B8), ("lambda", 0x3BB),
        ("mu", 0x3BC), ("phi", 0x3C6), ("psi", 0x3C8), ("omega", 0x3C9), ("sigma", 0x3C3),
        ("tau", 0x3C4), ("rho", 0x3C1), ("xi", 0x3BE), ("nu", 0x3BD), ("kappa", 0x3BA),
    ]
}  # fmt: skip


def _greek(name: str) -> str:
    return _GREEK.get(name, name)


def to_text(expr: sympy.Expr) -> str:
    """The expression in gradscape's formula language (parse(to_text(e)) gives e back)."""
    return _TextPrinter({"order": "none"}).doprint(expr)


def to_html(expr: sympy.Expr) -> str:
    """The expression as a line of HTML (variables italic, powers raised, true minus signs)."""
    return _HtmlPrinter({"order": "none"}).doprint(expr).replace("-", "−")


def to_latex(expr: sympy.Expr) -> str:
    return sympy.latex(expr)


# ---------------------------------------------------------------------------------------------
# The surface


@dataclass(frozen=True)
class Grid:
    """Value and gradient of a two-variable surface on a regular grid (rows follow y)."""

    x: np.ndarray  # (nx,)
    y: np.ndarray  # (ny,)
    value: np.ndarray  # (ny, nx), NaN where undefined
    gradient: np.ndarray  # (2, ny, nx)


class Surface:
    """A loss given as text, with exact partial derivatives and compiled evaluators.

    `variables` names the order of the variables (and may add ones the formula does not use);
    by default they are the formula's, in natural order. Bad text raises FormulaError.
    """

    def __init__(self, formula: str, variables: Sequence[str] | None = None) -> None:
        parsed: Parsed = parse(formula, variables)
        self.formula = formula
        self.expr: sympy.Expr = parsed.expr
        self.variables: tuple[str, ...] = parsed.variables
        self.symbols = tuple(symbol(v) for v in self.variables)
        self._program = compile_program(self.variables, self.expr)

    def __repr__(self) -> str:
        return f"Surface({self.formula!r}, variables={self.variables!r})"

    @cached_property
    def partials(self) -> tuple[sympy.Expr, ...]:
        """The partial derivatives as SymPy expressions (for reading; numbers come from the
        compiled program, whose derivative rules give the same functions)."""
        real = self.expr.replace(sympy.Abs, _RealAbs)
        return tuple(sympy.diff(real, s).replace(_RealAbs, sympy.Abs) for s in self.symbols)

    @cached_property
    def _program_with_hessian(self) -> Program:
        return compile_program(self.variables, self.expr, hessian=True)

    def program(self, hessian: bool = False) -> Program:
        """The compiled program (a JSON-ready dict) that the browser evaluates."""
        return self._program_with_hessian if hessian else self._program

    # -- evaluation --------------------------------------------------------------------------

    def _point(self, point: Point) -> list[float]:
        values = [float(p) for p in np.asarray(point, dtype=np.float64).ravel()]
        if len(values) != len(self.variables):
            names = ", ".join(self.variables)
            raise ValueError(f"Give {len(self.variables)} coordinates ({names}); got {len(values)}")
        return values

    def evaluate(self, point: Point) -> tuple[float, np.ndarray]:
        """Value and gradient at one point, in one pass."""
        value, grad, _ = run_program(self._program, self._point(point))
        return float(value), np.array([float(g) for g in grad])

    def value(self, point: Point) -> float:
        return self.evaluate(point)[0]

    def gradient(self, point: Point) -> np.ndarray:
        return self.evaluate(point)[1]

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
        nx, ny = (int(n), int(n)) if isinstance(n, numbers.Integral) else map(int, n)  # type: ignore[arg-type]
        if not (2 <= nx <= 4000 and 2 <= ny <= 4000):
            raise ValueError("Grid size must be between 2 and 4000 points a side")
        others = len(self.variables) - 2
        if at is not None and len(at) != others:
            raise ValueError(f"Give at= the values of the other {others} variables, in order")
        xs = np.linspace(*x, nx)
        ys = np.linspace(*y, ny)
        gx, gy = np.meshgrid(xs, ys)
        rest = list(at) if at is not None else [0.0] * (len(self.variables) - 2)
        value, grad, _ = run_program(self._program, [gx, gy, *rest])
        return Grid(xs, ys, value, np.stack(grad[:2]))

    # -- presentation ------------------------------------------------------------------------

    def describe(self) -> dict[str, Any]:
        """The formula and its partials as text, LaTeX and HTML (for readouts and the API).

        A partial whose text runs over MAX_SHOWN characters is shown as "(too long to show)":
        its value is still exact; only the formula is too big to read.
        """
        return {
            **_shown(self.expr),
            "partials": [
                {"variable": v, **_shown(p)}
                for v, p in zip(self.variables, self.partials, strict=True)
            ],
        }


MAX_SHOWN = 2000  # characters of a formula's text worth printing in a readout


def _shown(expr: sympy.Expr) -> dict[str, str]:
    text = to_text(expr)
    if len(text) > MAX_SHOWN:
        return {
            "text": "(too long to show)",
            "latex": r"\text{(too long to show)}",
            "html": "(too long to show)",
        }
    return {"text": text, "latex": to_latex(expr), "html": to_html(expr)}


class _RealAbs(sympy.Function):
    """|u| for real u. SymPy's Abs allows a complex u, so its derivative brings re, im and
    atan2 into the printed partials; for real u the derivative is sign(u), as in RULES."""

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return sympy.sign(self.args[0])


def numeric_gradient(surface: Surface, point: Point, h: float = 1e-6) -> np.ndarray:
    """Central finite differences, (L(w + h e_i) - L(w - h e_i)) / 2h: the independent check.

    Its error is about h^2 (truncation) plus 1e-16 |L| / h (rounding): h = 1e-6 balances them
    for values of order one. Exact partials need neither.
    """
    w = np.asarray(surface._point(point))
    out = np.empty_like(w)
    for i in range(len(w)):
        step = np.zeros_like(w)
        step[i] = h * max(1.0, abs(w[i]))
        out[i] = (surface.value(w + step) - surface.value(w - step)) / (2 * step[i])
    return out


__all__ = [
    "CompileError",
    "FormulaError",
    "Grid",
    "Surface",
    "compile_program",
    "numeric_gradient",
    "run_program",
]
