"""Turn a formula typed by a person into gradscape's own parse tree, safely and in linear time.

A hand-written tokenizer and recursive-descent parser build a tree of `Node`s: user text is never
evaluated as code (no eval, sympify, parse_expr or lambdify on strings), and SymPy takes no part,
so a parse takes time linear in the text and reads the formula exactly as typed (`x/x` is 0/0 at
x = 0, `exp(log(x))` is undefined for x <= 0). Grammar (EBNF; spaces and tabs separate tokens;
`**` is the same as `^`):

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

The tree is hash-consed: a part typed twice is one `Node` (so `(x^2 + 1)` in two places is built
once into the program, and `x - x` is known to be zero). Every constant part carries its float64
value, computed as it is read with overflow and domain checks, so `9^9^9` is refused at once.

Limits, each refused with a `FormulaError` that gives the column and says what to do:
- MAX_LENGTH characters of printable ASCII (tab counts as a space); names of at most MAX_NAME
  characters that are not Python keywords; at most MAX_VARIABLES distinct variables;
- MAX_DEPTH nested levels, where a parenthesis, a function call, a sign and an exponent each
  count one level, so no input can exhaust Python's recursion;
- every constant part must be a finite real float64 (`1e999`, `1/0`, `log(0)`, `asin(2)`,
  `tan(pi/2)` are refused), no part may divide by zero (`x/(x - x)`), and the numbers a product
  multiplies together must stay finite (`x*1e308*10`).
The program built from the tree (`program/`) is limited by its op count (MAX_OPS).

SymPy reads the tree only when asked (`Parsed.expr`, `symbolic.py`): for printed partials.
"""

from __future__ import annotations

import keyword
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from gradscape.functions import CONSTANTS, FUNCTIONS, OPS, Function
from gradscape.tree import Node

if TYPE_CHECKING:
    import sympy

MAX_LENGTH = 500
MAX_DEPTH = 32
MAX_NAME = 32
MAX_VARIABLES = 32

CONSTANT_VALUES = {"pi": math.pi, "e": math.e}  # float64 values of functions.CONSTANTS
# functions with f(0) = 0: a part like sin(x - x) is zero wherever it is defined
_ZERO_AT_ZERO = {"sin", "tan", "asin", "atan", "sinh", "tanh", "sqrt", "abs"}


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
    """A parsed formula: its tree and its variables (natural order, unless the caller named
    them). `expr` is the SymPy reading of the tree, made on first use (see symbolic.py)."""

    tree: Node
    variables: tuple[str, ...]

    @cached_property
    def expr(self) -> sympy.Expr:
        """The tree as a SymPy expression (SymPy simplifies as it reads: `x/x` becomes 1).
        Raises symbolic.SymbolicError where exact arithmetic would be too slow."""
        from .symbolic import to_sympy

        return to_sympy(self.tree)


def natural_key(name: str) -> tuple[tuple[int | str, ...], str]:
    """Sort key putting digit runs in numeric order: w1 < w2 < w10, phi < theta, x < y < z."""
    parts = re.split(r"(\d+)", name)  # text, digits, text, ...: same types at same positions
    return tuple(int(p) if i % 2 else p.lower() for i, p in enumerate(parts)), name


def symbol(name: str) -> sympy.Symbol:
    """The one way SymPy variables are made: every variable is real (see symbolic.py)."""
    from .symbolic import symbol as make

    return make(name)


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


class _Part(NamedTuple):
    """A node as it appears in the text: formula[start:end], and the product of the numbers its
    chain of products and quotients multiplies together (x*1e308*10 has 1e309)."""

    node: Node
    start: int
    end: int
    coefficient: float = 1.0

    @property
    def value(self) -> float | None:
        return self.node.value


def _arithmetic(op: str, a: float, b: float) -> float:
    return a + b if op == "+" else a - b if op == "-" else a * b if op == "*" else a / b


_KINDS = {"+": "add", "-": "sub", "*": "mul", "/": "div"}


class _Parser:
    def __init__(self, text: str, allowed: tuple[str, ...] | None) -> None:
        self.text, self.allowed = text, allowed
        self.tokens, self.pos, self.depth = _tokenize(text), 0, 0
        self.seen: dict[str, None] = {}  # variables in order of first use
        self.nodes: dict[tuple[object, ...], Node] = {}  # hash-consing: one Node per part

    def make(self, kind: str, args: tuple[Node, ...] = (), **fields: object) -> Node:
        """The one Node for this part: children are shared, so their ids identify them."""
        key = (kind, fields.get("name", ""), fields.get("number"), *map(id, args))
        node = self.nodes.get(key)
        if node is None:
            node = Node(kind, args, **fields)  # type: ignore[arg-type]
            self.nodes[key] = node
        return node

    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def take(self) -> _Token:
        self.pos += 1
        return self.tokens[self.pos - 1]

    def source(self, part: _Part) -> str:
        text = self.text[part.start : part.end].strip()
        return text if len(text) <= 40 else text[:37] + "..."

    def formula(self) -> _Part:
        if self.peek().kind == "end":
            raise FormulaError("Type a formula, for example w1^2 + 3w2^2", 0)
        part = self.expr()
        if self.peek().kind == ")":  # expr stops only at ')' or the end
            raise FormulaError("This ')' has no matching '('; remove it", self.peek().col)
        return part

    def nested(self, tok: _Token, parse: Callable[[], _Part]) -> _Part:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError(
                f"The formula nests too deeply (over {MAX_DEPTH} levels of parentheses, "
                "functions, signs or powers); simplify it",
                tok.col,
            )
        part = parse()
        self.depth -= 1
        return part

    def expr(self) -> _Part:
        part = self.term()
        while self.peek().kind in ("+", "-"):
            part = self.arithmetic(self.take().kind, part, self.term())
        return part

    def term(self) -> _Part:
        part = self.unary()
        while True:
            tok = self.peek()
            if tok.kind in ("*", "/"):
                self.take()
                part = self.arithmetic(tok.kind, part, self.unary())
            elif tok.kind in ("num", "name", "("):
                if tok.kind == "num" and self.tokens[self.pos - 1].kind == "num":
                    message = "Two numbers in a row; put an operator between them, such as 2*3"
                    raise FormulaError(message, tok.col)
                part = self.arithmetic("*", part, self.power())
            else:
                return part

    def unary(self) -> _Part:
        tok = self.peek()
        if tok.kind not in ("+", "-"):
            return self.power()
        self.take()
        part = self.nested(tok, self.unary)._replace(start=tok.col)
        if tok.kind == "+":
            return part
        a = part.node
        value = None if a.value is None else -a.value
        node = self.make("neg", (a,), value=value, zero=a.zero)
        return part._replace(node=node, coefficient=-part.coefficient)

    def power(self) -> _Part:
        base = self.atom()
        if self.peek().kind != "^":
            return base
        exponent = self.nested(self.take(), self.unary)
        part = _Part(base.node, base.start, exponent.end)
        b, p = base.value, exponent.value
        if p is not None and p < 0 and (b == 0 or base.node.zero):
            raise self.divides_by_zero(part, base.start)
        value = None
        if b is not None and p is not None:
            value = self.constant(lambda: math.pow(b, p), part)
        zero = base.node.zero and p is not None and p > 0
        node = self.make("pow", (base.node, exponent.node), value=value, zero=zero)
        return part._replace(node=node, coefficient=1.0 if value is None else value)

    def atom(self) -> _Part:
        tok = self.peek()
        if tok.kind == "num":
            return self.number(self.take())
        if tok.kind == "name":
            return self.name(self.take())
        if tok.kind == "(":
            self.take()
            inner = self.nested(tok, self.expr)
            return inner._replace(start=tok.col, end=self.close(tok).col + 1)
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

    def number(self, tok: _Token) -> _Part:
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
        node = self.make("num", number=exact, value=value, zero=value == 0)
        return _Part(node, tok.col, tok.col + len(tok.text), value)

    def name(self, tok: _Token) -> _Part:
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
            value = CONSTANT_VALUES[name]
            return _Part(self.make("const", name=name, value=value), tok.col, end, value)
        if self.allowed is not None and name not in self.allowed:
            listed = ", ".join(self.allowed) or "none"
            message = f"Unknown variable '{name}'; add it to the variables ({listed}) or remove it"
            raise FormulaError(message, tok.col)
        if name not in self.seen and len(self.seen) == MAX_VARIABLES:
            raise FormulaError(f"Too many variables (over {MAX_VARIABLES}); use fewer", tok.col)
        self.seen[name] = None
        return _Part(self.make("var", name=name), tok.col, end)

    def group(self) -> str:
        """The parenthesized text at the current token, for suggestions like foo*(x)."""
        depth, start = 0, self.peek().col
        for tok in self.tokens[self.pos :]:
            depth += {"(": 1, ")": -1}.get(tok.kind, 0)
            if depth == 0:
                part = self.text[start : tok.col + 1]
                return part if len(part) <= 30 else "(...)"
        return "(...)"

    def call(self, function: Function, tok: _Token) -> _Part:
        opening = self.take()
        arg = self.nested(opening, self.expr)
        part = _Part(arg.node, tok.col, self.close(opening).col + 1)
        value, a = None, arg.value
        if a is not None:
            x = np.float64(a)
            # tan's poles fall between float64 numbers: tan(pi/2) would be 1.6e16, not undefined
            pole = function.op == "tan" and abs(math.cos(a)) <= 4e-16 * max(1.0, abs(a))
            value = self.constant(lambda: math.nan if pole else OPS[function.op].numpy(x), part)
        zero = arg.node.zero and function.op in _ZERO_AT_ZERO
        node = self.make("call", (arg.node,), name=function.name, value=value, zero=zero)
        return part._replace(node=node, coefficient=1.0 if value is None else value)

    def arithmetic(self, op: str, a: _Part, b: _Part) -> _Part:
        part = _Part(a.node, a.start, b.end)
        if op == "/" and (b.value == 0 or b.node.zero):
            raise self.divides_by_zero(part, b.start)
        value, x, y = None, a.value, b.value
        if x is not None and y is not None:
            value = self.constant(lambda: _arithmetic(op, x, y), part)
        coefficient = 1.0 if value is None else value
        if value is None and op in "*/":
            # the numbers of a chain of products multiply together, as if typed in one place
            if op == "*" or b.coefficient != 0:
                coefficient = _arithmetic(op, a.coefficient, b.coefficient)
            if math.isinf(coefficient):
                self.constant(lambda: coefficient, part, "A number in")
        zero = {
            "+": a.node.zero and b.node.zero,
            "-": a.node is b.node or (a.node.zero and b.node.zero),
            "*": a.node.zero or b.node.zero,
            "/": a.node.zero,
        }[op]
        node = self.make(_KINDS[op], (a.node, b.node), value=value, zero=zero)
        return part._replace(node=node, coefficient=coefficient)

    def divides_by_zero(self, part: _Part, column: int) -> FormulaError:
        return FormulaError(f"The part `{self.source(part)}` divides by zero; change it", column)

    def constant(self, compute: Callable[[], object], part: _Part, what: str = "") -> float:
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
        raise FormulaError(f"{what} `{self.source(part)}` {problem}", part.start)


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


_LONE_LETTERS = set("abcdtuvwxyz")  # letters often used alone as variables


def name_hint(names: Sequence[str]) -> str | None:
    """A one-line hint when a formula's variable looks like a product typed without a space or
    `*` (`xy`, `ab`): names are read whole, so `xy` is one variable. None when none does."""
    for name in names:
        if 2 <= len(name) <= 3 and all(c in _LONE_LETTERS for c in name):
            product = "*".join(name)
            return (
                f"“{name}” is one variable named {name}; for a product write {product}"
                f" (or {' '.join(name)})"
            )
    return None


def parse(text: str, variables: Sequence[str] | None = None) -> Parsed:
    """Parse `text`, or raise FormulaError. The variables are the caller's, in their order, or
    else those the formula uses, in natural order. Time linear in the length of `text`."""
    if isinstance(variables, str):
        raise TypeError("variables must be a sequence of names, not one string")
    allowed = None if variables is None else _check_names(variables)
    if len(text) > MAX_LENGTH:
        message = f"The formula is too long ({len(text)} characters); shorten it to {MAX_LENGTH}"
        raise FormulaError(message, MAX_LENGTH)
    parser = _Parser(text, allowed)
    part = parser.formula()
    natural = tuple(sorted(parser.seen, key=natural_key))
    return Parsed(part.node, natural if allowed is None else allowed)
