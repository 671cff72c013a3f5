"""The explorer's local server: the static front end and a JSON API that compiles formulas.

Compiling user text runs in a separate worker process with a time limit, so one pathological
formula cannot stall the server (the worker is replaced when it overruns). Results are cached,
so typing back and forth costs nothing. Every response carries a strict Content-Security-Policy:
the front end needs no inline scripts, no eval and no network but this server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import socket
import threading
import traceback
import webbrowser
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from importlib import resources
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import gallery
from .payload import error_payload, surface_payload

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors *"
)
COMPILE_SECONDS = 5.0  # a formula whose compile takes longer is refused
MAX_BODY = 4096  # bytes in a compile request
CACHE_SIZE = 256

STATIC = resources.files("gradscape") / "static"


# ---------------------------------------------------------------------------------------------
# Compiling in a worker with a time limit


def _compile_job(formula: str, variables: list[str] | None, hessian: bool) -> dict[str, Any]:
    """Runs in the worker: the payload, or {'error', 'column'}; it never raises."""
    try:
        return surface_payload(formula, variables, hessian)
    except (ValueError, RecursionError) as err:
        return error_payload(err)
    except Exception as err:  # a gradscape bug: say so plainly, and keep serving
        traceback.print_exc()
        return {
            "error": f"gradscape could not compile this formula (internal error: "
            f"{type(err).__name__}); please report it",
            "column": None,
        }


def _serve_jobs(conn: Connection, job: Callable[..., dict[str, Any]]) -> None:
    """The worker's loop: one job's arguments in, its result out, until the pipe closes."""
    while True:
        try:
            args = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(job(*args))


class Compiler:
    """One worker process that compiles formulas with a deadline, and an LRU cache in front.

    Formulas are compiled one at a time, so each deadline measures that formula's own work, not
    a queue behind a slow one. A formula that overruns is refused (not cached: a retry gets a
    fresh worker and a fresh clock) and its worker is killed. A worker that dies (killed from
    outside, out of memory) is noticed at once and replaced by the next request. `close` kills
    the worker without waiting for anything, so the server always shuts down.
    """

    def __init__(
        self, seconds: float = COMPILE_SECONDS, job: Callable[..., dict[str, Any]] | None = None
    ) -> None:
        self.seconds = seconds
        self._job = job or _compile_job
        self._ctx = multiprocessing.get_context("spawn")
        self._worker: BaseProcess | None = None
        self._conn: Connection | None = None
        self._run = threading.Lock()  # held while the worker compiles
        self._cache_lock = threading.Lock()
        self._cache: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()

    def _cached(self, key: tuple[Any, ...]) -> dict[str, Any] | None:
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        return None

    def _start(self) -> Connection:
        ours, theirs = self._ctx.Pipe()
        worker = self._ctx.Process(target=_serve_jobs, args=(theirs, self._job), daemon=True)
        worker.start()
        theirs.close()
        self._worker, self._conn = worker, ours
        return ours

    def compile(self, formula: str, variables: list[str] | None, hessian: bool) -> dict[str, Any]:
        key = (formula, None if variables is None else tuple(variables), hessian)
        result = self._cached(key)
        if result is not None:
            return result
        with self._run:
            result = self._cached(key)  # compiled meanwhile by the request ahead of this one
            if result is not None:
                return result
            alive = self._worker is not None and self._worker.is_alive()
            conn = self._conn if alive and self._conn is not None else self._start()
            try:
                conn.send((formula, variables, hessian))
                answered = conn.poll(self.seconds)
                result = conn.recv() if answered else None
            except (EOFError, OSError):  # the worker died under this formula
                answered, result = True, None
            if result is None:
                self.close()
                return {
                    "error": f"This formula took over {self.seconds:g} s to differentiate; "
                    "try a simpler one"
                    if not answered
                    else "The compiler stopped while working on this formula; try again",
                    "column": None,
                }
        with self._cache_lock:
            self._cache[key] = result
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return result

    def warm(self) -> None:
        """Start the worker and import SymPy in it now, so the first formula is quick."""
        self.compile("x", None, False)

    def close(self) -> None:
        """Kill the worker now (a compile under way gets an error); the next request starts one."""
        worker, conn = self._worker, self._conn
        self._worker = self._conn = None
        if worker is not None:
            worker.kill()
            worker.join(2)
        if conn is not None:
            conn.close()


# ---------------------------------------------------------------------------------------------
# Routes


async def compile_route(request: Request) -> Response:
    declared = request.headers.get("content-length", "")
    too_big = declared.isdigit() and int(declared) > MAX_BODY
    body = b"" if too_big else await _read(request)
    if too_big or len(body) > MAX_BODY:
        return _error(
            f"The request is over {MAX_BODY} bytes; formulas are at most 500 characters", 413
        )
    try:
        data = json.loads(body)
    except ValueError:
        return _error('Send JSON such as {"formula": "w1^2 + 3w2^2"}')
    formula = data.get("formula") if isinstance(data, dict) else None
    if not isinstance(formula, str):
        return _error('Send JSON with a "formula" string, e.g. {"formula": "w1^2 + 3w2^2"}')
    variables = data.get("variables")
    if variables is not None and not (
        isinstance(variables, list) and all(isinstance(v, str) for v in variables)
    ):
        return _error('"variables" must be a list of names, e.g. ["w1", "w2"]')
    hessian = data.get("hessian", False)
    if not isinstance(hessian, bool):
        return _error('"hessian" must be true or false')
    compiler: Compiler = request.app.state.compiler
    result = await asyncio.to_thread(compiler.compile, formula, variables, hessian)
    if "error" in result:
        return _json(result, 400)
    return _json(result)


async def gallery_route(request: Request) -> Response:
    return _json(gallery.listing())


async def lesson_route(request: Request) -> Response:
    from .lesson import lesson_html  # typesets its math once, on first use

    html = await asyncio.to_thread(lesson_html)
    return HTMLResponse(html)


async def index_route(request: Request) -> Response:
    return HTMLResponse((STATIC / "hosts" / "index.html").read_text(encoding="utf-8"))


async def _read(request: Request) -> bytes:
    """The body, but no more than MAX_BODY + 1 bytes of it (the rest is not read into memory)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BODY:
            break
    return b"".join(chunks)


def _json(data: Any, status: int = 200) -> Response:
    return Response(
        json.dumps(data, allow_nan=False, separators=(",", ":")),
        status_code=status,
        media_type="application/json",
    )


def _error(message: str, status: int = 400) -> Response:
    return _json({"error": message, "column": None}, status)


class SecurityHeaders:
    """Adds the CSP (and friends) to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                headers.append((b"content-security-policy", CSP.encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(compiler: Compiler | None = None) -> ASGIApp:
    compiler = compiler or Compiler()
    routes = [
        Route("/", index_route),
        Route("/lesson", lesson_route),
        Route("/api/compile", compile_route, methods=["POST"]),
        Route("/api/gallery", gallery_route),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        threading.Thread(target=compiler.warm, daemon=True).start()
        yield
        compiler.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.compiler = compiler
    return SecurityHeaders(app)


# ---------------------------------------------------------------------------------------------
# Running


def free_port(host: str, preferred: int) -> int:
    """`preferred` if it is free, else any free port."""
    for port in (preferred, 0):
        with socket.socket() as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise OSError(f"No free port on {host}")


def serve(host: str = "127.0.0.1", port: int = 8000, open_browser: bool = True) -> None:
    """Serve the explorer until Ctrl-C."""
    import uvicorn

    port = free_port(host, port)
    url = f"http://{host}:{port}/"
    print(f"gradscape explorer at {url}  (Ctrl-C to stop)", flush=True)
    if open_browser:
        threading.Timer(0.8, webbrowser.open, (url,)).start()
    uvicorn.run(create_app(), host=host, port=port, log_level="warning")
