"""The `gradscape` command.

    gradscape                         the explorer in your browser (same as `gradscape serve`)
    gradscape grad FORMULA --at 3,1   value, partial derivatives, gradient, descent direction
    gradscape descend FORMULA --from 3,1 [--optimizer adam] [--lr 0.1] [--steps 50]
    gradscape gallery                 the named surfaces; a name works wherever a formula does

Bad input exits with status 2 and a one-line message (with a caret under the problem), never a
traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import numpy as np

from . import gallery, server  # server's own imports are paid for only when it runs
from .descent import OPTIMIZERS, descend
from .formula import FormulaError
from .payload import jsonable
from .surface import Point, Surface, to_text


class UsageError(ValueError):
    """Bad input from the command line: printed as one line, exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    ns = parser.parse_args(_protect_negatives(args))
    command: Callable[[argparse.Namespace], int] = getattr(ns, "run", _serve)
    try:
        return command(ns)
    except FormulaError as err:
        formula = getattr(ns, "formula", "")
        print(f"gradscape: {err.message}\n{_indent(err.caret(formula))}", file=sys.stderr)
    except (ValueError, OverflowError) as err:
        print(f"gradscape: {err}", file=sys.stderr)
    except OSError as err:  # a port or host that cannot be bound, a file that cannot be written
        if isinstance(err, BrokenPipeError):  # `gradscape gallery | head`: the reader left
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - nothing more is printed
            return 0
        print(f"gradscape: {err.strerror or err}; check the address, port or path", file=sys.stderr)
    except KeyboardInterrupt:
        return 130
    return 2


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


# Options whose value may start with '-' (a negative coordinate); argparse would take it for an
# option, so `--at -3,1` is rewritten to `--at=-3,1`.
_VALUED = {"--at", "--from", "--view"}


def _protect_negatives(args: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in _VALUED and i + 1 < len(args) and args[i + 1].startswith("-"):
            out.append(f"{a}={args[i + 1]}")
            i += 2
            continue
        # a formula such as "-x^2" right after the subcommand: a leading space keeps it positional
        # (an option such as --lesson or -o may come first too: formulas never start with "--")
        if (
            out
            and out[-1] in _FORMULA_COMMANDS
            and a.startswith("-")
            and not a.startswith("--")
            and a not in ("-h", "-o")
        ):
            a = " " + a
        out.append(a)
        i += 1
    return out


_FORMULA_COMMANDS = {"grad", "descend", "plot", "export"}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"gradscape: {message}. See 'gradscape --help'\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="gradscape",
        description="See and understand the gradient. With no command, opens the explorer.",
    )
    sub = p.add_subparsers(metavar="COMMAND")

    s = sub.add_parser("serve", help="start the explorer's local server")
    s.add_argument("--port", type=_port, default=8000, help="port (a free one if taken; 0: any)")
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    s.add_argument("--no-browser", action="store_true", help="do not open a browser")
    server.add_arguments(s)
    s.set_defaults(run=_serve)

    g = sub.add_parser("grad", help="the gradient of FORMULA at a point")
    _formula_args(g)
    g.add_argument("--at", required=True, metavar="X,Y", help="the point, e.g. 3,1")
    g.add_argument("--json", action="store_true", help="print one JSON object")
    g.set_defaults(run=_grad)

    d = sub.add_parser("descend", help="run an optimizer on FORMULA and print the path")
    _formula_args(d)
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
    d.set_defaults(run=_descend)

    gl = sub.add_parser("gallery", help="list the named surfaces")
    gl.add_argument("--json", action="store_true", help="print JSON")
    gl.set_defaults(run=_gallery)

    _add_extra_commands(sub)
    return p


def _add_extra_commands(sub: Any) -> None:
    """Commands that live in their own modules register themselves here."""
    from . import export, plot

    plot.add_command(sub)
    export.add_command(sub)


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"a port is a whole number from 0 to 65535, not {text!r}")
    return int(text)


def _formula_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("formula", help="a formula such as 'w1^2 + 3w2^2', or a gallery name")
    p.add_argument(
        "--variables",
        metavar="A,B",
        help="the variables' order, e.g. w2,w1 (default: natural order)",
    )


def surface_from(ns: argparse.Namespace) -> Surface:
    """The Surface a command names: a gallery name or a formula, in the requested order."""
    ns.formula = ns.formula.strip()  # a leading space kept "-x^2" from looking like an option
    entry = gallery.resolve(ns.formula)
    if entry:
        ns.formula = entry.formula
    order = None
    if getattr(ns, "variables", None):
        order = [v.strip() for v in ns.variables.split(",")]
    return Surface(ns.formula, order)


def parse_point(text: str, surface: Surface, option: str) -> np.ndarray:
    """'3,1' -> array([3., 1.]), with a message that says what to type."""
    names = ", ".join(surface.variables)
    try:
        values = [float(v) for v in text.replace(" ", "").split(",") if v != ""]
    except ValueError:
        raise UsageError(
            f"{option} takes numbers separated by commas, e.g. {option} 3,1; got {text!r}"
        ) from None
    if len(values) != len(surface.variables) or not all(math.isfinite(v) for v in values):
        raise UsageError(
            f"{option} needs {len(surface.variables)} finite numbers ({names}); got {text!r}"
        )
    return np.array(values)


def _fmt(x: float) -> str:
    if not math.isfinite(x):
        return "undefined"
    return f"{x:.6g}" if x != 0 else "0"


def _vec(v: Point) -> str:
    return "(" + ", ".join(_fmt(float(x)) for x in v) + ")"


# ---------------------------------------------------------------------------------------------
# Commands


def _grad(ns: argparse.Namespace) -> int:
    s = surface_from(ns)
    at = parse_point(ns.at, s, "--at")
    value, grad = s.evaluate(at)
    norm = float(np.linalg.norm(grad))
    descent = -grad / norm if norm > 0 else np.zeros_like(grad)
    if ns.json:
        print(
            json.dumps(
                jsonable(
                    {
                        "formula": ns.formula,
                        "variables": list(s.variables),
                        "point": at,
                        "value": value,
                        "partials": [to_text(p) for p in s.partials],
                        "gradient": grad,
                        "gradient_norm": norm,
                        "descent_direction": descent,
                    }
                ),
                allow_nan=False,
            )
        )
        return 0
    names = ", ".join(s.variables)
    labels = [f"dL/d{v} = {to_text(p)}" for v, p in zip(s.variables, s.partials, strict=True)]
    width = max(len(label) for label in [*labels, "L"])
    print(f"L({names}) = {to_text(s.expr)}")
    print(f"at ({names}) = {_vec(at)}\n")
    print(f"  {'L':<{width}}  = {_fmt(value)}")
    for label, g in zip(labels, grad, strict=True):
        print(f"  {label:<{width}}  = {_fmt(float(g))}")
    print()
    if math.isnan(value):
        print("  L is undefined here, so it has no gradient.")
        return 0
    print(f"  gradient (uphill)           {_vec(grad)}")
    print(f"  |gradient|                  {_fmt(norm)}")
    if norm > 0:
        print(f"  steepest descent direction  {_vec(descent)}   (= -gradient / |gradient|)")
    else:
        print("  steepest descent direction  none: the gradient is zero (a flat point)")
    return 0


def _descend(ns: argparse.Namespace) -> int:
    s = surface_from(ns)
    start = parse_point(ns.start, s, "--from")
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
        print(json.dumps(jsonable(t.to_dict()), allow_nan=False))
        return 0
    settings = ", ".join(f"{k}={v:g}" for k, v in t.settings.items())
    print(f"{t.optimizer} ({settings}) on L = {to_text(s.expr)}")
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


def _gallery(ns: argparse.Namespace) -> int:
    if ns.json:
        print(json.dumps(gallery.listing()))
        return 0
    width = max(len(name) for name in gallery.GALLERY)
    for e in gallery.GALLERY.values():
        print(f"{e.name:<{width}}  {e.formula}")
        print(f"{'':<{width}}  {e.title}: {e.blurb}")
    return 0


def _serve(ns: argparse.Namespace) -> int:
    server.serve(
        host=getattr(ns, "host", "127.0.0.1"),
        port=getattr(ns, "port", 8000),
        open_browser=not getattr(ns, "no_browser", False),
        **server.options(ns),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
