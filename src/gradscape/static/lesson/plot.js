// The lesson's 2D figure base: a loss surface as a heatmap with labelled contours, on the same
// plane (core/plane.js: canvases, equal scales, data <-> px) and field painting (core/paint.js) as
// the explorer's plot; an overlay canvas the figure draws on; pointer / keyboard input turned
// into data coordinates.
//
//   const plot = createFieldPlot(el, program, view, { draw, pointer, key })
//   plot.redraw()                 redraw the overlay (calls draw(ctx, plot))
//   plot.sx(x), plot.sy(y)        data -> CSS px;  plot.toData(px, py) -> [x, y]

import { evalView } from "../core/evaluator.js";
import { chooseLevels } from "../core/contours.js";
import { makeNormalizer } from "../core/colormap.js";
import { paintField } from "../core/paint.js";
import { niceTicks } from "../core/view.js";
import { createPlane } from "../core/plane.js";
import { formatTick } from "../core/format.js";

export const INK = "#1d2129";
export const GRAD = "#c0392b"; // uphill, warm (as in the explorer)
export const DESC = "#1b3a6b"; // downhill
export const HALO = "rgba(255,255,255,0.92)";
const CONTOUR = "rgba(28, 32, 48, 0.42)";
const CONTOUR_TEXT = "rgba(28, 32, 48, 0.82)";
const FONT = `11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;

/**
 * @typedef {import("../core/evaluator.js").Program} Program
 * @typedef {import("../core/view.js").View} View
 * @typedef {{
 *   draw: (ctx: CanvasRenderingContext2D, plot: FieldPlot) => void,
 *   pointer?: (kind: "down"|"move"|"up"|"leave", p: number[], px: {x: number, y: number}, e: PointerEvent) => void,
 *   key?: (e: KeyboardEvent) => boolean,
 * }} Handlers
 * @typedef {ReturnType<typeof createFieldPlot>} FieldPlot
 */

/**
 * @param {HTMLElement} el the figure's plot box (sized by CSS)
 * @param {Program} program @param {View} view @param {Handlers} on
 */
export function createFieldPlot(el, program, view, on) {
  const plane = createPlane(el, 2, "plot-layer"); // the field, and the figure's overlay
  const [bctx, octx] = plane.contexts;
  const off = document.createElement("canvas");

  const api = {
    el,
    sx: plane.sx,
    sy: plane.sy,
    toData: plane.toData,
    /** pixels per data unit (equal on both axes) */
    get scale() { return plane.width / (plane.shown.x[1] - plane.shown.x[0]); },
    get shown() { return plane.shown; },
    get width() { return plane.width; },
    get height() { return plane.height; },
    redraw,
    /** Clamp a data point into the shown window. @param {number[]} p */
    clamp: (p) => {
      const shown = plane.shown;
      return [
        Math.min(shown.x[1], Math.max(shown.x[0], p[0])),
        Math.min(shown.y[1], Math.max(shown.y[0], p[1])),
      ];
    },
    destroy() {
      listening.abort();
      ro.disconnect();
      plane.remove();
    },
  };

  function renderBase() {
    const shown = plane.fit(view, true);
    const w = plane.width;
    const h = plane.height;
    plane.begin(bctx);
    const cell = Math.max(2, Math.sqrt((w * h) / 60000));
    const nx = Math.max(8, Math.round(w / cell) + 1);
    const ny = Math.max(8, Math.round(h / cell) + 1);
    const grid = evalView(program, shown, nx, ny);
    const lv = chooseLevels(grid.value, h < 300 ? 7 : 9);
    const normalize = makeNormalizer(lv.levels, lv.lo, lv.hi);
    paintField(bctx, off, grid, nx, ny, w, h, lv, normalize, {
      font: FONT, line: CONTOUR, text: CONTOUR_TEXT,
      spacing: Math.max(160, Math.min(w, h) * 0.5),
      labelBounds: { x0: 2, y0: 2, x1: w - 2, y1: h - 16 }, clip: { x0: 0, y0: 0, x1: w, y1: h },
    });
    drawAxes();
  }

  function drawAxes() {
    const { shown, width: w, height: h } = plane;
    const names = program.variables.slice(0, 2).map((v) => v.replace(/(\d+)$/, (d) => [...d].map((c) => "₀₁₂₃₄₅₆₇₈₉"[Number(c)]).join("")));
    const tx = niceTicks(shown.x[0], shown.x[1], w, 70);
    const ty = niceTicks(shown.y[0], shown.y[1], h, 56);
    bctx.strokeStyle = "rgba(28,32,48,0.55)";
    bctx.fillStyle = "rgba(28,32,48,0.85)";
    bctx.lineWidth = 1;
    bctx.font = FONT;
    bctx.beginPath();
    for (const t of tx.ticks) { const x = Math.round(api.sx(t)) + 0.5; bctx.moveTo(x, h); bctx.lineTo(x, h - 5); }
    for (const t of ty.ticks) { const y = Math.round(api.sy(t)) + 0.5; bctx.moveTo(0, y); bctx.lineTo(5, y); }
    bctx.stroke();
    bctx.strokeRect(0.5, 0.5, w - 1, h - 1);
    bctx.textBaseline = "bottom";
    bctx.textAlign = "center";
    for (const t of tx.ticks) {
      const x = api.sx(t);
      if (x > 14 && x < w - 30) haloText(bctx, formatTick(t, tx.step), x, h - 6);
    }
    bctx.textAlign = "left";
    bctx.textBaseline = "middle";
    for (const t of ty.ticks) {
      const y = api.sy(t);
      if (y > 12 && y < h - 22) haloText(bctx, formatTick(t, ty.step), 8, y);
    }
    bctx.font = `italic 13px Georgia, "Times New Roman", serif`;
    bctx.textAlign = "right";
    bctx.textBaseline = "bottom";
    haloText(bctx, names[0] || "x", w - 6, h - 5);
    bctx.textAlign = "left";
    bctx.textBaseline = "top";
    haloText(bctx, names[1] || "y", 8, 5);
  }

  function redraw() {
    plane.begin(octx);
    on.draw(octx, api);
  }

  // --- input ---------------------------------------------------------------------------------
  /** @param {PointerEvent} e */
  const local = (e) => {
    const r = el.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  /** @param {"down"|"move"|"up"|"leave"} kind */
  const pointer = (kind) => (/** @type {PointerEvent} */ e) => {
    if (!on.pointer) return;
    const px = local(e);
    if (kind === "down") {
      if (e.pointerType === "mouse" && e.button !== 0) return;
      el.setPointerCapture(e.pointerId);
      el.focus({ preventScroll: true });
    }
    on.pointer(kind, api.toData(px.x, px.y), px, e);
  };
  const listening = new AbortController(); // destroy() removes every listener at once
  const { signal } = listening;
  el.addEventListener("pointerdown", pointer("down"), { signal });
  el.addEventListener("pointermove", pointer("move"), { signal });
  el.addEventListener("pointerup", pointer("up"), { signal });
  el.addEventListener("pointercancel", pointer("up"), { signal });
  el.addEventListener("pointerleave", pointer("leave"), { signal });
  el.addEventListener("keydown", (e) => { if (on.key && on.key(e)) e.preventDefault(); }, { signal });
  const ro = new ResizeObserver(() => { if (plane.measure()) { renderBase(); redraw(); } });
  ro.observe(el);
  plane.measure();
  renderBase();
  redraw();
  return api;
}

/**
 * Arrow keys move a point by 2% of the window (10% with Shift). Returns the new point or null.
 * @param {KeyboardEvent} e @param {number[]} p @param {View} shown
 */
export function arrowKeyMove(e, p, shown) {
  const f = e.shiftKey ? 0.1 : 0.02;
  const dx = (shown.x[1] - shown.x[0]) * f;
  const dy = (shown.y[1] - shown.y[0]) * f;
  switch (e.key) {
    case "ArrowLeft": return [p[0] - dx, p[1]];
    case "ArrowRight": return [p[0] + dx, p[1]];
    case "ArrowUp": return [p[0], p[1] + dy];
    case "ArrowDown": return [p[0], p[1] - dy];
    default: return null;
  }
}

/**
 * Text with a white halo, readable on any colour.
 * @param {CanvasRenderingContext2D} ctx @param {string} text @param {number} x @param {number} y
 * @param {string} [color]
 */
export function haloText(ctx, text, x, y, color = "rgba(28,32,48,0.9)") {
  ctx.save();
  ctx.lineWidth = 3;
  ctx.lineJoin = "round";
  ctx.strokeStyle = HALO;
  ctx.strokeText(text, x, y);
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
  ctx.restore();
}

/**
 * The contour's tangent through (x, y) (perpendicular to the screen direction (dx, dy), a unit
 * vector along the gradient) with a right-angle mark where it meets the gradient.
 * @param {CanvasRenderingContext2D} ctx @param {number} x @param {number} y
 * @param {number} dx @param {number} dy @param {number} half half-length in px
 */
export function contourTangent(ctx, x, y, dx, dy, half) {
  ctx.save();
  ctx.lineCap = "round";
  for (const [style, width] of /** @type {Array<[string, number]>} */ ([[HALO, 4], [INK, 1.4]])) {
    ctx.strokeStyle = style;
    ctx.lineWidth = width;
    ctx.setLineDash(style === HALO ? [] : [1.5, 3.5]);
    ctx.beginPath();
    ctx.moveTo(x - dy * half, y + dx * half);
    ctx.lineTo(x + dy * half, y - dx * half);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  const m = 12; // the right-angle square, in the gradient's quarter
  for (const [style, width] of /** @type {Array<[string, number]>} */ ([[HALO, 3.5], [INK, 1.3]])) {
    ctx.strokeStyle = style;
    ctx.lineWidth = width;
    ctx.beginPath();
    ctx.moveTo(x + dx * m, y + dy * m);
    ctx.lineTo(x + dx * m + dy * m, y + dy * m - dx * m);
    ctx.lineTo(x + dy * m, y - dx * m);
    ctx.stroke();
  }
  ctx.restore();
}

/**
 * The point itself: a white disc with a dark rim.
 * @param {CanvasRenderingContext2D} ctx @param {number} x @param {number} y @param {string} [fill]
 */
export function dot(ctx, x, y, fill = "#ffffff") {
  ctx.beginPath();
  ctx.arc(x, y, 5, 0, 2 * Math.PI);
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.lineWidth = 1.8;
  ctx.strokeStyle = INK;
  ctx.stroke();
}
