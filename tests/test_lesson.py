"""The lesson page as HTML: structure, CSP-safety, typeset math and the data the figures read."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from html.parser import HTMLParser

import numpy as np
import pytest

from gradscape import lesson
from gradscape.lesson import (
    fill,
    lesson_data,
    lesson_html,
    lesson_standalone_html,
    math,
    prose,
)
from gradscape.surface import Surface


class Page(HTMLParser):
    """Collects what the tests look at: tags with attributes, text outside SVG/script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.text: list[str] = []
        self._stack: list[str] = []
        self._script: dict[str, str | None] | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "script":
            self._script, self._script_text = a, []
        if tag in ("svg", "script", "style"):
            self._stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._script_text)))
            self._script = None
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)
        elif not self._stack:
            self.text.append(data)


@pytest.fixture(scope="module")
def page_html() -> str:
    return lesson_html()


@pytest.fixture(scope="module")
def page(page_html: str) -> Page:
    p = Page()
    p.feed(page_html)
    return p


def test_a_complete_document(page_html: str) -> None:
    assert page_html.startswith("<!doctype html>")
    assert '<html lang="en">' in page_html
    assert page_html.rstrip().endswith("</html>")
    assert "<title>The gradient" in page_html


def test_no_inline_script_and_no_handlers(page: Page) -> None:
    """CSP: script-src 'self'. Only an external module, and JSON data blocks (never executed)."""
    modules = [a for a, _ in page.scripts if a.get("type") == "module"]
    assert modules == [{"type": "module", "src": "/static/lesson/lesson.js"}]
    for attrs, body in page.scripts:
        if attrs.get("type") == "module":
            assert body.strip() == ""
        else:
            assert attrs.get("type") == "application/json", attrs
            json.loads(body)
    for tag, attrs in page.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        for k in ("href", "src"):
            v = attrs.get(k) or ""
            assert not v.startswith("javascript:"), (tag, attrs)
            # nothing from elsewhere: same-origin paths, fragments and data: URLs only
            assert not re.match(r"^(https?:)?//", v), (tag, attrs)


def test_static_prefix_and_explorer_link() -> None:
    html = lesson_html(static_prefix="static/", explorer_href="index.html")
    assert '<script type="module" src="static/lesson/lesson.js">' in html
    assert 'href="static/lesson/lesson.css"' in html and 'href="static/hosts/page.css"' in html
    assert '<a href="index.html">the gradscape explorer</a>' in html
    assert "/static/" not in html


def test_ids_are_unique(page: Page) -> None:
    ids = Counter(a["id"] for _, a in page.tags if a.get("id"))
    assert [i for i, n in ids.items() if n > 1] == []


def test_every_formula_is_an_image_with_a_spoken_label(page: Page) -> None:
    svgs = [a for t, a in page.tags if t == "svg" and "math" in (a.get("class") or "")]
    assert len(svgs) > 80
    for a in svgs:
        assert a.get("role") == "img"
        label = a.get("aria-label") or ""
        assert label.strip() and "\\" not in label and "$" not in label
        assert re.fullmatch(
            r"width:[\d.]+em;height:[\d.]+em;vertical-align:-?[\d.]+em", a["style"] or ""
        )


def test_no_math_source_in_the_text(page: Page) -> None:
    text = "".join(page.text)
    assert "\\" not in text  # no \frac, \nabla, ...
    assert "::" not in text and "$" not in text  # no unprocessed math markers
    assert not re.search(r"%[A-Z_]+%", text)  # no unfilled placeholders
    assert "<math" not in text


def test_the_lessons_words(page: Page) -> None:
    text = " ".join("".join(page.text).split())
    for phrase in [
        "1,210 weights",
        "partial derivative",
        "gradient descent",
        "learning rate",
        "Hessian",
        "directional derivative",
        "central difference",
        "backpropagation",
        "moves all 1,210 weights at once",
    ]:
        assert phrase in text, phrase
    assert [h for t, a in page.tags if t == "h2" for h in [a.get("id")]] == [
        "one-h", "definition-h", "bowl-h", "uphill-h", "descent-h", "many-h", "explore-h"
    ]  # fmt: skip


def test_figures_and_controls_are_in_place(page: Page) -> None:
    testids = {a.get("data-testid") for _, a in page.tags}
    for tid in [
        "slope-plot", "slope-w", "slope-readout",
        "bowl-plot", "visit-3-1", "visit-0-1", "visit-0-0", "bowl-readout", "gradcheck-toggle",
        "gradcheck", "compass-plot", "compass-angle", "compass-readout",
        "descent-plot", "descent-lr", "descent-readout", "descent-lossplot",
        "model-strip", "model-index", "model-eps", "nudge", "model-step", "model-step-readout",
        "lesson-explorer",
    ]:  # fmt: skip
        assert tid in testids, tid
    mount = next(a for _, a in page.tags if a.get("data-testid") == "lesson-explorer")
    assert mount["id"] == "explore"
    # every input has a label
    labelled = {a.get("for") for t, a in page.tags if t == "label"}
    for t, a in page.tags:
        if t == "input" and a.get("type") in ("range", "number"):
            assert a["id"] in labelled, a
    # live regions are polite
    for _, a in page.tags:
        if "aria-live" in a:
            assert a["aria-live"] == "polite"


def test_figure_data(page: Page) -> None:
    blocks = {
        a["id"]: json.loads(body) for a, body in page.scripts if a.get("type") == "application/json"
    }
    assert set(blocks) == {"lesson-bowl", "lesson-model"}
    bowl = blocks["lesson-bowl"]
    assert bowl["variables"] == ["w1", "w2"]
    assert "hessian" in bowl["program"]
    assert [p["text"] for p in bowl["partials"]] == ["2 w1", "6 w2"]
    surface = Surface("w1^2 + 3w2^2")
    for point, grad in [((3, 1), (6, 6)), ((0, 1), (0, 6)), ((0, 0), (0, 0))]:
        np.testing.assert_array_equal(surface.gradient(point), grad)
    np.testing.assert_array_equal(surface.hessian((3, 1)), [[2, 0], [0, 6]])
    model = blocks["lesson-model"]
    assert model == lesson_data()["model"]
    assert model["n_weights"] == 1210 and len(model["weights"]) == len(model["gradient"]) == 1210


def test_json_cannot_close_its_script_block() -> None:
    from gradscape.jsondata import json_script  # what the lesson's data blocks are made with

    block = json_script("x", {"a": "</script><script>alert(1)</script>"})
    assert "</script><script>" not in block[: -len("</script>")]
    body = block[block.index(">") + 1 : -len("</script>")]
    assert json.loads(body) == {"a": "</script><script>alert(1)</script>"}


def test_math_markers() -> None:
    out = prose(r"Inline $w_1 :: w 1$ and display $$\nabla L :: nabla L$$ done.")
    assert out.count('class="math"') == 2
    assert '<div class="display-math">' in out
    assert 'aria-label="w 1"' in out and 'aria-label="nabla L"' in out
    assert out.startswith("Inline <svg") and out.endswith("</div> done.")
    with pytest.raises(KeyError, match="%MISSING%"):
        fill("a %MISSING% b")
    assert fill("%A% and %B%", A="1", B="2") == "1 and 2"


def test_unsupported_latex_is_refused_not_drawn_as_source() -> None:
    for bad in [r"\foo x", r"\begin{pmatrix} a \\[1ex] b \end{pmatrix}"]:
        with pytest.raises(ValueError, match="cannot typeset"):
            math(bad, "x")


def test_math_is_typeset_once_and_the_page_cached() -> None:
    lesson_html()
    t0 = time.perf_counter()
    for _ in range(20):
        lesson_html()
    assert (time.perf_counter() - t0) / 20 < 0.01
    assert lesson._typeset.cache_info().hits > 0


def test_repeated_formulas_share_one_drawing(page_html: str) -> None:
    uses = re.findall(r'<use href="#(gs-math-\d+)"/>', page_html)
    assert uses
    for ident in set(uses):
        assert page_html.count(f'id="{ident}"') == 1
    assert len(page_html) < 600_000


def test_the_one_file_lesson_needs_nothing_else() -> None:
    html = lesson_standalone_html()
    p = Page()
    p.feed(html)
    # no stylesheet or script is fetched: both are inlined
    for tag, attrs in p.tags:
        if tag in ("script", "link", "img"):
            src = attrs.get("src") or attrs.get("href") or ""
            assert src == "" or src.startswith("data:"), (tag, attrs)
    modules = [body for a, body in p.scripts if a.get("type") == "module"]
    assert len(modules) == 1 and "mountExplorer" in modules[0] and "evalPoint" in modules[0]
    assert not re.search(r"^\s*import\s*\{", modules[0], re.M)  # joined into one module
    assert html.count("<style>") == 2 and "@import" not in html
    # the explorer link points at the embedded explorer; there is no page to link to
    assert "a page of its own" not in html
    assert html.count('id="lesson-model"') == 1


def test_lesson_modules_keep_to_the_csp() -> None:
    """No eval, no Function constructor, no network but the same server, relative imports only."""
    from gradscape.bundle import STATIC

    lesson = STATIC / "lesson"
    names = sorted(f"lesson/{p.name}" for p in lesson.iterdir() if p.name.endswith(".js"))
    names.append("hosts/lesson-explorer.js")  # the lesson's embedded explorer
    assert {"lesson/lesson.js", "lesson/plot.js", "lesson/model.js"} <= set(names)
    for name in names:
        source = (STATIC / name).read_text(encoding="utf-8")
        assert not re.search(r"\beval\s*\(|new\s+Function\b|setTimeout\(\s*['\"]", source), name
        assert not re.search(r"https?://(?!www\.w3\.org/)", source), name  # XML namespaces only
        for spec in re.findall(r'^import\b[^;]*?from\s*"([^"]+)"', source, re.M):
            assert spec.startswith(("./", "../")) and spec.endswith(".js"), (name, spec)
        for url in re.findall(r'fetch\(\s*"([^"]+)"', source):
            assert url.startswith("/api/"), (name, url)


def test_the_prose_lives_in_template_files_in_section_order() -> None:
    from gradscape.lesson.page import PROSE, SECTIONS

    files = {p.name for p in PROSE.iterdir()}
    assert {f"{name}.html" for name in (*SECTIONS, "header", "page")} <= files
    html = lesson_html()
    starts = [html.index(f'<section id="{sid}"') for sid in ("one", "bowl", "explore-section")]
    assert starts == sorted(starts)


def test_the_table_of_contents_follows_the_section_headings() -> None:
    from gradscape.lesson.page import contents

    sections = ['<section id="a" x><h2 id="a-h"><span class="num">1</span> First</h2>', "<p>"]
    with pytest.raises(ValueError, match="no <section id>"):
        contents(sections)
    assert contents(sections[:1]) == [("a", "First")]
    assert '<li><a href="#uphill">The gradient points uphill</a></li>' in lesson_html()


def test_a_misspelt_placeholder_in_the_page_template_is_an_error(monkeypatch) -> None:
    from gradscape.lesson import page

    monkeypatch.setattr(page, "read_prose", lambda name: "<p>%HEADR%</p>")
    with pytest.raises(KeyError, match="HEADR"):
        page._document(HEADER="x")
    with pytest.raises(KeyError, match="Unfilled placeholders"):
        fill("<p>%NOPE%</p>", N="1")
