"""The page's own slice engine in headless Chromium: a 51x51 slice with the 2D gradient at every
node, against brute force in the same page, and against another checkout's engine side by side.

    .venv/bin/python benchmarks/slice_page.py [--repeat 5] [--hovers 300] [--grid 51]
        [--baseline-src ../other-checkout/src] [--models lesson,mlp,mlp-all]

For the lesson's 1,210-weight network (trained, on the 200 images the lesson ships) and the
built-in `mlp` (untrained, on 200 and on all 1,797 digits), random filter-normalised directions:

- field: `land.field(view, 51)` from the call to the resolved promise, in the workers (one a core,
  up to four), and the first picture (the coarse 13x13 onProgress) from the same call;
- plane, one thread: `land.fieldNow(view, 51)`, the plane trick on the page's thread;
- brute force: one full forward and backward pass a node (`land.bruteForce`, projected), on the
  same thread, the baseline the plane trick is measured against;
- from the median row: the same two on one thread, timed a row at a time, the median row times
  the rows: what one core does when nothing else runs (robust on a shared machine);
- hover: `land.at(a, b)` (exact, with the full gradient, its norm, the in-plane share and the
  accuracy) at random points, p50 and p95.

With --baseline-src, the same page also loads that checkout's static/core/slice.js (served from
its files under /__baseline/static/, its worker too) and times its field, plane and hover
interleaved with this checkout's, printing both and the ratio, and the largest difference
between the two engines' fields.

Goals: field <= 150 ms, first picture <= 50 ms, hover p95 <= 2 ms. Timings are the best of
--repeat runs (field, plane, brute force interleaved; the machine may be shared), hover
percentiles over all calls. Prints the cores the page saw; note the machine's load beside them.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import uvicorn
from playwright.sync_api import Page, Route, sync_playwright

from gradscape.models.browser import slice_payload
from gradscape.models.data import digits
from gradscape.models.mlp import BUILTIN, MLP, builtin
from gradscape.models.model import lesson_model
from gradscape.models.slices import random_slice
from gradscape.server import CompilePool, create_app, free_port

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
from conftest import CHROMIUM, CHROMIUM_ARGS

PAGE = "/__slice_bench.html"
SCRIPT = "/__slice_bench.js"
BASELINE = "/__baseline/static/"
HTML = (
    f'<!doctype html><meta charset="utf-8"><script type="module" src="{SCRIPT}"></script><p>bench'
)
GLUE = """import { createSliceLandscape } from "/static/core/slice.js";
window.createSliceLandscape = createSliceLandscape;
"""
GLUE_BASELINE = f"""import {{ createSliceLandscape as baseline }} from "{BASELINE}core/slice.js";
window.baselineSliceLandscape = baseline;
"""
READY = 'document.body.dataset.ready = "1";\n'
VIEW = {"x": [-1.0, 1.0], "y": [-1.0, 1.0]}

RUN = """async ([payload, view, n, repeat, hovers, withBaseline]) => {
  const engines = [["this", window.createSliceLandscape(payload)]];
  if (withBaseline) engines.push(["baseline", window.baselineSliceLandscape(payload)]);
  const out = {};
  for (const [name, land] of engines) {
    await land.field(view, 15);  // the workers are up and warm
    out[name] = {field: Infinity, first: Infinity, plane: Infinity, hover: []};
  }
  let brute = Infinity, diff = 0, between = 0;
  for (let r = 0; r < repeat; r++) {
    const fields = {};
    for (const [name, land] of engines) {  // interleaved: the same load for both
      const best = out[name];
      let first = NaN;
      const t0 = performance.now();
      fields[name] = await land.field(view, n, {onProgress: (p) => {
        if (p.stage === "coarse") first = performance.now() - t0; }});
      best.field = Math.min(best.field, performance.now() - t0);
      best.first = Math.min(best.first, first);
    }
    for (const [name, land] of engines) {
      const t1 = performance.now();
      land.fieldNow(view, n);
      out[name].plane = Math.min(out[name].plane, performance.now() - t1);
    }
    const land = engines[0][1];
    const g = land.fieldNow(view, n);
    const f = fields.this;
    const t2 = performance.now();
    for (let r2 = 0; r2 < n; r2++) for (let c = 0; c < n; c++) {
      const b = land.bruteForce(g.xs[c], g.ys[r2]);
      const k = r2 * n + c;
      diff = Math.max(diff, Math.abs(b.value - g.value[k]), Math.abs(b.ga - g.ga[k]),
                      Math.abs(b.gb - g.gb[k]), Math.abs(f.value[k] - g.value[k]));
    }
    brute = Math.min(brute, performance.now() - t2);
    if (fields.baseline) {
      const o = fields.baseline;
      for (let k = 0; k < n * n; k++) {
        between = Math.max(between, Math.abs(o.value[k] - f.value[k]), Math.abs(o.ga[k] - f.ga[k]),
                           Math.abs(o.gb[k] - f.gb[k]));
      }
    }
  }
  // one row at a time, many times: the median row is what an unloaded core does
  const median = (v) => v.slice().sort((p, q) => p - q)[v.length >> 1];
  const land = engines[0][1];
  const grid = land.fieldNow(view, n, [0, 1]);
  const rowsBrute = [];
  const rowsPlane = Object.fromEntries(engines.map(([name]) => [name, []]));
  for (let r = 0; r < n; r++) {
    for (const [name, l] of engines) {
      const t = performance.now();
      l.fieldNow(view, n, [r, r + 1]);
      rowsPlane[name].push(performance.now() - t);
    }
    const t = performance.now();
    for (let c = 0; c < n; c++) land.bruteForce(grid.xs[c], grid.ys[r]);
    rowsBrute.push(performance.now() - t);
  }
  for (const [name] of engines) out[name].planeRow = median(rowsPlane[name]) * n;
  let seed = 12345;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let k = 0; k < hovers; k++) {
    const a = view.x[0] + rand() * (view.x[1] - view.x[0]);
    const b = view.y[0] + rand() * (view.y[1] - view.y[0]);
    for (const [name, l] of engines) {
      const t = performance.now();
      l.at(a, b);
      out[name].hover.push(performance.now() - t);
    }
  }
  for (const [, l] of engines) l.close();
  return {engines: out, brute, bruteRow: median(rowsBrute) * n, diff, between,
          cores: navigator.hardwareConcurrency};
}"""


def serve() -> tuple[uvicorn.Server, str]:
    port = free_port("127.0.0.1", 0)
    config = uvicorn.Config(
        create_app(CompilePool()), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def open_page(page: Page, url: str, baseline: Path | None) -> None:
    glue = GLUE + (GLUE_BASELINE if baseline else "") + READY
    page.route(f"{url}{PAGE}", lambda r: r.fulfill(body=HTML, content_type="text/html"))
    page.route(f"{url}{SCRIPT}", lambda r: r.fulfill(body=glue, content_type="text/javascript"))
    if baseline:
        static = baseline / "gradscape" / "static"

        def from_baseline(route: Route) -> None:
            rel = route.request.url.split(BASELINE, 1)[1].split("?")[0]
            file = (static / rel).resolve()
            if static.resolve() not in file.parents or not file.is_file():
                route.fulfill(status=404, body="not in the baseline")
                return
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            route.fulfill(body=file.read_bytes(), content_type=kind)

        page.route(f"{url}{BASELINE}**", from_baseline)
    page.goto(f"{url}{PAGE}")
    page.wait_for_selector("body[data-ready]")


MODELS = {
    "lesson": "lesson network (trained), 200 images",
    "mlp": "builtin mlp, 200 images",
    "mlp-all": "builtin mlp, all 1,797 digits",
}


def model(key: str) -> MLP:
    if key == "lesson":
        return MLP(digits(200), BUILTIN["mlp"], w=lesson_model().w)
    return builtin("mlp", 200 if key == "mlp" else None)


def report(label: str, m: MLP, payload: dict[str, Any], r: dict[str, Any]) -> None:
    size = len(json.dumps(payload)) / 1e3
    this = r["engines"]["this"]
    base = r["engines"].get("baseline")
    print(f"\n{label}: {m.n_weights:,} weights, payload {size:.0f} kB")

    def row(name: str, key: str, goal: str = "") -> None:
        text = f"  {name:30} {this[key]:8.1f} ms"
        if base:
            text += f"   baseline {base[key]:8.1f} ms = {base[key] / this[key]:.2f}x faster"
        print(text + (f"   (goal <= {goal})" if goal else ""))

    row(f"field (workers, {r['cores']} cores)", "field", "150")
    row("first picture 13x13", "first", "50")
    row("plane, one thread", "plane")
    row("plane, from the median row", "planeRow")
    print(
        f"  brute force, one thread        {r['brute']:8.1f} ms   "
        f"= {r['brute'] / this['plane']:.1f}x the plane, {r['brute'] / this['field']:.1f}x the "
        f"field; from the median row {r['bruteRow']:8.1f} ms = "
        f"{r['bruteRow'] / this['planeRow']:.1f}x"
    )
    for name, e in (("", this), ("baseline ", base)):
        if e:
            hover = np.asarray(e["hover"])
            p50, p95 = np.percentile(hover, 50), np.percentile(hover, 95)
            print(f"  {name}hover at()  p50 {p50:.3f} ms  p95 {p95:.3f} ms   (goal p95 <= 2)")
    print(f"  largest difference plane - brute force: {r['diff']:.1e}")
    if base:
        print(f"  largest difference this field - baseline's: {r['between']:.1e}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--hovers", type=int, default=300)
    ap.add_argument("--grid", type=int, default=51)
    ap.add_argument(
        "--baseline-src", type=Path, help="another checkout's src/: its page engine side by side"
    )
    ap.add_argument(
        "--models", default=",".join(MODELS), help=f"comma-separated, of: {', '.join(MODELS)}"
    )
    args = ap.parse_args()
    keys = [k.strip() for k in args.models.split(",") if k.strip()]
    if not keys or any(k not in MODELS for k in keys):
        sys.exit(f"--models {args.models!r}: give a comma-separated list of {', '.join(MODELS)}")
    base = args.baseline_src
    if base and not (base / "gradscape" / "static" / "core" / "slice.js").is_file():
        sys.exit(f"--baseline-src {base} has no gradscape/static/core/slice.js; give a src/")
    server, url = serve()
    n = args.grid
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            open_page(page, url, base)
            print(f"{n}x{n} slice with the 2D gradient at every node, random directions")
            if base:
                print(f"baseline: {base}")
            for key in keys:
                m = model(key)
                payload = slice_payload(random_slice(m, seed=0), n=n)
                repeat = args.repeat if len(m.data) <= 200 else max(1, args.repeat // 3)
                r = page.evaluate(RUN, [payload, VIEW, n, repeat, args.hovers, bool(base)])
                report(MODELS[key], m, payload, r)
            browser.close()
    finally:
        server.should_exit = True


if __name__ == "__main__":
    main()
