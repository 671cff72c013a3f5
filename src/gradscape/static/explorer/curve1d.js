// The one-variable view: a formula of one variable (payload `own_variables` of length 1) is shown
// as its curve instead of a surface with a dummy second axis, as the lesson's figure 1 shows it:
// L against the variable, the tangent at the point, the gradient (its one partial, dL/dx) as an
// arrow along the axis (uphill) with steepest descent against it, and every ball's path on the
// curve.
//
// The curve is an SVG laid over the 2D plot's box (whose canvases the stylesheet hides in this
// view, `.gs-oned`), drawn in the plot's own pixel frame: the plot's x ticks, pointer, wheel,
// keys, zoom and pan work unchanged and the x under the pointer is the plot's; only the vertical
// axis is the curve's own (L). The same markup, with the light theme's colours, is the curve in a
// saved picture (figure-svg.js).
//
//   const curve = createCurve1d(plotElement)
//   curve.setSurface(compiled)       -> true for a one-variable formula (then curve.active)
//   curve.draw(snapshot)             after the plot rendered: plot2d's snapshot() (size, x ticks)
//   curve.setRuns(drawings)          the balls' paths (plot2d RunDrawing), drawn on the curve
//   curve.setPoint(p, value, g)      the point (NaN value: undefined there)
//   curve.markup()                   the curve as SVG markup in plot pixels, light theme, for a picture

import { evalPoint } from "../core/evaluator.js";
import { formatTick } from "../core/format.js";
import { niceTicks } from "../core/view.js";
import { canvasColors } from "../core/theme.js";
import { svgArrow, haloText, inLight, polylinePath } from "./figure-svg.js";

const SVGNS = "http://www.w3.org/2000/svg";
/** samples per CSS px across, and their bounds */
const PER_PX = 2;
const MIN_SAMPLES = 200;
const MAX_SAMPLES = 2400;
/** the curve's margins inside the frame, CSS px: below it, and above it beside the axis name L */
const PAD = 12;
const padTop = (/** @type {number} */ labelSize) => 14 + labelSize * 1.1;
let instances = 0;

/** @param {number} v */
const n2 = (v) => (Math.round(v * 100) / 100).toString();
/** @param {string} s */
const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * The range of L to show: every finite sample, unless a few samples (a pole, a steep wall) would
 * squash the rest into a line; then the 2nd to 98th percentile, with room around it.
 * @param {number[]} ys @returns {[number, number]}
 */
export function curveRange(ys) {
  const finite = ys.filter(Number.isFinite).sort((a, b) => a - b);
  if (!finite.length) return [-1, 1];
  let lo = finite[0];
  let hi = finite[finite.length - 1];
  const q = (/** @type {number} */ f) => finite[Math.min(finite.length - 1, Math.max(0, Math.round(f * (finite.length - 1))))];
  const qlo = q(0.02);
  const qhi = q(0.98);
  if (qhi > qlo && hi - lo > 12 * (qhi - qlo)) {
    const room = (qhi - qlo) * 0.25;
    lo = Math.max(lo, qlo - room);
    hi = Math.min(hi, qhi + room);
  }
  if (!(hi > lo)) {
    const d = Math.max(1, Math.abs(lo)) * 0.5;
    lo -= d;
    hi += d;
  }
  const pad = (hi - lo) * 0.06;
  return [lo - pad, hi + pad];
}

/**
 * 0 if the surface's formula depends on its first variable alone (the plot's across axis: the
 * payload puts a formula's own variables first), else -1. The readout, the formula's heading
 * and the curve all ask this.
 * @param {{variables: string[], own_variables?: string[]|null}|null} c @returns {number}
 */
export function oneVariable(c) {
  const own = c && Array.isArray(c.own_variables) ? c.own_variables : null;
  return c && own && own.length === 1 && c.variables[0] === own[0] ? 0 : -1;
}

/**
 * The curve's colours: the canvases' (core/theme.js), but with the page's own arrow colours and
 * its paper under labels and arrows, since the curve is drawn on the page, not over a heatmap.
 * @param {Element} el @returns {import("../core/theme.js").CanvasColors}
 */
function curveColors(el) {
  const c = canvasColors(el);
  const style = getComputedStyle(el);
  const css = (/** @type {string} */ name, /** @type {string} */ fallback) => style.getPropertyValue(name).trim() || fallback;
  return { ...c, gradient: css("--grad", c.gradient), descent: css("--desc", c.descent), halo: css("--paper", c.halo) };
}

/** @param {HTMLElement} plotEl the 2D plot's box (.gs-plot) */
export function createCurve1d(plotEl) {
  const svg = document.createElementNS(SVGNS, "svg");
  svg.setAttribute("class", "gs-curve1d");
  svg.setAttribute("aria-hidden", "true");
  svg.dataset.testid = "curve1d";
  svg.style.display = "none";
  plotEl.appendChild(svg);
  const base = document.createElementNS(SVGNS, "g"); // frame, ticks, curve, runs
  const top = document.createElementNS(SVGNS, "g"); // the point: tangent, arrows
  svg.append(base, top);
  const id = `gscurve${++instances}`; // the clip path's id, unique in the page

  /** @type {any} */
  let program = null;
  let other = 0; // the value given to the plot's second variable (L does not depend on it)
  let name = "x";
  /** @type {{w: number, h: number, top: number, x0: number, x1: number, lo: number, hi: number, ticks: number[], xs: number[], ys: number[], slope: number}|null} */
  let frame = null;
  /** @type {import("./plot2d.js").RunDrawing[]} */
  let runs = [];
  /** L along each run's points, computed once per point */
  const runValues = new WeakMap();
  /** @type {[number, number, number]|null} x, L, dL/dx at the point */
  let at = null;

  const valueAt = (/** @type {number} */ x) => {
    return evalPoint(program, [x, other], false).value;
  };
  const X = (/** @type {number} */ x) => (frame ? ((x - frame.x0) / (frame.x1 - frame.x0)) * frame.w : 0);
  const Y = (/** @type {number} */ v) => (frame ? frame.top + ((frame.hi - v) / (frame.hi - frame.lo)) * (frame.h - frame.top - PAD) : 0);
  /** a pixel kept near the frame, so a path leaving it is drawn to its edge, not to infinity */
  const clampY = (/** @type {number} */ y) => Math.max(-1e4, Math.min(1e4, y));

  /** L at each point of a run (cached: a playing run grows by a few points a frame). @param {import("./plot2d.js").RunDrawing} r */
  function valuesOf(r) {
    let vals = runValues.get(r.points);
    if (!vals) { vals = []; runValues.set(r.points, vals); }
    for (let k = vals.length; k < r.points.length; k++) vals.push(valueAt(r.points[k][0]));
    return vals;
  }

  /** The curve, its frame and the runs (no point) as SVG markup. @param {import("../core/theme.js").CanvasColors} c */
  function baseMarkup(c) {
    if (!frame) return "";
    const { w, h, lo, hi, xs, ys } = frame;
    const out = [`<defs><clipPath id="${id}-clip"><rect width="${w}" height="${h}"/></clipPath>`
      + `<pattern id="${id}-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">`
      + `<line x1="0" y1="0" x2="0" y2="8" stroke="${c.frame}" stroke-opacity="0.35" stroke-width="2"/></pattern></defs>`];
    // where L is undefined (log(x) left of 0): hatched, as the surface's undefined regions are
    const half = (xs[1] - xs[0]) / 2;
    for (let k = 0; k < ys.length; k++) {
      if (Number.isFinite(ys[k])) continue;
      let e = k;
      while (e + 1 < ys.length && !Number.isFinite(ys[e + 1])) e++;
      if (e > k) {
        const a = Math.max(0, X(xs[k] - half));
        const b = Math.min(w, X(xs[e] + half));
        out.push(`<rect class="gs-c-undefined" x="${n2(a)}" y="0" width="${n2(b - a)}" height="${h}" fill="url(#${id}-hatch)"/>`);
      }
      k = e;
    }
    const ty = niceTicks(lo, hi, h - frame.top - PAD, 48);
    let grid = "";
    for (const t of ty.ticks) grid += `M0 ${n2(Y(t))}H${w}`;
    for (const px of frame.ticks) grid += `M${n2(px)} 0V${h}`;
    out.push(`<path class="gs-c-grid" d="${grid}" stroke="${c.contour}" stroke-width="0.6" fill="none"/>`);
    if (lo < 0 && hi > 0) out.push(`<path class="gs-c-zero" d="M0 ${n2(Y(0))}H${w}" stroke="${c.frame}" stroke-width="1" fill="none"/>`);
    out.push(`<g class="gs-c-ticks" font-size="11.5" fill="currentColor" text-anchor="end" dominant-baseline="central">`
      + ty.ticks.map((t) => `<text x="-7" y="${n2(Y(t))}">${esc(formatTick(t, ty.step).replace("-", "−"))}</text>`).join("") + `</g>`);
    out.push(`<rect class="gs-c-frame" x="0.5" y="0.5" width="${w - 1}" height="${h - 1}" fill="none" stroke="${c.frame}"/>`);
    const d = polylinePath(xs.map((x, k) => [X(x), clampY(Y(ys[k]))]));
    out.push(`<g clip-path="url(#${id}-clip)"><path class="gs-c-curve" d="${d}" fill="none" stroke="${c.ink}" stroke-width="2.2" stroke-linejoin="round"/>`);
    for (const r of runs) {
      const count = Math.min(r.points.length, r.shown + 1);
      if (count < 1) continue;
      const vals = valuesOf(r);
      const px = r.points.slice(0, count).map((p, k) => [X(p[0]), clampY(Y(vals[k]))]);
      const path = polylinePath(px);
      const g = [`<g class="gs-c-run" data-steps="${count - 1}">`];
      if (path) g.push(`<path d="${path}" fill="none" stroke="${c.halo}" stroke-width="4"/><path d="${path}" fill="none" stroke="${r.color}" stroke-width="1.6"/>`);
      if (count <= 400) for (let k = 1; k < count - 1; k++) g.push(`<circle cx="${n2(px[k][0])}" cy="${n2(px[k][1])}" r="2.4" fill="${r.color}"/>`);
      const [sx, sy] = px[0];
      if (Number.isFinite(sx) && Number.isFinite(sy)) g.push(`<circle cx="${n2(sx)}" cy="${n2(sy)}" r="5" fill="#fff" stroke="${r.color}" stroke-width="2"/>`);
      const [bx, by] = px[count - 1];
      if (count > 1 && Number.isFinite(bx) && Number.isFinite(by)) g.push(`<circle class="gs-c-ball" cx="${n2(bx)}" cy="${n2(by)}" r="6" fill="${r.color}" stroke="#fff" stroke-width="1.5"/>`);
      g.push(`</g>`);
      out.push(g.join(""));
    }
    out.push(`</g>`);
    return out.join("");
  }

  /** The point: the tangent, the gradient along the axis and steepest descent against it. @param {import("../core/theme.js").CanvasColors} c */
  function pointMarkup(c) {
    if (!frame || !at || !Number.isFinite(at[1])) return "";
    const [x, v, s] = at;
    const px = X(x);
    const py = Y(v);
    if (!(px >= -20 && px <= frame.w + 20 && py >= -20 && py <= frame.h + 20)) return "";
    const out = [];
    if (Number.isFinite(s)) {
      // the tangent: the line through (x, L) with slope dL/dx, in data units, across a fifth of the window
      const span = (frame.x1 - frame.x0) * 0.1;
      out.push(`<path class="gs-c-tangent" d="M${n2(X(x - span))} ${n2(clampY(Y(v - s * span)))}L${n2(X(x + span))} ${n2(clampY(Y(v + s * span)))}" stroke="${c.ink}" stroke-opacity="0.7" stroke-width="1.6" stroke-dasharray="5 3" fill="none"/>`);
      // the gradient: a one-entry vector, an arrow along the axis as long as |dL/dx| against the
      // window's typical slope; descent points the other way
      // (a tenth of the window's median slope and less: the shortest; ten times it and more: the longest)
      const t = Math.max(0, Math.min(1, (Math.log10(Math.abs(s) / frame.slope) + 1) / 2));
      const len = s === 0 ? 0 : frame.w * (0.05 + 0.17 * t);
      const dir = Math.sign(s);
      if (len > 0) {
        out.push(svgArrow(px, py, px - dir * len, py, c.descent, true, c.halo));
        out.push(svgArrow(px, py, px + dir * len, py, c.gradient, false, c.halo));
        const at = (/** @type {number} */ lx) => Math.max(16, Math.min(frame.w - 16, lx));
        out.push(haloText("∇L", at(px + dir * (len + 4)), py - 16, c.gradient, c.halo, c.labelSize),
          haloText("−∇L", at(px - dir * (len + 8)), py - 16, c.descent, c.halo, c.labelSize));
      }
    }
    out.push(`<circle class="gs-c-point" cx="${n2(px)}" cy="${n2(py)}" r="5" fill="#fff" stroke="${c.ink}" stroke-width="2"/>`);
    return out.join("");
  }

  /** the colours of the last drawing: read once a drawing, not at every hover */
  let colors = curveColors(plotEl);

  function paint() {
    if (!frame) return;
    const c = colors;
    svg.setAttribute("viewBox", `0 0 ${frame.w} ${frame.h}`);
    base.innerHTML = baseMarkup(c);
    top.innerHTML = pointMarkup(c);
  }

  return {
    element: svg,
    get active() { return program !== null; },
    get name() { return name; },
    /**
     * A new surface: the curve for a formula of one variable, else nothing.
     * @param {{variables: string[], own_variables?: string[]|null, program: any}|null} c @returns {boolean}
     */
    setSurface(c) {
      const one = oneVariable(c);
      program = c && one >= 0 ? c.program : null;
      name = c && one >= 0 ? c.variables[one] : "x";
      svg.style.display = program ? "" : "none";
      frame = null;
      runs = [];
      at = null;
      base.replaceChildren();
      top.replaceChildren();
      return program !== null;
    },
    /**
     * Sample the curve over the window the plot just drew. @param {{w: number, h: number, ticks: {x: number[]}}} snap
     * @param {import("../core/view.js").View} shown @param {number} otherValue the other variable's value
     */
    draw(snap, shown, otherValue) {
      if (!program) return;
      other = otherValue;
      const [x0, x1] = shown.x;
      const count = Math.max(MIN_SAMPLES, Math.min(MAX_SAMPLES, Math.round(snap.w * PER_PX)));
      const xs = Array.from({ length: count + 1 }, (_, k) => x0 + ((x1 - x0) * k) / count);
      const ys = xs.map(valueAt);
      const [lo, hi] = curveRange(ys);
      const slopes = [];
      for (let k = 1; k < ys.length; k++) {
        const s = Math.abs((ys[k] - ys[k - 1]) / (xs[k] - xs[k - 1]));
        if (Number.isFinite(s) && s > 0) slopes.push(s);
      }
      slopes.sort((a, b) => a - b);
      const slope = slopes.length ? slopes[Math.floor(slopes.length / 2)] : 1;
      colors = curveColors(plotEl); // the theme may have changed (dark mode, presentation)
      frame = { w: snap.w, h: snap.h, top: padTop(colors.labelSize), x0, x1, lo, hi, ticks: snap.ticks.x, xs, ys, slope };
      svg.dataset.range = `${lo},${hi}`;
      paint();
    },
    /** @param {import("./plot2d.js").RunDrawing[]} drawings */
    setRuns(drawings) {
      runs = drawings;
      if (program && frame) base.innerHTML = baseMarkup(colors);
    },
    /** @param {number[]} p @param {number} value @param {number[]} g */
    setPoint(p, value, g) {
      if (!program) return;
      at = [p[0], value, g[0]];
      svg.dataset.x = String(at[0]);
      svg.dataset.slope = String(at[2]);
      if (frame) top.innerHTML = pointMarkup(colors);
    },
    /** The curve in plot pixels in the light theme's colours (a saved picture). */
    markup() {
      const c = inLight(plotEl, () => curveColors(plotEl));
      return `<g color="#5b616b" font-family="system-ui, sans-serif">${baseMarkup(c)}${pointMarkup(c)}</g>`;
    },
    destroy() { svg.remove(); },
  };
}
