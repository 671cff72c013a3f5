"""`gradscape plot` end to end (a subprocess, as a user runs it) and the notebook API."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

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


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gradscape.cli", "plot", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_one_line_error(r: subprocess.CompletedProcess[str], needle: str) -> None:
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert r.stderr.startswith("gradscape: ") and r.stderr.count("\n") == 1, r.stderr
    assert needle in r.stderr


# --- files ----------------------------------------------------------------------------------


def test_png_has_the_requested_pixel_size_and_is_a_real_picture(tmp_path):
    out = tmp_path / "bowl.png"
    r = run("bowl", "--from", "3,1", "--size", "640x480", "--dpi", "100", "-o", str(out))
    assert r.returncode == 0, r.stderr
    with Image.open(out) as im:
        assert im.format == "PNG" and im.size == (640, 480)
        assert (
            len(np.unique(np.asarray(im.convert("RGB")).reshape(-1, 3), axis=0)) > 500
        )  # a colour map, not a blank canvas


def test_png_is_800_by_600_by_default(tmp_path):
    out = tmp_path / "x.png"
    assert run("x^2 + y^2", "-o", str(out)).returncode == 0
    with Image.open(out) as im:
        assert im.size == (800, 600)


def test_svg_is_valid_xml_with_paths(tmp_path):
    out = tmp_path / "bowl.svg"
    r = run("bowl", "--from", "3,1", "-o", str(out))
    assert r.returncode == 0, r.stderr
    root = ET.parse(out).getroot()
    assert root.tag.endswith("svg")
    assert "<path" in out.read_text()


def test_pdf_starts_with_the_pdf_magic(tmp_path):
    out = tmp_path / "bowl.pdf"
    assert run("rosenbrock", "--from=-1.5,2", "--lr", "0.001", "-o", str(out)).returncode == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_gif_has_one_frame_per_step(tmp_path):
    out = tmp_path / "bowl.gif"
    r = run("bowl", "--from", "3,1", "--lr", "0.1", "--steps", "20", "-o", str(out))
    assert r.returncode == 0, r.stderr
    with Image.open(out) as im:
        assert im.n_frames == 21  # the start and 20 steps (gd has not converged by then)
        assert im.size == (800, 600)


def test_gif_subsamples_long_runs_to_at_most_frames(tmp_path):
    out = tmp_path / "long.gif"
    args = ("bowl", "--from", "3,1", "--from=-3,-2", "--steps", "50", "--frames", "8")
    assert run(*args, "-o", str(out)).returncode == 0
    with Image.open(out) as im:
        assert im.n_frames == 8


def test_gif_without_from_starts_at_the_gallery_start(tmp_path):
    out = tmp_path / "rosen.gif"
    assert run("rosenbrock", "--steps", "4", "-o", str(out)).returncode == 0
    with Image.open(out) as im:
        assert im.n_frames == 5


def test_one_variable_formula_is_padded_and_takes_a_single_coordinate(tmp_path):
    out = tmp_path / "one.png"
    r = run("x^2 - cos(3x)", "--from", "2", "-o", str(out))
    assert r.returncode == 0, r.stderr


def test_several_runs_with_one_optimizer_each_and_a_custom_view(tmp_path):
    out = tmp_path / "two.png"
    args = ("bowl", "--from", "3,1", "--from=-3,-2", "--optimizer", "gd", "--optimizer", "adam")
    r = run(*args, "--view=-5,5,-3,3", "--aspect", "auto", "-o", str(out))
    assert r.returncode == 0, r.stderr


# --- bad input: one line, exit 2, no traceback ------------------------------------------------


def test_unknown_extension_lists_the_supported_ones(tmp_path):
    r = run("bowl", "-o", str(tmp_path / "out.jpg"))
    assert_one_line_error(r, "out.jpg")
    for ext in (".png", ".svg", ".pdf", ".gif", ".mp4"):
        assert ext in r.stderr


def test_missing_output_directory_is_named(tmp_path):
    r = run("bowl", "-o", str(tmp_path / "nope" / "out.png"))
    assert_one_line_error(r, "does not exist")


def test_bad_formula_exits_2_without_a_traceback(tmp_path):
    r = run("x + foo(y)", "-o", str(tmp_path / "f.png"))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert r.stderr.startswith("gradscape: ")
    assert not (tmp_path / "f.png").exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("x + y + z",), "two variables"),
        (("x^2 + y^2", "--from", "1,2,3"), "--from"),
        (("bowl", "--from", "3,1", "--from", "1,1", *["--optimizer", "gd"] * 3), "--optimizer"),
        (("bowl", "--view", "1,2,3"), "--view"),
        (("bowl", "--view=2,1,0,1"), "min < max"),
        (("bowl", "--size", "big"), "--size"),
        (("bowl", "--from", "3,1", "--lr", "-1"), "lr"),
        (("log(x) + y", "--from=-1,0"), "undefined"),
    ],
)
def test_bad_options_exit_2_with_one_clear_line(tmp_path, args, needle):
    assert_one_line_error(run(*args, "-o", str(tmp_path / "p.png")), needle)


def test_gif_of_a_plain_formula_without_from_asks_for_one(tmp_path):
    assert_one_line_error(run("x^2 + 2y^2", "-o", str(tmp_path / "a.gif")), "--from")


@pytest.mark.skipif(shutil.which("ffmpeg") is not None, reason="ffmpeg is installed")
def test_mp4_without_ffmpeg_says_to_install_it_or_use_gif(tmp_path):
    r = run("bowl", "--from", "3,1", "-o", str(tmp_path / "a.mp4"))
    assert_one_line_error(r, "ffmpeg")
    assert ".gif" in r.stderr


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


def test_gif_frames_share_one_palette_so_the_file_stays_small(tmp_path):
    out = tmp_path / "bowl.gif"
    r = run("bowl", "--from", "3,1", "--steps", "60", "-o", str(out))
    assert r.returncode == 0, r.stderr
    from PIL import Image

    with Image.open(out) as im:
        assert im.n_frames == 61
    # a palette a frame made every pixel differ from frame to frame: ~5 MB for these 61 frames
    assert out.stat().st_size < 1_000_000
