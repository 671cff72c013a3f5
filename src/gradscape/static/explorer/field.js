// The gradient field: arrows of steepest descent (−∇L) on a lattice over the 2D view, as
// `gradscape plot` draws them. One arrow per cell of about 46 CSS px, at the cell's centre; its
// length grows with |∇L| relative to the view's median, from a quarter to three quarters of a
// cell (tanh-compressed, so a steep wall does not swamp the picture and a flat floor still
// shows its direction). Undefined points get no arrow.
//
//   const lattice = fieldLattice(program, shown, w, h)   [{x, y, dx, dy, len}], dx, dy in data units
//   drawField(ctx, lattice, sx, sy)                     onto the 2D plot's base layer

import { evalGrid } from "../core/evaluator.js";

/**
 * @typedef {import("../core/evaluator.js").Program} Program
 * @typedef {{x: number, y: number, dx: number, dy: number, px: number, py: number}} FieldArrow
 *   (x, y) the lattice point; (dx, dy) the drawn arrow in data units; (px, py) in screen px
 */

export const CELL_PX = 46;

/**
 * The arrows for a view w by h CSS px: positions, and the arrow drawn at each.
 * @param {Program} program @param {{x: number[], y: number[]}} shown @param {number} w @param {number} h
 * @returns {FieldArrow[]}
 */
export function fieldLattice(program, shown, w, h) {
  const nx = Math.max(3, Math.round(w / CELL_PX));
  const ny = Math.max(3, Math.round(h / CELL_PX));
  const cw = (shown.x[1] - shown.x[0]) / nx;
  const ch = (shown.y[1] - shown.y[0]) / ny;
  const xs = Float64Array.from({ length: nx }, (_, i) => shown.x[0] + (i + 0.5) * cw);
  const ys = Float64Array.from({ length: ny }, (_, j) => shown.y[0] + (j + 0.5) * ch);
  const g = evalGrid(program, xs, ys);
  const kx = w / (shown.x[1] - shown.x[0]); // px per data unit
  const ky = h / (shown.y[1] - shown.y[0]);
  // "steep" is relative to this view: the median on-screen slope
  const norms = [];
  for (let k = 0; k < g.gx.length; k++) {
    const n = Math.hypot(g.gx[k] / kx, g.gy[k] / ky);
    if (n === n) norms.push(n);
  }
  norms.sort((a, b) => a - b);
  const median = norms.length ? norms[norms.length >> 1] : 0;
  const cell = Math.min(w / nx, h / ny);
  /** @type {FieldArrow[]} */
  const out = [];
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    const k = j * nx + i;
    const gx = g.gx[k];
    const gy = g.gy[k];
    // the descent direction on screen (y points down there)
    const sxDir = -gx * kx;
    const syDir = gy * ky;
    const dn = Math.hypot(sxDir, syDir);
    if (!(dn > 0) || !Number.isFinite(dn)) continue;
    const rel = median > 0 ? Math.hypot(gx / kx, gy / ky) / median : 1;
    const len = cell * (0.25 + 0.5 * Math.tanh(0.8 * rel));
    const px = (sxDir / dn) * len;
    const py = (syDir / dn) * len;
    out.push({ x: xs[i], y: ys[j], dx: px / kx, dy: -py / ky, px, py });
  }
  return out;
}

/**
 * Draw the arrows, centred on their lattice points: a white casing under a dark shaft and head.
 * @param {CanvasRenderingContext2D} ctx @param {FieldArrow[]} arrows
 * @param {(x: number) => number} sx @param {(y: number) => number} sy
 */
export function drawField(ctx, arrows, sx, sy) {
  ctx.save();
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  for (const [style, width, headFill] of /** @type {Array<[string, number, boolean]>} */ ([["rgba(255,255,255,0.75)", 3.2, false], ["rgba(24,28,44,0.78)", 1.3, true]])) {
    ctx.strokeStyle = style;
    ctx.fillStyle = style;
    ctx.lineWidth = width;
    for (const a of arrows) {
      const cx = sx(a.x);
      const cy = sy(a.y);
      const x0 = cx - a.px / 2;
      const y0 = cy - a.py / 2;
      const x1 = cx + a.px / 2;
      const y1 = cy + a.py / 2;
      const len = Math.hypot(a.px, a.py);
      const head = Math.min(6, 0.45 * len);
      const ang = Math.atan2(a.py, a.px);
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      ctx.lineTo(x1 - Math.cos(ang) * head * 0.6, y1 - Math.sin(ang) * head * 0.6);
      ctx.stroke();
      ctx.beginPath();
      ctx.moveTo(x1, y1);
      ctx.lineTo(x1 - head * Math.cos(ang - 0.45), y1 - head * Math.sin(ang - 0.45));
      ctx.lineTo(x1 - head * Math.cos(ang + 0.45), y1 - head * Math.sin(ang + 0.45));
      ctx.closePath();
      if (headFill) ctx.fill(); else ctx.stroke();
    }
  }
  ctx.restore();
}

/**
 * The "Gradient field" check box, placed after the "Equal scales" one in the view tools.
 * @param {HTMLElement} toolbar @param {(on: boolean) => void} change
 * @returns {{element: HTMLInputElement, set: (on: boolean) => void}}
 */
export function createFieldToggle(toolbar, change) {
  const label = document.createElement("label");
  label.className = "gs-check";
  label.title = "Arrows of steepest descent −∇L on a lattice; longer where the surface is steeper";
  const box = document.createElement("input");
  box.type = "checkbox";
  box.dataset.testid = "field-toggle";
  label.append(box, " Gradient field");
  const tools = toolbar.querySelector(".gs-tools") || toolbar;
  tools.appendChild(label);
  box.addEventListener("change", () => change(box.checked));
  return { element: box, set(on) { box.checked = on; } };
}
