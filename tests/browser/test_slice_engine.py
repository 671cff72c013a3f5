"""The page's own slice engine (static/core/slice.js) in Chromium, against Python's `Slice`.

A small test page on the live server's origin (served by Playwright's router, with the server's
own script-src 'self' policy) imports /static/core/slice.js; the one-file variant inlines its
bundle the way the export does, under the export's CSP, and opens from file://.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gradscape.bundle import bundle
from gradscape.export import csp
from gradscape.models.browser import slice_payload
from gradscape.models.data import digits
from gradscape.models.mlp import BUILTIN, MLP, builtin
from gradscape.models.model import lesson_model
from gradscape.models.slices import Slice, make_slice

PAGE = "/__slice_engine_test.html"
SCRIPT = "/__slice_engine_test.js"
SERVED_CSP = "default-src 'self'; script-src 'self'; worker-src 'self'"
GLUE = """
window.sliceEngine = { createSliceLandscape };
document.body.dataset.ready = "1";
"""
HTML = """<!doctype html><html><head><meta charset="utf-8">{head}</head>
<body><p>slice engine test</p>{body}</body></html>"""
VIEW = {"x": [-0.8, 0.6], "y": [-0.5, 0.9]}

# the models: the lesson's trained network on its 200 images, and each built-in on few images
# (the large one fits the page's budget only on a handful)
SAMPLES = {"mlp": 120, "logistic": 150, "mlp-large": 20}


def lesson_net() -> MLP:
    return MLP(digits(200), BUILTIN["mlp"], w=lesson_model().w)


def model_for(name: str) -> MLP:
    return lesson_net() if name == "lesson" else builtin(name, SAMPLES[name], seed=1)


def slices_of(model: MLP) -> list[Slice]:
    last = model.names[-1]
    return [
        make_slice(model, "random", seed=3),
        make_slice(model, "gradient", seed=4),
        make_slice(model, "hessian", seed=5),
        make_slice(model, f"weights:W1[3,7],{last}"),
    ]


@pytest.fixture
def engine(page, server_url):  # type: ignore[no-untyped-def]
    """The test page on the server's origin, with slice.js loaded as separate modules."""
    script = f'import {{ createSliceLandscape }} from "/static/core/slice.js";\n{GLUE}'
    html = HTML.format(head=f'<script type="module" src="{SCRIPT}"></script>', body="")
    page.route(
        f"{server_url}{PAGE}",
        lambda route: route.fulfill(
            body=html, content_type="text/html", headers={"Content-Security-Policy": SERVED_CSP}
        ),
    )
    page.route(
        f"{server_url}{SCRIPT}",
        lambda route: route.fulfill(body=script, content_type="text/javascript"),
    )
    page.goto(f"{server_url}{PAGE}")
    page.wait_for_selector("body[data-ready]")
    return page


def one_file(tmp_path: Path) -> Path:
    """A one-file page like the export: the bundle inline, allowed by hash, under export's CSP."""
    code = bundle("core/slice.js").replace("export const ", "const ") + GLUE
    head = f'<meta http-equiv="Content-Security-Policy" content="{csp([code])}">'
    path = tmp_path / "slice-engine.html"
    path.write_text(
        HTML.format(head=head, body=f'<script type="module">{code}</script>'), encoding="utf-8"
    )
    return path


FIELD = """async ([payload, view, n]) => {
  const land = window.sliceEngine.createSliceLandscape(payload);
  const seen = [];
  const t0 = performance.now();
  const f = await land.field(view, n, {onProgress: (p) => seen.push(
      {stage: p.stage, done: p.done, total: p.total, n: p.n, t: performance.now() - t0,
       value: p.stage === "coarse" ? Array.from(p.value) : null})});
  const probe = [[0.1, -0.2], [view.x[0], view.y[1]], [0.33, 0.05]].map(([a, b]) => {
    const r = land.at(a, b);
    return {a, b, value: r.value, gradient: r.gradient, gradNorm: r.gradNorm, inPlane: r.inPlane,
            accuracy: r.accuracy, full: Array.from(r.fullGradient)};
  });
  const engine = land.engine;
  land.close();
  return {xs: Array.from(f.xs), ys: Array.from(f.ys), value: Array.from(f.value),
          ga: Array.from(f.ga), gb: Array.from(f.gb), seen, probe, engine,
          labels: land.labels, kind: land.kind, nWeights: land.nWeights};
}"""


def check_against_python(s: Slice, got: dict[str, Any], n: int) -> None:
    grid = s.grid(tuple(VIEW["x"]), tuple(VIEW["y"]), n)
    np.testing.assert_array_equal(got["xs"], grid.x)
    np.testing.assert_array_equal(got["ys"], grid.y)
    scale = max(1.0, float(np.abs(grid.value).max()))
    np.testing.assert_allclose(np.reshape(got["value"], (n, n)), grid.value, rtol=0, atol=1e-10 * scale)
    gscale = max(1.0, float(np.abs(grid.gradient).max()))
    np.testing.assert_allclose(np.reshape(got["ga"], (n, n)), grid.gradient[0], rtol=0, atol=1e-10 * gscale)
    np.testing.assert_allclose(np.reshape(got["gb"], (n, n)), grid.gradient[1], rtol=0, atol=1e-10 * gscale)
    for p in got["probe"]:
        ab = (p["a"], p["b"])
        value, g2 = s.value_and_gradient(ab)
        w = s.point(ab)
        full = s.model.gradient(w)
        assert p["value"] == pytest.approx(value, rel=1e-10, abs=1e-10)
        np.testing.assert_allclose(p["gradient"], g2, rtol=1e-10, atol=1e-10 * gscale)
        np.testing.assert_allclose(p["full"], full, rtol=0, atol=1e-12 * max(1.0, np.abs(full).max()))
        assert p["gradNorm"] == pytest.approx(float(np.linalg.norm(full)), rel=1e-10)
        assert p["inPlane"] == pytest.approx(s.in_plane(ab), rel=1e-9, abs=1e-12)
        assert p["accuracy"] == pytest.approx(s.model.accuracy(w), abs=1e-15)


@pytest.mark.parametrize("name", ["lesson", "logistic", "mlp", "mlp-large"])
def test_the_page_computes_every_kind_of_slice_as_python_does(engine, name) -> None:  # type: ignore[no-untyped-def]
    n = 17
    for s in slices_of(model_for(name)):
        payload = slice_payload(s)
        got = engine.evaluate(FIELD, [payload, VIEW, n])
        assert got["engine"] == "workers", "the field ran on the page, not in workers"
        assert got["kind"] == s.kind.partition(":")[0]
        assert got["nWeights"] == s.model.n_weights
        check_against_python(s, got, n)
        stages = [p["stage"] for p in got["seen"]]
        assert stages[0] == "coarse" and stages.count("coarse") == 1
        assert got["seen"][-1]["done"] == n * n == got["seen"][-1]["total"]


def test_the_coarse_picture_comes_first_and_is_the_13_by_13_grid(engine) -> None:  # type: ignore[no-untyped-def]
    s = make_slice(lesson_net(), "random", seed=0)
    got = engine.evaluate(FIELD, [slice_payload(s), VIEW, 51])
    coarse = got["seen"][0]
    assert coarse["stage"] == "coarse" and coarse["n"] == 13 and coarse["done"] == 0
    assert all(p["stage"] == "rows" for p in got["seen"][1:])
    done = [p["done"] for p in got["seen"][1:]]
    assert done == sorted(done) and done[-1] == 51 * 51 and len(done) > 3
    small = s.grid(tuple(VIEW["x"]), tuple(VIEW["y"]), 13)
    np.testing.assert_allclose(np.reshape(coarse["value"], (13, 13)), small.value, atol=1e-10)
    check_against_python(s, got, 51)


def test_a_field_is_cancelled_by_its_signal(engine) -> None:  # type: ignore[no-untyped-def]
    s = make_slice(lesson_net(), "random", seed=0)
    got = engine.evaluate(
        """async ([payload, view]) => {
          const land = window.sliceEngine.createSliceLandscape(payload);
          const ctl = new AbortController();
          let rows = 0;
          const first = land.field(view, 101, {signal: ctl.signal,
              onProgress: (p) => { if (p.stage === "rows") rows++; }});
          setTimeout(() => ctl.abort(), 30);
          let error = null;
          try { await first; } catch (e) { error = e.name; }
          const rowsAtAbort = rows;
          // the engine is free again at once: a new view's field completes
          const t0 = performance.now();
          const next = await land.field(view, 21);
          const took = performance.now() - t0;
          await new Promise((r) => setTimeout(r, 300));
          land.close();
          return {error, rowsAtAbort, rowsLater: rows, took, last: next.value[440]};
        }""",
        [slice_payload(s), VIEW],
    )
    assert got["error"] == "AbortError"
    assert got["rowsLater"] == got["rowsAtAbort"], "rows kept arriving after the abort"
    assert got["last"] == pytest.approx(s.value((VIEW["x"][1], VIEW["y"][1])), rel=1e-12)


def test_without_workers_the_field_is_computed_on_the_page_in_chunks(engine) -> None:  # type: ignore[no-untyped-def]
    s = make_slice(lesson_net(), "gradient", seed=2)
    got = engine.evaluate(
        """async ([payload, view]) => {
          const land = window.sliceEngine.createSliceLandscape(payload, {workers: 0});
          let ticks = 0;
          const timer = setInterval(() => ticks++, 0);
          const f = await land.field(view, 17);
          clearInterval(timer);
          return {engine: land.engine, ticks, value: Array.from(f.value),
                  ga: Array.from(f.ga), gb: Array.from(f.gb)};
        }""",
        [slice_payload(s), VIEW],
    )
    assert got["engine"] == "main"
    assert got["ticks"] >= 3, "the page got no turn while the field was computed"
    grid = s.grid(tuple(VIEW["x"]), tuple(VIEW["y"]), 17)
    np.testing.assert_allclose(np.reshape(got["value"], (17, 17)), grid.value, atol=1e-10)
    np.testing.assert_allclose(np.reshape(got["ga"], (17, 17)), grid.gradient[0], atol=1e-10)


def test_the_one_file_page_starts_its_worker_from_the_bundle_offline(browser, tmp_path) -> None:  # type: ignore[no-untyped-def]
    s = make_slice(lesson_net(), "hessian", seed=1)
    path = one_file(tmp_path)
    context = browser.new_context(offline=True)
    try:
        pg = context.new_page()
        errors: list[str] = []
        pg.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(path.as_uri())
        pg.wait_for_selector("body[data-ready]")
        got = pg.evaluate(FIELD, [slice_payload(s), VIEW, 15])
    finally:
        context.close()
    assert got["engine"] == "workers", errors
    assert not errors, errors
    assert got["labels"][0].startswith("Hessian eigenvector 1, λ = ")
    check_against_python(s, got, 15)
