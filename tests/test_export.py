"""`gradscape export`: one self-contained HTML file with a strict, hash-based CSP."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re

import pytest

from gradscape import GALLERY
from gradscape.export import SIZE_GOAL, export_data, export_html, export_lesson_html

MODULE = re.compile(r'<script type="module">(.*?)</script>', re.S)
DATA = re.compile(r'<script type="application/json" id="gradscape-data">(.*?)</script>', re.S)
CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


@pytest.fixture(scope="module")
def bowl() -> str:
    return export_html("w1^2 + 3w2^2", also=["sin(x) cos(y)"])


def test_one_surface_exports_under_the_size_goal(bowl):
    size = len(bowl.encode("utf-8"))
    assert size < SIZE_GOAL == 450_000, f"{size} bytes"


def test_export_has_one_module_script_allowed_by_its_hash_and_nothing_else(bowl):
    (code,) = MODULE.findall(bowl)
    (policy,) = CSP.findall(bowl)
    policy = html.unescape(policy)
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == f"'sha256-{sha256(code)}'"
    assert directives["style-src"] == "'unsafe-inline'"
    assert directives["img-src"] == "data: blob:"
    assert directives["worker-src"] == "blob:"  # the slice engine's worker, from its source
    assert "unsafe-eval" not in policy
    # every script is the module or inert JSON; nothing is loaded from outside
    scripts = re.findall(r"<script\b([^>]*)>", bowl)
    assert sorted(scripts) == sorted(
        [' type="module"', ' type="application/json" id="gradscape-data"']
    )
    assert not re.search(r'\b(?:src|href)="(?!data:)', bowl)
    assert "eval(" not in code and "new Function" not in code


def test_csp_meta_comes_before_any_script(bowl):
    assert bowl.index("Content-Security-Policy") < bowl.index("<script")


def test_data_block_holds_the_formula_the_extras_and_the_gallery_without_latex(bowl):
    (raw,) = DATA.findall(bowl)
    assert "<" not in raw  # written \\u003c: nothing in the data can end the element
    data = json.loads(raw)
    surfaces = data["surfaces"]
    assert surfaces[data["initial"]]["formula"] == "w1^2 + 3w2^2"
    assert {s["formula"] for s in surfaces} >= {
        "sin(x) cos(y)",
        *(e.formula for e in GALLERY.values()),
    }
    assert all("latex" not in s and all("latex" not in p for p in s["partials"]) for s in surfaces)
    menu = {e["name"]: e for e in data["gallery"]}
    assert menu["sin(x) cos(y)"]["formula"] == "sin(x) cos(y)"
    assert set(GALLERY) <= set(menu)


def test_the_same_formula_is_compiled_in_once():
    data = export_data("bowl", also=["w1^2+3w2^2", "x^2 + y^2", "x^2+y^2"])
    formulas = ["".join(s["formula"].split()) for s in data["surfaces"]]
    assert len(formulas) == len(set(formulas))


def test_view_option_sets_the_opening_window():
    data = export_data("x^2 + y^2", view=((-1, 2), (-3, 0.5)))
    assert data["surfaces"][0]["view"] == {"x": [-1.0, 2.0], "y": [-3.0, 0.5]}


def test_bad_formulas_raise_one_line_errors_naming_which():
    with pytest.raises(ValueError, match=r"^the formula 'foo\(': Unknown function"):
        export_html("foo(")
    many = " ".join(f"p{i}" for i in range(11))
    with pytest.raises(ValueError, match=rf"^--also '{many}': This formula has 11 variables"):
        export_html("bowl", also=[many])


@pytest.fixture(scope="module")
def lesson() -> str:
    return export_lesson_html()


def test_lesson_export_allows_exactly_its_inline_modules(lesson):
    codes = MODULE.findall(lesson)
    assert codes
    (policy,) = CSP.findall(lesson)
    script_src = next(d for d in html.unescape(policy).split(";") if "script-src" in d)
    assert sorted(script_src.split()[1:]) == sorted(f"'sha256-{sha256(c)}'" for c in codes)
    assert "unsafe" not in script_src
    assert lesson.index("Content-Security-Policy") < lesson.index("<script")
    assert not re.search(r'<(?:script|link)\b[^>]*\b(?:src|href)="(?!data:)[^"#]', lesson)
