"""Turn a formula typed by a person into a SymPy expression, safely.

A hand-written tokenizer and recursive-descent parser build SymPy objects directly: user text is
never evaluated as code (no eval, sympify, parse_expr or lambdify on strings). Grammar (EBNF;
spaces and tabs separate tokens; `**` is the same as `^`):

    formula = expr ;
    expr    = term { ("+" | "-") term } ;
    term    = unary { ("*" | "/") unary | power } ;    (* a bare power multiplies: 2x, x y *)
    unary   = ("-" | "+") unary | power ;               (* -x^2 is -(x^2) *)
    power   = atom [ "^" unary ] ;                      (* right-associative: 2^3^2 = 2^9 *)
    atom    = number | constant | variable | function "(" expr ")" | "(" expr ")" ;
    number  = ( digits [ "." [digits] ] | "." digits ) [ ("e" | "E") ["+" | "-"] digits ] ;
    name    = letter { letter | digit | "_" } ;          (* constant, variable or function *)

Implicit multiplication (juxtaposition) binds exactly like `*` and `/` and is left-associative,
so `1/2x` is (1/2)*x, as if typed `1/2*x`: one precedence rule, nothing special to remember.
An exponent is a single power, so `x^2y` is (x^2)*y. Constants and functions come from
`functions.py`; any other name is a real variable (`xy` is one variable; `x y` is a product).

Limits, each refused with a `FormulaError` that gives the column and says what to do:
- MAX_LENGTH characters of printable ASCII (tab counts as a space); names of at most MAX_NAME
  characters that are not Python keywords; at most MAX_VARIABLES distinct variables;
- MAX_DEPTH nested levels, where a parenthesis, a function call, a sign and an exponent each
  count one level, so no input can exhaust Python's recursion;
- every constant part must be a finite real float64. It is computed in float64 *before* SymPy
  sees it, so `9^9^9` is refused at once instead of SymPy computing 9^387420489 exactly.
SymPy's exact work is kept small so that any parse takes milliseconds. Each part carries bounds
on the bits of the exact numbers SymPy will compute for it (powers multiply them) and on its
algebraic degree. A constant part over MAX_BITS or MAX_DEGREE, or a constant power with an
exponent over MAX_EXACT_POWER, becomes a sympy.Float of its float64 value; any other part over
MAX_BITS is refused, as is x^(p/q) with p or q over MAX_ROOT (SymPy's assumptions slow down).
"""

from __future__ import annotations

import keyword
import math
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np
import sympy

from gradscape.functions import CONSTANTS, FUNCTIONS, OPS, Function

MAX_LENGTH = 500
MAX_DEPTH = 32
MAX_NAME = 32
MAX_VARIABLES = 32
MAX_BITS = 8192  # ~2500 digits: quick to compute, and under Python's 4300-digit str() limit
MAX_DEGREE = 64  # sqrt(2) + sqrt(3) + ... beyond this, SymPy's minimal polynomials get slow
MAX_EXACT_POWER = 1024
MAX_ROOT = 1000


class FormulaError(ValueError):
    """A refused formula: a one-line message saying what to do, and the 0-based column."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.column = column

    def caret(self, text: str) -> str:
        """The formula, and under it a '^' at the column (tabs kept so the caret lines up)."""
        pad = "".join("\t" if c == "\t" else " " for c in text[: self.column])
        return f"{text}\n{pad.ljust(self.column)}^"


@dataclass(frozen=True)
class Parsed:
    expr: sympy.Expr
    variables: tuple[str, ...]  # natural order, unless the caller named them


def natural_key(name: str) -> tuple[tuple[int | str, ...], str]:
    """Sort key putting digit runs in numeric order: w1 < w2 < w10, phi < theta, x < y < z."""
    parts = re.split(r"(\d+)", name)  # text, digits, text, ...: same types at same positions
    return tuple(int(p) if i % 2 else p.lower() for i, p in enumerate(parts)), name


def symbol(name: str) -> sympy.Symbol:
    """The one way variables are made: every variable is real."""
    return sympy.Symbol(name, real=True)


class _Token(NamedTuple):
    kind: str  # "num", "name", "end", or the operator itself: + - * / ^ ( )
    text: str  # as typed ("**" stays "**" in messages)
    col: int


# A number takes as many characters as it can, but `e`/`E` belongs to it only when digits follow
# (after an optional sign): `2e-3` is 0.002, `2e` is 2*e, `2e x` is 2*e*x, `1e5x` is 100000*x.
# A name then starts at a letter, so `3w2` is 3 times the variable w2.
_TOKEN = re.compile(
    r"(?P<space>[ \t]+)|(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z][A-Za-z0-9_]*)|(?P<op>\*\*|[-+*/^()])"
)
_HINTS = {
    **dict.fromkeys("'\"`", "Quotes are not part of formulas; remove them"),
    **dict.fromkeys("[]{}", "Use round parentheses ( ) for grouping"),
    ",": "Commas are not part of formulas; functions take one argument and decimals use '.'",
    ";": "Type one formula only; remove ';'",
    "=": "Type only the expression, without '=': x^2 + y^2, not z = x^2 + y^2",
    **{c: f"Comparisons are not formulas; remove '{c}'" for c in "<>"},
    "!": "Factorials are not supported; remove '!'",
    "|": "Write abs(x) for an absolute value, not |x|",
    "_": "Names must start with a letter; remove the '_'",
    ".": "A '.' must be part of a number such as 0.5",
    **dict.fromkeys("²³", "Write powers with ^, as in x^2"),
    "√": "Write sqrt(x) for a square root",
    **dict.fromkeys("·×⋅∙", "Write * for multiplication"),
    "÷": "Write / for division",
    **dict.fromkeys("−–", "Write - (the ASCII minus) for minus"),
    "π": "Write pi for π",
}


def _char_error(c: str) -> str:
    if c in _HINTS:
        return _HINTS[c]
    if not c.isprintable():
        return f"Invisible or control character U+{ord(c):04X} is not allowed; remove it"
    if not c.isascii():
        return f"Character '{c}' (U+{ord(c):04X}) is not allowed; type the formula in plain ASCII"
    return f"The character '{c}' is not part of formulas; use numbers, names, + - * / ^ ( )"


def _tokenize(text: str) -> list[_Token]:
    tokens, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise FormulaError(_char_error(text[pos]), pos)
        kind, word, prev = m.lastgroup or "", m.group(), text[pos - 1] if pos else " "
        if kind == "num" and word[0] == "." and (prev.isalnum() or prev in "._)"):
            # `1.2.3` and `1..2` would otherwise read as 1.2*.3; `x.5` and `x.real` look like code
            one = prev.isdigit() or prev == "."
            message = "A number can have only one '.'; remove the other" if one else _HINTS["."]
            raise FormulaError(message, pos)
        if kind == "name" and (len(word) > MAX_NAME or keyword.iskeyword(word)):
            problem = "is a reserved word" if len(word) <= MAX_NAME else "is too long"
            raise FormulaError(f"The name '{word[:MAX_NAME]}' {problem}; use another name", pos)
        if kind == "op":
            kind = "^" if word == "**" else word
        if kind != "space":
            tokens.append(_Token(kind, word, pos))
        pos = m.end()
    return [*tokens, _Token("end", "", len(text))]


@dataclass(frozen=True)
class _Node:
    expr: sympy.Expr
    start: int  # the part's text is formula[start:end]
    end: int
    value: float | None = None  # its float64 value, when it is a constant
    bits: float = 0.0  # bound on the bits of the exact numbers SymPy computes for it
    degree: float = 1.0  # bound on its algebraic degree as a number: sqrt(2) + sqrt(3) has 4


_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}
_UNDEFINED = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)


def _inexact(node: _Node) -> _Node:
    return replace(node, expr=sympy.Float(node.value), bits=64.0, degree=1.0)


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


class _Parser:
    def __init__(self, text: str, allowed: tuple[str, ...] | None) -> None:
        self.text, self.allowed = text, allowed
        self.tokens, self.pos, self.depth = _tokenize(text), 0, 0
        self.seen: dict[str, None] = {}  # variables in order of first use

    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def take(self) -> _Token:
        self.pos += 1
        return self.tokens[self.pos - 1]

    def source(self, node: _Node) -> str:
        part = self.text[node.start : node.end].strip()
        return part if len(part) <= 40 else part[:37] + "..."

    def formula(self) -> _Node:
        if self.peek().kind == "end":
            raise FormulaError("Type a formula, for example w1^2 + 3w2^2", 0)
        node = self.expr()
        if self.peek().kind == ")":  # expr stops only at ')' or the end
            raise FormulaError("This ')' has no matching '('; remove it", self.peek().col)
        return node

    def nested(self, tok: _Token, parse: Callable[[], _Node]) -> _Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError(
                f"The formula nests too deeply (over {MAX_DEPTH} levels of parentheses, "
                "functions, signs or powers); simplify it",
                tok.col,
            )
        node = parse()
        self.depth -= 1
        return node

    def expr(self) -> _Node:
        node = self.term()
        while self.peek().kind in ("+", "-"):
            node = self.arithmetic(self.take().kind, node, self.term())
        return node

    def term(self) -> _Node:
        node = self.unary()
        while True:
            tok = self.peek()
            if tok.kind in ("*", "/"):
                self.take()
                node = self.arithmetic(tok.kind, node, self.unary())
            elif tok.kind in ("num", "name", "("):
                if tok.kind == "num" and self.tokens[self.pos - 1].kind == "num":
                    message = "Two numbers in a row; put an operator between them, such as 2*3"
                    raise FormulaError(message, tok.col)
                node = self.arithmetic("*", node, self.power())
            else:
                return node

    def unary(self) -> _Node:
        tok = self.peek()
        if tok.kind not in ("+", "-"):
            return self.power()
        self.take()
        node = replace(self.nested(tok, self.unary), start=tok.col)
        if tok.kind == "+":
            return node
        return replace(node, expr=-node.expr, value=None if node.value is None else -node.value)

    def power(self) -> _Node:
        base = self.atom()
        if self.peek().kind != "^":
            return base
        exponent = self.nested(self.take(), self.unary)
        exp, node = exponent.expr, _Node(sympy.S.Zero, base.start, exponent.end)
        # SymPy computes r**p for r**(p/q) (then takes roots), c**n for (c*x)**n, and may split
        # r**(n + x) into r**n * r**x; it leaves (x + 1)**n alone
        growth = 1.0 if base.value is None and base.expr.is_Add else _growth(exp)
        log_growth = _log_growth(exp)
        bits = base.bits * max(growth, log_growth) + exponent.bits * log_growth
        degree = base.degree * exponent.degree * (_big(exp.q) if exp.is_Rational else 1.0)
        if base.value is not None and exponent.value is not None:
            if base.value == 0 and exponent.value < 0:
                raise self.divides_by_zero(node, base.start)
            a, b = base.value, exponent.value
            node = replace(node, value=self.constant(lambda: math.pow(a, b), node))
            bits = math.inf if abs(b) > MAX_EXACT_POWER else bits  # so it becomes a Float
        return self.make(replace(node, bits=bits, degree=degree), lambda: base.expr**exp)

    def atom(self) -> _Node:
        tok = self.peek()
        if tok.kind == "num":
            return self.number(self.take())
        if tok.kind == "name":
            return self.name(self.take())
        if tok.kind == "(":
            self.take()
            inner = self.nested(tok, self.expr)
            return replace(inner, start=tok.col, end=self.close(tok).col + 1)
        raise self.missing(tok)

    def close(self, opening: _Token) -> _Token:
        if self.peek().kind != ")":  # expr stops only at ')' or the end
            raise FormulaError("This '(' is never closed; add ')'", opening.col)
        return self.take()

    def missing(self, tok: _Token) -> FormulaError:
        prev = self.tokens[self.pos - 1].text if self.pos else ""
        if tok.kind == "end":
            message = f"The formula ends too soon; add something after '{prev}'"
        elif tok.kind == ")" and prev == "(":
            message = "Empty parentheses; put something between ( and )"
        elif prev:
            message = f"Something is missing between '{prev}' and '{tok.text}'; fill it in"
        else:
            message = f"Something is missing before '{tok.text}'; add a number or remove it"
        return FormulaError(message, tok.col)

    def number(self, tok: _Token) -> _Node:
        value, text = float(tok.text), tok.text[:20]
        if math.isinf(value):
            message = (
                f"The number {text} is too large for float64 (over 1.8e308); use a smaller one"
            )
            raise FormulaError(message, tok.col)
        if value == 0 and re.split("[eE]", tok.text)[0].strip("0."):
            message = f"The number {text} is too small for float64 (under 5e-324); use 0"
            raise FormulaError(message, tok.col)
        exact = Fraction(tok.text) if value else Fraction(0)  # `0e999999` must not make 10**999999
        bits = exact.numerator.bit_length() + exact.denominator.bit_length()
        expr = sympy.Rational(exact.numerator, exact.denominator)
        return _Node(expr, tok.col, tok.col + len(tok.text), value, bits)

    def name(self, tok: _Token) -> _Node:
        name, end = tok.text, tok.col + len(tok.text)
        if self.peek().kind == "(":
            if name in FUNCTIONS:
                return self.call(FUNCTIONS[name], tok)
            raise FormulaError(
                f"Unknown function '{name}'. Use one of: {', '.join(FUNCTIONS)}; "
                f"for a product write {name}*{self.group()}",
                tok.col,
            )
        if name in FUNCTIONS:
            after = self.peek()
            arg = after.text if after.kind in ("num", "name") else "x"
            hint = f"{name}(x)^2, not {name}^2(x)" if after.kind == "^" else f"{name}({arg})"
            message = f"Write {hint}: a function needs parentheses right after its name"
            raise FormulaError(message, tok.col)
        if name in CONSTANTS:
            return _Node(CONSTANTS[name], tok.col, end, float(CONSTANTS[name]))
        if self.allowed is not None and name not in self.allowed:
            listed = ", ".join(self.allowed) or "none"
            message = f"Unknown variable '{name}'; add it to the variables ({listed}) or remove it"
            raise FormulaError(message, tok.col)
        if name not in self.seen and len(self.seen) == MAX_VARIABLES:
            raise FormulaError(f"Too many variables (over {MAX_VARIABLES}); use fewer", tok.col)
        self.seen[name] = None
        return _Node(symbol(name), tok.col, end)

    def group(self) -> str:
        """The parenthesized text at the current token, for suggestions like foo*(x)."""
        depth, start = 0, self.peek().col
        for tok in self.tokens[self.pos :]:
            depth += {"(": 1, ")": -1}.get(tok.kind, 0)
            if depth == 0:
                part = self.text[start : tok.col + 1]
                return part if len(part) <= 30 else "(...)"
        return "(...)"

    def call(self, function: Function, tok: _Token) -> _Node:
        opening = self.take()
        arg = self.nested(opening, self.expr)
        end = self.close(opening).col + 1
        bits, degree = arg.bits * _log_growth(arg.expr), arg.degree
        node = _Node(sympy.S.Zero, tok.col, end, None, bits, degree)
        if arg.value is not None:
            x = np.float64(arg.value)
            node = replace(node, value=self.constant(lambda: OPS[function.op].numpy(x), node))
        return self.make(node, lambda: function.sympy(arg.expr))

    def arithmetic(self, op: str, a: _Node, b: _Node) -> _Node:
        if op == "/" and b.value == 0:
            raise self.divides_by_zero(replace(a, end=b.end), b.start)
        node = _Node(sympy.S.Zero, a.start, b.end, None, a.bits + b.bits, a.degree * b.degree)
        if a.value is not None and b.value is not None:
            x, y = a.value, b.value
            node = replace(node, value=self.constant(lambda: _ARITHMETIC[op](x, y), node))
        return self.make(node, lambda: _ARITHMETIC[op](a.expr, b.expr))

    def divides_by_zero(self, node: _Node, column: int) -> FormulaError:
        return FormulaError(f"The part `{self.source(node)}` divides by zero; change it", column)

    def constant(self, compute: Callable[[], object], node: _Node, what: str = "") -> float:
        """The float64 value of a constant part, refusing one that is not a finite real."""
        try:
            with np.errstate(all="raise", under="ignore"):
                value = float(compute())  # type: ignore[arg-type]
        except (ArithmeticError, ValueError, TypeError) as err:  # TypeError: a complex number
            overflow = isinstance(err, OverflowError) or "overflow" in str(err)
            value = math.inf if overflow else math.nan
        if math.isfinite(value):
            return value
        problem = (
            "is too large for float64 (over 1.8e308); use smaller numbers"
            if math.isinf(value)
            else "is undefined in the real numbers; change it"
        )
        what = what or "The constant part"
        raise FormulaError(f"{what} `{self.source(node)}` {problem}", node.start)

    def make(self, node: _Node, build: Callable[[], sympy.Expr]) -> _Node:
        """The part with its SymPy expression, unless exact arithmetic would be slow: then a
        constant gets a sympy.Float of its float64 value, and anything else is refused."""
        if node.value is not None and (node.bits > MAX_BITS or node.degree > MAX_DEGREE):
            return _inexact(node)
        if node.bits > MAX_BITS:
            raise FormulaError(
                f"The part `{self.source(node)}` makes numbers too large to handle exactly; "
                "use smaller numbers or exponents",
                node.start,
            )
        try:
            expr = build()
        except Exception as err:  # SymPy has bugs on exotic input; refuse rather than crash
            message = f"The part `{self.source(node)}` cannot be worked out; simplify it"
            raise FormulaError(message, node.start) from err
        node = self.check(replace(node, expr=expr))
        if node.value is not None:  # measure: SymPy writes cos(pi/120) as a page of roots
            roots = [p.exp.q for p in node.expr.atoms(sympy.Pow) if p.exp.is_Rational]
            node = replace(node, degree=math.prod(map(_big, roots)))
            return _inexact(node) if node.degree > MAX_DEGREE else node
        return node

    def check(self, node: _Node) -> _Node:
        """Refuse what SymPy's own simplification made undefined, too large or slow: tan(pi/2),
        x/(x - x), (x - x - 8)^(1/3), x*1e308*10, x^1.0000001. A part that SymPy reduced to a
        number (x - x + 1) gets its float64 value, so it is a constant from then on."""
        expr, args = node.expr, node.expr.args
        if expr in _UNDEFINED or any(a in _UNDEFINED for a in args):
            raise FormulaError(
                f"The part `{self.source(node)}` is undefined; change it", node.start
            )
        if node.value is None and expr.is_number:
            return replace(node, value=self.constant(lambda: expr, node))
        for number in (a for a in args if a.is_Number):
            self.constant(lambda: number, node, "A number in")  # noqa: B023
        # SymPy's assumptions about x**(p/q) take time growing with p (a gcd of degree p). Each
        # step combines checked parts, so new exponents can only be near the top.
        for part in (expr, *args, *(b for a in args for b in a.args)):
            exp = part.exp if part.is_Pow and node.value is None else sympy.S.One
            if not exp.is_Integer and exp.is_Rational and max(abs(exp.p), exp.q) > MAX_ROOT:
                raise FormulaError(
                    f"The exponent in `{self.source(node)}` is too complicated; use a simpler one "
                    f"such as 1/3 or 1.5 (numerator and denominator at most {MAX_ROOT})",
                    node.start,
                )
        return node


def _check_names(variables: Sequence[str]) -> tuple[str, ...]:
    names = tuple(variables)
    for name in names:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name) or keyword.iskeyword(name):
            message = f"The name {name!r} is not valid; use a letter, then letters, digits or _"
            raise FormulaError(message, 0)
        if len(name) > MAX_NAME or name in FUNCTIONS or name in CONSTANTS:
            message = f"The name '{name[:MAX_NAME]}' is too long or taken; use another name"
            raise FormulaError(message, 0)
        if names.count(name) > 1:
            raise FormulaError(f"The variable '{name}' is listed twice; list it once", 0)
    if len(names) > MAX_VARIABLES:
        raise FormulaError(f"Too many variables (over {MAX_VARIABLES}); use fewer", 0)
    return names


def parse(text: str, variables: Sequence[str] | None = None) -> Parsed:
    """Parse `text`, or raise FormulaError. The variables are the caller's, in their order, or
    else those the formula uses, in natural order."""
    if isinstance(variables, str):
        raise TypeError("variables must be a sequence of names, not one string")
    allowed = None if variables is None else _check_names(variables)
    if len(text) > MAX_LENGTH:
        message = f"The formula is too long ({len(text)} characters); shorten it to {MAX_LENGTH}"
        raise FormulaError(message, MAX_LENGTH)
    parser = _Parser(text, allowed)
    node = parser.formula()
    natural = tuple(sorted(parser.seen, key=natural_key))
    return Parsed(node.expr, natural if allowed is None else allowed)
