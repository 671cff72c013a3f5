"""plot.py's one-variable figure: a formula of its first variable alone is drawn as its curve
with the runs on it, as the explorer's 1D view draws it (static/explorer/curve1d.js); the L range
follows the browser's rule (curveRange, run in node on the same values)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib.patches import Rectangle

from gradscape.descent import descend
from gradscape.plot import curve_range, is_curve, plot_surface, save_animation
from gradscape.surface import Surface

ROOT = Path(__file__).resolve().parents[1]
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(
    NODE is None and not os.environ.get("CI"), reason="node is not installed"
)
CURVE_JS = ROOT / "src" / "gradscape" / "static" / "explorer" / "curve1d.js"


@pytest.mark.parametrize("variables", [None, ("x", "y")])
def test_a_formula_of_one_variable_is_drawn_as_its_curve_with_the_run_on_it(variables):
    s = Surface("x^4 - 3x^2", variables)
    assert is_curve(s)
    run = descend(s, (1.6,) if variables is None else (1.6, 0.5), "gd", lr=0.05, steps=50)
    fig = plot_surface(s, [run], view=((-2.5, 2.5), (-1, 1)))
    (ax,) = fig.axes  # no colour bar: no heatmap
    assert not ax.images
    curve = ax.lines[0]
    x, y = curve.get_xdata(), curve.get_ydata()
    np.testing.assert_allclose(y, x**4 - 3 * x**2, rtol=1e-12, atol=1e-12)
    # the run's line: each step's x and its L, so the path lies on the curve
    path = next(line for line in ax.lines if str(line.get_label()).startswith("gd"))
    np.testing.assert_array_equal(path.get_xdata(), run.points[:, 0])
    np.testing.assert_array_equal(path.get_ydata(), run.values)
    assert ax.get_xlabel() == "$x$" and ax.get_ylabel() == "$L$"
    assert ax.get_title().startswith("$L(x) =")


def test_a_surface_of_two_variables_is_still_a_heatmap():
    s = Surface("x^2 + 3y^2")
    assert not is_curve(s)
    assert plot_surface(s).axes[0].images


def test_a_curve_animates_along_the_curve(tmp_path):
    s = Surface("x^4 - 3x^2", ["x", "y"])
    out = tmp_path / "roll.gif"
    save_animation(s, [descend(s, (1.6, 0.0), "gd", lr=0.05, steps=20)], out, frames=5)
    assert out.stat().st_size > 1000


CASES = {
    "quartic": [x**4 - 3 * x**2 for x in np.linspace(-4, 4, 401)],
    "pole": [1 / x if x else float("nan") for x in np.linspace(-2, 2, 400)],
    "wall": [np.exp(x) for x in np.linspace(-3, 30, 300)],
    "constant": [2.5] * 50,
    "zero": [0.0] * 10,
    "nothing": [float("nan")] * 10,
}


@needs_node
def test_the_curves_range_is_the_browsers():
    data = {k: [None if v != v else v for v in vals] for k, vals in CASES.items()}
    script = f"""
      const c = await import({json.dumps(CURVE_JS.as_uri())});
      const chunks = [];
      for await (const chunk of process.stdin) chunks.push(chunk);
      const data = JSON.parse(Buffer.concat(chunks).toString());
      const out = {{}};
      for (const [k, list] of Object.entries(data)) {{
        out[k] = c.curveRange(list.map((v) => v ?? NaN));
      }}
      console.log(JSON.stringify(out));
    """
    done = subprocess.run(
        [NODE or "node", "--input-type=module", "-e", script],
        input=json.dumps(data), capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    js = json.loads(done.stdout)
    for name, values in CASES.items():
        got = curve_range(np.array(values, dtype=float))
        np.testing.assert_allclose(got, js[name], rtol=1e-15, err_msg=name)
    # a pole does not squash the curve: the range is far narrower than the values'
    lo, hi = curve_range(np.array(CASES["pole"], dtype=float))
    assert hi - lo < 60


def test_where_the_curve_is_undefined_is_hatched():
    fig = plot_surface(Surface("log(x) + x^2/4"), view=((-2.0, 4.0), (-1.0, 1.0)))
    (ax,) = fig.axes
    spans = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_hatch() == "//"]
    assert len(spans) == 1
    x0, x1 = spans[0].get_x(), spans[0].get_x() + spans[0].get_width()
    assert x0 == pytest.approx(-2, abs=0.01) and x1 == pytest.approx(0, abs=0.01)
    assert "L undefined" in [t.get_text() for t in fig.legends[0].get_texts()]
    assert not [p for p in plot_surface(Surface("x^2")).axes[0].patches if p.get_hatch()]
