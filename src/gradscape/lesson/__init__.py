"""The lesson: what the gradient is, as one HTML page with live figures.

    lesson_html()                          # the page the server answers at /lesson
    lesson_html(static_prefix="static/")   # the same, for a file written next to a static/ copy
    lesson_standalone_html()               # one self-contained file (CSS and modules inlined)

The package's parts:

- ``prose/*.html``: the text, as HTML templates a writer edits without touching Python. Math is
  written ``$latex :: spoken$`` inline and ``$$latex :: spoken$$`` on its own line; ``%NAME%``
  placeholders take numbers and controls from Python (``prose/README.md`` lists them).
- ``typeset.py``: each math marker becomes LaTeX typeset to SVG by ziamath (fonts built in, so
  the page needs no network and no web font, and an exported file carries its math along): an
  ``<svg role="img">`` whose aria-label is the spoken form.
- ``page.py``: the templates filled in order, the figures' data, the document and its one-file
  variant.

The figures are ES modules (``static/lesson/*.js``, entry ``lesson/lesson.js``) that reuse the
evaluator, colour map, contours and painting of ``static/core/``. What they need from Python,
the compiled bowl (with its Hessian) and the digit network (weights, gradient, 200 images), is
inlined as JSON in ``<script type="application/json">`` blocks, which the CSP allows because
they are not executed. The page has no inline script and no inline event handler.
"""

from __future__ import annotations

from .page import (
    BOWL,
    NUDGE_SAMPLES,
    SECTIONS,
    fill,
    lesson_data,
    lesson_html,
    lesson_standalone_html,
    slider,
)
from .typeset import _typeset, math, prose

__all__ = [
    "BOWL",
    "NUDGE_SAMPLES",
    "SECTIONS",
    "_typeset",
    "fill",
    "lesson_data",
    "lesson_html",
    "lesson_standalone_html",
    "math",
    "prose",
    "slider",
]
