"""The explorer's server as an ASGI app: the static front end, the lesson and a JSON API.

Compiling user text runs in a pool of worker processes (`pool.py`) behind a cache shared by all
(`cache.py`); a request waits for its compile without holding a thread, so the page, static
files, the lesson and cached formulas are answered while every worker is busy. The lesson is
rendered once, in a process of its own started with the server, not on the first request.
Every response carries a strict Content-Security-Policy (`middleware.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
from collections.abc import AsyncIterator
from importlib import resources
from multiprocessing.connection import Connection
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp

from .. import gallery
from .cache import CACHE_BYTES, Answer, ByteLRU, canonical, to_answer
from .middleware import AccessLog, HostCheck, SecurityHeaders
from .openapi import openapi
from .pool import RETRY_AFTER, Busy, CompilePool
from .slices import SliceRegistry, at_route, field_route, slice_route
from .static import MemoryStatic

MAX_BODY = 4096  # bytes in a compile request
# A client that sends this header with the value "200" gets a refused formula answered 200 with
# {"error", "column"} instead of 400: the explorer does (a browser logs every 4xx fetch as a console
# error, and a refusal while typing is an answer, not a failure). Bad requests stay 4xx.
REFUSAL_HEADER = "gradscape-refusal-status"
BODY_SECONDS = 10.0  # a compile request's body must arrive within this
FIELDS = ("formula", "variables", "hessian")

STATIC = resources.files("gradscape") / "static"


# ---------------------------------------------------------------------------------------------
# The lesson, rendered once in a process of its own


def _render_lesson(conn: Connection) -> None:
    from ..lesson import lesson_html

    try:
        conn.send(lesson_html())
    except Exception as err:  # reported to the server, which renders it there instead
        conn.send(err)


class Lesson:
    """The lesson page, rendered in a child process when the server starts (it takes seconds,
    mostly typesetting), so neither start-up nor the first visitor waits for it."""

    def __init__(self) -> None:
        self._page: asyncio.Future[str] | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self._closed = False

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._page = page = loop.create_future()
        ctx = multiprocessing.get_context("spawn")
        ours, theirs = ctx.Pipe(duplex=False)
        self._process = ctx.Process(target=_render_lesson, args=(theirs,), daemon=True)
        self._process.start()
        theirs.close()

        def done() -> None:
            loop.remove_reader(ours.fileno())
            try:
                html = ours.recv()
            except (EOFError, OSError) as err:
                html = err
            ours.close()
            if page.done():
                return
            if isinstance(html, str):
                page.set_result(html)
            elif self._closed:
                page.cancel()  # the server is stopping
            else:  # the child failed: render here, in a thread, once
                task = loop.create_task(asyncio.to_thread(_lesson_here))
                task.add_done_callback(lambda t: _settle(page, t))

        loop.add_reader(ours.fileno(), done)

    async def html(self) -> str:
        if self._page is None:
            self.start()
        assert self._page is not None
        return await asyncio.shield(self._page)

    def close(self) -> None:
        self._closed = True
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join(1)


def _settle(page: asyncio.Future[str], task: asyncio.Task[str]) -> None:
    if page.done():
        return
    if task.cancelled():
        page.cancel()
    elif task.exception() is not None:
        page.set_exception(task.exception())  # type: ignore[arg-type]
    else:
        page.set_result(task.result())


def _lesson_here() -> str:
    from ..lesson import lesson_html

    return lesson_html()


# ---------------------------------------------------------------------------------------------
# Routes


async def compile_route(request: Request) -> Response:
    declared = request.headers.get("content-length", "")
    too_big = declared.isdigit() and int(declared) > MAX_BODY
    try:
        # a timeout scope, not wait_for: wait_for runs the read in a task of its own, and the
        # request would then wait for a turn of the event loop behind every other request
        async with asyncio.timeout(BODY_SECONDS):
            body = b"" if too_big else await _read(request)
    except TimeoutError:
        return _error(f"The request body did not arrive within {BODY_SECONDS:g} s", 408)
    if too_big or len(body) > MAX_BODY:
        return _error(
            f"The request is over {MAX_BODY} bytes; formulas are at most 500 characters", 413
        )
    parsed = parse_request(body)
    if isinstance(parsed, str):
        return _error(parsed)
    formula, variables, hessian = parsed
    soft = request.headers.get(REFUSAL_HEADER) == "200"
    state = request.app.state
    cache: ByteLRU = state.cache
    key = canonical(formula, variables, hessian)
    exact = ("exact", formula, key[1], hessian)  # a refusal's column belongs to the text typed
    hit = cache.get(key) or cache.get(exact)
    if hit is not None:
        request.scope.setdefault("gradscape", {})["cached"] = True
        return _answer(hit, formula, soft)
    client = request.client.host if request.client else "unknown"
    pool: CompilePool = state.pool
    try:
        result = await pool.compile(key, (formula, variables, hessian), client)
    except Busy as busy:
        return _error(busy.message, busy.status, retry=True)
    if result.get("crashed"):
        return _error(result["error"], 503, retry=True)
    if result.get("transient"):  # not kept: a later ask gets a fresh try
        fresh = {k: v for k, v in result.items() if k != "transient"}
        return _answer(to_answer(fresh), formula, soft)
    return _answer(cache.put(exact if "error" in result else key, result), formula, soft)


def parse_request(body: bytes) -> tuple[str, list[str] | None, bool] | str:
    """A compile request's (formula, variables, hessian), or a one-line message saying what to
    send. Strict: one JSON object, no NaN or Infinity, no keys but FIELDS, each of its type."""
    example = '{"formula": "w1^2 + 3w2^2"}'
    try:
        data = json.loads(body, parse_constant=_no_constant)
    except _Constant as const:
        return f"{const} is not JSON; send numbers as text inside the formula, e.g. {example}"
    except (ValueError, RecursionError):
        return f"Send JSON such as {example}"
    if not isinstance(data, dict):
        return f"Send one JSON object, such as {example}"
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        return f'Unknown field "{unknown[0]}"; a compile request has {", ".join(FIELDS)}'
    formula = data.get("formula")
    if not isinstance(formula, str):
        return f'Send JSON with a "formula" string, e.g. {example}'
    variables = data.get("variables")
    if variables is not None and not (
        isinstance(variables, list) and all(isinstance(v, str) for v in variables)
    ):
        return '"variables" must be a list of names, e.g. ["w1", "w2"]'
    hessian = data.get("hessian", False)
    if not isinstance(hessian, bool):
        return '"hessian" must be true or false'
    return formula, variables, hessian


class _Constant(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _Constant(name)


def _answer(answer: Answer, formula: str, soft: bool = False) -> Response:
    body = answer.body
    status = 200 if soft and answer.status == 400 else answer.status
    if answer.formula is not None and answer.formula != formula:  # a twin typed with other spaces
        body = json.dumps({**json.loads(body), "formula": formula}, separators=(",", ":")).encode()
    return Response(body, status_code=status, media_type="application/json")


async def gallery_route(request: Request) -> Response:
    return _json(gallery.listing())


async def lesson_route(request: Request) -> Response:
    lesson: Lesson = request.app.state.lesson
    return HTMLResponse(await lesson.html())


async def index_route(request: Request) -> Response:
    return HTMLResponse(request.app.state.index)


async def healthz_route(request: Request) -> Response:
    state = request.app.state
    cache: ByteLRU = state.cache
    return _json(
        {
            "status": "ok",
            "pool": state.pool.stats(),
            "cache": {"entries": len(cache), "bytes": cache.bytes, "budget": cache.budget},
        }
    )


async def openapi_route(request: Request) -> Response:
    return _json(openapi())


async def _read(request: Request) -> bytes:
    """The body, but no more than MAX_BODY + 1 bytes of it (the rest is not read into memory)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BODY:
            break
    return b"".join(chunks)


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(data, allow_nan=False, separators=(",", ":")),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def _error(message: str, status: int = 400, retry: bool = False) -> Response:
    headers = {"Retry-After": str(RETRY_AFTER)} if retry else None
    return _json({"error": message, "column": None}, status, headers)


def create_app(
    pool: CompilePool | None = None,
    *,
    cache_bytes: int = CACHE_BYTES,
    allowed_hosts: list[str] | None = None,
    cors_origin: str | None = None,
    access_log: bool = False,
    slices: SliceRegistry | None = None,
) -> ASGIApp:
    """The whole server as one ASGI app.

    `pool` compiles (default: one worker per core); `allowed_hosts`, when given, is the only
    Host names answered (anything else gets 421: the defence against DNS rebinding when bound
    to loopback); `cors_origin` is the one other origin whose pages may call the API (default:
    none); `access_log` logs one line per request to the "gradscape.access" logger.
    """
    pool = pool or CompilePool()
    lesson = Lesson()
    routes = [
        Route("/", index_route),
        Route("/lesson", lesson_route),
        Route("/healthz", healthz_route),
        Route("/openapi.json", openapi_route),
        Route("/api/compile", compile_route, methods=["POST"]),
        Route("/api/gallery", gallery_route),
        Route("/api/slice", slice_route),
        Route("/api/slice/field", field_route, methods=["POST"]),
        Route("/api/slice/at", at_route, methods=["POST"]),
        Mount("/static", MemoryStatic(str(STATIC)), name="static"),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        pool.start()
        lesson.start()
        try:
            yield
        finally:
            pool.close()
            lesson.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.pool = pool
    app.state.cache = ByteLRU(cache_bytes)
    app.state.lesson = lesson
    app.state.slices = slices if slices is not None else SliceRegistry()
    app.state.index = (STATIC / "hosts" / "index.html").read_text(encoding="utf-8")
    outer: ASGIApp = app
    if cors_origin:
        from starlette.middleware.cors import CORSMiddleware

        outer = CORSMiddleware(
            outer,
            allow_origins=[cors_origin],
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", REFUSAL_HEADER],
        )
    outer = SecurityHeaders(outer)
    if allowed_hosts:
        outer = HostCheck(outer, allowed_hosts)
    if access_log:
        outer = AccessLog(outer)
    return outer
