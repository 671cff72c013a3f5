// Figure 1: f(w) = w^2 with its tangent at a point the reader moves (slider or drag).

import { fmt } from "../core/format.js";

const W_RANGE = [-2.3, 2.3];
const F_RANGE = [-0.7, 5.2];
const SVGNS = "http://www.w3.org/2000/svg";

/** @param {number} w */
export const f = (w) => w * w;
/** @param {number} w */
export const fprime = (w) => 2 * w;

/**
 * @param {HTMLElement} fig the <figure>
 */
export function mountSlope(fig) {
  const box = /** @type {HTMLElement} */ (fig.querySelector('[data-testid="slope-plot"]'));
  const input = /** @type {HTMLInputElement} */ (fig.querySelector("#slope-w"));
  const out = /** @type {HTMLOutputElement} */ (fig.querySelector("#slope-w-value"));
  const readout = /** @type {HTMLElement} */ (fig.querySelector('[data-testid="slope-readout"]'));
  const svg = document.createElementNS(SVGNS, "svg");
  svg.setAttribute("aria-hidden", "true");
  svg.classList.add("slope-svg");
  box.appendChild(svg);
  let w0 = Number(input.value);
  let W = 0;
  let H = 0;

  const X = (/** @type {number} */ w) => 34 + ((w - W_RANGE[0]) / (W_RANGE[1] - W_RANGE[0])) * (W - 44);
  const Y = (/** @type {number} */ v) => H - 26 - ((v - F_RANGE[0]) / (F_RANGE[1] - F_RANGE[0])) * (H - 36);
  const Winv = (/** @type {number} */ px) => W_RANGE[0] + ((px - 34) / (W - 44)) * (W_RANGE[1] - W_RANGE[0]);

  /** @param {string} tag @param {Record<string, string|number>} attrs @param {string} [text] */
  const el = (tag, attrs, text) => {
    const e = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    svg.appendChild(e);
    return e;
  };

  function draw() {
    const r = box.getBoundingClientRect();
    W = Math.max(200, Math.round(r.width));
    H = Math.max(160, Math.round(r.height));
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    svg.setAttribute("width", String(W));
    svg.setAttribute("height", String(H));
    svg.replaceChildren();
    // clip to the plotting area
    const defs = el("defs", {});
    const clip = document.createElementNS(SVGNS, "clipPath");
    clip.setAttribute("id", "slope-clip");
    const rect = document.createElementNS(SVGNS, "rect");
    for (const [k, v] of Object.entries({ x: X(W_RANGE[0]), y: Y(F_RANGE[1]), width: X(W_RANGE[1]) - X(W_RANGE[0]), height: Y(F_RANGE[0]) - Y(F_RANGE[1]) })) rect.setAttribute(k, String(v));
    clip.appendChild(rect);
    defs.appendChild(clip);
    // axes and ticks
    el("line", { x1: X(W_RANGE[0]), y1: Y(0), x2: X(W_RANGE[1]), y2: Y(0), class: "axis" });
    el("line", { x1: X(0), y1: Y(F_RANGE[0]), x2: X(0), y2: Y(F_RANGE[1]), class: "axis" });
    for (let t = -2; t <= 2; t++) {
      el("line", { x1: X(t), y1: Y(0) - 3, x2: X(t), y2: Y(0) + 3, class: "axis" });
      if (t !== 0) el("text", { x: X(t), y: Y(0) + 16, class: "tick", "text-anchor": "middle" }, t < 0 ? `−${-t}` : String(t));
    }
    for (let t = 1; t <= 5; t++) {
      el("line", { x1: X(0) - 3, y1: Y(t), x2: X(0) + 3, y2: Y(t), class: "axis" });
      el("text", { x: X(0) - 7, y: Y(t) + 4, class: "tick", "text-anchor": "end" }, String(t));
    }
    el("text", { x: X(W_RANGE[1]) - 2, y: Y(0) - 7, class: "axis-name", "text-anchor": "end" }, "w");
    el("text", { x: X(0) + 8, y: Y(F_RANGE[1]) + 12, class: "axis-name" }, "f(w)");
    // the curve
    let d = "";
    for (let k = 0; k <= 200; k++) {
      const w = W_RANGE[0] + ((W_RANGE[1] - W_RANGE[0]) * k) / 200;
      d += `${k ? "L" : "M"}${X(w).toFixed(2)},${Y(f(w)).toFixed(2)}`;
    }
    el("path", { d, class: "curve", "clip-path": "url(#slope-clip)" });
    drawPoint();
  }

  /** @type {SVGGElement|null} */
  let layer = null;
  function drawPoint() {
    if (layer) layer.remove();
    layer = /** @type {SVGGElement} */ (el("g", { "clip-path": "url(#slope-clip)" }));
    const g = layer;
    /** @param {string} tag @param {Record<string, string|number>} attrs @param {string} [text] */
    const add = (tag, attrs, text) => {
      const e = document.createElementNS(SVGNS, tag);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
      if (text !== undefined) e.textContent = text;
      g.appendChild(e);
      return e;
    };
    const y0 = f(w0);
    const s = fprime(w0);
    // the tangent: y = f(w0) + s (w - w0)
    const span = 1.4;
    add("line", { x1: X(w0 - span), y1: Y(y0 - s * span), x2: X(w0 + span), y2: Y(y0 + s * span), class: "tangent" });
    // a slope triangle: run of 0.5 toward the middle, rise s * 0.5
    const run = w0 > 0.6 ? -0.5 : 0.5;
    const x1 = X(w0 + run);
    const yRise = Y(y0 + s * run);
    add("path", { d: `M${X(w0)},${Y(y0)} L${x1},${Y(y0)} L${x1},${yRise}`, class: "triangle" });
    add("text", { x: (X(w0) + x1) / 2, y: Y(y0) + (s * run >= 0 ? 15 : -6), class: "tri-label", "text-anchor": "middle" }, "0.5");
    add("text", { x: x1 + (run > 0 ? 5 : -5), y: (Y(y0) + yRise) / 2 + 4, class: "tri-label", "text-anchor": run > 0 ? "start" : "end" }, fmt(s * Math.abs(run), 3));
    add("circle", { cx: X(w0), cy: Y(y0), r: 6, class: "point" });
  }

  function update() {
    const y0 = f(w0);
    const s = fprime(w0);
    out.value = fmt(w0, 3);
    readout.dataset.w = String(w0);
    readout.dataset.f = String(y0);
    readout.dataset.slope = String(s);
    const how = s > 0
      ? `increasing <var>w</var> a little raises <var>f</var>, by about ${fmt(s, 3)} times the change`
      : s < 0
        ? `increasing <var>w</var> a little lowers <var>f</var>, by about ${fmt(-s, 3)} times the change`
        : "the graph is flat here: this is the bottom";
    readout.innerHTML = `At <var>w</var> = ${fmt(w0, 3)}: <var>f</var>(<var>w</var>) = ${fmt(y0, 4)}, and the slope is <var>f</var>′(<var>w</var>) = 2<var>w</var> = <strong>${fmt(s, 3)}</strong>. So ${how}.`;
    if (W) drawPoint();
  }

  /** @param {number} w */
  function setW(w) {
    w0 = Math.round(Math.min(2, Math.max(-2, w)) * 100) / 100;
    input.value = String(w0);
    update();
  }

  input.addEventListener("input", () => setW(Number(input.value)));
  let dragging = false;
  /** @param {PointerEvent} e */
  const toW = (e) => Winv(e.clientX - svg.getBoundingClientRect().left);
  svg.addEventListener("pointerdown", (e) => { dragging = true; svg.setPointerCapture(e.pointerId); setW(toW(e)); });
  svg.addEventListener("pointermove", (e) => { if (dragging) setW(toW(e)); });
  svg.addEventListener("pointerup", () => { dragging = false; });
  svg.addEventListener("pointercancel", () => { dragging = false; });
  new ResizeObserver(() => draw()).observe(box);
  draw();
  update();
}
