"""gallery.RATES: every optimizer's learning rate on every gallery surface, as rates.py's search
chooses it; reproducible, and none of them blows up on its surface."""

from __future__ import annotations

import pytest

from gradscape import Surface, descend, gallery, rates
from gradscape.descent import OPTIMIZERS, newton_problem


def test_the_table_covers_every_surface_and_only_known_optimizers_and_grid_rates() -> None:
    assert list(gallery.RATES) == list(gallery.GALLERY)
    for name, row in gallery.RATES.items():
        assert set(row) <= set(OPTIMIZERS), name
        assert set(row) >= set(OPTIMIZERS) - {"newton"}, name  # every gradient method has one
        for lr in row.values():
            assert lr in rates.GRID, (name, lr)


@pytest.mark.parametrize("name", ["bowl", "rosenbrock"])
def test_the_search_reproduces_the_table(name: str) -> None:
    assert rates.table([name]) == {name: gallery.RATES[name]}


def test_the_check_command_reports_a_difference(monkeypatch, capsys) -> None:
    monkeypatch.setattr(rates, "table", lambda names=None: {"bowl": {"gd": 0.5}})
    assert rates.main(["--check"]) == 1
    assert "bowl: the search gives {'gd': 0.5}" in capsys.readouterr().out
    monkeypatch.setattr(rates, "table", lambda names=None: {"bowl": gallery.RATES["bowl"]})
    assert rates.main(["--check"]) == 0


@pytest.mark.parametrize("name", list(gallery.GALLERY))
def test_no_default_diverges_on_its_surface(name: str) -> None:
    """200 steps (the search's) everywhere; on a surface with a minimum the explorer's 2000 too
    (on the saddles every descent slides off, at last, past the runaway bound)."""
    entry = gallery.GALLERY[name]
    surface = Surface(entry.formula)
    steps = 2000 if entry.minima else rates.STEPS
    for optimizer, lr in gallery.RATES[name].items():
        t = descend(surface, entry.start, optimizer, lr=lr, steps=steps)
        assert t.stopped not in ("diverged", "failed"), (name, optimizer, lr, t.reason)


def test_newton_has_a_rate_exactly_where_its_start_allows_a_step() -> None:
    for name, entry in gallery.GALLERY.items():
        surface = Surface(entry.formula)
        blocked = bool(newton_problem(surface.hessian(entry.start), entry.start))
        if blocked:
            assert "newton" not in gallery.RATES[name], name
            assert descend(surface, entry.start, "newton").stopped == "failed"


def test_momentum_at_its_bowl_default_diverges_on_rosenbrock_but_not_at_the_tuned_rate() -> None:
    entry = gallery.GALLERY["rosenbrock"]
    surface = Surface(entry.formula)
    assert descend(surface, entry.start, "momentum").stopped == "diverged"
    tuned = descend(surface, entry.start, "momentum", lr=gallery.RATES["rosenbrock"]["momentum"])
    assert tuned.stopped != "diverged"
    assert tuned.values[-1] < 0.1 * tuned.values[0]


def test_the_search_skips_a_rate_whose_next_larger_one_blows_up() -> None:
    bowl = Surface("w1^2 + 3w2^2")
    # gd is stable for lr < 1/3: on the grid 0.316 is stable, 0.562 is not, so 0.316 is never
    # the choice; the best of the rest, 0.178, converges in the fewest steps
    assert rates.search(bowl, (3.0, 1.0), "gd", grid=(0.1, 0.178, 0.316, 0.562)) == 0.178
    assert rates.search(bowl, (3.0, 1.0), "gd", grid=(0.562, 1.0)) is None
    # a rate whose run leaves the picture is not chosen
    view = ((-4.0, 4.0), (-3.0, 3.0))
    assert rates.search(bowl, (3.0, 1.0), "adam", view, grid=(0.1, 3.16, 5.62, 10.0)) == 0.1
