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
Constants and functions come from `functions.py`; any other name is a real variable.

Limits, each refused with a `FormulaError` that gives the column and says what to do:
- at most MAX_LENGTH characters, printable ASCII (plus tab), names of at most MAX_NAME
  characters that are not Python keywords, and at most MAX_VARIABLES distinct variables;
- at most MAX_DEPTH nested levels, where a parenthesis, a function call, a sign and an exponent
  each count one level, so no input can exhaust Python's recursion;
- every constant part must be a finite real float64. It is computed in float64 *before* SymPy
  sees it, so `9^9^9` is refused in microseconds instead of SymPy computing 9^387420489 exactly;
- SymPy's exact numbers stay small: each node carries a bound on the bits of the exact numbers
  SymPy will compute for it (powers multiply it). A constant part over MAX_BITS, or a constant
  power with an exponent over MAX_EXACT_POWER, becomes a sympy.Float of its float64 value; any
  other part over MAX_BITS is refused. This keeps every parse well under 100 ms.
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
MAX_BITS = 8192  # ~2500 digits: fast to compute and below Python's 4300-digit str() limit
MAX_EXACT_POWER = 1024


class FormulaError(ValueError):
    """A formula that is refused: a one-line message and the 0-based column of the problem."""

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
    text: str  # as typed ("**" stays "**" for messages)
    col: int


# A number takes as many characters as it can, but `e`/`E` belongs to it only when digits follow
# (after an optional sign): `2e-3` is 0.002, `2e` is 2*e, `2e x` is 2*e*x, `1e5x` is 100000*x.
# A name then starts at a letter, so `3w2` is 3 times the variable w2.
_TOKEN = re.compile(
    r"(?P<space>[ \t]+)|(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z][A-Za-z0-9_]*)|(?P<op>\*\*|[-+*/^()])"
)
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_QUOTES = "Quotes are not part of formulas; remove them"
_BRACKETS = "Use round parentheses ( ) for grouping"
_HINTS = {
    **dict.fromkeys("'\"`", _QUOTES),
    **dict.fromkeys("[]{}", _BRACKETS),
    ",": "Commas are not part of formulas; functions take one argument and decimals use '.'",
    ";": "Type one formula only; remove ';'",
    "=": "Type only the expression, without '=': x^2 + y^2, not z = x^2 + y^2",
    "<": "Comparisons are not formulas; remove '<'",
    ">": "Comparisons are not formulas; remove '>'",
    "!": "Factorials are not supported; remove '!'",
    "|": "Write abs(x) for an absolute value, not |x|",
    "_": "Names must start with a letter; remove the '_'",
    ".": "'.' must be part of a number such as 0.5",
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
    return f"'{c}' is not part of formulas; use numbers, names, + - * / ^ and ( )"


def _tokenize(text: str) -> list[_Token]:
    tokens, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise FormulaError(_char_error(text[pos]), pos)
        kind, word = m.lastgroup or "", m.group()
        prev = text[pos - 1] if pos else " "
        if kind == "num" and word[0] == "." and (prev.isalnum() or prev in "._)"):
            # `1.2.3` and `1..2` would otherwise read as 1.2*.3; `x.5` and `x.real` look like code
            one = prev.isdigit() or prev == "."
            raise FormulaError("A number can have only one '.'" if one else _HINTS["."], pos)
        if kind == "name" and (len(word) > MAX_NAME or keyword.iskeyword(word)):
            problem = "is a reserved word" if len(word) <= MAX_NAME else "is too long"
            raise FormulaError(f"The name '{word[:MAX_NAME]}' {problem}; use another name", pos)
        if kind != "space":
            tokens.append(
                _Token("^" if word == "**" else word if kind == "op" else kind, word, pos)
            )
        pos = m.end()
    return [*tokens, _Token("end", "", len(text))]


@dataclass(frozen=True)
class _Node:
    expr: sympy.Expr
    start: int  # the node's text is formula[start:end]
    end: int
    value: float | None = None  # its float64 value, when it is a constant
    bits: float = 0.0  # bound on the bits of the exact numbers SymPy computes for it


_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}
_UNDEFINED = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)


def _log_growth(expr: sympy.Expr) -> float:
    """How much SymPy may raise numbers to a power: exp(n*log(r)) becomes r**n, exactly."""
    if not expr.has(sympy.log):
        return 1.0
    return max([1.0, *(abs(float(n)) for n in expr.atoms(sympy.Number))])


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
        if self.peek().kind == ")":
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
                    raise FormulaError(
                        "Two numbers in a row; put an operator between them, such as 2*3", tok.col
                    )
                node = self.arithmetic("*", node, self.power())
            else:
                return node

    def unary(self) -> _Node:
        tok = self.peek()
        if tok.kind not in ("+", "-"):
            return self.power()
        self.take()
        node = self.nested(tok, self.unary)
        if tok.kind == "-":
            value = None if node.value is None else -node.value
            node = _Node(-node.expr, tok.col, node.end, value, node.bits)
        return replace(node, start=tok.col)

    def power(self) -> _Node:
        base = self.atom()
        if self.peek().kind != "^":
            return base
        exponent = self.nested(self.take(), self.unary)
        start, end = base.start, exponent.end
        growth = 1.0 if base.value is None and base.expr.is_Add else abs(exponent.value or 1.0)
        log_growth = _log_growth(exponent.expr)
        bits = base.bits * max(growth, log_growth) + exponent.bits * log_growth
        if base.value is None or exponent.value is None:
            node = self.exact(_Node(sympy.S.Zero, start, end, None, bits))
            return self.check(replace(node, expr=base.expr**exponent.expr))
        if base.value == 0 and exponent.value < 0:
            raise self.divides_by_zero(replace(base, end=end), base.start)
        a, b = base.value, exponent.value
        value = self.constant(lambda: math.pow(a, b), _Node(sympy.S.Zero, start, end))
        if bits > MAX_BITS or abs(b) > MAX_EXACT_POWER:
            return _Node(sympy.Float(value), start, end, value, 64)  # exact would be slow
        return self.check(_Node(base.expr**exponent.expr, start, end, value, bits))

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
        if self.peek().kind != ")":  # the inner expression stops only at ')' or the end
            raise FormulaError("This '(' is never closed; add ')'", opening.col)
        return self.take()

    def missing(self, tok: _Token) -> FormulaError:
        prev = self.tokens[self.pos - 1].text if self.pos else ""
        if tok.kind == "end":
            message = f"The formula ends too soon; add something after '{prev}'"
        elif tok.kind == ")" and prev == "(":
            message = "Empty parentheses; put something between ( and )"
        elif tok.kind == ")":
            message = f"Something is missing between '{prev}' and ')'; fill it in"
        elif prev:
            message = f"'{tok.text}' cannot follow '{prev}'; remove one of them"
        else:
            message = f"'{tok.text}' needs something before it; add a number or remove '{tok.text}'"
        return FormulaError(message, tok.col)

    def number(self, tok: _Token) -> _Node:
        value = float(tok.text)
        mantissa = re.split("[eE]", tok.text)[0]
        if math.isinf(value):
            raise FormulaError(
                f"The number {tok.text[:20]} is too large for float64 (over 1.8e308); "
                "use a smaller number",
                tok.col,
            )
        if value == 0 and mantissa.strip("0."):
            raise FormulaError(
                f"The number {tok.text[:20]} is too small for float64 (under 5e-324); use 0",
                tok.col,
            )
        # the exact value; with zero mantissa `0e999999` must not compute 10**999999
        exact = Fraction(tok.text) if value else Fraction(0)
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
            nxt = self.peek()
            arg = nxt.text if nxt.kind in ("num", "name") else "x"
            raise FormulaError(f"Write {name}({arg}): a function needs parentheses", tok.col)
        if name in CONSTANTS:
            return _Node(CONSTANTS[name], tok.col, end, float(CONSTANTS[name]), 2)
        if self.allowed is not None and name not in self.allowed:
            listed = ", ".join(self.allowed) or "none"
            raise FormulaError(
                f"Unknown variable '{name}'; add it to the variables ({listed}) or remove it",
                tok.col,
            )
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
        node = _Node(sympy.S.Zero, tok.col, self.close(opening).col + 1)
        bits = arg.bits * _log_growth(arg.expr)
        if arg.value is None:
            node = self.exact(replace(node, bits=bits))
            return self.check(replace(node, expr=function.sympy(arg.expr)))
        x = np.float64(arg.value)
        value = self.constant(lambda: OPS[function.op].numpy(x), node)
        if bits > MAX_BITS:
            return replace(node, expr=sympy.Float(value), value=value, bits=64)
        return self.check(replace(node, expr=function.sympy(arg.expr), value=value, bits=bits))

    def arithmetic(self, op: str, a: _Node, b: _Node) -> _Node:
        if op == "/" and b.value == 0:
            raise self.divides_by_zero(replace(a, end=b.end), b.start)
        node = _Node(sympy.S.Zero, a.start, b.end, None, a.bits + b.bits)
        if a.value is not None and b.value is not None:
            x, y = a.value, b.value
            node = replace(node, value=self.constant(lambda: _ARITHMETIC[op](x, y), node))
        return self.check(replace(node, expr=_ARITHMETIC[op](a.expr, b.expr)))

    def exact(self, node: _Node) -> _Node:
        """Refuse a part (with variables) whose exact numbers SymPy would take long to compute."""
        if node.bits > MAX_BITS:
            raise FormulaError(
                f"The part `{self.source(node)}` makes numbers too large to handle exactly; "
                "use smaller numbers or exponents",
                node.start,
            )
        return node

    def divides_by_zero(self, node: _Node, column: int) -> FormulaError:
        return FormulaError(f"The part `{self.source(node)}` divides by zero; change it", column)

    def constant(
        self, compute: Callable[[], object], node: _Node, what: str = "The constant part"
    ) -> float:
        """The float64 value of a constant part, refusing one that is not a finite real."""
        try:
            with np.errstate(all="raise", under="ignore"):
                value = float(compute())  # type: ignore[arg-type]
        except (ArithmeticError, ValueError, TypeError) as err:  # TypeError: complex
            value = (
                math.inf if "overflow" in str(err) or isinstance(err, OverflowError) else math.nan
            )
        if math.isfinite(value):
            return value
        problem = (
            "is too large for float64 (over 1.8e308); use smaller numbers"
            if math.isinf(value)
            else "is undefined in the real numbers; change it"
        )
        raise FormulaError(f"{what} `{self.source(node)}` {problem}", node.start)

    def check(self, node: _Node) -> _Node:
        """Refuse what SymPy's own simplification made undefined or too large: tan(pi/2),
        x/(x - x), (x - x - 8)^(1/3), x*1e308*10. A part that SymPy reduced to a number
        (x - x + 1) gets its float64 value, so it is treated as a constant from then on."""
        expr, args = node.expr, node.expr.args
        if expr in _UNDEFINED or any(a in _UNDEFINED for a in args):
            raise FormulaError(
                f"The part `{self.source(node)}` is undefined; change it", node.start
            )
        if node.value is None and expr.is_number:
            return replace(node, value=self.constant(lambda: expr, node))
        if (expr.is_Add or expr.is_Mul) and args[0].is_Number:
            self.constant(lambda: args[0], node, "A number in")
        return node


def _check_names(variables: Sequence[str]) -> tuple[str, ...]:
    names = tuple(variables)
    for name in names:
        if not _NAME.fullmatch(name) or len(name) > MAX_NAME or keyword.iskeyword(name):
            message = f"{name!r} is not a valid variable name; use a letter then letters, digits, _"
            raise FormulaError(message, 0)
        if name in FUNCTIONS or name in CONSTANTS:
            raise FormulaError(f"'{name}' is a function or constant; name the variable else", 0)
        if names.count(name) > 1:
            raise FormulaError(f"The variable '{name}' is listed twice; list it once", 0)
    if len(names) > MAX_VARIABLES:
        raise FormulaError(f"Too many variables (over {MAX_VARIABLES}); use fewer", 0)
    return names


def parse(text: str, variables: Sequence[str] | None = None) -> Parsed:
    """Parse `text`; the variables are the caller's, in order, or those used, in natural order."""
    allowed = None if variables is None else _check_names(variables)
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            f"The formula is too long ({len(text)} characters); shorten it to {MAX_LENGTH}",
            MAX_LENGTH,
        )
    parser = _Parser(text, allowed)
    node = parser.formula()
    return Parsed(node.expr, allowed or tuple(sorted(parser.seen, key=natural_key)))
