"""Parameters: the variables of a formula beyond the two a picture spans.

`a*x^2 + y^2` has three variables; the explorer draws x and y and gives `a` a slider. Which two
are the axes: x and y if the formula has both, else w1 and w2, else the first two in natural
order (see `axes_and_parameters`); the browser's axis chooser can pick others. The program is
compiled over all of them, axes first, so the browser evaluates a slider's value as an input of
the same program (static/core/params.js), with no compile while sliding.

On the command line a parameter is fixed with `--param a=2` (`gradscape grad`, `descend`,
`plot`): `bind` puts the number into the parse tree, so the surface is the formula of the
remaining variables with the number in the parameter's place, computed with the very ops the
browser runs with the slider there.

    axes_and_parameters(("a", "x", "y"))       # (("x", "y"), ("a",))
    bind(parse("a*x^2 + y^2"), {"a": 2.0})     # the tree of 2*x^2 + y^2, variables (x, y)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from fractions import Fraction

from .formula import Parsed
from .tree import Node

MAX_PARAMETERS = 8  # sliders beyond this would not fit beside the formula
_PAIRS = (("x", "y"), ("w1", "w2"))


def axes_and_parameters(names: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The two variables a picture spans and the rest, in order, for `names` (natural order).

    With two variables or fewer every one is an axis. Raises ValueError (one line, what to do)
    past MAX_PARAMETERS parameters.
    """
    names = tuple(names)
    if len(names) <= 2:
        return names, ()
    axes = next((pair for pair in _PAIRS if all(n in names for n in pair)), names[:2])
    rest = tuple(n for n in names if n not in axes)
    if len(rest) > MAX_PARAMETERS:
        raise ValueError(
            f"This formula has {len(names)} variables: two are drawn and at most "
            f"{MAX_PARAMETERS} can be sliders; replace some with numbers"
        )
    return axes, rest


def parse_param(text: str) -> tuple[str, float]:
    """`--param a=2` as ("a", 2.0); raises ValueError (one line, what to do) for bad text."""
    name, eq, value = text.partition("=")
    name = name.strip()
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not eq or not name or not math.isfinite(number):
        raise ValueError(f"--param needs NAME=NUMBER, e.g. --param a=2 (got {text!r})")
    return name, number


def bind(parsed: Parsed, values: Mapping[str, float]) -> Parsed:
    """`parsed` with each variable named in `values` replaced by that number (a negative one as
    a negated number, as if typed in brackets). Raises ValueError for a name the formula does
    not have."""
    missing = [n for n in values if n not in parsed.variables]
    if missing:
        have = ", ".join(parsed.variables) or "none"
        raise ValueError(
            f"--param {missing[0]}=...: the formula has no variable {missing[0]!r} "
            f"(its variables: {have})"
        )
    memo: dict[int, Node] = {}

    def number(v: float) -> Node:
        magnitude = Node("num", number=Fraction(repr(abs(v))), value=abs(v), zero=v == 0)
        negative = math.copysign(1.0, v) < 0  # -0.0 too
        return Node("neg", args=(magnitude,)) if negative else magnitude

    def walk(node: Node) -> Node:
        done = memo.get(id(node))
        if done is not None:
            return done
        if node.kind == "var" and node.name in values:
            out = number(float(values[node.name]))
        elif node.args:
            args = tuple(walk(a) for a in node.args)
            same = all(a is b for a, b in zip(args, node.args, strict=True))
            out = node if same else replace(node, args=args, value=None)
        else:
            out = node
        memo[id(node)] = out
        return out

    tree = walk(parsed.tree)
    return Parsed(tree, tuple(v for v in parsed.variables if v not in values))


__all__ = ["MAX_PARAMETERS", "axes_and_parameters", "bind", "parse_param"]
