"""levels.py: Python chooses contour levels and spreads the colours as the browser does
(static/core/contours.js chooseLevels, static/core/colormap.js makeNormalizer), checked by
running the JS in node on the same grids."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from gradscape import gallery
from gradscape.levels import choose_levels
from gradscape.plot import plot_surface
from gradscape.surface import Surface

ROOT = Path(__file__).resolve().parents[1]
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(
    NODE is None and not os.environ.get("CI"), reason="node is not installed"
)
STATIC = ROOT / "src" / "gradscape" / "static" / "core"


def _grid(formula: str, view, n=(97, 61)) -> np.ndarray:
    (x0, x1), (y0, y1) = view
    return Surface(formula).grid(x=(x0, x1), y=(y0, y1), n=n).value


def _cases() -> dict[str, np.ndarray]:
    cases = {}
    for name in ("bowl", "rosenbrock", "himmelblau", "beale", "saddle"):
        entry = gallery.get(name)
        if entry is not None:
            cases[name] = _grid(entry.formula, entry.view)
    cases["pole"] = _grid("1/(x+y) + (x^2 + y^2)/50", ((-3, 3), (-3, 3)))
    cases["undefined part"] = _grid("log(x) + y^2", ((-2, 3), (-2, 2)))
    cases["constant"] = np.full((5, 7), 3.0)
    cases["tiny range"] = 1e-9 * _grid("x^2 + y^2", ((-1, 1), (-1, 1))) + 7
    return cases


def _js(cases: dict[str, np.ndarray], count: int) -> dict[str, dict]:
    data = {k: [None if np.isnan(v) else v for v in g.ravel().tolist()] for k, g in cases.items()}
    script = f"""
      const c = await import({json.dumps((STATIC / "contours.js").as_uri())});
      const m = await import({json.dumps((STATIC / "colormap.js").as_uri())});
      const chunks = [];
      for await (const chunk of process.stdin) chunks.push(chunk);
      const data = JSON.parse(Buffer.concat(chunks).toString());
      const out = {{}};
      for (const [name, list] of Object.entries(data)) {{
        const values = Float64Array.from(list, (v) => (v === null ? NaN : v));
        const lv = c.chooseLevels(values, {count});
        const norm = m.makeNormalizer(lv.levels, lv.lo, lv.hi);
        const probe = Array.from(values.filter((v, k) => k % 37 === 0 && v === v));
        out[name] = {{ ...lv, lo: String(lv.lo), hi: String(lv.hi), probe, t: probe.map(norm) }};
      }}
      console.log(JSON.stringify(out));
    """
    run = subprocess.run(
        [str(NODE), "--input-type=module", "-e", script],
        input=json.dumps(data),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)


@needs_node
@pytest.mark.parametrize("count", [8, 10])
def test_python_chooses_the_browsers_levels_and_colours_on_every_kind_of_surface(count):
    cases = _cases()
    js = _js(cases, count)
    for name, grid in cases.items():
        ours, theirs = choose_levels(grid, count), js[name]
        np.testing.assert_allclose(ours.levels, theirs["levels"], rtol=1e-12, err_msg=name)
        assert ours.log == theirs["log"], name
        assert (ours.lo, ours.hi) == pytest.approx(
            (float(theirs["lo"]), float(theirs["hi"])), rel=1e-12
        ), name
        t = ours.normalize(np.array(theirs["probe"]))
        np.testing.assert_allclose(t, theirs["t"], rtol=1e-12, atol=1e-15, err_msg=name)


def test_the_kinds_of_spacing_are_the_ones_the_module_promises():
    cases = _cases()
    bowl = choose_levels(cases["bowl"])
    assert not bowl.log and np.allclose(np.diff(bowl.levels), np.diff(bowl.levels)[0])
    rosen = choose_levels(cases["rosenbrock"])
    assert rosen.log and np.ptp(np.log10(rosen.levels)) >= 3  # decades, for the valley
    assert choose_levels(cases["constant"]).levels == ()


def test_each_band_between_two_levels_gets_an_equal_share_of_the_ramp():
    scale = choose_levels(_cases()["rosenbrock"])
    knots = scale.knots
    np.testing.assert_allclose(scale.normalize(knots), np.linspace(0, 1, knots.size))
    np.testing.assert_allclose(scale.denormalize(scale.normalize(knots)), knots)


def test_the_python_figure_colours_the_loss_with_the_browsers_scale():
    rosen = gallery.get("rosenbrock")
    assert rosen is not None
    fig = plot_surface(Surface(rosen.formula), view=rosen.view)
    image = fig.axes[0].get_images()[0]
    scale = choose_levels(image.get_array().filled(np.nan))
    for level in scale.levels[:4]:  # a contour level lands where the page puts it on the ramp
        k = scale.levels.index(level) + 1
        assert float(image.norm(level)) == pytest.approx(k / (len(scale.knots) - 1))
    assert list(fig.axes[1].get_yticks()) == pytest.approx(list(scale.levels))
