"""cli/__init__.py: the `gradscape` command: its parser, its errors, its imports (subprocesses)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gradscape.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("grad", "x + foo(y)", "--at", "1,2"), "foo*("),
        (("grad", "x^2", "--at", "1,2"), "needs 1 finite number"),
        (("grad", "x^2 + y", "--at", "a,b"), "numbers separated by commas"),
        (("grad", "9^9^9", "--at", "1"), "9^9^9"),
        (("descend", "bowl", "--from", "3,1", "--lr", "-1"), "lr"),
        (("descend", "bowl", "--from", "3,1", "--set", "beta"), "NAME=NUMBER"),
        (("descend", "bowl", "--from", "3,1", "--optimizer", "sgd2"), "invalid choice"),
        (("grad",), "required"),
        (("frobnicate",), "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line_and_no_traceback(args, needle):
    r = run(*args)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert needle in r.stderr
    assert r.stderr.startswith("gradscape: ")


def test_formula_errors_show_a_caret_under_the_column():
    r = run("grad", "x + foo(y)", "--at", "1,2")
    lines = r.stderr.splitlines()
    assert lines[1].strip() == "x + foo(y)"
    assert lines[2].index("^") - lines[1].index("x") == 4


def test_help_lists_the_commands():
    r = run("--help")
    assert r.returncode == 0
    for cmd in ("serve", "grad", "descend", "gallery"):
        assert cmd in r.stdout


def test_gallery_output_piped_into_a_reader_that_leaves_early_is_quiet():
    r = subprocess.run(
        f"{sys.executable} -m gradscape.cli gallery | head -1",
        shell=True,
        capture_output=True,
        text=True,
    )
    assert r.stdout.startswith("bowl") and "Traceback" not in r.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("descend", "bowl", "--from", "3,1", "--set", "lr=0.3"), "--lr"),
        (("serve", "--port", "70000"), "0 to 65535"),
        (("grad", "x^4", "--at", "2", "--json"), None),
    ],
)
def test_more_bad_or_edge_input_never_shows_a_traceback(args, needle):
    r = run(*args)
    assert "Traceback" not in r.stderr
    if needle:
        assert r.returncode == 2 and needle in r.stderr
    else:
        assert r.returncode == 0 and json.loads(r.stdout)["gradient"] == [32.0]


def test_a_formula_starting_with_minus_is_reported_without_the_protecting_space():
    r = run("grad", "-x", "--at", "1", "--json")
    assert json.loads(r.stdout)["formula"] == "-x"


def test_grad_does_not_import_matplotlib():
    code = (
        "import contextlib, io, json, sys\n"
        "from gradscape.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['grad', 'bowl', '--at', '3,1', '--json'])\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib')))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == []
