"""Printing formulas for people: gradscape's formula text, a line of HTML, LaTeX.

Two sources. The formula itself prints from its parse tree, as typed, without SymPy:

    printed_tree(parse("(x^2 + y - 11)^2").tree)   # {"text": "(x^2 + y - 11)^2", ...}

Partials come from SymPy (simplified), with SymPy printers in SymPy's manner (dispatch by the
expression's class name; the HTML printer is the text printer with a few tables changed):

    to_text(2*w1)   # "2 w1"      (parse(to_text(e)) gives e back)
    to_html(2*w1)   # "2\u2009<i>w</i><sub>1</sub>"
    printed(e)      # {"text", "latex", "html"}: what a readout shows, or "(too long to show)"

Both print the same language, so `parse` reads either back. `GREEK` is the one table of Greek
letter names a variable may use (``alpha`` prints as α).
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

import sympy
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.str import StrPrinter

from .tree import Node

MAX_SHOWN = 2000  # characters of a formula's text worth printing in a readout
TOO_LONG = {
    "text": "(too long to show)",
    "latex": r"\text{(too long to show)}",
    "html": "(too long to show)",
}
UNAVAILABLE = {  # a partial SymPy could not work out in time: its values are still exact
    "text": "(not available)",
    "latex": r"\text{(not available)}",
    "html": "(not available)",
}

GREEK = {
    name: chr(code)
    for name, code in [
        ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4),
        ("epsilon", 0x3B5), ("eta", 0x3B7), ("theta", 0x3B8), ("lambda", 0x3BB),
        ("mu", 0x3BC), ("phi", 0x3C6), ("psi", 0x3C8), ("omega", 0x3C9), ("sigma", 0x3C3),
        ("tau", 0x3C4), ("rho", 0x3C1), ("xi", 0x3BE), ("nu", 0x3BD), ("kappa", 0x3BA),
    ]
}  # fmt: skip


def to_text(expr: sympy.Expr) -> str:
    """The expression in gradscape's formula language (parse(to_text(e)) gives e back)."""
    return _TextPrinter({"order": "none"}).doprint(expr)


def to_html(expr: sympy.Expr) -> str:
    """The expression as a line of HTML (variables italic, powers raised, true minus signs)."""
    return _HtmlPrinter({"order": "none"}).doprint(expr).replace("-", "−")


def to_latex(expr: sympy.Expr) -> str:
    return sympy.latex(expr)


def printed(expr: sympy.Expr) -> dict[str, str]:
    """The expression as text, LaTeX and HTML; "(too long to show)" past MAX_SHOWN characters
    of text (its value is still exact; only the formula is too big to read)."""
    text = to_text(expr)
    if len(text) > MAX_SHOWN:
        return dict(TOO_LONG)
    return {"text": text, "latex": to_latex(expr), "html": to_html(expr)}


# --- the formula as typed, from its parse tree ------------------------------------------------


def printed_tree(tree: Node) -> dict[str, str]:
    """The formula as typed (its order, its functions' names) as text, LaTeX and HTML."""
    text = tree_text(tree)
    if len(text) > MAX_SHOWN:
        return dict(TOO_LONG)
    return {"text": text, "latex": tree_latex(tree), "html": tree_html(tree)}


def tree_text(tree: Node) -> str:
    """The tree in gradscape's formula language, fewest parentheses (parse gives it back)."""
    return _TreeText().print(tree)


def tree_html(tree: Node) -> str:
    """The tree as a line of HTML (variables italic, powers raised, true minus signs)."""
    return _TreeHtml().print(tree)


def tree_latex(tree: Node) -> str:
    return _TreeLatex().print(tree)


# precedence levels of the grammar (formula.py): sum, product, signed, power, atom
_SUM, _PRODUCT, _SIGNED, _POWER, _ATOM = 1, 2, 3, 4, 5
_LEVEL = {"add": _SUM, "sub": _SUM, "mul": _PRODUCT, "div": _PRODUCT, "neg": _SIGNED}


def _number(value: Fraction) -> str:
    if value.denominator == 1 and abs(value) < 10**16:
        return str(value.numerator)
    return repr(float(value)).replace("e+", "e")


class _TreeText:
    """Print a tree by precedence: a part is parenthesized only where the grammar needs it."""

    times, juxtapose, minus = "*", " ", "-"

    def print(self, tree: Node) -> str:
        return self.part(tree)[0]

    def part(self, node: Node) -> tuple[str, int]:
        kind = node.kind
        if kind == "num":
            assert node.number is not None
            return self.num(_number(node.number)), _ATOM
        if kind == "const":
            return self.const(node.name), _ATOM
        if kind == "var":
            return self.var(node.name), _ATOM
        if kind == "call":
            return self.call(node.name, self.part(node.args[0])[0]), _ATOM
        if kind == "neg":
            (a,) = node.args
            inner = self.wrap(a, _SIGNED + (a.kind == "neg"))  # -(-x), not --x
            return f"{self.minus}{inner}", _SIGNED
        if kind == "pow":
            base, exponent = node.args
            return self.power(self.wrap(base, _ATOM), self.part(exponent), base), _POWER
        a, b = node.args
        if kind in ("add", "sub"):
            sign = " + " if kind == "add" else f" {self.minus} "
            return f"{self.wrap(a, _SUM)}{sign}{self.wrap(b, _PRODUCT)}", _SUM
        if kind == "div":
            return self.divide(a, b), _PRODUCT
        left, (right, level) = self.wrap(a, _PRODUCT), self.part(b)
        if level < _SIGNED:
            right, level = self.group(right), _ATOM
        return self.multiply(left, right, level), _PRODUCT

    def wrap(self, node: Node, level: int) -> str:
        text, own = self.part(node)
        return text if own >= level else self.group(text)

    def group(self, text: str) -> str:
        return f"({text})"

    def num(self, text: str) -> str:
        return text

    def const(self, name: str) -> str:
        return name

    def var(self, name: str) -> str:
        return name

    def call(self, name: str, arg: str) -> str:
        return f"{name}({arg})"

    def power(self, base: str, exponent: tuple[str, int], node: Node) -> str:
        text, level = exponent
        return f"{base}^{text if level >= _SIGNED else self.group(text)}"

    def divide(self, a: Node, b: Node) -> str:
        return f"{self.wrap(a, _PRODUCT)}/{self.wrap(b, _SIGNED)}"

    def multiply(self, left: str, right: str, level: int) -> str:
        # juxtapose (2 x, x y, sin(x) cos(y)) where it reads back the same: a power or an atom
        # that starts with a letter; else '*' (2*3, x*(y + 1), x*-y)
        if level >= _POWER and right[:1].isalpha():
            return f"{left}{self.juxtapose}{right}"
        return f"{left}{self.times}{right}"


class _TreeHtml(_TreeText):
    juxtapose, minus = "\u2009", "\u2212"

    def num(self, text: str) -> str:
        return text.replace("-", "\u2212")

    def const(self, name: str) -> str:
        return "π" if name == "pi" else "<i>e</i>"

    def var(self, name: str) -> str:
        m = re.fullmatch(r"([A-Za-z_]*[A-Za-z])_?(\d+)", name)
        if m:
            return f"<i>{GREEK.get(m[1], m[1])}</i><sub>{m[2]}</sub>"
        return f"<i>{GREEK.get(name, name)}</i>"

    def power(self, base: str, exponent: tuple[str, int], node: Node) -> str:
        return f"{base}<sup>{exponent[0]}</sup>"

    def multiply(self, left: str, right: str, level: int) -> str:
        if (level >= _POWER and right[:1].isalpha()) or right[:1] in "<(π":
            return f"{left}{self.juxtapose}{right}"
        return f"{left}·{right}"  # a visible dot between two numbers: 2·3, not 2 3


_LATEX_NAMES = {"asin": r"\operatorname{asin}", "acos": r"\operatorname{acos}"}
_LATEX_NAMES["atan"] = r"\operatorname{atan}"


class _TreeLatex(_TreeText):
    times = r" \cdot "

    def group(self, text: str) -> str:
        return rf"\left({text}\right)"

    def num(self, text: str) -> str:
        mantissa, _, exponent = text.partition("e")
        return rf"{mantissa} \cdot 10^{{{exponent}}}" if exponent else text

    def const(self, name: str) -> str:
        return r"\pi" if name == "pi" else "e"

    def var(self, name: str) -> str:
        m = re.fullmatch(r"([A-Za-z]*[A-Za-z])_?(\d+)", name)
        base, sub = (m[1], m[2]) if m else (name, "")
        base = f"\\{base}" if base in GREEK else base.replace("_", r"\_")
        base = base if len(base) == 1 or base.startswith("\\") else rf"\mathit{{{base}}}"
        return f"{base}_{{{sub}}}" if sub else base

    def call(self, name: str, arg: str) -> str:
        if name == "sqrt":
            return rf"\sqrt{{{arg}}}"
        if name == "abs":
            return rf"\left|{arg}\right|"
        return rf"{_LATEX_NAMES.get(name, chr(92) + name)}\left({arg}\right)"

    def power(self, base: str, exponent: tuple[str, int], node: Node) -> str:
        return f"{base}^{{{exponent[0]}}}"

    def divide(self, a: Node, b: Node) -> str:
        return rf"\frac{{{self.part(a)[0]}}}{{{self.part(b)[0]}}}"

    def multiply(self, left: str, right: str, level: int) -> str:
        if right[:1].isdigit() or right.startswith(("-", r"\frac")):
            return f"{left}{self.times}{right}"
        return f"{left} {right}"


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
            return f"<i>{GREEK.get(m[1], m[1])}</i><sub>{m[2]}</sub>"
        return f"<i>{GREEK.get(name, name)}</i>"

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

__all__ = ["GREEK", "MAX_SHOWN", "TOO_LONG", "UNAVAILABLE", "printed", "printed_tree"]
__all__ += ["to_html", "to_latex", "to_text", "tree_html", "tree_latex", "tree_text"]
