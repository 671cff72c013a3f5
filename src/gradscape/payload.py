"""The surface as the front end receives it (the `/api/compile` response), and its refusals.

One function builds it for every host: the server answers it, the HTML export inlines it, the
Jupyter widget syncs it. See docs/ARCHITECTURE.md for the shape.

    surface_payload("rosenbrock")        # {"formula", "name", ..., "program", "view", ...}
    surface_payload("x^2", printed=False)  # the same, "partials": None, and no SymPy: quick
    surface_payload("x^2", print_seconds=0.15)  # SymPy's printing cut off after 0.15 s of CPU
    partials_payload("x^2")              # {"partials": [...]}: the slow (SymPy) part alone
    error_payload(err)                   # {"error": "Unknown function 'foo'. ...", "column": 0}

Everything but the printed partials takes time linear in the formula (no SymPy); a host that
must answer quickly whatever the formula (the server's workers) gives SymPy a CPU budget with
`print_seconds`: past it the partials are "(not available)", and the program is unaffected.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from . import gallery, printing
from .formula import MAX_NAME, FormulaError, name_hint, parse
from .jsondata import jsonable
from .parameters import MAX_PARAMETERS, axes_and_parameters
from .surface import Surface
from .symbolic import SymbolicError, cpu_deadline

DEFAULT_VIEW = ((-4.0, 4.0), (-4.0, 4.0))  # the window for a formula outside the gallery


def explorer_surface(text: str, variables: Sequence[str] | None = None) -> Surface:
    """The Surface the explorer shows for formula `text`: parsed once, its two axes first.

    Variables beyond two are parameters (parameters.py), after the axes in the program's
    variables; `variables`, if given, is taken in its own order (the first two the axes).
    Raises FormulaError for bad text and ValueError (one line, what to do) for too many.
    """
    return _explorer_surface(text, variables)[0]


def _explorer_surface(
    text: str, variables: Sequence[str] | None
) -> tuple[Surface, tuple[str, ...]]:
    """explorer_surface, and the variables of the formula itself (before padding)."""
    parsed = parse(text, variables)
    names = parsed.variables
    if len(names) > 2:
        axes, rest = (names[:2], names[2:]) if variables is not None else axes_and_parameters(names)
        if len(rest) > MAX_PARAMETERS:
            axes_and_parameters(names)  # raises the message
        return Surface.from_parsed(text, replace(parsed, variables=(*axes, *rest))), names
    surface = Surface.from_parsed(
        text, replace(parsed, variables=explorer_variables(parsed.variables))
    )
    return surface, parsed.variables


def explorer_variables(names: Sequence[str]) -> tuple[str, ...]:
    """Two variables for the explorer: `names`, padded with an unused one if there are fewer.

    Raises ValueError (one line, what to do) for three or more (the explorer's own surfaces
    take those as parameters: `explorer_surface`).
    """
    if len(names) > 2:
        raise ValueError(
            f"The explorer shows two variables; this formula has {len(names)} "
            f"({', '.join(names)}). Replace all but two with numbers"
        )
    padded = tuple(names)
    while len(padded) < 2:
        padded = (*padded, _another_name(padded))
    return padded


def _another_name(taken: tuple[str, ...]) -> str:
    if taken:
        m = re.fullmatch(r"(.*?)(\d+)", taken[0])
        name = f"{m[1]}{int(m[2]) + 1}" if m else ""
        if name and len(name) <= MAX_NAME:  # w1 -> w2
            return name
    return next(v for v in ("x", "y", "v", "u") if v not in taken)


def surface_payload(
    formula: str,
    variables: Sequence[str] | None = None,
    hessian: bool = True,
    printed: bool = True,
    print_seconds: float | None = None,
) -> dict[str, Any]:
    """The JSON-ready description of a surface: formula, partials, program, view, minima.

    The program carries the Hessian unless `hessian=False` (the explorer's Newton's method and
    the stability mark on its learning-rate slider read it). A gallery surface's "rates" are
    gallery.RATES's learning rate for each optimizer (None elsewhere).

    `formula` may be a gallery name. Raises FormulaError or ValueError (see `error_payload`).
    The formula's "text", "latex" and "html" print its parse tree, as typed.
    "variables" are the two axes and "parameters" the rest (sliders), in the program's order
    after the axes; "partials" cover all of them, in that order; "own_variables" are the
    formula's own names as typed (before a one-variable formula is padded). With
    `printed=False`, "partials" is None and SymPy takes no part (time linear in the formula);
    `partials_payload` gives the partials separately. `print_seconds` is SymPy's CPU budget for
    the partials (see `symbolic.cpu_deadline`; main thread only): past it each partial is
    "(not available)".
    """
    entry = gallery.resolve(formula)
    text = entry.formula if entry else formula
    surface, own = _explorer_surface(text, variables)
    (x0, x1), (y0, y1) = entry.view if entry else DEFAULT_VIEW
    view = {"x": [x0, x1], "y": [y0, y1]}
    return jsonable(
        {
            "formula": text,
            "name": entry.name if entry else None,
            "title": entry.title if entry else None,
            "blurb": entry.blurb if entry else None,
            "variables": list(surface.variables[:2]),
            "parameters": list(surface.variables[2:]),
            **surface.printed_formula(),
            "partials": _partials(surface, print_seconds) if printed else None,
            "program": surface.program(hessian=hessian),
            "view": view,
            "minima": [list(m) for m in entry.minima] if entry else [],
            "start": list(entry.start) if entry else None,
            "lr": entry.lr if entry else None,
            "hint": None if entry else _hint(own, surface),
            "own_variables": list(own),
            "rates": dict(gallery.RATES.get(entry.name, {})) if entry else None,
        }
    )


def _hint(own: tuple[str, ...], surface: Surface) -> str | None:
    """What the formula box says beside a formula that compiled: a name that looks like a
    product (`xy`), or that a one-variable formula is shown as its curve (the 1D view)."""
    hint = name_hint(own)
    if hint is None and len(own) == 1:
        extra = next(v for v in surface.variables if v not in own)
        hint = (
            f"L depends on {own[0]} alone, so it is drawn as a curve: L against {own[0]}, its"
            f" tangent and its slope; add a term in {extra} (e.g. + {extra}^2) for a surface"
        )
    return hint


def _partials(surface: Surface, seconds: float | None) -> list[dict[str, str]]:
    try:
        with cpu_deadline(seconds):
            return surface.printed_partials()
    except SymbolicError:  # out of time while printing, after the partials were worked out
        return [{"variable": v, **printing.UNAVAILABLE} for v in surface.variables]


def partials_payload(formula: str, variables: Sequence[str] | None = None) -> dict[str, Any]:
    """The printed partials of a surface, as `surface_payload` gives them: ``{"partials":
    [{"variable", "text", "latex", "html"}, ...]}``, one per explorer variable.

    This is the slow part of a payload (SymPy differentiates and simplifies), for a host that
    runs it under its own deadline; a partial SymPy cannot work out quickly is
    "(not available)". `formula` may be a gallery name; raises like `surface_payload`.
    """
    entry = gallery.resolve(formula)
    surface = explorer_surface(entry.formula if entry else formula, variables)
    return jsonable({"partials": surface.printed_partials()})


def error_payload(err: Exception) -> dict[str, Any]:
    """Why a formula was refused, as every host shows it: ``{"error": message, "column": c}``.

    A FormulaError gives its message and 0-based column; any other error (a CompileError, the
    explorer's two-variable limit, a RecursionError) its first line and column None.
    """
    if isinstance(err, FormulaError):
        return {"error": err.message, "column": err.column}
    lines = str(err).splitlines()
    message = lines[0] if lines and lines[0] else "This formula cannot be compiled"
    return {"error": message, "column": None}


_DROPPED = ("latex",)  # fields the explorer never reads


def _slim(compiled: dict[str, Any]) -> dict[str, Any]:
    """The payload without the fields the explorer does not read."""
    out = {k: v for k, v in compiled.items() if k not in _DROPPED}
    out["partials"] = [
        {k: v for k, v in p.items() if k not in _DROPPED} for p in compiled["partials"]
    ]
    return out


def _payload(text: str, what: str) -> dict[str, Any]:
    """surface_payload, with a message naming which formula failed (for --also)."""
    try:
        return surface_payload(text)
    except ValueError as err:
        raise ValueError(f"{what} {text!r}: {error_payload(err)['error']}") from None


def packed_surfaces(
    formula: str,
    also: Sequence[str] = (),
    view: tuple[tuple[float, float], tuple[float, float]] | None = None,
) -> dict[str, Any]:
    """What a file that calls no server inlines (an export, the one-file lesson): the surfaces,
    which one to show, and the menu.

    `formula` (or gallery name) is shown first, in `view` if given; `also` adds formulas the
    formula box will accept; every gallery surface is included too.
    """
    main = _slim(_payload(formula, "the formula"))
    if view is not None:
        main["view"] = {"x": [float(view[0][0]), float(view[0][1])],
                        "y": [float(view[1][0]), float(view[1][1])]}  # fmt: skip
    surfaces = [main]
    seen = {gallery.formula_key(main["formula"])}
    own = [] if main["name"] else [main]
    for text in also:
        c = _slim(_payload(text, "--also"))
        if gallery.formula_key(c["formula"]) not in seen:
            seen.add(gallery.formula_key(c["formula"]))
            surfaces.append(c)
            if not c["name"]:
                own.append(c)
    for entry in gallery.GALLERY.values():
        if gallery.formula_key(entry.formula) not in seen:
            seen.add(gallery.formula_key(entry.formula))
            surfaces.append(_slim(surface_payload(entry.name)))
    menu = [{"name": c["formula"], "title": c["formula"], "formula": c["formula"]} for c in own]
    return {"surfaces": surfaces, "initial": 0, "gallery": [*menu, *gallery.listing()]}


__all__ = [
    "DEFAULT_VIEW",
    "error_payload",
    "explorer_surface",
    "explorer_variables",
    "packed_surfaces",
    "partials_payload",
    "surface_payload",
]
