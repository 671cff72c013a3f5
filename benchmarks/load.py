"""A class on one server: 200 simulated students for a minute, with and without 10 attackers.

Starts `gradscape serve` on 127.0.0.1 (loopback only; a fresh server for each run), then:
- 200 students, each from its own loopback address (127.0.0.2 ...: the server's fairness sees
  the peer address, so they are as distinct as on a real network), each acting about once a
  second: the page, the lesson, static files, the gallery, and compiles (gallery formulas,
  which the cache answers; formulas of their own; typos, which get 400; and hostile
  formulas, the slow ones below: 5% of the compiles);
- in the second run, 10 attackers (127.0.1.x) sending the slowest accepted formulas known,
  back to back, each made distinct so no cache can help, which run into the time limit.
Prints requests/s, p50 and p99 per kind (p99 as the client saw it and as the server's
Server-Timing header says, from the request's arrival to its answer), 5xx and failed requests,
for both runs side by side, the CPU each part used, and then the server's memory (RSS) over
`--distinct` distinct formulas.

The simulated class (the load generator) runs in a process of its own, at nice
`--generator-nice` (default 10) and, with `--generator-cpu N`, pinned to core N, so that it
takes the CPU from the server as little as it can; its own CPU use is printed. On a machine
shared with other work, the client-side figures include the generator's waits for a core: the
server-side column is the server's part.

Goal (issue 11): with the attackers, zero 5xx and zero failed normal requests, normal compile
p99 under 250 ms, cached compile p99 under 50 ms; server memory flat over 10,000 formulas.

    python benchmarks/load.py [--seconds 60] [--students 200] [--attackers 10] [--distinct 10000]
        [--generator-nice 10] [--generator-cpu N] [--profile FILE] [-- more serve options]
"""

# ruff: noqa: E501

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import multiprocessing.connection
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
        self.server_ms = float("nan")  # the answer's Server-Timing, if any

    async def request(self, method: str, path: str, body: bytes = b"") -> int:
        """The status, after reading the whole answer; reconnects when the server closed."""
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        for attempt in (0, 1):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(
                    "127.0.0.1", self.port, local_addr=(self.source, 0)
                )
            assert self.reader is not None
            try:
                self.writer.write(head)
                headers = await self.reader.readuntil(b"\r\n\r\n")
                lines = headers.decode("latin-1").lower().split("\r\n")
                length, close, self.server_ms = 0, False, float("nan")
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name == "content-length":
                        length = int(value)
                    elif name == "connection":
                        close = "close" in value
                    elif name == "server-timing" and "dur=" in value:
                        self.server_ms = float(value.split("dur=")[1].split(";")[0])
                self.last_body = await self.reader.readexactly(length)
                if close:
                    self.close()
                return int(lines[0].split()[1])
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
        self.server: dict[str, list[float]] = defaultdict(list)  # Server-Timing, ms
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
        except (asyncio.LimitOverrunError, ValueError, IndexError) as e:
            # an answer that does not parse as HTTP/1.1 (it would desynchronise the connection):
            # a failure, with what was read, and a fresh connection for the next request
            self.samples[kind].add(f"unreadable answer to {method} {path}: {e}"[:200])
            client.close()
            status = None
        self.times[kind].append((time.perf_counter() - start) * 1e3)
        if status is not None:
            self.server[kind].append(client.server_ms)
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


SERVER_SRC: str | None = None  # --server-src: run the server from this source tree instead


def start_server(
    extra: list[str], log: str | None = None, profile: str | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    """`gradscape serve` at normal priority, in a session of its own (so its workers can be
    found and stopped with it); under cProfile when `profile` names an output file."""
    env = dict(os.environ)
    if SERVER_SRC:
        env["PYTHONPATH"] = SERVER_SRC
    proc = subprocess.Popen(
        [
            sys.executable,
            *(["-m", "cProfile", "-o", profile] if profile else []),
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
        env=env,
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
                pool = json.loads(client.last_body)["pool"]
                if pool["busy"] == 0:
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
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def session_cpu(sid: int) -> dict[int, tuple[str, float]]:
    """CPU seconds (user + system) of every process in session `sid` (the server, its fork
    server and workers): pid -> (role, seconds)."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2 :].split()
        if int(fields[3]) != sid:
            continue
        role = "server" if int(entry) == sid else "workers"
        found[int(entry)] = (role, (int(fields[11]) + int(fields[12])) / ticks)
    return found


def cpu_used(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]) -> dict:
    """CPU seconds per role between two `session_cpu` readings (a worker that ended in between
    is not counted: the workers' figure is a lower bound)."""
    used: dict[str, float] = defaultdict(float)
    for pid, (role, seconds) in after.items():
        used[role] += seconds - before.get(pid, (role, 0.0))[1]
    return dict(used)


def stop(proc: subprocess.Popen[bytes], profile: bool = False) -> None:
    if profile:  # SIGINT: cProfile writes its file on the way out (SIGTERM is re-raised)
        os.kill(proc.pid, 2)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, 15)
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait()


# ---------------------------------------------------------------------------------------------
# The load generator, in a process of its own


def generate(
    conn: multiprocessing.connection.Connection,
    port: int,
    students: int,
    attackers: int,
    seconds: float,
    seed: int,
    nice: int,
    cpu: int | None,
) -> None:
    """Runs in the generator's process: the class for `seconds`, then its tally and CPU use."""
    with contextlib.suppress(OSError):
        os.nice(nice)
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    tally = Tally()

    async def run() -> float:
        start = time.monotonic()
        until = start + seconds
        users = asyncio.gather(
            *(student(n, port, tally, until, seed) for n in range(students)),
            *(attacker(n, port, tally, until) for n in range(attackers)),
        )
        # requests still under way a moment after the end are not counted
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(users, seconds + 2)
        return time.monotonic() - start

    t0 = os.times()
    elapsed = asyncio.run(run())
    t1 = os.times()
    conn.send(
        {
            "times": dict(tally.times),
            "server": dict(tally.server),
            "failed": dict(tally.failed),
            "server_errors": dict(tally.server_errors),
            "samples": {k: sorted(v) for k, v in tally.samples.items()},
            "elapsed": elapsed,
            "cpu": (t1.user - t0.user) + (t1.system - t0.system),
        }
    )


async def one_run(args: argparse.Namespace, attackers: int, profile: str | None) -> dict:
    proc, port = start_server(args.server_args, args.server_log, profile)
    try:
        ready = await wait_ready(port)
        rss_before = rss_mb(proc.pid)
        cpu_before = session_cpu(proc.pid)
        load_before = os.getloadavg()[0]
        ctx = multiprocessing.get_context("spawn")
        ours, theirs = ctx.Pipe(duplex=False)
        gen = ctx.Process(
            target=generate,
            args=(
                theirs,
                port,
                args.students,
                attackers,
                args.seconds,
                args.seed,
                args.generator_nice,
                args.generator_cpu,
            ),
        )
        gen.start()
        theirs.close()
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(None, ours.recv)
        gen.join()
        result["cpu_server"] = cpu_used(cpu_before, session_cpu(proc.pid))
        result["ready"] = ready
        result["rss"] = (rss_before, rss_mb(proc.pid))
        result["load"] = (load_before, os.getloadavg()[0])
        return result
    finally:
        stop(proc, profile is not None)


async def memory_run(args: argparse.Namespace) -> tuple[list[tuple[int, float, float]], dict]:
    """Server RSS (and the workers') while compiling `args.distinct` distinct formulas (8
    clients at once), with the cache's budget `--memory-cache-mb`: the server's memory should
    grow while the cache fills, then stay flat."""
    extra = [*args.server_args, "--cache-mb", str(args.memory_cache_mb)]
    proc, port = start_server(extra)
    samples: list[tuple[int, float, float]] = []

    def workers_mb() -> float:
        sizes = [rss_mb(p) for p, (role, _) in session_cpu(proc.pid).items() if role != "server"]
        return sum(mb for mb in sizes if mb == mb)  # NaN: a worker gone meanwhile

    try:
        await wait_ready(port)
        samples.append((0, rss_mb(proc.pid), workers_mb()))
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
                    samples.append((done, rss_mb(proc.pid), workers_mb()))
            client.close()

        await asyncio.gather(*(one(k) for k in range(8)))
        client = Client(port, "127.0.0.1")
        await client.request("GET", "/healthz")
        health = json.loads(client.last_body)
        client.close()
    finally:
        stop(proc)
    return samples, health


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
NORMAL = [k for k in KINDS if k not in ("hostile", "attacker")]


def pct(values: list[float], q: float) -> float:
    values = sorted(v for v in values if v == v)  # NaN: no Server-Timing
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(q * len(values)))]


def report(runs: list[tuple[str, dict]]) -> None:
    width = 49
    print(f"{'':<16}" + "".join(f"{name:>{width}}" for name, _ in runs))
    print(
        f"{'kind':<16}"
        + "".join(
            f"{'n':>7}{'p50 ms':>9}{'p99 ms':>9}{'srv p99':>9}{'5xx':>6}{'failed':>9}" for _ in runs
        )
    )
    for kind in KINDS:
        row = f"{kind:<16}"
        for _, r in runs:
            t = r["times"].get(kind, [])
            srv = r["server"].get(kind, [])
            row += (
                f"{len(t):>7}{pct(t, 0.5):>9.1f}{pct(t, 0.99):>9.1f}{pct(srv, 0.99):>9.1f}"
                f"{r['server_errors'].get(kind, 0):>6}{r['failed'].get(kind, 0):>9}"
            )
        print(row)

    def cpu(r: dict) -> str:
        e = r["elapsed"]
        used = r["cpu_server"]
        return (
            f"server {used.get('server', 0) / e:.0%}, workers {used.get('workers', 0) / e:.0%}"
            f", generator {r['cpu'] / e:.0%}"
        )

    for label, get in [
        ("requests/s", lambda r: f"{sum(map(len, r['times'].values())) / r['elapsed']:.0f}"),
        ("normal 5xx", lambda r: str(sum(r["server_errors"].get(k, 0) for k in NORMAL))),
        ("normal failed", lambda r: str(sum(r["failed"].get(k, 0) for k in NORMAL))),
        ("CPU (of 1 core)", cpu),
        ("load average", lambda r: f"{r['load'][0]:.1f} -> {r['load'][1]:.1f}"),
        ("ready (s)", lambda r: f"{r['ready']:.1f}"),
        ("server RSS MB", lambda r: f"{r['rss'][0]:.0f} -> {r['rss'][1]:.0f}"),
    ]:
        print(f"{label:<16}" + "".join(f"{get(r):>{width}}" for _, r in runs))
    with_attackers = runs[-1][1]
    goals = [
        ("zero normal 5xx", sum(with_attackers["server_errors"].get(k, 0) for k in NORMAL) == 0),
        ("zero failed normal", sum(with_attackers["failed"].get(k, 0) for k in NORMAL) == 0),
        (
            "compile new p99 < 250 ms",
            pct(with_attackers["times"].get("compile new", []), 0.99) < 250,
        ),
        ("cached p99 < 50 ms", pct(with_attackers["times"].get("compile cached", []), 0.99) < 50),
    ]
    print(
        f"goals ({runs[-1][0]}, client side): "
        + ", ".join(f"{name} {'met' if ok else 'NOT met'}" for name, ok in goals)
    )


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=60.0, help="length of each run")
    p.add_argument("--students", type=int, default=200)
    p.add_argument("--attackers", type=int, default=10)
    p.add_argument(
        "--distinct", type=int, default=10_000, help="formulas in the memory run (0: skip)"
    )
    p.add_argument(
        "--memory-cache-mb",
        type=int,
        default=4,
        help="the cache's budget in the memory run (small, so that it fills; default 4)",
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--generator-nice", type=int, default=10, help="the load generator's nice")
    p.add_argument("--generator-cpu", type=int, default=None, help="pin the generator to a core")
    p.add_argument("--server-log", default=None, help="append the servers' stderr to this file")
    p.add_argument("--profile", default=None, help="cProfile the server into FILE-<run>.prof")
    p.add_argument("--no-attackers-run", action="store_true", help="only the run with attackers")
    p.add_argument("--memory-only", action="store_true", help="only the memory run")
    p.add_argument(
        "--server-src",
        default=None,
        metavar="DIR",
        help="run the server from this source tree (e.g. another checkout's src), to compare",
    )
    p.add_argument("server_args", nargs="*", help="more `gradscape serve` options, after --")
    args = p.parse_args()
    global SERVER_SRC
    SERVER_SRC = args.server_src
    print(
        f"load.py: {args.students} students, {args.seconds:g} s a run, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; generator at nice "
        f"{args.generator_nice}" + (f" on core {args.generator_cpu}" if args.generator_cpu else ""),
        flush=True,
    )
    runs = []
    plan = [("without attackers", 0), (f"with {args.attackers} attackers", args.attackers)]
    if args.memory_only:
        plan = []
    elif args.no_attackers_run:
        plan = plan[1:]
    for name, attackers in plan:
        profile = f"{args.profile}-{attackers}.prof" if args.profile else None
        result = await one_run(args, attackers, profile)
        runs.append((name, result))
        print(f"  ran {name}: {result['elapsed']:.0f} s", flush=True)
    if runs:
        report(runs)
    for name, r in runs:
        for kind, bodies in r["samples"].items():
            for body in bodies:
                print(f"  5xx {name}, {kind}: {body}")
    if args.distinct:
        samples, health = await memory_run(args)
        print(
            f"server RSS over {args.distinct} distinct formulas, cache budget "
            f"{args.memory_cache_mb} MB (formulas: server MB / workers MB): "
            + ", ".join(f"{n}: {mb:.0f}/{w:.0f}" for n, mb, w in samples)
        )
        half = [mb for n, mb, _ in samples if n >= args.distinct // 2]
        cache = health["cache"]
        print(
            f"  second half: server RSS {half[0]:.0f} -> {half[-1]:.0f} MB; the cache holds "
            f"{cache['entries']} answers in {cache['bytes'] / 2**20:.1f} MB; workers replaced "
            f"{health['pool']['replaced']}, recycled {health['pool'].get('recycled', 0)}"
        )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    asyncio.run(main())
