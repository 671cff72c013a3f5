"""The JavaScript modules' own unit tests (tests/js/*.test.mjs, node's built-in test runner on the
ES modules directly), run as part of pytest so CI runs them with everything else."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from gradscape import Surface
from gradscape.bundle import bundle

ROOT = Path(__file__).resolve().parents[1]
NODE = shutil.which("node")
# CI installs node (scripts/test), so there a missing node is a failure, not a skip
needs_node = pytest.mark.skipif(
    NODE is None and not os.environ.get("CI"),
    reason="node is not installed (scripts/test installs Debian's nodejs)",
)


@needs_node
def test_the_js_unit_tests_pass() -> None:
    assert NODE, "node is missing: scripts/test installs Debian's nodejs"
    files = sorted(str(p) for p in (ROOT / "tests" / "js").glob("*.test.mjs"))
    assert len(files) >= 5
    run = subprocess.run(
        [str(NODE), "--test", *files], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout


@needs_node
def test_a_bundle_behaves_like_its_modules(tmp_path: Path) -> None:
    """bundle() joins a module and what it imports (across folders) into one working module:
    the bundled lesson descent gives exactly what the separate modules give."""
    assert NODE, "node is missing: scripts/test installs Debian's nodejs"
    (tmp_path / "bundled.mjs").write_text(bundle("lesson/descent.js"), encoding="utf-8")
    direct = (ROOT / "src" / "gradscape" / "static" / "lesson" / "descent.js").as_uri()
    program = Surface("w1^2 + 3w2^2").program()
    script = f"""
      const program = {json.dumps(program)};
      const a = await import({json.dumps((tmp_path / "bundled.mjs").as_uri())});
      const b = await import({json.dumps(direct)});
      console.log(JSON.stringify([a.descend(program, [3, 1], 0.1), b.descend(program, [3, 1], 0.1),
                                  Object.keys(a).sort(), Object.keys(b).sort()]));
    """
    run = subprocess.run(
        [str(NODE), "--input-type=module", "-e", script],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    bundled, separate, keys_a, keys_b = json.loads(run.stdout)
    assert bundled == separate and len(bundled["points"]) == 41
    assert keys_a == keys_b
