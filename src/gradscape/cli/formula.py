"""`gradscape grad`, `gradscape descend` and `gradscape gallery`: a formula in the terminal."""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

import numpy as np

from .. import gallery
from ..descent import OPTIMIZERS, descend
from ..jsondata import jsonable
from ..landscape import Point
from ..printing import tree_text
from ..surface import Surface
from .args import UsageError, formula_args, formula_text, parse_point, variables


def add_commands(sub: Any) -> None:
    g = sub.add_parser("grad", help="the gradient of FORMULA at a point")
    formula_args(g)
    g.add_argument("--at", required=True, metavar="X,Y", help="the point, e.g. 3,1")
    g.add_argument("--json", action="store_true", help="print one JSON object")
    g.set_defaults(run=grad)

    d = sub.add_parser("descend", help="run an optimizer on FORMULA and print the path")
    formula_args(d)
    d.add_argument("--from", dest="start", required=True, metavar="X,Y", help="start point")
    d.add_argument("--optimizer", default="gd", choices=sorted(OPTIMIZERS), help="default gd")
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
    text, _ = formula_text(ns)
    return Surface(text, variables(ns))


def _fmt(x: float) -> str:
    if not math.isfinite(x):
        return "undefined"
    return f"{x:.6g}" if x != 0 else "0"


def _vec(v: Point) -> str:
    return "(" + ", ".join(_fmt(float(x)) for x in v) + ")"


def grad(ns: argparse.Namespace) -> int:
    s = surface_from(ns)
    at = parse_point(ns.at, s.variables, "--at")
    value, gradient = s.value_and_gradient(at)
    norm = float(np.linalg.norm(gradient))
    direction = -gradient / norm if norm > 0 else np.zeros_like(gradient)
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
                        "gradient": gradient,
                        "gradient_norm": norm,
                        "descent_direction": direction,
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
    for label, g in zip(labels, gradient, strict=True):
        print(f"  {label:<{width}}  = {_fmt(float(g))}")
    print()
    if math.isnan(value):
        print("  L is undefined here, so it has no gradient.")
        return 0
    print(f"  gradient (uphill)           {_vec(gradient)}")
    print(f"  |gradient|                  {_fmt(norm)}")
    if norm > 0:
        print(f"  steepest descent direction  {_vec(direction)}   (= -gradient / |gradient|)")
    else:
        print("  steepest descent direction  none: the gradient is zero (a flat point)")
    return 0


def descend_command(ns: argparse.Namespace) -> int:
    s = surface_from(ns)
    start = parse_point(ns.start, s.variables, "--from")
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
    if ns.json:
        print(json.dumps(t.to_dict(), allow_nan=False))
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
    return 0


def gallery_command(ns: argparse.Namespace) -> int:
    if ns.json:
        print(json.dumps(gallery.listing()))
        return 0
    width = max(len(name) for name in gallery.GALLERY)
    for e in gallery.GALLERY.values():
        print(f"{e.name:<{width}}  {e.formula}")
        print(f"{'':<{width}}  {e.title}: {e.blurb}")
    return 0
