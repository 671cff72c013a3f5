"""plot.py: the matplotlib library: what a figure and an animation show."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image

from gradscape import gallery
from gradscape.descent import descend
from gradscape.plot import plot_surface, save_animation
from gradscape.surface import Surface

# --- the Python API -----------------------------------------------------------------------------

BOWL = gallery.get("bowl")
assert BOWL is not None


def path_lines(fig: Figure) -> dict[str, Line2D]:
    """The labelled descent paths drawn on the figure's main axes, by legend label."""
    return {
        str(line.get_label()): line
        for line in fig.axes[0].get_lines()
        if not str(line.get_label()).startswith(("_", "known"))
    }


def legend_texts(fig: Figure) -> list[str]:
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
    return [t.get_text() for legend in legends for t in legend.get_texts()]


def test_descent_path_drawn_ends_at_the_bowls_minimum():
    s = Surface(BOWL.formula)
    fig = plot_surface(s, [descend(s, (3, 1), lr=0.1, steps=200)], view=BOWL.view)
    (label, line), *_ = path_lines(fig).items()
    xy = line.get_xydata()
    assert label.startswith("gd, lr 0.1: L = ")
    assert np.allclose(xy[0], (3, 1))
    assert np.allclose(xy[-1], (0, 0), atol=1e-3)
    assert any("steepest descent (−∇L)" in t for t in legend_texts(fig))


def test_each_run_gets_its_own_colour_and_legend_entry():
    s = Surface(BOWL.formula)
    runs = [descend(s, (3, 1), optimizer=o) for o in ("gd", "adam", "momentum")]
    lines = path_lines(plot_surface(s, runs, minima=BOWL.minima))
    assert [label.split(",")[0] for label in lines] == ["gd", "adam", "momentum"]
    assert len({line.get_color() for line in lines.values()}) == 3


def test_a_diverging_run_is_clipped_to_the_view_and_says_so():
    s = Surface(BOWL.formula)
    run_ = descend(s, (3, 1), lr=0.5, steps=200)
    assert run_.stopped == "diverged"
    fig = plot_surface(s, [run_], view=BOWL.view)
    ax = fig.axes[0]
    assert ax.get_xlim() == BOWL.view[0] and ax.get_ylim() == BOWL.view[1]
    (label, line), *_ = path_lines(fig).items()
    assert "diverged" in label and "left the view" in label
    assert np.abs(line.get_xydata()).max() < 100  # pulled back, not 1e6 out


def test_contour_levels_are_log_spaced_when_the_loss_spans_decades():
    rosen = gallery.get("rosenbrock")
    assert rosen is not None

    def colorbar_ticks(formula: str, view) -> np.ndarray:
        fig = plot_surface(Surface(formula), view=view)
        return np.array(fig.axes[1].get_yticks())

    log = colorbar_ticks(rosen.formula, rosen.view)
    assert len(log) >= 4 and np.all(np.diff(np.log10(log)) > 0.2)  # factors, not steps
    assert np.ptp(np.log10(log)) >= 3  # several decades
    linear = colorbar_ticks(BOWL.formula, BOWL.view)
    assert np.allclose(np.diff(linear), np.diff(linear)[0])


def test_axes_and_title_are_typeset_as_math():
    fig = plot_surface(Surface("w1^2 + 3w2^2"))
    ax = fig.axes[0]
    assert ax.get_xlabel() == "$w_{1}$" and ax.get_ylabel() == "$w_{2}$"
    assert ax.get_title().startswith("$L(w_{1}, w_{2}) = ") and "w_{1}^{2}" in ax.get_title()
    assert ax.get_aspect() == 1.0


def test_undefined_region_is_marked_in_the_legend():
    fig = plot_surface(Surface("log(x) + y^2"))
    assert "L undefined" in legend_texts(fig)


def test_plot_surface_draws_on_a_given_axes():
    fig = Figure()
    ax: Axes = fig.add_subplot()
    s = Surface("x^2 + y^2")
    assert plot_surface(s, [descend(s, (2, 1))], ax=ax) is fig
    assert ax.get_legend() is not None


def test_save_animation_subsamples_to_frames(tmp_path):
    s = Surface(BOWL.formula)
    runs = [descend(s, (3, 1), steps=40), descend(s, (-3, -2), optimizer="adam", steps=25)]
    out = tmp_path / "a.gif"
    save_animation(s, runs, out, view=BOWL.view, frames=10, size=(400, 300), dpi=80)
    with Image.open(out) as im:
        assert im.n_frames == 10 and im.size == (400, 300)


def test_save_animation_refuses_other_formats_and_no_runs(tmp_path):
    s = Surface("x^2 + y^2")
    with pytest.raises(ValueError, match="gif"):
        save_animation(s, [descend(s, (1, 1))], tmp_path / "a.png")
    with pytest.raises(ValueError, match="--from"):
        save_animation(s, [], tmp_path / "a.gif")


def test_a_png_is_written_in_256_colours_at_a_fraction_of_the_bytes(tmp_path):
    from gradscape.plot import png_bytes, save_figure

    s = Surface("w1^2 + 3w2^2")
    fig = plot_surface(s, [descend(s, (3, 1))])
    fig.savefig(tmp_path / "first.png")  # the constrained layout settles on the first drawing
    full = tmp_path / "full.png"
    fig.savefig(full)
    small = tmp_path / "small.png"
    save_figure(fig, small)
    assert small.read_bytes() == png_bytes(fig)
    with Image.open(small) as a, Image.open(full) as b:
        assert a.mode == "P" and a.size == b.size
        diff = np.abs(np.asarray(a.convert("RGB"), float) - np.asarray(b.convert("RGB"), float))
    assert diff.mean() < 1.5 and np.percentile(diff, 99.9) < 32  # the same picture to the eye
    assert small.stat().st_size < 0.5 * full.stat().st_size
    with Image.open(small) as a, Image.open(full) as b:  # its dpi and text as matplotlib wrote them
        assert a.info["dpi"] == pytest.approx(b.info["dpi"]) and "Software" in a.info
    # other formats are matplotlib's own
    save_figure(fig, tmp_path / "f.svg")
    assert (tmp_path / "f.svg").read_text().lstrip().startswith("<?xml")
