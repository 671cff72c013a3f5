// The 2D figure: heatmap, labelled contour lines and axes on a base canvas, descent paths on a
// second canvas, and the hover point with its arrows on a third, so a hover redraws only the top
// layer. Also turns pointer, wheel and keyboard input into hover / click / zoom / pan requests.

import { evalView } from "../core/evaluator.js";
import { chooseLevels } from "../core/contours.js";
import { makeNormalizer, hatchPattern } from "../core/colormap.js";
import { COLORS, paintField, arrow } from "../core/paint.js";
import { fitView, niceTicks } from "../core/view.js";
import { formatTick, varHtml } from "../core/format.js";

/**
 * @typedef {import("../core/view.js").View} View
 * @typedef {import("../core/evaluator.js").Program} Program
 * @typedef {{x: number, y: number}} Px
 * @typedef {{
 *   hover: (p: number[], source: string) => void,
 *   leave: () => void,
 *   click: (p: number[]) => void,
 *   zoom: (center: number[], factor: number) => void,
 *   pan: (dx: number, dy: number) => void,
 *   key: (e: KeyboardEvent) => boolean,
 * }} PlotHandlers
 * @typedef {{points: number[][], shown: number, color: string, done: boolean}} RunDrawing
 * @typedef {{levels: number[], lo: number, hi: number, log: boolean, normalize: (v: number) => number,
 *            gradScale: number}} Scale
 */


const FONT = `11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;

/** @param {string} tag @param {string} cls @param {HTMLElement} [parent] */
function make(tag, cls, parent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (parent) parent.appendChild(e);
  return e;
}

/**
 * Build the figure inside `host`.
 * @param {HTMLElement} host @param {PlotHandlers} on
 */
export function createPlot2d(host, on) {
  const frame = make("div", "gs-plotframe", host);
  const plot = make("div", "gs-plot", frame);
  plot.dataset.testid = "plot";
  plot.tabIndex = 0;
  plot.setAttribute("role", "application");
  plot.setAttribute("aria-roledescription", "loss surface plot");
  const base = /** @type {HTMLCanvasElement} */ (make("canvas", "gs-layer", plot));
  const paths = /** @type {HTMLCanvasElement} */ (make("canvas", "gs-layer", plot));
  const hover = /** @type {HTMLCanvasElement} */ (make("canvas", "gs-layer", plot));
  for (const c of [base, paths, hover]) c.setAttribute("aria-hidden", "true");
  const ticksX = make("div", "gs-ticks gs-ticks-x", frame);
  const ticksY = make("div", "gs-ticks gs-ticks-y", frame);
  const nameX = make("div", "gs-axis-name gs-axis-name-x", frame);
  const nameY = make("div", "gs-axis-name gs-axis-name-y", frame);
  const bctx = /** @type {CanvasRenderingContext2D} */ (base.getContext("2d"));
  const pctx = /** @type {CanvasRenderingContext2D} */ (paths.getContext("2d"));
  const hctx = /** @type {CanvasRenderingContext2D} */ (hover.getContext("2d"));
  const offscreen = document.createElement("canvas");

  let w = 0;
  let h = 0;
  let dpr = 1;
  /** @type {View} */
  let shown = { x: [-1, 1], y: [-1, 1] };
  /** @type {Scale|null} */
  let scale = null;
  /** @type {CanvasPattern|string} */
  let hatch = "#e6e4e0";
  let hatchDpr = 0;

  // --- coordinates ---------------------------------------------------------------------------
  /** @param {number} x */
  const sx = (x) => ((x - shown.x[0]) / (shown.x[1] - shown.x[0])) * w;
  /** @param {number} y */
  const sy = (y) => h - ((y - shown.y[0]) / (shown.y[1] - shown.y[0])) * h;
  /** @param {number} px @param {number} py @returns {number[]} */
  const toData = (px, py) => [
    shown.x[0] + (px / w) * (shown.x[1] - shown.x[0]),
    shown.y[0] + ((h - py) / h) * (shown.y[1] - shown.y[0]),
  ];

  /** Size the canvases to the plot's box; returns true if it changed. */
  function measure() {
    const r = plot.getBoundingClientRect();
    const nw = Math.max(1, Math.round(r.width));
    const nh = Math.max(1, Math.round(r.height));
    const nd = Math.min(3, window.devicePixelRatio || 1);
    if (nw === w && nh === h && nd === dpr) return false;
    w = nw; h = nh; dpr = nd;
    for (const c of [base, paths, hover]) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
      c.style.width = `${w}px`;
      c.style.height = `${h}px`;
    }
    return true;
  }

  /**
   * Recompute the grid and redraw heatmap, contours and axes for `view` (fitted to the box).
   * @param {Program|null} program @param {View} view @param {boolean} equal
   * @param {{x: string, y: string}} names
   * @param {number[][]} [minima] known minima, marked with a small cross
   * @returns {{shown: View, scale: Scale|null, ms: number}}
   */
  function render(program, view, equal, names, minima = []) {
    const t0 = performance.now();
    measure();
    shown = fitView(view, w, h, equal);
    bctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    bctx.clearRect(0, 0, w, h);
    if (hatchDpr !== dpr) { hatch = hatchPattern(bctx, dpr); hatchDpr = dpr; }
    if (program) {
      // data-view appears with the first real drawing (tests wait for it)
      plot.dataset.view = [shown.x[0], shown.x[1], shown.y[0], shown.y[1]].map(String).join(",");
      // grid: about one point per 3 CSS px (capped near 70k points), drawn smoothed
      const cell = Math.max(2, Math.sqrt((w * h) / 70000), 3 * Math.min(1, Math.sqrt((w * h) / 250000)));
      const nx = Math.max(8, Math.round(w / cell) + 1);
      const ny = Math.max(8, Math.round(h / cell) + 1);
      const grid = evalView(program, shown, nx, ny);
      const lv = chooseLevels(grid.value, h < 400 ? 8 : 10);
      const normalize = makeNormalizer(lv.levels, lv.lo, lv.hi);
      scale = { ...lv, normalize, gradScale: medianNorm(grid.gx, grid.gy) };
      // undefined regions: hatching under the (transparent there) heatmap
      bctx.fillStyle = hatch;
      bctx.save();
      bctx.setTransform(1, 0, 0, 1, 0, 0);
      bctx.fillRect(0, 0, base.width, base.height);
      bctx.restore();
      const bounds = { x0: 2, y0: 2, x1: w - 2, y1: h - 2 };
      paintField(bctx, offscreen, grid, nx, ny, w, h, lv, normalize, {
        font: FONT, line: COLORS.contour, text: COLORS.contourText,
        spacing: Math.max(180, Math.min(w, h) * 0.45), labelBounds: bounds, clip: bounds,
      });
      for (const m of minima) if (Array.isArray(m) && m.length >= 2) minimumMark(bctx, sx(m[0]), sy(m[1]));
    } else {
      scale = null;
      bctx.fillStyle = "#f1efe9";
      bctx.fillRect(0, 0, w, h);
    }
    drawTicks(names);
    return { shown, scale, ms: performance.now() - t0 };
  }

  /** Tick marks on the canvas (inward, textbook style), their labels as HTML around the frame. */
  function drawTicks(/** @type {{x: string, y: string}} */ names) {
    const tx = niceTicks(shown.x[0], shown.x[1], w, w < 420 ? 64 : 80);
    const ty = niceTicks(shown.y[0], shown.y[1], h, 56);
    bctx.strokeStyle = COLORS.frame;
    bctx.lineWidth = 1;
    bctx.beginPath();
    for (const t of tx.ticks) {
      const x = Math.round(sx(t)) + 0.5;
      bctx.moveTo(x, h); bctx.lineTo(x, h - 5);
      bctx.moveTo(x, 0); bctx.lineTo(x, 4);
    }
    for (const t of ty.ticks) {
      const y = Math.round(sy(t)) + 0.5;
      bctx.moveTo(0, y); bctx.lineTo(5, y);
      bctx.moveTo(w, y); bctx.lineTo(w - 4, y);
    }
    bctx.stroke();
    bctx.strokeRect(0.5, 0.5, w - 1, h - 1);
    ticksX.replaceChildren(...tx.ticks.map((t) => tickLabel(formatTick(t, tx.step), `left:${sx(t)}px`)));
    ticksY.replaceChildren(...ty.ticks.map((t) => tickLabel(formatTick(t, ty.step), `top:${sy(t)}px`)));
    nameX.innerHTML = varHtml(names.x);
    nameY.innerHTML = varHtml(names.y);
  }

  /** @param {string} text @param {string} style */
  function tickLabel(text, style) {
    const s = document.createElement("span");
    s.textContent = text;
    s.setAttribute("style", style);
    return s;
  }

  // --- hover layer ---------------------------------------------------------------------------

  /**
   * Draw the hover point with its gradient (uphill) and steepest-descent (downhill) arrows.
   * @param {number[]|null} p @param {number} value @param {number[]} g
   */
  function drawHover(p, value, g) {
    hctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    hctx.clearRect(0, 0, w, h);
    if (!p) return;
    const x = sx(p[0]);
    const y = sy(p[1]);
    if (!(x >= -20 && x <= w + 20 && y >= -20 && y <= h + 20)) return;
    const kx = w / (shown.x[1] - shown.x[0]);
    const ky = h / (shown.y[1] - shown.y[0]);
    const gx = g[0];
    const gy = g[1];
    const norm = Math.hypot(gx, gy);
    if (value === value && norm > 0 && Number.isFinite(norm)) {
      // direction on screen (y flipped), length a readable fraction of the view that grows
      // with steepness relative to the view's typical gradient
      let dx = gx * kx;
      let dy = -gy * ky;
      const dn = Math.hypot(dx, dy);
      dx /= dn; dy /= dn;
      const rel = scale && scale.gradScale > 0 ? norm / scale.gradScale : 1;
      const len = Math.min(w, h) * (0.07 + 0.09 * Math.tanh(rel));
      // the contour's tangent through the point, with a right-angle mark
      hctx.save();
      hctx.strokeStyle = "rgba(20,24,36,0.55)";
      hctx.lineWidth = 1;
      hctx.setLineDash([2, 3]);
      hctx.beginPath();
      hctx.moveTo(x - dy * len * 0.55, y + dx * len * 0.55);
      hctx.lineTo(x + dy * len * 0.55, y - dx * len * 0.55);
      hctx.stroke();
      hctx.setLineDash([]);
      const m = 7;
      hctx.beginPath();
      hctx.moveTo(x + dx * m, y + dy * m);
      hctx.lineTo(x + dx * m - dy * m, y + dy * m + dx * m);
      hctx.lineTo(x - dy * m, y + dx * m);
      hctx.stroke();
      hctx.restore();
      arrow(hctx, x, y, x - dx * len, y - dy * len, COLORS.descent, true);
      arrow(hctx, x, y, x + dx * len, y + dy * len, COLORS.gradient, false);
      // names at the heads
      hctx.font = `italic 13px Georgia, "Times New Roman", serif`;
      hctx.textAlign = "center";
      hctx.textBaseline = "middle";
      const cx = (/** @type {number} */ v) => Math.max(16, Math.min(w - 16, v));
      const cy = (/** @type {number} */ v) => Math.max(10, Math.min(h - 10, v));
      haloText(hctx, "∇L", cx(x + dx * (len + 14)), cy(y + dy * (len + 14)), COLORS.gradient);
      haloText(hctx, "−∇L", cx(x - dx * (len + 17)), cy(y - dy * (len + 17)), COLORS.descent);
    }
    // the point itself
    hctx.beginPath();
    hctx.arc(x, y, 4.5, 0, 2 * Math.PI);
    hctx.fillStyle = value === value ? "#ffffff" : "#9a9a9a";
    hctx.fill();
    hctx.lineWidth = 1.6;
    hctx.strokeStyle = "#1a1d26";
    hctx.stroke();
    if (value === value && !(norm > 0)) { // a stationary point: a ring, no direction downhill
      hctx.beginPath();
      hctx.arc(x, y, 10, 0, 2 * Math.PI);
      hctx.setLineDash([2, 2.5]);
      hctx.stroke();
      hctx.setLineDash([]);
    }
  }

  // --- runs layer ----------------------------------------------------------------------------

  /** @param {RunDrawing[]} runs */
  function drawRuns(runs) {
    pctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    pctx.clearRect(0, 0, w, h);
    for (const r of runs) {
      const n = Math.min(r.points.length, r.shown + 1);
      if (n < 1) continue;
      const pts = r.points;
      // the path: halo, then colour
      for (const [style, width] of [[COLORS.halo, 4], [r.color, 1.8]]) {
        pctx.strokeStyle = /** @type {string} */ (style);
        pctx.lineWidth = /** @type {number} */ (width);
        pctx.lineJoin = "round";
        pctx.beginPath();
        let pen = false;
        for (let k = 0; k < n; k++) {
          const X = clampPx(sx(pts[k][0]));
          const Y = clampPx(sy(pts[k][1]));
          if (!(Number.isFinite(X) && Number.isFinite(Y))) { pen = false; continue; }
          if (pen) pctx.lineTo(X, Y); else pctx.moveTo(X, Y);
          pen = true;
        }
        pctx.stroke();
      }
      // a dot per step (skip when they would merge into a smear)
      const stepDots = n <= 400;
      pctx.fillStyle = r.color;
      for (let k = 1; k < n - 1 && stepDots; k++) {
        const X = sx(pts[k][0]);
        const Y = sy(pts[k][1]);
        if (X < -5 || X > w + 5 || Y < -5 || Y > h + 5) continue;
        pctx.beginPath();
        pctx.arc(X, Y, 2.1, 0, 2 * Math.PI);
        pctx.fill();
      }
      // start: a ring; the ball: a filled disc with a white rim
      const s = pts[0];
      pctx.beginPath();
      pctx.arc(sx(s[0]), sy(s[1]), 5, 0, 2 * Math.PI);
      pctx.fillStyle = "#fff";
      pctx.fill();
      pctx.lineWidth = 2;
      pctx.strokeStyle = r.color;
      pctx.stroke();
      const b = pts[n - 1];
      const bx = sx(b[0]);
      const by = sy(b[1]);
      if (n > 1 && Number.isFinite(bx) && Number.isFinite(by)) {
        pctx.beginPath();
        pctx.arc(clampPx(bx), clampPx(by), 5.5, 0, 2 * Math.PI);
        pctx.fillStyle = r.color;
        pctx.fill();
        pctx.lineWidth = 1.5;
        pctx.strokeStyle = "#fff";
        pctx.stroke();
      }
    }
  }

  // --- input ---------------------------------------------------------------------------------

  /** @type {Map<number, {x: number, y: number, x0: number, y0: number, t: number}>} */
  const pointers = new Map();
  let panning = false;
  let panMode = false;
  let moved = 0;
  /** @type {{dist: number, cx: number, cy: number}|null} */
  let pinch = null;

  /** @param {PointerEvent|WheelEvent|MouseEvent} e @returns {Px} */
  const local = (e) => {
    const r = plot.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  /** @param {PointerEvent} e */
  function onPointerDown(e) {
    if (e.button !== 0 && e.pointerType === "mouse") return;
    const p = local(e);
    pointers.set(e.pointerId, { x: p.x, y: p.y, x0: p.x, y0: p.y, t: performance.now() });
    plot.setPointerCapture(e.pointerId);
    moved = 0;
    panning = e.shiftKey || panMode;
    if (pointers.size === 2) pinch = pinchState();
    if (e.pointerType !== "mouse" && pointers.size === 1 && !panning) on.hover(toData(p.x, p.y), "touch");
  }

  function pinchState() {
    const [a, b] = [...pointers.values()];
    return { dist: Math.hypot(a.x - b.x, a.y - b.y), cx: (a.x + b.x) / 2, cy: (a.y + b.y) / 2 };
  }

  /** @param {PointerEvent} e */
  function onPointerMove(e) {
    const p = local(e);
    const rec = pointers.get(e.pointerId);
    if (rec) {
      const dx = p.x - rec.x;
      const dy = p.y - rec.y;
      moved = Math.max(moved, Math.hypot(p.x - rec.x0, p.y - rec.y0));
      rec.x = p.x;
      rec.y = p.y;
      if (pointers.size === 2 && pinch) {
        const now = pinchState();
        const factor = pinch.dist > 0 && now.dist > 0 ? pinch.dist / now.dist : 1;
        const c = toData(now.cx, now.cy);
        const ux = (shown.x[1] - shown.x[0]) / w;
        const uy = (shown.y[1] - shown.y[0]) / h;
        on.pan(-(now.cx - pinch.cx) * ux, (now.cy - pinch.cy) * uy);
        on.zoom(c, factor);
        pinch = now;
        return;
      }
      if (panning) {
        const ux = (shown.x[1] - shown.x[0]) / w;
        const uy = (shown.y[1] - shown.y[0]) / h;
        on.pan(-dx * ux, dy * uy);
        return;
      }
    }
    if (pointers.size > 1) return;
    on.hover(toData(p.x, p.y), e.pointerType);
  }

  /** @param {PointerEvent} e */
  function onPointerUp(e) {
    const rec = pointers.get(e.pointerId);
    pointers.delete(e.pointerId);
    if (pointers.size < 2) pinch = null;
    if (!rec) return;
    const wasPanning = panning;
    if (pointers.size === 0) panning = false;
    const tap = moved < (e.pointerType === "mouse" ? 4 : 10) && !wasPanning;
    if (tap && e.type === "pointerup") {
      const p = local(e);
      on.click(toData(p.x, p.y));
    }
  }

  /** @param {WheelEvent} e */
  function onWheel(e) {
    e.preventDefault();
    const p = local(e);
    const dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaMode === 2 ? e.deltaY * 400 : e.deltaY;
    on.zoom(toData(p.x, p.y), Math.exp(Math.max(-1, Math.min(1, dy * 0.0015))));
  }

  /** @param {KeyboardEvent} e */
  function onKeyDown(e) {
    if (on.key(e)) e.preventDefault();
  }

  plot.addEventListener("pointerdown", onPointerDown);
  plot.addEventListener("pointermove", onPointerMove);
  plot.addEventListener("pointerup", onPointerUp);
  plot.addEventListener("pointercancel", onPointerUp);
  plot.addEventListener("pointerleave", on.leave);
  plot.addEventListener("wheel", onWheel, { passive: false });
  plot.addEventListener("keydown", onKeyDown);

  return {
    element: plot,
    frame,
    render,
    drawHover,
    drawRuns,
    measure,
    toData,
    /** @returns {View} */
    get shown() { return shown; },
    get size() { return { w, h }; },
    /** @param {boolean} v drag pans instead of hovering */
    setPanMode(v) { panMode = v; plot.classList.toggle("gs-panmode", v); },
    destroy() {
      plot.removeEventListener("pointerdown", onPointerDown);
      plot.removeEventListener("pointermove", onPointerMove);
      plot.removeEventListener("pointerup", onPointerUp);
      plot.removeEventListener("pointercancel", onPointerUp);
      plot.removeEventListener("pointerleave", on.leave);
      plot.removeEventListener("wheel", onWheel);
      plot.removeEventListener("keydown", onKeyDown);
      frame.remove();
    },
  };
}

/**
 * A known minimum: a small cross with a white halo.
 * @param {CanvasRenderingContext2D} ctx @param {number} x @param {number} y
 */
function minimumMark(ctx, x, y) {
  const r = 4.5;
  ctx.save();
  ctx.lineCap = "round";
  for (const [style, width] of [[COLORS.halo, 4], ["#1a1d26", 1.6]]) {
    ctx.strokeStyle = /** @type {string} */ (style);
    ctx.lineWidth = /** @type {number} */ (width);
    ctx.beginPath();
    ctx.moveTo(x - r, y - r); ctx.lineTo(x + r, y + r);
    ctx.moveTo(x + r, y - r); ctx.lineTo(x - r, y + r);
    ctx.stroke();
  }
  ctx.restore();
}

/** keep far-away path points drawable (canvas dislikes coordinates near 1e300) @param {number} v */
function clampPx(v) {
  return v > 1e6 ? 1e6 : v < -1e6 ? -1e6 : v;
}

/** The median gradient length on the grid: what counts as "steep" in this view. */
function medianNorm(/** @type {Float64Array} */ gx, /** @type {Float64Array} */ gy) {
  const stride = Math.max(1, Math.floor(gx.length / 2000));
  const out = [];
  for (let k = 0; k < gx.length; k += stride) {
    const n = Math.hypot(gx[k], gy[k]);
    if (n === n) out.push(n);
  }
  if (!out.length) return 1;
  out.sort((a, b) => a - b);
  return out[out.length >> 1];
}

/**
 * @param {CanvasRenderingContext2D} ctx @param {string} text @param {number} x @param {number} y
 * @param {string} color
 */
function haloText(ctx, text, x, y, color) {
  ctx.lineWidth = 3;
  ctx.strokeStyle = COLORS.halo;
  ctx.strokeText(text, x, y);
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
}
