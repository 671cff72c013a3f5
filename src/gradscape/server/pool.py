"""Compiling user formulas in a pool of worker processes, fairly, with a deadline and a memory cap.

The server's event loop never blocks on a compile: a request awaits a future that the pool
resolves when a worker answers (the loop watches each worker's pipe), so pages, static files,
the lesson and cached formulas are served while every worker is busy.

Limits (each documented in the README under "Serving a class"):
- `workers` processes (default: one per core, at least 2). Each runs one job at a time.
- a deadline per job (`seconds`, measured from when a worker takes the job, not from the queue):
  a worker that overruns is killed and a fresh one started, and the formula is refused.
- a memory cap per worker (`memory_mb`, RLIMIT_AS, the address space): a formula that needs more
  gets a refusal, and the worker is replaced.
- workers run at nice WORKER_NICE, so on a busy machine the server process (pages, static
  files, cached answers) gets the CPU before compiles do; the back lane's (below) at BACK_NICE,
  so its compiles take little of the CPU others want.
- a bounded queue (`queue` jobs, and `queue // 4` slow ones besides): when it is full, the
  newest waiting job of the client served most lately gives way (503 with Retry-After) to a
  client served less; if there is none, the newcomer gets the 503.
- fairness per client, where a client is the peer address of the connection: each client has at
  most `per_client` jobs running and `per_client_queue` waiting (beyond that: 429 with
  Retry-After); a free worker takes the waiting job of the client that has used the least worker
  time lately (a decaying sum, half-life HALF_LIFE seconds), so a burst from one student does
  not delay the others.
- two lanes, so that however many attackers there are the workers are left for everyone else.
  *Slow* jobs and the jobs of *heavy* clients (over HEAVY_SECONDS of worker time lately) run
  only in the back lane: `back` workers of their own (default `workers - 1`, at least 1) at
  nice BACK_NICE. A job is slow when its formula looks big (over LIGHT_TOKENS operators,
  names and numbers: SymPy's printing of the partials is what grows with size), when it took
  over SLOW_SECONDS before, or when it ran out of its light try: a job in the front lane gets
  LIGHT_SECONDS of CPU time (on Linux; elsewhere of the clock: on a busy machine a worker may
  get little of the CPU, which is not the formula's fault), and one that needs longer is
  stopped (its worker replaced) and queued again as slow, with the full deadline (of CPU time
  too, up to WALL_FACTOR times it by the clock: a job stopped by the clock before its CPU time
  is up gets 503, the machine was too busy, not the formula too slow). A slow job not started
  within QUEUE_SECONDS gets 503. So everyone else waits at most about LIGHT_SECONDS for a
  front worker.
- a job that waited over PRESSED_WAIT for a worker (the server is pressed) is compiled without
  SymPy's printing of the partials, nine tenths of a typical compile: a backlog drains about
  ten times faster, and its answers are not cached (the next ask prints them).
- a fast lane under pressure: while no front worker is idle and the last job one took had
  waited over PRESSED_WAIT, a formula that does not look heavy, from a client that is not
  heavy, is compiled in the server itself, without SymPy, as is such a job that has waited
  over PRESSED_WAIT in the queue (the program alone is built in time
  linear in the formula: a millisecond or two for anything under LIGHT_TOKENS), within
  INLINE_SHARE of the server's time.
- a worker is replaced after MAX_JOBS jobs, so whatever a worker's memory grows by (SymPy's
  caches, the allocator's fragmentation) is given back.
Identical jobs waiting or running at the same time are compiled once.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import multiprocessing
import os
import pickle
import re
import struct
import time
import traceback
import weakref
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from .. import printing
from ..payload import error_payload, surface_payload

COMPILE_SECONDS = 5.0  # a formula whose compile takes longer is refused
WORKER_MEMORY_MB = 1024  # address space per worker
WORKER_NICE = 5  # front-lane workers run at a lower CPU priority than the server process
BACK_NICE = 10  # back-lane workers: about a tenth of the CPU a nice-0 process gets beside them
LIGHT_TOKENS = 80  # a formula with more operators, names and numbers starts in the back lane
WALL_FACTOR = 2.0  # a job's deadline is of CPU time, but at most this times it by the clock
MAX_JOBS = 500  # jobs a worker runs before it is replaced by a fresh one
QUEUE_SIZE = 256  # compile jobs waiting, all clients together (a wait beats a refusal)
PER_CLIENT_QUEUE = 4  # compile jobs waiting, one client
QUEUE_SECONDS = 15.0  # a job not started by then is answered 503
HALF_LIFE = 60.0  # seconds for a client's recent worker time to halve
HEAVY_SECONDS = 0.5  # recent worker time that makes a client heavy
PRINT_SECONDS = 0.15  # CPU SymPy may spend on the printed partials; then "(not available)"
PRESSED_WAIT = 0.1  # a job that waited longer for a worker is compiled without them
INLINE_SHARE = 0.2  # at most this share of the server's time goes to compiles done in it
SLOW_SECONDS = 0.25  # a formula that took this long is heavy the next time
LIGHT_SECONDS = 0.25  # a light job running longer is stopped and queued again as heavy
RETRY_AFTER = 2  # seconds, in the Retry-After of a 503 or 429
SLOW_BUSY = "This formula is slow to compile and the server is busy; try again in a while"
TOO_BUSY = "The server was too busy to finish this formula in time; try again in a while"

Job = Callable[[str, "list[str] | None", bool], dict[str, Any]]

_TOKENS = re.compile(r"[-+*/^(]|[A-Za-z_]\w*|\d+(?:\.\d*)?|\.\d+")


def looks_heavy(formula: str) -> bool:
    """Whether a formula is big enough that its compile may take a while: more than
    LIGHT_TOKENS operators, names and numbers. (The program is built in time linear in the
    formula; what grows faster is SymPy's printing of the partials, within its budget.) A
    look at the text, in microseconds: the server decides the lane before any worker parses."""
    return len(formula) > LIGHT_TOKENS and len(_TOKENS.findall(formula)) > LIGHT_TOKENS


def default_workers() -> int:
    """One worker per core this process may use, at least 2."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 2
    return max(2, cores)


# ---------------------------------------------------------------------------------------------
# In the worker process


_pressed = False  # in a worker: whether the job it runs has waited long (see `serve_jobs`)


def compile_job(formula: str, variables: list[str] | None, hessian: bool) -> dict[str, Any]:
    """Runs in a worker: the payload, or {'error', 'column'}; it never raises.

    A job that waited over PRESSED_WAIT for a worker is compiled without the printed partials
    (SymPy's part, over nine tenths of a typical compile's time): they read "(not available)",
    the surface is whole, and the answer is marked "transient" so that it is not cached and the
    next ask, when the server is less busy, prints them."""
    try:
        if _pressed:
            payload = surface_payload(formula, variables, hessian, printed=False)
            unavailable = [{"variable": v, **printing.UNAVAILABLE} for v in payload["variables"]]
            return {**payload, "partials": unavailable, "transient": True}
        return surface_payload(formula, variables, hessian, print_seconds=PRINT_SECONDS)
    except MemoryError:
        return {
            "error": "This formula needs more memory than the server allows; try a simpler one",
            "column": None,
            "retire": True,  # the worker may be fragmented: the pool replaces it
        }
    except (ValueError, RecursionError) as err:  # a FormulaError among them
        return error_payload(err)
    except Exception as err:  # a gradscape bug: say so plainly, and keep serving
        traceback.print_exc()
        return {
            "error": f"gradscape could not compile this formula (internal error: "
            f"{type(err).__name__}); please report it",
            "column": None,
        }


def inline_job(formula: str, variables: list[str] | None, hessian: bool) -> dict[str, Any]:
    """A compile without SymPy (its printed partials "(not available)"), quick enough to run in
    the server itself: the fast lane when the workers are pressed (see `CompilePool`)."""
    global _pressed
    _pressed = True
    try:
        return compile_job(formula, variables, hessian)
    finally:
        _pressed = False


def _limit_memory(memory_mb: int | None) -> None:
    if memory_mb is None:
        return
    import resource

    limit = memory_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):  # a hard limit lower still is kept
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def serve_jobs(conn: Connection, job: Job, memory_mb: int | None, nice: int = WORKER_NICE) -> None:
    """The worker's loop: one job's arguments in, its result out, until the pipe closes."""
    _limit_memory(memory_mb)
    with contextlib.suppress(OSError):
        os.nice(nice)  # the server's event loop (pages, cached answers) goes first
    global _pressed
    while True:
        try:
            args, _pressed = conn.recv()
        except (EOFError, OSError):
            return
        try:
            result = job(*args)
        except MemoryError:
            result = {
                "error": "This formula needs more memory than the server allows; try a simpler one",
                "column": None,
                "retire": True,
            }
        try:
            conn.send(result)
        except OSError:  # the server is gone or gave up on this job
            return


# ---------------------------------------------------------------------------------------------
# In the server process


def _waited_seconds(pid: int | None) -> float:
    """The time a process has spent ready to run but waiting for a core (the machine was busy),
    from /proc/PID/schedstat, or NaN where it cannot tell."""
    try:
        with open(f"/proc/{pid}/schedstat", "rb") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return math.nan


def _cpu_seconds(pid: int | None) -> float:
    """The CPU time (user + system) a process has used, or NaN where /proc cannot tell."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
        fields = stat[stat.rindex(b")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
    except (OSError, ValueError, IndexError):
        return math.nan


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _context() -> Any:
    """Workers are forked from a fork server that has imported the compiler once, so a worker
    killed for overrunning is replaced in milliseconds, not the seconds a fresh interpreter
    takes to import SymPy (which would leave the pool a worker short after every kill).
    Where there is no fork server (not POSIX), each worker is a fresh interpreter."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["gradscape.server.warm"])
    return ctx


@contextlib.contextmanager
def _one_thread() -> Iterator[None]:
    """The fork server (started with the first worker) imports NumPy for every worker: give its
    numeric libraries one thread, as their thread pools would reserve address space against
    the memory cap. Only the child's environment is changed; ours is put back."""
    saved = {var: os.environ.get(var) for var in _THREAD_VARS}
    os.environ.update(dict.fromkeys(_THREAD_VARS, "1"))
    try:
        yield
    finally:
        for var, value in saved.items():
            if value is None:
                os.environ.pop(var, None)
            else:
                os.environ[var] = value


_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


class Busy(Exception):
    """The pool cannot take this job now: answer `status` with Retry-After."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(eq=False)
class _Job:
    key: tuple[Any, ...]
    args: tuple[str, list[str] | None, bool]
    client: str
    heavy: bool  # known to be slow: the full deadline, in the heavy lane
    future: asyncio.Future[dict[str, Any]]
    queued: float = field(default_factory=time.monotonic)
    suspect: bool = False  # its client was heavy when it started


class Inbox:
    """Messages in multiprocessing's framing (a 4-byte length, then a pickle) read from a
    non-blocking file descriptor, a part at a time: a worker at a low priority may be
    descheduled between two parts of a long answer, and the event loop must not wait for it
    (Connection.recv would)."""

    def __init__(self, fd: int) -> None:
        os.set_blocking(fd, False)
        self.fd = fd
        self._data = bytearray()

    def receive(self) -> tuple[bool, Any]:
        """(True, message) once a whole message has arrived, else (False, None); EOFError when
        the other end is closed with no whole message left."""
        closed = False
        while True:
            try:
                chunk = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                break
            if not chunk:
                closed = True
                break
            self._data += chunk
        found = self._take()
        if found is None:
            if closed:
                raise EOFError
            return False, None
        return True, found[0]

    def _take(self) -> tuple[Any] | None:
        data = self._data
        if len(data) < 4:
            return None
        (size,) = struct.unpack("!i", data[:4])
        start = 4
        if size == -1:  # the framing of a message over 2 GiB
            if len(data) < 12:
                return None
            (size,) = struct.unpack("!Q", data[4:12])
            start = 12
        if len(data) < start + size:
            return None
        message = pickle.loads(data[start : start + size])
        del data[: start + size]
        return (message,)


class _Worker:
    """One worker process and our end of its pipe (non-blocking: see `receive`)."""

    def __init__(self, ctx: Any, job: Job, memory_mb: int | None, back: bool, nice: int) -> None:
        ours, theirs = ctx.Pipe()
        self.back = back
        self.jobs = 0
        self.process: BaseProcess = ctx.Process(
            target=serve_jobs, args=(theirs, job, memory_mb, nice), daemon=True
        )
        with _one_thread():
            self.process.start()
        theirs.close()
        self.conn: Connection = ours
        self._inbox = Inbox(ours.fileno())

    def receive(self) -> tuple[bool, Any]:
        """(True, message) once a whole message has arrived; (False, None) while it has not.
        Raises EOFError when the worker is gone. Never blocks (see `Inbox`)."""
        return self._inbox.receive()

    def kill(self, wait: float = 0.0) -> None:
        """Kill now (SIGKILL cannot be ignored); wait up to `wait` s for it to be gone. Not
        waiting leaves a zombie for a moment: the next worker's start reaps it."""
        with contextlib.suppress(Exception):
            self.process.kill()
            if wait:
                self.process.join(wait)
        with contextlib.suppress(Exception):
            self.conn.close()


class CompilePool:
    """Workers compiling formulas for many clients: fair, bounded, and never blocking the loop.

    Use from one asyncio event loop: `await pool.compile(key, args, client)`. `start` begins
    warming the workers (each imports the compiler before it takes a job, so no job pays for
    that inside its deadline); `close` kills every worker at once and answers what was waiting.
    """

    def __init__(
        self,
        workers: int | None = None,
        seconds: float = COMPILE_SECONDS,
        memory_mb: int | None = WORKER_MEMORY_MB,
        queue: int = QUEUE_SIZE,
        per_client: int = 1,
        per_client_queue: int = PER_CLIENT_QUEUE,
        light_seconds: float = LIGHT_SECONDS,
        job: Job | None = None,
        back: int | None = None,
        max_jobs: int = MAX_JOBS,
        back_nice: int = BACK_NICE,
    ) -> None:
        self.size = workers or default_workers()
        self.back_size = back or max(1, self.size - 1)
        self.max_jobs = max_jobs
        self.back_nice = back_nice
        self.seconds = seconds
        self.memory_mb = memory_mb
        self.queue_limit = queue
        self.slow_queue_limit = max(1, queue // 4)
        self.per_client = per_client
        self.per_client_queue = per_client_queue
        self.light_seconds = light_seconds
        self._job = job or compile_job
        # the fast lane under pressure: the real compiler only (a test's stand-in job is not)
        self._inline: Job | None = inline_job if job is None else None
        self._inline_spent = (0.0, time.monotonic())  # seconds of the loop, decaying
        self._last_front_wait = 0.0  # how long the last job a front worker took had waited
        self._drain_timer: asyncio.TimerHandle | None = None
        self.inlined = 0  # compiles done in the server (the fast lane)
        self._ctx = _context()
        self._idle: list[_Worker] = []  # the front lane's idle workers
        self._idle_back: list[_Worker] = []  # the back lane's
        self._busy: dict[_Worker, _Job] = {}
        self._starting = [0, 0]  # front, back
        self._waiting: OrderedDict[str, deque[_Job]] = OrderedDict()
        self._queued = 0  # all waiting jobs
        self._slow_queued = 0  # the slow ones among them (they do not count against `queue`)
        self._running: dict[str, int] = {}
        self._usage: dict[str, tuple[float, float]] = {}  # client -> (seconds, as of when)
        self._same: dict[tuple[Any, ...], asyncio.Future[dict[str, Any]]] = {}
        self._slow: OrderedDict[tuple[Any, ...], None] = OrderedDict()
        self._closed = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self.replaced = 0  # workers killed and replaced (overruns, deaths): for /healthz
        self.recycled = 0  # workers replaced after max_jobs jobs
        self._spawner: Any = None  # the thread that starts workers, off the event loop
        self._made: weakref.WeakSet[_Worker] = weakref.WeakSet()
        self._ready_at = math.inf  # when the first front worker was ready

    # -- the public side ----------------------------------------------------------------------

    def start(self) -> None:
        """Start warming the workers (call from the event loop; returns at once)."""
        self._loop = asyncio.get_running_loop()
        for back, size in ((False, self.size), (True, self.back_size)):
            idle = self._idle_back if back else self._idle
            busy = sum(1 for w in self._busy if w.back == back)
            for _ in range(size - len(idle) - busy - self._starting[back]):
                self._spawn(back)

    async def compile(
        self, key: tuple[Any, ...], args: tuple[str, list[str] | None, bool], client: str
    ) -> dict[str, Any]:
        """The job's result: the payload or {'error', 'column'}. Raises Busy when full."""
        if self._loop is None:
            self.start()
        same = self._same.get(key)
        if same is not None:  # the same formula is already on its way: share its answer
            return await asyncio.shield(same)
        if self._closed:
            raise Busy("The server is stopping; try again in a moment", 503)
        mine = self._waiting.get(client)
        if mine is not None and len(mine) >= self.per_client_queue:
            raise Busy(
                f"You have {len(mine)} formulas waiting already; wait for them, then try again",
                429,
            )
        slow = key in self._slow or looks_heavy(args[0])
        if not slow and self._may_inline(client):
            return self._compile_inline(args, client)
        if slow and self._slow_queued >= self.slow_queue_limit:
            raise Busy(SLOW_BUSY, 503)
        if self._queued - self._slow_queued >= self.queue_limit and not self._make_room(client):
            raise Busy("The server is busy compiling for others; try again in a moment", 503)
        loop = asyncio.get_running_loop()
        job = _Job(key, args, client, slow, loop.create_future())
        self._waiting.setdefault(client, deque()).append(job)
        self._count(job, 1)
        self._same[key] = job.future
        job.future.add_done_callback(lambda _: self._forget(key, job.future))
        self._dispatch()
        self._arm_drain(PRESSED_WAIT)
        try:
            async with asyncio.timeout(QUEUE_SECONDS + self.seconds * WALL_FACTOR):
                return await asyncio.shield(job.future)
        except TimeoutError:
            self._drop(job)
            raise Busy(
                "The server is busy compiling for others; try again in a moment", 503
            ) from None

    def _may_inline(self, client: str) -> bool:
        """Whether to compile here, in the server, now: only when the front lane is pressed (no
        worker idle, and the last job a front worker took had waited over PRESSED_WAIT), for a
        formula that does not look heavy, from a client that is not heavy, and while the
        compiles done here lately add up to under INLINE_SHARE of the event loop's time."""
        if self._inline is None or self._idle or self._last_front_wait <= PRESSED_WAIT:
            return False
        return not self._is_heavy(client) and self._inline_budget()

    def _inline_budget(self) -> bool:
        """Whether the compiles done here lately (a sum halving every second) are under
        INLINE_SHARE of the server's time."""
        now = time.monotonic()
        spent, when = self._inline_spent
        spent *= math.exp2(-(now - when) / 1.0)
        self._inline_spent = (spent, now)
        return spent < INLINE_SHARE

    def _drain(self) -> None:
        """Compile here the light jobs that have waited over PRESSED_WAIT for a worker (the
        workers are too slow to take them: a machine busy with other work gives them little
        CPU), so that no light job waits much longer than that."""
        self._drain_timer = None
        if self._closed or self._inline is None or self._loop is None:
            return
        now = time.monotonic()
        for client in list(self._waiting):
            jobs = self._waiting.get(client)
            if not jobs:
                continue
            job = jobs[0]
            waited = now - max(job.queued, self._ready_at)  # not the start-up's wait
            if job.heavy or waited <= PRESSED_WAIT or self._is_heavy(client):
                continue
            if not self._inline_budget():
                break
            jobs.popleft()
            if not jobs:
                del self._waiting[client]
            self._count(job, -1)
            if not job.future.done():
                job.future.set_result(self._compile_inline(job.args, client))
        self._arm_drain(0.05)

    def _arm_drain(self, delay: float) -> None:
        if self._drain_timer is None and self._inline is not None and self._waiting:
            assert self._loop is not None
            self._drain_timer = self._loop.call_later(delay, self._drain)

    def _compile_inline(
        self, args: tuple[str, list[str] | None, bool], client: str
    ) -> dict[str, Any]:
        assert self._inline is not None
        start = time.thread_time()
        result = self._inline(*args)
        used = time.thread_time() - start
        spent, when = self._inline_spent
        self._inline_spent = (spent + used, when)
        self._charge(client, used)
        self.inlined += 1
        return result

    def stats(self) -> dict[str, Any]:
        return {
            "workers": self.size,
            "back": self.back_size,
            "busy": len(self._busy),
            "queued": self._queued,
            "replaced": self.replaced,
            "recycled": self.recycled,
            "inlined": self.inlined,
        }

    def close(self) -> None:
        """Kill every worker now; jobs waiting or running get a 'server stopping' answer."""
        self._closed = True
        if self._drain_timer is not None:
            self._drain_timer.cancel()
        for worker in [*self._idle, *self._idle_back, *self._busy]:
            self._unwatch(worker)
            worker.kill(wait=0.5)
        for job in self._busy.values():
            if not job.future.done():
                job.future.set_exception(Busy("The server is stopping; try again later", 503))
        for jobs in self._waiting.values():
            for job in jobs:
                if not job.future.done():
                    job.future.set_exception(Busy("The server is stopping; try again later", 503))
        self._idle.clear()
        self._idle_back.clear()
        self._busy.clear()
        if self._spawner is not None:  # a worker being started: killed without waiting
            self._spawner.shutdown(wait=False, cancel_futures=True)
        for worker in list(self._made):
            worker.kill()
        self._waiting.clear()
        self._queued = self._slow_queued = 0

    # -- fairness -----------------------------------------------------------------------------

    def _usage_now(self, client: str, now: float) -> float:
        seconds, when = self._usage.get(client, (0.0, now))
        return seconds * math.exp2(-(now - when) / HALF_LIFE)

    def _charge(self, client: str, seconds: float) -> None:
        now = time.monotonic()
        self._usage[client] = (self._usage_now(client, now) + seconds, now)
        if len(self._usage) > 10_000:  # forget the clients whose usage has faded the most
            for stale in sorted(self._usage, key=lambda c: self._usage_now(c, now))[:5_000]:
                del self._usage[stale]

    def _is_heavy(self, client: str) -> bool:
        """Whether a client has used over HEAVY_SECONDS of worker time lately."""
        return self._usage_now(client, time.monotonic()) > HEAVY_SECONDS

    def _next_job(self, back: bool) -> _Job | None:
        """The waiting job to run next in a lane: that of the least-served client that may run
        one more job. The back lane takes slow jobs and heavy clients' jobs; the front lane
        every other."""
        now = time.monotonic()
        best: tuple[float, str] | None = None
        for client, jobs in self._waiting.items():
            if self._running.get(client, 0) >= self.per_client:
                continue
            usage = self._usage_now(client, now)
            if (jobs[0].heavy or usage > HEAVY_SECONDS) != back:
                continue
            if best is None or usage < best[0]:
                best = (usage, client)
        if best is None:
            return None
        jobs = self._waiting[best[1]]
        job = jobs.popleft()
        if not jobs:
            del self._waiting[best[1]]
        self._count(job, -1)
        job.suspect = back and not job.heavy
        return job

    def _make_room(self, client: str) -> bool:
        """The queue is full: give way to `client` by answering 503 to the newest waiting
        (not slow) job of the client served most lately, if that client has been served more
        than `client`. So attackers filling the queue push out their own jobs, not a student's.
        """
        now = time.monotonic()
        mine = self._usage_now(client, now)
        served = sorted(
            ((self._usage_now(c, now), c) for c, jobs in self._waiting.items() if c != client),
            reverse=True,
        )
        for usage, other in served:
            if usage <= mine:
                return False
            victim = next((j for j in reversed(self._waiting[other]) if not j.heavy), None)
            if victim is not None:
                self._drop(victim)
                return True
        return False

    def _dispatch(self) -> None:
        for idle, back in ((self._idle, False), (self._idle_back, True)):
            while idle and not self._closed:
                job = self._next_job(back)
                if job is None:
                    break
                if job.future.done():  # given up on while it waited
                    continue
                self._run(idle.pop(), job)

    def _drop(self, job: _Job) -> None:
        jobs = self._waiting.get(job.client)
        if jobs is not None and job in jobs:
            jobs.remove(job)
            self._count(job, -1)
            if not jobs:
                del self._waiting[job.client]
        if not job.future.done():
            job.future.set_exception(
                Busy("The server is busy compiling for others; try again in a moment", 503)
            )

    def _forget(self, key: tuple[Any, ...], future: asyncio.Future[Any]) -> None:
        if self._same.get(key) is future:
            del self._same[key]
        if not future.cancelled():
            future.exception()  # retrieved, so asyncio does not log it as never retrieved

    # -- workers ------------------------------------------------------------------------------

    def _spawn(self, back: bool) -> None:
        """Start a worker (in a thread: a fork server's answer may take a while on a busy
        machine, and the event loop must not wait for it) and warm it (import the compiler)
        before it takes jobs."""
        if self._closed or self._loop is None:
            return
        loop = self._loop
        if self._spawner is None:
            from concurrent.futures import ThreadPoolExecutor

            self._spawner = ThreadPoolExecutor(1, thread_name_prefix="gradscape-spawn")
        self._starting[back] += 1
        made = loop.run_in_executor(
            self._spawner,
            self._make_worker,
            self._ctx,
            self._job,
            self.memory_mb,
            back,
            self.back_nice if back else WORKER_NICE,
        )

        def failed() -> None:
            self._starting[back] -= 1
            if not self._closed:  # try once more, later
                loop.call_later(1.0, self._spawn, back)

        def started(future: asyncio.Future[_Worker]) -> None:
            if future.cancelled():
                self._starting[back] -= 1
                return
            if future.exception() is not None:
                failed()
                return
            worker = future.result()
            if self._closed:
                self._starting[back] -= 1
                worker.kill()
                return

            def warmed() -> None:
                try:
                    done, _ = worker.receive()
                except (EOFError, OSError):  # it died while starting
                    self._unwatch(worker)
                    worker.kill()
                    failed()
                    return
                if not done:
                    return
                self._unwatch(worker)
                self._starting[back] -= 1
                if self._closed:
                    worker.kill()
                    return
                if not back:
                    self._ready_at = min(self._ready_at, time.monotonic())
                (self._idle_back if back else self._idle).append(worker)
                self._dispatch()

            try:
                worker.conn.send((("x", None, False), False))
            except (OSError, ValueError):
                worker.kill()
                failed()
                return
            loop.add_reader(worker.conn.fileno(), warmed)

        made.add_done_callback(started)

    def _make_worker(self, *args: Any) -> _Worker:
        worker = _Worker(*args)
        self._made.add(worker)  # so that close() finds it even before the loop hears of it
        return worker

    def _unwatch(self, worker: _Worker) -> None:
        if self._loop is not None:
            with contextlib.suppress(Exception):
                self._loop.remove_reader(worker.conn.fileno())

    def _release(self, worker: _Worker, job: _Job, used: float) -> None:
        self._busy.pop(worker, None)
        self._charge(job.client, used)
        self._running[job.client] -= 1
        if not self._running[job.client]:
            del self._running[job.client]

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        self.replaced += 1
        self._spawn(worker.back)

    def _count(self, job: _Job, change: int) -> None:
        self._queued += change
        if job.heavy:
            self._slow_queued += change

    def _requeue(self, job: _Job) -> None:
        """Put a job back at the head of its client's queue (it was not its fault, or it must
        now run as slow); a slow job finding the slow queue full is answered 503."""
        if job.heavy and self._slow_queued >= self.slow_queue_limit:
            if not job.future.done():
                job.future.set_exception(Busy(SLOW_BUSY, 503))
            return
        self._waiting.setdefault(job.client, deque()).appendleft(job)
        self._waiting.move_to_end(job.client, last=False)
        self._count(job, 1)

    def _remember_slow(self, key: tuple[Any, ...]) -> None:
        self._slow[key] = None
        if len(self._slow) > 1024:
            self._slow.popitem(last=False)

    def _run(self, worker: _Worker, job: _Job) -> None:
        assert self._loop is not None
        loop = self._loop
        self._busy[worker] = job
        self._running[job.client] = self._running.get(job.client, 0) + 1
        worker.jobs += 1
        started = time.monotonic()
        # a front worker gives a job its light try; the back lane, the full deadline. Both are
        # of CPU time where /proc tells it (on a busy machine a worker, the back lane's above
        # all, may get little of the CPU, which is not the formula's fault), within a cap by
        # the clock
        light = not worker.back and self.light_seconds < self.seconds
        cpu_limit = self.light_seconds if light else self.seconds
        wall_limit = self.seconds if light else self.seconds * WALL_FACTOR
        pid = worker.process.pid
        cpu_start = _cpu_seconds(pid)
        waited_start = _waited_seconds(pid)
        timer: asyncio.TimerHandle | None = None

        def used() -> float:
            cpu = _cpu_seconds(pid) - cpu_start
            return time.monotonic() - started if math.isnan(cpu) else cpu

        def time_up() -> None:
            nonlocal timer
            left = cpu_limit - (_cpu_seconds(pid) - cpu_start)  # NaN where /proc cannot tell
            if left > 0.02 and time.monotonic() - started + left < wall_limit:
                timer = loop.call_later(left, time_up)
            else:
                overran()

        def overran() -> None:
            # NaN where /proc cannot tell: then not "busy"
            cpu = _cpu_seconds(pid) - cpu_start
            waited = _waited_seconds(pid) - waited_start
            self._unwatch(worker)
            # charged the whole deadline: the client is heavy at once
            self._release(worker, job, self.seconds)
            self._replace(worker)
            self._remember_slow(job.key)
            if job.future.done():
                pass
            elif light:  # a second chance, in the back lane
                job.heavy, job.suspect = True, False
                self._requeue(job)
            elif cpu < cpu_limit - 0.05 and waited > (time.monotonic() - started - cpu) / 2:
                # out of time by the clock, having waited for a core: the machine was busy
                job.future.set_exception(Busy(TOO_BUSY, 503))
            else:
                job.future.set_result(
                    {
                        "error": f"This formula took over {self.seconds:g} s to "
                        "differentiate; try a simpler one",
                        "column": None,
                        "transient": True,  # not cached: a retry gets a fresh clock
                    }
                )
            self._dispatch()

        def answered() -> None:
            try:
                done, result = worker.receive()
            except (EOFError, OSError):  # the worker died under this formula
                done, result = True, None
            if not done:  # the rest of the answer is on its way
                return
            if timer is not None:
                timer.cancel()
            self._unwatch(worker)
            spent = used()
            self._release(worker, job, spent)
            if result is None:
                self._replace(worker)
                result = {
                    "error": "The compiler stopped while working on this formula; try again",
                    "column": None,
                    "transient": True,
                    "crashed": True,
                }
            elif result.pop("retire", False):
                self._replace(worker)
            elif worker.jobs >= self.max_jobs:  # give back what it has grown by
                worker.kill()
                self.recycled += 1
                self._spawn(worker.back)
            else:
                (self._idle_back if worker.back else self._idle).append(worker)
            if spent > SLOW_SECONDS:
                self._remember_slow(job.key)
            if not job.future.done():
                job.future.set_result(result)
            self._dispatch()

        try:
            waited = started - max(job.queued, self._ready_at)  # not the start-up's wait
            worker.conn.send((job.args, waited > PRESSED_WAIT))
            if not worker.back:
                self._last_front_wait = waited
        except (OSError, ValueError):  # it died while idle: replace it, and this job waits
            self._release(worker, job, 0.0)
            self._replace(worker)
            self._requeue(job)
            return
        loop.add_reader(worker.conn.fileno(), answered)
        timer = loop.call_later(cpu_limit, time_up)
