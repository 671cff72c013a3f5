"""Parameter sliders: `a*x^2 + y^2` with a slider for `a`, evaluated as an input of one program."""

from __future__ import annotations

import numpy as np
import pytest

from gradscape import Surface
from gradscape.payload import surface_payload
from gradscape.program import run_program

FORMULA = "a*x^2 + y^2"
QUERY = "f=a*x%5E2%20%2B%20y%5E2"


@pytest.fixture(autouse=True)
def no_console_errors(console):
    yield
    assert console.errors == []


def open_at(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("[data-testid=plot][data-view]")
    page.wait_for_selector("[data-testid=param-a]")


def readout(page) -> tuple[np.ndarray, np.ndarray]:
    r = page.get_by_test_id("readout")
    point = np.array([float(v) for v in str(r.get_attribute("data-point")).split(",")])
    grad = np.array([float(v) for v in str(r.get_attribute("data-gradient")).split(",")])
    return point, grad


def visit(page, x: float, y: float) -> None:
    """Put the explorer's point at (x, y) through its model, as a link or the host would."""
    page.get_by_test_id("plot").focus()
    page.keyboard.press("ArrowLeft")  # make sure a point exists
    box = page.get_by_test_id("plot").bounding_box()
    view = plot_view(page)
    fx = (x - view[0]) / (view[1] - view[0])
    fy = (view[3] - y) / (view[3] - view[2])
    page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])


def plot_view(page) -> list[float]:
    attr = page.get_by_test_id("plot").get_attribute("data-view")
    return [float(v) for v in str(attr).split(",")]


def base_pixels(page) -> str:
    return page.evaluate("() => document.querySelector('[data-testid=plot] canvas').toDataURL()")


def test_a_third_variable_gets_a_slider_and_the_axes_are_x_and_y(page, server_url):
    open_at(page, f"{server_url}/?{QUERY}")
    assert page.get_by_test_id("params").is_visible()
    assert page.get_by_test_id("axis-0").input_value() == "x"
    assert page.get_by_test_id("axis-1").input_value() == "y"
    assert page.get_by_test_id("param-a-value").input_value() == "1"
    assert page.get_by_test_id("param-a").get_attribute("step") == "0.1"
    # a two-variable formula has no slider panel
    open_at_bowl = page.goto(f"{server_url}/?g=bowl")
    del open_at_bowl
    page.wait_for_selector("[data-testid=plot][data-view]")
    assert not page.get_by_test_id("params").is_visible()


def test_moving_the_slider_changes_the_readout_and_the_heatmap(page, server_url):
    open_at(page, f"{server_url}/?{QUERY}")
    visit(page, 1.5, -0.5)
    p, g = readout(page)
    np.testing.assert_allclose(g, [2 * 1 * p[0], 2 * p[1]], rtol=1e-13)
    before = base_pixels(page)
    slider = page.get_by_test_id("param-a")
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")  # five steps of 0.1
    assert page.get_by_test_id("param-a-value").input_value() == "1.5"
    p2, g2 = readout(page)
    np.testing.assert_array_equal(p2, p)  # the point stays; the surface under it changed
    np.testing.assert_allclose(g2[0] - g[0], 2 * 0.5 * p[0], rtol=1e-12)
    assert g2[1] == g[1]
    page.wait_for_function(
        "(b) => document.querySelector('[data-testid=plot] canvas').toDataURL() !== b", arg=before
    )


def test_browser_and_python_agree_with_a_parameter_to_1e12(page, server_url):
    open_at(page, f"{server_url}/?{QUERY}")
    page.get_by_test_id("param-a-value").fill("-2.75")
    page.get_by_test_id("param-a-value").press("Enter")
    program = surface_payload(FORMULA)["program"]
    bound = Surface(FORMULA, params={"a": -2.75})
    for x, y in [(1.25, -0.5), (-2.0, 2.5), (0.3, 0.7)]:
        visit(page, x, y)
        p, g = readout(page)
        value, grad, _ = run_program(program, [p[0], p[1], -2.75])
        np.testing.assert_allclose(g, [float(v) for v in grad[:2]], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(g, bound.gradient(p), rtol=1e-12, atol=1e-12)
        shown = page.evaluate(
            """async ([c, p]) => {
                 const ev = await import('/static/core/evaluator.js');
                 const ps = await import('/static/core/params.js');
                 return ev.evalPoint(ps.bindProgram(c, [0, 1], [0, 0, -2.75]), p).value;
               }""",
            [program, list(p)],
        )
        assert abs(shown - float(value)) <= 1e-12 * max(1.0, abs(float(value)))


def test_the_link_restores_the_slider_and_its_range(page, server_url):
    open_at(page, f"{server_url}/?{QUERY}")
    page.get_by_test_id("param-a-max").fill("4")
    page.get_by_test_id("param-a-max").press("Enter")
    page.get_by_test_id("param-a-min").fill("0")
    page.get_by_test_id("param-a-min").press("Enter")
    page.get_by_test_id("param-a-value").fill("3.2")
    page.get_by_test_id("param-a-value").press("Enter")
    assert page.get_by_test_id("param-a").get_attribute("step") == "0.02"
    page.wait_for_function("() => location.search.includes('s=a:3.2:0:4')")
    link = page.url
    page.goto("about:blank")
    open_at(page, link)
    assert page.get_by_test_id("param-a-value").input_value() == "3.2"
    assert page.get_by_test_id("param-a-min").input_value() == "0"
    visit(page, 1.0, 1.0)
    p, g = readout(page)
    np.testing.assert_allclose(g[0], 2 * 3.2 * p[0], rtol=1e-12)


def test_a_bad_value_says_why_and_keeps_the_last_one(page, server_url):
    open_at(page, f"{server_url}/?{QUERY}")
    box = page.get_by_test_id("param-a-value")
    box.fill("abc")
    box.press("Enter")
    assert "must be a number" in page.get_by_test_id("params").inner_text()
    box.blur()
    assert "gs-invalid" in str(box.get_attribute("class"))
    visit(page, 1.0, 0.0)
    _, g = readout(page)
    assert g[0] == 2.0  # still a = 1
    page.get_by_test_id("param-a-min").fill("20")
    page.get_by_test_id("param-a-min").press("Enter")
    assert "first smaller" in page.get_by_test_id("params").inner_text()


def test_the_axis_chooser_puts_a_parameter_on_an_axis(page, server_url):
    open_at(page, f"{server_url}/?{QUERY}")
    visit(page, 1.5, 0.5)
    page.get_by_test_id("axis-0").select_option("a")
    page.wait_for_selector("[data-testid=param-x]")
    assert page.get_by_test_id("param-x-value").input_value() == "1.5"
    view = plot_view(page)
    assert view[0] <= -10 + 1e-9 and view[1] >= 10 - 1e-9  # a's slider range is the new axis
    visit(page, 2.0, 0.5)  # a = 2, y = 0.5, x = 1.5
    p, g = readout(page)
    np.testing.assert_allclose(g, [1.5**2, 2 * p[1]], rtol=1e-12)
    assert "dL/da" in page.get_by_test_id("readout").inner_text()


def test_the_python_code_binds_the_sliders_and_reproduces_the_run(page, server_url):
    open_at(page, f"{server_url}/?{QUERY}&s=a:0.5:-10:10&r=gd_0.1_3_2")
    item = page.locator("[data-testid=runs] li").first
    page.wait_for_function(
        "(el) => ['converged', 'diverged', 'max_steps'].includes(el.dataset.status)",
        arg=item.element_handle(),
    )
    final = np.array([float(v) for v in str(item.get_attribute("data-final")).split(",")])
    page.get_by_test_id("python-code").click()
    code = page.get_by_test_id("python-code-text").inner_text()
    assert 'params={"a": 0.5}' in code
    env: dict = {}
    exec(compile(code, "<python-code>", "exec"), env)  # the code as a user pastes it
    assert env["s"].variables == ("x", "y")
    assert env["s"].value((2.0, 1.0)) == 0.5 * 4 + 1
    np.testing.assert_allclose(env["runs"][0].end, final, rtol=1e-9, atol=1e-12)


def test_python_payload_says_which_variables_are_parameters():
    payload = surface_payload(FORMULA)
    assert payload["variables"] == ["x", "y"]
    assert payload["parameters"] == ["a"]
    assert payload["program"]["variables"] == ["x", "y", "a"]


def test_screenshots_with_a_slider(browser, server_url, screenshots):
    for w, h, name in [(1440, 900, "desktop"), (390, 844, "phone")]:
        context = browser.new_context(viewport={"width": w, "height": h})
        page = context.new_page()
        open_at(page, f"{server_url}/?{QUERY}&s=a:2.5:-10:10&field=1")
        page.get_by_test_id("plot").click(position={"x": 60, "y": 60})
        page.wait_for_timeout(600)
        page.screenshot(path=str(screenshots / f"explorer-params-{name}.png"), full_page=True)
        context.close()
