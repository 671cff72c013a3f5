"""The explorer's server, for one person or a whole class (see README, "Serving a class").

    app.py         the ASGI app: routes, strict JSON, the lesson rendered at start-up
    pool.py        compiling in worker processes, two lanes: deadline, memory cap, fair queue
    cache.py       answers by canonical form, LRU within a byte budget, shared by all workers
    static.py      the front end's files, from memory, on the event loop
    middleware.py  security headers, Server-Timing, the Host check, the access log (a thread)
    openapi.py     the description served at /openapi.json
    run.py         `gradscape serve`: options, port, header timeout, uvicorn

Names are imported on first use, so `gradscape --help` does not pay for Starlette.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import MAX_BODY, create_app
    from .middleware import CSP
    from .pool import COMPILE_SECONDS, CompilePool
    from .run import add_arguments, free_port, options, serve

_WHERE = {
    "MAX_BODY": "app",
    "create_app": "app",
    "CSP": "middleware",
    "COMPILE_SECONDS": "pool",
    "CompilePool": "pool",
    "add_arguments": "run",
    "free_port": "run",
    "options": "run",
    "serve": "run",
}

__all__ = [
    "COMPILE_SECONDS",
    "CSP",
    "MAX_BODY",
    "CompilePool",
    "add_arguments",
    "create_app",
    "free_port",
    "options",
    "serve",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'gradscape.server' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{_WHERE[name]}", __name__), name)
