"""`gradscape export`: the explorer on a formula, or the whole lesson, as one HTML file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .. import gallery
from ..formula import FormulaError, parse
from .args import TypedFormulaError, parse_view


def add_commands(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help="write the explorer on FORMULA (or the lesson) as one HTML file",
        description="Write one self-contained HTML file: no server, no network; open it from "
        "disk, send it, or embed it in a course page with an <iframe>.",
    )
    p.add_argument("formula", nargs="?", help="a formula such as 'w1^2 + 3w2^2', or a gallery name")
    p.add_argument("-o", "--output", metavar="FILE", help="the .html file to write")
    p.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="FORMULA",
        help="another formula the file's formula box will accept (repeatable); "
        "the gallery is always included",
    )
    p.add_argument("--view", metavar="XMIN,XMAX,YMIN,YMAX", help="the window to open on")
    p.add_argument(
        "--embed",
        action="store_true",
        help="the compact layout for a course page's <iframe>: no header, plot and readout "
        "side by side, no scrollbars",
    )
    p.add_argument("--lesson", action="store_true", help="export the whole lesson instead")
    p.add_argument(
        "--slice",
        metavar="QUERY",
        help="export a built-in model's slice instead, named as in its link: "
        "'m=mlp&d=random&s=0&span=1' (m model, d directions, s seed, span, t training steps)",
    )
    p.set_defaults(run=run)


def run(ns: argparse.Namespace) -> int:
    if getattr(ns, "slice", None) is not None:
        return run_slice(ns)
    if ns.lesson and (ns.formula or ns.also or ns.view):
        raise ValueError(
            "--lesson exports the lesson, which has its own surfaces: drop FORMULA, --also and "
            "--view (or drop --lesson to export the explorer on FORMULA)"
        )
    if ns.lesson and ns.embed:
        raise ValueError(
            "--embed is the explorer's compact layout; the lesson has none: drop --embed or "
            "--lesson"
        )
    if not ns.lesson and not (ns.formula or "").strip():
        raise ValueError(
            "give a formula or a gallery name, e.g. gradscape export 'w1^2 + 3w2^2' -o bowl.html"
            " (or --lesson for the lesson)"
        )
    out = Path(ns.output) if ns.output else Path(_default_name(ns))
    if out.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"cannot write {out.name!r}: name a file ending in .html")
    if not out.parent.is_dir():
        raise ValueError(f"the directory {str(out.parent)!r} does not exist; create it first")

    if not ns.lesson:
        _check_formulas(ns)

    from .. import export  # the page's bundle and styles: read only by this command

    if ns.lesson:
        document = export.export_lesson_html()
    else:
        view = parse_view(ns.view) if ns.view else None
        document = export.export_html(ns.formula.strip(), ns.also, view, embed=ns.embed)
    size = export.write_export(out, document)
    print(f"wrote {out} ({size / 1000:.0f} KB): open it in a browser, or embed it with an <iframe>")
    return 0


def run_slice(ns: argparse.Namespace) -> int:
    """`gradscape export --slice QUERY`: a built-in model's slice as one offline file."""
    from urllib.parse import parse_qsl

    from ..sliceview import SliceSpec

    if ns.lesson or ns.formula or ns.also:
        raise ValueError("--slice exports a slice: drop FORMULA, --also and --lesson")
    pairs = dict(parse_qsl(ns.slice.strip().lstrip("?#"), keep_blank_values=True))
    unknown = sorted(set(pairs) - {"m", "d", "s", "span", "t"})
    if not pairs or unknown:
        raise ValueError(
            "--slice takes a slice's link query such as 'm=mlp&d=random&s=0&span=1' "
            f"(keys m, d, s, span, t){f'; unknown key {unknown[0]!r}' if unknown else ''}"
        )
    spec = SliceSpec.parse(pairs)
    out = Path(ns.output) if ns.output else Path(f"gradscape-slice-{spec.model}.html")
    if out.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"cannot write {out.name!r}: name a file ending in .html")
    if not out.parent.is_dir():
        raise ValueError(f"the directory {str(out.parent)!r} does not exist; create it first")
    from .. import export

    view = parse_view(ns.view) if ns.view else None
    document = export.export_slice_html(spec, view)
    size = export.write_export(out, document)
    print(f"wrote {out} ({size / 1000:.0f} KB): the page computes the slice itself, offline")
    return 0


def _check_formulas(ns: argparse.Namespace) -> None:
    """Parse FORMULA and every --also first, so a bad one gets `grad`'s message and caret."""
    for option, text in [("the formula", ns.formula), *(("--also", a) for a in ns.also)]:
        text = text.strip()
        entry = gallery.resolve(text)
        try:
            parse(entry.formula if entry else text)
        except FormulaError as err:
            raise TypedFormulaError(f"{option} {text!r}: {err.message}", err.column, text) from None


def _default_name(ns: argparse.Namespace) -> str:
    if ns.lesson:
        return "lesson.html"
    entry = gallery.resolve(ns.formula)
    return f"{entry.name}.html" if entry else "gradscape.html"
