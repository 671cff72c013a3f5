// Contour lines: which levels to draw, marching squares over a grid (cells touching NaN are
// skipped), segments joined into polylines, and labels placed along the lines without collisions.
// Python draws with the same levels: src/gradscape/levels.py mirrors `chooseLevels` (tests/test_levels.py
// runs both on the same grids), so a change here is made there too.

import { formatLevel } from "./format.js";

/**
 * @typedef {{level: number, points: Float64Array, closed: boolean}} Polyline
 *   points are [i0, j0, i1, j1, ...] in fractional grid indices (i along x, j along y)
 * @typedef {{x: number, y: number, angle: number, text: string, w: number, h: number}} Label
 */

// ---------------------------------------------------------------------------------------------
// Levels

/**
 * Up to `count` evenly spaced samples of the finite values, sorted.
 * @param {Float64Array} values @param {number} count
 */
function sortedSample(values, count = 4096) {
  const stride = Math.max(1, Math.floor(values.length / count));
  const out = [];
  for (let k = 0; k < values.length; k += stride) {
    const v = values[k];
    if (v === v) out.push(v);
  }
  return Float64Array.from(out).sort();
}

/** @param {Float64Array} sorted @param {number} p 0..1 */
function quantile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const t = p * (sorted.length - 1);
  const k = Math.floor(t);
  return k + 1 < sorted.length ? sorted[k] + (t - k) * (sorted[k + 1] - sorted[k]) : sorted[k];
}

/**
 * A round step giving about `count` intervals over `span`: 1, 2, 2.5 or 5 times a power of ten.
 * @param {number} span @param {number} count
 */
export function niceStep(span, count) {
  const raw = span / Math.max(1, count);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / mag;
  const m = f < 1.5 ? 1 : f < 2.25 ? 2 : f < 3.5 ? 2.5 : f < 7.5 ? 5 : 10;
  return m * mag;
}

/**
 * Round multiples of a nice step strictly inside (lo, hi).
 * @param {number} lo @param {number} hi @param {number} count
 */
export function linearLevels(lo, hi, count) {
  const step = niceStep(hi - lo, count);
  const out = [];
  for (let k = Math.floor(lo / step) + 1; k * step < hi; k++) {
    const v = Number((k * step).toPrecision(12)); // 0.30000000000000004 -> 0.3
    if (v > lo) out.push(v);
  }
  return out;
}

/**
 * base + m * 10^k for nice mantissas m, between base + a and hi.
 * @param {number} base @param {number} a smallest offset (> 0) @param {number} hi
 * @param {number[]} mantissas
 */
function logLevels(base, a, hi, mantissas) {
  const out = [];
  for (let e = Math.floor(Math.log10(a)) - 1; e <= Math.ceil(Math.log10(hi - base)) + 1; e++) {
    for (const m of mantissas) {
      const off = Number((m * Math.pow(10, e)).toPrecision(12));
      const v = Number((base + off).toPrecision(12));
      if (off >= a * 0.999 && v < hi) out.push(v);
    }
  }
  return out;
}

/**
 * The largest share of the values that falls between two neighbouring levels (or outside them).
 * @param {Float64Array} sorted @param {number[]} levels
 */
function largestBand(sorted, levels) {
  let prev = 0;
  let most = 0;
  for (const l of [...levels, Infinity]) {
    let a = prev;
    let b = sorted.length;
    while (a < b) { const m = (a + b) >> 1; if (sorted[m] < l) a = m + 1; else b = m; }
    most = Math.max(most, (a - prev) / Math.max(1, sorted.length));
    prev = a;
  }
  return most;
}

/**
 * Levels at evenly spaced quantiles, each rounded to a nice number (1, 1.5, 2, 3, 4, 5, 7 times a
 * power of ten, nearest in ratio); repeats are dropped.
 * @param {Float64Array} sorted @param {number} lo @param {number} hi @param {number} count
 */
function quantileLevels(sorted, lo, hi, count) {
  const out = [];
  for (let k = 0; k < count; k++) {
    const v = roundNice(quantile(sorted, (k + 0.5) / count));
    if (v > lo && v < hi && (out.length === 0 || v > out[out.length - 1])) out.push(v);
  }
  return out;
}

const NICE = [1, 1.5, 2, 3, 4, 5, 7, 10];

/** @param {number} q */
function roundNice(q) {
  if (q === 0 || !Number.isFinite(q)) return 0;
  const a = Math.abs(q);
  const mag = Math.pow(10, Math.floor(Math.log10(a)));
  const f = a / mag;
  let best = NICE[0];
  for (const m of NICE) if (Math.abs(Math.log(f / m)) < Math.abs(Math.log(f / best))) best = m;
  return Math.sign(q) * Number((best * mag).toPrecision(6));
}

/**
 * Contour levels for a grid of values, chosen by their distribution: round, evenly spaced levels
 * when the values spread over their range; when most of the surface sits near the bottom of a
 * range spanning decades (Rosenbrock's valley), log-spaced round levels (1, 2, 5, 10, 20, ...)
 * above the minimum instead, so the valley gets lines too.
 * @param {Float64Array} values @param {number} [count] about how many levels
 * @returns {{levels: number[], lo: number, hi: number, log: boolean}}
 */
export function chooseLevels(values, count = 10) {
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(max > min)) return { levels: [], lo: min, hi: max, log: false };
  // a robust range: ignore the extreme 1% at either end if it is far out (poles like 1/(x+y))
  const sorted = sortedSample(values);
  const q1 = quantile(sorted, 0.01);
  const q99 = quantile(sorted, 0.99);
  const spread = Math.max(q99 - q1, (max - min) * 1e-9);
  const lo = min >= q1 - spread ? min : q1;
  const hi = max <= q99 + 2 * spread ? max : q99;
  if (!(hi > lo)) return { levels: [], lo: min, hi: max, log: false };
  const median = quantile(sorted, 0.5);
  const linear = linearLevels(lo, hi, count);
  if (largestBand(sorted, linear) <= 0.4) return { levels: linear, lo, hi, log: false };
  const skew = (median - lo) / (hi - lo);
  if (skew > 0.14) {
    // most of the area in one band, but not piled at the bottom: round quantiles
    // (1/(x+y): a gentle surface with a pole through it)
    return { levels: quantileLevels(sorted, lo, hi, count + 2), lo, hi, log: true };
  }

  // Skewed: log-spaced offsets above a round base at (or just below) the minimum.
  const step = niceStep(hi - lo, 1000);
  const base = lo >= 0 && lo < (hi - lo) * 1e-3 ? 0 : Math.floor(lo / step) * step;
  const a = Math.max(quantile(sorted, 0.02) - base, (hi - base) * 1e-6, Number.MIN_VALUE);
  let best = [];
  for (const mantissas of [[1], [1, 3], [1, 2, 5], [1, 1.5, 2, 3, 5, 7]]) {
    const lv = logLevels(base, a, hi, mantissas);
    if (best.length === 0 || Math.abs(lv.length - count - 2) < Math.abs(best.length - count - 2)) best = lv;
  }
  return { levels: best.filter((v) => v > lo), lo, hi, log: true };
}

// ---------------------------------------------------------------------------------------------
// Marching squares

/**
 * Per case (bits: 1 bottom-left, 2 bottom-right, 4 top-right, 8 top-left corner >= level), the
 * cell edges each segment joins: 0 bottom, 1 right, 2 top, 3 left. Saddles (5, 10) are resolved
 * by the cell centre in `marchLevel`.
 */
const SEGMENTS = [
  [], [[3, 0]], [[0, 1]], [[3, 1]], [[1, 2]], null, [[0, 2]], [[3, 2]],
  [[2, 3]], [[0, 2]], null, [[1, 2]], [[3, 1]], [[0, 1]], [[3, 0]], [],
];

/** Reusable scratch buffers for edge bookkeeping, keyed by grid size. */
let scratch = { size: 0, slotA: new Int32Array(0), slotB: new Int32Array(0), ex: new Float64Array(0), ey: new Float64Array(0) };

/** @param {number} size */
function getScratch(size) {
  if (scratch.size !== size) {
    scratch = {
      size,
      slotA: new Int32Array(size).fill(-1),
      slotB: new Int32Array(size).fill(-1),
      ex: new Float64Array(size),
      ey: new Float64Array(size),
    };
  }
  return scratch;
}

/**
 * The contour polylines of one level.
 * @param {Float64Array} values nx*ny, row-major in y @param {number} nx @param {number} ny
 * @param {number} level
 * @param {number} [jump] cells whose corners differ by more than this are skipped: they straddle
 *   a pole or a jump (1/(x+y) flips from +big to -big), where no contour really passes
 * @returns {Polyline[]}
 */
export function marchLevel(values, nx, ny, level, jump = Infinity) {
  const { slotA, slotB, ex, ey } = getScratch(2 * nx * ny);
  /** @type {number[]} edge ids, two per segment */
  const segs = [];
  /** @type {number[]} */
  const touched = [];

  /**
   * Edge id and its crossing point; e: 0 bottom, 1 right, 2 top, 3 left of cell (i, j).
   * @param {number} i @param {number} j @param {number} e
   */
  const edge = (i, j, e) => {
    let id;
    let i0, j0, i1, j1; // the edge's two corners
    if (e === 0) { id = 2 * (j * nx + i); i0 = i; j0 = j; i1 = i + 1; j1 = j; }
    else if (e === 2) { id = 2 * ((j + 1) * nx + i); i0 = i; j0 = j + 1; i1 = i + 1; j1 = j + 1; }
    else if (e === 3) { id = 2 * (j * nx + i) + 1; i0 = i; j0 = j; i1 = i; j1 = j + 1; }
    else { id = 2 * (j * nx + i + 1) + 1; i0 = i + 1; j0 = j; i1 = i + 1; j1 = j + 1; }
    if (slotA[id] === -1) {
      const v0 = values[j0 * nx + i0];
      const v1 = values[j1 * nx + i1];
      const t = v1 === v0 ? 0.5 : (level - v0) / (v1 - v0);
      ex[id] = i0 + t * (i1 - i0);
      ey[id] = j0 + t * (j1 - j0);
    }
    return id;
  };
  /** @param {number} id @param {number} seg */
  const attach = (id, seg) => {
    if (slotA[id] === -1) { slotA[id] = seg; touched.push(id); }
    else slotB[id] = seg;
  };
  /** @param {number} i @param {number} j @param {number} e1 @param {number} e2 */
  const add = (i, j, e1, e2) => {
    const a = edge(i, j, e1);
    const b = edge(i, j, e2);
    const seg = segs.length >> 1;
    segs.push(a, b);
    attach(a, seg);
    attach(b, seg);
  };

  for (let j = 0; j < ny - 1; j++) {
    for (let i = 0; i < nx - 1; i++) {
      const bl = values[j * nx + i];
      const br = values[j * nx + i + 1];
      const tl = values[(j + 1) * nx + i];
      const tr = values[(j + 1) * nx + i + 1];
      if (bl !== bl || br !== br || tl !== tl || tr !== tr) continue; // undefined corner: skip
      if (Math.max(bl, br, tl, tr) - Math.min(bl, br, tl, tr) > jump) continue;
      const c = (bl >= level ? 1 : 0) | (br >= level ? 2 : 0) | (tr >= level ? 4 : 0) | (tl >= level ? 8 : 0);
      if (c === 0 || c === 15) continue;
      if (c === 5 || c === 10) {
        const centreAbove = (bl + br + tl + tr) / 4 >= level;
        if ((c === 5) === centreAbove) { add(i, j, 0, 1); add(i, j, 2, 3); } // cut off br and tl
        else { add(i, j, 3, 0); add(i, j, 1, 2); } // cut off bl and tr
        continue;
      }
      for (const [e1, e2] of /** @type {number[][]} */ (SEGMENTS[c])) add(i, j, e1, e2);
    }
  }

  // join segments that share an edge into polylines
  const nseg = segs.length >> 1;
  const used = new Uint8Array(nseg);
  /** @type {Polyline[]} */
  const lines = [];
  /** from edge `id`, the segment there other than `seg` (or -1) */
  const other = (id, seg) => (slotA[id] === seg ? slotB[id] : slotA[id]);
  for (let s = 0; s < nseg; s++) {
    if (used[s]) continue;
    used[s] = 1;
    const ids = [segs[2 * s], segs[2 * s + 1]];
    // forward
    let seg = s;
    let id = ids[1];
    for (;;) {
      const n = other(id, seg);
      if (n < 0 || used[n]) break;
      used[n] = 1;
      id = segs[2 * n] === id ? segs[2 * n + 1] : segs[2 * n];
      ids.push(id);
      seg = n;
    }
    const closed = ids.length > 2 && ids[ids.length - 1] === ids[0];
    if (!closed) { // backward
      /** @type {number[]} */
      const back = [];
      seg = s;
      id = ids[0];
      for (;;) {
        const n = other(id, seg);
        if (n < 0 || used[n]) break;
        used[n] = 1;
        id = segs[2 * n] === id ? segs[2 * n + 1] : segs[2 * n];
        back.push(id);
        seg = n;
      }
      if (back.length) ids.unshift(...back.reverse());
    }
    const points = new Float64Array(ids.length * 2);
    ids.forEach((e, k) => { points[2 * k] = ex[e]; points[2 * k + 1] = ey[e]; });
    lines.push({ level, points, closed });
  }
  for (const id of touched) { slotA[id] = -1; slotB[id] = -1; }
  return lines;
}

/**
 * All contour polylines of a grid.
 * @param {Float64Array} values @param {number} nx @param {number} ny @param {number[]} levels
 * @param {number} [jump] see marchLevel
 */
export function contourLines(values, nx, ny, levels, jump = Infinity) {
  /** @type {Polyline[]} */
  const all = [];
  for (const level of levels) for (const line of marchLevel(values, nx, ny, level, jump)) all.push(line);
  return all;
}

// ---------------------------------------------------------------------------------------------
// Labels

/**
 * Where to put labels along screen-space polylines: every ~`spacing` px where the line is nearly
 * straight for the label's width, upright, inside `bounds`, and clear of every label already placed.
 * @param {Array<{level: number, xy: Float64Array}>} lines screen coordinates [x0, y0, x1, ...]
 * @param {(text: string) => number} measure text width in px
 * @param {{x0: number, y0: number, x1: number, y1: number}} bounds
 * @param {{spacing?: number, height?: number, avoid?: Array<{x0:number,y0:number,x1:number,y1:number}>}} [opts]
 * @returns {Label[]}
 */
export function placeLabels(lines, measure, bounds, opts = {}) {
  const spacing = opts.spacing ?? 220;
  const h = opts.height ?? 11;
  /** @type {Array<{x0:number,y0:number,x1:number,y1:number}>} */
  const boxes = [...(opts.avoid || [])];
  /** @type {Label[]} */
  const labels = [];
  // longest lines first: they are the ones that most need a name
  const order = lines
    .map((l) => ({ ...l, len: pathLength(l.xy) }))
    .sort((p, q) => q.len - p.len);
  order.forEach((line, li) => {
    const text = formatLevel(line.level);
    const w = measure(text) + 6;
    if (line.len < w * 2.5) return;
    const cum = cumulative(line.xy);
    const start = (0.3 + 0.37 * li) % 1; // stagger so neighbouring lines do not line up
    const count = Math.max(1, Math.floor(line.len / spacing));
    for (let k = 0; k < count; k++) {
      const target = ((start + k) / count) * line.len;
      // try the target, then a few nearby positions
      for (const shift of [0, 0.25, -0.25, 0.5, -0.5]) {
        const s = target + shift * spacing * 0.5;
        if (s < w / 2 || s > line.len - w / 2) continue;
        const p = at(line.xy, cum, s);
        const a = at(line.xy, cum, s - w / 2);
        const b = at(line.xy, cum, s + w / 2);
        const chord = Math.hypot(b[0] - a[0], b[1] - a[1]);
        if (chord < w * 0.92) continue; // too curved here
        let angle = Math.atan2(b[1] - a[1], b[0] - a[0]);
        if (angle > Math.PI / 2) angle -= Math.PI;
        if (angle < -Math.PI / 2) angle += Math.PI;
        const c = Math.abs(Math.cos(angle));
        const sn = Math.abs(Math.sin(angle));
        const hw = (w * c + h * sn) / 2 + 2;
        const hh = (w * sn + h * c) / 2 + 2;
        const box = { x0: p[0] - hw, y0: p[1] - hh, x1: p[0] + hw, y1: p[1] + hh };
        if (box.x0 < bounds.x0 || box.y0 < bounds.y0 || box.x1 > bounds.x1 || box.y1 > bounds.y1) continue;
        if (boxes.some((q) => box.x0 < q.x1 && q.x0 < box.x1 && box.y0 < q.y1 && q.y0 < box.y1)) continue;
        boxes.push(box);
        labels.push({ x: p[0], y: p[1], angle, text, w, h });
        break;
      }
    }
  });
  return labels;
}

/** @param {Float64Array} xy */
function pathLength(xy) {
  let len = 0;
  for (let k = 2; k < xy.length; k += 2) len += Math.hypot(xy[k] - xy[k - 2], xy[k + 1] - xy[k - 1]);
  return len;
}

/** @param {Float64Array} xy @returns {Float64Array} arc length at each vertex */
function cumulative(xy) {
  const n = xy.length / 2;
  const cum = new Float64Array(n);
  for (let k = 1; k < n; k++) {
    cum[k] = cum[k - 1] + Math.hypot(xy[2 * k] - xy[2 * k - 2], xy[2 * k + 1] - xy[2 * k - 1]);
  }
  return cum;
}

/** The point at arc length s. @param {Float64Array} xy @param {Float64Array} cum @param {number} s */
function at(xy, cum, s) {
  let lo = 0;
  let hi = cum.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (cum[mid] <= s) lo = mid; else hi = mid;
  }
  const seg = cum[hi] - cum[lo];
  const t = seg > 0 ? Math.min(1, Math.max(0, (s - cum[lo]) / seg)) : 0;
  return [xy[2 * lo] + t * (xy[2 * hi] - xy[2 * lo]), xy[2 * lo + 1] + t * (xy[2 * hi + 1] - xy[2 * lo + 1])];
}

/**
 * Draw contour lines with gaps where their labels sit, then the labels.
 * @param {CanvasRenderingContext2D} ctx (in CSS px units)
 * @param {Array<{level: number, xy: Float64Array, closed: boolean}>} lines screen coordinates
 * @param {Label[]} labels
 * @param {{x0: number, y0: number, x1: number, y1: number}} bounds
 * @param {{line: string, text: string, font: string, width: number}} style
 */
export function drawContours(ctx, lines, labels, bounds, style) {
  ctx.save();
  // clip: the plot minus each label's (rotated) box, with the even-odd rule
  ctx.beginPath();
  ctx.rect(bounds.x0, bounds.y0, bounds.x1 - bounds.x0, bounds.y1 - bounds.y0);
  for (const l of labels) {
    const c = Math.cos(l.angle);
    const s = Math.sin(l.angle);
    const hw = l.w / 2 + 1;
    const hh = l.h / 2 + 1;
    const corners = [[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]];
    corners.forEach(([u, v], k) => {
      const x = l.x + u * c - v * s;
      const y = l.y + u * s + v * c;
      if (k === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    });
    ctx.closePath();
  }
  ctx.clip("evenodd");
  ctx.strokeStyle = style.line;
  ctx.lineWidth = style.width;
  ctx.lineJoin = "round";
  ctx.beginPath();
  for (const line of lines) {
    const xy = line.xy;
    ctx.moveTo(xy[0], xy[1]);
    for (let k = 2; k < xy.length; k += 2) ctx.lineTo(xy[k], xy[k + 1]);
    if (line.closed) ctx.closePath();
  }
  ctx.stroke();
  ctx.restore();

  ctx.save();
  ctx.fillStyle = style.text;
  ctx.font = style.font;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  for (const l of labels) {
    ctx.save();
    ctx.translate(l.x, l.y);
    ctx.rotate(l.angle);
    ctx.fillText(l.text, 0, 0.5);
    ctx.restore();
  }
  ctx.restore();
}
