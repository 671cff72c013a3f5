"""gradscape.bundle: the front end's folders joined into one module, and loud refusals."""

from __future__ import annotations

import re

import pytest

from gradscape.bundle import STATIC, BundleError, _resolve, _transform, bundle

ENTRIES = ["hosts/widget.js", "hosts/export.js", "lesson/lesson.js"]


def test_imports_resolve_against_the_importing_modules_folder() -> None:
    assert _resolve("explorer/plot2d.js", "../core/view.js") == "core/view.js"
    assert _resolve("explorer/plot2d.js", "./readout.js") == "explorer/readout.js"
    assert _resolve("lesson/lesson.js", "../hosts/lesson-explorer.js") == "hosts/lesson-explorer.js"


def test_an_import_that_leaves_static_is_refused() -> None:
    with pytest.raises(BundleError, match="leaves static/"):
        _resolve("core/view.js", "../../secrets.js")


def test_a_cross_folder_import_binds_the_other_folders_module() -> None:
    code, deps = _transform("explorer/x.js", 'import { a, b as c } from "../core/y.js";\n')
    assert deps == ["core/y.js"]
    assert "const { a, b: c } = __gs_core_y;" in code


@pytest.mark.parametrize(
    "line",
    [
        'import x from "../core/y.js";',  # default import
        'import * as y from "./y.js";',  # namespace import
        'import { a } from "/static/core/y.js";',  # absolute path
        'import { a } from "core/y.js";',  # bare specifier
        'export * from "./y.js";',
    ],
)
def test_forms_it_does_not_understand_fail_loudly(line: str) -> None:
    with pytest.raises(BundleError, match="cannot bundle"):
        _transform("explorer/x.js", line + "\n")


@pytest.mark.parametrize("entry", ENTRIES)
def test_each_entry_becomes_one_module_with_no_imports_left(entry: str) -> None:
    code = bundle(entry)
    assert not re.search(r"^\s*import\b(?!\()", code, re.M)
    # every module the entry reaches is in it once, named by its path under static/
    names = re.findall(r"^// ---- (\S+)$", code, re.M)
    assert len(names) == len(set(names)) and names[-1] == entry
    for name in names:
        assert (STATIC / name).is_file(), name


def test_shared_modules_come_from_core() -> None:
    names = re.findall(r"^// ---- (\S+)$", bundle("hosts/widget.js"), re.M)
    assert {"core/evaluator.js", "core/paint.js", "explorer/explorer.js"} <= set(names)
    # dependencies first: the evaluator before the explorer that uses it
    assert names.index("core/evaluator.js") < names.index("explorer/explorer.js")
