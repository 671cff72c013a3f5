"""The compile cache: canonical keys, least recently used out first, a byte budget."""

from __future__ import annotations

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
    cache = ByteLRU(budget=1100)  # three entries of about 340 bytes
    for name in "abc":
        cache.put((name,), {"formula": name * 60})
    assert cache.get(("a",)) is not None  # a is now the most recently used
    cache.put(("d",), {"formula": "d" * 60})
    assert cache.get(("b",)) is None and cache.get(("a",)) is not None
    assert cache.bytes <= 1100


def test_an_answer_bigger_than_the_budget_is_not_kept_and_sizes_add_up():
    cache = ByteLRU(budget=400)
    cache.put(("big",), {"formula": "x" * 400})
    assert len(cache) == 0 and cache.bytes == 0
    cache.put(("k",), {"formula": "x"})
    cache.put(("k",), {"formula": "xx", "name": None})  # replaced, not counted twice
    body = b'{"formula":"xx","name":null}'
    assert cache.get(("k",)) == (200, body, "xx")
    assert len(cache) == 1
    assert cache.bytes == len(body) + len("xx") + len(repr(("k",))) + ENTRY_OVERHEAD


def test_a_refusal_is_kept_as_its_400_answer():
    cache = ByteLRU()
    answer = cache.put(("r",), {"error": "Add something after '+'", "column": 2, "extra": 1})
    assert answer == (400, b'{"error":"Add something after \'+\'","column":2}', None)
