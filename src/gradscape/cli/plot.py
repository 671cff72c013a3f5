"""`gradscape plot`: a picture (.png .svg .pdf) or an animation (.gif .mp4) of descent.

matplotlib is imported when the command runs, not when the CLI starts, so the other commands
stay quick (`gradscape grad` never loads it).
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from ..descent import OPTIMIZERS, descend
from ..parameters import axes_and_parameters
from ..payload import DEFAULT_VIEW, explorer_variables
from ..surface import Surface
from .args import (
    formula_text,
    optimizer_name,
    param_arg,
    parse_point,
    parse_view,
    parsed_formula,
)

FORMATS = (".png", ".svg", ".pdf", ".gif", ".mp4")


def add_commands(sub: Any) -> None:
    p = sub.add_parser("plot", help="draw FORMULA, its gradient field and descent paths to a file")
    arg = p.add_argument
    arg("formula", help="a formula such as 'w1^2 + 3w2^2', or a gallery name")
    arg("--variables", metavar="A,B", help="the variables' order, e.g. w2,w1")
    param_arg(p)
    arg(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="the file to write: .png .svg .pdf, or .gif .mp4 to animate the descent",
    )
    arg(
        "--from",
        dest="starts",
        action="append",
        default=[],
        metavar="X,Y",
        help="start a descent path here (repeatable: several runs)",
    )
    arg(
        "--optimizer",
        action="append",
        default=[],
        type=optimizer_name,
        choices=sorted(OPTIMIZERS),
        help="one for all runs, or one per run in order (default gd; any case)",
    )
    arg(
        "--lr",
        type=float,
        action="append",
        default=[],
        help="learning rate: one for all runs, or one per run (default: the optimizer's)",
    )
    arg("--steps", type=int, default=100, help="at most this many steps (100)")
    arg("--view", metavar="XMIN,XMAX,YMIN,YMAX", help="window, e.g. --view=-2,2,-1,3")
    arg("--aspect", choices=("equal", "auto"), default="equal", help="default equal")
    arg("--size", metavar="WxH", help="pixels (800x600; 600x800 for a tall view)")
    arg("--dpi", type=int, default=150, help="dots per inch, which sets the text size (150)")
    arg("--frames", type=int, default=120, help="animation: at most this many frames (120)")
    arg("--fps", type=int, default=12, help="animation: frames per second (12)")
    p.set_defaults(run=run)


def run(ns: argparse.Namespace) -> int:
    out = Path(ns.output)
    fmt = out.suffix.lower()
    if fmt not in FORMATS:
        raise ValueError(f"cannot write {out.name!r}: name a file ending in {', '.join(FORMATS)}")
    if not out.parent.is_dir():
        raise ValueError(f"the directory {str(out.parent)!r} does not exist; create it first")
    size = _size(ns.size) if ns.size else None
    if not 20 <= ns.dpi <= 1200 or ns.frames < 1 or ns.fps < 1:
        raise ValueError("--dpi must be from 20 to 1200, and --frames and --fps at least 1")
    view = parse_view(ns.view) if ns.view else None

    text, entry = formula_text(ns)
    parsed = parsed_formula(text, ns)  # parsed once, --param's numbers bound in
    names = parsed.variables
    if len(names) > 2:
        raise ValueError(
            f"plot draws a surface of two variables; this formula has {len(names)} "
            f"({', '.join(names)}). Replace all but two with numbers, or fix them with "
            f"--param, e.g. --param {axes_and_parameters(names)[1][0]}=1"
        )
    # padded with an unused variable (or two) to the two that plot draws
    surface = Surface.from_parsed(text, replace(parsed, variables=explorer_variables(names)))
    unused = surface.variables[1] not in surface.used  # padded: x alone will do
    starts = [
        parse_point(s if "," in s or not unused else f"{s},0", surface.variables, "--from")
        for s in ns.starts
    ]
    animated = fmt in (".gif", ".mp4")
    if not starts and (animated or ns.optimizer or ns.lr):
        if entry is None:
            raise ValueError("give a start point for the descent, e.g. --from 3,1")
        starts = [np.array(entry.start, dtype=float)]
    counts = {"--from": len(starts), "--optimizer": len(ns.optimizer), "--lr": len(ns.lr)}
    several = {option: k for option, k in counts.items() if k > 1}
    if len(set(several.values())) > 1:
        got = " and ".join(f"{k} {option}" for option, k in several.items())
        raise ValueError(f"got {got}: give each once (for every run) or once per run, in order")
    n = max(counts.values())
    runs = []
    for start, opt, lr in zip(
        starts * n if len(starts) == 1 else starts,
        (ns.optimizer or ["gd"]) * n if len(ns.optimizer) <= 1 else ns.optimizer,
        (ns.lr or [None]) * n if len(ns.lr) <= 1 else ns.lr,
        strict=True,
    ):
        if lr is None and entry and opt == "gd":
            lr = entry.lr  # the gallery's rate, chosen for gd from its start
        runs.append(descend(surface, start, optimizer=opt, lr=lr, steps=ns.steps))

    from .. import plot  # matplotlib: paid for only by this command

    options: dict[str, Any] = {
        "view": view or (entry.view if entry else DEFAULT_VIEW),
        "minima": list(entry.minima) if entry else [],
        "title": entry.title if entry else None,
        "aspect": ns.aspect,
        "dpi": ns.dpi,
    }
    if size:
        options["size"] = size
    try:
        if animated:
            plot.save_animation(surface, runs, out, frames=ns.frames, fps=ns.fps, **options)
        else:
            plot.save_figure(plot.plot_surface(surface, runs, **options), out, dpi=ns.dpi)
    except OSError as err:
        raise ValueError(f"cannot write {str(out)!r}: {err.strerror or err}") from None
    print(f"wrote {out}")
    return 0


def _size(text: str) -> tuple[int, int]:
    """--size WxH in pixels, each side from 100 to 8000."""
    try:
        values = [float(v) for v in text.lower().replace(" ", "").split("x")]
    except ValueError:
        values = []
    if len(values) != 2 or not all(np.isfinite(values)):
        raise ValueError(f"--size takes 2 numbers like 800x600; got {text!r}")
    if not (min(values) >= 100 and max(values) <= 8000):
        raise ValueError(f"--size must be from 100x100 to 8000x8000 pixels; got {text!r}")
    return int(values[0]), int(values[1])
