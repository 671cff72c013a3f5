"""The panels beside a model's slice (explorer/model-panels.js) in headless Chromium: what each
costs, as a multiple of one full loss-and-gradient pass of the network in the same page.

    .venv/bin/python benchmarks/model_panels.py [--repeat 3] [--steps 200]

For the built-in `mlp` (1,210 weights, untrained) on 200 and on all 1,797 digits, a random slice:

- gradient: one `lossAndGradient(w)` (backpropagation over every example), the baseline;
- train step: `train.run(steps)` of gd divided by the steps (the step, its projection onto the
  slice and the bookkeeping), and the ratio to the baseline (1 would be pure gradient cost);
- lambda_max: `train.computeLambda()` (power iteration, two gradients a Hessian-vector
  product), its time;
- noise: `noise.setPoint(a, b, true)` with 8 minibatches of 32 (the full gradient, 8 minibatch
  gradients, the table and the compass);
- strip: `strip.setPoint(a, b)` (the gradient, the loss, the nudged loss, sorting, drawing).

Best of --repeat runs for each (the machine may be shared).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

from gradscape.models import builtin, make_slice
from gradscape.models.browser import slice_payload

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
from conftest import CHROMIUM, CHROMIUM_ARGS
from test_model_panels import PAGES, _Handler

RUN = """async ([repeat, steps]) => {
  const L = window.__landscape, P = window.__panels;
  const w = L.weights(0.1, -0.1);
  const best = {gradient: Infinity, step: Infinity, lambda: Infinity, noise: Infinity,
                strip: Infinity};
  for (let r = 0; r < repeat; r++) {
    let t = performance.now();
    for (let k = 0; k < 10; k++) L.lossAndGradient(w);
    best.gradient = Math.min(best.gradient, (performance.now() - t) / 10);
    P.train.reset(); P.train.setSteps(steps);
    t = performance.now(); P.train.run(steps);
    best.step = Math.min(best.step, (performance.now() - t) / steps);
    P.train.reset();
    t = performance.now(); await P.train.computeLambda();
    best.lambda = Math.min(best.lambda, performance.now() - t);
    t = performance.now();
    for (let k = 0; k < 10; k++) P.noise.setPoint(0.02 * k, 0.1, true);
    best.noise = Math.min(best.noise, (performance.now() - t) / 10);
    t = performance.now();
    for (let k = 0; k < 10; k++) P.strip.setPoint(0.02 * k, 0.1);
    best.strip = Math.min(best.strip, (performance.now() - t) / 10);
  }
  const hv = P.train.lambda();
  return {...best, lambdaValue: hv ? hv.value : NaN, cores: navigator.hardwareConcurrency};
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for n in (200, 1797):
            slice_ = make_slice(builtin("mlp", n=n, seed=0), "random", seed=3)
            body = json.dumps(slice_payload(slice_)).encode()
            handler = type("H", (_Handler,), {"payload": body})
            server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(PAGES)))
            threading.Thread(target=server.serve_forever, daemon=True).start()
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/panels.html")
                page.wait_for_selector("body[data-ready]")
                r = page.evaluate(RUN, [args.repeat, args.steps])
                page.close()
            finally:
                server.shutdown()
            g = r["gradient"]
            print(f"mlp, 1,210 weights, {n} digits (page saw {r['cores']} cores):")
            print(f"  gradient (baseline)  {g:8.2f} ms")
            print(f"  train step           {r['step']:8.2f} ms  {r['step'] / g:5.2f}x the gradient")
            print(
                f"  lambda_max           {r['lambda']:8.1f} ms  {r['lambda'] / g:5.0f}x "
                f"(lambda = {r['lambdaValue']:.6g})"
            )
            print(f"  noise update         {r['noise']:8.2f} ms  {r['noise'] / g:5.2f}x")
            print(f"  strip update         {r['strip']:8.2f} ms  {r['strip'] / g:5.2f}x")
        browser.close()


if __name__ == "__main__":
    main()
