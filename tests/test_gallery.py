"""The gallery: every entry parses, its listed minima really are (global) minima inside its view,
its suggested start and learning rate behave, and names are found however they are typed."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from gradscape import gallery
from gradscape.descent import descend
from gradscape.gallery import GALLERY, Entry, get

# Minima that are sharp tips: the function is not differentiable there, so its gradient is NaN.
NONSMOOTH_MINIMA = {"ackley"}

ENTRIES = list(GALLERY.values())
IDS = list(GALLERY)


def surface_of(entry: Entry):
    try:
        from gradscape import Surface
    except ImportError:
        pytest.skip("gradscape.Surface is not available yet")
    return Surface(entry.formula)


def view_size(entry: Entry) -> float:
    (x0, x1), (y0, y1) = entry.view
    return max(x1 - x0, y1 - y0)


def inside(point, view) -> bool:
    (x0, x1), (y0, y1) = view
    return x0 <= point[0] <= x1 and y0 <= point[1] <= y1


# --- the data itself (no Surface needed) --------------------------------------------------------


def test_lessons_bowl_comes_first():
    first = next(iter(GALLERY.values()))
    assert first.name == "bowl"
    assert first.formula == "w1^2 + 3w2^2"
    assert first.minima == ((0.0, 0.0),)
    assert first.start == (3.0, 1.0) and first.lr == 0.1


def test_keys_are_the_entry_names_in_lowercase_ascii():
    for name, e in GALLERY.items():
        assert name == e.name
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name), name


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_entry_is_complete_and_sensible(entry: Entry):
    (x0, x1), (y0, y1) = entry.view
    assert x0 < x1 and y0 < y1
    assert all(inside(m, entry.view) for m in entry.minima), "a minimum lies outside the view"
    assert inside(entry.start, entry.view)
    assert entry.lr > 0 and math.isfinite(entry.lr)
    assert entry.title and entry.blurb.endswith(".")
    assert ". " not in entry.blurb, "the blurb should be one sentence"


def test_saddles_have_no_minima_and_say_so():
    for name in ("saddle", "monkey-saddle"):
        assert GALLERY[name].minima == ()
        assert "no minimum" in GALLERY[name].blurb


def test_himmelblau_lists_its_four_minima():
    minima = GALLERY["himmelblau"].minima
    known = [(3, 2), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]
    assert len(minima) == 4
    for m, k in zip(minima, known, strict=True):
        assert m == pytest.approx(k, abs=1e-6)


@pytest.mark.parametrize(
    "typed",
    [
        "three-hump-camel",
        "three_hump_camel",
        "Three-Hump Camel",
        "THREE HUMP CAMEL",
        " threehumpcamel ",
    ],
)
def test_get_ignores_case_and_separators(typed):
    assert get(typed) is GALLERY["three-hump-camel"]


def test_get_ignores_accents_and_dots():
    assert get("Lévi N.13") is GALLERY["levi-n13"]
    assert get("levi_n13") is GALLERY["levi-n13"]


@pytest.mark.parametrize("typed", ["nope", "", "   ", "w1^2 + 3w2^2", "bowl2"])
def test_get_returns_none_for_anything_else(typed):
    assert get(typed) is None


def test_module_exports():
    assert gallery.__all__ == ["GALLERY", "RATES", "Entry", "get"]


# --- through real Surfaces ------------------------------------------------------------------------


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_formula_parses_as_a_surface_in_two_variables(entry: Entry):
    s = surface_of(entry)
    expected = ("w1", "w2") if entry.name == "bowl" else ("x", "y")
    assert s.variables == expected


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_gradient_vanishes_at_every_listed_minimum(entry: Entry):
    s = surface_of(entry)
    # the scale: a typical gradient size over the view
    grid = s.grid(*entry.view, n=41)
    norms = np.hypot(grid.gradient[0], grid.gradient[1])
    scale = max(1.0, float(np.nanmedian(norms)))
    for m in entry.minima:
        assert math.isfinite(s.value(m))
        g = s.gradient(m)
        if entry.name in NONSMOOTH_MINIMA:
            assert np.all(np.isnan(g)), "expected the gradient to be undefined at the sharp tip"
        else:
            assert np.linalg.norm(g) <= 1e-5 * scale, (m, g, scale)


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_every_listed_minimum_is_lowest_on_a_small_ring_around_it(entry: Entry):
    s = surface_of(entry)
    for r in (1e-3 * view_size(entry), 1e-2 * view_size(entry)):
        for m in entry.minima:
            center = s.value(m)
            for a in np.linspace(0, 2 * np.pi, 24, endpoint=False):
                p = (m[0] + r * np.cos(a), m[1] + r * np.sin(a))
                assert center <= s.value(p), (m, p)


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_listed_minima_are_global_within_the_view(entry: Entry):
    s = surface_of(entry)
    if not entry.minima:
        return
    values = [s.value(m) for m in entry.minima]
    grid = s.grid(*entry.view, n=401)
    lowest = float(np.nanmin(grid.value))
    tol = 1e-9 * max(1.0, float(np.nanmax(np.abs(grid.value))))
    assert max(values) - min(values) <= tol, "the listed minima should be equally deep"
    assert max(values) <= lowest + tol, "a grid point is lower than the listed minima"


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_gd_from_the_suggested_start_with_the_suggested_rate_behaves(entry: Entry):
    s = surface_of(entry)
    tr = descend(s, entry.start, "gd", lr=entry.lr, steps=2000)
    if entry.minima:
        assert tr.stopped != "diverged", tr.reason
        assert tr.values[-1] < tr.values[0]
        assert np.all(np.isfinite(tr.points))
        # it stays in (or near) the window the entry shows
        (x0, x1), (y0, y1) = entry.view
        assert np.all((tr.points[:, 0] >= x0) & (tr.points[:, 0] <= x1)), tr.points
        assert np.all((tr.points[:, 1] >= y0) & (tr.points[:, 1] <= y1)), tr.points
    else:
        assert tr.stopped == "diverged"  # nothing to find: it slides away downhill
        assert tr.values[-1] < tr.values[0]


def test_bowl_descent_from_its_start_reaches_its_minimum():
    entry = GALLERY["bowl"]
    tr = descend(surface_of(entry), entry.start, "gd", lr=entry.lr)
    assert tr.stopped == "converged"
    assert tr.points[-1] == pytest.approx(entry.minima[0], abs=1e-6)


def test_resolve_takes_names_without_spaces_and_exact_formulas_only():
    from gradscape.gallery import resolve

    assert resolve("Rosenbrock") is GALLERY["rosenbrock"]
    assert resolve("three_hump_camel") is GALLERY["three-hump-camel"]
    assert resolve("w1^2+3w2^2") is GALLERY["bowl"]
    assert resolve("round - bowl") is None  # a formula: round minus bowl
