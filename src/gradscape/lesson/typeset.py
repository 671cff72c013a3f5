"""Mathematics typeset to SVG for the lesson: LaTeX in, inline ``<svg role="img">`` out.

    math(latex, spoken, display=False)   # one formula; its aria-label is the spoken form
    prose(text)                          # every $latex :: spoken$ and $$latex :: spoken$$ in text
    share_repeats(markup)                # a formula that occurs again <use>s the first one's glyphs

ziamath draws the glyphs as paths (fonts built in), so the page needs no network and no web font,
and an exported file carries its math along.
"""

from __future__ import annotations

import html
import re
import threading
from functools import lru_cache

MATH_SIZE = 20.0  # ziamath's font size; the SVG is then scaled to the surrounding text
MATH_SCALE = 1.1  # STIX Two Math sits a little small beside most text faces

_ziafont_lock = threading.Lock()


# ---------------------------------------------------------------------------------------------
# One formula


@lru_cache(maxsize=1024)
def _typeset(latex: str, display: bool) -> tuple[str, float, float, float, float]:
    """ziamath's SVG for `latex`: (inner markup, viewBox x, y, width, height); baseline at y=0."""
    import ziafont
    import ziamath

    # ziamath spaces nabla and partial like operators ("∇ L"); as ordinary symbols they sit
    # close to what follows, as in TeX
    latex = re.sub(r"\\(nabla|partial)(?![A-Za-z])", r"{\\\1}", latex)
    # and it spaces a minus sign after "(", "=" and the like as if it were binary ("( − η")
    latex = _UNARY_MINUS.sub(r"\1{-}", latex)
    with _ziafont_lock:
        # Glyphs as plain <path>s rather than <symbol>/<use>: no ids, so any number of formulas
        # can share a page without clashing. One decimal in units of 1/20 em is under 0.1 px.
        saved = ziafont.config.svg2, ziafont.config.precision
        ziafont.config.svg2, ziafont.config.precision = False, 1
        try:
            expr = ziamath.Latex(latex, size=MATH_SIZE, color="currentColor", inline=not display)
            svg = expr.svg()
        finally:
            ziafont.config.svg2, ziafont.config.precision = saved
    _check_parsed(latex, expr.mathmlstr())
    m = re.match(r"<svg\b[^>]*\bviewBox=\"([^\"]+)\"[^>]*>", svg)
    if not m or not svg.endswith("</svg>"):
        raise ValueError(f"Unexpected SVG from ziamath for {latex!r}")
    x, y, w, h = (float(v) for v in m[1].split())
    body = _PATH_DATA.sub(lambda d: f' d="{_squeeze_path(d[1])}"', svg[m.end() : -len("</svg>")])
    return body, x, y, w, h


_UNARY_MINUS = re.compile(r"(^\s*|[(\[{=,<>]\s*|\\(?:approx|leftarrow|qquad|quad)\s*)-")


def _check_parsed(latex: str, mathml: str) -> None:
    """Refuse LaTeX that ziamath would draw as its own source: an unknown command shows up as a
    backslash in the MathML, unsupported syntax such as `\\\\[1ex]` as a number with letters."""
    if "\\" in mathml or re.search(r"<mn>[^<]*[A-Za-z]", mathml):
        raise ValueError(f"ziamath cannot typeset {latex!r}: {mathml}")


_PATH_DATA = re.compile(r' d="([^"]*)"')


def _squeeze_path(d: str) -> str:
    """Shorter path data, same shape: no space after a command letter or before a minus sign."""
    return re.sub(r"([MLQCZ]) ", r"\1", d).replace(" -", "-").strip()


def math(latex: str, spoken: str, display: bool = False) -> str:
    """A formula as inline SVG, sized in em (it follows the text size), on the text's baseline."""
    body, x, y, w, h = _typeset(latex, display)
    k = MATH_SCALE / MATH_SIZE
    style = f"width:{w * k:.3f}em;height:{h * k:.3f}em;vertical-align:{-(y + h) * k:.3f}em"
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="math" role="img" focusable="false" '
        f'aria-label="{html.escape(spoken)}" viewBox="{x:g} {y:g} {w:g} {h:g}" '
        f'preserveAspectRatio="xMinYMid meet" style="{style}">{body}</svg>'
    )
    if display:
        return f'<div class="display-math">{svg}</div>'
    return svg


_DISPLAY = re.compile(r"\$\$(.+?)::(.+?)\$\$", re.S)
# inline math with the punctuation around it, which must not be broken off onto another line
_INLINE = re.compile(r"([(\[]?)\$(.+?)::(.+?)\$([,.;:!?)\]]*)", re.S)


def prose(text: str) -> str:
    """Replace the math markers in `text` by typeset SVG (display ones first)."""

    def render(match: re.Match[str], display: bool) -> str:
        return math(" ".join(match[1].split()), " ".join(match[2].split()), display)

    def inline(match: re.Match[str]) -> str:
        before, latex, spoken, after = match.groups()
        svg = math(" ".join(latex.split()), " ".join(spoken.split()))
        return f'<span class="nobr">{before}{svg}{after}</span>' if before or after else svg

    text = _DISPLAY.sub(lambda mt: render(mt, True), text)
    return _INLINE.sub(inline, text)


_MATH_SVG = re.compile(r'(<svg [^>]*class="math"[^>]*>)(.*?)</svg>', re.S)


def share_repeats(markup: str) -> str:
    """Draw a formula that occurs more than once only once: the others <use> its glyphs."""
    counts: dict[str, int] = {}
    for mt in _MATH_SVG.finditer(markup):
        counts[mt[2]] = counts.get(mt[2], 0) + 1
    ids: dict[str, str] = {}

    def share(mt: re.Match[str]) -> str:
        opening, body = mt[1], mt[2]
        if counts[body] < 2:
            return mt[0]
        if body in ids:
            return f'{opening}<use href="#{ids[body]}"/></svg>'
        ids[body] = f"gs-math-{len(ids)}"
        return f'{opening}<g id="{ids[body]}">{body}</g></svg>'

    return _MATH_SVG.sub(share, markup)
