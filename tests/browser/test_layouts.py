"""The explorer's layouts: a laptop and a projector at 150%, presentation mode, the compact embed
in a course page's iframe, a phone (tap to look), dark mode, Save image at 2x and as SVG, and
printing (the explorer and the lesson)."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from io import BytesIO

import numpy as np
import pytest
from explorer_pages import open_explorer
from PIL import Image

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def no_console_errors(console):
    yield
    assert console.errors == []


@pytest.fixture
def context_for(browser, console):
    """new_context with the console attached to its pages; closed after the test."""
    made = []

    def make(**kw):
        ctx = browser.new_context(**kw)
        made.append(ctx)
        page = ctx.new_page()
        console.attach(page)
        return page

    yield make
    for ctx in made:
        ctx.close()


def box(page, selector: str) -> dict:
    b = page.locator(selector).first.bounding_box()
    assert b is not None, f"{selector} is not shown"
    return b


def inside(b: dict, width: float, height: float) -> bool:
    return (
        b["x"] >= -0.5
        and b["y"] >= -0.5
        and b["x"] + b["width"] <= width + 0.5
        and (b["y"] + b["height"] <= height + 0.5)
    )


# --- laptop and projector ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewport", "scale"),
    [((1024, 700), 1), ((683, 512), 1.5)],  # a laptop; 1024x768 at 150% zoom
    ids=["laptop-1024x700", "projector-150pct"],
)
def test_plot_readout_and_optimizer_are_visible_together_without_scrolling(
    context_for, server_url, viewport, scale
):
    w, h = viewport
    page = context_for(viewport={"width": w, "height": h}, device_scale_factor=scale)
    open_explorer(page, f"{server_url}/?g=rosenbrock")
    assert page.evaluate("scrollY") == 0
    for selector in ("[data-testid=plot]", "[data-testid=readout]", "[data-testid=optimizer]",
                     "[data-testid=lr]", "[data-testid=play]"):  # fmt: skip
        assert inside(box(page, selector), w, h), f"{selector} is outside the {w}x{h} screen"
    plot = box(page, "[data-testid=plot]")
    assert plot["width"] > 250 and plot["height"] > 250


# --- presentation mode -------------------------------------------------------------------------


def test_presentation_mode_fills_the_window_with_the_readout_over_the_plot(page, server_url):
    open_explorer(page, f"{server_url}/?g=himmelblau")
    font = "e => parseFloat(getComputedStyle(e).fontSize)"
    normal_font = page.eval_on_selector(".gs-ro-row", font)
    page.get_by_test_id("present").click()
    root = page.locator(".gs-explorer")
    assert "gs-present" in (root.get_attribute("class") or "")
    page.wait_for_function(
        "() => { const p = document.querySelector('[data-testid=plot]').getBoundingClientRect();"
        " const c = document.querySelector('[data-testid=plot] canvas');"
        " return Math.abs(c.getBoundingClientRect().height - p.height) < 2; }"
    )
    plot = box(page, "[data-testid=plot]")
    assert plot["width"] > 0.85 * 1280 and plot["height"] > 0.8 * 800  # the window is the plot
    readout = box(page, "[data-testid=readout]")
    assert plot["x"] < readout["x"] and readout["x"] + readout["width"] < plot["x"] + plot["width"]
    assert plot["y"] < readout["y"] < plot["y"] + plot["height"]  # over the plot
    big_font = page.eval_on_selector(".gs-ro-row", font)
    assert big_font >= 1.4 * normal_font
    assert not page.get_by_test_id("optimizer").is_visible()  # the controls step aside
    assert page.evaluate("document.documentElement.scrollHeight") <= 800
    page.wait_for_function("() => location.search.includes('present=1')")
    # the pointer coming under the readout moves it to the other side, out of the way
    page.mouse.move(readout["x"] + readout["width"] / 2, readout["y"] + readout["height"] / 2)
    moved = box(page, "[data-testid=readout]")
    assert moved["x"] + moved["width"] < readout["x"]
    # Esc leaves; f (on the plot, not in the formula box) comes back
    page.keyboard.press("Escape")
    assert "gs-present" not in (root.get_attribute("class") or "")
    page.wait_for_function("() => !location.search.includes('present=1')")
    page.get_by_test_id("formula").press("f")
    assert "gs-present" not in (root.get_attribute("class") or "")
    page.get_by_test_id("plot").focus()
    page.keyboard.press("f")
    assert "gs-present" in (root.get_attribute("class") or "")
    page.get_by_test_id("present-exit").click()
    assert "gs-present" not in (root.get_attribute("class") or "")


def test_a_link_with_present_opens_in_presentation_mode(page, server_url):
    open_explorer(page, f"{server_url}/?g=bowl&present=1")
    assert "gs-present" in (page.locator(".gs-explorer").get_attribute("class") or "")
    assert page.get_by_test_id("present-exit").is_visible()


# --- the compact embed -------------------------------------------------------------------------


def course_page(page, src: str) -> None:
    """A course page on the server's origin holding the explorer in an 800x600 iframe."""
    html = (
        "<!doctype html><html><body style='margin:16px'><h1>Week 3: gradients</h1>"
        f"<iframe src='{src}' width='800' height='600' style='border:1px solid #ccc'></iframe>"
        "</body></html>"
    )
    page.route("**/course", lambda route: route.fulfill(body=html, content_type="text/html"))


NO_SCROLL = """() => { const s = document.scrollingElement;
  return [s.scrollWidth - s.clientWidth, s.scrollHeight - s.clientHeight]; }"""


def test_embed_in_an_800px_iframe_has_no_header_and_no_scrollbars(context_for, server_url):
    page = context_for(viewport={"width": 1000, "height": 800})
    course_page(page, f"{server_url}/?g=rosenbrock&embed=1")
    page.goto(f"{server_url}/course")
    frame = page.frame_locator("iframe")
    frame.locator("[data-testid=plot][data-view]").wait_for()
    inner = page.frames[1]
    assert inner.evaluate(NO_SCROLL) == [0, 0]
    assert page.evaluate(NO_SCROLL) == [0, 0]
    assert not inner.locator(".gs-page-head").is_visible()
    plot = inner.locator("[data-testid=plot]").bounding_box()
    readout = inner.locator("[data-testid=readout]").bounding_box()
    frame_box = page.locator("iframe").bounding_box()
    for b in (plot, readout):  # page coordinates, inside the iframe
        assert b["x"] >= frame_box["x"] and b["x"] + b["width"] <= frame_box["x"] + 800
        assert b["y"] >= frame_box["y"] and b["y"] + b["height"] <= frame_box["y"] + 600
    assert readout["x"] >= plot["x"] + plot["width"]  # side by side
    assert plot["height"] > 300
    inner.wait_for_function("() => location.search.includes('embed=1')")  # the link keeps it


def test_exported_embed_file_fills_an_800x600_frame_without_scrollbars(context_for, tmp_path):
    out = tmp_path / "bowl.html"
    subprocess.run(
        [sys.executable, "-m", "gradscape.cli", "export", "bowl", "--embed", "-o", str(out)],
        check=True,
        capture_output=True,
    )
    text = out.read_text()
    assert '<html lang="en" class="gs-embed">' in text
    assert '<header class="gs-page-head">' not in text
    page = context_for(viewport={"width": 800, "height": 600})
    page.goto(out.as_uri())
    page.wait_for_selector("[data-testid=plot][data-view]")
    assert page.evaluate(NO_SCROLL) == [0, 0]
    for selector in ("[data-testid=plot]", "[data-testid=readout]"):
        assert inside(box(page, selector), 800, 600)


# --- phone -------------------------------------------------------------------------------------


def test_phone_tap_looks_without_dropping_and_docks_the_readout(context_for, server_url):
    page = context_for(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                       has_touch=True, is_mobile=True)  # fmt: skip
    open_explorer(page, f"{server_url}/?g=himmelblau")
    plot = box(page, "[data-testid=plot]")
    page.touchscreen.tap(plot["x"] + 0.3 * plot["width"], plot["y"] + 0.4 * plot["height"])
    page.wait_for_function("() => document.querySelector('.gs-readout-card.gs-docked')")
    page.wait_for_timeout(200)
    assert page.locator("[data-testid=runs] li").count() == 0  # looking drops no ball
    assert inside(box(page, "[data-testid=plot]"), 390, 844)
    assert inside(box(page, "[data-testid=readout]"), 390, 844)
    point = page.get_by_test_id("readout").get_attribute("data-point")
    # the tapped point, to the view's resolution
    x = float(point.split(",")[0])
    view = [float(v) for v in page.get_by_test_id("plot").get_attribute("data-view").split(",")]
    assert abs(x - (view[0] + 0.3 * (view[1] - view[0]))) < 0.05 * (view[1] - view[0])
    # Drop here drops at the point; with Tap: drop a tap drops
    page.get_by_test_id("drop-here").tap()
    page.locator("[data-testid=runs] li").first.wait_for()
    page.get_by_test_id("tap-mode").tap()
    assert page.get_by_test_id("tap-mode").get_attribute("aria-pressed") == "true"
    plot = box(page, "[data-testid=plot]")
    page.touchscreen.tap(plot["x"] + 0.7 * plot["width"], plot["y"] + 0.6 * plot["height"])
    page.locator("[data-testid=runs] li").nth(1).wait_for()


def test_a_mouse_click_still_drops_a_ball_and_touch_buttons_are_hidden(page, server_url):
    open_explorer(page, f"{server_url}/?g=bowl")
    assert not page.get_by_test_id("tap-mode").is_visible()
    plot = box(page, "[data-testid=plot]")
    page.mouse.click(plot["x"] + 0.7 * plot["width"], plot["y"] + 0.3 * plot["height"])
    page.locator("[data-testid=runs] li").first.wait_for()


# --- dark mode ---------------------------------------------------------------------------------

HOVER_PIXELS = """(rgb) => {
  const c = document.querySelectorAll('[data-testid=plot] canvas')[2];
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let k = 0; k < d.length; k += 4)
    if (d[k + 3] > 250 && Math.abs(d[k] - rgb[0]) + Math.abs(d[k + 1] - rgb[1])
        + Math.abs(d[k + 2] - rgb[2]) < 30) n++;
  return n; }"""


def luminance(css: str) -> float:
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


@pytest.mark.parametrize("page_path", ["/?g=himmelblau", "/lesson"])
def test_dark_mode_follows_the_system_setting(context_for, server_url, page_path):
    light = context_for(viewport={"width": 1280, "height": 800}, color_scheme="light")
    dark = context_for(viewport={"width": 1280, "height": 800}, color_scheme="dark")
    for pg in (light, dark):
        pg.goto(server_url + page_path)
        pg.wait_for_selector("[data-testid=plot][data-view]")
    bg = "() => getComputedStyle(document.body).backgroundColor"
    assert luminance(light.evaluate(bg)) > 0.9
    assert luminance(dark.evaluate(bg)) < 0.15
    ink = "() => getComputedStyle(document.querySelector('.gs-explorer')).color"
    assert luminance(dark.evaluate(ink)) > 0.8
    if page_path == "/lesson":  # the figures stay light panels, their canvases drawn for light
        fig = "() => getComputedStyle(document.querySelector('.fig')).backgroundColor"
        assert luminance(dark.evaluate(fig)) > 0.9
        return
    # the canvas's arrow and label colours come from CSS: the gradient's red changes
    light_red, dark_red = [0xC0, 0x39, 0x2B], [0xFF, 0x7B, 0x66]
    assert light.evaluate(HOVER_PIXELS, light_red) > 20
    assert dark.evaluate(HOVER_PIXELS, dark_red) > 20
    assert dark.evaluate(HOVER_PIXELS, light_red) < 5


# --- save image at 2x and as SVG ---------------------------------------------------------------


def test_save_image_is_twice_the_size_and_svg_is_vector(page, server_url):
    open_explorer(page, f"{server_url}/?g=himmelblau&r=gd_0.01_1_-2")
    page.locator("[data-testid=runs] li[data-status=converged]").wait_for(timeout=20_000)
    with page.expect_download() as download:
        page.get_by_test_id("save-svg").click()
    assert download.value.suggested_filename == "gradscape-himmelblau.svg"
    svg = ET.parse(download.value.path()).getroot()
    assert svg.tag == f"{SVG}svg"
    width, height = int(svg.get("width")), int(svg.get("height"))
    frame = box(page, ".gs-plotframe")
    assert width == pytest.approx(frame["width"] + 32, abs=2)
    images = svg.findall(f".//{SVG}image")
    assert len(images) == 1 and images[0].get("href").startswith("data:image/png;base64,")
    paths = {p.get("class"): p for p in svg.iter(f"{SVG}path") if p.get("class")}
    assert paths["gs-contours"].get("d").count("L") > 200  # contour lines as vectors
    assert "gs-frame" in paths
    assert len(svg.findall(f".//{SVG}g[@class='gs-run-path']")) == 1
    assert len(svg.findall(f".//{SVG}g[@class='gs-arrow']")) == 2  # gradient and descent
    texts = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]
    assert "∇L" in texts and "−∇L" in texts
    ticks = page.locator(".gs-ticks-x span").all_inner_texts()
    assert set(ticks) <= set(texts)  # tick labels as text
    labels = svg.findall(f".//{SVG}g[@class='gs-contour-labels']/{SVG}text")
    assert len(labels) >= 5
    with page.expect_download() as download:
        page.get_by_test_id("save-image").click()
    assert download.value.suggested_filename == "gradscape-himmelblau.png"
    image = Image.open(download.value.path())
    assert image.size == (2 * width, 2 * height)
    rgb = np.asarray(image.convert("RGB"), dtype=int)
    run_blue = np.array([0x00, 0x72, 0xB2])
    assert (np.abs(rgb - run_blue).sum(axis=2) < 40).sum() > 100, "the run is not in the picture"
    assert len(np.unique(rgb.reshape(-1, 3), axis=0)) > 500, "no heatmap in the picture"


# --- print -------------------------------------------------------------------------------------

CANVAS_AND_TICKS = """() => {
  const c = document.querySelector('[data-testid=plot] canvas').getBoundingClientRect();
  const bitmap = document.querySelector('[data-testid=plot] canvas');
  const tx = document.querySelector('.gs-ticks-x').getBoundingClientRect();
  const ty = document.querySelector('.gs-ticks-y').getBoundingClientRect();
  return { ratio: c.width / c.height, bitmap: bitmap.width / bitmap.height,
           cx: [c.left, c.right], cy: [c.top, c.bottom],
           tx: [tx.left, tx.right], ty: [ty.top, ty.bottom] }; }"""


@pytest.mark.parametrize("viewport", [(1280, 800), (1440, 900)])
def test_print_keeps_the_figure_unstretched_with_aligned_ticks(context_for, server_url, viewport):
    page = context_for(viewport={"width": viewport[0], "height": viewport[1]})
    open_explorer(page, f"{server_url}/?g=rosenbrock&r=gd_0.0015_-1.5_2")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    geo = page.evaluate(CANVAS_AND_TICKS)
    assert geo["ratio"] == pytest.approx(geo["bitmap"], rel=0.01)  # not stretched
    assert geo["tx"] == pytest.approx(geo["cx"], abs=1.5)  # the tick labels span the canvas
    assert geo["ty"] == pytest.approx(geo["cy"], abs=1.5)
    assert geo["cx"][1] - geo["cx"][0] <= 702  # scaled to a printed page
    for testid in ("optimizer", "formula", "save-image", "present", "play"):
        assert not page.get_by_test_id(testid).is_visible(), f"{testid} is printed"
    card = ".gs-readout-card"
    assert page.eval_on_selector(card, "e => getComputedStyle(e).breakInside") == "avoid"
    assert page.get_by_test_id("readout").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 1
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")


def test_print_keeps_the_lessons_figures_with_their_captions(context_for, server_url):
    page = context_for(viewport={"width": 1280, "height": 800})
    page.goto(f"{server_url}/lesson")
    page.wait_for_selector(".fig canvas")
    page.emulate_media(media="print")
    figs = page.evaluate(
        """() => [...document.querySelectorAll('figure.fig')].map(f => ({
             avoid: getComputedStyle(f).breakInside,
             caption: !!f.querySelector('figcaption'),
             canvases: [...f.querySelectorAll('.plot > canvas')].map(c => {
               const r = c.getBoundingClientRect();
               return [r.width / Math.max(1, r.height), c.width / Math.max(1, c.height)]; }) }))"""
    )
    assert len(figs) >= 5
    for f in figs:
        assert f["avoid"] == "avoid" and f["caption"]
        for shown, bitmap in f["canvases"]:
            assert shown == pytest.approx(bitmap, rel=0.02)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


# --- screenshots -------------------------------------------------------------------------------


def test_layout_screenshots(context_for, server_url, screenshots):
    shots = [
        ("desktop", {"viewport": {"width": 1440, "height": 900}}, "/?g=rosenbrock"),
        ("laptop", {"viewport": {"width": 1024, "height": 700}}, "/?g=rosenbrock"),
        ("projector", {"viewport": {"width": 683, "height": 512}, "device_scale_factor": 1.5},
         "/?g=rosenbrock"),
        ("presentation", {"viewport": {"width": 1280, "height": 800}}, "/?g=himmelblau&present=1"),
        ("dark", {"viewport": {"width": 1440, "height": 900}, "color_scheme": "dark"},
         "/?g=himmelblau"),
        ("embed", {"viewport": {"width": 800, "height": 600}}, "/?g=rosenbrock&embed=1"),
    ]  # fmt: skip
    for name, kw, path in shots:
        page = context_for(**kw)
        open_explorer(page, server_url + path)
        page.wait_for_timeout(200)
        png = page.screenshot(path=str(screenshots / f"layout-{name}.png"))
        assert Image.open(BytesIO(png)).size[0] >= 683
