"""One-file HTML export: the explorer on a formula (or the whole lesson) as a single HTML file.

    html = export_html("w1^2 + 3w2^2", also=["x^2 - y^2"])   # the explorer, everything inlined
    html = export_lesson_html()                              # the lesson, everything inlined
    write_export("bowl.html", html)

    gradscape export FORMULA -o bowl.html [--also FORMULA]... [--view XMIN,XMAX,YMIN,YMAX] [--embed]
    gradscape export --slice "m=mlp&d=random&s=0&span=1" -o slice.html   (a built-in model's slice)
    gradscape export --lesson -o lesson.html                (the command: cli/export.py)

Contract
--------
The file needs no server and no network and opens from ``file://``:

- the page styles (``hosts/page.css`` with ``explorer/explorer.css``) are inlined in one
  ``<style>``;
- the surfaces are compiled here, in Python, and inlined as JSON in
  ``<script type="application/json" id="gradscape-data">`` (every ``<`` written ``\\u003c``, so
  nothing in the data can close the element): the formula, each ``--also`` formula and every
  gallery surface, without the fields the explorer does not read (LaTeX);
- the code is ONE inline ``<script type="module">``: ``bundle("hosts/export.js")``, the explorer
  and a small host (static/hosts/export.js) whose model answers the formula box from the compiled
  surfaces, by gallery name or by formula text (spaces ignored), and says so for anything else;
- a ``<meta http-equiv="Content-Security-Policy">`` allows exactly that script, by its SHA-256
  hash: ``default-src 'none'; script-src 'sha256-…'; style-src 'unsafe-inline';
  img-src data: blob:; worker-src blob:`` (no ``'unsafe-inline'`` or ``'unsafe-eval'`` for
  scripts, no network; ``worker-src blob:`` lets the page's slice engine start its worker from
  the bundled source, `bundle`'s ``source of`` form).

With ``embed`` (``--embed``) the file opens in the compact embed layout for a course page's iframe
(``<html class="gs-embed">``: no header, plot and readout side by side, sized to the frame).

A single surface exports to about 430 KB, a third of it the source's comments
(tests/test_export.py holds it under 450 KB). Bad input raises a one-line ValueError that says
what to do; the CLI prints it and exits
with status 2.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .bundle import STATIC, bundle
from .jsondata import json_script
from .payload import packed_surfaces as export_data

DATA_ID = "gradscape-data"
SIZE_GOAL = 450_000  # bytes, for one surface with the gallery

_MODULE = re.compile(r"<script type=\"module\">(.*?)</script>", re.S)
_OUTSIDE = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="(?!data:)[^"#]', re.I)


def csp(scripts: Iterable[str]) -> str:
    """The Content-Security-Policy for a file whose only code is `scripts` (inline, exact text)."""
    hashes = " ".join(f"'sha256-{_sha256(s)}'" for s in scripts)
    return (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
        "img-src data: blob:; worker-src blob:; base-uri 'none'; form-action 'none'"
    )


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _module_code(entry: str) -> str:
    code = bundle(entry)
    lowered = code.lower()
    for bad in ("</script", "<!--"):
        if bad in lowered:  # a gradscape bug: the HTML parser would end or mangle the script
            raise RuntimeError(f"{entry}'s bundle contains {bad!r} and cannot be inlined")
    return code


def _css() -> str:
    """hosts/page.css with its @import of explorer.css resolved (explorer.css first, as @import
    does)."""
    page = (STATIC / "hosts" / "page.css").read_text(encoding="utf-8")
    page = re.sub(r'@import\s+url\(\s*"\.\./explorer/explorer\.css"\s*\)\s*;', "", page)
    css = (STATIC / "explorer" / "explorer.css").read_text(encoding="utf-8") + "\n" + page
    if "</style" in css.lower():
        raise RuntimeError("the styles contain '</style' and cannot be inlined")
    return css


def export_html(
    formula: str,
    also: Sequence[str] = (),
    view: tuple[tuple[float, float], tuple[float, float]] | None = None,
    *,
    embed: bool = False,
) -> str:
    """The explorer on `formula` as one self-contained HTML document (see the module doc);
    `embed`: the compact layout for an iframe, without the page's header."""
    data = export_data(formula, also, view)
    main = data["surfaces"][0]
    return _document(
        "hosts/export.js",
        data,
        title=main["title"] or main["formula"],
        description="A loss surface you can hover: the gradient and the steepest-descent "
        "direction at every point.",
        lead="Hover the surface to see the gradient; click to roll a ball downhill.",
        embed=embed,
    )


def _document(
    entry: str, data: Any, *, title: str, description: str, lead: str, embed: bool = False
) -> str:
    """One self-contained explorer page: the bundle of `entry` (its only script, allowed by its
    hash), the styles, `data` inlined as #gradscape-data, and the header (`lead` under the name)
    unless `embed` (then `<html class="gs-embed">`: the compact layout for an iframe)."""
    code = _module_code(entry)
    header = (
        ""
        if embed
        else (
            f'<header class="gs-page-head">\n<h1>gradscape</h1>\n<p>{html.escape(lead)}</p>\n'
            "</header>\n"
        )
    )
    return f"""<!doctype html>
<html lang="en"{' class="gs-embed"' if embed else ""}>
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp([code])}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} — gradscape</title>
<meta name="description" content="{html.escape(description)}">
<meta name="generator" content="gradscape export">
<link rel="icon" href="data:,">
<style>
{_css()}</style>
</head>
<body>
{header}<main id="app"></main>
<noscript><p class="gs-noscript">The explorer needs JavaScript.</p></noscript>
{json_script(DATA_ID, data)}
<script type="module">{code}</script>
</body>
</html>
"""


def export_slice_data(
    spec: Any,
    view: tuple[tuple[float, float], tuple[float, float]] | None = None,
    slice_: Any = None,
) -> dict[str, Any]:
    """What an exported slice inlines: {"slice": meta with the page's own copy ("browser")}.

    `spec` is a `sliceview.SliceSpec` (a built-in model); `slice_` the Slice it builds, if
    already built. Raises a one-line ValueError for a slice the page cannot compute.
    """
    from .models.browser import slice_payload
    from .sliceview import slice_meta

    s = slice_ if slice_ is not None else spec.build()
    meta = slice_meta(s, spec.span, spec)
    name = None if spec.model == "lesson" else spec.model
    meta["browser"] = slice_payload(s, spec.span, 51, seed=spec.seed, name=name)
    meta["remote"] = False
    meta["id"] = spec.key()
    if view is not None:
        meta["view"] = {"x": [float(view[0][0]), float(view[0][1])],
                        "y": [float(view[1][0]), float(view[1][1])]}  # fmt: skip
    return {"slice": meta}


def export_slice_html(
    spec: Any,
    view: tuple[tuple[float, float], tuple[float, float]] | None = None,
    slice_: Any = None,
) -> str:
    """A built-in model's slice in the explorer as one self-contained HTML document: the page
    computes it (static/core/slice.js, in a worker from a Blob), offline, from file://."""
    data = export_slice_data(spec, view, slice_)
    return _document(
        "hosts/export-slice.js",
        data,
        title=data["slice"]["title"],
        description="A network's loss on a plane through its weights: hover for the loss, the "
        "gradient on the plane and the share of the whole gradient it shows.",
        lead="A network's loss on a plane through its weights: hover anywhere for the loss, the "
        "gradient on the plane and how much of the whole gradient the plane shows.",
    )


def export_lesson_html() -> str:
    """The whole lesson as one self-contained HTML document, with the same strict CSP.

    The lesson module (lesson.py) inlines its styles, data and bundled modules; this adds the
    Content-Security-Policy that allows exactly its inline module scripts, by hash.
    """
    from .lesson import lesson_standalone_html

    page = lesson_standalone_html()
    scripts = _MODULE.findall(page)
    if not scripts:
        raise RuntimeError("the one-file lesson has no inline module script")
    if _OUTSIDE.search(page):
        raise RuntimeError("the one-file lesson still refers to an outside file")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{csp(scripts)}">'
    head, charset, rest = page.partition('<meta charset="utf-8">')
    if not charset:
        raise RuntimeError("the lesson page has no <meta charset> to put the CSP after")
    return f"{head}{charset}\n{meta}{rest}"


def write_export(path: str | Path, document: str) -> int:
    """Write the document (UTF-8); returns its size in bytes."""
    data = document.encode("utf-8")
    try:
        Path(path).write_bytes(data)
    except OSError as err:
        raise ValueError(f"cannot write {str(path)!r}: {err.strerror or err}") from None
    return len(data)
