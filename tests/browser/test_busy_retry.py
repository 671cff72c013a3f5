"""A busy server (503 or 429 with Retry-After) is asked again, and the learner is told so."""

from __future__ import annotations

import json
import re
import time


def test_a_503_is_retried_after_retry_after_with_a_notice_then_the_surface_loads(
    page, server_url, console, screenshots
):
    page.goto(server_url)
    page.wait_for_selector("[data-testid=plot][data-view]")
    answered = []

    def busy_once(route) -> None:
        answered.append(time.monotonic())
        if len(answered) == 1:
            route.fulfill(
                status=503,
                headers={"Retry-After": "1", "Content-Type": "application/json"},
                body=json.dumps({"error": "The server is busy", "column": None}),
            )
        else:
            route.continue_()

    page.route("**/api/compile", busy_once)
    page.get_by_test_id("formula").fill("sin(x) cos(y)")
    notice = page.get_by_test_id("formula-error")
    notice.wait_for(state="visible")
    assert re.search(r"server is busy, retrying in 1 s", notice.inner_text())
    assert page.get_by_test_id("formula").get_attribute("aria-invalid") is None  # not an error
    assert page.locator(".gs-formulabox.gs-notice").count() == 1  # shown as a notice, not red
    page.screenshot(path=str(screenshots / "load-busy-retrying.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(screenshots / "load-busy-retrying-phone.png"))
    page.wait_for_url(re.compile(r"sin"), timeout=15_000)  # the retry's surface is shown
    notice.wait_for(state="hidden")
    assert len(answered) == 2 and answered[1] - answered[0] >= 0.9
    # Chromium logs the 503 itself; nothing else may have gone wrong
    assert [e for e in console.errors if "503" not in e] == []


def test_a_server_busy_every_time_ends_in_a_message_not_an_endless_wait(page, server_url, console):
    page.goto(server_url)
    page.wait_for_selector("[data-testid=plot][data-view]")
    tries = []

    def always_busy(route) -> None:
        tries.append(1)
        route.fulfill(
            status=429,
            headers={"Retry-After": "0", "Content-Type": "application/json"},
            body=json.dumps({"error": "You have 4 formulas waiting already", "column": None}),
        )

    page.route("**/api/compile", always_busy)
    page.get_by_test_id("formula").fill("x^4 + y^4")
    error = page.get_by_test_id("formula-error")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=formula-error]').textContent"
        ".includes('try again in a minute')",
        timeout=15_000,
    )
    assert "try again in a minute" in error.inner_text()
    assert page.locator(".gs-formulabox.gs-notice").count() == 0  # now it is an error
    assert len(tries) == 5  # the first try and four retries
    assert [e for e in console.errors if "429" not in e] == []
