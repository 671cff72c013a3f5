"""The exported file opened from disk in Chromium, with every network request refused."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pytest
from conftest import axe_violations

from gradscape import Surface
from gradscape.export import SIZE_GOAL, export_html, export_lesson_html, write_export

BOWL = Surface("w1^2 + 3w2^2")
CSP_WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective));
"""


@pytest.fixture(scope="module")
def bowl_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("export") / "bowl.html"
    size = write_export(path, export_html("w1^2 + 3w2^2", also=["sin(x) cos(y)"]))
    assert size < SIZE_GOAL
    return path


@pytest.fixture
def offline(browser, console):
    """A context whose only allowed requests are file:// ones (everything else is aborted)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    refused: list[str] = []

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            refused.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    context.add_init_script(CSP_WATCH)
    pages = []

    def new_page():
        pg = context.new_page()
        console.attach(pg)
        pages.append(pg)
        return pg

    yield new_page
    for pg in pages:
        assert pg.evaluate("window.__csp") == []
    context.close()
    assert refused == [], f"the export asked the network for {refused}"
    assert console.errors == []


def open_file(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("[data-testid=plot][data-view]")


def readout(page) -> tuple[np.ndarray, np.ndarray]:
    r = page.locator("[data-testid=readout]")
    return (
        np.array([float(v) for v in r.get_attribute("data-point").split(",")]),
        np.array([float(v) for v in r.get_attribute("data-gradient").split(",")]),
    )


def hover(page, fx: float, fy: float) -> tuple[np.ndarray, np.ndarray]:
    box = page.locator("[data-testid=plot]").bounding_box()
    page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    return readout(page)


def test_export_opens_from_disk_and_hover_shows_the_exact_gradient(offline, bowl_file):
    page = offline()
    open_file(page, bowl_file.as_uri())
    for fx, fy in [(0.3, 0.4), (0.7, 0.25), (0.15, 0.8)]:
        point, grad = hover(page, fx, fy)
        np.testing.assert_allclose(grad, BOWL.gradient(point), rtol=1e-12, atol=1e-12)


def test_export_click_descends_and_optimizers_zoom_and_pan_work(offline, bowl_file):
    page = offline()
    open_file(page, bowl_file.as_uri())
    plot = page.locator("[data-testid=plot]")
    box = plot.bounding_box()
    page.mouse.click(box["x"] + 0.8 * box["width"], box["y"] + 0.3 * box["height"])
    item = page.locator("[data-testid=runs] [data-status=converged]").first
    item.wait_for(timeout=20_000)
    final = np.array([float(v) for v in item.get_attribute("data-final").split(",")])
    assert np.abs(final).max() < 1e-3
    page.get_by_test_id("optimizer").select_option("adam")
    page.mouse.click(box["x"] + 0.2 * box["width"], box["y"] + 0.7 * box["height"])
    page.locator("[data-testid=runs] li").nth(1).wait_for()
    assert "adam" in page.get_by_test_id("runs").inner_text().lower()
    before = plot.get_attribute("data-view")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -300)
    page.wait_for_function(
        f"() => document.querySelector('[data-testid=plot]').dataset.view !== '{before}'"
    )


def test_formula_box_offers_the_compiled_in_surfaces_and_says_what_it_cannot_do(offline, bowl_file):
    page = offline()
    open_file(page, bowl_file.as_uri())
    help_text = page.locator(".gs-formula-help").inner_text()
    assert "sin(x) cos(y)" in help_text and "run gradscape" in help_text
    page.get_by_test_id("formula").fill("sin(x)  cos( y )")  # spaces do not matter
    page.wait_for_function(
        "() => document.querySelector('.gs-display').textContent.includes('sin')"
    )
    point, grad = hover(page, 0.55, 0.45)
    np.testing.assert_allclose(
        grad, Surface("sin(x) cos(y)").gradient(point), rtol=1e-12, atol=1e-15
    )
    page.get_by_test_id("gallery").select_option("rosenbrock")
    page.wait_for_function(
        "() => document.querySelector('.gs-display').textContent.includes('100')"
    )
    page.get_by_test_id("formula").fill("x^3 + y")
    error = page.get_by_test_id("formula-error")
    error.wait_for(state="visible")
    assert "knows only the surfaces compiled into it" in error.inner_text()
    assert "run gradscape" in error.inner_text()


def test_copy_link_from_file_reproduces_the_view_and_runs(offline, bowl_file):
    page = offline()
    open_file(page, f"{bowl_file.as_uri()}#g=himmelblau")
    assert "Himmelblau" in page.locator(".gs-blurb").inner_text()
    plot = page.locator("[data-testid=plot]")
    box = plot.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -300)
    page.mouse.click(box["x"] + 0.6 * box["width"], box["y"] + 0.4 * box["height"])
    page.locator("[data-testid=runs] li").first.wait_for()
    page.get_by_test_id("copy-link").click()
    page.get_by_test_id("share-status").filter(has_text="Link copied").wait_for()
    link = page.evaluate("navigator.clipboard.readText()")
    assert link.startswith(bowl_file.as_uri() + "#g=himmelblau&v=")
    assert "r=gd_" in unquote(link)
    view = plot.get_attribute("data-view")
    other = offline()
    open_file(other, link)
    # links carry short numbers: the window comes back to a ten-thousandth of its width
    shown = [float(v) for v in view.split(",")]
    again = [
        float(v) for v in other.locator("[data-testid=plot]").get_attribute("data-view").split(",")
    ]
    np.testing.assert_allclose(again, shown, rtol=0, atol=(shown[1] - shown[0]) * 1e-4)
    assert other.locator("[data-testid=runs] li").count() == 1


def test_save_image_works_offline(offline, bowl_file):
    page = offline()
    open_file(page, bowl_file.as_uri())
    with page.expect_download() as download:
        page.get_by_test_id("save-image").click()
    assert download.value.suggested_filename == "gradscape-bowl.png"
    assert Path(download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_lesson_export_opens_from_disk_with_every_figure_working(offline, tmp_path):
    path = tmp_path / "lesson.html"
    write_export(path, export_lesson_html())
    page = offline()
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready=true]", timeout=20_000)
    figures = page.locator("[data-figure]")
    assert figures.count() >= 1
    for i in range(figures.count()):
        assert figures.nth(i).get_attribute("data-ready") == "true"
    assert page.locator(".fig-error").count() == 0
    explore = page.locator("#explore")
    if explore.count():
        explore.scroll_into_view_if_needed()
        page.wait_for_selector("#explore [data-testid=plot][data-view]")


@pytest.mark.parametrize(("name", "size"), [("laptop", (1280, 800)), ("phone", (390, 844))])
def test_export_screenshots(browser, bowl_file, screenshots, name, size):
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]})
    ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    pg = ctx.new_page()
    open_file(pg, bowl_file.as_uri())
    box = pg.locator("[data-testid=plot]").bounding_box()
    pg.mouse.click(box["x"] + 0.85 * box["width"], box["y"] + 0.2 * box["height"])
    pg.locator("[data-testid=runs] [data-status=converged]").first.wait_for(timeout=20_000)
    pg.screenshot(path=screenshots / f"export-{name}.png", full_page=True)
    ctx.close()


def test_export_has_no_serious_accessibility_violations(browser, bowl_file):
    violations = axe_violations(browser, bowl_file.as_uri(), (1280, 800), ["[data-view]"])
    assert violations == [], violations
