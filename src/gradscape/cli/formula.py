"""`gradscape grad`, `gradscape descend` and `gradscape gallery`: a formula in the terminal."""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

import numpy as np

from .. import gallery
from ..descent import OPTIMIZERS, Trajectory, descend
from ..jsondata import jsonable
from ..landscape import Point
from ..printing import tree_text
from ..surface import Surface
from .args import (
    UsageError,
    formula_args,
    formula_text,
    note_gallery_miss,
    optimizer_name,
    parse_point,
    parsed_formula,
)
from .pointkind import Kink, end_point_sentence, hessian_kind, kinks


def add_commands(sub: Any) -> None:
    g = sub.add_parser("grad", help="the gradient of FORMULA at a point")
    formula_args(g)
    g.add_argument(
        "--at", metavar="X,Y", help="the point, e.g. 3,1 (required unless L is a constant)"
    )
    g.add_argument("--json", action="store_true", help="print one JSON object")
    g.set_defaults(run=grad)

    d = sub.add_parser("descend", help="run an optimizer on FORMULA and print the path")
    formula_args(d)
    d.add_argument("--from", dest="start", required=True, metavar="X,Y", help="start point")
    d.add_argument(
        "--optimizer",
        default="gd",
        type=optimizer_name,
        choices=sorted(OPTIMIZERS),
        help="default gd (any case: Adam, adam)",
    )
    d.add_argument("--lr", type=float, default=None, help="learning rate (optimizer's default)")
    d.add_argument("--steps", type=int, default=100, help="at most this many steps (100)")
    d.add_argument("--tol", type=float, default=1e-6, help="stop when |grad| < tol (1e-6)")
    d.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="another hyperparameter, e.g. --set beta=0.95 (repeatable)",
    )
    d.add_argument("--json", action="store_true", help="print the trajectory as JSON")
    d.set_defaults(run=descend_command)

    gl = sub.add_parser("gallery", help="list the named surfaces")
    gl.add_argument("--json", action="store_true", help="print JSON")
    gl.set_defaults(run=gallery_command)


def surface_from(ns: argparse.Namespace) -> Surface:
    """The Surface a command names: a gallery name or a formula, in the requested order."""
    text, entry = formula_text(ns)
    ns.typed = None if entry else text  # the words typed, for a hint if they miss the gallery
    return Surface.from_parsed(text, parsed_formula(text, ns))


def _fmt(x: float) -> str:
    if not math.isfinite(x):
        return "undefined"
    return f"{x:.6g}" if x != 0 else "0"


def _vec(v: Point) -> str:
    return "(" + ", ".join(_fmt(float(x)) for x in v) + ")"


def grad(ns: argparse.Namespace) -> int:
    s = surface_from(ns)
    if not s.variables:
        return _constant(ns, s)
    if ns.at is None:
        raise UsageError("give the point with --at, e.g. --at 3,1")
    at = parse_point(ns.at, s.variables, "--at", typed=ns.typed)
    note_gallery_miss(ns.typed)
    value, gradient = s.value_and_gradient(at)
    status, note, kinked = _gradient_status(s, at, value, gradient)
    shown = np.array(gradient, dtype=np.float64)
    for k in kinked:
        shown[k.index] = math.nan  # no single value at a kink
    norm = float(np.linalg.norm(shown))
    direction = -shown / norm if status == "defined" else None
    if ns.json:
        print(
            json.dumps(
                jsonable(
                    {
                        "formula": ns.formula,
                        "variables": list(s.variables),
                        "point": at,
                        "value": value,
                        "partials": [p["text"] for p in s.printed_partials()],
                        "gradient": shown,
                        "gradient_norm": norm,
                        "descent_direction": direction,
                        "gradient_status": status,
                        "note": note,
                        "one_sided": {k.variable: [k.left, k.right] for k in kinked} or None,
                    }
                ),
                allow_nan=False,
            )
        )
        return 0
    names = ", ".join(s.variables)
    labels = [f"dL/d{p['variable']} = {p['text']}" for p in s.printed_partials()]
    width = max(len(label) for label in [*labels, "L"])
    print(f"L({names}) = {tree_text(s.tree)}")
    print(f"at ({names}) = {_vec(at)}\n")
    print(f"  {'L':<{width}}  = {_fmt(value)}")
    jumps = {k.index: k for k in kinked}
    for i, (label, g) in enumerate(zip(labels, gradient, strict=True)):
        jump = jumps.get(i)
        shown_g = (
            _fmt(float(g))
            if jump is None
            else f"no single value: {_fmt(jump.left)} just below "
            f"{jump.variable} = {_fmt(jump.at)}, {_fmt(jump.right)} just above"
        )
        print(f"  {label:<{width}}  = {shown_g}")
    print()
    if direction is not None:
        print(f"  gradient (uphill)           {_vec(gradient)}")
        print(f"  |gradient|                  {_fmt(norm)}")
        print(f"  steepest descent direction  {_vec(direction)}   (= -gradient / |gradient|)")
        return 0
    if status == "zero":
        print(f"  gradient (uphill)           {_vec(gradient)}")
        print(f"  |gradient|                  {_fmt(norm)}")
        print("  steepest descent direction  none: the gradient is zero (a flat point)")
        return 0
    print(f"  {note}")
    return 0


def _gradient_status(
    s: Surface, at: np.ndarray, value: float, gradient: np.ndarray
) -> tuple[str, str | None, list[Kink]]:
    """("defined" | "zero" | "kink" | "undefined" | "value_undefined", a sentence, the kinks)."""
    if not math.isfinite(value):
        return "value_undefined", "L is undefined here, so it has no gradient.", []
    if not np.all(np.isfinite(gradient)):
        missing = ", ".join(
            f"dL/d{v}" for v, g in zip(s.variables, gradient, strict=True) if not math.isfinite(g)
        )
        verb = "has" if "," not in missing else "have"
        return (
            "undefined",
            f"The gradient is undefined here ({missing} {verb} no value at this point: L is not "
            "differentiable here), so there is no steepest descent direction.",
            [],
        )
    kinked = kinks(s, at, s.variables)
    if kinked:
        where = "; ".join(k.describe() for k in kinked)
        return (
            "kink",
            f"Not differentiable here: a kink ({where}), so there is no gradient and no "
            "steepest descent direction at this point.",
            kinked,
        )
    if not np.any(gradient):
        return "zero", "The gradient is zero here (a flat point): no direction is downhill.", []
    return "defined", None, []


def _constant(ns: argparse.Namespace, s: Surface) -> int:
    """A formula with no variables: its value, and one line saying why there is no gradient."""
    value = s.value([])
    note = (
        f"L has no variables: it is the constant {_fmt(value)} everywhere, so its gradient is "
        "empty (there is nothing to move)" + ("; --at is not needed" if ns.at else "")
    )
    if ns.json:
        payload = {
            "formula": ns.formula,
            "variables": [],
            "point": [],
            "value": value,
            "partials": [],
            "gradient": [],
            "gradient_norm": 0.0,
            "descent_direction": None,
            "gradient_status": "no_variables",
            "note": note,
            "one_sided": None,
        }
        print(json.dumps(jsonable(payload), allow_nan=False))
        return 0
    print(f"L = {tree_text(s.tree)}\n")
    print(f"  L  = {_fmt(value)}\n")
    print(f"  {note}.")
    return 0


def descend_command(ns: argparse.Namespace) -> int:
    s = surface_from(ns)
    if not s.variables:
        raise UsageError(
            f"L = {ns.formula} has no variables, so there is nothing to descend (an optimizer "
            "moves the variables); give a formula with at least one, e.g. 'x^2 + 3'"
        )
    start = parse_point(ns.start, s.variables, "--from", typed=ns.typed)
    note_gallery_miss(ns.typed)
    hyper: dict[str, float] = {}
    for item in ns.set:
        name, eq, value = item.partition("=")
        try:
            hyper[name.strip()] = float(value)
        except ValueError:
            eq = ""
        if not eq:
            raise UsageError(f"--set takes NAME=NUMBER, e.g. --set beta=0.95; got {item!r}")
        if name.strip() in ("lr", "steps", "tol"):
            raise UsageError(f"Give {name.strip()} as --{name.strip()}, not with --set")
    t = descend(s, start, optimizer=ns.optimizer, lr=ns.lr, steps=ns.steps, tol=ns.tol, **hyper)
    end = _end_point(s, t) if t.stopped == "converged" else None
    if ns.json:
        data = t.to_dict()
        data["end_point"] = jsonable(end)
        print(json.dumps(data, allow_nan=False))
        return 0
    settings = ", ".join(f"{k}={v:g}" for k, v in t.settings.items())
    print(f"{t.optimizer} ({settings}) on L = {tree_text(s.tree)}")
    head = ["step", *s.variables, "L", "|grad|"]
    rows = [
        [str(i), *(_fmt(float(c)) for c in p), _fmt(float(v)), _fmt(float(np.linalg.norm(g)))]
        for i, (p, v, g) in enumerate(zip(t.points, t.values, t.gradients, strict=True))
    ]
    widths = [max(len(r[c]) for r in [head, *rows]) for c in range(len(head))]
    for r in [head, *rows]:
        print("  ".join(cell.rjust(w) for cell, w in zip(r, widths, strict=True)))
    print(t.reason)
    if end is not None:
        print(end["sentence"])
    return 0


def _end_point(s: Surface, t: Trajectory) -> dict[str, Any] | None:
    """What a converged run's end point is: a kink (found from the two sides' partials), or a
    minimum, saddle, maximum or flat point from the Hessian's eigenvalues; None without one."""
    kinked = kinks(s, t.end, s.variables)
    if kinked:
        where = "; ".join(k.describe() for k in kinked)
        return {
            "kind": "kink",
            "hessian_eigenvalues": None,
            "sentence": f"The end point is a kink, not a flat point: L is not differentiable "
            f"there ({where}); |grad| is small only because sign(0) = 0.",
        }
    found = hessian_kind(s, t.end)
    if found is None:
        return None
    kind, eigenvalues = found
    return {
        "kind": kind,
        "hessian_eigenvalues": eigenvalues,
        "sentence": end_point_sentence(kind, eigenvalues),
    }


def gallery_command(ns: argparse.Namespace) -> int:
    if ns.json:
        print(json.dumps(gallery.listing()))
        return 0
    width = max(len(name) for name in gallery.GALLERY)
    for e in gallery.GALLERY.values():
        print(f"{e.name:<{width}}  {e.formula}")
        print(f"{'':<{width}}  {e.title}: {e.blurb}")
    return 0
