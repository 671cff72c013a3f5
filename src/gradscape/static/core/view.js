// The plot's window onto the plane: equal-aspect fitting, zoom about a point, pan, and ticks.

import { niceStep } from "./contours.js";

/** @typedef {{x: [number, number], y: [number, number]}} View */

/**
 * The window actually shown in a w x h pixel box: with `equal`, the shorter side of `view` is
 * widened about its centre so one unit is the same length on both axes (then the gradient meets
 * the contour lines at right angles on screen, as it does on paper).
 * @param {View} view @param {number} w @param {number} h @param {boolean} equal
 * @returns {View}
 */
export function fitView(view, w, h, equal) {
  const [x0, x1] = view.x;
  const [y0, y1] = view.y;
  if (!equal || !(w > 0 && h > 0)) return { x: [x0, x1], y: [y0, y1] };
  const sx = (x1 - x0) / w; // units per pixel
  const sy = (y1 - y0) / h;
  if (Math.abs(sx - sy) <= 1e-12 * Math.max(sx, sy)) return { x: [x0, x1], y: [y0, y1] }; // already equal
  const s = Math.max(sx, sy);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  return { x: [cx - (s * w) / 2, cx + (s * w) / 2], y: [cy - (s * h) / 2, cy + (s * h) / 2] };
}

/**
 * Zoom by `factor` (< 1 zooms in) keeping the point (px, py) fixed.
 * @param {View} view @param {number} px @param {number} py @param {number} factor @returns {View}
 */
export function zoomAt(view, px, py, factor) {
  const f = Math.min(1e6, Math.max(1e-6, factor));
  return {
    x: [px + (view.x[0] - px) * f, px + (view.x[1] - px) * f],
    y: [py + (view.y[0] - py) * f, py + (view.y[1] - py) * f],
  };
}

/** @param {View} view @param {number} dx @param {number} dy @returns {View} */
export function panBy(view, dx, dy) {
  return { x: [view.x[0] + dx, view.x[1] + dx], y: [view.y[0] + dy, view.y[1] + dy] };
}

/**
 * A view that is sane: finite, ordered, not absurdly small or large. Returns null otherwise.
 * @param {unknown} v @returns {View|null}
 */
export function validView(v) {
  const o = /** @type {any} */ (v);
  if (!o || !Array.isArray(o.x) || !Array.isArray(o.y)) return null;
  const [x0, x1, y0, y1] = [o.x[0], o.x[1], o.y[0], o.y[1]].map(Number);
  if (![x0, x1, y0, y1].every(Number.isFinite)) return null;
  const ok = (/** @type {number} */ a, /** @type {number} */ b) => b - a > 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)) && b - a < 1e12;
  return ok(x0, x1) && ok(y0, y1) ? { x: [x0, x1], y: [y0, y1] } : null;
}

/**
 * Round tick positions inside [a, b], about one every `px` pixels of `length`.
 * @param {number} a @param {number} b @param {number} length @param {number} [px]
 * @returns {{step: number, ticks: number[]}}
 */
export function niceTicks(a, b, length, px = 70) {
  const step = niceStep(b - a, Math.max(2, length / px));
  const ticks = [];
  for (let k = Math.ceil(a / step - 1e-9); k * step <= b + step * 1e-9; k++) ticks.push(k * step);
  return { step, ticks };
}

/** @param {View} a @param {View} b */
export function sameView(a, b) {
  return !!a && !!b && a.x[0] === b.x[0] && a.x[1] === b.x[1] && a.y[0] === b.y[0] && a.y[1] === b.y[1];
}
