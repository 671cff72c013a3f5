"""A live `gradscape serve` on 127.0.0.1 for the tests that need real sockets and signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class Live:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def start_server(log: Path, *args: str, port: int = 0) -> Live:
    """`gradscape serve` in a process group of its own; returns once it answers /healthz."""
    import urllib.request

    with log.open("wb") as err:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gradscape.cli",
                "serve",
                "--no-browser",
                "--port",
                str(port),
                *args,
            ],
            stdout=subprocess.PIPE,
            stderr=err,
            start_new_session=True,
        )
    assert proc.stdout is not None
    line = proc.stdout.readline().decode()
    assert "gradscape explorer at" in line, line + log.read_text()
    live = Live(proc, int(line.split()[3].rstrip("/").rsplit(":", 1)[1]), log)
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{live.url}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return live
        except OSError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            live.stop()
            raise AssertionError("the server did not start:\n" + log.read_text())
        time.sleep(0.1)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    live = start_server(tmp_path_factory.mktemp("live") / "server.log", "--header-timeout", "2")
    yield live
    live.stop()


@pytest.fixture
def serve_process() -> Iterator[object]:
    """`serve_process(log, *args, port=0)` starts a server this test owns (stopped after it)."""
    started: list[Live] = []

    def start(log: Path, *args: str, port: int = 0) -> Live:
        started.append(start_server(log, *args, port=port))
        return started[-1]

    yield start
    for live in started:
        live.stop()
