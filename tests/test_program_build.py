"""program/build.py: ops built from the parse tree, each part once, pruned, within MAX_OPS."""

from __future__ import annotations

import json

import pytest

from gradscape import Surface
from gradscape.functions import OPS
from gradscape.gallery import GALLERY
from gradscape.program import MAX_OPS, CompileError, build_program


def test_program_shares_common_subexpressions():
    # exp(-(x^2+y^2)) appears in the value and in both partials: it is computed once
    program = Surface("exp(-(x^2 + y^2))").program()
    assert sum(op[0] == "exp" for op in program["ops"]) == 1
    assert len(program["ops"]) == len({json.dumps(op) for op in program["ops"]})


def test_program_is_json_ready_and_uses_only_known_ops():
    for entry in GALLERY.values():
        program = Surface(entry.formula).program(hessian=True)
        json.dumps(program, allow_nan=False)
        assert {op[0] for op in program["ops"]} <= set(OPS)
        for i, (_, *args) in enumerate(program["ops"]):
            if program["ops"][i][0] not in ("x", "c", "powi"):
                assert all(0 <= a < i for a in args)


def test_powers_compile_to_exact_repeated_squaring():
    program = Surface("x^3").program()
    assert ["powi", 0, 3] in program["ops"]
    assert Surface("x^3").value((1.1,)) == 1.1 * (1.1 * 1.1)


def test_huge_derivative_is_refused_with_compile_error(monkeypatch):
    monkeypatch.setattr("gradscape.program.build.MAX_OPS", 10)
    with pytest.raises(CompileError, match="over 10 operations"):
        Surface("sin(x) cos(y) exp(x y) + x^5 y^7")
    assert MAX_OPS > 1000


def test_constant_factors_fold_into_one():
    program = Surface("w1^2 + 3w2^2").program()
    assert ["c", 6.0] in program["ops"]


def test_build_program_is_the_entry_surface_uses():
    s = Surface("sin(x) y + x^2")
    assert build_program(s.variables, s.tree) == s.program()
    assert build_program(s.variables, s.tree, hessian=True) == s.program(hessian=True)
