"""The lesson page in headless Chromium: every figure answers its control with the numbers
Python computes, the math renders as math, and the page passes axe-core.

The server is gradscape's own (conftest.py's `server_url`), which serves the lesson at /lesson.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from conftest import axe_violations

from gradscape import Surface, numeric_gradient
from gradscape.lesson import lesson_data, lesson_html, lesson_standalone_html
from gradscape.models.model import Model

pytestmark = pytest.mark.browser

BOWL = Surface("w1^2 + 3w2^2")


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def lesson_url(server_url: str) -> str:
    lesson_html()  # typeset (and cache) the page before the first test's clock starts
    return f"{server_url}/lesson"


@pytest.fixture
def lesson(page, lesson_url, console):  # type: ignore[no-untyped-def]
    page.goto(lesson_url)
    page.wait_for_selector("body[data-ready=true]")
    yield page
    assert console.errors == [], console.errors


def data(page, testid: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The dataset of the element with this data-testid (inside the lesson's figures)."""
    return page.eval_on_selector(f'main [data-testid="{testid}"]', "e => ({...e.dataset})")


def floats(text: str) -> list[float]:
    return [float(v) for v in text.split(",")]


def angle_between(a: float, b: float) -> float:
    """a - b in degrees, wrapped into [-180, 180)."""
    return (a - b + 180) % 360 - 180


def hover_at(page, testid: str, fx: float, fy: float) -> None:  # type: ignore[no-untyped-def]
    """Move the mouse to a fraction (fx, fy) of the element's box."""
    el = page.locator(f'main [data-testid="{testid}"]')
    el.scroll_into_view_if_needed()
    box = el.bounding_box()
    page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])


def set_range(page, testid: str, value: float) -> None:  # type: ignore[no-untyped-def]
    page.locator(f'main [data-testid="{testid}"]').fill(str(value))


# ---------------------------------------------------------------------------------------------
# The page as a whole


def test_page_loads_with_every_figure_and_no_errors(lesson) -> None:  # type: ignore[no-untyped-def]
    ready = lesson.eval_on_selector_all(
        "[data-figure]", "els => els.map(e => [e.dataset.figure, e.dataset.ready])"
    )
    assert ready == [[f, "true"] for f in ["slope", "bowl", "compass", "descent", "many"]]
    lesson.wait_for_selector("#explore[data-ready=true]")
    assert lesson.locator("#explore canvas").count() > 0
    assert lesson.locator(".fig-error").count() == 0


def test_math_renders_as_math(lesson) -> None:  # type: ignore[no-untyped-def]
    """No TeX or MathML source is visible, and every formula occupies a real, text-sized box
    whose glyphs were drawn."""
    text = lesson.evaluate("document.querySelector('main').innerText")
    for source in ["\\frac", "\\nabla", "\\partial", "\\mathbf", "::", "$", "<math", "<mi>"]:
        assert source not in text
    boxes = lesson.eval_on_selector_all(
        "main svg.math",
        """els => els.map(e => {
            const r = e.getBoundingClientRect();
            const font = parseFloat(getComputedStyle(e.parentElement).fontSize);
            const g = e.querySelector('g, path, use');
            const bb = g ? g.getBBox() : {width: 0, height: 0};
            return {w: r.width, h: r.height, font, gw: bb.width, gh: bb.height,
                    display: !!e.closest('.display-math'), label: e.getAttribute('aria-label')};
        })""",
    )
    assert len(boxes) > 80
    for b in boxes:
        assert b["w"] > 3 and b["gw"] > 0 and b["gh"] > 0, b
        # an inline formula is about a line of text tall; a display one a few lines at most
        assert 0.5 * b["font"] < b["h"] < (7 if b["display"] else 3.2) * b["font"], b
    # the gradient's definition is typeset as a wide display formula with fractions
    grad = next(b for b in boxes if b["label"].startswith("nabla L of bold w equals the vector"))
    assert grad["display"] and grad["w"] > 200 and grad["h"] > 2 * grad["font"]


# ---------------------------------------------------------------------------------------------
# Figure 1: one variable


def test_slope_figure_follows_its_slider_and_pointer(lesson) -> None:  # type: ignore[no-untyped-def]
    for w in [-1.5, 0, 0.73, 2]:
        set_range(lesson, "slope-w", w)
        d = data(lesson, "slope-readout")
        assert float(d["w"]) == w
        assert float(d["f"]) == pytest.approx(w * w, abs=1e-12)
        assert float(d["slope"]) == pytest.approx(2 * w, abs=1e-12)
    assert "slope is" in lesson.locator('main [data-testid="slope-readout"]').inner_text()
    # dragging on the graph moves the point
    lesson.locator('main [data-testid="slope-plot"]').scroll_into_view_if_needed()
    box = lesson.locator('main [data-testid="slope-plot"] svg').bounding_box()
    lesson.mouse.move(box["x"] + 0.2 * box["width"], box["y"] + 0.5 * box["height"])
    lesson.mouse.down()
    lesson.mouse.move(box["x"] + 0.3 * box["width"], box["y"] + 0.5 * box["height"])
    lesson.mouse.up()
    d = data(lesson, "slope-readout")
    assert -2 < float(d["w"]) < 0
    assert float(d["slope"]) == pytest.approx(2 * float(d["w"]), abs=1e-12)


# ---------------------------------------------------------------------------------------------
# Figure 2: the bowl


@pytest.mark.parametrize(
    ("button", "point", "gradient", "shown"),
    [
        ("visit-3-1", (3, 1), (6, 6), "(6, 6)"),
        ("visit-0-1", (0, 1), (0, 6), "(0, 6)"),
        ("visit-0-0", (0, 0), (0, 0), "(0, 0)"),
    ],
)
def test_the_three_points(lesson, button, point, gradient, shown) -> None:  # type: ignore[no-untyped-def]
    # start somewhere else, so the button really moves the figure
    hover_at(lesson, "bowl-plot", 0.2, 0.8)
    lesson.mouse.move(0, 0)
    lesson.locator(f'#fig-bowl [data-testid="{button}"]').click()
    d = data(lesson, "bowl-readout")
    assert floats(d["point"]) == list(point)
    assert floats(d["gradient"]) == list(gradient) == list(BOWL.gradient(point))
    assert lesson.locator('main [data-testid="bowl-gradient"]').inner_text() == shown
    assert (
        lesson.locator('main [data-testid="bowl-note"]')
        .inner_text()
        .startswith(f"At ({point[0]}, {point[1]})")
    )


def test_bowl_hover_keyboard_and_gradient_check(lesson) -> None:  # type: ignore[no-untyped-def]
    hover_at(lesson, "bowl-plot", 0.3, 0.25)
    d = data(lesson, "bowl-readout")
    p = floats(d["point"])
    assert p[0] < 0 < p[1]
    np.testing.assert_allclose(floats(d["gradient"]), BOWL.gradient(p), rtol=1e-15)
    assert float(d["value"]) == pytest.approx(BOWL.value(p), rel=1e-15)
    # the arrow keys move the point (2% of the window)
    lesson.mouse.move(0, 0)
    lesson.locator('main [data-testid="bowl-plot"]').focus()
    lesson.keyboard.press("ArrowRight")
    q = floats(data(lesson, "bowl-readout")["point"])
    assert q[0] > p[0] and q[1] == p[1]
    np.testing.assert_allclose(
        floats(data(lesson, "bowl-readout")["gradient"]), BOWL.gradient(q), rtol=1e-15
    )
    # the gradient check: exact partials beside central differences, and their difference
    assert lesson.locator('main [data-testid="gradcheck"]').is_hidden()
    lesson.locator('main [data-testid="gradcheck-toggle"]').check()
    check = data(lesson, "gradcheck")
    exact, numeric, diff = floats(check["exact"]), floats(check["numeric"]), floats(check["diff"])
    np.testing.assert_allclose(exact, BOWL.gradient(q), rtol=1e-15)
    np.testing.assert_allclose(numeric, numeric_gradient(BOWL, q), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(diff, np.array(numeric) - np.array(exact), atol=1e-15)
    assert max(map(abs, diff)) < 1e-7
    table = lesson.locator('main [data-testid="gradcheck"] table').inner_text()
    assert "Central difference" in table and "Difference" in table
    # and it follows the point
    lesson.locator('#fig-bowl [data-testid="visit-3-1"]').click()
    np.testing.assert_allclose(floats(data(lesson, "gradcheck")["numeric"]), [6, 6], rtol=1e-8)


# ---------------------------------------------------------------------------------------------
# Figure 3: the slope compass


def test_compass_maximum_lies_along_the_gradient(lesson) -> None:  # type: ignore[no-untyped-def]
    for fx, fy in [(0.7, 0.3), (0.2, 0.6), (0.55, 0.9), (0.9, 0.5)]:
        hover_at(lesson, "compass-plot", fx, fy)
        d = data(lesson, "compass-readout")
        p = floats(d["point"])
        g = BOWL.gradient(p)
        np.testing.assert_allclose(floats(d["gradient"]), g, rtol=1e-15)
        along = math.degrees(math.atan2(g[1], g[0])) % 360
        # found on the drawn curve (sampled every 0.1 degree), not from the gradient's angle
        assert abs(angle_between(float(d["maxAngle"]), along)) <= 0.05 + 1e-9
        assert abs(angle_between(float(d["minAngle"]), along + 180)) <= 0.05 + 1e-9
        assert float(d["maxSlope"]) == pytest.approx(np.linalg.norm(g), rel=1e-6)


def test_compass_direction_slider_and_drag(lesson) -> None:  # type: ignore[no-untyped-def]
    hover_at(lesson, "compass-plot", 0.7, 0.3)
    lesson.mouse.move(0, 0)
    d = data(lesson, "compass-readout")
    g = floats(d["gradient"])
    for angle in [0, 90, 200, 359]:
        set_range(lesson, "compass-angle", angle)
        d = data(lesson, "compass-readout")
        t = math.radians(angle)
        assert int(d["angle"]) == angle
        assert float(d["slope"]) == pytest.approx(
            g[0] * math.cos(t) + g[1] * math.sin(t), rel=1e-12, abs=1e-12
        )
    # the slope along the contour (90 degrees from the gradient) is zero
    along = math.degrees(math.atan2(g[1], g[0]))
    level = round(along + 90) % 360
    set_range(lesson, "compass-angle", level)
    assert abs(float(data(lesson, "compass-readout")["slope"])) < 0.01 * math.hypot(*g)
    # press on the point and drag away from it: the direction follows the drag
    lesson.locator('main [data-testid="compass-plot"]').scroll_into_view_if_needed()
    box = lesson.locator('main [data-testid="compass-plot"]').bounding_box()
    x, y = box["x"] + 0.4 * box["width"], box["y"] + 0.5 * box["height"]
    lesson.mouse.move(x, y)
    lesson.mouse.down()
    lesson.mouse.move(x - 40, y - 40, steps=4)  # up and to the left: 135 degrees
    lesson.mouse.up()
    assert int(data(lesson, "compass-readout")["angle"]) == 135


# ---------------------------------------------------------------------------------------------
# Figure 4: gradient descent


def python_descent(lr: float, start=(3.0, 1.0), steps: int = 40) -> tuple[np.ndarray, float]:  # type: ignore[no-untyped-def]
    w = np.array(start, dtype=float)
    for _ in range(steps):
        w = w - lr * BOWL.gradient(w)
    return w, BOWL.value(w)


def test_stability_limit_and_runs(lesson) -> None:  # type: ignore[no-untyped-def]
    d = data(lesson, "descent-readout")
    assert float(d["lambdaMax"]) == 6
    assert float(d["limit"]) == pytest.approx(1 / 3, rel=1e-15)
    assert d["limitFraction"] == "1/3"
    assert lesson.locator('main [data-testid="descent-limit"]').inner_text() == "1/3"
    assert "1/3" in lesson.locator("#fig-descent .lr-scale").inner_text()
    for lr, verdict in [
        (0.34, "diverges"),
        (0.32, "converges"),
        (0.1, "converges"),
        (0.4, "diverges"),
    ]:
        set_range(lesson, "descent-lr", lr)
        d = data(lesson, "descent-readout")
        assert float(d["lr"]) == lr
        assert d["status"] == verdict and d["runStatus"] == verdict
        w, loss = python_descent(lr)
        np.testing.assert_allclose(floats(d["finalPoint"]), w, rtol=1e-12)
        assert float(d["finalLoss"]) == pytest.approx(loss, rel=1e-12)
        if verdict == "diverges":
            assert loss > BOWL.value((3, 1))
        else:
            assert loss < 1e-2 * BOWL.value((3, 1))
    assert "diverges" in lesson.locator('main [data-testid="descent-readout"]').inner_text()
    # clicking the plot restarts the run there; the limit stays 1/3 (the Hessian is constant)
    hover_at(lesson, "descent-plot", 0.25, 0.2)
    lesson.mouse.down()
    lesson.mouse.up()
    d = data(lesson, "descent-readout")
    assert float(d["limit"]) == pytest.approx(1 / 3)
    start = floats(d["start"])
    assert start[0] < 0 < start[1]
    w, _ = python_descent(0.4, start=start)
    np.testing.assert_allclose(floats(d["finalPoint"]), w, rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# Figure 5: a thousand parameters


@pytest.fixture(scope="module")
def net() -> tuple[Model, dict]:  # type: ignore[type-arg]
    d = lesson_data()["model"]
    return Model.from_browser_json(d), d


def test_nudge_one_weight(lesson, net) -> None:  # type: ignore[no-untyped-def]
    model, d = net
    w = np.array(d["weights"])
    g = np.array(d["gradient"])
    base = model.loss(w)
    order = np.argsort(-np.abs(g))
    for index, exponent in [
        (int(order[0]), -4),
        (int(order[10]), -6),
        (7, -2),
        (1205, -5),
        (int(order[0]), -9),
    ]:
        lesson.locator('main [data-testid="model-index"]').fill(str(index))
        set_range(lesson, "model-eps", exponent)
        nd = data(lesson, "nudge")
        eps = 10.0**exponent
        assert int(nd["index"]) == index and nd["name"] == model.names[index]
        assert float(nd["eps"]) == pytest.approx(eps, rel=1e-15)
        nudged = w.copy()
        nudged[index] += eps
        # the browser's loss is Python's, to rounding
        assert float(nd["loss"]) == pytest.approx(base, rel=1e-12)
        assert float(nd["lossNudged"]) == pytest.approx(model.loss(nudged), rel=1e-12)
        actual = model.loss(nudged) - base
        assert float(nd["actual"]) == pytest.approx(actual, abs=1e-14)
        assert float(nd["predicted"]) == pytest.approx(
            (nudged[index] - w[index]) * g[index], rel=1e-12
        )
        if 1e-6 <= eps <= 1e-4 and abs(g[index]) > 1e-3:
            assert float(nd["ratio"]) == pytest.approx(1, abs=2e-3)
    # the largest entries are offered as buttons, the largest first
    first = lesson.locator("#fig-many .biggest-buttons button").first
    assert first.inner_text() == model.names[int(order[0])]
    first.click()
    assert int(data(lesson, "nudge")["index"]) == int(order[0])


def test_strip_hover_click_and_keys(lesson, net) -> None:  # type: ignore[no-untyped-def]
    model, _ = net
    strip = lesson.locator('main [data-testid="model-strip"]')
    strip.scroll_into_view_if_needed()
    box = lesson.locator('main [data-testid="model-strip"] canvas').bounding_box()
    lesson.mouse.move(box["x"] + 0.5 * box["width"], box["y"] + 3)  # first row: W1
    i = int(data(lesson, "nudge")["index"])
    assert 0 <= i < 64 and data(lesson, "nudge")["name"] == model.names[i]
    lesson.mouse.down()
    lesson.mouse.up()  # keep it
    lesson.mouse.move(box["x"] + 0.5 * box["width"], box["y"] + box["height"] - 3)
    assert int(data(lesson, "nudge")["index"]) == i  # kept despite the hover
    strip.focus()
    lesson.keyboard.press("ArrowRight")
    assert int(data(lesson, "nudge")["index"]) == i + 1
    lesson.keyboard.press("End")
    assert int(data(lesson, "nudge")["index"]) == 1209
    assert data(lesson, "nudge")["name"] == "b2[9]"


def test_one_step_moves_every_weight(lesson, net) -> None:  # type: ignore[no-untyped-def]
    model, d = net
    w = np.array(d["weights"])
    g = np.array(d["gradient"])
    lesson.locator('main [data-testid="model-step"]').click()
    out = data(lesson, "model-step-readout")
    assert float(out["before"]) == pytest.approx(model.loss(w), rel=1e-12)
    assert float(out["after"]) == pytest.approx(model.loss(w - 0.5 * g), rel=1e-12)
    assert float(out["predicted"]) == pytest.approx(model.loss(w) - 0.5 * g @ g, rel=1e-12)
    assert float(out["after"]) < float(out["before"])


def test_one_file_lesson_works_from_disk(browser, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The exported lesson, opened as a file: no server, no requests, every figure live."""
    path = tmp_path / "lesson.html"
    path.write_text(lesson_standalone_html(), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        errors: list[str] = []
        requests: list[str] = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(path.as_uri())
        page.wait_for_selector("body[data-ready=true]")
        assert page.locator("#explore[data-ready=true]").count() == 1
        assert page.locator("[data-figure][data-ready=true]").count() == 5
        page.locator('#fig-bowl [data-testid="visit-0-1"]').click()
        assert data(page, "bowl-readout")["gradient"] == "0,6"
        set_range(page, "descent-lr", 0.34)
        assert data(page, "descent-readout")["status"] == "diverges"
        assert errors == []
        assert requests == [path.as_uri()]
    finally:
        context.close()


# ---------------------------------------------------------------------------------------------
# Accessibility and looks


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["laptop", "phone"])
def test_no_serious_accessibility_violations(browser, lesson_url, viewport) -> None:  # type: ignore[no-untyped-def]
    ready = ["body[data-ready=true]", "#explore[data-ready=true]"]
    violations = axe_violations(browser, lesson_url, viewport, ready)
    assert violations == [], json.dumps(violations, indent=1)


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["laptop", "phone"])
def test_screenshots_and_no_sideways_scroll(browser, lesson_url, screenshots, viewport) -> None:  # type: ignore[no-untyped-def]
    w, h = viewport
    context = browser.new_context(viewport={"width": w, "height": h})
    try:
        page = context.new_page()
        page.goto(lesson_url)
        page.wait_for_selector("body[data-ready=true]")
        page.wait_for_selector("#explore[data-ready=true]")
        page.wait_for_timeout(300)
        overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {w}px"
        # every figure fits the viewport's width
        for right in page.eval_on_selector_all(
            ".fig", "els => els.map(e => e.getBoundingClientRect().right)"
        ):
            assert right <= w + 0.5
        page.screenshot(path=str(screenshots / f"lesson-{w}.png"), full_page=True)
        page.locator("#fig-compass").screenshot(path=str(screenshots / f"lesson-compass-{w}.png"))
    finally:
        context.close()
