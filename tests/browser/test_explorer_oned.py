"""The one-variable view (static/explorer/curve1d.js): a formula of one variable is drawn as its
curve, with the tangent, the gradient (one partial) along the axis and the balls' paths on the
curve, instead of a surface with a dummy second axis (issue 13, defect 6)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from explorer_pages import hover_fraction, open_explorer


@pytest.fixture(autouse=True)
def no_console_errors(console):
    yield
    assert console.errors == []


CUBIC = "/?f=x%5E3%20-%202x&v=-2,2,-1,1"


def open_curve(page, url: str):
    open_explorer(page, url)
    curve = page.get_by_test_id("curve1d")
    curve.wait_for(state="visible")
    return curve


def numbers(path: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", path)]


def test_a_one_variable_formula_is_a_curve_not_a_surface_over_a_dummy_axis(page, server_url):
    curve = open_curve(page, server_url + CUBIC)
    heading = page.locator(".gs-display").inner_text()
    assert heading.replace("\u2009", " ").startswith("L(x) =")
    # the heatmap, the y ticks and the 3D view give way to the curve
    hidden = page.evaluate(
        """() => [...document.querySelectorAll('.gs-ticks-y, .gs-figure3d')]
                   .map((e) => getComputedStyle(e).display)"""
    )
    assert hidden and set(hidden) == {"none"}
    layers = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=plot] > canvas')]
                   .map((e) => getComputedStyle(e).visibility)"""
    )
    assert layers and set(layers) == {"hidden"}
    assert curve.locator(".gs-c-curve").count() == 1
    # the readout speaks of x alone: dL/dx, no partial along a second axis
    readout = page.get_by_test_id("readout")
    hover_fraction(page, 0.75, 0.3)
    assert readout.locator(".gs-ro-partial").count() == 1
    text = readout.inner_text()
    assert "At x =" in text and "dL" in text.replace("\n", "") and "∂" not in text


def test_hovering_the_curve_shows_the_tangent_and_the_gradient_along_the_axis(page, server_url):
    curve = open_curve(page, server_url + CUBIC)
    for fx in (0.8, 0.5, 0.2):  # slope 3x^2 - 2: positive, negative, positive
        hover_fraction(page, fx, 0.6)
        x = float(curve.get_attribute("data-x"))
        slope = float(curve.get_attribute("data-slope"))
        assert slope == pytest.approx(3 * x * x - 2, rel=1e-12)
        assert curve.locator(".gs-c-tangent").count() == 1
        # two arrows from the point: descent first, then the gradient; the gradient's head
        # points uphill (right where the slope is positive), descent the other way
        point = float(curve.locator(".gs-c-point").get_attribute("cx"))
        arrows = curve.locator(".gs-arrow")
        assert arrows.count() == 2
        tips = [numbers(arrows.nth(k).locator("path").last.get_attribute("d"))[0] for k in (0, 1)]
        descent_tip, gradient_tip = tips
        assert (gradient_tip - point) * slope > 0 and (descent_tip - point) * slope < 0
        # the point sits on the curve: its height is L(x) on the curve's scale
        lo, hi = (float(v) for v in curve.get_attribute("data-range").split(","))
        assert lo < x**3 - 2 * x < hi


def test_a_ball_dropped_on_the_curve_rolls_down_it_to_the_minimum(page, server_url):
    curve = open_curve(page, server_url + CUBIC)
    hover_fraction(page, 0.9, 0.5, click=True)  # x = 1.6: downhill toward the minimum at sqrt(2/3)
    page.wait_for_function(
        "() => (document.querySelector('.gs-c-run')?.dataset.steps | 0) > 5", timeout=20000
    )
    page.wait_for_timeout(3000)
    run = curve.locator(".gs-c-run").first
    ball = run.locator(".gs-c-ball")
    cx, cy = float(ball.get_attribute("cx")), float(ball.get_attribute("cy"))
    box = page.locator("[data-testid=plot]").bounding_box()
    x = -2 + 4 * cx / box["width"]
    assert x == pytest.approx((2 / 3) ** 0.5, abs=0.02)
    # on the curve: the ball's height is the curve's at the same x (within a pixel)
    xs_on_path = numbers(curve.locator(".gs-c-curve").get_attribute("d"))
    pairs = list(zip(xs_on_path[::2], xs_on_path[1::2], strict=True))
    nearest = min(pairs, key=lambda p: abs(p[0] - cx))
    assert abs(nearest[1] - cy) < 1.5


def test_newton_converges_on_a_one_variable_formula(page, server_url):
    # the second axis is padding: Newton solves on x alone instead of calling H singular
    open_curve(page, server_url + CUBIC)
    page.get_by_test_id("optimizer").select_option("newton")
    hover_fraction(page, 0.9, 0.5, click=True)
    page.locator("[data-testid=runs] [data-status=converged]").first.wait_for(timeout=20_000)


def test_the_saved_picture_of_a_one_variable_formula_is_its_curve(page, server_url):
    open_curve(page, server_url + CUBIC)
    hover_fraction(page, 0.9, 0.5, click=True)  # a ball: its legend line names x alone
    page.locator("[data-testid=runs] li").first.wait_for()
    hover_fraction(page, 0.8, 0.5)
    with page.expect_download() as dl:
        page.get_by_test_id("save-svg").click()
    text = Path(dl.value.path()).read_text(encoding="utf-8")
    assert "gs-c-curve" in text and "gs-heatmap" not in text and "gs-arrow" in text
    assert "from x = 1.6" in text and "Arrows at x = " in text


def test_a_surface_after_a_curve_is_a_surface_again(page, server_url):
    curve = open_curve(page, server_url + CUBIC)
    box = page.get_by_test_id("formula")
    box.fill("x^2 + y^2")
    box.press("Enter")
    curve.wait_for(state="hidden")
    shown = page.evaluate(
        "() => getComputedStyle(document.querySelector('[data-testid=plot] > canvas')).visibility"
    )
    assert shown == "visible"
    assert page.get_by_test_id("readout").locator(".gs-ro-partial").count() == 2


def test_where_the_curve_is_undefined_is_hatched(page, server_url):
    curve = open_curve(page, server_url + "/?f=log(x)&v=-2,2,-1,1")
    box = page.locator("[data-testid=plot]").bounding_box()
    (rect,) = curve.locator(".gs-c-undefined").all()
    x, width = float(rect.get_attribute("x")), float(rect.get_attribute("width"))
    assert x == 0 and width == pytest.approx(box["width"] / 2, abs=3)  # x <= 0: no log there
    page.get_by_test_id("formula").fill("x^2")
    page.get_by_test_id("formula").press("Enter")
    page.wait_for_function("() => document.querySelector('.gs-display').textContent.includes('2')")
    page.wait_for_timeout(300)
    assert curve.locator(".gs-c-undefined").count() == 0
