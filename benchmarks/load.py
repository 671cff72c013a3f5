"""A class on one server: 200 simulated students for a minute, with and without 10 attackers.

Starts `gradscape serve` on 127.0.0.1 (loopback only; a fresh server for each run), then:
- 200 students, each from its own loopback address (127.0.0.2 ...: the server's fairness sees
  the peer address, so they are as distinct as on a real network), each acting about once a
  second: the page, the lesson, static files, the gallery, and compiles (gallery formulas,
  which the cache answers; formulas of their own; typos, which get 400; and hostile
  formulas, the slow ones below: 5% of the compiles);
- in the second run, 10 attackers (127.0.1.x) sending the slowest accepted formulas known,
  back to back, each made distinct so no cache can help, which run into the time limit.
Prints requests/s, p50 and p99 per kind, 5xx and failed requests, for both runs side by side,
and then the server's memory (RSS) over `--distinct` distinct formulas.

Goal (issue 11): with the attackers, zero 5xx and zero failed normal requests, normal compile
p99 under 250 ms, cached compile p99 under 50 ms; server memory flat over 10,000 formulas.

    python benchmarks/load.py [--seconds 60] [--students 200] [--attackers 10] [--distinct 10000]
"""

# ruff: noqa: E501

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import subprocess
import sys
import time
from collections import defaultdict

SLOW = [  # accepted formulas that take seconds in SymPy (found by random search; the first
    # three ran past 10 s, the others 2-8 s on a quiet machine)
    "(((y + y)*y*2*y*x*tanh(3)*(x*y*1*1)^2)/((((x + y + 0.5))^x + ((2 + 2))^1/3 + (y + 0.5 + x + x)*(y + y + 0.5 + y) + 1)))^2.5*((1)^2.5*y*y*y*(y)/(x)*1*y*tanh(y)*(0.5)^x + (((y + x))^5 + (sqrt(x) + x*1*2) + x + (y*3*0.5)/((0.5 + x + 3 + 1))) + (((x + 2 + x + 2))^3)^2.5)*((2*2*x*1*x*(x + y)*1*x*y*x + 2*y*(0.5)/(3)))^5",
    "tanh(((abs((x)^2) + y*1*(1 + x + y) + 2) + ((y + x + x)*(y + y + 1) + ((y + y + x))^x + 3 + (x + exp(y))) + (x)^3*((0.5)^2.5)^x*cos(sin(2))*exp(2)*sqrt(x)*exp(2)*exp(x) + y*(y*y*1 + (y)^y)*cos(2*y)*(3 + exp(0.5)))*(((2)/(y))^5*0.5*y*x*2*(x + x)*0.5*3*3*sin(x))^2*(1*(2 + 0.5 + 2 + x)*(y*x*2*1 + (y)/(1))*(2 + 2 + 0.5 + y)*0.5*2*0.5*0.5)^2.5)",
    "tanh((((x + 1 + x + y) + 3 + 3*x*x + (3 + x + y)))/(sqrt(log(x)))*(3)^y*(sqrt(sqrt(y)) + (abs(2))/((3 + 1 + 0.5)) + ((0.5)/(0.5) + (0.5 + 2 + y + 3) + (1 + 2)))*abs(exp(y))*x*y*y*(0.5 + 3 + y + x)*(y)/(x)*(x)^2.5*(0.5)^x*0.5*0.5*(x + 3 + 3 + y)*(2 + y)*x*((x + 1 + y + 3))^7*(y)^1/3*3*1*(y + (0.5*y + (y + y + 3 + y)))*exp((2 + (1 + 3 + x + 0.5) + 3))*(((y)^y)^2.5 + cos(1)*(3 + x + x + x)*(0.5 + 1 + 2) + ((x + x + 2 + 2))^1/3)*(((y + (2)/(x) + sin(y) + 3*0.5*2*3))^3)^y)",
    "(((2)^5)^2.5 + abs(((x + 1 + x) + (x + x) + 1*1*x))*(((0.5)^3 + (y + 3 + y + 1) + (y)^7 + (x)^2))/(((x + y + 1 + 1))^y)*(0.5 + (y)/(3) + (3 + x + x + x))*x*y*x*y*y*2*y*sin((1)/(3))*((3)/(y)*(y + y + 3) + ((1)^x + (2 + 1)) + (y)/(3)*(2)/(1)) + ((x + x*2) + 3)*0.5*(x*1*x*(3)^7*(x)/(1)*log(1))^2.5)",
    "((((y + x + y))^x*(sqrt(3))/(exp(x)) + (y + (x + 3 + y)*(2)^2.5*x*0.5*3*y*1 + ((x + 1 + x))^2) + (2 + 2 + y + y)*(y + x + x + y)*x))/(cos(abs((3*3*y*3)^x)))",
    "(exp((cos(x) + y*3*y)*(0.5*y*3)^x) + y + ((3 + 2 + 2) + 0.5*x*x*1 + x*0.5 + x*0.5*0.5*x)*log(0.5)*y*(x + y)*2*x*1*sin((1)^2)*x*(y*x*0.5*0.5 + x*y*2*x)*(abs(x) + (3)/(0.5))*(2 + 2 + x + 0.5)*(0.5)^5*(y + 1)*x*y*y*0.5*(((3 + 3))^2 + ((y)/(0.5))^y) + (((3*y*y + x) + (2)/((x + y)) + (3)^x + x))/((exp((y + 3 + y + y)) + ((y + x) + (1)/(0.5) + log(0.5)) + ((x)^y)^3)))",
    "((log(((cos(x) + (y)^x + (x)/(2)))/((y*x*1)^2.5)))^5 + sin((y*y*x*x*x*x)/(y*x*(y + y)))*y*1*0.5*y*(2*1*x*y + x + (x)/(2))*tanh(y)*abs(1)*log(x)*abs(3)*y*y*2*x*1*2*log(log((0.5)/(x)*(3)/(y)))*(((x + 0.5) + (1 + y) + y*x)*(y + 3 + 2 + 3)*(x)/(y)*1*(3)^1/3*((0.5 + y + x))^7*(tanh(x))^2.5 + abs(1) + x + 1) + (3)^3)",
    "x*y*(3*x)/((x + y + 3))*(3 + (0.5)^7 + ((y)^3 + y + (y)^x))*((x*y*y + (3)^7) + exp((2)^7) + y + sin((2)^1/3))*(0.5)/(((y + x + 3))^5)*(((1)^x + (x + x + x + y) + 3))^x*sqrt(((y + x))^x)*(sqrt(sqrt(3)))^2.5*(y)^3*x",
]

GALLERY_NAMES = ["bowl", "rosenbrock", "himmelblau", "saddle", "beale", "booth", "ackley"]
STATIC = [
    "hosts/page.css",
    "explorer/explorer.css",
    "hosts/page.js",
    "explorer/explorer.js",
    "core/evaluator.js",
    "core/contours.js",
]
TYPOS = ["x^2 + ", "sin(x", "x ** * y", "3x + foo(y)", "x^2 + y^2)", "(x + y", "x $ y", "2..5 x"]


def own_formula(rng: random.Random) -> str:
    """A formula a student might type: small, varied, mostly new to the cache."""
    a, b, c = rng.randint(1, 9), rng.randint(1, 9), rng.randint(1, 5)
    return rng.choice(
        [
            f"{a}x^2 + {b}y^2",
            f"(x - {a})^2 + (y + {b})^2 / {c}",
            f"sin({a}x) cos({b}y)",
            f"x^4 - {a}x^2 + {b}y^2",
            f"exp(-(x^2 + y^2) / {c}) + {a / 10}x",
            f"log(1 + x^2 + {b}y^2)",
            f"{a}x y + (x^2 + y^2)^2 / {c}",
            f"sqrt(x^2 + y^2 + {a})",
        ]
    )


# ---------------------------------------------------------------------------------------------
# A small keep-alive HTTP/1.1 client bound to a source address


class Client:
    def __init__(self, port: int, source: str) -> None:
        self.port, self.source = port, source
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.last_body = b""

    async def request(self, method: str, path: str, body: bytes = b"") -> int:
        """The status, after reading the whole answer; reconnects when the server closed."""
        for attempt in (0, 1):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(
                    "127.0.0.1", self.port, local_addr=(self.source, 0)
                )
            assert self.reader is not None
            head = (
                f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            )
            try:
                self.writer.write(head.encode() + body)
                await self.writer.drain()
                status_line = await self.reader.readline()
                if not status_line:
                    raise ConnectionResetError
                length, close = 0, False
                while (line := await self.reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                    elif name.lower() == "connection" and "close" in value.lower():
                        close = True
                self.last_body = await self.reader.readexactly(length)
                if close:
                    self.close()
                return int(status_line.split()[1])
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


# ---------------------------------------------------------------------------------------------
# The simulated class


class Tally:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)
        self.failed: dict[str, int] = defaultdict(int)
        self.server_errors: dict[str, int] = defaultdict(int)
        self.samples: dict[str, set[str]] = defaultdict(set)  # a few 5xx answers per kind

    async def timed(
        self,
        kind: str,
        client: Client,
        method: str,
        path: str,
        body: bytes,
        expect: tuple[int, ...],
    ) -> int | None:
        start = time.perf_counter()
        try:
            status: int | None = await asyncio.wait_for(client.request(method, path, body), 30)
        except (OSError, TimeoutError, asyncio.IncompleteReadError):
            client.close()
            status = None
        self.times[kind].append((time.perf_counter() - start) * 1e3)
        if status is None or status not in expect:
            self.failed[kind] += 1
        if status is not None and status >= 500:
            self.server_errors[kind] += 1
        if status is not None and status >= 500 and len(self.samples[kind]) < 3:
            self.samples[kind].add(client.last_body[:200].decode("utf-8", "replace"))
        return status


def compile_body(formula: str) -> bytes:
    return json.dumps({"formula": formula}).encode()


async def student(n: int, port: int, tally: Tally, until: float, seed: int) -> None:
    rng = random.Random(seed * 1000 + n)
    client = Client(port, f"127.0.{n // 250}.{n % 250 + 2}")
    await asyncio.sleep(rng.uniform(0, 1))
    try:
        while time.monotonic() < until:
            r = rng.random()
            if r < 0.05:
                await tally.timed("page", client, "GET", "/", b"", (200,))
            elif r < 0.08:
                await tally.timed("lesson", client, "GET", "/lesson", b"", (200,))
            elif r < 0.35:
                path = f"/static/{rng.choice(STATIC)}"
                await tally.timed("static", client, "GET", path, b"", (200,))
            elif r < 0.40:
                await tally.timed("gallery", client, "GET", "/api/gallery", b"", (200,))
            elif r < 0.65:
                body = compile_body(rng.choice(GALLERY_NAMES))
                await tally.timed("compile cached", client, "POST", "/api/compile", body, (200,))
            elif r < 0.89:
                body = compile_body(own_formula(rng))
                await tally.timed("compile new", client, "POST", "/api/compile", body, (200,))
            elif r < 0.97:
                body = compile_body(rng.choice(TYPOS))
                await tally.timed("compile typo", client, "POST", "/api/compile", body, (400,))
            else:  # a hostile formula from a student: refused or slow, never a failure
                body = compile_body(f"{rng.choice(SLOW)} + {rng.randint(1, 10**6)}")
                await tally.timed(
                    "hostile", client, "POST", "/api/compile", body, (200, 400, 429, 503)
                )
            await asyncio.sleep(rng.expovariate(1.0))  # about one action a second
    finally:
        client.close()


async def attacker(n: int, port: int, tally: Tally, until: float) -> None:
    client = Client(port, f"127.0.1.{n + 2}")
    i = 0
    try:
        while time.monotonic() < until:
            i += 1
            body = compile_body(f"{SLOW[(n + i) % len(SLOW)]} + {n * 10**6 + i}")
            status = await tally.timed(
                "attacker", client, "POST", "/api/compile", body, (200, 400, 429, 503)
            )
            if status in (429, 503):
                await asyncio.sleep(0.1)  # told to retry after a while: come back at once, nearly
    finally:
        client.close()


# ---------------------------------------------------------------------------------------------
# The server under test


def start_server(extra: list[str], log: str | None = None) -> tuple[subprocess.Popen[bytes], int]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gradscape.cli",
            "serve",
            "--no-browser",
            "--port",
            "0",
            "--host",
            "127.0.0.1",
            "--quiet",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=open(log, "ab") if log else subprocess.DEVNULL,  # noqa: SIM115
        start_new_session=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().decode()
    port = int(line.split()[3].rstrip("/").rsplit(":", 1)[1])
    return proc, port


async def wait_ready(port: int) -> float:
    """Seconds until /healthz and /lesson both answer (the lesson renders at start-up) and
    the gallery formulas are compiled (so "compile cached" is what the cache answers)."""
    start = time.monotonic()
    client = Client(port, "127.0.0.1")
    while True:
        try:
            if await client.request("GET", "/healthz") == 200:
                break
        except OSError:
            client.close()
        await asyncio.sleep(0.1)
    await client.request("GET", "/lesson")
    for name in GALLERY_NAMES:
        await client.request("POST", "/api/compile", compile_body(name))
    client.close()
    return time.monotonic() - start


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def stop(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, 15)
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait()


async def one_run(args: argparse.Namespace, attackers: int) -> tuple[Tally, float, dict]:
    proc, port = start_server(args.server_args, args.server_log)
    try:
        ready = await wait_ready(port)
        tally = Tally()
        start = time.monotonic()
        until = start + args.seconds
        rss_before = rss_mb(proc.pid)
        users = asyncio.gather(
            *(student(n, port, tally, until, args.seed) for n in range(args.students)),
            *(attacker(n, port, tally, until) for n in range(attackers)),
        )
        # requests still under way a moment after the end are not counted
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(users, args.seconds + 2)
        elapsed = time.monotonic() - start
        info = {"ready": ready, "elapsed": elapsed, "rss": (rss_before, rss_mb(proc.pid))}
        return tally, elapsed, info
    finally:
        stop(proc)


async def memory_run(args: argparse.Namespace) -> list[tuple[int, float]]:
    """Server RSS while compiling `args.distinct` distinct formulas (8 clients at once)."""
    proc, port = start_server(args.server_args)
    samples: list[tuple[int, float]] = []
    try:
        await wait_ready(port)
        samples.append((0, rss_mb(proc.pid)))
        counter = iter(range(args.distinct))
        done = 0

        async def one(k: int) -> None:
            nonlocal done
            client = Client(port, f"127.0.2.{k + 2}")
            for i in counter:
                a, b = divmod(i, 97)
                await client.request(
                    "POST",
                    "/api/compile",
                    compile_body(f"{a + 1}x^2 + {b + 1}y^2 + sin({i % 13 + 1}x y)"),
                )
                done += 1
                if done % 1000 == 0:
                    samples.append((done, rss_mb(proc.pid)))
            client.close()

        await asyncio.gather(*(one(k) for k in range(8)))
    finally:
        stop(proc)
    return samples


# ---------------------------------------------------------------------------------------------
# Report


KINDS = [
    "page",
    "lesson",
    "static",
    "gallery",
    "compile cached",
    "compile new",
    "compile typo",
    "hostile",
    "attacker",
]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def report(runs: list[tuple[str, Tally, float, dict]]) -> None:
    print(f"{'':<16}" + "".join(f"{name:>42}" for name, *_ in runs))
    print(
        f"{'kind':<16}"
        + "".join(f"{'n':>8}{'p50 ms':>9}{'p99 ms':>9}{'5xx':>7}{'failed':>9}" for _ in runs)
    )
    for kind in KINDS:
        row = f"{kind:<16}"
        for _, tally, _, _ in runs:
            t = tally.times.get(kind, [])
            row += (
                f"{len(t):>8}{pct(t, 0.5):>9.1f}{pct(t, 0.99):>9.1f}"
                f"{tally.server_errors.get(kind, 0):>7}{tally.failed.get(kind, 0):>9}"
            )
        print(row)
    for label, get in [
        ("requests/s", lambda t, e, i: f"{sum(map(len, t.times.values())) / e:.0f}"),
        (
            "normal 5xx",
            lambda t, e, i: str(
                sum(v for k, v in t.server_errors.items() if k not in ("hostile", "attacker"))
            ),
        ),
        (
            "normal failed",
            lambda t, e, i: str(
                sum(v for k, v in t.failed.items() if k not in ("hostile", "attacker"))
            ),
        ),
        ("ready (s)", lambda t, e, i: f"{i['ready']:.1f}"),
        ("server RSS MB", lambda t, e, i: f"{i['rss'][0]:.0f} -> {i['rss'][1]:.0f}"),
    ]:
        print(f"{label:<16}" + "".join(f"{get(t, e, i):>42}" for _, t, e, i in runs))


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=60.0, help="length of each run")
    p.add_argument("--students", type=int, default=200)
    p.add_argument("--attackers", type=int, default=10)
    p.add_argument(
        "--distinct", type=int, default=10_000, help="formulas in the memory run (0: skip)"
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--server-log", default=None, help="append the servers' stderr to this file")
    p.add_argument("--no-attackers-run", action="store_true", help="only the run with attackers")
    p.add_argument("server_args", nargs="*", help="more `gradscape serve` options, after --")
    args = p.parse_args()
    print(
        f"load.py: {args.students} students, {args.seconds:g} s a run, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        flush=True,
    )
    runs = []
    for name, attackers in [
        ("without attackers", 0),
        (f"with {args.attackers} attackers", args.attackers),
    ]:
        tally, elapsed, info = await one_run(args, attackers)
        runs.append((name, tally, elapsed, info))
        print(f"  ran {name}: {elapsed:.0f} s", flush=True)
    report(runs)
    for name, tally, _, _ in runs:
        for kind, bodies in tally.samples.items():
            for body in bodies:
                print(f"  5xx {name}, {kind}: {body}")
    if args.distinct:
        samples = await memory_run(args)
        print(
            f"server RSS over {args.distinct} distinct formulas (MB): "
            + ", ".join(f"{n}: {mb:.0f}" for n, mb in samples)
        )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    asyncio.run(main())
