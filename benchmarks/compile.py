"""Time to parse, differentiate and compile each gallery formula, against the naive path.

gradscape: own parser -> own parse tree -> one program for value and partials, differentiated
           by the rules in program/derive.py (RULES) on the program itself (what Surface(text)
           does; no SymPy). Also shown: the SymPy partials a readout displays (Surface.partials,
           computed on request). For the old SymPy path and the worst cases found by fuzzing,
           see compile_worst.py.
naive:     sympy.sympify(text) -> diff -> lambdify(value and partials)  (sympify calls eval:
           never do this with user text; it is here only as the speed baseline).

Both run side by side in this process, SymPy's cache cleared before every run, so each timing is
a first compile. Goal: gradscape no slower than naive, and under 10 ms per gallery formula.

    python benchmarks/compile.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import statistics
import time

import sympy
from sympy.core.cache import clear_cache

from gradscape import GALLERY, Surface
from gradscape.formula import parse


def time_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        clear_cache()
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def naive(python_text: str, names: tuple[str, ...]) -> None:
    expr = sympy.sympify(python_text)
    symbols = [sympy.Symbol(n) for n in names]
    partials = [sympy.diff(expr, s) for s in symbols]
    sympy.lambdify(symbols, [expr, *partials], "numpy")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    print(f"{'surface':<18}{'gradscape ms':>14}{'naive ms':>11}{'ratio':>8}{'+ display ms':>14}")
    ratios, ours_all = [], []
    for entry in GALLERY.values():
        parsed = parse(entry.formula)
        python_text = str(parsed.expr)  # SymPy's own printing: what sympify understands
        ours = time_ms(lambda e=entry: Surface(e.formula), args.repeat)
        base = time_ms(lambda t=python_text, v=parsed.variables: naive(t, v), args.repeat)
        shown = time_ms(lambda e=entry: Surface(e.formula).partials, args.repeat)
        ratios.append(base / ours)
        ours_all.append(ours)
        print(f"{entry.name:<18}{ours:>14.2f}{base:>11.2f}{base / ours:>7.1f}x{shown:>14.2f}")
    print(
        f"\nworst gradscape compile {max(ours_all):.2f} ms (goal < 10 ms); "
        f"median speed-up over naive {statistics.median(ratios):.1f}x, "
        f"slowest relative {min(ratios):.2f}x (goal >= 1x)"
    )


if __name__ == "__main__":
    main()
