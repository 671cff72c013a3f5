"""The compile cache: canonical keys, least recently used out first, a byte budget."""

from __future__ import annotations

import gc
import sys
import tracemalloc

from gradscape.server.cache import ENTRY_OVERHEAD, ByteLRU, canonical


def test_spacing_does_not_make_a_new_key_but_a_space_between_names_is_kept():
    assert canonical("  x^2 +   y ", None, False) == canonical("x^2 + y", None, False)
    assert canonical("x y", None, False) != canonical("xy", None, False)


def test_a_gallery_name_and_its_formula_are_one_key():
    from gradscape import gallery

    formula = gallery.GALLERY["rosenbrock"].formula
    assert canonical("Rosenbrock", None, False) == canonical(formula, None, False)
    assert canonical("rosenbrock", None, True) != canonical("rosenbrock", None, False)
    assert canonical("rosenbrock", ["y", "x"], False) != canonical("rosenbrock", None, False)


def test_the_least_recently_used_answer_goes_first_when_over_budget():
    cache = ByteLRU(budget=2000)  # three entries of about 600 bytes
    for name in "abc":
        cache.put((name,), {"formula": name * 60})
    assert cache.get(("a",)) is not None  # a is now the most recently used
    cache.put(("d",), {"formula": "d" * 60})
    assert cache.get(("b",)) is None and cache.get(("a",)) is not None
    assert cache.bytes <= 2000


def test_an_answer_bigger_than_the_budget_is_not_kept_and_sizes_add_up():
    cache = ByteLRU(budget=800)
    cache.put(("big",), {"formula": "x" * 800})
    assert len(cache) == 0 and cache.bytes == 0
    cache.put(("k",), {"formula": "x"})
    cache.put(("k",), {"formula": "xx", "name": None})  # replaced, not counted twice
    body = b'{"formula":"xx","name":null}'
    assert cache.get(("k",)) == (200, body, "xx")
    assert len(cache) == 1
    key_size = sys.getsizeof(("k",)) + sys.getsizeof("k")
    assert cache.bytes == sys.getsizeof(body) + sys.getsizeof("xx") + key_size + ENTRY_OVERHEAD


def test_the_budget_counts_at_least_the_memory_the_entries_take():
    """What the cache counts is what it holds (tracemalloc's measure), not less: so a 64 MB
    budget keeps the server's memory within about 64 MB of answers, whatever they are."""
    from gradscape.server.pool import compile_job

    answers = [compile_job(f"{i}x^2 + y^2 + sin({i}x y)", None, False) for i in range(20)]
    cache = ByteLRU(budget=10**9)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(3000):
            formula = f"{i}x^2 + {i % 7 + 1}y^2 + sin({i % 13 + 1}x y)"
            cache.put(canonical(formula, None, False), {**answers[i % 20], "formula": formula})
        gc.collect()
        taken = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert 0.7 * cache.bytes < taken <= 1.05 * cache.bytes, (taken, cache.bytes)


def test_a_refusal_is_kept_as_its_400_answer():
    cache = ByteLRU()
    answer = cache.put(("r",), {"error": "Add something after '+'", "column": 2, "extra": 1})
    assert answer == (400, b'{"error":"Add something after \'+\'","column":2}', None)
