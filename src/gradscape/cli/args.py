"""What several commands read from the command line: a formula, a point, a view window."""

from __future__ import annotations

import argparse
import difflib
import math
import re
import sys
from collections.abc import Sequence

import numpy as np

from .. import gallery
from ..formula import FormulaError, Parsed, parse
from ..parameters import bind, parse_param

View = tuple[tuple[float, float], tuple[float, float]]


class UsageError(ValueError):
    """Bad input from the command line: printed as one line, exit status 2."""


class TypedFormulaError(FormulaError):
    """A FormulaError in text other than FORMULA (an --also formula): the caret goes under
    `typed`."""

    def __init__(self, message: str, column: int, typed: str) -> None:
        super().__init__(message, column)
        self.typed = typed


def formula_args(p: argparse.ArgumentParser) -> None:
    """The FORMULA argument, --variables and --param, as every formula command takes them."""
    p.add_argument("formula", help="a formula such as 'w1^2 + 3w2^2', or a gallery name")
    p.add_argument(
        "--variables",
        metavar="A,B",
        help="the variables' order, e.g. w2,w1 (default: natural order)",
    )
    param_arg(p)


def param_arg(p: argparse.ArgumentParser) -> None:
    """--param NAME=NUMBER (repeatable): a variable fixed at a number, e.g. a in a*x^2 + y^2."""
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=NUMBER",
        help="fix a variable at a number, e.g. --param a=2 for a*x^2 + y^2 (repeatable)",
    )


def params(ns: argparse.Namespace) -> dict[str, float]:
    """--param as {name: value}; raises ValueError (one line) for bad text or a name twice."""
    out: dict[str, float] = {}
    for text in getattr(ns, "param", None) or []:
        name, value = parse_param(text)
        if name in out:
            raise ValueError(f"--param {name} is given twice; give each parameter once")
        out[name] = value
    return out


def formula_text(ns: argparse.Namespace) -> tuple[str, gallery.Entry | None]:
    """The formula a command names (a gallery name resolved), and its gallery entry if any.

    Sets ns.formula to that text too, so an error's caret lines up under it.
    """
    text = ns.formula.strip()  # a leading space kept "-x^2" from looking like an option
    entry = gallery.resolve(text)
    ns.formula = entry.formula if entry else text
    return ns.formula, entry


def parsed_formula(text: str, ns: argparse.Namespace) -> Parsed:
    """`text` parsed in --variables' order (if given), with --param's numbers bound in."""
    fixed = params(ns)
    names = variables(ns)
    parsed = parse(text, None if names is None else [*names, *fixed])
    return bind(parsed, fixed) if fixed else parsed


def variables(ns: argparse.Namespace) -> list[str] | None:
    """--variables as a list of names, or None for the formula's natural order."""
    given = getattr(ns, "variables", None)
    return [v.strip() for v in given.split(",")] if given else None


def optimizer_name(text: str) -> str:
    """--optimizer's value in any case (Adam, ADAM, adam): argparse's choices are lower case."""
    return text.strip().lower()


def gallery_hint(typed: str | None) -> str:
    """For a formula that is one bare name and no gallery name: which gallery names it is close
    to (difflib), as a sentence to add to a message; "" for anything else."""
    if not typed or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_.\-]*", typed.strip()):
        return ""
    key = typed.strip().lower().replace("_", "-").replace(".", "-")
    close = difflib.get_close_matches(key, list(gallery.GALLERY), n=3, cutoff=0.6)
    # a word of an entry's title counts too: "banana" is Rosenbrock's banana valley
    words = {e.name: re.findall(r"[a-z0-9]+", e.title.lower()) for e in gallery.GALLERY.values()}
    close += [name for name, ws in words.items() if name not in close and key in ws]
    if not close:
        return f" ({typed.strip()!r} is read as a variable: it is not a gallery name)"
    names = " or ".join(repr(c) for c in close)
    return f". {typed.strip()!r} is not a gallery name: did you mean {names}?"


def note_gallery_miss(typed: str | None) -> None:
    """On stderr: a bare-name formula close to a gallery name is read as a variable."""
    hint = gallery_hint(typed)
    if "did you mean" in hint:
        print(f"gradscape: note: {hint.lstrip('. ')} It is read as a variable.", file=sys.stderr)


def parse_point(
    text: str, names: Sequence[str], option: str, typed: str | None = None
) -> np.ndarray:
    """'3,1' -> array([3., 1.]): one finite number per variable, or a message what to type.

    `typed` is the formula as typed when it named no gallery entry: a bare name close to a
    gallery name gets a "did you mean" in the message.
    """
    try:
        values = [float(v) for v in text.replace(" ", "").split(",") if v != ""]
    except ValueError:
        raise UsageError(
            f"{option} takes numbers separated by commas, e.g. {option} 3,1; got {text!r}"
        ) from None
    if len(values) != len(names) or not all(math.isfinite(v) for v in values):
        numbers = "number" if len(names) == 1 else "numbers"
        hint = gallery_hint(typed) if len(values) != len(names) else ""
        raise UsageError(
            f"{option} needs {len(names)} finite {numbers} ({', '.join(names)}); got {text!r}"
            + hint
        )
    return np.array(values)


def parse_view(text: str) -> View:
    """'XMIN,XMAX,YMIN,YMAX' -> ((xmin, xmax), (ymin, ymax)), each width from 1e-9 to 1e12."""
    try:
        v = [float(s) for s in text.replace(" ", "").split(",")]
    except ValueError:
        v = []
    if (
        len(v) != 4
        or not all(math.isfinite(x) for x in v)
        or not all(1e-9 <= width <= 1e12 for width in (v[1] - v[0], v[3] - v[2]))
    ):
        raise UsageError(
            "--view takes XMIN,XMAX,YMIN,YMAX with min < max and each width from 1e-9 to 1e12, "
            f"e.g. --view=-2,2,-1,3; got {text!r}"
        )
    return ((v[0], v[1]), (v[2], v[3]))
