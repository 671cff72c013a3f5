"""cli/formula.py: `gradscape grad`, `descend` and `gallery`, end to end in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gradscape.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_grad_prints_value_partials_gradient_and_descent_direction():
    r = run("grad", "w1^2 + 3w2^2", "--at", "3,1")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "dL/dw1 = 2 w1" in out and "dL/dw2 = 6 w2" in out
    assert "= 12" in out
    assert "(6, 6)" in out
    assert "8.48528" in out  # |(6, 6)|
    assert "(-0.707107, -0.707107)" in out


def test_grad_json_has_the_documented_fields():
    r = run("grad", "w1^2 + 3w2^2", "--at", "0,1", "--json")
    data = json.loads(r.stdout)
    assert data["variables"] == ["w1", "w2"]
    assert data["point"] == [0.0, 1.0]
    assert data["value"] == 3.0
    assert data["gradient"] == [0.0, 6.0]
    assert data["partials"] == ["2 w1", "6 w2"]


def test_grad_json_writes_null_where_undefined():
    r = run("grad", "log(x) + y", "--at", "-1,0", "--json")
    assert r.returncode == 0
    data = json.loads(r.stdout)
    assert data["value"] is None and data["gradient"] == [None, None]


def test_grad_says_undefined_in_words():
    r = run("grad", "log(x) + y", "--at", "-1,0")
    assert "undefined" in r.stdout


def test_negative_coordinates_and_formulas_starting_with_minus_work():
    r = run("grad", "-x^2 - y^2", "--at", "-1,-2", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["gradient"] == [2.0, 4.0]


def test_gallery_names_work_wherever_a_formula_does():
    r = run("grad", "rosenbrock", "--at", "1,1", "--json")
    assert json.loads(r.stdout)["gradient"] == [0.0, 0.0]


def test_variables_option_sets_the_order():
    r = run("grad", "w1^2 + 3w2^2", "--at", "1,3", "--variables", "w2,w1", "--json")
    assert json.loads(r.stdout)["gradient"] == [6.0, 6.0]


def test_descend_prints_a_table_and_why_it_stopped():
    r = run("descend", "w1^2 + 3w2^2", "--from", "3,1", "--lr", "0.1", "--steps", "50")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[1].split() == ["step", "w1", "w2", "L", "|grad|"]
    assert lines[2].split()[:3] == ["0", "3", "1"]
    assert "max" in lines[-1] or "converged" in lines[-1]


def test_descend_json_with_adam_converges_on_the_bowl():
    r = run("descend", "bowl", "--from", "3,1", "--optimizer", "adam", "--steps", "2000", "--json")
    data = json.loads(r.stdout)
    assert data["optimizer"] == "adam"
    assert data["stopped"] == "converged"
    assert max(abs(c) for c in data["points"][-1]) < 1e-3


def test_descend_reports_divergence():
    r = run("descend", "bowl", "--from", "3,1", "--lr", "0.5", "--steps", "500", "--json")
    assert json.loads(r.stdout)["stopped"] == "diverged"


def test_gallery_lists_names_and_formulas():
    r = run("gallery")
    assert r.returncode == 0
    assert r.stdout.splitlines()[0].split()[:2] == ["bowl", "w1^2"]
    assert "rosenbrock" in r.stdout and "himmelblau" in r.stdout
