"""SymPy's printing under a CPU budget: the program never waits for it."""

from __future__ import annotations

import contextlib
import signal
import threading

import pytest
from formula_strategies import SLOWEST_FOR_SYMPY

from gradscape.payload import surface_payload
from gradscape.symbolic import SymbolicError, cpu_deadline

SLOW = SLOWEST_FOR_SYMPY[0]  # its partials take SymPy about 0.2-1 s


def test_partials_past_the_budget_are_not_available_and_the_program_is_whole():
    quick = surface_payload(SLOW, print_seconds=0.01)
    full = surface_payload(SLOW)
    assert [p["text"] for p in quick["partials"]] == ["(not available)"] * 2
    assert full["partials"][0]["text"] != "(not available)"
    assert quick["program"] == full["program"]


def test_a_budget_that_suffices_changes_nothing():
    assert surface_payload("rosenbrock", print_seconds=5.0) == surface_payload("rosenbrock")


def test_the_deadline_timer_is_cleared_after_the_block():
    with cpu_deadline(5.0):
        pass
    assert signal.getitimer(signal.ITIMER_VIRTUAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGVTALRM) in (signal.SIG_DFL, None)


def test_an_expired_deadline_raises_symbolic_error_even_past_broad_handlers():
    def busy() -> None:
        while True:
            # as SymPy's own handlers might: the deadline is not an Exception
            with contextlib.suppress(Exception):
                sum(i * i for i in range(10_000))

    with pytest.raises(SymbolicError, match="CPU"), cpu_deadline(0.05):
        busy()


def test_outside_the_main_thread_there_is_no_deadline():
    seen: list[object] = []

    def run() -> None:
        with cpu_deadline(0.001):
            seen.append(surface_payload(SLOW)["partials"][0]["text"])

    t = threading.Thread(target=run)
    t.start()
    t.join()
    assert seen and seen[0] != "(not available)"
