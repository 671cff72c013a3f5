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


# --- what kind of point (issue 13, defect 4) ----------------------------------------------------


def test_an_undefined_gradient_is_called_undefined_not_a_flat_point():
    r = run("grad", "sqrt(x^2+y^2)", "--at", "0,0")
    assert r.returncode == 0, r.stderr
    assert "flat point" not in r.stdout
    assert "The gradient is undefined here (dL/dx, dL/dy have no value" in r.stdout


def test_an_undefined_gradient_has_a_null_descent_direction_in_json():
    for formula, at in [("sqrt(x^2+y^2)", "0,0"), ("1/x", "0"), ("log(x)", "-1")]:
        data = json.loads(run("grad", formula, "--at", at, "--json").stdout)
        assert data["descent_direction"] is None, formula
        assert data["gradient_status"] in ("undefined", "value_undefined"), formula


def test_a_kink_is_called_a_kink_with_the_slopes_on_either_side():
    r = run("grad", "abs(x)", "--at", "0")
    assert "flat point" not in r.stdout
    assert "Not differentiable here: a kink (dL/dx jumps from -1 to 1 across x = 0)" in r.stdout
    assert "no single value: -1 just below x = 0, 1 just above" in r.stdout


def test_a_kink_in_json_has_null_partials_where_it_jumps_and_the_one_sided_values():
    data = json.loads(run("grad", "abs(x) + x/2 + y^2", "--at", "0,1", "--json").stdout)
    assert data["gradient_status"] == "kink"
    assert data["gradient"] == [None, 2.0]
    assert data["descent_direction"] is None and data["gradient_norm"] is None
    assert data["one_sided"] == {"x": [-0.5, 1.5]}


def test_a_point_just_beside_a_kink_is_differentiable():
    data = json.loads(run("grad", "abs(x)", "--at", "1e-9", "--json").stdout)
    assert data["gradient_status"] == "defined" and data["gradient"] == [1.0]


def test_a_true_flat_point_is_still_a_flat_point():
    r = run("grad", "x^2 + y^2", "--at", "0,0")
    assert "none: the gradient is zero (a flat point)" in r.stdout
    data = json.loads(run("grad", "x^2 + y^2", "--at", "0,0", "--json").stdout)
    assert data["gradient_status"] == "zero" and data["descent_direction"] is None


# --- constants, gallery hints, optimizer names (issue 13, defect 11) ------------------------------


def test_grad_of_a_constant_shows_its_value_and_says_there_is_no_gradient():
    r = run("grad", "2+pi")
    assert r.returncode == 0, r.stderr
    assert "L  = 5.14159" in r.stdout
    assert "L has no variables: it is the constant 5.14159 everywhere" in r.stdout
    data = json.loads(run("grad", "3", "--at", "1", "--json").stdout)
    assert data["value"] == 3.0 and data["gradient"] == [] and data["variables"] == []


def test_grad_without_at_asks_for_the_point():
    r = run("grad", "x^2")
    assert r.returncode == 2 and "give the point with --at" in r.stderr


def test_descend_refuses_a_constant_saying_there_is_nothing_to_move():
    r = run("descend", "3", "--from", "1")
    assert r.returncode == 2
    assert "L = 3 has no variables, so there is nothing to descend" in r.stderr


def test_a_misspelt_gallery_name_gets_a_suggestion():
    r = run("grad", "rosenbrok", "--at", "1,2")
    assert r.returncode == 2
    assert "'rosenbrok' is not a gallery name: did you mean 'rosenbrock'?" in r.stderr
    r = run("grad", "banana", "--at", "1,2")  # a word of the title: Rosenbrock's banana valley
    assert "did you mean 'rosenbrock'?" in r.stderr
    assert "needs 1 finite number (banana)" in r.stderr  # one number, not "1 finite numbers"


def test_a_bare_name_close_to_a_gallery_name_is_noted_when_it_still_works():
    r = run("grad", "bowls", "--at", "1")
    assert r.returncode == 0
    assert "did you mean 'bowl'? It is read as a variable." in r.stderr


def test_optimizer_names_are_accepted_in_any_case():
    r = run("descend", "bowl", "--from", "3,1", "--optimizer", "Adam", "--steps", "3", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["optimizer"] == "adam"


# --- what a converged run's end point is ----------------------------------------------------------


def test_descend_says_a_converged_run_ended_at_a_saddle():
    r = run("descend", "saddle", "--from", "1,0")
    assert r.returncode == 0, r.stderr
    assert "converged" in r.stdout
    assert "The end point is a saddle point, not a minimum" in r.stdout
    data = json.loads(run("descend", "saddle", "--from", "1,0", "--json").stdout)
    assert data["end_point"]["kind"] == "saddle"
    assert sorted(data["end_point"]["hessian_eigenvalues"]) == [-2.0, 2.0]


def test_descend_says_a_minimum_is_a_minimum():
    data = json.loads(run("descend", "bowl", "--from", "3,1", "--json").stdout)
    assert data["stopped"] == "converged" and data["end_point"]["kind"] == "minimum"


def test_descend_says_a_run_that_stopped_on_a_kink_stopped_on_a_kink():
    r = run("descend", "abs(x) + abs(y)", "--from", "1,0.5", "--lr", "0.25")
    assert "The end point is a kink, not a flat point" in r.stdout
