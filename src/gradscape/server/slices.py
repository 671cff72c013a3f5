"""The slice routes: a model's loss on a plane of its weights, for the explorer's slice view.

    GET  /api/slice?m=mlp&d=random&s=0&span=1[&t=200]   the slice a link names (built on demand)
    GET  /api/slice?id=KEY                              a slice the server was started with
    POST /api/slice/field  {"id", "view": {"x", "y"}, "n"}   the field as NDJSON, a tile a line
    POST /api/slice/at     {"id", "point": [a, b]}           the exact readout at one point

The GET answer is `sliceview.slice_meta` plus ``id`` and, for the built-in models, ``browser``:
the page computes those itself (static/core/slice.js). A slice given to the server (`gradscape
slice --open`, a Dask ``--cluster`` slice) has ``remote: true``: its field comes from
/api/slice/field, tile by tile as they finish (the header line first: ``xs``, ``ys``,
``total``), and each hovered point's numbers from /api/slice/at. Slices built for links are kept
in a small LRU (`KEEP`); the ones the server was started with are kept for good.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from ..models.slices import Slice
from ..sliceview import SliceSpec, check_field, field_messages, point_readout, slice_meta

KEEP = 6  # slices built for links, kept (least recently used dropped first)
BODY_BYTES = 2048
STREAMS = 2  # fields computed at once (each a thread); more wait their turn
BUILDS = 1  # slices built (a model trained) at once for links; more wait their turn


@dataclass
class Entry:
    """One slice the server can show: its meta, and how its field is computed."""

    slice: Slice
    meta: dict[str, Any]
    remote: bool = False
    client: Any = None  # a Dask client, for a slice computed on a cluster
    span: float = 1.0
    spec: SliceSpec | None = None
    browser: dict[str, Any] | None = field(default=None, repr=False)
    computable: bool = True


class SliceRegistry:
    """The slices the server knows, by key: pinned ones (given at start) and built ones (LRU)."""

    def __init__(self, keep: int = KEEP) -> None:
        self.keep = keep
        self.pinned: dict[str, Entry] = {}
        self.built: OrderedDict[str, Entry] = OrderedDict()
        self.building: dict[str, asyncio.Future[Entry]] = {}
        self.streams: asyncio.Semaphore | None = None
        self.builds: asyncio.Semaphore | None = None

    def register(
        self,
        key: str,
        slice_: Slice,
        span: float,
        spec: SliceSpec | None = None,
        *,
        remote: bool = True,
        client: Any = None,
    ) -> Entry:
        entry = Entry(slice_, slice_meta(slice_, span, spec), remote, client, span, spec)
        self.pinned[key] = entry
        return entry

    def get(self, key: str) -> Entry | None:
        if key in self.pinned:
            return self.pinned[key]
        entry = self.built.get(key)
        if entry is not None:
            self.built.move_to_end(key)
        return entry

    async def for_spec(self, spec: SliceSpec) -> Entry:
        key = spec.key()
        found = self.get(key)
        if found is not None:
            return found
        if key not in self.building:
            loop = asyncio.get_running_loop()
            fut: asyncio.Future[Entry] = loop.create_future()
            self.building[key] = fut

            def done(task: asyncio.Task[Slice]) -> None:
                self.building.pop(key, None)
                if task.cancelled():
                    fut.cancel()
                elif task.exception() is not None:
                    fut.set_exception(task.exception())  # type: ignore[arg-type]
                else:
                    entry = Entry(task.result(), {}, remote=False, span=spec.span, spec=spec)
                    entry.meta = slice_meta(entry.slice, spec.span, spec)
                    self.built[key] = entry
                    while len(self.built) > self.keep:
                        self.built.popitem(last=False)
                    fut.set_result(entry)

            if self.builds is None:
                self.builds = asyncio.Semaphore(BUILDS)

            async def build() -> Slice:
                assert self.builds is not None
                async with self.builds:  # training is CPU-heavy: one build at a time
                    return await asyncio.to_thread(spec.build)

            task = loop.create_task(build())
            task.add_done_callback(done)
        entry = await asyncio.shield(self.building[key])
        if entry.span != spec.span:  # the same slice, another window: its own meta
            meta = slice_meta(entry.slice, spec.span, spec)
            return Entry(entry.slice, meta, entry.remote, entry.client, spec.span, spec)
        return entry


def registry(request: Request) -> SliceRegistry:
    reg: SliceRegistry = request.app.state.slices
    return reg


async def slice_route(request: Request) -> Response:
    reg = registry(request)
    q = request.query_params
    key = q.get("id")
    if key:
        entry = reg.get(key)
        if entry is None:
            return _error(
                "This server has no such slice (it was restarted?); open the link the "
                "command printed again, or name a built-in one: /?m=mlp&d=random",
                404,
            )
    else:
        try:
            spec = SliceSpec.parse(dict(q))
            entry = await reg.for_spec(spec)
        except ValueError as err:
            return _error(str(err).splitlines()[0])
        key = spec.key()
    body = {**entry.meta, "id": key, "remote": entry.remote}
    if not entry.remote:
        browser = await asyncio.to_thread(_browser, entry)
        if browser is None:
            body["remote"] = True  # no in-page engine: the server computes it
        else:
            body["browser"] = browser
    return _json(body)


def _browser(entry: Entry) -> dict[str, Any] | None:
    """The page's own copy of a built-in slice (static/core/slice.js computes it), or None."""
    from ..models.browser import slice_payload

    if entry.browser is None and entry.computable:
        spec = entry.spec
        try:
            entry.browser = slice_payload(
                entry.slice,
                entry.span,
                51,
                seed=spec.seed if spec is not None else None,
                name=spec.model if spec is not None and spec.model != "lesson" else None,
            )
        except ValueError:  # too big for the page (mlp-large on all digits), or not an MLP
            entry.computable = False
    return entry.browser


async def field_route(request: Request) -> Response:
    parsed = await _body(request)
    if isinstance(parsed, Response):
        return parsed
    entry, data = parsed
    try:
        x, y, n = check_field(data.get("view"), data.get("n"))
    except ValueError as err:
        return _error(str(err))
    reg = registry(request)
    if reg.streams is None:
        reg.streams = asyncio.Semaphore(STREAMS)
    return StreamingResponse(
        _stream(entry, x, y, n, reg.streams), media_type="application/x-ndjson"
    )


async def _stream(
    entry: Entry, x: tuple[float, float], y: tuple[float, float], n: int, gate: asyncio.Semaphore
) -> AsyncIterator[bytes]:
    """The field's messages, one JSON line each, computed in a thread; stops when the page goes
    (a new window asked for, the tab closed): the thread notices between tiles."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Any] = asyncio.Queue()
    stop = threading.Event()
    end = object()

    def work() -> None:
        messages = field_messages(entry.slice, x, y, n, client=entry.client)
        try:
            for msg in messages:
                if stop.is_set():
                    break
                loop.call_soon_threadsafe(queue.put_nowait, msg)
        except Exception as err:  # reported in the stream; the page says it
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            loop.call_soon_threadsafe(queue.put_nowait, {"error": first})
        finally:
            messages.close()  # cancels a cluster's tiles still in flight
            loop.call_soon_threadsafe(queue.put_nowait, end)

    async with gate:
        thread = threading.Thread(target=work, name="gradscape-slice-field", daemon=True)
        thread.start()
        try:
            while True:
                msg = await queue.get()
                if msg is end:
                    break
                yield (json.dumps(msg, allow_nan=False, separators=(",", ":")) + "\n").encode()
        finally:
            stop.set()


async def at_route(request: Request) -> Response:
    parsed = await _body(request)
    if isinstance(parsed, Response):
        return parsed
    entry, data = parsed
    try:
        answer = await asyncio.to_thread(point_readout, entry.slice, data.get("point"))
    except ValueError as err:
        return _error(str(err).splitlines()[0])
    return _json(answer)


async def _body(request: Request) -> tuple[Entry, dict[str, Any]] | Response:
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > BODY_BYTES:
            return _error(f"The request is over {BODY_BYTES} bytes", 413)
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return _error('Send a JSON object with the slice\'s "id" (from GET /api/slice)')
    entry = registry(request).get(data["id"])
    if entry is None:
        return _error("This server has no such slice; reload the page to build it again", 404)
    return entry, data


def _json(data: Any, status: int = 200) -> Response:
    return Response(
        json.dumps(data, allow_nan=False, separators=(",", ":")),
        status_code=status,
        media_type="application/json",
    )


def _error(message: str, status: int = 400) -> Response:
    return _json({"error": message, "column": None}, status)


__all__ = ["Entry", "SliceRegistry", "at_route", "field_route", "slice_route"]
