"""`gradscape serve` (and `gradscape` alone): the explorer's local server."""

from __future__ import annotations

import argparse
from typing import Any

from .. import server  # its own imports (Starlette, the pool) are paid for only when it runs


def add_commands(sub: Any) -> None:
    s = sub.add_parser("serve", help="start the explorer's local server")
    s.add_argument("--port", type=_port, default=8000, help="port (a free one if taken; 0: any)")
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    s.add_argument("--no-browser", action="store_true", help="do not open a browser")
    server.add_arguments(s)
    s.set_defaults(run=run)


def run(ns: argparse.Namespace) -> int:
    server.serve(
        host=getattr(ns, "host", "127.0.0.1"),
        port=getattr(ns, "port", 8000),
        open_browser=not getattr(ns, "no_browser", False),
        **server.options(ns),
    )
    return 0


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"a port is a whole number from 0 to 65535, not {text!r}")
    return int(text)
