"""One palette for the browser and for Python's figures: palette.py reads static/core/palette.js
and builds the very colours core/colormap.js builds (checked by running the JS in node)."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from gradscape import palette

ROOT = Path(__file__).resolve().parents[1]
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(
    NODE is None and not os.environ.get("CI"), reason="node is not installed"
)


@needs_node
def test_python_builds_the_browsers_ramp_and_run_styles() -> None:
    static = ROOT / "src" / "gradscape" / "static" / "core"
    script = f"""
      const c = await import({json.dumps((static / "colormap.js").as_uri())});
      const p = await import({json.dumps((static / "palette.js").as_uri())});
      const styles = Array.from({{length: 40}}, (_, i) => p.runStyle(i));
      console.log(JSON.stringify({{lut: Array.from(c.LUT), styles}}));
    """
    run = subprocess.run(
        [str(NODE), "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr[-2000:]
    js = json.loads(run.stdout)
    lut = np.array(js["lut"], dtype=int).reshape(256, 3)
    np.testing.assert_array_equal(palette.LUT.astype(int), lut)
    for i, style in enumerate(js["styles"]):
        assert palette.run_style(i) == (style["color"], tuple(style["dash"]))


def test_the_ramp_runs_from_pale_low_to_dark_high() -> None:
    lightness = palette.LUT.astype(float) @ [0.2126, 0.7152, 0.0722]
    assert lightness[0] > 240 and lightness[-1] < 70
    assert np.all(np.diff(lightness) < 0.5)  # never lighter as the loss grows


def _oklab(hex_colour: str) -> np.ndarray:
    rgb = np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    lms = np.cbrt(
        np.array(
            [
                [0.4122214708, 0.5363325363, 0.0514459929],
                [0.2119034982, 0.6806995451, 0.1073969566],
                [0.0883024619, 0.2817188376, 0.6299787005],
            ]
        )
        @ lin
    )
    return (
        np.array(
            [
                [0.2104542553, 0.7936177850, -0.0040720468],
                [1.9779984951, -2.4285922050, 0.4505937099],
                [0.0259040371, 0.7827717662, -0.8086757660],
            ]
        )
        @ lms
    )


def test_run_colours_do_not_repeat_for_ten_runs_and_no_two_neighbours_look_alike() -> None:
    colours = palette.RUN_COLOURS
    assert len(set(colours)) == len(colours) >= 10
    far = min(np.linalg.norm(_oklab(a) - _oklab(b)) for a, b in itertools.combinations(colours, 2))
    assert far > 0.1  # OKLab distance: clearly different colours, not shades of one
    styles = [palette.run_style(i) for i in range(len(colours) * len(palette.DASHES))]
    assert len(set(styles)) == len(styles)  # 30 runs, 30 different looks
    for a, b in itertools.pairwise(palette.run_style(i) for i in range(200)):
        assert a[0] != b[0]  # neighbours always differ in colour


def test_gradscape_plot_uses_the_explorers_colours_and_a_tall_figure_for_a_tall_view() -> None:
    from matplotlib import colors

    from gradscape import Surface, descend
    from gradscape.plot import plot_surface

    s = Surface("x^2 + 3y^2")
    runs = [descend(s, (x, 1.0), steps=5) for x in (-0.5, 0.2, 0.6)]
    fig = plot_surface(s, runs, view=((-1, 1), (-4, 4)))
    width, height = fig.get_size_inches() * fig.dpi
    assert height > width  # a tall view: a tall figure
    ax = fig.axes[0]
    labelled = [line for line in ax.get_lines() if line.get_label().startswith("gd")]
    assert [colors.to_hex(line.get_color()).upper() for line in labelled] == [
        palette.run_style(i)[0].upper() for i in range(3)
    ]
    heatmap = ax.get_images()[0]
    ramp = heatmap.cmap(np.linspace(0, 1, 256))[:, :3]
    np.testing.assert_allclose(ramp * 255, palette.LUT, atol=0.6)
    wide = plot_surface(s, view=((-4, 4), (-1, 1)))
    assert tuple(wide.get_size_inches() * wide.dpi) == (800, 600)
