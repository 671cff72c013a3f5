"""The lesson page put together: the prose templates (``prose/*.html``) filled and typeset, the
figures' data inlined as JSON, and the one-file variant with styles and modules inlined too.

The words live in the templates, not here: this module only knows their order (`SECTIONS`), the
values of their ``%NAME%`` placeholders, and how to join them into a document.
"""

from __future__ import annotations

import html
import posixpath
import re
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from ..jsondata import json_script
from .typeset import prose, share_repeats

BOWL = "w1^2 + 3w2^2"
NUDGE_SAMPLES = 200  # images the browser recomputes the network's loss on
ENTRY = "lesson/lesson.js"  # the figures' module, under static/
SHEETS = ("hosts/page.css", "lesson/lesson.css")  # the page's styles, then the lesson's
SECTIONS = ("one", "definition", "bowl", "uphill", "descent", "many", "explore")  # prose/*.html

PROSE = resources.files("gradscape.lesson") / "prose"
_PLACEHOLDER = re.compile(r"%([A-Z][A-Z0-9_]*)%")
_HEADING = re.compile(
    r'<section id="([^"]+)"[^>]*>\s*<h2\b[^>]*>(?:<span class="num">[^<]*</span>\s*)?(.*?)</h2>',
    re.S,
)


@cache
def read_prose(name: str) -> str:
    """The text of ``prose/<name>.html`` (without its final newline)."""
    return (PROSE / f"{name}.html").read_text(encoding="utf-8").removesuffix("\n")


def fill(template: str, **values: str) -> str:
    """`template` with each %NAME% replaced, then its math typeset."""
    for key, value in values.items():
        template = template.replace(f"%{key}%", value)
    left = re.findall(r"%[A-Z_]+%", template)
    if left:
        raise KeyError(f"Unfilled placeholders: {left}")
    return prose(template)


def contents(sections: list[str]) -> list[tuple[str, str]]:
    """(id, title) of each section, read from its ``<section id>`` and ``<h2>``: the table of
    contents follows the prose, whatever a writer renames or adds."""
    out = []
    for text in sections:
        m = _HEADING.search(text)
        if not m:
            raise ValueError(f"a lesson section has no <section id> with an <h2>: {text[:80]!r}")
        out.append((m[1], m[2]))
    return out


def slider(
    ident: str, label: str, lo: float, hi: float, step: float, value: float, unit: str = ""
) -> str:
    """A labelled range input with its value shown beside it (lesson.js keeps it current)."""
    return (
        f'<div class="control"><label for="{ident}">{label}</label>'
        f'<input type="range" id="{ident}" data-testid="{ident}" min="{lo:g}" max="{hi:g}" '
        f'step="{step:g}" value="{value:g}">'
        f'<output for="{ident}" id="{ident}-value" class="control-value">{value:g}{unit}</output>'
        "</div>"
    )


# ---------------------------------------------------------------------------------------------
# Data for the figures


@lru_cache(maxsize=1)
def lesson_data() -> dict[str, Any]:
    """Everything the figures read: the bowl's compiled payload (with Hessian), the network."""
    from ..models.model import lesson_model
    from ..payload import surface_payload

    return {
        "bowl": surface_payload(BOWL, hessian=True),
        "model": lesson_model().to_browser_json(n_samples=NUDGE_SAMPLES),
    }


# ---------------------------------------------------------------------------------------------
# The page


def lesson_html(static_prefix: str = "/static/", explorer_href: str = "/") -> str:
    """The whole lesson as one HTML document (cached: the first call takes a few seconds).

    `static_prefix` is where the static/ folders are (hosts/page.css, lesson/lesson.css, the
    modules), ending in "/"; `explorer_href` is where the links to the full explorer point.
    """
    return _page(static_prefix, explorer_href)


def lesson_standalone_html(explorer_href: str = "#explore") -> str:
    """The lesson as one self-contained file: stylesheets and modules inlined (the modules joined
    by gradscape.bundle), so it works opened straight from disk, with no server and no network.

    The file carries the gallery, compiled, so the embedded explorer's menu works and its formula
    box takes any gallery surface, with no server wherever the file is hosted (a course site, or
    disk); other formulas need gradscape. The explorer link points at the embedded one by default.
    """
    return _standalone(explorer_href)


@lru_cache(maxsize=4)
def _standalone(explorer_href: str) -> str:
    from ..bundle import STATIC, bundle
    from ..payload import packed_surfaces

    page = _page("", explorer_href)
    script = bundle(ENTRY)
    # the gallery, compiled, for section 7's explorer: a file calls no server (lesson-explorer.js)
    packed = packed_surfaces(BOWL)
    carried = json_script(
        "lesson-surfaces", {"surfaces": packed["surfaces"], "gallery": packed["gallery"]}
    )
    if "</script" in script.lower():
        raise ValueError("a module contains '</script' and cannot be inlined")
    page = page.replace(
        f'<script type="module" src="{ENTRY}"></script>',
        f'{carried}\n<script type="module">\n{script}</script>',
    )
    for sheet in SHEETS:
        css = _inline_imports((STATIC / sheet).read_text(encoding="utf-8"), sheet)
        if "</style" in css.lower():
            raise ValueError(f"{sheet} contains '</style'")
        page = page.replace(f'<link rel="stylesheet" href="{sheet}">', f"<style>\n{css}</style>")
    if re.search(r'<(?:script|link)\b[^>]*\b(?:src|href)="(?!data:)[^"#]', page):
        raise ValueError("the one-file lesson still refers to an outside file")
    return page


def _inline_imports(css: str, sheet: str) -> str:
    """Replace `@import url("../folder/x.css");` (relative to `sheet`, a path under static/) by
    the file's text (one level is all gradscape uses)."""
    from ..bundle import STATIC

    def read(m: re.Match[str]) -> str:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(sheet), m[1]))
        return str((STATIC / path).read_text(encoding="utf-8"))

    return re.sub(r'@import\s+url\(\s*"(\.\.?/(?:[\w.-]+/)*[\w.-]+\.css)"\s*\)\s*;', read, css)


def _document(**values: str) -> str:
    """prose/page.html with its placeholders filled in one pass (the values, JSON among them,
    are not searched for placeholders); an unknown or unused placeholder is an error."""
    text = read_prose("page")
    names = set(_PLACEHOLDER.findall(text))
    if names != set(values):
        raise KeyError(f"page.html placeholders {sorted(names)} != filled {sorted(values)}")
    return _PLACEHOLDER.sub(lambda m: values[m[1]], text) + "\n"


@lru_cache(maxsize=8)
def _page(static_prefix: str, explorer_href: str) -> str:
    prefix = html.escape(static_prefix)
    href = html.escape(explorer_href)
    data = lesson_data()
    model = data["model"]
    n_weights = int(model["n_weights"])
    values = {
        "N": f"{n_weights:,}",
        "N_MINUS_1": f"{n_weights - 1:,}",
        "LAST": str(n_weights - 1),
        "SAMPLES": str(model["n_samples"]),
        "TRAIN": f"{model['n_train']:,}",
        "EXPLORER": href,
        "EXPLORER_PAGE": ""
        if explorer_href.startswith("#")
        else f' It also has a page of its own: <a href="{href}">the gradscape explorer</a>.',
        "SLIDER_SLOPE": slider("slope-w", "Point <var>w</var>", -2, 2, 0.01, 1),
        "SLIDER_COMPASS": slider("compass-angle", "Direction θ, in degrees", 0, 359, 1, 30, "°"),
        "SLIDER_LR": slider("descent-lr", "Learning rate η", 0.01, 0.4, 0.01, 0.1),
        "SLIDER_EPS": slider("model-eps", "Nudge size ε, as a power of 10", -9, 0, 0.25, -4),
    }
    texts = [read_prose(name) for name in SECTIONS]
    sections = share_repeats("\n".join(fill(s, **values) for s in texts))
    toc = "\n".join(f'<li><a href="#{sid}">{title}</a></li>' for sid, title in contents(texts))
    head = fill(read_prose("header"), TOC=toc, **values)
    data_blocks = "\n".join(
        [json_script("lesson-bowl", data["bowl"]), json_script("lesson-model", model)]
    )
    return _document(
        PAGE_CSS=prefix + SHEETS[0],
        LESSON_CSS=prefix + SHEETS[1],
        MODULE=prefix + ENTRY,
        HEADER=head,
        SECTIONS=sections,
        DATA=data_blocks,
    )
