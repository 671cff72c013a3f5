"""Browser tests: a real gradscape server in a thread, driven in headless Debian Chromium.

Screenshots go to `screenshots/` at the repository root (named in the README); look at them.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from gradscape.server import CompilePool, create_app, free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    compiler = CompilePool()
    port = free_port("127.0.0.1", 0)
    config = uvicorn.Config(create_app(compiler), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("gradscape server did not start in 30 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    compiler.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: scripts/test installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (scripts/test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Console:
    """Collects console errors and uncaught page errors; tests assert it stays empty."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def attach(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _on_console(self, message) -> None:
        # A refused formula is answered with 400 by design; Chromium logs every 4xx fetch.
        refused = "/api/compile" in message.location.get("url", "") and "400" in message.text
        if message.type == "error" and not refused:
            self.errors.append(message.text)


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def page(browser, console):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    console.attach(pg)
    yield pg
    context.close()


def axe_violations(browser, url: str, viewport: tuple[int, int], ready: list[str]) -> list[dict]:
    """Serious and critical axe-core violations on a page, once every `ready` selector shows.

    axe-core's JS comes from the `axe-playwright-python` package (a test dependency that ships
    axe.min.js); it is injected as a script, which the page's CSP would rightly refuse, so this
    one context bypasses CSP.
    """
    import axe_playwright_python

    source = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]}, bypass_csp=True
    )
    try:
        page = context.new_page()
        page.goto(url)
        for selector in ready:
            page.wait_for_selector(selector)
        page.evaluate(source)
        return page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.map(n => n.target.join(' '))}))"""
        )
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # each run overwrites its own files
    return SCREENSHOTS
