"""Fuzzing the compile endpoint (hypothesis): formulas from the grammar and random text.

Every answer is a 200 whose program's gradient matches central differences of its own value at
a random point, or a 400 with a one-line formula error; never a 5xx, never anything else (but a
503 when the machine is too busy for a job's deadline, which is asked again as the page does).
"""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from gradscape.functions import FUNCTIONS
from gradscape.server import CompilePool, create_app
from gradscape.surface import run_program

FUZZ = settings(
    max_examples=80, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(CompilePool(2))) as c:
        yield c


def _number():
    return st.one_of(
        st.integers(0, 20).map(str),
        st.floats(0.01, 10, allow_nan=False).map(lambda v: f"{v:.3g}"),
        st.sampled_from(["pi", "e"]),
    )


def _formula():
    atom = st.one_of(st.sampled_from(["x", "y"]), _number())

    def grow(inner):
        return st.one_of(
            st.tuples(inner, st.sampled_from([" + ", " - ", " * ", " / ", " "]), inner).map(
                lambda t: f"{t[0]}{t[1]}{t[2]}"
            ),
            st.tuples(inner, st.sampled_from(["2", "3", "0.5", "-1", "y"])).map(
                lambda t: f"({t[0]})^{t[1]}"
            ),
            st.tuples(st.sampled_from(sorted(FUNCTIONS)), inner).map(lambda t: f"{t[0]}({t[1]})"),
            inner.map(lambda f: f"-({f})"),
        )

    return st.recursive(atom, grow, max_leaves=8)


def _compile(client, text: str):
    """POST /api/compile as the page does: a 503 (the machine too busy for the job's deadline,
    with Retry-After) is asked again after the wait, a few times, as model.js's BUSY_RETRIES."""
    for _ in range(4):
        answer = client.post("/api/compile", json={"formula": text})
        if answer.status_code != 503:
            return answer
        time.sleep(float(answer.headers.get("retry-after", "1")))
    return answer


def _check(answer, point):
    assert answer.status_code in (200, 400), answer.text
    body = answer.json()
    if answer.status_code == 400:
        assert isinstance(body["error"], str) and body["error"] and "\n" not in body["error"]
        assert body["column"] is None or isinstance(body["column"], int)
        return
    program = body["program"]
    # variables past the two axes are parameters (sliders), at 1 unless set: "ABC" has three
    extra = [1.0] * (len(program["variables"]) - 2)
    point = (*point, *extra)
    value, grad, _ = run_program(program, list(point))
    assume(np.isfinite(value) and all(np.isfinite(g) for g in grad))
    for i in range(2):
        h = 1e-6 * max(1.0, abs(point[i]))
        up, down = list(point), list(point)
        up[i] += h
        down[i] -= h
        v_up = run_program(program, up)[0]
        v_down = run_program(program, down)[0]
        assume(np.isfinite(v_up) and np.isfinite(v_down))
        numeric = (float(v_up) - float(v_down)) / (2 * h)
        exact = float(grad[i])
        # central differences are exact to about h^2 f''' + eps f / h: allow for both
        scale = max(1.0, abs(exact), abs(float(value)))
        assume(abs(numeric - exact) < 1e6)  # a pole or kink next to the point: no test there
        assert math.isclose(numeric, exact, rel_tol=1e-3, abs_tol=1e-4 * scale), (
            body["formula"],
            point,
            i,
            numeric,
            exact,
        )


@FUZZ
@given(
    formula=_formula(),
    point=st.tuples(st.floats(-2, 2), st.floats(-2, 2)),
)
def test_grammar_formulas_compile_to_a_matching_gradient_or_a_formula_error(client, formula, point):
    _check(_compile(client, formula), point)


@FUZZ
@given(text=st.text(max_size=80), point=st.tuples(st.floats(-2, 2), st.floats(-2, 2)))
@example(text="ABC", point=(0.5, -0.25))  # three variables: the third is a parameter
def test_random_text_gets_a_formula_error_or_a_matching_gradient(client, text, point):
    _check(_compile(client, text), point)
