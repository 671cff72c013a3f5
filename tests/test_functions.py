"""The one table: Python's ops and the browser evaluator's ops are the same list."""

from __future__ import annotations

import json
import re
from importlib import resources

import numpy as np
import pytest

from gradscape.formula import FormulaError, parse
from gradscape.functions import FUNCTIONS, OPS, SYMPY_OPS, _powi


def test_browser_evaluator_implements_exactly_the_python_ops():
    js = (resources.files("gradscape") / "static" / "core" / "evaluator.js").read_text()
    line = re.search(r"^export const OP_NAMES = (\[.*\]);$", js, re.M)
    assert line, "evaluator.js must declare OP_NAMES on one line"
    assert json.loads(line[1]) == list(OPS)


def test_every_function_a_user_may_type_parses_and_has_an_op():
    for name, fn in FUNCTIONS.items():
        assert fn.op in OPS
        parse(f"{name}(x)")


def test_a_name_not_in_the_table_is_not_a_function():
    with pytest.raises(FormulaError, match="Unknown function 'sec'"):
        parse("sec(x)")


def test_sympy_classes_map_to_ops():
    assert set(SYMPY_OPS.values()) <= set(OPS)


@pytest.mark.parametrize("n", [-7, -1, 0, 1, 2, 3, 10, 64])
def test_powi_is_exact_repeated_squaring(n):
    x = np.array([1.1, -0.7, 3.0])
    np.testing.assert_allclose(_powi(x, n), x**n, rtol=1e-14)


def test_log_is_undefined_at_zero_as_outside_its_domain():
    """log(0) is not a number, so exp(log(x)) is NaN at 0, as typed (the browser agrees)."""
    with np.errstate(all="ignore"):
        got = OPS["log"].numpy(np.array([0.0, -0.0, -1.0, 1.0, np.e]))
    np.testing.assert_array_equal(np.isnan(got), [True, True, True, False, False])
    np.testing.assert_allclose(got[3:], [0.0, 1.0])
