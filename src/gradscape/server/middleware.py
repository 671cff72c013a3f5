"""HTTP hygiene around the app: security headers, the Host check and the access log."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors *"
)
_CSP = CSP.encode()
LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1"]

access = logging.getLogger("gradscape.access")


class SecurityHeaders:
    """Adds the CSP (and friends) to every response, and a Server-Timing header: how long the
    server took, in ms, from the request's arrival to the start of its answer (browsers' network
    panels show it; `benchmarks/load.py` reads it to tell the server's time from the client's)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # a new list: an app may send the same list for every answer (static.py does),
                # and appending to it in place would grow that answer's headers request by request
                headers = [*message.get("headers", [])]
                message = {**message, "headers": headers}
                headers.append((b"content-security-policy", _CSP))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                took = (time.perf_counter() - start) * 1000
                headers.append((b"server-timing", b"app;dur=%.1f" % took))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def host_name(header: str) -> str:
    """The name in a Host header, without its port: `[::1]:8000` -> `::1`."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class HostCheck:
    """Answers 421 to a request whose Host is not one of `names` (any port).

    A server on loopback is reachable from the browser of the machine it runs on; a page from
    elsewhere can point a name it controls at 127.0.0.1 (DNS rebinding) and then read this
    server's answers as its own. Its requests carry its own name as Host, so refusing every
    name but ours closes that door.
    """

    def __init__(self, app: ASGIApp, names: list[str]) -> None:
        self.app = app
        self.names = {n.lower().strip("[]") for n in names}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
            if host_name(host) not in self.names:
                body = json.dumps(
                    {
                        "error": f"This server answers only as {', '.join(sorted(self.names))}; "
                        "open it by that address",
                        "column": None,
                    }
                ).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 421,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


class AccessLog:
    """One line per request to the "gradscape.access" logger, for a teacher to read:

        14:05:09 192.168.1.23 POST /api/compile 200 12 ms
        14:05:10 192.168.1.40 POST /api/compile 200 0 ms cached

    (time, client address, method, path, status, milliseconds from the request's arrival to the
    end of its answer, and "cached" when the compile came from the cache).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.monotonic()
        status = 500  # if the app fails before answering, uvicorn answers 500

        async def send_logged(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        finally:
            client = scope.get("client") or ("-", 0)
            note = " cached" if scope.get("gradscape", {}).get("cached") else ""
            access.info(
                "%s %s %s %s %d %.0f ms%s",
                time.strftime("%H:%M:%S"),
                client[0],
                scope["method"],
                scope["path"],
                status,
                (time.monotonic() - start) * 1000,
                note,
            )


class LogWriter:
    """Writes the access log from a thread of its own, so the event loop never waits for
    standard error (a terminal paused, or a slow link to it, would stop every answer). Lines
    wait in a bounded queue; if it fills (nothing is reading), newer lines are dropped, and
    how many is said once the writing resumes."""

    def __init__(self, stream: Any, size: int = 10_000) -> None:
        import queue
        import threading

        self.stream = stream
        self.lines: queue.Queue[str | None] = queue.Queue(size)
        self.dropped = 0
        self._thread = threading.Thread(target=self._write, name="gradscape-log", daemon=True)
        self._thread.start()

    def handler(self) -> logging.Handler:
        writer = self

        class Enqueue(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                try:
                    writer.lines.put_nowait(self.format(record))
                except Exception:  # full: drop it, and count it
                    writer.dropped += 1

        handler = Enqueue()
        handler.setFormatter(logging.Formatter("%(message)s"))
        return handler

    def _write(self) -> None:
        while True:
            line = self.lines.get()
            if line is None:
                return
            if self.dropped:
                dropped, self.dropped = self.dropped, 0
                line = f"({dropped} log lines dropped: standard error was not being read)\n{line}"
            try:
                self.stream.write(line + "\n")
                if self.lines.empty():
                    self.stream.flush()
            except (OSError, ValueError):
                pass

    def close(self, wait: float = 1.0) -> None:
        """Write what is queued (for up to `wait` s), then stop."""
        import contextlib
        import queue

        with contextlib.suppress(queue.Full):
            self.lines.put(None, timeout=wait)
        self._thread.join(wait)
