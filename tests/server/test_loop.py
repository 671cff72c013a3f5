"""The event loop under load: what the server answers from memory is answered in one go.

A request that awaits something not yet done waits for a turn of the event loop, behind every
other ready request; under load that turn is what makes a quick answer slow. So the answers
that need no worker (a cached compile, a static file, the page, the gallery, the lesson once
rendered) must be sent without giving up the loop: checked here by a callback scheduled before
the request, which must not have run when the answer is sent.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from gradscape.server.app import create_app
from gradscape.server.pool import CompilePool


def _state(app):
    while not hasattr(app, "state"):
        app = app.app
    return app.state


def _scope(method: str, path: str, body: bytes) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def _answer_without_a_turn(app, method: str, path: str, body: bytes = b"") -> list:
    """The (status, whether the loop had turned) of each message the app sends."""
    turned = False

    def turn() -> None:
        nonlocal turned
        turned = True

    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    sent = []

    async def send(message: dict) -> None:
        sent.append((message.get("status"), turned))

    asyncio.get_running_loop().call_soon(turn)
    await app(_scope(method, path, body), receive, send)
    return sent


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/compile", json.dumps({"formula": "x^2  +  y"}).encode()),
        ("GET", "/static/hosts/page.js", b""),
        ("GET", "/", b""),
        ("GET", "/api/gallery", b""),
        ("GET", "/lesson", b""),
    ],
)
def test_answers_from_memory_do_not_wait_for_a_turn_of_the_event_loop(method, path, body):
    async def main() -> list:
        app = create_app(CompilePool(1, back=1, job=lambda f, v, h: {"formula": f}))
        state = _state(app)
        state.cache.put(("x^2 + y", None, False), {"formula": "x^2 + y", "name": None})
        lesson = state.lesson
        lesson._page = asyncio.get_running_loop().create_future()
        lesson._page.set_result("<html>lesson</html>")  # as once rendered at start-up
        return await _answer_without_a_turn(app, method, path, body)

    # in a thread of its own: a test run elsewhere (Playwright's sync API) may leave an event
    # loop running in this one
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as thread:
        sent = thread.submit(asyncio.run, main()).result()
    assert sent[0][0] == 200
    assert not any(turned for _, turned in sent), sent
