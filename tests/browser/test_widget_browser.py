"""The notebook widget's front end in Chromium: widget.js on a stub of anywidget's model.

The stub (get, set, on, off, save_changes, send, as anywidget documents its `model`) is wired to a
real `gradscape.Explorer` in this process, the way a kernel's comm would be: save_changes()
delivers the changed traits to Explorer.set_state(), and the update messages the widget sends
back are applied to the stub, firing change events as Backbone does (all values set, then one
change:name event per changed key).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from gradscape import Surface, descend
from gradscape.widget import Explorer

STUB = """
class StubModel {
  constructor(state) {
    this.state = state; this.handlers = new Map(); this.dirty = new Set(); this.sent = [];
  }
  get(name) { return this.state[name]; }
  set(name, value) {
    if (JSON.stringify(this.state[name]) === JSON.stringify(value)) return;
    this.state[name] = value;
    this.dirty.add(name);
    this.fire([name]);
  }
  on(event, cb) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event).add(cb);
  }
  off(event, cb) {
    if (!event) { this.handlers.clear(); return; }
    if (!cb) this.handlers.delete(event); else this.handlers.get(event)?.delete(cb);
  }
  send(content) { this.sent.push(content); }
  save_changes() {
    if (!this.dirty.size) return;
    const changes = {};
    for (const k of this.dirty) changes[k] = this.state[k];
    this.dirty.clear();
    window.kernelReceive(changes).then((updates) => this.receive(updates));
  }
  /** Update messages from Python: set every value, then fire change events. */
  receive(updates) {
    for (const state of updates) {
      const changed = [];
      for (const [k, v] of Object.entries(state)) {
        if (JSON.stringify(this.state[k]) === JSON.stringify(v)) continue;
        this.state[k] = v;
        changed.push(k);
      }
      this.fire(changed);
    }
  }
  fire(names) {
    for (const k of names) {
      for (const cb of [...(this.handlers.get(`change:${k}`) || [])]) cb(this.state[k]);
    }
  }
}
window.StubModel = StubModel;
"""

SYNCED = ("formula", "compiled", "error", "error_column", "_answered", "_view", "_point", "_runs",
          "_gallery", "_params", "compact", "slice")  # fmt: skip


class Kernel:
    """A real Explorer on this side of the stub: what a kernel's comm would carry, both ways."""

    def __init__(self, widget: Explorer) -> None:
        self.widget = widget
        self.outbox: list[dict[str, Any]] = []
        widget._send = self._capture  # type: ignore[method-assign]

    def _capture(self, msg: dict[str, Any], buffers: Any = None) -> None:
        if msg.get("method") == "update":
            self.outbox.append(json.loads(json.dumps(msg["state"])))

    def receive(self, changes: dict[str, Any]) -> list[dict[str, Any]]:
        """The front end saved `changes`: apply them as the comm would; answer with updates."""
        self.widget.set_state(changes)
        return self.flush()

    def flush(self) -> list[dict[str, Any]]:
        out, self.outbox = self.outbox, []
        return out


@pytest.fixture(autouse=True)
def no_console_errors(console):
    yield
    assert console.errors == []


def mount(page, widget: Explorer, before: str = "") -> Kernel:
    """Render the widget on the stub; `before` is a script run first (to change the browser)."""
    kernel = Kernel(widget)
    page.expose_function("kernelReceive", kernel.receive)
    page.set_content(f"<!doctype html><style>{widget._css}</style><div id='el'></div>")
    page.add_script_tag(content=STUB + before)
    state = {k: v for k, v in widget.get_state().items() if k in SYNCED}
    page.evaluate(
        """async ([esm, state]) => {
             const url = URL.createObjectURL(new Blob([esm], { type: "text/javascript" }));
             const mod = await import(url);
             window.stub = new StubModel(state);
             const el = document.getElementById("el");
             window.cleanup = mod.default.render({ model: window.stub, el });
           }""",
        [widget._esm, state],
    )
    page.wait_for_selector("[data-testid=plot][data-view]")
    return kernel


def push(page, kernel: Kernel) -> None:
    """Deliver Python-side changes to the front end."""
    page.evaluate("(updates) => window.stub.receive(updates)", kernel.flush())


def hover(page, fx: float, fy: float) -> tuple[np.ndarray, np.ndarray]:
    box = page.locator("[data-testid=plot]").bounding_box()
    page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    readout = page.locator("[data-testid=readout]")
    point = readout.get_attribute("data-point")
    grad = readout.get_attribute("data-gradient")
    return np.array([float(v) for v in point.split(",")]), np.array(
        [float(v) for v in grad.split(",")]
    )


def test_widget_renders_the_explorer_and_hover_matches_python(page):
    widget = Explorer("w1^2 + 3w2^2")
    mount(page, widget)
    surface = Surface("w1^2 + 3w2^2")
    for fx, fy in [(0.3, 0.4), (0.7, 0.2)]:
        point, grad = hover(page, fx, fy)
        np.testing.assert_allclose(grad, surface.gradient(point), rtol=1e-12)


def test_hovered_point_and_dropped_ball_reach_python(page):
    widget = Explorer("w1^2 + 3w2^2")
    mount(page, widget)
    box = page.locator("[data-testid=plot]").bounding_box()
    page.mouse.click(box["x"] + 0.8 * box["width"], box["y"] + 0.3 * box["height"])
    item = page.locator("[data-testid=runs] [data-status=converged]").first
    item.wait_for(timeout=20_000)
    final = np.array([float(v) for v in item.get_attribute("data-final").split(",")])
    shown = page.get_by_test_id("readout").get_attribute("data-point")
    page.wait_for_timeout(400)  # the explorer saves the point a moment after the last move
    assert widget.point == tuple(float(v) for v in shown.split(","))
    (run,) = widget.runs
    assert run.stopped == "converged"
    np.testing.assert_allclose(run.end, final, rtol=1e-9, atol=1e-12)


def test_formula_set_in_python_redraws_the_widget(page):
    widget = Explorer("w1^2 + 3w2^2")
    kernel = mount(page, widget)
    widget.formula = "rosenbrock"
    push(page, kernel)
    page.wait_for_function(
        "() => document.querySelector('.gs-display').textContent.includes('100')"
    )
    view = page.locator("[data-testid=plot]").get_attribute("data-view")
    x0, x1, *_ = (float(v) for v in view.split(","))
    assert x0 <= -2 and x1 >= 2  # Rosenbrock's own window, not the bowl's
    rosen = Surface(widget.compiled["formula"], widget.compiled["variables"])
    point, grad = hover(page, 0.45, 0.55)
    np.testing.assert_allclose(grad, rosen.gradient(point), rtol=1e-12)


def test_formula_typed_in_the_widget_is_compiled_by_python(page):
    widget = Explorer("w1^2 + 3w2^2")
    mount(page, widget)
    page.get_by_test_id("formula").fill("sin(x) cos(y)")
    page.wait_for_function(
        "() => document.querySelector('.gs-display')?.textContent.includes('sin')"
    )
    assert widget.compiled["formula"] == "sin(x) cos(y)"
    point, grad = hover(page, 0.55, 0.45)
    np.testing.assert_allclose(grad, Surface("sin(x) cos(y)").gradient(point), rtol=1e-12)


def test_bad_formula_typed_in_the_widget_shows_pythons_message(page):
    widget = Explorer("w1^2 + 3w2^2")
    mount(page, widget)
    page.get_by_test_id("formula").fill("w1^2 + foo(w2)")
    error = page.get_by_test_id("formula-error")
    error.wait_for(state="visible")
    assert "foo*(" in error.inner_text()
    assert widget.error and widget.compiled["formula"] == "w1^2 + 3w2^2"


def test_widget_has_no_copy_link_but_saves_images_and_shows_python(page):
    widget = Explorer("himmelblau")
    mount(page, widget)
    assert page.get_by_test_id("copy-link").is_hidden()
    page.get_by_test_id("python-code").click()
    code = page.get_by_test_id("python-code-text").inner_text()
    assert 'gradscape.Explorer("himmelblau"' in code
    with page.expect_download() as download:
        page.get_by_test_id("save-image").click()
    assert download.value.suggested_filename == "gradscape-himmelblau.png"


def test_widget_screenshot(page, screenshots):
    widget = Explorer("w1^2 + 3w2^2")
    widget.add_run((3, 1), optimizer="momentum", lr=0.02)
    mount(page, widget)
    page.locator("[data-testid=runs] li").first.wait_for()
    page.wait_for_timeout(1500)
    page.screenshot(path=screenshots / "widget.png", full_page=True)


def test_a_new_view_of_a_widget_whose_last_formula_was_refused_shows_the_refusal(page):
    widget = Explorer("w1^2 + 3w2^2")
    widget.formula = "w1^^2"  # refused in Python: the bowl stays, the error is kept
    assert widget.error
    mount(page, widget)
    error = page.get_by_test_id("formula-error")
    error.wait_for(state="visible")
    assert error.inner_text().startswith(widget.error.split(";")[0][:20])


def test_observing_point_in_python_fires_when_the_page_hovers(page):
    widget = Explorer("w1^2 + 3w2^2")
    seen: list[tuple[float, float] | None] = []
    widget.observe(lambda change: seen.append(widget.point), names="_point")
    mount(page, widget)
    seen.clear()
    point, _grad = hover(page, 0.3, 0.6)
    page.wait_for_timeout(600)  # the explorer saves the point a moment after the last move
    assert seen, "observe(names='_point') never fired"
    np.testing.assert_allclose(seen[-1], point, rtol=1e-12)


CANVASES = """() => [...document.querySelectorAll('#el canvas')].filter((c) => c.offsetParent)
  .map((c) => [c.width, c.height, c.getBoundingClientRect().width])"""
DRAWN = """() => {
  const c = document.querySelector('[data-testid=plot] canvas');
  const px = c.getContext('2d').getImageData(c.width >> 1, c.height >> 1, 1, 1).data;
  return c.width > 100 && c.height > 100 && px[3] > 0;
}"""


# What the notebook does to the widget: its element keeps its size, so no resize is ever observed.
SILENT_RESIZE = """
window.ResizeObserver = class { observe() {} unobserve() {} disconnect() {} };
"""


@pytest.mark.parametrize("how", ["hidden", "detached"])
def test_the_widget_redraws_after_being_hidden_or_moved_as_a_theme_change_does(page, how):
    """JupyterLab's theme change hides (or re-parents) the output while the model changes, and the
    element comes back at its old size, so no resize is observed (here: a ResizeObserver that never
    fires): the canvases must not stay 1x1 px (blank) or stale."""
    widget = Explorer("w1^2 + 3w2^2")
    kernel = mount(page, widget, before=SILENT_RESIZE)
    before = page.evaluate(CANVASES)
    assert all(w > 100 for w, _, _ in before)
    widget.formula = "rosenbrock"  # the model changes while nothing can be measured
    page.evaluate(
        """([updates, how]) => {
             const el = document.getElementById('el');
             const parent = el.parentNode;
             // every box keeps its size whatever its canvases do, as in JupyterLab's layout
             for (const c of el.querySelectorAll('canvas')) {
               const box = c.parentElement, r = box.getBoundingClientRect();
               Object.assign(box.style, { width: `${r.width}px`, height: `${r.height}px` });
             }
             window.parked = [el, parent];
             if (how === 'hidden') el.style.display = 'none'; else el.remove();
             window.stub.receive(updates);
           }""",
        [kernel.flush(), how],
    )
    page.wait_for_timeout(300)  # frames pass: whatever is drawn now is drawn into nothing
    page.evaluate(
        """(how) => {
             const [el, parent] = window.parked;
             if (how === 'hidden') el.style.display = ''; else parent.appendChild(el);
           }""",
        how,
    )
    page.wait_for_function(
        "() => document.querySelector('.gs-display').textContent.includes('100')"
    )
    page.wait_for_timeout(400)
    after = page.evaluate(CANVASES)
    assert len(after) == len(before)
    for w, h, css in after:
        assert w >= css and h > 50, after  # full size again, not 1x1
    assert page.evaluate(DRAWN)
    view = page.locator("[data-testid=plot]").get_attribute("data-view")
    assert float(view.split(",")[0]) <= -2  # Rosenbrock's window: drawn after it came back


# --- compact (Explorer(compact=True)) --------------------------------------------------------

BOXES = """() => {
  const box = (s) => {
    const e = document.querySelector(s);
    if (!e || !e.offsetParent) return null;
    const r = e.getBoundingClientRect();
    const { left, top, right, bottom, width, height } = r;
    return { left, top, right, bottom, width, height };
  };
  return {
    card: box('.gs-widget'), plot: box('[data-testid=plot]'), readout: box('.gs-readout-card'),
    side: box('.gs-side'), help: box('.gs-formula-help'), caption: box('.gs-figure > .gs-caption'),
    fig3d: box('.gs-figure3d'), canvas: box('[data-testid=plot] canvas'),
    embed: document.querySelector('.gs-explorer').classList.contains('gs-embed'),
    html: document.documentElement.classList.contains('gs-embed'),
    scroll: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
  };
}"""


def assert_compact(b: dict[str, Any], width: int, height: int) -> None:
    assert b["embed"] and not b["html"]  # the class is on the widget's explorer, not the notebook
    assert b["help"] is None and b["caption"] is None and b["fig3d"] is None  # no chrome
    card, plot, ro, side = b["card"], b["plot"], b["readout"], b["side"]
    assert card["height"] <= height and card["right"] <= width, card  # fits the cell
    assert ro["left"] >= plot["right"] and ro["top"] < plot["bottom"], (plot, ro)  # side by side
    assert plot["width"] > 350 and plot["height"] > 280
    assert side["bottom"] <= card["bottom"] and ro["bottom"] <= card["bottom"]
    assert b["scroll"][0] <= width  # no horizontal scrollbar around the widget


@pytest.mark.parametrize("width", [800, 1280])  # a notebook's cell, and a wide JupyterLab one
def test_compact_widget_is_plot_and_readout_side_by_side_in_a_short_cell(page, width):
    page.set_viewport_size({"width": width, "height": 600})
    widget = Explorer("rosenbrock", compact=True)
    widget.add_run((-1.5, 2), optimizer="adam", lr=0.05)
    mount(page, widget)
    page.wait_for_function(DRAWN)
    boxes = page.evaluate(BOXES)
    assert_compact(boxes, width, 500)
    runs = page.locator(".gs-side-b").bounding_box()
    assert runs["x"] >= boxes["plot"]["right"]  # the runs too: beside the plot, not under it
    point, grad = hover(page, 0.6, 0.4)  # still the explorer: hover reads Python's gradient
    rosen = Surface(widget.compiled["formula"], widget.compiled["variables"])
    np.testing.assert_allclose(grad, rosen.gradient(point), rtol=1e-12)


def test_compact_set_from_python_switches_the_layout_live(page):
    page.set_viewport_size({"width": 800, "height": 600})
    widget = Explorer("rosenbrock")
    kernel = mount(page, widget)
    full = page.evaluate(BOXES)
    assert not full["embed"] and full["fig3d"] is not None and full["card"]["height"] > 600
    widget.compact = True
    push(page, kernel)
    page.wait_for_function("() => document.querySelector('.gs-explorer.gs-embed')")
    page.wait_for_timeout(300)  # the plot's resize is observed and it is drawn again
    compact = page.evaluate(BOXES)
    assert_compact(compact, 800, 500)
    assert compact["canvas"]["height"] == pytest.approx(compact["plot"]["height"], abs=1)
    assert page.evaluate(DRAWN)
    widget.compact = False
    push(page, kernel)
    page.wait_for_function("() => !document.querySelector('.gs-explorer.gs-embed')")
    again = page.evaluate(BOXES)
    assert again["fig3d"] is not None and again["card"]["height"] == pytest.approx(
        full["card"]["height"], abs=2
    )


def test_a_compact_slice_shows_its_title_not_the_formula_box(page):
    from gradscape.models.mlp import builtin
    from gradscape.models.slices import make_slice

    page.set_viewport_size({"width": 800, "height": 600})
    mount(page, Explorer(make_slice(builtin("logistic", 120), "random", seed=4), compact=True))
    page.get_by_test_id("slice-title").wait_for()
    assert page.get_by_test_id("formula").is_hidden()  # the embed's display: contents kept it
    assert_compact(page.evaluate(BOXES), 800, 500)


def test_compact_python_panel_opens_over_the_widget_and_leaves_its_button_in_reach(page):
    """The page's embed pins the panel to its frame's bottom; a notebook's window is no frame."""
    page.set_viewport_size({"width": 800, "height": 600})
    mount(page, Explorer("rosenbrock", compact=True))
    button = page.get_by_test_id("python-code")
    button.click()
    code = page.get_by_test_id("python-code-text")
    code.wait_for()
    panel = page.locator(".gs-code-slot").bounding_box()
    card = page.locator(".gs-widget").bounding_box()
    assert card["y"] <= panel["y"] and panel["y"] + panel["height"] <= card["y"] + card["height"]
    assert 'gradscape.Explorer("rosenbrock"' in code.inner_text()
    button.click()  # not covered by the panel: the click reaches it and closes the panel
    code.wait_for(state="hidden")


@pytest.mark.parametrize("compact", [False, True])
def test_presentation_mode_in_the_widget_fills_the_window(page, compact):
    """The cell's fixed plot height is for the cell: Present (key f) still fills the window."""
    page.set_viewport_size({"width": 800, "height": 600})
    mount(page, Explorer("rosenbrock", compact=compact))
    page.get_by_test_id("present").click()
    page.wait_for_function("() => document.querySelector('.gs-explorer.gs-present')")
    page.wait_for_timeout(300)
    plot = page.locator("[data-testid=plot]").bounding_box()
    # explorer.css's presentation size (the embed's, as on the page's ?embed=1&present=1)
    assert plot["height"] == pytest.approx(600 - (184 if compact else 122), abs=2)
    assert plot["width"] > 600
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector('.gs-explorer.gs-present')")
    assert page.locator("[data-testid=plot]").bounding_box()["height"] < 400


@pytest.mark.parametrize("size", [(800, 600), (390, 844)])
def test_compact_widget_screenshot(page, screenshots, size):
    w, h = size
    page.set_viewport_size({"width": w, "height": h})
    widget = Explorer("rosenbrock", compact=True)
    widget.add_run((-1.5, 2), optimizer="adam", lr=0.05)
    mount(page, widget)
    page.locator("[data-testid=runs] li").first.wait_for()
    page.wait_for_timeout(1200)
    assert page.evaluate(BOXES)["scroll"][0] <= w  # no sideways scrolling, even on a phone
    page.screenshot(path=screenshots / f"widget-compact-{w}x{h}.png", full_page=True)


# --- parameter sliders, both ways ------------------------------------------------------------


def slider(page, name: str) -> dict[str, str]:
    return page.evaluate(
        """(name) => {
             const s = document.querySelector(`[data-testid=param-${name}]`);
             const v = document.querySelector(`[data-testid=param-${name}-value]`);
             return { value: s.value, min: s.min, max: s.max, box: v.value };
           }""",
        name,
    )


def test_a_slider_value_set_in_python_moves_the_slider_and_the_surface(page):
    widget = Explorer("a*x^2 + y^2")
    kernel = mount(page, widget)
    at_one = Surface("a*x^2 + y^2", ["x", "y"], params={"a": 1.0})
    point, grad = hover(page, 0.7, 0.3)
    np.testing.assert_allclose(grad, at_one.gradient(point), rtol=1e-12)
    before = page.evaluate("() => document.querySelector('[data-testid=plot] canvas').toDataURL()")

    widget.params = {"a": 3.5}
    push(page, kernel)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=param-a-value]').value === '3.5'"
    )
    assert slider(page, "a") == {"value": "3.5", "min": "-10", "max": "10", "box": "3.5"}
    at = Surface("a*x^2 + y^2", ["x", "y"], params={"a": 3.5})
    point, grad = hover(page, 0.7, 0.3)
    np.testing.assert_allclose(grad, at.gradient(point), rtol=1e-12)
    after = page.evaluate("() => document.querySelector('[data-testid=plot] canvas').toDataURL()")
    assert after != before  # the heatmap is drawn again for a = 3.5

    widget.set_params(a=25)  # outside the slider's range: the range widens to take it
    push(page, kernel)
    page.wait_for_function("() => document.querySelector('[data-testid=param-a]').max === '25'")
    assert slider(page, "a")["value"] == "25"
    assert widget.params == {"a": 25.0}  # the page's echo of the new state changes nothing


def test_a_slider_moved_in_the_page_reaches_python(page):
    widget = Explorer("a*x^2 + y^2")
    seen: list[dict[str, float]] = []
    widget.observe(lambda change: seen.append(widget.params), names="_params")
    mount(page, widget)
    seen.clear()
    plain = widget.picture()
    knob = page.get_by_test_id("param-a")
    knob.focus()
    for _ in range(5):
        knob.press("ArrowRight")  # the slider's step over [-10, 10] is 0.1
    page.wait_for_function(
        "() => document.querySelector('[data-testid=param-a-value]').value === '1.5'"
    )
    page.wait_for_timeout(500)  # a slider saves when it is let go, or a moment after it stops
    assert widget.params == {"a": 1.5}
    assert seen and seen[-1] == {"a": 1.5}, "observe(names='_params') never fired"
    assert widget.surface.value((1.0, 1.0)) == 2.5
    t = widget.add_run((2.0, 1.0), optimizer="gd", lr=0.1)
    want = descend(Surface("a*x^2 + y^2", ["x", "y"], params={"a": 1.5}), (2.0, 1.0), lr=0.1)
    np.testing.assert_array_equal(t.points, want.points)
    assert widget.picture() != plain
