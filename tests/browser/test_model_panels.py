"""The panels beside a model's slice (explorer/model-panels.js), on their own test page.

The page (tests/browser/pages/panels.html) computes a built-in network's slice itself from
`slice_payload`, as the explorer does; each panel is held to Python on the same model:

- Train and watch: the projected path of a descent of all the weights equals
  `descend_on_slice` (points, values, projected gradients, distances from the plane) to 1e-10,
  for gd and adam; lambda_max by power iteration equals `top_eigen`'s; "slice here" re-centres.
- The noise of SGD: every minibatch gradient equals Python's on the same sample indices.
- The whole gradient: every cell's partial and the nudge check equal NumPy's.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from gradscape.models import builtin, descend_on_slice, make_slice, top_eigen
from gradscape.models.browser import from_f64, slice_payload
from gradscape.models.data import digits
from gradscape.models.mlp import MLP

PAGES = Path(__file__).parent / "pages"
STATIC = Path(__file__).resolve().parents[2] / "src" / "gradscape" / "static"
SAMPLES = 200


@pytest.fixture(scope="module")
def slice_():  # type: ignore[no-untyped-def]
    model = builtin("mlp", n=SAMPLES, seed=0)
    return make_slice(model, "random", seed=3)


class _Handler(SimpleHTTPRequestHandler):
    """/static/* from the package, /pages/* and /panels.html from here, /payload.json given."""

    payload = b"{}"
    extensions_map: ClassVar[dict[str, str]] = {
        ".js": "text/javascript",
        ".css": "text/css",
        ".html": "text/html",
        "": "application/octet-stream",
    }

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0]
        if path.startswith("/static/"):
            return str(STATIC / path.removeprefix("/static/"))
        if path.startswith("/pages/"):
            return str(PAGES / path.removeprefix("/pages/"))
        if path == "/panels.html":
            return str(PAGES / "panels.html")
        return str(PAGES / "missing")

    def do_GET(self) -> None:
        if self.path == "/favicon.ico":
            self.send_response(204)
            self.end_headers()
            return
        if self.path.split("?", 1)[0] == "/payload.json":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(self.payload)))
            self.end_headers()
            self.wfile.write(self.payload)
            return
        super().do_GET()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def panels_url(slice_) -> Iterator[str]:  # type: ignore[no-untyped-def]
    handler = type("H", (_Handler,), {"payload": json.dumps(slice_payload(slice_)).encode()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(PAGES)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/panels.html"
    server.shutdown()
    thread.join(10)


@pytest.fixture
def panels(page, panels_url, console):  # type: ignore[no-untyped-def]
    page.goto(panels_url)
    page.wait_for_selector("body[data-ready]")
    yield page
    assert console.errors == []


def _projected(slice_, g: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.array([g @ slice_.d1, g @ slice_.d2])


# -- Train and watch ------------------------------------------------------------------------


@pytest.mark.parametrize(("optimizer", "lr", "steps"), [("gd", 0.5, 60), ("adam", 0.01, 60)])
def test_training_path_equals_descend_on_slice(panels, slice_, optimizer, lr, steps) -> None:  # type: ignore[no-untyped-def]
    path = panels.evaluate(
        """([opt, lr, steps]) => { const t = window.__panels.train; t.setOptimizer(opt, lr);
             t.setSteps(steps); t.run(steps); return t.path(); }""",
        [optimizer, lr, steps],
    )
    want = descend_on_slice(slice_, optimizer, lr=lr, steps=steps)
    tr = want.trajectory
    assert path["steps"] == len(tr.points) - 1 == steps
    np.testing.assert_allclose(np.array(path["points"]), tr.points, rtol=0, atol=1e-10)
    np.testing.assert_allclose(np.array(path["values"]), tr.values, rtol=0, atol=1e-10)
    np.testing.assert_allclose(np.array(path["gradients"]), tr.gradients, rtol=0, atol=1e-10)
    np.testing.assert_allclose(np.array(path["off"]), want.off_plane, rtol=0, atol=1e-10)
    assert path["stopped"] == tr.stopped and path["reason"] == tr.reason
    # the weights moved off the plane: all of them train, not just a and b
    assert path["off"][-1] > 1e-3
    # the loss went down and the accuracy is the model's own at the end
    assert path["values"][-1] < path["values"][0]
    end = MLP(slice_.model.data, slice_.model.sizes, want.end)
    assert path["accuracy"][-1] == pytest.approx(end.accuracy(), abs=1e-12)
    # the readout says where the run is
    out = panels.locator('[data-testid="train-readout"]')
    assert out.get_attribute("data-step") == str(steps)
    assert float(out.get_attribute("data-loss") or "nan") == pytest.approx(tr.values[-1], abs=1e-10)


def test_play_animates_and_hands_the_path_to_the_view(panels, slice_) -> None:  # type: ignore[no-untyped-def]
    panels.evaluate("() => window.__panels.train.setSteps(40)")
    before = panels.evaluate("() => window.__calls.paths")
    panels.click('[data-testid="train-play"]')
    panels.wait_for_function(
        "() => document.querySelector('[data-testid=\"train-readout\"]').dataset.stopped"
    )
    calls = panels.evaluate("() => window.__calls")
    assert calls["paths"] > before + 2  # several frames, each handed to the view
    assert len(calls["lastPath"]["points"]) == 41
    want = descend_on_slice(slice_, "gd", lr=0.1, steps=40).trajectory
    np.testing.assert_allclose(calls["lastPath"]["points"], want.points, atol=1e-10)
    # the curve has a text alternative and a table
    text = panels.locator('[data-testid="train-panel"] .gs-sr').nth(1).inner_text()
    assert "over 40 steps" in text
    rows = panels.locator('[data-testid="train-panel"] details tbody tr')
    assert rows.count() >= 10


def test_stability_limit_from_lambda_max(panels, slice_) -> None:  # type: ignore[no-untyped-def]
    stable = panels.locator('[data-testid="train-stable"]')
    panels.wait_for_function(
        "() => document.querySelector('[data-testid=\"train-stable\"]').dataset.lambda",
        timeout=60_000,
    )
    lam = float(stable.get_attribute("data-lambda") or "nan")
    want = float(top_eigen(slice_.model, slice_.w0, k=1).values[0])
    assert lam == pytest.approx(want, rel=1e-5)
    assert float(stable.get_attribute("data-limit") or "nan") == pytest.approx(2 / want, rel=1e-5)
    assert "2/λmax" in stable.inner_text()
    # a learning rate above the limit is called out
    panels.fill('[data-testid="train-lr"]', str(round(3 / want, 4)))
    assert "above it" in stable.inner_text()


def test_slice_here_recentres_at_the_current_weights(panels, slice_) -> None:  # type: ignore[no-untyped-def]
    panels.evaluate("() => { const t = window.__panels.train; t.setSteps(30); t.run(30); }")
    panels.click('[data-testid="train-slice-here"]')
    got = panels.evaluate(
        """() => ({ w0: window.__recentred.payload.w0, d1: window.__recentred.payload.d1,
                    path: window.__panels.train.path(), step: window.__calls.sliceHere[0].step })"""
    )
    run = descend_on_slice(slice_, "gd", lr=0.1, steps=30)
    np.testing.assert_allclose(from_f64(got["w0"]), run.end, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(from_f64(got["d1"]), slice_.d1)
    assert got["step"] == 30
    # the path restarts at the new centre, and the next run starts there
    np.testing.assert_allclose(got["path"]["points"], [[0, 0]], atol=1e-12)
    panels.evaluate("() => window.__panels.train.run(5)")
    path = panels.evaluate("() => window.__panels.train.path()")
    assert len(path["points"]) == 6 and path["steps"] == 5
    assert path["values"][0] == pytest.approx(slice_.model.value(run.end), abs=1e-12)
    np.testing.assert_allclose(path["points"][0], [0, 0], atol=1e-12)


def test_bad_steps_are_refused_with_a_message(panels) -> None:  # type: ignore[no-untyped-def]
    box = panels.locator('[data-testid="train-steps"]')
    box.fill("0")
    box.dispatch_event("change")
    assert box.get_attribute("aria-invalid") == "true"
    assert "from 1 to 2000" in panels.locator('[data-testid="train-readout"]').inner_text()


# -- The noise of SGD -----------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b", "size"), [(0.0, 0.0, 16), (0.4, -0.3, 64), (-0.2, 0.5, 1)])
def test_minibatch_gradients_equal_python(panels, slice_, a, b, size) -> None:  # type: ignore[no-untyped-def]
    draw = panels.evaluate(
        """([a, b, size]) => { const n = window.__panels.noise; n.setBatchSize(size);
             n.setPoint(a, b, true); return window.__calls.arrows; }""",
        [a, b, size],
    )
    model = slice_.model
    w = slice_.point((a, b))
    assert draw["at"] == [a, b] and draw["batchSize"] == size
    _, g = model.value_and_gradient(w)
    np.testing.assert_allclose(draw["full"], _projected(slice_, g), rtol=0, atol=1e-10)
    assert len(draw["batches"]) == 8
    seen = set()
    for batch in draw["batches"]:
        idx = np.array(batch["indices"])
        assert idx.size == size == np.unique(idx).size and idx.min() >= 0 and idx.max() < SAMPLES
        seen.add(tuple(idx))
        sub = MLP(digits(SAMPLES).take(idx), model.sizes, w)
        v, gb = sub.value_and_gradient(w)
        np.testing.assert_allclose(batch["gradient"], _projected(slice_, gb), rtol=0, atol=1e-10)
        assert batch["value"] == pytest.approx(v, abs=1e-10)
    assert len(seen) == 8  # eight different samples
    spread = np.sqrt(
        np.mean([np.sum((np.array(x["gradient"]) - draw["full"]) ** 2) for x in draw["batches"]])
    )
    assert draw["spread"] == pytest.approx(spread, rel=1e-12)


def test_noise_is_seeded_and_shrinks_with_the_batch(panels) -> None:  # type: ignore[no-untyped-def]
    run = """([size, seed]) => { const n = window.__panels.noise; n.setSeed(seed);
               n.setBatchSize(size); n.setPoint(0.1, 0.1, true); return n.draw(); }"""
    a = panels.evaluate(run, [8, 5])
    again = panels.evaluate(run, [8, 5])
    assert a["batches"] == again["batches"]  # the same seed draws the same batches
    other = panels.evaluate(run, [8, 6])
    assert other["batches"][0]["indices"] != a["batches"][0]["indices"]
    big = panels.evaluate(run, [150, 5])
    assert big["spread"] < a["spread"]
    full = panels.evaluate(run, [SAMPLES, 5])
    assert full["spread"] < 1e-12  # every example: the full gradient, no noise
    # the numbers are on the page too, and the button draws again
    panels.click('[data-testid="noise-again"]')
    assert panels.locator('[data-testid="noise-seed"]').input_value() == "6"
    table = panels.locator('[data-testid="noise-table"] tbody tr')
    assert table.count() == 9
    assert "spread" in panels.locator('[data-testid="noise-readout"]').inner_text()


def test_batch_slider_drives_the_draw(panels) -> None:  # type: ignore[no-untyped-def]
    panels.evaluate("() => window.__panels.noise.setPoint(0, 0, true)")
    slider = panels.locator('[data-testid="noise-batch"]')
    slider.focus()
    slider.press("Home")
    panels.wait_for_function("() => window.__calls.arrows && window.__calls.arrows.batchSize === 1")
    assert panels.locator('[data-testid="noise-readout"]').get_attribute("data-batch-size") == "1"


# -- The whole gradient -----------------------------------------------------------------------


SET_EPS = """(e) => {
    const r = document.querySelector('[data-testid="strip-panel"] [data-testid="model-eps"]');
    r.value = String(e);
    r.dispatchEvent(new Event('input'));
}"""


def test_strip_partials_and_nudge_equal_numpy(panels, slice_) -> None:  # type: ignore[no-untyped-def]
    panels.evaluate("() => window.__panels.strip.setPoint(0.3, -0.2)")
    model = slice_.model
    w = slice_.point((0.3, -0.2))
    base, g = model.value_and_gradient(w)
    largest = panels.evaluate("() => window.__panels.strip.largest()")
    assert largest == list(np.argsort(-np.abs(g), kind="stable")[:6])
    first = panels.locator('[data-testid="strip-panel"] .biggest-buttons button').first
    assert first.inner_text() == model.names[int(largest[0])]
    for index, exponent in [(int(largest[0]), -4), (100, -6), (model.n_weights - 1, -3)]:
        panels.fill('[data-testid="strip-panel"] [data-testid="model-index"]', str(index))
        panels.evaluate(SET_EPS, exponent)
        nd = panels.locator('[data-testid="strip-panel"] [data-testid="nudge"]')
        data = json.loads(nd.evaluate("e => JSON.stringify(e.dataset)"))
        assert data["name"] == model.names[index]
        assert float(data["weight"]) == w[index]
        assert float(data["partial"]) == pytest.approx(g[index], abs=1e-12)
        assert float(data["loss"]) == pytest.approx(base, abs=1e-12)
        nudged = w.copy()
        nudged[index] += 10.0**exponent
        assert float(data["lossNudged"]) == pytest.approx(model.value(nudged), abs=1e-12)
        assert float(data["predicted"]) == pytest.approx(
            (nudged[index] - w[index]) * g[index], abs=1e-15
        )
    # one step moves every weight
    panels.click('[data-testid="strip-panel"] [data-testid="model-step"]')
    out = panels.locator('[data-testid="strip-panel"] [data-testid="model-step-readout"]')
    assert float(out.get_attribute("data-after") or "nan") == pytest.approx(
        model.value(w - 0.5 * g), abs=1e-12
    )
    assert "1,210 weights moved at once" in out.inner_text()


def test_strip_hover_names_the_weight(panels, slice_) -> None:  # type: ignore[no-untyped-def]
    canvas = panels.locator('[data-testid="strip-panel"] [data-testid="model-strip"] canvas')
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    panels.mouse.move(box["x"] + 40, box["y"] + 3)
    nd = panels.locator('[data-testid="strip-panel"] [data-testid="nudge"]')
    i = int(nd.get_attribute("data-index") or "-1")
    assert 0 <= i < 64 and nd.get_attribute("data-name") == slice_.model.names[i]
    tip = panels.locator('[data-testid="strip-panel"] .strip-tip')
    assert tip.inner_text().startswith(slice_.model.names[i])
    assert "the weight from pixel" in nd.inner_text()


def test_screenshots(browser, panels_url, screenshots) -> None:  # type: ignore[no-untyped-def]
    shots = Path("/work/coord/shots")
    for name, size in [("desktop", (1440, 900)), ("phone", (390, 844))]:
        context = browser.new_context(viewport={"width": size[0], "height": size[1]})
        try:
            page = context.new_page()
            page.goto(panels_url)
            page.wait_for_selector("body[data-ready]")
            page.evaluate(
                """() => { const p = window.__panels; p.train.setSteps(80); p.train.run(80);
                     p.noise.setPoint(0.2, -0.1, true); p.strip.setPoint(0.2, -0.1); }"""
            )
            page.wait_for_function(
                "() => document.querySelector('[data-testid=\"train-stable\"]').dataset.lambda",
                timeout=60_000,
            )
            page.screenshot(path=str(screenshots / f"model-panels-{name}.png"), full_page=True)
            if shots.is_dir():
                page.screenshot(path=str(shots / f"slicetrain-{name}.png"), full_page=True)
        finally:
            context.close()


# -- all three, as the explorer mounts them --------------------------------------------------


def test_model_panels_follow_the_hover_and_draw_the_path(page, panels_url, console, slice_) -> None:  # type: ignore[no-untyped-def]
    page.goto(panels_url + "?whole=1")
    page.wait_for_selector("body[data-ready]")
    # the panels follow the point the explorer reports
    page.evaluate("() => window.__hover(0.25, 0.35)")
    page.wait_for_function("() => window.__calls.arrows && window.__calls.arrows.at[0] === 0.25")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=strip-panel]').dataset.point === '0.25,0.35'"
    )
    _, g = slice_.model.value_and_gradient(slice_.point((0.25, 0.35)))
    full = page.evaluate("() => window.__calls.arrows.full")
    np.testing.assert_allclose(full, _projected(slice_, g), atol=1e-10)
    # training from the chosen point draws its path on the plot
    page.select_option('[data-testid="train-from"]', "point")
    page.evaluate("() => window.__panels.train.setSteps(20)")
    page.click('[data-testid="train-play"]')
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"train-readout\"]').dataset.stopped"
    )
    drawn = page.evaluate("() => window.__calls.drawn")
    assert len(drawn) == 1 and drawn[0]["shown"] == 21
    run = descend_on_slice(slice_, "gd", lr=0.1, steps=20, start=slice_.point((0.25, 0.35)))
    np.testing.assert_allclose(drawn[0]["points"], run.trajectory.points, atol=1e-10)
    # slice here: the explorer shows the new payload and the panels use its landscape
    page.click('[data-testid="train-slice-here"]')
    page.wait_for_function("() => window.__calls.announced.length > 0")
    got = from_f64(page.evaluate("() => window.__recentred.payload.w0"))
    np.testing.assert_allclose(got, run.end, atol=1e-12)
    page.evaluate("() => window.__hover(0, 0)")
    page.wait_for_function("() => window.__calls.arrows && window.__calls.arrows.at[0] === 0")
    centre = page.evaluate("() => window.__calls.arrows.full")
    _, g_end = slice_.model.value_and_gradient(run.end)
    np.testing.assert_allclose(centre, _projected(slice_, g_end), atol=1e-10)
    assert console.errors == []
