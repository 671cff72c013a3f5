"""The lesson: what the gradient is, as one HTML page with live figures.

    lesson_html()                          # the page the server answers at /lesson
    lesson_html(static_prefix="static/")   # the same, for a file written next to a static/ copy
    lesson_standalone_html()               # one self-contained file (CSS and modules inlined)

The text and the mathematics are made here. Prose is written with math markers,
``$latex :: spoken$`` inline and ``$$latex :: spoken$$`` on its own line; each becomes LaTeX
typeset to SVG by ziamath (fonts built in, so the page needs no network and no web font, and an
exported file carries its math along): an ``<svg role="img">`` whose aria-label is the spoken form.

The figures are ES modules (``static/lesson/*.js``, entry ``lesson/lesson.js``) that reuse the
evaluator, colour map, contours and painting of ``static/core/``. What they need from Python,
the compiled bowl (with its Hessian) and the digit network (weights, gradient, 200 images), is
inlined as JSON in ``<script type="application/json">`` blocks, which the CSP allows because
they are not executed. The page has no inline script and no inline event handler.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
import threading
from functools import lru_cache
from typing import Any

BOWL = "w1^2 + 3w2^2"
NUDGE_SAMPLES = 200  # images the browser recomputes the network's loss on
MATH_SIZE = 20.0  # ziamath's font size; the SVG is then scaled to the surrounding text
MATH_SCALE = 1.1  # STIX Two Math sits a little small beside most text faces

ENTRY = "lesson/lesson.js"  # the figures' module, under static/
SHEETS = ("hosts/page.css", "lesson/lesson.css")  # the page's styles, then the lesson's

_ziafont_lock = threading.Lock()


# ---------------------------------------------------------------------------------------------
# Mathematics, typeset to SVG


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


def fill(template: str, **values: str) -> str:
    """`template` with each %NAME% replaced, then its math typeset."""
    for key, value in values.items():
        template = template.replace(f"%{key}%", value)
    left = re.findall(r"%[A-Z_]+%", template)
    if left:
        raise KeyError(f"Unfilled placeholders: {left}")
    return prose(template)


# ---------------------------------------------------------------------------------------------
# Data for the figures


@lru_cache(maxsize=1)
def lesson_data() -> dict[str, Any]:
    """Everything the figures read: the bowl's compiled payload (with Hessian), the network."""
    from .models.model import lesson_model
    from .payload import compile_surface

    return {
        "bowl": compile_surface(BOWL, hessian=True),
        "model": lesson_model().to_browser_json(n_samples=NUDGE_SAMPLES),
    }


def _json_block(element_id: str, data: Any) -> str:
    text = json.dumps(data, allow_nan=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c")  # no "</script>" can end the block early
    return f'<script type="application/json" id="{element_id}">{text}</script>'


# ---------------------------------------------------------------------------------------------
# The page


def lesson_html(static_prefix: str = "/static/", explorer_href: str = "/") -> str:
    """The whole lesson as one HTML document (cached: the first call takes a few seconds).

    `static_prefix` is where the static/ folders are (hosts/page.css, lesson/lesson.css, the
    modules), ending in "/";
    `explorer_href` is where the links to the full explorer point.
    """
    return _page(static_prefix, explorer_href)


def lesson_standalone_html(explorer_href: str = "#explore") -> str:
    """The lesson as one self-contained file: stylesheets and modules inlined (the modules joined
    by gradscape.bundle), so it works opened straight from disk, with no server and no network.

    Without a server the embedded explorer shows the bowl but cannot compile new formulas, so the
    explorer link points at the embedded one by default.
    """
    return _standalone(explorer_href)


@lru_cache(maxsize=4)
def _standalone(explorer_href: str) -> str:
    from .bundle import STATIC, bundle

    page = _page("", explorer_href)
    script = bundle(ENTRY)
    if "</script" in script.lower():
        raise ValueError("a module contains '</script' and cannot be inlined")
    page = page.replace(
        f'<script type="module" src="{ENTRY}"></script>',
        f'<script type="module">\n{script}</script>',
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
    from .bundle import STATIC

    def read(m: re.Match[str]) -> str:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(sheet), m[1]))
        return str((STATIC / path).read_text(encoding="utf-8"))

    return re.sub(r'@import\s+url\(\s*"(\.\.?/(?:[\w.-]+/)*[\w.-]+\.css)"\s*\)\s*;', read, css)


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
    sections = _share_repeats("\n".join(fill(s, **values) for s in SECTIONS))
    toc = "\n".join(f'<li><a href="#{sid}">{title}</a></li>' for sid, title in TOC)
    head = fill(HEADER, TOC=toc, **values)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The gradient — a gradscape lesson</title>
<meta name="description" content="What the gradient is, how to read it, and why stepping
against it trains a model: a lesson with live figures.">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{prefix}{SHEETS[0]}">
<link rel="stylesheet" href="{prefix}{SHEETS[1]}">
<script type="module" src="{prefix}{ENTRY}"></script>
</head>
<body class="lesson">
<a class="skip" href="#main">Skip to the lesson</a>
{head}
<main id="main">
{sections}
</main>
<footer class="lesson-foot">
<p>Made with gradscape. Every number in the figures is computed in your browser, from the
formulas on this page; the page loads nothing from the internet.</p>
</footer>
{_json_block("lesson-bowl", data["bowl"])}
{_json_block("lesson-model", model)}
</body>
</html>
"""


_MATH_SVG = re.compile(r'(<svg [^>]*class="math"[^>]*>)(.*?)</svg>', re.S)


def _share_repeats(markup: str) -> str:
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


TOC = [
    ("one", "One number, many numbers"),
    ("definition", "The definition"),
    ("bowl", "A worked example"),
    ("uphill", "The gradient points uphill"),
    ("descent", "Gradient descent"),
    ("many", "A thousand parameters"),
    ("explore-section", "Explore"),
]


# ---------------------------------------------------------------------------------------------
# The text. Math: $latex :: spoken$ inline, $$latex :: spoken$$ displayed; %NAME% placeholders.

HEADER = r"""<header class="lesson-head">
<p class="kicker"><a href="%EXPLORER%">gradscape</a> · a lesson</p>
<h1>The gradient</h1>
<p class="standfirst">From one slope to %N%: what the gradient is, how to read it, and why
taking small steps against it is how a model learns.</p>
<nav aria-label="Contents" class="toc"><ol>
%TOC%
</ol></nav>
</header>"""

ONE = r"""<section id="one" aria-labelledby="one-h">
<h2 id="one-h"><span class="num">1</span> One number, many numbers</h2>
<p>Start with what you know. A function of one variable, say $f(w) = w^2 :: f of w equals w
squared$, has a derivative, here $f'(w) = 2w :: f prime of w equals 2 w$. At each point
$w :: w$ the derivative is a single number: the slope of the graph there. Its sign says which
way the function goes as $w :: w$ grows (up if positive, down if negative) and its size says
how fast. Move the point and watch the tangent, the straight line that touches the graph there
and has the same slope.</p>
<figure class="fig" id="fig-slope" data-figure="slope" aria-labelledby="fig-slope-cap">
<div class="fig-body">
<div class="plot plot-1d" data-testid="slope-plot"></div>
<div class="fig-side">
%SLIDER_SLOPE%
<p class="readout" data-testid="slope-readout" aria-live="polite"></p>
</div>
</div>
<figcaption id="fig-slope-cap"><span class="fig-n">Figure 1.</span> The graph of
$f(w) = w^2 :: f of w equals w squared$ and its tangent at $w :: w$. The tangent's slope is the
derivative $f'(w) = 2w :: f prime of w equals 2 w$: one number for each point. Drag the point
or use the slider.</figcaption>
</figure>
<p>A model's loss is different: it depends on many numbers at once, every weight of the
network, and there are often millions of them. Stand at one setting of all the weights. From
there you can step in any direction in the space of weights: change one weight, or another, or
several together in any proportion. Each direction has its own slope. No single number can
describe them all; we need an object that answers <em>how steeply does the loss change if I move
this way?</em> for every direction at once. That object is the gradient.</p>
</section>"""

DEFINITION = r"""<section id="definition" aria-labelledby="definition-h">
<h2 id="definition-h"><span class="num">2</span> The definition</h2>
<p>Let the loss $L :: L$ depend on $n :: n$ weights, collected into one vector
$\mathbf{w} = (w_1, w_2, \ldots, w_n) :: bold w equals w 1, w 2, through w n$. Pick one weight,
$w_i :: w i$. Hold every other weight fixed, and $L :: L$ becomes an ordinary function of
$w_i :: w i$ alone. Its derivative, in the familiar one-variable sense, is the
<dfn>partial derivative</dfn> of $L :: L$ with respect to $w_i :: w i$:</p>
$$\frac{\partial L}{\partial w_i}(\mathbf{w}) = \lim_{h \to 0}
\frac{L(\mathbf{w} + h\,\mathbf{e}_i) - L(\mathbf{w})}{h}
:: partial L over partial w i, at bold w, equals the limit as h goes to 0 of: L at bold w plus
h e i, minus L at bold w, all over h$$
<p>Here $\mathbf{e}_i :: e i$ is the vector with 1 in place $i :: i$ and 0 everywhere else, so
adding $h\,\mathbf{e}_i :: h e i$ to $\mathbf{w} :: bold w$ changes $w_i :: w i$ by
$h :: h$ and leaves the other weights as they were. Do this for every weight and collect the
results, in order, into one vector. That vector is the <dfn>gradient</dfn>:</p>
$$\nabla L(\mathbf{w}) = \left( \frac{\partial L}{\partial w_1},
\frac{\partial L}{\partial w_2}, \ldots, \frac{\partial L}{\partial w_n} \right)
:: nabla L of bold w equals the vector: partial L over partial w 1, partial L over partial w 2,
and so on up to partial L over partial w n$$
<dl class="symbols">
<dt>$L :: L$</dt>
<dd>The loss: one number computed from all the weights. Smaller is better.</dd>
<dt>$\mathbf{w} :: bold w$</dt>
<dd>All the weights together: one point in $n :: n$-dimensional space.</dd>
<dt>$w_i :: w i$</dt>
<dd>The $i :: i$-th weight; the subscript $i :: i$ numbers the weights from 1 to
$n :: n$.</dd>
<dt>$\partial :: partial$</dt>
<dd>A curly <i>d</i>, read “partial”. It marks a derivative taken with all the other variables
held still.</dd>
<dt>$\dfrac{\partial L}{\partial w_i} :: partial L over partial w i$</dt>
<dd>The partial derivative: the slope of $L :: L$ along the $w_i :: w i$ axis alone. It looks
like a fraction but means the limit above.</dd>
<dt>$\nabla L :: nabla L$</dt>
<dd>The gradient, read “grad $L :: L$” (the symbol $\nabla :: nabla$ is called nabla): a vector
with one entry per weight, as long as $\mathbf{w} :: bold w$ itself. It depends on where you
stand: $\nabla L(\mathbf{w}) :: nabla L of bold w$ is the gradient at the point
$\mathbf{w} :: bold w$.</dd>
</dl>
<p>Each entry is a small, useful fact about the loss near the current weights. Its
<em>sign</em> says what happens if you increase that one weight a little:</p>
<ul class="signs">
<li><span class="sign sign-pos">$\dfrac{\partial L}{\partial w_i} > 0 :: partial L over partial
w i greater than 0$</span> <span>Increasing $w_i :: w i$ raises the loss (and decreasing it
lowers the loss).</span></li>
<li><span class="sign sign-neg">$\dfrac{\partial L}{\partial w_i} < 0 :: partial L over partial
w i less than 0$</span> <span>Increasing $w_i :: w i$ lowers the loss.</span></li>
<li><span class="sign sign-zero">$\dfrac{\partial L}{\partial w_i} = 0 :: partial L over partial
w i equals 0$</span> <span>The loss is flat along $w_i :: w i$ here: a small change of
$w_i :: w i$ alone leaves it unchanged, to first order.</span></li>
</ul>
<p>Its <em>size</em> says how strongly: changing $w_i :: w i$ by a small amount
$\delta :: delta$ changes the loss by about
$\delta \, \frac{\partial L}{\partial w_i} :: delta times partial L over partial w i$.
Section 6 puts this to the test on a network with %N% weights.</p>
</section>"""

BOWL_SECTION = r"""<section id="bowl" aria-labelledby="bowl-h">
<h2 id="bowl-h"><span class="num">3</span> A worked example</h2>
<p>Here is a loss with just two weights, so that we can draw it:</p>
$$L(w_1, w_2) = w_1^2 + 3 w_2^2 :: L of w 1, w 2 equals w 1 squared plus 3 w 2 squared$$
<p>It is a bowl whose lowest point is $(0, 0) :: 0, 0$, where the loss is 0, and it is steeper
along $w_2 :: w 2$ than along $w_1 :: w 1$: one unit from the bottom along $w_2 :: w 2$ costs 3,
along $w_1 :: w 1$ only 1. For each partial derivative, treat the other weight as a constant
and differentiate as usual:</p>
$$\frac{\partial L}{\partial w_1} = 2 w_1, \qquad \frac{\partial L}{\partial w_2} = 6 w_2
:: partial L over partial w 1 equals 2 w 1; partial L over partial w 2 equals 6 w 2$$
<p>so the gradient at any point is</p>
$$\nabla L(w_1, w_2) = (2 w_1,\ 6 w_2) :: nabla L of w 1, w 2 equals 2 w 1, 6 w 2$$
<p>In Figure 2 the colour shows the loss (pale is low, dark is high) and the closed curves are
<em>contours</em>, lines along which the loss is constant. Move over the figure, or use the
buttons, to see the gradient at a point.</p>
<figure class="fig fig-wide" id="fig-bowl" data-figure="bowl" aria-labelledby="fig-bowl-cap">
<div class="fig-body">
<div class="plot plot-2d" data-testid="bowl-plot" tabindex="0" role="application"
 aria-roledescription="loss surface plot"
 aria-label="The bowl. Arrow keys move the point; with Shift, farther."></div>
<div class="fig-side">
<div class="visits" role="group" aria-label="Go to a point">
<button type="button" data-testid="visit-3-1" data-point="3,1">(3, 1)</button>
<button type="button" data-testid="visit-0-1" data-point="0,1">(0, 1)</button>
<button type="button" data-testid="visit-0-0" data-point="0,0">(0, 0)</button>
</div>
<div class="readout" data-testid="bowl-readout" aria-live="polite"></div>
<p class="visit-note" data-testid="bowl-note"></p>
<div class="check">
<label class="toggle"><input type="checkbox" data-testid="gradcheck-toggle"
 id="gradcheck-toggle"> Check against finite differences</label>
<div class="gradcheck" data-testid="gradcheck" hidden></div>
</div>
</div>
</div>
<figcaption id="fig-bowl-cap"><span class="fig-n">Figure 2.</span> The bowl
$L = w_1^2 + 3 w_2^2 :: L equals w 1 squared plus 3 w 2 squared$. The red arrow is the
gradient, the dashed blue one its opposite. The dotted line through the point is the tangent to
the contour there; the gradient meets it at a right angle (the small square).</figcaption>
</figure>
<p>Three points tell the story.</p>
<ul class="visits-text">
<li>At $(3, 1) :: 3, 1$ the gradient is $(6, 6) :: 6, 6$. Both entries are positive: increasing
either weight raises the loss, and equally fast, even though $w_1 :: w 1$ is three times as far
from the bottom. The arrow points uphill, but not straight away from the minimum: the steepness
along $w_2 :: w 2$ counts as much as the distance along $w_1 :: w 1$.</li>
<li>At $(0, 1) :: 0, 1$ the gradient is $(0, 6) :: 0, 6$. Along $w_1 :: w 1$ the loss is flat
here ($w_1 :: w 1$ is already at its best), so the first entry is zero; along
$w_2 :: w 2$ the loss rises with slope 6.</li>
<li>At $(0, 0) :: 0, 0$ the gradient is $(0, 0) :: 0, 0$. Every partial derivative is zero: the
loss is flat in every direction. This is the bottom, and a method that follows the gradient
stops here.</li>
</ul>
<p>A gradient can be checked without any calculus. Nudge one weight by a tiny amount
$h :: h$ each way, hold the others, and divide the change in the loss by the distance:</p>
$$\frac{\partial L}{\partial w_i} \approx
\frac{L(\mathbf{w} + h\,\mathbf{e}_i) - L(\mathbf{w} - h\,\mathbf{e}_i)}{2h}
:: partial L over partial w i is approximately: L at bold w plus h e i, minus L at bold w minus
h e i, all over 2 h$$
<p>($\mathbf{e}_i :: e i$ is the unit step along the $i :: i$-th axis, as in section 2.)
This <dfn>central difference</dfn> is the definition of section 2 with a small step instead of a
vanishing one, taken on both sides. Tick <em>Check against finite differences</em> in
Figure 2 to see both side by side at your point. On this bowl they agree as closely as
floating-point arithmetic allows, because for a quadratic the central difference is exact; for
other functions they differ by about $h^2 :: h squared$ times a third derivative.</p>
</section>"""

UPHILL = r"""<section id="uphill" aria-labelledby="uphill-h">
<h2 id="uphill-h"><span class="num">4</span> The gradient points uphill</h2>
<p>Picture yourself on a hillside in thick fog. You cannot see the valley; you can only feel the
ground under your feet. Face some direction and you can tell how steeply the ground rises or
falls that way; turn, and the answer changes. Of all the directions you could face, which one
climbs fastest?</p>
<p>For a direction given by a unit vector $\mathbf{u} :: u$ (an arrow of length 1), the slope
of the loss as you walk that way is the <dfn>directional derivative</dfn>. It is made from the
gradient alone, by a dot product:</p>
$$D_{\mathbf{u}} L(\mathbf{w}) = \nabla L(\mathbf{w}) \cdot \mathbf{u}
= \lVert \nabla L(\mathbf{w}) \rVert \cos\theta
:: D sub u of L at bold w equals nabla L at bold w, dot u, which equals the length of nabla L
times cosine theta$$
<p>For two weights the dot product is
$\nabla L \cdot \mathbf{u} = \frac{\partial L}{\partial w_1} u_1
+ \frac{\partial L}{\partial w_2} u_2 :: nabla L dot u equals partial L over partial w 1
times u 1, plus partial L over partial w 2 times u 2$; $\theta :: theta$ is the angle between
$\mathbf{u} :: u$ and the gradient, and
$\lVert \nabla L \rVert :: the length of nabla L$ is the gradient's length. Since
$\cos\theta :: cosine theta$ is largest, 1, at $\theta = 0 :: theta equals 0$:</p>
<ul>
<li>the steepest way <em>up</em> is along the gradient itself, with slope
$\lVert \nabla L \rVert :: the length of nabla L$;</li>
<li>the steepest way <em>down</em> is the opposite direction,
$-\nabla L :: minus nabla L$ (θ = 180°), with slope
$-\lVert \nabla L \rVert :: minus the length of nabla L$;</li>
<li>at right angles to the gradient (θ = ±90°) the slope is zero: those two directions run along
the contour line through your point.</li>
</ul>
<p>Figure 3 draws this as a <em>slope compass</em>. Around the point, the curve's distance from
the point in each direction is the slope in that direction: red where the loss rises, blue where
it falls. The two lobes are circles. The red one reaches farthest along the gradient, the blue
one along its opposite, and they touch where the slope is zero, on the contour's tangent.</p>
<figure class="fig fig-wide" id="fig-compass" data-figure="compass"
 aria-labelledby="fig-compass-cap">
<div class="fig-body">
<div class="plot plot-2d" data-testid="compass-plot" tabindex="0" role="application"
 aria-roledescription="slope compass"
 aria-label="Slope compass on the bowl. Arrow keys move the point; the direction slider
 turns the direction."></div>
<div class="fig-side">
%SLIDER_COMPASS%
<div class="readout" data-testid="compass-readout" aria-live="polite"></div>
</div>
</div>
<figcaption id="fig-compass-cap"><span class="fig-n">Figure 3.</span> The slope compass on the
bowl. Move over the plot (or use the arrow keys) to choose the point. To choose a direction
$\mathbf{u} :: u$, press on the point and drag away from it, drag the round black handle, or use
the slider; the readout gives its slope $\nabla L \cdot \mathbf{u} :: nabla L dot u$. At each
point the curve is drawn to its own scale, so that it always fits.</figcaption>
</figure>
<p>This is why the gradient is the natural object: one vector of $n :: n$ numbers answers the
slope question for every one of the infinitely many directions, and it points the steepest way
up. To go down, walk the other way.</p>
</section>"""

DESCENT = r"""<section id="descent" aria-labelledby="descent-h">
<h2 id="descent-h"><span class="num">5</span> Gradient descent</h2>
<p>To make the loss smaller, take a step against the gradient, then look again, and repeat:</p>
$$\mathbf{w} \leftarrow \mathbf{w} - \eta \, \nabla L(\mathbf{w})
:: bold w becomes bold w minus eta times nabla L of bold w$$
<p>The arrow means “replace by”. The number $\eta :: eta$ (eta) is the <dfn>learning
rate</dfn>: how big a step to take, as a multiple of the gradient. Every weight moves against its
own partial derivative, all at once: weights with a positive partial decrease, weights with a
negative one increase, weights on flat ground barely move.</p>
<p>How big may $\eta :: eta$ be? On the bowl we can work it out exactly. One step does this:</p>
$$w_1 \leftarrow w_1 - \eta \cdot 2 w_1 = (1 - 2\eta)\, w_1
:: w 1 becomes w 1 minus eta times 2 w 1, which is 1 minus 2 eta, times w 1$$
$$w_2 \leftarrow w_2 - \eta \cdot 6 w_2 = (1 - 6\eta)\, w_2
:: w 2 becomes w 2 minus eta times 6 w 2, which is 1 minus 6 eta, times w 2$$
<p>So each step multiplies $w_2 :: w 2$ by $1 - 6\eta :: 1 minus 6 eta$. While
$\eta :: eta$ is below $\tfrac{1}{6} :: one sixth$ that factor lies between 0 and 1, and
$w_2 :: w 2$ shrinks smoothly. Between $\tfrac{1}{6} :: one sixth$ and
$\tfrac{1}{3} :: one third$ it is negative but less than 1 in size: each step jumps across the
valley floor to the other side, a little closer each time, and the path zig-zags in. Above
$\tfrac{1}{3} :: one third$ the factor is below −1: every jump lands farther out than the last,
and the run diverges.</p>
<p>The numbers 2 and 6 are the curvatures of the bowl along its two axes. In general they are
the eigenvalues of the <dfn>Hessian</dfn>, the matrix of second partial derivatives:</p>
$$H = \begin{pmatrix} \dfrac{\partial^2 L}{\partial w_1^2} &
\dfrac{\partial^2 L}{\partial w_1 \partial w_2} \\
\dfrac{\partial^2 L}{\partial w_2 \partial w_1} & \dfrac{\partial^2 L}{\partial w_2^2}
\end{pmatrix} = \begin{pmatrix} 2 & 0 \\ 0 & 6 \end{pmatrix}
:: H equals the matrix of second partial derivatives: partial squared L over partial w 1
squared, partial squared L over partial w 1 partial w 2; partial squared L over partial w 2
partial w 1, partial squared L over partial w 2 squared. Here it equals the matrix 2, 0; 0, 6$$
<p>On a quadratic loss, gradient descent converges exactly when every factor
$1 - \eta\lambda :: 1 minus eta lambda$, one for each eigenvalue $\lambda :: lambda$, is less
than 1 in size, that is when</p>
$$\eta < \frac{2}{\lambda_{\max}} = \frac{2}{6} = \frac{1}{3}
:: eta less than 2 over lambda max, which is 2 over 6, which is one third$$
<p>Figure 4 computes the Hessian at the starting point, its largest eigenvalue and this limit,
live. Slide the learning rate across the limit and watch the zig-zag grow.</p>
<figure class="fig fig-wide" id="fig-descent" data-figure="descent"
 aria-labelledby="fig-descent-cap">
<div class="fig-body">
<div class="plot plot-2d" data-testid="descent-plot" tabindex="0" role="application"
 aria-roledescription="gradient descent plot"
 aria-label="Gradient descent on the bowl. Click to start the run elsewhere; arrow keys move
 the start."></div>
<div class="fig-side">
%SLIDER_LR%
<div class="lr-scale" aria-hidden="true"></div>
<div class="readout" data-testid="descent-readout" aria-live="polite"></div>
<canvas class="lossplot" data-testid="descent-lossplot" role="img"
 aria-label="The loss at each step, on a logarithmic scale"></canvas>
</div>
</div>
<figcaption id="fig-descent-cap"><span class="fig-n">Figure 4.</span> Forty steps of gradient
descent on the bowl, starting from $(3, 1) :: 3, 1$ (click the plot to start elsewhere). The
small chart shows the loss at each step on a logarithmic scale: a line going down is
convergence, a line going up is divergence.</figcaption>
</figure>
<p>Real losses are not quadratic, but near a minimum they look like one, and the same rule holds
there: the steepest curvature sets the largest learning rate that works.</p>
</section>"""

MANY = r"""<section id="many" aria-labelledby="many-h">
<h2 id="many-h"><span class="num">6</span> A thousand parameters</h2>
<p>Nothing in the definition cared that there were two weights. Here is a small neural network
that looks at 8 × 8 pictures of handwritten digits and guesses which digit each one shows. Its 64
pixel values feed 16 hidden units (each a weighted sum plus a bias, passed through tanh), which
feed 10 scores, one per digit. The loss is the average cross-entropy: the negative logarithm of
the probability the network gives to the right digit. Counting weights and biases,
$64 \cdot 16 + 16 + 16 \cdot 10 + 10 = 1{,}210 :: 64 times 16, plus 16, plus 16 times 10, plus
10, equals 1,210$: the network has <strong>%N% weights</strong>, and its gradient is a vector of
%N% partial derivatives, one per weight, defined exactly as in section 2.</p>
<p>The network has been trained for a while on %TRAIN% digits (it now gets most of them right)
but not to the end, so its gradient is not zero. The gradient comes from
<dfn>backpropagation</dfn>: the chain rule, applied layer by layer from the loss back to the
weights. To keep the page quick, the loss here is the average over %SAMPLES% of the digits, and
your browser recomputes it from scratch whenever you nudge a weight.</p>
<figure class="fig fig-wide" id="fig-many" data-figure="many" aria-labelledby="fig-many-cap">
<div class="strip-wrap">
<div class="strip" data-testid="model-strip" tabindex="0" role="application"
 aria-roledescription="gradient strip"
 aria-label="The %N% entries of the gradient. Arrow keys choose a weight."></div>
</div>
<div class="fig-body fig-body-nudge">
<div class="nudge-controls">
<div class="control"><label for="model-index">Weight number $i :: i$</label>
<input type="number" id="model-index" data-testid="model-index" min="0" max="%LAST%"
 step="1" value="0" inputmode="numeric">
<output for="model-index" class="control-value" id="model-index-name"></output></div>
%SLIDER_EPS%
<div class="biggest"><p class="biggest-label" id="biggest-label">Largest entries:</p>
<div class="biggest-buttons" role="group" aria-labelledby="biggest-label"></div></div>
</div>
<div class="nudge" data-testid="nudge" aria-live="polite"></div>
</div>
<figcaption id="fig-many-cap"><span class="fig-n">Figure 5.</span> The gradient of the digit
network: %N% cells, one per weight, in the order W1 (pixels to hidden units), b1, W2 (hidden
units to scores), b2. Red cells are positive partial derivatives and blue ones negative; the
darker, the larger. The outlined cells are the largest in size. Hover over a cell to pick its
weight (click to keep it), or use the arrow keys or its number; then choose the nudge
$\varepsilon :: epsilon$.</figcaption>
</figure>
<p>Each entry makes a prediction you can test directly. Change weight $i :: i$ by a small
$\varepsilon :: epsilon$, leave the other %N_MINUS_1% alone, and the loss should change by about
$\varepsilon :: epsilon$ times that entry:</p>
$$L(\mathbf{w} + \varepsilon\,\mathbf{e}_i) - L(\mathbf{w}) \;\approx\;
\varepsilon \, \frac{\partial L}{\partial w_i}
:: L at bold w plus epsilon e i, minus L at bold w, is approximately epsilon times partial L
over partial w i$$
<p>The table in Figure 5 does this live: the predicted change beside the actual change of the
recomputed loss, and their ratio. Over a wide range of $\varepsilon :: epsilon$ the ratio is 1
to several digits. Make $\varepsilon :: epsilon$ large and the ratio drifts, because the loss
curves; make it tiny and the two losses agree in nearly every digit the computer keeps, so
their difference is mostly rounding error.</p>
<p>Training never nudges one weight at a time. One step of gradient descent,
$\mathbf{w} \leftarrow \mathbf{w} - \eta \, \nabla L :: bold w becomes bold w minus eta nabla
L$, moves all %N% weights at once, each by $-\eta :: minus eta$ times its own cell in the strip:
the dark cells move most, the pale ones hardly at all. To first order the loss then changes by
$\nabla L \cdot (-\eta \nabla L) = -\eta \, \lVert \nabla L \rVert^2 :: nabla L dot minus eta
nabla L, which is minus eta times the squared length of nabla L$. The button takes one step from
the weights shown, with the learning rate the network was trained with and two smaller ones, and
compares the prediction with the loss actually reached.</p>
<div class="stepall">
<button type="button" data-testid="model-step">Step all %N% weights at once</button>
<div class="readout" data-testid="model-step-readout" aria-live="polite"></div>
</div>
</section>"""

EXPLORE = r"""<section id="explore-section" aria-labelledby="explore-h">
<h2 id="explore-h"><span class="num">7</span> Explore</h2>
<p>Everything above works for any loss you can write down. Below is the full explorer with the
bowl loaded: hover to see the gradient, click to roll a ball downhill, pick a surface from the
gallery or type your own formula (typing needs the gradscape server).%EXPLORER_PAGE%</p>
<div id="explore" class="explore-mount" data-testid="lesson-explorer"></div>
</section>"""

SECTIONS = [ONE, DEFINITION, BOWL_SECTION, UPHILL, DESCENT, MANY, EXPLORE]
