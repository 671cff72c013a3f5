"""Hover latency in headless Chromium: gradscape against a Plotly.js contour plot, side by side.

For each surface (the lesson's bowl and Ackley), the same 300 mouse moves go to
- gradscape's explorer: each update is measured by the page itself as `gradscape:hover`, from the
  event to the drawn frame (the overlay with both arrows and the readout);
- a Plotly.js contour plot of the same grid (Plotly's JS from the `plotly` Python package), whose
  `plotly_hover` handler redraws an arrow annotation: measured from the same mousemove event to the
  resolved `Plotly.relayout`.
Moves are 70 ms apart, longer than Plotly's own hover throttle, so every move gets an answer.

Then a formula of one variable, drawn as its curve (the 1D view, curve1d.js), hovered along the
same path, against the bowl's 2D hover in the same browser.

Then the full view recompute (grid, heatmap, contours, 3D) after wheel zooms, with the 2D plot at
800x600 CSS pixels: `gradscape:render2d` and `gradscape:render`.

    python benchmarks/hover.py [--moves 300]

Goals: hover p95 < 4 ms and >= 10x faster than Plotly; the curve's hover as fast as the bowl's
(p95 < 4 ms); render2d p50 < 33 ms.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import threading
import time
from pathlib import Path

import numpy as np
import plotly
import uvicorn
from playwright.sync_api import Page, sync_playwright

from gradscape import GALLERY, Surface
from gradscape.server import CompilePool, create_app, free_port

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
from conftest import CHROMIUM, CHROMIUM_ARGS

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
GRID = 160  # points a side for the baseline's contour grid


def percentile(xs: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(xs), q))


def path(moves: int) -> list[tuple[float, float]]:
    """A wandering path over the middle 80% of a plot, as fractions of its box."""
    t = np.linspace(0, 2 * math.pi, moves)
    return list(
        zip(0.5 + 0.38 * np.sin(3 * t) * np.cos(t), 0.5 + 0.38 * np.sin(2 * t), strict=True)
    )


def move_over(page: Page, selector: str, moves: int) -> None:
    box = page.locator(selector).bounding_box()
    assert box
    for fx, fy in path(moves):
        page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
        page.wait_for_timeout(70)


def durations(page: Page, name: str) -> list[float]:
    return page.evaluate(
        f"performance.getEntriesByName({json.dumps(name)}, 'measure').map(e => e.duration)"
    )


def gradscape_hover(page: Page, url: str, moves: int) -> list[float]:
    page.goto(url)
    page.wait_for_selector("[data-testid=plot][data-view]")
    page.evaluate("performance.clearMeasures()")
    move_over(page, "[data-testid=plot]", moves)
    return durations(page, "gradscape:hover")


def plotly_hover(page: Page, name: str, moves: int) -> list[float]:
    entry = GALLERY[name]
    s = Surface(entry.formula)
    g = s.grid(*entry.view, n=GRID)
    data = {
        "x": g.x.tolist(),
        "y": g.y.tolist(),
        "z": np.where(np.isfinite(g.value), g.value, None).tolist(),
        "gx": g.gradient[0].tolist(),
        "gy": g.gradient[1].tolist(),
    }
    page.set_content("<div id='plot' style='width:800px;height:600px'></div>")
    page.add_script_tag(path=str(PLOTLY_JS))
    page.evaluate(
        """(d) => {
          const el = document.getElementById('plot');
          Plotly.newPlot(el, [{type: 'contour', x: d.x, y: d.y, z: d.z, colorscale: 'Viridis'}],
                         {margin: {l: 40, r: 10, t: 10, b: 40}});
          let pending = false;
          el.addEventListener('mousemove', () => {
            performance.mark('plotly:event');
            pending = true;
          }, true);
          el.on('plotly_hover', async (ev) => {
            if (!pending) return;  // a hover Plotly re-fires after its own redraw: not a move
            pending = false;
            const p = ev.points[0];
            const i = p.pointNumber[0], j = p.pointNumber[1];
            const gx = d.gx[i][j], gy = d.gy[i][j];
            const n = Math.hypot(gx, gy) || 1;
            const dx = (d.x[d.x.length - 1] - d.x[0]) / 10;
            await Plotly.relayout(el, {annotations: [{x: p.x + dx * gx / n, y: p.y + dx * gy / n,
              ax: p.x, ay: p.y, axref: 'x', ayref: 'y', showarrow: true, arrowhead: 2,
              arrowcolor: '#c33', text: ''}]});
            performance.measure('plotly:hover', 'plotly:event');
          });
        }""",
        data,
    )
    page.wait_for_timeout(300)
    page.evaluate("performance.clearMeasures()")
    move_over(page, "#plot .nsewdrag", moves)
    page.wait_for_timeout(300)
    return durations(page, "plotly:hover")


# The explorer sizes its plot to the window; for the recompute timing it is pinned to 800x600.
PLOT_800x600 = (
    ".gs-main { grid-template-columns: 800px 318px 318px !important; }"
    ".gs-plot { width: 800px !important; height: 600px !important; }"
)


def render_after_zoom(page: Page, url: str, zooms: int = 40) -> tuple[list[float], list[float]]:
    page.goto(url)
    page.wait_for_selector("[data-testid=plot][data-view]")
    page.add_style_tag(content=PLOT_800x600)
    page.wait_for_timeout(500)
    box = page.locator("[data-testid=plot]").bounding_box()
    assert box
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.evaluate("performance.clearMeasures()")
    for i in range(zooms):
        page.mouse.wheel(0, -120 if i % 2 == 0 else 100)
        page.wait_for_timeout(120)
    return durations(page, "gradscape:render2d"), durations(page, "gradscape:render")


def row(label: str, xs: list[float]) -> str:
    return (
        f"  {label:<30} n={len(xs):<4} p50 {percentile(xs, 50):7.2f} ms   "
        f"p95 {percentile(xs, 95):7.2f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--moves", type=int, default=300)
    args = ap.parse_args()

    compiler = CompilePool()
    port = free_port("127.0.0.1", 0)
    server = uvicorn.Server(
        uvicorn.Config(create_app(compiler), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}/"

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        hovers: dict[str, list[float]] = {}
        for name in ("bowl", "ackley"):
            print(f"{name}: {args.moves} hover moves")
            ours_page = browser.new_page(viewport={"width": 1400, "height": 900})
            ours = hovers[name] = gradscape_hover(ours_page, f"{base}?g={name}", args.moves)
            base_page = browser.new_page(viewport={"width": 1000, "height": 700})
            theirs = plotly_hover(base_page, name, args.moves)
            print(row("gradscape:hover", ours))
            print(row("plotly.js contour + arrow", theirs))
            print(
                f"  ratio (plotly / gradscape): p50 "
                f"{percentile(theirs, 50) / percentile(ours, 50):.0f}x, p95 "
                f"{percentile(theirs, 95) / percentile(ours, 95):.0f}x"
            )
            ours_page.close()
            base_page.close()
        print(f"x^4 - 3x^2 (one variable, its curve): {args.moves} hover moves")
        curve_page = browser.new_page(viewport={"width": 1400, "height": 900})
        curve = gradscape_hover(curve_page, f"{base}?f=x%5E4%20-%203x%5E2", args.moves)
        curve_page.close()
        print(row("gradscape:hover, 1D curve", curve))
        print(row("gradscape:hover, bowl (above)", hovers["bowl"]))
        bowl = hovers["bowl"]
        print(
            f"  ratio (curve / bowl): p50 {percentile(curve, 50) / percentile(bowl, 50):.2f}"
            f", p95 {percentile(curve, 95) / percentile(bowl, 95):.2f}"
        )
        page = browser.new_page(viewport={"width": 1700, "height": 1000})
        r2d, rall = render_after_zoom(page, f"{base}?g=ackley")
        size = page.evaluate(
            "(() => { const b = document.querySelector('[data-testid=plot]')"
            ".getBoundingClientRect(); return [Math.round(b.width), Math.round(b.height)]; })()"
        )
        print(f"ackley: view recompute after zoom, 2D plot {size[0]}x{size[1]} CSS px")
        print(row("gradscape:render2d", r2d))
        print(row("gradscape:render (2D + 3D)", rall))
        browser.close()
    server.should_exit = True
    compiler.close()
    print(f"\nmedian of all gradscape hovers: {statistics.median(ours):.2f} ms")


if __name__ == "__main__":
    main()
