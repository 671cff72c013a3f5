"""Sharing from the web page: Save image, Copy link, and the Python code for what you see."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from explorer_pages import open_explorer
from PIL import Image

import gradscape


@pytest.fixture(autouse=True)
def no_console_errors(console):
    yield
    assert console.errors == []


@pytest.fixture
def clip_page(browser, console):
    """A page whose context may read and write the clipboard."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    pg = context.new_page()
    console.attach(pg)
    yield pg
    context.close()


def drop_ball(page, fx: float, fy: float) -> None:
    box = page.locator("[data-testid=plot]").bounding_box()
    n = page.locator("[data-testid=runs] li").count()
    page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    page.locator("[data-testid=runs] li").nth(n).wait_for()


def finals(page) -> list[np.ndarray]:
    """Each run's last point, once every run has finished."""
    items = page.locator("[data-testid=runs] li")
    out = []
    for i in range(items.count()):
        item = items.nth(i)
        page.wait_for_function(
            "(el) => ['converged', 'diverged', 'max_steps'].includes(el.dataset.status)",
            arg=item.element_handle(),
            timeout=20_000,
        )
        out.append(np.array([float(v) for v in item.get_attribute("data-final").split(",")]))
    return out


def test_copy_link_copies_a_url_that_reproduces_the_state(clip_page, browser, server_url):
    page = clip_page
    open_explorer(page, f"{server_url}/?g=rosenbrock")
    plot = page.locator("[data-testid=plot]")
    box = plot.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 200)  # zoom out
    page.get_by_test_id("optimizer").select_option("momentum")
    drop_ball(page, 0.3, 0.3)
    page.get_by_test_id("copy-link").click()  # at once: no waiting for the URL to catch up
    status = page.get_by_test_id("share-status")
    status.filter(has_text="Link copied").wait_for()
    assert status.get_attribute("role") == "status"
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == page.url
    assert re.search(r"[?&]g=rosenbrock&v=[^&]+&p=[^&]+&o=momentum_[^&]+&r=momentum_", link)
    view, before = plot.get_attribute("data-view"), finals(page)
    other = browser.new_page(viewport={"width": 1280, "height": 800})
    open_explorer(other, link)
    # the window comes back to a ten-thousandth of its width (links carry short numbers)
    shown = [float(v) for v in view.split(",")]
    again = [
        float(v) for v in other.locator("[data-testid=plot]").get_attribute("data-view").split(",")
    ]
    np.testing.assert_allclose(again, shown, rtol=0, atol=(shown[1] - shown[0]) * 1e-4)
    np.testing.assert_array_equal(finals(other), before)
    other.close()


def test_copy_link_without_a_clipboard_offers_the_link_selected(page, server_url):
    page.add_init_script(
        """Object.defineProperty(navigator, "clipboard", { value: undefined });
           document.execCommand = () => false;"""
    )
    open_explorer(page, f"{server_url}/?g=bowl")
    page.get_by_test_id("copy-link").click()
    field = page.get_by_test_id("link-field")
    field.wait_for(state="visible")
    assert field.input_value() == page.url
    assert page.evaluate("document.activeElement.dataset.testid") == "link-field"
    assert page.evaluate("getSelection().toString() || document.activeElement.selectionEnd") != 0
    assert "Ctrl+C" in page.get_by_test_id("share-status").inner_text()


def test_save_image_downloads_a_png_of_the_plot_with_its_runs(page, server_url):
    open_explorer(page, f"{server_url}/?g=himmelblau")
    drop_ball(page, 0.7, 0.3)
    finals(page)
    with page.expect_download() as download:
        page.get_by_test_id("save-image").click()
    assert download.value.suggested_filename == "gradscape-himmelblau.png"
    # the status shows for a few seconds: read it before the (2x, slower to scan) picture
    page.get_by_test_id("share-status").filter(has_text="gradscape-himmelblau.png").wait_for()
    image = Image.open(download.value.path())
    assert image.format == "PNG"
    box = page.locator("[data-testid=plot]").bounding_box()
    assert image.width > box["width"] and image.height > box["height"]  # plot, axes and legend
    rgb = np.asarray(image.convert("RGB"), dtype=int)
    run_blue = np.array([0x00, 0x72, 0xB2])  # the first run's colour (runs.js RUN_COLORS[0])
    assert (np.abs(rgb - run_blue).sum(axis=2) < 40).sum() > 50, "the run is not in the picture"
    assert len(np.unique(rgb.reshape(-1, 3), axis=0)) > 500, "no heatmap in the picture"


def test_python_code_runs_and_reproduces_the_runs_on_screen(page, server_url):
    open_explorer(page, f"{server_url}/?g=bowl&r=momentum_0.02_2_1_beta=0.8")
    page.get_by_test_id("optimizer").select_option("adam")
    drop_ball(page, 0.2, 0.75)
    page.get_by_test_id("python-code").click()
    assert page.get_by_test_id("python-code").get_attribute("aria-expanded") == "true"
    code = page.get_by_test_id("python-code-text").inner_text()
    assert "beta=0.8" in code and 'optimizer="adam"' in code
    on_screen = finals(page)
    env: dict = {}
    exec(compile(code, "<python-code>", "exec"), env)  # the code as a user pastes it
    runs = env["runs"]
    assert [r.optimizer for r in runs] == ["momentum", "adam"]
    for run, final in zip(runs, on_screen, strict=True):
        np.testing.assert_allclose(run.end, final, rtol=1e-6, atol=1e-6)
    assert env["fig"].axes  # the matplotlib picture
    assert env["view"] == ((-4, 4), (-3, 3))  # the bowl's window, as the explorer keeps it
    assert isinstance(env["s"], gradscape.Surface)


def test_python_code_follows_the_view_and_the_surface(page, server_url):
    open_explorer(page, f"{server_url}/?f=sin(x)%20cos(y)&v=-1,2,-0.5,0.75")
    page.get_by_test_id("python-code").click()
    code = page.get_by_test_id("python-code-text").inner_text()
    assert 'gradscape.Surface("sin(x) cos(y)", variables=("x", "y"))' in code
    assert "view = ((-1, 2), (-0.5, 0.75))" in code
    assert "runs = []" in code
    env: dict = {}
    exec(code, env)
    explorer = env["gradscape"].Explorer("sin(x) cos(y)", view=env["view"])
    assert explorer.view == ((-1.0, 2.0), (-0.5, 0.75))
    page.get_by_test_id("formula").fill("x^2 + y^4")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=python-code-text]').textContent.includes('y^4')"
    )


def test_python_button_toggles_the_code_panel_and_copies_it(clip_page, server_url):
    page = clip_page
    open_explorer(page, f"{server_url}/?g=saddle")
    code = page.get_by_test_id("python-code-text")
    assert code.is_hidden()
    page.get_by_test_id("python-code").click()
    code.wait_for(state="visible")
    page.get_by_test_id("copy-code").click()
    page.get_by_test_id("share-status").filter(has_text="Code copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == code.inner_text()
    page.get_by_test_id("python-code").click()
    code.wait_for(state="hidden")


def test_share_screenshots(page, server_url, screenshots):
    open_explorer(page, f"{server_url}/?g=himmelblau")
    drop_ball(page, 0.7, 0.3)
    finals(page)
    page.get_by_test_id("python-code").click()
    page.screenshot(path=screenshots / "share-python.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_test_id("save-image").click()
    download.value.save_as(screenshots / "share-saved-image.png")


@pytest.mark.parametrize("formula", ["rosenbrock", "goldstein-price", "x^2", "sin(w)", "3"])
def test_python_code_runs_for_every_optimizer_on_odd_surfaces(page, server_url, formula):
    from gradscape.payload import surface_payload

    open_explorer(page, server_url)
    compiled = surface_payload(formula)
    runs = [
        {"optimizer": name, "lr": 0.01, "start": [0.123456789, -0.5], "steps": 40}
        for name in gradscape.OPTIMIZERS
    ] + [{"optimizer": "adam", "lr": 0.05, "start": [1, 1], "beta1": 0.8, "eps": 1e-7}]
    view = {"x": [-1.23456789, 2.5], "y": [-0.5, 0.25]}
    code = page.evaluate(
        """async ([compiled, view, runs]) => {
             const share = await import('/static/explorer/share.js');
             return share.pythonCode({ compiled, view, runs });
           }""",
        [compiled, view, runs],
    )
    env: dict = {}
    exec(code, env)
    got = env["runs"]
    assert [r.optimizer for r in got] == [r["optimizer"] for r in runs]
    assert [r.steps <= 40 for r in got[:-1]] == [True] * len(gradscape.OPTIMIZERS)
    assert got[-1].settings["beta1"] == 0.8 and got[-1].settings["eps"] == 1e-7
    assert env["view"] == ((-1.2346, 2.5), (-0.5, 0.25))
    assert env["s"].variables == tuple(compiled["variables"])


def test_share_controls_and_open_code_panel_pass_axe(browser, server_url):
    """axe-core on the page with the Python panel open and the link field showing."""
    import axe_playwright_python

    source = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    try:
        page = context.new_page()
        page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined});")
        open_explorer(page, f"{server_url}/?g=bowl")
        page.get_by_test_id("python-code").click()
        page.get_by_test_id("python-code-text").wait_for()
        page.evaluate(source)
        violations = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))}))"""
        )
        assert violations == [], violations
    finally:
        context.close()
