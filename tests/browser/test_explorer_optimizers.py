"""The explorer's optimizer teaching features: the loss-versus-step chart, compare all
optimizers at the surface's tuned rates, the stability limit on the learning-rate slider, the
other settings (beta, rho, beta1, beta2, eps) with the rule and library convention, and Newton's
method. Every number the page shows is checked against Python's `gradscape.descend`."""

from __future__ import annotations

import math
import re
from urllib.parse import unquote

import numpy as np
import pytest
from explorer_pages import open_explorer

from gradscape import GALLERY, Surface, descend
from gradscape.descent import OPTIMIZERS
from gradscape.gallery import RATES

BOWL = Surface("w1^2 + 3w2^2")
ROSENBROCK = Surface(GALLERY["rosenbrock"].formula)
RUN_COLORS = ["#0072B2", "#CC79A7", "#009E73", "#E69F00", "#3d3d3d", "#56B4E9", "#882255"]


@pytest.fixture(autouse=True)
def no_console_errors(console):
    yield
    assert console.errors == []


def wait_runs_done(page, n: int) -> None:
    page.wait_for_function(
        """(n) => { const li = [...document.querySelectorAll('.gs-run')];
                    return li.length === n && li.every((e) => e.dataset.status !== 'running'); }""",
        arg=n,
        timeout=30000,
    )


def legend(page) -> list[dict]:
    return page.evaluate(
        """() => [...document.querySelectorAll('.gs-run')].map((li) => ({
             name: li.querySelector('.gs-run-name').textContent, status: li.dataset.status,
             steps: Number(li.dataset.steps), final: li.dataset.final.split(',').map(Number),
             title: li.title, text: li.querySelector('.gs-run-state').textContent }))"""
    )


def drop_ball_at_point(page) -> None:
    page.locator("[data-testid=plot]").focus()
    page.keyboard.press("Enter")


# --- compare ---------------------------------------------------------------------------------


def test_compare_runs_every_optimizer_at_the_surfaces_tuned_rate(page, server_url) -> None:
    open_explorer(page, f"{server_url}/?g=rosenbrock")
    page.click("[data-testid=compare]")
    wait_runs_done(page, len(OPTIMIZERS))
    runs = legend(page)
    start = GALLERY["rosenbrock"].start
    for (name, lr), run in zip(RATES["rosenbrock"].items(), runs, strict=True):
        assert run["name"] == f"{name} lr {lr:.3g}"
        want = descend(ROSENBROCK, start, name, lr=lr, steps=2000)
        assert run["status"] == want.stopped != "diverged", name
        assert run["steps"] == want.steps, name
        np.testing.assert_allclose(run["final"], want.end, rtol=1e-10, atol=1e-12)
    # seven runs, seven colours
    colors = page.evaluate(
        "() => [...document.querySelectorAll('.gs-run .gs-swatch')].map((s) => s.style.background)"
    )
    assert len(set(colors)) == len(OPTIMIZERS)


def test_compare_on_a_typed_formula_uses_each_optimizers_default(page, server_url) -> None:
    open_explorer(page, f"{server_url}/?f=x%5E2%20%2B%202y%5E2&p=1.5,-1")
    page.click("[data-testid=compare]")
    wait_runs_done(page, len(OPTIMIZERS))
    names = [r["name"] for r in legend(page)]
    assert names == [f"{n} lr {o.defaults['lr']:g}" for n, o in OPTIMIZERS.items()]
    assert all(r["status"] == "converged" or r["status"] == "max_steps" for r in legend(page))


def test_compare_on_a_saddle_shows_newton_refusing_to_step(page, server_url) -> None:
    open_explorer(page, f"{server_url}/?g=saddle")
    page.click("[data-testid=compare]")
    wait_runs_done(page, len(OPTIMIZERS))
    newton = legend(page)[-1]
    assert newton["name"] == "newton lr 1" and newton["status"] == "failed"
    assert newton["text"] == "stopped after 0 steps: the Hessian is not positive definite here"
    want = descend(Surface("x^2 - y^2"), GALLERY["saddle"].start, "newton")
    assert newton["title"] == want.reason


def test_picking_an_optimizer_takes_the_surfaces_tuned_rate(page, server_url) -> None:
    open_explorer(page, f"{server_url}/?g=rosenbrock")
    assert page.input_value("[data-testid=lr]") == str(RATES["rosenbrock"]["gd"])
    page.select_option("[data-testid=optimizer]", "momentum")
    assert page.input_value("[data-testid=lr]") == str(RATES["rosenbrock"]["momentum"])
    drop_ball_at_point(page)
    wait_runs_done(page, 1)
    # today's complaint: momentum at its bowl default (0.02) ran away on Rosenbrock in 2 steps
    assert legend(page)[0]["status"] != "diverged"
    # another surface: its own rate for the optimizer now chosen
    page.select_option("[data-testid=gallery]", "bowl")
    page.wait_for_function("() => document.querySelector('[data-testid=lr]').value === '0.01'")


# --- the loss chart ----------------------------------------------------------------------------


def test_loss_chart_draws_every_run_and_hover_reads_their_losses(page, server_url) -> None:
    open_explorer(page, server_url)  # the bowl, from (3, 1)
    page.click("[data-testid=compare]")
    wait_runs_done(page, len(OPTIMIZERS))
    chart = page.locator("[data-testid=loss-chart]")
    assert chart.is_visible()
    state = page.evaluate(
        """() => { const c = document.querySelector('.gs-loss-canvas');
                   const ctx = c.getContext('2d');
                   const px = ctx.getImageData(0, 0, c.width, c.height).data;
                   const seen = new Set();
                   for (let i = 0; i < px.length; i += 4) if (px[i + 3] > 250)
                     seen.add(((px[i] << 16) | (px[i + 1] << 8) | px[i + 2])
                              .toString(16).padStart(6, '0'));
                   return { colours: [...seen], label: c.getAttribute('aria-label') }; }"""
    )
    for colour in RUN_COLORS:  # a line in each run's colour
        assert colour[1:].lower() in state["colours"], colour
    assert "log scale" in state["label"]  # from 12 down to 1e-14: a log scale
    # hover step 5: every run's loss there is Python's
    page.locator(".gs-loss-canvas").scroll_into_view_if_needed()
    box = page.locator(".gs-loss-canvas").bounding_box()
    steps = page.evaluate(
        """() => Math.max(10, ...[...document.querySelectorAll('.gs-run')]
                                   .map((l) => +l.dataset.steps))"""
    )
    left, right = 46, 10  # the chart's padding (losschart.js PAD)
    x = box["x"] + left + (box["width"] - left - right) * 5 / steps
    page.mouse.move(x, box["y"] + box["height"] / 2)
    caption = page.locator("[data-testid=loss-hover]")
    assert caption.get_attribute("data-step") == "5"
    items = page.locator(".gs-loss-item")
    values = [items.nth(i).get_attribute("data-value") for i in range(items.count())]
    text = caption.text_content()
    for (name, lr), got in zip(RATES["bowl"].items(), values, strict=True):
        want = descend(BOWL, (3.0, 1.0), name, lr=lr, steps=2000)
        if want.steps >= 5:
            assert float(got) == pytest.approx(want.values[5], rel=1e-12, abs=1e-300), name
        else:
            assert got == "" and f"stopped at step {want.steps}" in text, name
    # the keyboard picks steps too
    page.locator(".gs-loss-canvas").focus()
    page.keyboard.press("Home")
    assert caption.get_attribute("data-step") == "0"
    page.keyboard.press("Shift+ArrowRight")
    assert caption.get_attribute("data-step") == "10"
    # the text alternative: one row per run, the loss at the start and now
    rows = page.locator("[data-testid=loss-table] tbody tr")
    assert rows.count() == len(OPTIMIZERS)
    first = rows.nth(0).locator("td").all_text_contents()
    gd = descend(BOWL, (3.0, 1.0), "gd", lr=RATES["bowl"]["gd"], steps=2000)
    assert first[0] == "12" and first[3] == str(gd.steps)


def test_loss_chart_is_linear_when_values_go_negative_and_hidden_without_runs(
    page, server_url
) -> None:
    open_explorer(page, f"{server_url}/?g=saddle")
    assert page.locator("[data-testid=loss-chart]").is_hidden()
    drop_ball_at_point(page)
    wait_runs_done(page, 1)
    label = page.locator(".gs-loss-canvas").get_attribute("aria-label")
    assert "log scale" not in label and "1 run" in label
    page.click("[data-testid=reset-runs]")
    assert page.locator("[data-testid=loss-chart]").is_hidden()


# --- the stability limit -----------------------------------------------------------------------


def limit_state(page) -> dict:
    return page.evaluate(
        """() => { const s = document.querySelector('[data-testid=lr-limit]');
                   const m = document.querySelector('.gs-lr-limit');
                   const slider = document.querySelector('.gs-lr-slider').getBoundingClientRect();
                   const r = m ? m.getBoundingClientRect() : null;
                   return { text: s.textContent, limit: s.dataset.limit, over: s.dataset.over,
                            mark: m ? Number(m.dataset.limit) : null,
                            markClass: m ? m.className : null, width: slider.width,
                            at: r ? (r.left + r.width / 2 - slider.left) / slider.width
                                  : null }; }"""
    )


def test_the_slider_marks_two_over_lambda_max_at_the_point(page, server_url) -> None:
    open_explorer(page, server_url)  # the bowl at (3, 1): H = diag(2, 6)
    s = limit_state(page)
    assert s["mark"] == pytest.approx(1 / 3, rel=1e-12)
    assert "λmax = 6: stable for lr < 2/λmax = 1/3 ≈ 0.333" in s["text"]
    assert "is below it" in s["text"] and s["over"] == "false"
    # the mark sits where the log-scale slider's thumb stands at 1/3: (log10(1/3) + 4) / 5 of
    # the way along the track less the thumb's 16 px
    t = (math.log10(1 / 3) + 4) / 5
    assert s["at"] * s["width"] == pytest.approx(t * s["width"] + (0.5 - t) * 16, abs=1.5)
    page.fill("[data-testid=lr]", "0.4")
    s = limit_state(page)
    assert s["over"] == "true" and "gs-over" in s["markClass"] and "is above it" in s["text"]
    # and the run does diverge, as Python's does
    drop_ball_at_point(page)
    wait_runs_done(page, 1)
    assert legend(page)[0]["status"] == "diverged"


@pytest.mark.parametrize(
    ("optimizer", "limit", "words"),
    [
        ("momentum", 2 * 1.9 / 6, "2(1 + β)/λmax"),
        ("nesterov", 2 * 1.9 / (2.8 * 6), "2(1 + β)/((1 + 2β)λmax)"),
        ("newton", 2.0, "Newton's method is stable for lr < 2"),
        ("adam", None, "no fixed limit applies (gradient descent's would be 2/λmax = 1/3"),
    ],
)
def test_the_limit_follows_the_optimizer(page, server_url, optimizer, limit, words) -> None:
    open_explorer(page, server_url)
    page.select_option("[data-testid=optimizer]", optimizer)
    s = limit_state(page)
    assert words in s["text"]
    assert s["mark"] == (pytest.approx(limit, rel=1e-12) if limit else None)
    if limit and optimizer != "newton":  # the limit is real: below it converges, above diverges
        for factor, ending in [(0.97, "converged"), (1.03, "diverged")]:
            assert descend(BOWL, (3, 1), optimizer, lr=limit * factor, steps=2000).stopped == ending


def test_the_limit_follows_the_point(page, server_url) -> None:
    open_explorer(page, f"{server_url}/?g=rosenbrock&p=-1.2,1")
    lam = max(np.linalg.eigvalsh(ROSENBROCK.hessian((-1.2, 1.0))))
    first = limit_state(page)["mark"]
    assert first == pytest.approx(2 / lam, rel=1e-9)
    page.locator("[data-testid=plot]").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(  # the sentence follows once the point rests
        "(v) => Number(document.querySelector('.gs-lr-limit').dataset.limit) !== v", arg=first
    )
    point = [float(v) for v in page.get_attribute("[data-testid=readout]", "data-point").split(",")]
    lam = max(np.linalg.eigvalsh(ROSENBROCK.hessian(point)))
    assert limit_state(page)["mark"] == pytest.approx(2 / lam, rel=1e-9)


# --- the other settings, the rule, the convention ------------------------------------------------


def test_settings_boxes_rule_and_convention_for_each_optimizer(page, server_url) -> None:
    open_explorer(page, server_url)
    info = page.evaluate("async () => (await import('/static/core/optimizers.js')).OPTIMIZERS")
    for o in info:
        page.select_option("[data-testid=optimizer]", o["name"])
        shown = page.evaluate(
            """() => [...document.querySelectorAll('.gs-hyper-box')]
                     .filter((b) => b.offsetParent !== null).map((b) => b.id.split('-').pop())"""
        )
        assert shown == [k for k in OPTIMIZERS[o["name"]].params if k != "lr"], o["name"]
        assert page.locator(".gs-update").text_content() == o["update"]
        page.locator(".gs-convention summary").click()
        assert page.locator("[data-testid=convention]").text_content() == o["convention"]
        assert page.locator("[data-testid=convention]").is_visible()
        page.locator(".gs-convention summary").click()
    # the sentences name the same library calls as Python's (descent.py)
    names = re.compile(r"torch\.optim\.\w+|optax\.\w+|eps_in_sqrt|initial_accumulator_value")
    for o in info:
        want = set(names.findall(OPTIMIZERS[o["name"]].convention))
        assert set(names.findall(o["convention"])) == want and (want or o["name"] == "newton")


def test_a_changed_beta_runs_goes_into_the_link_and_reopens(page, server_url) -> None:
    open_explorer(page, server_url)
    page.select_option("[data-testid=optimizer]", "momentum")
    page.fill("[data-testid=lr]", "0.05")
    page.fill("[data-testid=hyper-beta]", "0.5")
    assert page.locator("[data-testid=using]").text_content() == "with β = 0.5"
    drop_ball_at_point(page)
    wait_runs_done(page, 1)
    want = descend(BOWL, (3.0, 1.0), "momentum", lr=0.05, beta=0.5, steps=2000)
    run = legend(page)[0]
    assert run["steps"] == want.steps and run["status"] == want.stopped
    np.testing.assert_allclose(run["final"], want.end, rtol=1e-12, atol=1e-15)
    page.wait_for_function("() => decodeURIComponent(location.search).includes('_beta=0.5')")
    link = unquote(page.url)
    assert "momentum_0.05_3_1_beta=0.5" in link
    # a bad value says why, and the last good one stays in use (and on screen)
    page.fill("[data-testid=hyper-beta]", "1.5")
    error = page.locator("[data-testid=hyper-error]")
    assert error.is_visible() and "β must be at least 0 and less than 1" in error.text_content()
    assert "last valid value is used" in error.text_content()
    assert page.get_attribute("[data-testid=hyper-beta]", "aria-invalid") == "true"
    assert page.locator("[data-testid=using]").text_content() == "with β = 0.5"
    # the link reopens the same run
    other = page.context.new_page()
    other.goto(page.url)
    other.wait_for_selector("[data-testid=plot][data-view]")
    wait_runs_done(other, 1)
    np.testing.assert_allclose(legend(other)[0]["final"], want.end, rtol=1e-12, atol=1e-15)
    other.close()


# --- Newton --------------------------------------------------------------------------------------


def test_newton_solves_the_bowl_in_one_step_and_refuses_a_saddle(page, server_url) -> None:
    open_explorer(page, server_url)
    page.select_option("[data-testid=optimizer]", "newton")
    assert page.input_value("[data-testid=lr]") == "1"
    assert page.locator(".gs-update").text_content() == "x ← x − lr·H⁻¹g"
    drop_ball_at_point(page)
    wait_runs_done(page, 1)
    run = legend(page)[0]
    assert run["status"] == "converged" and run["steps"] == 1
    np.testing.assert_allclose(run["final"], [0, 0], atol=1e-14)
    page.select_option("[data-testid=gallery]", "saddle")
    page.wait_for_function("() => document.querySelectorAll('.gs-run').length === 0")
    s = limit_state(page)
    assert "not positive definite" in s["text"] and s["mark"] is None
    drop_ball_at_point(page)
    wait_runs_done(page, 1)
    assert legend(page)[0]["status"] == "failed"


# --- screenshots ---------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(1440, 900), (1024, 700)])
def test_screenshots_of_the_optimizer_panel(browser, server_url, screenshots, size) -> None:
    pg = browser.new_page(viewport={"width": size[0], "height": size[1]})
    pg.goto(f"{server_url}/?g=rosenbrock")
    pg.wait_for_selector("[data-testid=plot][data-view]")
    pg.select_option("[data-testid=optimizer]", "adam")
    pg.click("[data-testid=compare]")
    wait_runs_done(pg, len(OPTIMIZERS))
    chart = pg.locator(".gs-loss-canvas")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    pg.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] / 2)
    pg.screenshot(path=screenshots / f"optim-panel-{size[0]}x{size[1]}.png", full_page=True)
    pg.locator(".gs-runs").screenshot(path=screenshots / f"optim-panel-only-{size[0]}.png")
    pg.close()
