"""Printing SymPy expressions for people: gradscape's formula text, a line of HTML, LaTeX.

    to_text(2*w1)   # "2 w1"      (parse(to_text(e)) gives e back)
    to_html(2*w1)   # "2\u2009<i>w</i><sub>1</sub>"
    printed(e)      # {"text", "latex", "html"}: what a readout shows, or "(too long to show)"

One printer per target, in SymPy's manner (dispatch by the expression's class name); the HTML
printer is the text printer with a few tables changed. `GREEK` is the one table of Greek letter
names a variable may use (``alpha`` prints as α).
"""

from __future__ import annotations

import re
from typing import Any

import sympy
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.str import StrPrinter

MAX_SHOWN = 2000  # characters of a formula's text worth printing in a readout

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
        return {
            "text": "(too long to show)",
            "latex": r"\text{(too long to show)}",
            "html": "(too long to show)",
        }
    return {"text": text, "latex": to_latex(expr), "html": to_html(expr)}


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

__all__ = ["GREEK", "MAX_SHOWN", "printed", "to_html", "to_latex", "to_text"]
