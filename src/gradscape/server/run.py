"""Running the server: `gradscape serve` and its options, the port, the timeouts, the logs."""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import logging
import socket
import sys
import threading
import webbrowser
from typing import Any

HEADER_SECONDS = 10.0  # a request's headers must arrive within this of its first byte
KEEP_ALIVE_SECONDS = 5.0  # an idle kept-alive connection is closed after this
MAX_CONNECTIONS = 1000  # open at once; beyond it uvicorn answers 503
MAX_HEADER_BYTES = 16 * 1024  # h11's limit on a request's headers (431 beyond it)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `serve` command's options for a class (the CLI adds --host, --port, --no-browser)."""
    from .cache import CACHE_BYTES
    from .pool import COMPILE_SECONDS, QUEUE_SIZE, WORKER_MEMORY_MB

    parser.add_argument(
        "--workers",
        type=_positive(int),
        default=None,
        help="compile worker processes (default: one per core, at least 2)",
    )
    parser.add_argument(
        "--back-workers",
        type=_positive(int),
        default=None,
        metavar="N",
        help="workers of the back lane, for slow formulas and heavy clients (default: "
        "--workers minus 1, at least 1)",
    )
    parser.add_argument(
        "--compile-seconds",
        type=_positive(float),
        default=COMPILE_SECONDS,
        metavar="S",
        help=f"refuse a formula whose compile takes longer (default {COMPILE_SECONDS:g})",
    )
    parser.add_argument(
        "--worker-memory",
        type=_positive(int),
        default=WORKER_MEMORY_MB,
        metavar="MB",
        help=f"address space per worker (default {WORKER_MEMORY_MB})",
    )
    parser.add_argument(
        "--queue",
        type=_positive(int),
        default=QUEUE_SIZE,
        metavar="N",
        help=f"compiles waiting before new ones get 503 (default {QUEUE_SIZE})",
    )
    parser.add_argument(
        "--cache-mb",
        type=_positive(int),
        default=CACHE_BYTES // 2**20,
        metavar="MB",
        help=f"compiled formulas kept (default {CACHE_BYTES // 2**20} MB)",
    )
    parser.add_argument(
        "--cors-origin",
        default=None,
        metavar="ORIGIN",
        help="let pages from ORIGIN (e.g. https://course.example) call the API (default: none)",
    )
    parser.add_argument(
        "--header-timeout",
        type=_positive(float),
        default=HEADER_SECONDS,
        metavar="S",
        help=f"close a connection whose request headers take longer (default {HEADER_SECONDS:g})",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no access log (one line per request by default)"
    )


def _positive(kind: type) -> Any:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be over 0: {text!r}")
        return value

    return parse


def options(ns: argparse.Namespace) -> dict[str, Any]:
    """`serve`'s keyword arguments from parsed options (missing ones keep their defaults)."""
    names = (
        "workers",
        "back_workers",
        "compile_seconds",
        "worker_memory",
        "queue",
        "cache_mb",
        "cors_origin",
        "header_timeout",
    )
    found = {n: getattr(ns, n) for n in names if hasattr(ns, n)}
    if hasattr(ns, "quiet"):
        found["access_log"] = not ns.quiet
    return found


# ---------------------------------------------------------------------------------------------
# Addresses


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_everywhere(host: str) -> bool:
    return host in ("", "0.0.0.0", "::", "[::]")


def free_port(host: str, preferred: int) -> int:
    """`preferred` if it is free, else any free port."""
    for port in (preferred, 0):
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
            try:
                s.bind((host.strip("[]"), port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise OSError(f"No free port on {host}")


# ---------------------------------------------------------------------------------------------
# A header timeout: uvicorn closes idle kept-alive connections, but not one that sent half a
# request and stopped (nor one that never sent a byte), so each such connection would be held
# forever. This protocol gives every request HEADER_SECONDS from its first byte (or from the
# connection, for the first request) to finish its headers.


def guarded_h11(header_seconds: float = HEADER_SECONDS) -> type:
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class GuardedH11(H11Protocol):
        _header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def _arm(self) -> None:
            if self._header_timer is None:
                self._header_timer = self.loop.call_later(header_seconds, self._too_slow)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _too_slow(self) -> None:
            self._header_timer = None
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self.transport.close()  # its headers never came

        def data_received(self, data: bytes) -> None:
            if self.conn.their_state is h11.IDLE:
                self._arm()
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE:
                self._disarm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

    return GuardedH11


# ---------------------------------------------------------------------------------------------
# Serving


def startup_notes(host: str, asked: int, taken: int) -> tuple[str, list[str]]:
    """The address to open, and the warnings to print on start-up."""
    shown = "localhost" if is_everywhere(host) else f"[{host}]" if ":" in host else host
    notes = []
    if asked and taken != asked:
        notes.append(f"Port {asked} was busy; using port {taken} instead")
    if is_everywhere(host):
        notes.append(
            f"Warning: bound to all interfaces ({host or '*'}): anyone who can reach this "
            f"machine on port {taken} can use the server (use --host 127.0.0.1 to keep it local)"
        )
    return f"http://{shown}:{taken}/", notes


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = True,
    *,
    workers: int | None = None,
    back_workers: int | None = None,
    compile_seconds: float | None = None,
    worker_memory: int | None = None,
    queue: int | None = None,
    cache_mb: int | None = None,
    cors_origin: str | None = None,
    header_timeout: float = HEADER_SECONDS,
    access_log: bool = True,
    slices: Any = None,
    open_path: str = "",
) -> None:
    """Serve the explorer until Ctrl-C or SIGTERM; `slices` (a server.slices.SliceRegistry) adds
    slices to show, `open_path` (e.g. "?id=...") is appended to the address opened and printed."""
    import uvicorn

    from .app import create_app
    from .cache import CACHE_BYTES
    from .middleware import LOOPBACK_NAMES
    from .pool import COMPILE_SECONDS, QUEUE_SIZE, WORKER_MEMORY_MB, CompilePool

    taken = free_port(host, port)
    url, notes = startup_notes(host, port, taken)
    url += open_path
    print(f"gradscape explorer at {url}  (Ctrl-C to stop)", flush=True)
    for note in notes:
        print(note, file=sys.stderr, flush=True)
    pool = CompilePool(
        workers,
        seconds=compile_seconds or COMPILE_SECONDS,
        memory_mb=worker_memory or WORKER_MEMORY_MB,
        queue=queue or QUEUE_SIZE,
        back=back_workers,
    )
    writer = None
    if access_log:
        from .middleware import LogWriter

        writer = LogWriter(sys.stderr)
        log = logging.getLogger("gradscape.access")
        log.addHandler(writer.handler())
        log.setLevel(logging.INFO)
        log.propagate = False
    app = create_app(
        pool,
        cache_bytes=cache_mb * 2**20 if cache_mb else CACHE_BYTES,
        allowed_hosts=[*LOOPBACK_NAMES, host] if is_loopback(host) else None,
        cors_origin=cors_origin,
        access_log=access_log,
        slices=slices,
    )
    if open_browser:
        threading.Timer(0.8, webbrowser.open, (url,)).start()
    try:
        uvicorn.run(
            app,
            host=host,
            port=taken,
            log_level="warning",
            access_log=False,
            http=guarded_h11(header_timeout),
            timeout_keep_alive=int(KEEP_ALIVE_SECONDS),
            timeout_graceful_shutdown=1,
            limit_concurrency=MAX_CONNECTIONS,
            h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        )
    finally:
        if writer is not None:
            writer.close(0.5)
