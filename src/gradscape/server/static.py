"""The front end's files, answered from memory on the event loop, without a thread.

Starlette's StaticFiles reads every file in a thread of a pool; under load each request then
costs two or three hand-offs between threads (and waits for the interpreter's lock), which
delays everything else the event loop is answering. These files are few and small: each is
read once, kept with its ETag, and read again only when its size or modification time has
changed (a `stat`, microseconds), so an edited file is served without a restart.
"""

from __future__ import annotations

import mimetypes
import os
import re
import stat
from email.utils import formatdate
from typing import NamedTuple

from starlette._utils import get_route_path
from starlette.types import Receive, Scope, Send

_SAFE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css"}


class _File(NamedTuple):
    version: tuple[int, int]  # (modification time in ns, size)
    body: bytes
    headers: list[tuple[bytes, bytes]]
    etag: bytes


class MemoryStatic:
    """An ASGI app serving the files under `root` (GET and HEAD; ETag and If-None-Match)."""

    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)
        self._files: dict[str, _File] = {}

    def find(self, path: str) -> _File | None:
        """The file at `path` (relative, '/'-separated), or None if there is none: no part of
        the path may be empty, start with a dot, or hold characters outside [A-Za-z0-9_.-]."""
        parts = path.split("/")
        if not all(_SAFE.fullmatch(p) for p in parts):
            return None
        full = os.path.join(self.root, *parts)
        try:
            info = os.stat(full)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        version = (info.st_mtime_ns, info.st_size)
        known = self._files.get(path)
        if known is not None and known.version == version:
            return known
        try:
            with open(full, "rb") as f:
                body = f.read()
        except OSError:
            return None
        etag = f'"{info.st_mtime_ns:x}-{info.st_size:x}"'.encode()
        kind = _TYPES.get(os.path.splitext(path)[1]) or mimetypes.guess_type(path)[0]
        kind = kind or "application/octet-stream"
        if kind.startswith("text/"):
            kind += "; charset=utf-8"
        headers = [
            (b"content-type", kind.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"etag", etag),
            (b"last-modified", formatdate(info.st_mtime, usegmt=True).encode()),
        ]
        found = _File(version, body, headers, etag)
        self._files[path] = found
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"]
        path = get_route_path(scope).lstrip("/")
        if method not in ("GET", "HEAD"):
            await _plain(send, 405, b"Method Not Allowed", [(b"allow", b"GET, HEAD")])
            return
        found = self.find(path)
        if found is None:
            await _plain(send, 404, b"Not Found")
            return
        match = next((v for k, v in scope["headers"] if k == b"if-none-match"), None)
        if match is not None and found.etag in [t.strip() for t in match.split(b",")]:
            headers = [h for h in found.headers if h[0] in (b"etag", b"last-modified")]
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": 200, "headers": list(found.headers)})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else found.body})


async def _plain(
    send: Send, status: int, text: bytes, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(text)).encode()),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": text})
