"""gradscape.Explorer(slice_) on a PyTorch model, in a real Jupyter kernel, driven from Chromium.

The kernel is a real ipykernel (jupyter_client); the page runs the widget's real front end
(widget.js, as anywidget loads it) on a stub of anywidget's model whose custom messages travel
on the widget's comm exactly as anywidget sends them: the page's model.send(content) becomes a
comm_msg {"method": "custom", "content"} on the shell channel, and the kernel's replies (on
iopub) are handed back as "msg:custom" events. The picture fills in tile by tile as the kernel
computes them, and every hovered point's readout is the kernel's exact answer for that point.
"""

from __future__ import annotations

import json
import queue
import time
from typing import Any

import numpy as np
import pytest

pytest.importorskip("torch")
jupyter_client = pytest.importorskip("jupyter_client")

from gradscape.widget import Explorer  # noqa: E402

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

SETUP = """
import json, torch, gradscape
from gradscape.models.pytorch import TorchModel
from gradscape.models.slices import make_slice
g = torch.Generator().manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
x = torch.randn(80, 5, generator=g)
y = torch.randint(0, 3, (80,), generator=g)
model = TorchModel(net, torch.nn.functional.cross_entropy, (x, y))
s = make_slice(model, "random", seed=2)
e = gradscape.Explorer(s, span=1.5)
e
"""

STUB = """
class KernelModel {
  constructor(state) { this.state = state; this.handlers = new Map(); }
  get(name) { return this.state[name]; }
  set(name, value) { this.state[name] = value; }
  on(event, cb) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event).add(cb);
  }
  off(event, cb) {
    if (!event) { this.handlers.clear(); return; }
    if (!cb) this.handlers.delete(event); else this.handlers.get(event)?.delete(cb);
  }
  save_changes() {}
  send(content) { window.kernelSend(content); }
  deliver(messages) {
    const cbs = [...(this.handlers.get("msg:custom") || [])];
    for (const m of messages) for (const cb of cbs) cb(m, []);
  }
}
window.KernelModel = KernelModel;
"""


class Kernel:
    """A real kernel and the widget's comm on it, seen from the test."""

    def __init__(self) -> None:
        self.km, self.kc = jupyter_client.manager.start_new_kernel(kernel_name="python3")
        self.comm_id = ""
        self.custom: list[Any] = []

    def run(self, code: str) -> list[dict[str, Any]]:
        msg_id = self.kc.execute(code)
        outputs = []
        while True:
            msg = self.kc.get_iopub_msg(timeout=120)
            if msg["parent_header"].get("msg_id") != msg_id:
                self._keep(msg)
                continue
            if msg["msg_type"] in ("execute_result", "display_data", "stream", "error"):
                outputs.append(msg)
            self._keep(msg)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return outputs

    def _keep(self, msg: dict[str, Any]) -> None:
        if msg["msg_type"] != "comm_msg":
            return
        data = msg["content"]["data"]
        if msg["content"]["comm_id"] == self.comm_id and data.get("method") == "custom":
            self.custom.append(data["content"])

    def send(self, content: Any) -> None:
        """What anywidget's model.send(content) puts on the comm."""
        data = {"method": "custom", "content": content}
        msg = self.kc.session.msg("comm_msg", {"comm_id": self.comm_id, "data": data})
        self.kc.shell_channel.send(msg)

    def poll(self) -> list[Any]:
        while True:
            try:
                self._keep(self.kc.get_iopub_msg(timeout=0))
            except queue.Empty:
                break
        out, self.custom = self.custom, []
        return out

    def close(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


@pytest.fixture
def kernel():
    k = Kernel()
    yield k
    k.close()


def test_a_pytorch_slice_in_a_real_kernel_fills_in_by_tiles_with_exact_hover(page, kernel, console):
    (shown,) = [o for o in kernel.run(SETUP) if o["msg_type"] == "execute_result"]
    kernel.comm_id = shown["content"]["data"][WIDGET_VIEW]["model_id"]
    (out,) = kernel.run(
        "print(json.dumps({'slice': e.slice, '_view': e._view, '_point': e._point}))"
    )
    state = json.loads(out["content"]["text"])
    assert state["slice"]["remote"] is True and "browser" not in state["slice"]

    page.expose_function("kernelSend", kernel.send)
    page.set_content(f"<!doctype html><style>{Explorer._css}</style><div id='el'></div>")
    page.add_script_tag(content=STUB)
    page.evaluate(
        """async ([esm, state]) => {
             const url = URL.createObjectURL(new Blob([esm], { type: "text/javascript" }));
             const mod = await import(url);
             window.kmodel = new KernelModel(state);
             mod.default.render({ model: window.kmodel, el: document.getElementById("el") });
           }""",
        [Explorer._esm, state],
    )

    def pump(until: str, timeout: float = 60.0) -> list[str]:
        """Hand the kernel's messages to the page until `until` (JS) holds; the fields seen."""
        seen = []
        deadline = time.monotonic() + timeout
        while not page.evaluate(until):
            assert time.monotonic() < deadline, f"timed out waiting for {until}"
            msgs = kernel.poll()
            if msgs:
                page.evaluate("(m) => window.kmodel.deliver(m)", msgs)
            seen.append(page.locator("[data-testid=plot]").get_attribute("data-field") or "")
            page.wait_for_timeout(20)
        return seen

    complete = "() => document.querySelector('[data-testid=plot]')?.dataset.field === 'complete'"
    seen = pump(complete)
    assert "partial" in seen, f"the tiles did not show as they arrived: {sorted(set(seen))}"

    done = """() => { const r = document.querySelector('[data-testid=readout]');
                      return r.dataset.value !== undefined && r.dataset.pending === undefined; }"""
    box = page.locator("[data-testid=plot]").bounding_box()
    for fx, fy in [(0.3, 0.6), (0.77, 0.21)]:
        page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
        assert (
            page.evaluate("() => document.querySelector('[data-testid=readout]').dataset.pending")
            == "true"
        )
        assert "computing…" in page.locator("[data-testid=readout]").inner_text()
        pump(done)
        r = page.locator("[data-testid=readout]")
        point = r.get_attribute("data-point")
        value, gradient = r.get_attribute("data-value"), r.get_attribute("data-gradient")
        (out,) = kernel.run(
            f"v, g = s.value_and_gradient(({point}))\nprint(json.dumps([v, list(g)]))"
        )
        v, g = json.loads(out["content"]["text"])
        assert abs(float(value) - v) <= 1e-10 * max(1.0, abs(v))
        np.testing.assert_allclose(
            [float(c) for c in gradient.split(",")], g, rtol=1e-10, atol=1e-12
        )
    assert console.errors == []
