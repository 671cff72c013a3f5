"""The explorer as a learner uses it: hover, arrows, click to descend, formulas, links, keys."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from conftest import axe_violations
from explorer_pages import open_explorer

from gradscape import GALLERY, Surface
from gradscape.payload import surface_payload
from gradscape.program import run_program

BOWL = Surface("w1^2 + 3w2^2")


@pytest.fixture(autouse=True)
def no_console_errors(console):
    yield
    assert console.errors == []


def hover(page, fx: float, fy: float) -> tuple[np.ndarray, np.ndarray]:
    """Move the mouse to a fraction of the plot's box; the readout's point and gradient."""
    box = page.locator("[data-testid=plot]").bounding_box()
    page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    readout = page.locator("[data-testid=readout]")
    return _numbers(readout.get_attribute("data-point")), _numbers(
        readout.get_attribute("data-gradient")
    )


def _numbers(attr: str | None) -> np.ndarray:
    assert attr, "readout attribute missing"
    return np.array([float(v) for v in attr.split(",")])


def test_hover_readout_matches_python_gradient_on_the_bowl(page, server_url):
    open_explorer(page, server_url)
    seen = set()
    for fx, fy in [(0.3, 0.4), (0.7, 0.25), (0.5, 0.5), (0.15, 0.8), (0.85, 0.6)]:
        point, grad = hover(page, fx, fy)
        np.testing.assert_allclose(grad, BOWL.gradient(point), rtol=1e-12, atol=1e-12)
        seen.add(tuple(point))
    assert len(seen) == 5


def test_hover_readout_matches_python_on_ackley(page, server_url):
    open_explorer(page, f"{server_url}/?g=ackley")
    ackley = Surface(GALLERY["ackley"].formula)
    for fx, fy in [(0.33, 0.41), (0.62, 0.27), (0.71, 0.66)]:
        point, grad = hover(page, fx, fy)
        np.testing.assert_allclose(grad, ackley.gradient(point), rtol=1e-12, atol=1e-12)


def test_readout_shows_partials_as_formula_and_value(page, server_url):
    open_explorer(page, server_url)
    page.get_by_test_id("visit-3-1").click()
    text = page.get_by_test_id("readout").inner_text()
    assert "2" in text and "6" in text and "12" in text
    assert page.get_by_test_id("readout").get_attribute("data-gradient") == "6,6"


def test_browser_evaluator_matches_numpy_to_1e12_on_every_gallery_surface(page, server_url):
    open_explorer(page, server_url)
    rng = np.random.default_rng(1)
    for name, entry in GALLERY.items():
        program = surface_payload(name, hessian=True)["program"]
        (x0, x1), (y0, y1) = entry.view
        points = [[float(rng.uniform(x0, x1)), float(rng.uniform(y0, y1))] for _ in range(20)]
        got = page.evaluate(
            """async ([program, points]) => {
                 const ev = await import('/static/core/evaluator.js');
                 return points.map((p) => {
                   const r = ev.evalPoint(program, p);
                   return [r.value, ...r.gradient];
                 });
               }""",
            [program, points],
        )
        for p, row in zip(points, got, strict=True):
            value, grad, _ = run_program(program, p)
            want = [float(value), *(float(g) for g in grad)]
            row = [math.nan if v is None else v for v in row]
            np.testing.assert_allclose(row, want, rtol=1e-12, atol=1e-300, err_msg=name)


@pytest.mark.parametrize("formula", ["x/x + y", "exp(log(x)) + y", "sqrt(x)^2 + y", "x log(y)"])
def test_browser_reads_the_formula_as_typed_like_numpy(page, server_url, formula):
    """x/x is NaN at 0, exp(log(x)) for x <= 0 (log(0) is NaN, not -inf), sqrt(x)^2 for x < 0:
    in the point and the grid evaluator alike, as in NumPy (issue 11)."""
    open_explorer(page, server_url)
    program = surface_payload(formula)["program"]
    xs, ys = [-1.0, 0.0, 0.5, 2.0], [0.0, 1.5]
    got = page.evaluate(
        """async ([program, xs, ys]) => {
             const ev = await import('/static/core/evaluator.js');
             const grid = ev.evalGrid(program, xs, ys);
             const points = ys.flatMap((y) => xs.map((x) => ev.evalPoint(program, [x, y])));
             return [Array.from(grid.value), Array.from(grid.gx), points.map((r) => r.value)];
           }""",
        [program, xs, ys],
    )
    want_value, want_gx = [], []
    for y in ys:
        for x in xs:
            value, grad, _ = run_program(program, [x, y])
            want_value.append(float(value))
            want_gx.append(float(grad[0]))
    grid_value, grid_gx, point_value = ([math.nan if v is None else v for v in r] for r in got)
    np.testing.assert_allclose(grid_value, want_value, rtol=1e-12)
    np.testing.assert_allclose(point_value, want_value, rtol=1e-12)
    np.testing.assert_allclose(grid_gx, want_gx, rtol=1e-12)
    assert any(math.isnan(v) for v in want_value)


def test_arrows_are_drawn_at_the_hover_point(page, server_url):
    open_explorer(page, server_url)
    plot = page.locator("[data-testid=plot]")
    hover(page, 0.25, 0.75)  # from the lower left ...
    before = _gray(plot.screenshot())
    hover(page, 0.7, 0.3)  # ... to the upper right: pixels change around both points only
    after = _gray(plot.screenshot())
    changed = np.abs(after - before) > 40
    h, w = changed.shape
    cy, cx = int(0.3 * h), int(0.7 * w)
    near = changed[max(cy - 60, 0) : cy + 60, max(cx - 60, 0) : cx + 60]
    far = changed[int(0.75 * h) :, int(0.75 * w) :]  # the lower right, away from both
    assert near.sum() > 150, "no arrows drawn around the hover point"
    assert far.mean() < near.mean() / 5


def _gray(png: bytes) -> np.ndarray:
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)


def test_click_drops_a_ball_that_descends_to_the_bowl_minimum(page, server_url):
    open_explorer(page, server_url)
    box = page.locator("[data-testid=plot]").bounding_box()
    page.mouse.click(box["x"] + 0.8 * box["width"], box["y"] + 0.3 * box["height"])
    item = page.locator("[data-testid=runs] [data-status=converged]").first
    item.wait_for(timeout=20_000)
    final = _numbers(item.get_attribute("data-final"))
    assert np.abs(final).max() < 1e-3


def test_divergence_is_reported_not_a_crash(page, server_url):
    open_explorer(page, server_url)
    lr = page.get_by_test_id("lr")
    lr.fill("0.5")
    lr.press("Enter")
    page.get_by_test_id("visit-3-1").click()
    page.locator("[data-testid=plot]").focus()
    page.keyboard.press("Enter")
    page.locator("[data-testid=runs] [data-status=diverged]").first.wait_for(timeout=20_000)
    assert "diverged" in page.get_by_test_id("runs").inner_text().lower()


def test_bad_formula_shows_the_error_and_keeps_the_last_good_surface(page, server_url):
    open_explorer(page, server_url)
    view = page.locator("[data-testid=plot]").get_attribute("data-view")
    page.get_by_test_id("formula").fill("w1^2 + foo(w2)")
    error = page.get_by_test_id("formula-error")
    error.wait_for(state="visible")
    assert "foo*(" in error.inner_text()
    assert page.locator("[data-testid=plot]").get_attribute("data-view") == view
    point, grad = hover(page, 0.4, 0.6)
    np.testing.assert_allclose(grad, BOWL.gradient(point), rtol=1e-12)


def test_typing_a_formula_updates_the_surface(page, server_url):
    open_explorer(page, server_url)
    page.get_by_test_id("formula").fill("sin(x) cos(y)")
    page.wait_for_url(re.compile(r"sin"))
    s = Surface("sin(x) cos(y)")
    point, grad = hover(page, 0.55, 0.45)
    np.testing.assert_allclose(grad, s.gradient(point), rtol=1e-12, atol=1e-15)


def test_a_shared_link_reproduces_formula_view_and_runs(page, browser, server_url):
    open_explorer(page, f"{server_url}/?g=himmelblau")
    plot = page.locator("[data-testid=plot]")
    box = plot.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -300)  # zoom in
    page.mouse.click(box["x"] + 0.6 * box["width"], box["y"] + 0.4 * box["height"])
    page.locator("[data-testid=runs] li").first.wait_for()
    page.wait_for_timeout(800)  # the URL is written after a short pause
    url, view = page.url, plot.get_attribute("data-view")
    assert "r=" in url
    other = browser.new_page(viewport={"width": 1280, "height": 800})
    open_explorer(other, url)
    # links carry short numbers: the window comes back to a ten-thousandth of its width
    shown = _numbers(view)
    again = _numbers(other.locator("[data-testid=plot]").get_attribute("data-view"))
    np.testing.assert_allclose(again, shown, rtol=0, atol=(shown[1] - shown[0]) * 1e-4)
    assert other.locator("[data-testid=runs] li").count() == 1
    other.close()


def test_keyboard_alone_reaches_every_control_and_moves_the_point(page, server_url):
    open_explorer(page, server_url)
    reached = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement?.dataset?.testid || ''"))
    for testid in ("formula", "gallery", "plot", "lr", "optimizer", "play", "visit-3-1"):
        assert testid in reached, f"{testid} not reachable with Tab"
    page.locator("[data-testid=plot]").focus()
    page.keyboard.press("ArrowRight")
    first = page.get_by_test_id("readout").get_attribute("data-point")
    page.keyboard.press("ArrowUp")
    second = page.get_by_test_id("readout").get_attribute("data-point")
    assert first != second
    page.keyboard.press("Enter")
    page.locator("[data-testid=runs] li").first.wait_for()


def test_live_region_describes_the_gradient_in_words(page, server_url):
    open_explorer(page, server_url)
    page.get_by_test_id("visit-3-1").click()
    live = page.locator("[aria-live=polite]", has_text=re.compile("uphill", re.I)).first
    live.wait_for(state="attached")
    text = live.text_content().lower()
    assert re.search(r"uphill toward the (upper )?right", text)
    assert "descent toward the lower left" in text or "downhill toward the lower left" in text


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["laptop", "phone"])
def test_no_serious_accessibility_violations(browser, server_url, viewport):
    violations = axe_violations(browser, server_url, viewport, ["[data-testid=plot][data-view]"])
    assert violations == [], violations


@pytest.mark.parametrize(("name", "size"), [("laptop", (1280, 800)), ("phone", (390, 844))])
def test_screenshots_of_the_main_states(browser, server_url, screenshots, name, size):
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]})
    pg = ctx.new_page()
    open_explorer(pg, server_url)
    pg.screenshot(path=screenshots / f"explorer-{name}.png", full_page=True)
    pg.get_by_test_id("visit-3-1").click()
    pg.screenshot(path=screenshots / f"explorer-{name}-visit.png", full_page=True)
    box = pg.locator("[data-testid=plot]").bounding_box()
    pg.mouse.click(box["x"] + 0.85 * box["width"], box["y"] + 0.2 * box["height"])
    pg.locator("[data-testid=runs] [data-status=converged]").first.wait_for(timeout=20_000)
    pg.screenshot(path=screenshots / f"explorer-{name}-descent.png", full_page=True)
    pg.get_by_test_id("formula").fill("log(x) + y^2 + foo(")
    pg.get_by_test_id("formula-error").wait_for(state="visible")
    pg.screenshot(path=screenshots / f"explorer-{name}-error.png", full_page=True)
    ctx.close()


def test_gradient_check_shows_central_differences_beside_the_exact_partials(page, server_url):
    from gradscape import numeric_gradient

    open_explorer(page, f"{server_url}/?f=sin(x)%20cos(y)%20%2B%20x%5E3")
    table = page.get_by_test_id("gradient-check-table")
    assert table.is_hidden()
    page.get_by_test_id("gradient-check").check()
    point, grad = hover(page, 0.62, 0.37)
    assert table.is_visible()
    numeric = _numbers(table.get_attribute("data-numeric"))
    s = Surface("sin(x) cos(y) + x^3")
    np.testing.assert_allclose(numeric, numeric_gradient(s, point), rtol=1e-9)
    np.testing.assert_allclose(numeric, grad, rtol=1e-6, atol=1e-8)  # close, never exact
    assert "difference" in table.inner_text()
