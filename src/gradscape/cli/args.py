"""What several commands read from the command line: a formula, a point, a view window."""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence

import numpy as np

from .. import gallery

View = tuple[tuple[float, float], tuple[float, float]]


class UsageError(ValueError):
    """Bad input from the command line: printed as one line, exit status 2."""


def formula_args(p: argparse.ArgumentParser) -> None:
    """The FORMULA argument and --variables, as every formula command takes them."""
    p.add_argument("formula", help="a formula such as 'w1^2 + 3w2^2', or a gallery name")
    p.add_argument(
        "--variables",
        metavar="A,B",
        help="the variables' order, e.g. w2,w1 (default: natural order)",
    )


def formula_text(ns: argparse.Namespace) -> tuple[str, gallery.Entry | None]:
    """The formula a command names (a gallery name resolved), and its gallery entry if any.

    Sets ns.formula to that text too, so an error's caret lines up under it.
    """
    text = ns.formula.strip()  # a leading space kept "-x^2" from looking like an option
    entry = gallery.resolve(text)
    ns.formula = entry.formula if entry else text
    return ns.formula, entry


def variables(ns: argparse.Namespace) -> list[str] | None:
    """--variables as a list of names, or None for the formula's natural order."""
    given = getattr(ns, "variables", None)
    return [v.strip() for v in given.split(",")] if given else None


def parse_point(text: str, names: Sequence[str], option: str) -> np.ndarray:
    """'3,1' -> array([3., 1.]): one finite number per variable, or a message what to type."""
    try:
        values = [float(v) for v in text.replace(" ", "").split(",") if v != ""]
    except ValueError:
        raise UsageError(
            f"{option} takes numbers separated by commas, e.g. {option} 3,1; got {text!r}"
        ) from None
    if len(values) != len(names) or not all(math.isfinite(v) for v in values):
        raise UsageError(
            f"{option} needs {len(names)} finite numbers ({', '.join(names)}); got {text!r}"
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
