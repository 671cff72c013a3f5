"""The 3D view (runs on the surface, hover picks the point, a full-window toggle) and the
gradient field on the 2D plot."""

from __future__ import annotations

import math

import numpy as np
import pytest
from explorer_pages import open_explorer

from gradscape import Surface

BOWL = Surface("w1^2 + 3w2^2")
HEIGHT_3D = "document.querySelector('[data-testid=surface3d]').getBoundingClientRect().height"


@pytest.fixture(autouse=True)
def no_console_errors(console):
    yield
    assert console.errors == []


def readout_point(page) -> np.ndarray:
    attr = page.get_by_test_id("readout").get_attribute("data-point")
    return np.array([float(v) for v in str(attr).split(",")])


def screen_of(page, x: float, y: float) -> tuple[float, float]:
    """The page position of the surface point over (x, y) in the 3D view."""
    px, py = page.evaluate(
        "([x, y]) => document.querySelector('[data-testid=surface3d]').gsScreenOf(x, y)", [x, y]
    )
    box = page.get_by_test_id("surface3d").bounding_box()
    return box["x"] + px, box["y"] + py


def overlay_count(page, rgb: tuple[int, int, int], tol: int = 40) -> int:
    """Pixels of the 3D overlay within `tol` of colour `rgb`."""
    return page.evaluate(
        """([r, g, b, tol]) => {
             const c = document.querySelector('.gs-overlay3d');
             const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
             let n = 0;
             for (let k = 0; k < d.length; k += 4)
               if (d[k + 3] > 200 && Math.abs(d[k] - r) + Math.abs(d[k + 1] - g)
                                     + Math.abs(d[k + 2] - b) < tol) n++;
             return n;
           }""",
        [*rgb, tol],
    )


def test_hovering_the_3d_view_moves_the_point_and_the_readout(page, server_url):
    open_explorer(page, f"{server_url}/?f=x%20%2B%200.5*y")  # a plane: every point in sight
    for x, y in [(1.0, 2.0), (-2.5, -1.0), (3.0, -3.0), (0.0, 0.0)]:
        sx, sy = screen_of(page, x, y)
        page.mouse.move(sx, sy)
        np.testing.assert_allclose(readout_point(page), [x, y], atol=0.02)
    # on the bowl, points on the slope that faces the viewer
    open_explorer(page, server_url)
    for x, y in [(-3.0, -2.0), (2.0, -2.5)]:
        sx, sy = screen_of(page, x, y)
        page.mouse.move(sx, sy)
        np.testing.assert_allclose(readout_point(page), [x, y], atol=0.02)
        grad = page.get_by_test_id("readout").get_attribute("data-gradient")
        np.testing.assert_allclose(
            [float(v) for v in str(grad).split(",")], BOWL.gradient(readout_point(page))
        )


def test_hovering_off_the_surface_leaves_the_point(page, server_url):
    open_explorer(page, server_url)
    before = readout_point(page)
    box = page.get_by_test_id("surface3d").bounding_box()
    page.mouse.move(box["x"] + 3, box["y"] + box["height"] - 3)  # a corner: empty floor
    np.testing.assert_array_equal(readout_point(page), before)


def test_runs_are_drawn_on_the_3d_surface_and_follow_the_steps(page, server_url):
    open_explorer(page, server_url)
    assert page.get_by_test_id("surface3d").get_attribute("data-run-points") == "0"
    blue = (0x00, 0x72, 0xB2)  # the first run's colour
    before = overlay_count(page, blue)
    page.get_by_test_id("play").click()  # pause, then step by hand
    page.get_by_test_id("plot").click(position={"x": 80, "y": 60})
    counts = []
    for _ in range(4):
        page.get_by_test_id("step").click()
        counts.append(int(page.get_by_test_id("surface3d").get_attribute("data-run-points") or 0))
    assert counts == sorted(counts) and counts[-1] > counts[0] >= 1, counts
    page.get_by_test_id("play").click()
    page.wait_for_function(
        "() => +document.querySelector('[data-testid=surface3d]').dataset.runPoints > 20"
    )
    assert overlay_count(page, blue) > before + 100


def test_the_3d_view_enlarges_to_the_window_and_escape_restores_it(page, server_url):
    open_explorer(page, server_url)
    small = page.get_by_test_id("surface3d").bounding_box()
    page.get_by_test_id("surface3d-enlarge").click()
    page.wait_for_function(f"() => {HEIGHT_3D} > 600")
    big = page.get_by_test_id("surface3d").bounding_box()
    assert big["width"] > 2 * small["width"]
    # hover still picks the point in the large view
    sx, sy = screen_of(page, -2.0, -1.5)
    page.mouse.move(sx, sy)
    np.testing.assert_allclose(readout_point(page), [-2.0, -1.5], atol=0.02)
    page.keyboard.press("Escape")
    page.wait_for_function(f"() => {HEIGHT_3D} < 400")
    assert page.get_by_test_id("surface3d-enlarge").inner_text() == "Enlarge"


def test_the_gradient_field_is_off_by_default_and_draws_arrows_when_ticked(page, server_url):
    open_explorer(page, server_url)
    toggle = page.get_by_test_id("field-toggle")
    assert not toggle.is_checked()
    assert page.get_by_test_id("plot").get_attribute("data-arrows") is None
    shot = "() => document.querySelector('[data-testid=plot] canvas').toDataURL()"
    before = page.evaluate(shot)
    toggle.check()
    page.wait_for_selector("[data-testid=plot][data-arrows]")
    assert page.evaluate(shot) != before


@pytest.mark.parametrize("query", ["g=rosenbrock", "g=bowl", "f=sin(x)%20*%20cos(y)"])
def test_field_arrows_point_down_the_programs_gradient(page, server_url, query):
    open_explorer(page, f"{server_url}/?{query}&field=1")
    page.wait_for_selector("[data-testid=plot][data-arrows]")
    assert page.get_by_test_id("field-toggle").is_checked()
    lattice = page.evaluate(
        "() => JSON.parse(document.querySelector('[data-testid=plot]').dataset.arrows)"
    )
    formula = page.get_by_test_id("formula").input_value()
    surface = Surface(formula)
    assert len(lattice) >= 60
    lengths = []
    for x, y, dx, dy in lattice:
        g = surface.gradient((x, y))
        down = -g / np.linalg.norm(g)
        arrow = np.array([dx, dy]) / math.hypot(dx, dy)
        assert float(down @ arrow) > 1 - 1e-9, (x, y)
        lengths.append(math.hypot(dx, dy))
    assert max(lengths) <= 3.5 * min(lengths)  # readable: steep walls do not swamp the rest


def test_the_field_is_in_the_link(page, server_url):
    open_explorer(page, server_url)
    page.get_by_test_id("field-toggle").check()
    page.wait_for_function("() => location.search.includes('field=1')")
    link = page.url
    page.goto("about:blank")
    open_explorer(page, link)
    page.wait_for_selector("[data-testid=plot][data-arrows]")
    page.get_by_test_id("field-toggle").uncheck()
    page.wait_for_function("() => !location.search.includes('field=1')")


def test_screenshots_3d(browser, server_url, screenshots):
    for w, h, name in [(1440, 900, "desktop"), (390, 844, "phone")]:
        context = browser.new_context(viewport={"width": w, "height": h})
        page = context.new_page()
        open_explorer(page, f"{server_url}/?g=himmelblau")
        page.get_by_test_id("plot").click(position={"x": 40, "y": 50})
        page.get_by_test_id("plot").click(position={"x": 200, "y": 240})
        page.wait_for_timeout(1500)
        page.get_by_test_id("surface3d-enlarge").click()
        page.wait_for_timeout(400)
        page.screenshot(path=str(screenshots / f"explorer-3d-full-{name}.png"))
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)
        page.get_by_test_id("surface3d").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots / f"explorer-3d-{name}.png"), full_page=True)
        context.close()
