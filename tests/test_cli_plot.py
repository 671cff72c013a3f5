"""cli/plot.py: `gradscape plot`, end to end in a subprocess: files, options and refusals."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image


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
        colours = len(np.unique(np.asarray(im.convert("RGB")).reshape(-1, 3), axis=0))
        assert 150 < colours <= 256  # a colour map in a palette PNG, not a blank canvas


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


def test_the_plot_command_parses_its_formula_once(tmp_path, parses):
    from gradscape.cli import main

    assert main(["plot", "x^2", "--from", "1", "-o", str(tmp_path / "p.png")]) == 0
    assert parses == ["x^2"]


def test_gif_frames_share_one_palette_so_the_file_stays_small(tmp_path):
    out = tmp_path / "bowl.gif"
    r = run("bowl", "--from", "3,1", "--steps", "60", "-o", str(out))
    assert r.returncode == 0, r.stderr
    from PIL import Image

    with Image.open(out) as im:
        assert im.n_frames == 61
    # a palette a frame made every pixel differ from frame to frame: ~5 MB for these 61 frames
    assert out.stat().st_size < 1_000_000


def test_three_variables_are_refused_in_plots_own_words():
    r = run("x y z", "-o", "never.png")
    assert_one_line_error(r, "plot draws a surface of two variables; this formula has 3")
    assert "explorer" not in r.stderr


def test_optimizer_names_are_accepted_in_any_case(tmp_path):
    r = run("bowl", "--optimizer", "RMSProp", "--steps", "3", "-o", str(tmp_path / "b.png"))
    assert r.returncode == 0, r.stderr
