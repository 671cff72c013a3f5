"""The compiled surface as the front end receives it (the `/api/compile` response).

One function builds it for every host: the server answers it, the HTML export inlines it, the
Jupyter widget syncs it. See docs/ARCHITECTURE.md for the shape.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from . import gallery
from .formula import MAX_NAME, parse
from .surface import Surface

DEFAULT_VIEW = ((-4.0, 4.0), (-4.0, 4.0))  # the window for a formula outside the gallery


def explorer_variables(text: str, variables: Sequence[str] | None = None) -> tuple[str, ...]:
    """Two variables for the explorer: the formula's, padded with an unused one if it has fewer.

    Raises ValueError (one line, what to do) for a formula with three or more variables.
    """
    names = parse(text, variables).variables
    if len(names) > 2:
        raise ValueError(
            f"The explorer shows two variables; this formula has {len(names)} "
            f"({', '.join(names)}). Replace all but two with numbers"
        )
    names = tuple(names)
    while len(names) < 2:
        names = (*names, _another_name(names))
    return names


def _another_name(taken: tuple[str, ...]) -> str:
    if taken:
        m = re.fullmatch(r"(.*?)(\d+)", taken[0])
        name = f"{m[1]}{int(m[2]) + 1}" if m else ""
        if name and len(name) <= MAX_NAME:  # w1 -> w2
            return name
    return next(v for v in ("x", "y", "v", "u") if v not in taken)


def compile_surface(
    formula: str, variables: Sequence[str] | None = None, hessian: bool = False
) -> dict[str, Any]:
    """The JSON-ready description of a surface: formula, partials, program, view, minima."""
    entry = gallery.resolve(formula)
    text = entry.formula if entry else formula
    surface = Surface(text, explorer_variables(text, variables))
    (x0, x1), (y0, y1) = entry.view if entry else DEFAULT_VIEW
    view = {"x": [x0, x1], "y": [y0, y1]}
    return jsonable(
        {
            "formula": text,
            "name": entry.name if entry else None,
            "title": entry.title if entry else None,
            "blurb": entry.blurb if entry else None,
            "variables": list(surface.variables),
            **surface.describe(),
            "program": surface.program(hessian=hessian),
            "view": view,
            "minima": [list(m) for m in entry.minima] if entry else [],
            "start": list(entry.start) if entry else None,
            "lr": entry.lr if entry else None,
        }
    )


def jsonable(obj: Any) -> Any:
    """Replace NaN and infinities by None, recursively, so json.dumps(allow_nan=False) works."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(v) for v in obj]
    if hasattr(obj, "tolist"):  # NumPy arrays and scalars
        return jsonable(obj.tolist())
    return obj
