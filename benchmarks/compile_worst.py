"""Compile time, old SymPy path against gradscape's parse tree, on the gallery and the worst cases.

old:  what /api/compile did before issue 11: parse, SymPy reads the tree (symbolic.to_sympy, the
      old parser's SymPy construction), a program built from SymPy (program.oracle), and the
      formula and its partials printed by SymPy (symbolic.partials, printing.printed).
tree: what it does now on the critical path: surface_payload(..., printed=False), the program
      built from gradscape's own tree (value, gradient and Hessian), no SymPy.
      "+ partials" is the part now deferred: partials_payload, SymPy under its own deadline.

Side by side in this process, SymPy's cache cleared before every old run, median of --repeat
runs (the old path once per formula past 1 s). Run it on a quiet machine: the sweeps time each
formula once, then the slowest ten again (median of 5), so a one-off stall is not blamed on a
formula, but a busy machine still inflates every figure. Formulas: the gallery, then the
slowest found by fuzzing the old path (tests/formula_strategies.SLOWEST_FOR_SYMPY). Then two
sweeps on the tree path only: --sample formulas generated from the grammar (every one must
compile, Hessian included, in at most 200 ms) and refused formulas, typed and generated (each
refusal within 100 ms).

    python benchmarks/compile_worst.py [--repeat 5] [--sample 300]
    python benchmarks/compile_worst.py --search 1500   # fuzz the old path for new worst cases
"""

from __future__ import annotations

import argparse
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sympy.core.cache import clear_cache

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from formula_strategies import SLOWEST_FOR_SYMPY, formulas

from gradscape.formula import MAX_LENGTH, FormulaError, parse
from gradscape.gallery import GALLERY
from gradscape.jsondata import jsonable
from gradscape.payload import explorer_variables, partials_payload, surface_payload
from gradscape.printing import printed
from gradscape.program import CompileError
from gradscape.program.oracle import sympy_program
from gradscape.symbolic import SymbolicError, partials, to_sympy

ACCEPT_MS, REFUSE_MS = 200.0, 100.0  # the goals (issue 11)

REFUSED = [
    "9^9^9",
    "1e999",
    "1/0",
    "log(0)",
    "asin(2)",
    "tan(pi/2)",
    "x/(x - x)",
    "x*1e308*10",
    "2^" * 200 + "2",
    "9^9^9^9^9",
    "(1.0000001^1000)^1000^1000",
    "exp(exp(exp(exp(10))))",
    "foo(x) + " * 40 + "x",
    "x+" * 300 + "x",
    "(" * 250 + "x" + ")" * 249,
    "sin(" * 40 + "x" + ")" * 40,
    "-" * 499 + "x",
    "+".join(f"v{i}" for i in range(40)),
    "x @ y",
    "x" * 501,
    "x + y + z",  # the explorer's two-variable limit
]


class _Slow(Exception):
    pass


def _alarm(*_: object) -> None:
    raise _Slow


def old_path(text: str) -> None:
    """The pre-issue-11 compile: SymPy reads the formula, builds the program, prints."""
    clear_cache()
    parsed = parse(text)
    variables = explorer_variables(parsed.variables)
    expr = to_sympy(parsed.tree)
    program = sympy_program(variables, expr)
    shown = [printed(p) for p in partials(expr, variables)]
    jsonable({**printed(expr), "partials": shown, "program": program})


def tree_path(text: str, hessian: bool = False) -> None:
    surface_payload(text, hessian=hessian, printed=False)


def time_ms(fn: Callable[[], object], repeat: int, limit: float = 30.0) -> tuple[float, str]:
    """Median time in ms, and "ok" or what went wrong; a run over `limit` s stops it."""
    times, outcome = [], "ok"
    for _ in range(repeat):
        signal.setitimer(signal.ITIMER_REAL, limit)
        start = time.perf_counter()
        try:
            fn()
        except _Slow:
            outcome = f">{limit:.0f} s"
        except (FormulaError, CompileError, SymbolicError, ValueError) as err:
            outcome = type(err).__name__
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        times.append((time.perf_counter() - start) * 1e3)
        if times[-1] > 1000 or outcome != "ok":
            break
    return statistics.median(times), outcome


def side_by_side(repeat: int) -> float:
    rows = [(name, entry.formula) for name, entry in GALLERY.items()]
    rows += [(f"fuzzed-{i + 1}", text) for i, text in enumerate(SLOWEST_FOR_SYMPY)]
    print(f"{'formula':<14}{'chars':>6}{'old ms':>10}{'tree ms':>9}{'ratio':>9}"
          f"{'+hessian':>10}{'+partials':>11}")  # fmt: skip
    worst = 0.0
    for name, text in rows:
        old, old_outcome = time_ms(lambda t=text: old_path(t), repeat)
        new, _ = time_ms(lambda t=text: tree_path(t), repeat)
        hess, _ = time_ms(lambda t=text: tree_path(t, hessian=True), repeat)
        shown, _ = time_ms(lambda t=text: partials_payload(t), 1)
        worst = max(worst, new, hess)
        note = "" if old_outcome == "ok" else f"  (old: {old_outcome})"
        print(f"{name:<14}{len(text):>6}{old:>10.1f}{new:>9.2f}{old / new:>8.0f}x"
              f"{hess:>10.2f}{shown:>11.1f}{note}")  # fmt: skip
    return worst


def sweep_accepted(sample: int) -> tuple[float, str, int]:
    """The slowest tree compile (Hessian included) over `sample` generated formulas."""
    worst: list[tuple[float, str]] = [(0.0, "")]
    accepted = 0

    @settings(max_examples=sample, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(formulas())
    def run(text: str) -> None:
        nonlocal accepted
        ms, outcome = time_ms(lambda: tree_path(text, hessian=True), 1)
        if outcome == "ok":
            accepted += 1
            worst.append((ms, text))

    run()
    return (*_confirm(worst, lambda t: tree_path(t, hessian=True)), accepted)


_TOKENS = ["x", "y", "e", "pi", "2", "0", "9", "1e300", ".5", "(", ")", "^", "^", "*", "/"]
_TOKENS += ["+", "-", " ", "sin(", "log(", "exp(", "sqrt(", "tan(", "x-x", "asin(", "@", "9^9"]


def sweep_refused(sample: int) -> tuple[float, str, int]:
    """The slowest refusal over the typed list and `sample` generated token sequences."""
    worst: list[tuple[float, str]] = [(0.0, "")]
    for text in REFUSED:
        ms, outcome = time_ms(lambda t=text: tree_path(t), 1)
        assert outcome != "ok", text
        worst.append((ms, text))
    count = len(REFUSED)

    @settings(max_examples=sample, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(st.lists(st.sampled_from(_TOKENS), max_size=MAX_LENGTH // 4).map("".join))
    def run(text: str) -> None:
        nonlocal count
        ms, outcome = time_ms(lambda: tree_path(text), 1)
        if outcome != "ok":
            count += 1
            worst.append((ms, text))

    run()
    return (*_confirm(worst, tree_path), count)


def _confirm(timed: list[tuple[float, str]], fn: Callable[[str], None]) -> tuple[float, str]:
    """The slowest of `timed` after timing its 10 slowest again (median of 5): one run can be
    slowed by the machine (another process, a garbage collection), not by the formula."""
    again = [(time_ms(lambda t=text: fn(t), 5)[0], text) for _, text in sorted(timed)[-10:]]
    return max(again)


def search(n: int, keep: int = 12) -> None:
    """Fuzz the old path: time it on `n` generated formulas, then time the slowest 3 * `keep`
    again, each in a fresh process (a long fuzzing run slows SymPy down: its garbage grows), and
    print the slowest `keep` as fixture lines for SLOWEST_FOR_SYMPY."""
    found: list[tuple[float, str]] = []

    @settings(max_examples=n, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(formulas())
    def run(text: str) -> None:
        ms, outcome = time_ms(lambda: old_path(text), 1, limit=15.0)
        if outcome == "ok" or outcome.startswith(">"):
            found.append((ms, text))

    run()
    verified = []
    for _, text in sorted(found, reverse=True)[: 3 * keep]:
        command = [sys.executable, __file__, "--time-old", text]
        out = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
        verified.append((float(out.stdout), text))
    for ms, text in sorted(verified, reverse=True)[:keep]:
        print(f"    {text!r},  # {ms:.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--sample", type=int, default=300)
    ap.add_argument("--search", type=int, default=0, metavar="N")
    ap.add_argument("--time-old", metavar="FORMULA", help=argparse.SUPPRESS)  # for --search
    args = ap.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    if args.time_old:
        print(time_ms(lambda: old_path(args.time_old), 3, limit=60.0)[0])
        return
    if args.search:
        search(args.search)
        return
    worst = side_by_side(args.repeat)
    accepted_ms, accepted_text, accepted = sweep_accepted(args.sample)
    refused_ms, refused_text, refused = sweep_refused(args.sample)
    print(f"\nslowest tree compile above: {worst:.1f} ms")
    print(f"slowest of {accepted} generated formulas accepted, Hessian included: "
          f"{accepted_ms:.1f} ms (goal <= {ACCEPT_MS:.0f} ms): {accepted_text[:60]!r}")  # fmt: skip
    print(f"slowest of {refused} refusals: {refused_ms:.1f} ms (goal <= {REFUSE_MS:.0f} ms): "
          f"{refused_text[:60]!r}")  # fmt: skip
    ok = max(worst, accepted_ms) <= ACCEPT_MS and refused_ms <= REFUSE_MS
    print("goals met" if ok else "GOALS NOT MET")


if __name__ == "__main__":
    main()
