// The 2D figure's drawing: heatmap, labelled contour lines and axes on a base canvas, descent
// paths on a second canvas, and the hover point with its arrows on a third, so a hover redraws
// only the top layer. Input (pointer, wheel, keys) is plot2d-input.js's, attached here.

import { evalView } from "../core/evaluator.js";
import { chooseLevels } from "../core/contours.js";
import { makeNormalizer, hatchPattern } from "../core/colormap.js";
import { paintField, arrow } from "../core/paint.js";
import { canvasColors } from "../core/theme.js";
import { niceTicks, sameView } from "../core/view.js";
import { createPlane } from "../core/plane.js";
import { attachPlotInput } from "./plot2d-input.js";
import { formatTick, varHtml } from "../core/format.js";

/**
 * @typedef {import("../core/view.js").View} View
 * @typedef {import("../core/evaluator.js").Program} Program
 * @typedef {import("./plot2d-input.js").PlotHandlers} PlotHandlers
 * @typedef {{points: number[][], shown: number, color: string, done: boolean}} RunDrawing
 * @typedef {{levels: number[], lo: number, hi: number, log: boolean, normalize: (v: number) => number,
 *            gradScale: number}} Scale
 */


const FONT = `system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`; // sized by the theme

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
  const plane = createPlane(plot, 3, "gs-layer"); // base, paths, hover
  const base = plane.canvases[0];
  const [bctx, pctx, hctx] = plane.contexts;
  const ticksX = make("div", "gs-ticks gs-ticks-x", frame);
  const ticksY = make("div", "gs-ticks gs-ticks-y", frame);
  const nameX = make("div", "gs-axis-name gs-axis-name-x", frame);
  const nameY = make("div", "gs-axis-name gs-axis-name-y", frame);
  const offscreen = document.createElement("canvas");
  const { sx, sy } = plane;

  // the drawing below reads the size as plain numbers; measure() keeps them current
  let w = 0;
  let h = 0;
  let dpr = 1;
  /** @type {View} */
  let shown = plane.shown;
  /** @type {Scale|null} */
  let scale = null;
  /** @type {CanvasPattern|string} */
  let hatch = "#e6e4e0";
  let hatchDpr = 0;
  /** the canvases' colours and sizes, from CSS (core/theme.js); read again at every render */
  let colors = canvasColors(plot);
  /** what the last drawing showed, for the SVG picture (figure-svg.js) */
  const last = /** @type {{field: any, minima: number[][], ticks: {x: number[], y: number[]}, runs: RunDrawing[], hover: any}} */ (
    { field: null, minima: [], ticks: { x: [], y: [] }, runs: [], hover: null });

  /** Size the canvases to the plot's box; returns true if it changed. */
  function measure() {
    const changed = plane.measure();
    w = plane.width; h = plane.height; dpr = plane.dpr;
    return changed;
  }

  /**
   * Recompute the grid and redraw heatmap, contours and axes for `view` (fitted to the box).
   * @param {Program|import("./landscape.js").Landscape|null} program a formula's program, or a
   *   landscape (landscape.js) whose grid may be pending (null: a plain background) or an
   *   earlier window's (drawn where it lies until the new one comes)
   * @param {View} view @param {boolean} equal
   * @param {{x: string, y: string, plain?: boolean}} names  plain: axis labels as text, not variables
   * @param {number[][]} [minima] known minima, marked with a small cross
   * @returns {{shown: View, scale: Scale|null, ms: number}}
   */
  function render(program, view, equal, names, minima = []) {
    const t0 = performance.now();
    colors = canvasColors(plot);
    measure();
    shown = plane.fit(view, equal);
    bctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    bctx.clearRect(0, 0, w, h);
    if (hatchDpr !== dpr) { hatch = hatchPattern(bctx, dpr); hatchDpr = dpr; }
    // grid: about one point per 3 CSS px (capped near 70k points), drawn smoothed
    const cell = Math.max(2, Math.sqrt((w * h) / 70000), 3 * Math.min(1, Math.sqrt((w * h) / 250000)));
    let nx = Math.max(8, Math.round(w / cell) + 1);
    let ny = Math.max(8, Math.round(h / cell) + 1);
    const land = program && "grid" in program ? program : null;
    const field = land ? land.grid(shown, nx, ny) : null;
    if (land) {
      plot.dataset.field = field ? (field.complete && sameView(field.view, shown) ? "complete" : "partial") : "pending";
    }
    if (program && (!land || field)) {
      // data-view appears with the first real drawing (tests wait for it)
      plot.dataset.view = [shown.x[0], shown.x[1], shown.y[0], shown.y[1]].map(String).join(",");
      /** @type {any} */
      let grid;
      if (field) {
        nx = field.xs.length;
        ny = field.ys.length;
        grid = field;
      } else {
        grid = evalView(/** @type {Program} */ (program), shown, nx, ny);
      }
      const lv = chooseLevels(grid.value, h < 400 ? 8 : 10);
      const normalize = makeNormalizer(lv.levels, lv.lo, lv.hi);
      scale = { ...lv, normalize, gradScale: medianNorm(grid.gx, grid.gy) };
      last.field = { grid, nx, ny, lv };
      last.minima = minima;
      // undefined regions: hatching under the (transparent there) heatmap; nodes of a slice not
      // computed yet: plain, not "undefined"
      const pending = !!field && !field.complete;
      bctx.fillStyle = pending ? colors.empty : hatch;
      bctx.save();
      bctx.setTransform(1, 0, 0, 1, 0, 0);
      bctx.fillRect(0, 0, base.width, base.height);
      bctx.restore();
      bctx.save();
      if (field && !sameView(field.view, shown)) {
        // an earlier window's field, drawn where it lies in this one until the new one comes
        const fx0 = sx(field.view.x[0]);
        const fy1 = sy(field.view.y[1]);
        bctx.translate(fx0, fy1);
        bctx.scale((sx(field.view.x[1]) - fx0) / w, (sy(field.view.y[0]) - fy1) / h);
      }
      const bounds = { x0: 2, y0: 2, x1: w - 2, y1: h - 2 };
      paintField(bctx, offscreen, grid, nx, ny, w, h, lv, normalize, {
        font: `${colors.fontSize}px ${FONT}`, line: colors.contour, text: colors.contourText,
        spacing: Math.max(180, Math.min(w, h) * 0.45), labelBounds: bounds, clip: bounds,
      });
      bctx.restore();
      for (const m of minima) if (Array.isArray(m) && m.length >= 2) minimumMark(bctx, sx(m[0]), sy(m[1]), colors.halo);
    } else {
      scale = null;
      last.field = null;
      bctx.fillStyle = colors.empty;
      bctx.fillRect(0, 0, w, h);
    }
    drawTicks(names);
    return { shown, scale, ms: performance.now() - t0 };
  }
  /** Tick marks on the canvas (inward, textbook style), their labels as HTML around the frame. */
  function drawTicks(/** @type {{x: string, y: string, plain?: boolean}} */ names) {
    const tx = niceTicks(shown.x[0], shown.x[1], w, w < 420 ? 64 : 80);
    const ty = niceTicks(shown.y[0], shown.y[1], h, 56);
    last.ticks = { x: tx.ticks.map(sx), y: ty.ticks.map(sy) };
    bctx.strokeStyle = colors.frame;
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
    if (names.plain) {
      nameX.textContent = names.x;
      nameY.textContent = names.y;
    } else {
      nameX.innerHTML = varHtml(names.x);
      nameY.innerHTML = varHtml(names.y);
    }
    nameX.classList.toggle("gs-axis-label", !!names.plain);
    nameY.classList.toggle("gs-axis-label", !!names.plain);
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
    last.hover = null;
    if (!p) return;
    const x = sx(p[0]);
    const y = sy(p[1]);
    last.hover = { x, y, defined: value === value, arrow: null, stationary: false };
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
      last.hover.arrow = { dx, dy, len };
      // the contour's tangent through the point, with a right-angle mark
      hctx.save();
      hctx.strokeStyle = colors.guide;
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
      arrow(hctx, x, y, x - dx * len, y - dy * len, colors.descent, true, colors.halo);
      arrow(hctx, x, y, x + dx * len, y + dy * len, colors.gradient, false, colors.halo);
      // names at the heads
      hctx.font = `italic ${colors.labelSize}px Georgia, "Times New Roman", serif`;
      hctx.textAlign = "center";
      hctx.textBaseline = "middle";
      const gap = colors.labelSize; // the names clear the heads at any type size
      const boxes = [
        labelInside(hctx, "∇L", x + dx * (len + gap + 1), y + dy * (len + gap + 1), x, y, -dy, dx, w, h, colors.gradient, colors),
        labelInside(hctx, "−∇L", x - dx * (len + gap + 4), y - dy * (len + gap + 4), x, y, dy, -dx, w, h, colors.descent, colors),
      ];
      plot.dataset.labels = boxes.map((r) => r.map((v) => v.toFixed(1)).join(",")).join(";"); // for tests
    } else {
      delete plot.dataset.labels;
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
      last.hover.stationary = true;
      hctx.beginPath();
      hctx.arc(x, y, 10, 0, 2 * Math.PI);
      hctx.setLineDash([2, 2.5]);
      hctx.stroke();
      hctx.setLineDash([]);
    }
  }

  /**
   * Descent steps at a point on the hover layer (after drawHover): the full-batch one bold, each
   * minibatch's thin in its colour, lengths in proportion to their gradients (the SGD noise panel).
   * @param {{at: number[], full: number[], batches: Array<{gradient: number[]}>, colors?: string[]}} d
   */
  function drawSteps(d) {
    if (!d || !Array.isArray(d.at)) return;
    const x = sx(d.at[0]);
    const y = sy(d.at[1]);
    const kx = w / (shown.x[1] - shown.x[0]);
    const ky = h / (shown.y[1] - shown.y[0]);
    const all = [d.full, ...d.batches.map((b) => b.gradient)];
    let top = 0;
    for (const g of all) top = Math.max(top, Math.hypot(g[0] * kx, g[1] * ky));
    if (!(top > 0) || !Number.isFinite(top)) return;
    const len = Math.min(w, h) * 0.2;
    const palette = canvasColors(plot);
    const colors = d.colors || [];
    d.batches.forEach((b, k) => {
      const g = b.gradient;
      const f = len / top;
      hctx.save();
      hctx.globalAlpha = 0.9;
      arrow(hctx, x, y, x - g[0] * kx * f, y + g[1] * ky * f, colors[k % Math.max(1, colors.length)] || palette.descent, false);
      hctx.restore();
    });
    const f = len / top;
    hctx.save();
    hctx.lineWidth = 3;
    arrow(hctx, x, y, x - d.full[0] * kx * f, y + d.full[1] * ky * f, palette.descent, false);
    hctx.restore();
  }

  // --- runs layer ----------------------------------------------------------------------------

  /** @param {RunDrawing[]} runs */
  function drawRuns(runs) {
    pctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    pctx.clearRect(0, 0, w, h);
    last.runs = runs;
    for (const r of runs) {
      const n = Math.min(r.points.length, r.shown + 1);
      if (n < 1) continue;
      const pts = r.points;
      // the path: halo, then colour
      for (const [style, width] of [[colors.halo, 4], [r.color, 1.8]]) {
        pctx.strokeStyle = /** @type {string} */ (style);
        pctx.lineWidth = /** @type {number} */ (width);
        pctx.setLineDash(style === r.color && r.dash ? r.dash : []); // runs past the colours are dashed
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
      pctx.setLineDash([]);
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

  const input = attachPlotInput(plot, plane, on);

  return {
    element: plot,
    render,
    drawHover,
    drawSteps,
    drawRuns,
    /**
     * Paint more onto the base layer after render() (the gradient field), in CSS px.
     * @param {(ctx: CanvasRenderingContext2D, sx: (x: number) => number, sy: (y: number) => number, w: number, h: number) => void} paint
     */
    paintBase(paint) {
      bctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      paint(bctx, sx, sy, w, h);
    },
    /** @returns {View} */
    get shown() { return shown; },
    /** The last drawing's data, for a vector picture: size, colours, heatmap, ticks, runs, hover. */
    snapshot() {
      return { w, h, sx, sy, colors, heatmap: offscreen, ...last };
    },
    /** @param {boolean} v drag pans instead of hovering */
    setPanMode(v) { input.setPanMode(v); plot.classList.toggle("gs-panmode", v); },
    destroy() {
      input.detach();
      frame.remove();
    },
  };
}

/**
 * A known minimum: a small cross with a halo.
 * @param {CanvasRenderingContext2D} ctx @param {number} x @param {number} y @param {string} halo
 */
function minimumMark(ctx, x, y, halo) {
  const r = 4.5;
  ctx.save();
  ctx.lineCap = "round";
  for (const [style, width] of [[halo, 4], ["#1a1d26", 1.6]]) {
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
 * An arrow's name near (tx, ty), wholly inside the w x h plot and off the point (px, py): clamped
 * to the frame, and moved aside along (ax, ay) when clamping would put it on the point.
 * @param {CanvasRenderingContext2D} ctx @param {string} text @param {number} tx @param {number} ty
 * @param {number} px @param {number} py @param {number} ax @param {number} ay
 * @param {number} w @param {number} h @param {string} color
 * @param {{halo: string, labelSize: number}} colors the theme (the halo, the type size)
 * @returns {number[]} the label's box [left, top, right, bottom] in CSS pixels
 */
function labelInside(ctx, text, tx, ty, px, py, ax, ay, w, h, color, colors) {
  const hw = ctx.measureText(text).width / 2 + 3; // half the width, with the halo
  const hh = Math.ceil(colors.labelSize * 0.65);
  const fit = (/** @type {number} */ X, /** @type {number} */ Y) => [Math.max(hw, Math.min(w - hw, X)), Math.max(hh, Math.min(h - hh, Y))];
  let [X, Y] = fit(tx, ty);
  const onPoint = (/** @type {number} */ a, /** @type {number} */ b) => Math.abs(a - px) < hw + 6 && Math.abs(b - py) < hh + 6;
  if (onPoint(X, Y)) {
    for (const side of [1, -1]) {
      const [X2, Y2] = fit(px + side * ax * (hw + hh + 8), py + side * ay * (hw + hh + 8));
      if (!onPoint(X2, Y2)) { X = X2; Y = Y2; break; }
    }
  }
  haloText(ctx, text, X, Y, color, colors.halo);
  return [X - hw, Y - hh, X + hw, Y + hh];
}

/**
 * @param {CanvasRenderingContext2D} ctx @param {string} text @param {number} x @param {number} y
 * @param {string} color @param {string} halo
 */
function haloText(ctx, text, x, y, color, halo) {
  ctx.lineWidth = 3;
  ctx.strokeStyle = halo;
  ctx.strokeText(text, x, y);
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
}
