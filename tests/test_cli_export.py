"""cli/export.py: `gradscape export`, end to end in a subprocess."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from gradscape.export import SIZE_GOAL


def gradscape(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gradscape.cli", *args], capture_output=True, text=True, cwd=cwd
    )


def test_cli_writes_the_file_and_says_how_big(tmp_path):
    out = gradscape("export", "bowl", "-o", str(tmp_path / "bowl.html"), "--also", "x^3 - 3x y^2")
    assert out.returncode == 0, out.stderr
    assert re.fullmatch(r"wrote .*bowl\.html \(\d+ KB\): .*\n", out.stdout)
    assert (tmp_path / "bowl.html").stat().st_size < SIZE_GOAL


def test_cli_takes_options_before_the_formula(tmp_path):
    out = gradscape("export", "-o", str(tmp_path / "r.html"), "--view", "-2,2,-1,3", "rosenbrock")
    assert out.returncode == 0, out.stderr
    assert '"x":[-2.0,2.0],"y":[-1.0,3.0]' in (tmp_path / "r.html").read_text()


def test_cli_names_the_file_after_a_gallery_surface_by_default(tmp_path):
    out = gradscape("export", "himmelblau", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "himmelblau.html").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "-o", "x.html"], "give a formula or a gallery name"),
        (["export", "bowl", "-o", "x.png"], "name a file ending in .html"),
        (["export", "bowl", "-o", "no/such/dir/x.html"], "does not exist"),
        (["export", "w1^2 + foo(w2)", "-o", "x.html"], "Unknown function 'foo'"),
        (["export", "bowl", "--also", "sin(", "-o", "x.html"], "--also 'sin('"),
        (["export", "bowl", "--lesson", "-o", "x.html"], "--lesson exports the lesson"),
        (["export", "bowl", "--view", "1,0,0,1", "-o", "x.html"], "--view takes XMIN,XMAX"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line_and_no_traceback(tmp_path, args, message):
    out = gradscape(*args, cwd=tmp_path)
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr
    assert out.stderr.startswith("gradscape: ")
    assert not (tmp_path / "x.html").exists()


def test_cli_exports_the_lesson(tmp_path):
    out = gradscape("export", "--lesson", "-o", str(tmp_path / "lesson.html"))
    assert out.returncode == 0, out.stderr
    assert "<body" in (tmp_path / "lesson.html").read_text()
