// The 2D figure as an SVG document: the heatmap as an embedded image, and everything else as
// vector paths and text (contour lines and their labels, the frame and its ticks, the known
// minima, the runs, the hover point's arrows, the tick labels, the axis names, the typeset
// formula and the legend), laid out as composeFigure (share.js) lays out the PNG. Saved as is
// ("SVG"), and drawn onto a canvas at twice the size for the 2x PNG ("Save image").
//
//   figureSvg(frame, snapshot, opts) -> "<svg ...>...</svg>"
//   lightSnapshot(plot) -> plot.snapshot() in the light theme's colours
//   svgToCanvas(svg, scale) -> Promise<HTMLCanvasElement>
//
// `snapshot` is plot2d's snapshot(): what its last drawing showed. The contours and their labels
// are computed again from the same grid and levels with the same functions as the canvas
// (core/contours.js), so the lines are the ones on screen.

import { contourLines, placeLabels } from "../core/contours.js";
import { canvasColors } from "../core/theme.js";

const PAPER = "#ffffff";
const INK = "#1d2129";
const MUTED = "#5b616b";
const MATH_FONT = `"STIX Two Math", "STIX Two Text", "Cambria Math", Cambria, Georgia, "Times New Roman", serif`;
const UI_FONT = `system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif`;
const PLOT_FONT = `system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;
const LABEL_FONT = `Georgia, "Times New Roman", serif`;

/** @param {string} s */
const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
/** a coordinate with two decimals @param {number} v */
const n = (v) => (Math.round(v * 100) / 100).toString();
/** name="value", the value escaped @param {string} name @param {string} value */
const attr = (name, value) => `${name}="${esc(value)}"`;
/** @param {string} font */
const fontAttrs = (font) => `font-family="${esc(font)}"`;

let scratch = /** @type {CanvasRenderingContext2D|null} */ (null);
/** A context for measuring text. */
function measurer() {
  if (!scratch) scratch = /** @type {CanvasRenderingContext2D} */ (document.createElement("canvas").getContext("2d"));
  return scratch;
}

/**
 * Typeset HTML (text, <i>, <sub>, <sup>) as runs of text on one baseline, measured in a serif
 * math face at `size` px: each run's text, x offset, rise above the baseline, size and slant,
 * and the whole width. The SVG picture (svgMath) and the PNG fallback (share.js drawMath) both
 * lay out the typeset formula with it.
 * @param {HTMLElement} el @param {number} size
 * @returns {{runs: Array<{text: string, x: number, rise: number, size: number, italic: boolean}>, width: number}}
 */
export function mathRuns(el, size) {
  const ctx = measurer();
  /** @type {Array<{text: string, x: number, rise: number, size: number, italic: boolean}>} */
  const runs = [];
  let x = 0;
  /** @param {Node} node @param {boolean} italic @param {number} level @param {number} rise */
  const walk = (node, italic, level, rise) => {
    if (node.nodeType === Node.TEXT_NODE) {
      const text = (node.textContent || "").replace(/\s+/g, " ");
      if (!text) return;
      const s = size * 0.7 ** level;
      ctx.font = mathFont(s, italic);
      runs.push({ text, x, rise, size: s, italic });
      x += ctx.measureText(text).width;
      return;
    }
    const tag = node.nodeName.toLowerCase();
    const s = size * 0.7 ** level;
    const up = tag === "sup" ? s * 0.42 : tag === "sub" ? -s * 0.22 : 0;
    const next = tag === "sup" || tag === "sub" ? level + 1 : level;
    for (const child of node.childNodes) walk(child, italic || tag === "i", next, rise + up);
  };
  walk(el, false, 0, 0);
  return { runs, width: x };
}

/** The canvas font of a math run. @param {number} size @param {boolean} italic */
export const mathFont = (size, italic) => `${italic ? "italic " : ""}${size}px ${MATH_FONT}`;

/**
 * Typeset HTML as SVG text runs on the baseline at (x, y); returns {svg, width}.
 * @param {HTMLElement} el @param {number} x @param {number} y @param {number} size
 */
function svgMath(el, x, y, size) {
  const { runs, width } = mathRuns(el, size);
  const out = runs.map((r) => `<text x="${n(x + r.x)}" y="${n(y - r.rise)}" font-size="${n(r.size)}"${r.italic ? ' font-style="italic"' : ""} xml:space="preserve">${esc(r.text)}</text>`);
  return { svg: `<g ${fontAttrs(MATH_FONT)} fill="${INK}">${out.join("")}</g>`, width };
}

/**
 * An SVG path through the points in order, lifting the pen over a point that is not finite.
 * @param {number[][]} points [[x, y], ...] in pixels @returns {string}
 */
export function polylinePath(points) {
  let d = "";
  let pen = false;
  for (const [x, y] of points) {
    if (!(Number.isFinite(x) && Number.isFinite(y))) { pen = false; continue; }
    d += `${pen ? "L" : "M"}${n(x)} ${n(y)}`;
    pen = true;
  }
  return d;
}

/**
 * An arrow (shaft and head) with its halo, as on the canvas (paint.js arrow).
 * @param {number} x0 @param {number} y0 @param {number} x1 @param {number} y1
 * @param {string} color @param {boolean} dashed @param {string} halo
 */
export function svgArrow(x0, y0, x1, y1, color, dashed, halo) {
  const len = Math.hypot(x1 - x0, y1 - y0);
  if (!(len > 0.5)) return "";
  const a = Math.atan2(y1 - y0, x1 - x0);
  const head = Math.min(10, len * 0.6);
  const bx = x1 - Math.cos(a) * head * 0.8;
  const by = y1 - Math.sin(a) * head * 0.8;
  const tri = `M${n(x1)} ${n(y1)}L${n(x1 - head * Math.cos(a - 0.38))} ${n(y1 - head * Math.sin(a - 0.38))}L${n(x1 - head * Math.cos(a + 0.38))} ${n(y1 - head * Math.sin(a + 0.38))}Z`;
  const shaft = `M${n(x0)} ${n(y0)}L${n(bx)} ${n(by)}`;
  return `<g class="gs-arrow" stroke-linecap="round" stroke-linejoin="round">`
    + `<path d="${shaft}" stroke="${halo}" stroke-width="5" fill="none"/>`
    + `<path d="${tri}" stroke="${halo}" stroke-width="3.5" fill="none"/>`
    + `<path d="${shaft}" stroke="${color}" stroke-width="2.2" fill="none"${dashed ? ' stroke-dasharray="5 3.5"' : ""}/>`
    + `<path d="${tri}" fill="${color}"/></g>`;
}

/** @param {string} text @param {number} x @param {number} y @param {string} color @param {string} halo @param {number} size */
export function haloText(text, x, y, color, halo, size) {
  return `<text x="${n(x)}" y="${n(y)}" font-size="${size}" font-style="italic" ${fontAttrs(LABEL_FONT)} text-anchor="middle" dominant-baseline="central" fill="${color}" stroke="${halo}" stroke-width="3" paint-order="stroke">${esc(text)}</text>`;
}

/**
 * The plot itself (w by h CSS px, origin at its top left): heatmap, contours, frame, minima,
 * runs and the hover point.
 * @param {any} snap plot2d's snapshot() @param {string} id a prefix for ids in the document
 */
function plotBody(snap, id) {
  const { w, h, colors } = snap;
  /** @type {string[]} */
  const parts = [];
  parts.push(`<defs><clipPath id="${id}-clip"><rect width="${w}" height="${h}"/></clipPath>`
    + `<pattern id="${id}-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">`
    + `<rect width="8" height="8" fill="#e9e7e3"/><line x1="0" y1="0" x2="0" y2="8" stroke="#c9c5bf" stroke-width="2"/></pattern>`);
  const field = snap.field;
  /** @type {Array<{level: number, xy: Float64Array, closed: boolean}>} */
  let lines = [];
  /** @type {import("../core/contours.js").Label[]} */
  let labels = [];
  const font = `${colors.fontSize}px ${PLOT_FONT}`;
  if (field) {
    const { grid, nx, ny, lv } = field;
    const cw = w / (nx - 1);
    const ch = h / (ny - 1);
    lines = contourLines(grid.value, nx, ny, lv.levels, 2 * (lv.hi - lv.lo)).map((l) => {
      const xy = new Float64Array(l.points.length);
      for (let k = 0; k < xy.length; k += 2) {
        xy[k] = l.points[k] * cw;
        xy[k + 1] = h - l.points[k + 1] * ch;
      }
      return { level: l.level, xy, closed: l.closed };
    });
    const ctx = measurer();
    ctx.font = font;
    const bounds = { x0: 2, y0: 2, x1: w - 2, y1: h - 2 };
    labels = placeLabels(lines, (t) => ctx.measureText(t).width, bounds, { spacing: Math.max(180, Math.min(w, h) * 0.45) });
    // the contour lines break where their labels sit: a mask with a hole per label
    parts.push(`<mask id="${id}-gaps" maskUnits="userSpaceOnUse" x="0" y="0" width="${w}" height="${h}"><rect x="2" y="2" width="${w - 4}" height="${h - 4}" fill="#fff"/>`
      + labels.map((l) => `<rect x="${n(-l.w / 2 - 1)}" y="${n(-l.h / 2 - 1)}" width="${n(l.w + 2)}" height="${n(l.h + 2)}" fill="#000" transform="translate(${n(l.x)} ${n(l.y)}) rotate(${n((l.angle * 180) / Math.PI)})"/>`).join("")
      + `</mask></defs>`);
    parts.push(`<g clip-path="url(#${id}-clip)">`);
    parts.push(`<rect width="${w}" height="${h}" fill="url(#${id}-hatch)"/>`);
    const href = snap.heatmap.toDataURL("image/png");
    parts.push(`<image class="gs-heatmap" ${attr("href", href)} x="${n(-cw / 2)}" y="${n(-ch / 2)}" width="${n(w + cw)}" height="${n(h + ch)}" preserveAspectRatio="none"/>`);
    const d = lines.map((l) => {
      const xy = l.xy;
      let p = `M${n(xy[0])} ${n(xy[1])}`;
      for (let k = 2; k < xy.length; k += 2) p += `L${n(xy[k])} ${n(xy[k + 1])}`;
      return l.closed ? `${p}Z` : p;
    }).join("");
    if (d) parts.push(`<path class="gs-contours" d="${d}" fill="none" stroke="${colors.contour}" stroke-width="0.9" stroke-linejoin="round" mask="url(#${id}-gaps)"/>`);
    parts.push(`<g class="gs-contour-labels" font-size="${colors.fontSize}" ${fontAttrs(PLOT_FONT)} fill="${colors.contourText}" text-anchor="middle" dominant-baseline="central">`
      + labels.map((l) => `<text transform="translate(${n(l.x)} ${n(l.y + 0.5)}) rotate(${n((l.angle * 180) / Math.PI)})">${esc(l.text)}</text>`).join("")
      + `</g>`);
    // the known minima: a small cross with a halo
    const r = 4.5;
    for (const m of snap.minima) {
      if (!Array.isArray(m) || m.length < 2) continue;
      const x = snap.sx(m[0]);
      const y = snap.sy(m[1]);
      const cross = `M${n(x - r)} ${n(y - r)}L${n(x + r)} ${n(y + r)}M${n(x + r)} ${n(y - r)}L${n(x - r)} ${n(y + r)}`;
      parts.push(`<path class="gs-minimum" d="${cross}" stroke="${colors.halo}" stroke-width="4" stroke-linecap="round"/><path d="${cross}" stroke="#1a1d26" stroke-width="1.6" stroke-linecap="round"/>`);
    }
    parts.push(`</g>`);
  } else {
    parts.push(`</defs><rect width="${w}" height="${h}" fill="${colors.empty}"/>`);
  }
  // the frame and its inward ticks
  let ticks = "";
  for (const x0 of snap.ticks.x) { const x = Math.round(x0) + 0.5; ticks += `M${x} ${h}L${x} ${h - 5}M${x} 0L${x} 4`; }
  for (const y0 of snap.ticks.y) { const y = Math.round(y0) + 0.5; ticks += `M0 ${y}L5 ${y}M${w} ${y}L${w - 4} ${y}`; }
  parts.push(`<path class="gs-frame" d="${ticks}M0.5 0.5H${w - 0.5}V${h - 0.5}H0.5Z" fill="none" stroke="${colors.frame}" stroke-width="1"/>`);
  // the runs: path (halo, then colour), a dot per step, the start ring and the ball
  parts.push(`<g clip-path="url(#${id}-clip)">`);
  for (const run of snap.runs) {
    const count = Math.min(run.points.length, run.shown + 1);
    if (count < 1) continue;
    const px = run.points.slice(0, count).map((/** @type {number[]} */ p) => [clampPx(snap.sx(p[0])), clampPx(snap.sy(p[1]))]);
    const d = polylinePath(px);
    const g = [`<g class="gs-run-path">`];
    if (d) g.push(`<path d="${d}" fill="none" stroke="${colors.halo}" stroke-width="4" stroke-linejoin="round"/><path d="${d}" fill="none" stroke="${run.color}" stroke-width="1.8" stroke-linejoin="round"/>`);
    if (count <= 400) {
      for (let k = 1; k < count - 1; k++) {
        const [X, Y] = px[k];
        if (X < -5 || X > snap.w + 5 || Y < -5 || Y > snap.h + 5) continue;
        g.push(`<circle cx="${n(X)}" cy="${n(Y)}" r="2.1" fill="${run.color}"/>`);
      }
    }
    const [SX, SY] = px[0];
    if (Number.isFinite(SX) && Number.isFinite(SY)) g.push(`<circle cx="${n(SX)}" cy="${n(SY)}" r="5" fill="#fff" stroke="${run.color}" stroke-width="2"/>`);
    const [BX, BY] = px[count - 1];
    if (count > 1 && Number.isFinite(BX) && Number.isFinite(BY)) g.push(`<circle cx="${n(BX)}" cy="${n(BY)}" r="5.5" fill="${run.color}" stroke="#fff" stroke-width="1.5"/>`);
    g.push(`</g>`);
    parts.push(g.join(""));
  }
  parts.push(`</g>`);
  // the hover point, its contour tangent and its arrows
  const hv = snap.hover;
  if (hv && hv.x >= -20 && hv.x <= w + 20 && hv.y >= -20 && hv.y <= h + 20) {
    const { x, y } = hv;
    if (hv.arrow) {
      const { dx, dy, len } = hv.arrow;
      const m = 7;
      parts.push(`<path class="gs-tangent" d="M${n(x - dy * len * 0.55)} ${n(y + dx * len * 0.55)}L${n(x + dy * len * 0.55)} ${n(y - dx * len * 0.55)}" stroke="${colors.guide}" stroke-width="1" stroke-dasharray="2 3" fill="none"/>`
        + `<path d="M${n(x + dx * m)} ${n(y + dy * m)}L${n(x + dx * m - dy * m)} ${n(y + dy * m + dx * m)}L${n(x - dy * m)} ${n(y + dx * m)}" stroke="${colors.guide}" stroke-width="1" fill="none"/>`);
      parts.push(svgArrow(x, y, x - dx * len, y - dy * len, colors.descent, true, colors.halo));
      parts.push(svgArrow(x, y, x + dx * len, y + dy * len, colors.gradient, false, colors.halo));
      const cx = (/** @type {number} */ v) => Math.max(16, Math.min(w - 16, v));
      const cy = (/** @type {number} */ v) => Math.max(10, Math.min(h - 10, v));
      const gap = colors.labelSize;
      parts.push(haloText("∇L", cx(x + dx * (len + gap + 1)), cy(y + dy * (len + gap + 1)), colors.gradient, colors.halo, colors.labelSize));
      parts.push(haloText("−∇L", cx(x - dx * (len + gap + 4)), cy(y - dy * (len + gap + 4)), colors.descent, colors.halo, colors.labelSize));
    }
    parts.push(`<circle class="gs-point" cx="${n(x)}" cy="${n(y)}" r="4.5" fill="${hv.defined ? "#ffffff" : "#9a9a9a"}" stroke="#1a1d26" stroke-width="1.6"/>`);
    if (hv.stationary) parts.push(`<circle cx="${n(x)}" cy="${n(y)}" r="10" fill="none" stroke="#1a1d26" stroke-width="1.6" stroke-dasharray="2 2.5"/>`);
  }
  return parts.join("\n");
}

/** keep far-away path points drawable @param {number} v */
function clampPx(v) {
  return v > 1e6 ? 1e6 : v < -1e6 ? -1e6 : v;
}

let documents = 0;

/**
 * A line of UI text that is squeezed to `room` px if it is wider (as fillText's maxWidth does).
 * @param {string} text @param {number} x @param {number} y @param {number} size @param {string} color
 * @param {number} room @param {string} [extra] more attributes
 */
function uiText(text, x, y, size, color, room, extra = "") {
  const ctx = measurer();
  ctx.font = `${size}px ${UI_FONT}`;
  const fit = ctx.measureText(text).width > room ? ` textLength="${n(room)}" lengthAdjust="spacingAndGlyphs"` : "";
  return `<text x="${n(x)}" y="${n(y)}" font-size="${size}" ${fontAttrs(UI_FONT)} fill="${color}"${fit}${extra}>${esc(text)}</text>`;
}

/**
 * plot2d's snapshot with the light theme's colours (a saved picture is on white paper, whatever
 * the screen's colour scheme): explorer.css's .gs-printing keeps the light palette.
 * @param {{element: HTMLElement, snapshot: () => any}} plot
 */
export function lightSnapshot(plot) {
  return inLight(plot.element, () => ({ ...plot.snapshot(), colors: canvasColors(plot.element) }));
}

/**
 * `read()` with the explorer around `el` in the light theme (as printed), for a picture's colours.
 * @template T @param {Element} el @param {() => T} read @returns {T}
 */
export function inLight(el, read) {
  const root = el.closest(".gs-explorer");
  const had = root ? root.classList.contains("gs-printing") : true;
  if (root && !had) root.classList.add("gs-printing");
  try {
    return read();
  } finally {
    if (root && !had) root.classList.remove("gs-printing");
  }
}

/**
 * The figure as one SVG document, laid out as composeFigure's PNG.
 * @param {HTMLElement} frame the .gs-plotframe element
 * @param {any} snap plot2d's snapshot()
 * @param {{heading: HTMLElement|null, subtitle?: string|null,
 *          legend: Array<{color: string, text: string}>, note?: string, body?: string}} opts
 *   `body`: markup in the plot's pixels drawn instead of the plot's own (the 1D view's curve)
 * @returns {string}
 */
export function figureSvg(frame, snap, opts) {
  const id = `gsfig${++documents}`;
  const plot = /** @type {HTMLElement} */ (frame.querySelector(".gs-plot"));
  const fr = frame.getBoundingClientRect();
  const pr = plot.getBoundingClientRect();
  const pad = 16;
  const subH = opts.subtitle ? 20 : 0;
  const headH = opts.heading ? 38 : 0;
  const lineH = 20;
  const below = (opts.note ? 1 : 0) + opts.legend.length;
  const width = Math.ceil(fr.width + 2 * pad);
  const height = Math.ceil(fr.height + 2 * pad + subH + headH + below * lineH + (below ? 6 : 0));
  const ox = pad;
  const oy = pad + subH + headH;
  /** @type {string[]} */
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`);
  out.push(`<rect width="100%" height="100%" fill="${PAPER}"/>`);
  if (opts.subtitle) out.push(uiText(opts.subtitle, pad, pad + 12, 14, MUTED, width - 2 * pad));
  if (opts.heading) {
    const room = width - 2 * pad;
    const size = Math.min(20, (20 * room) / Math.max(1, svgMath(opts.heading, 0, 0, 20).width));
    out.push(svgMath(opts.heading, pad, pad + subH + 22, size).svg);
  }
  out.push(`<g class="gs-plot" transform="translate(${n(ox + pr.left - fr.left)} ${n(oy + pr.top - fr.top)})">`);
  out.push(opts.body ?? plotBody(snap, id)); // a one-variable formula: its curve (curve1d.js)
  out.push(`</g>`);
  // tick labels and axis names, where they sit on screen
  const ticks = [];
  for (const span of frame.querySelectorAll(".gs-ticks span")) {
    const r = span.getBoundingClientRect();
    if (!(r.width > 0)) continue; // hidden (the 1D view's y ticks)
    const size = parseFloat(getComputedStyle(span).fontSize) || 11.5;
    ticks.push(`<text x="${n(ox + r.left - fr.left)}" y="${n(oy + r.top - fr.top + (r.height + size * 0.7) / 2)}" font-size="${n(size)}">${esc(span.textContent || "")}</text>`);
  }
  out.push(`<g class="gs-tick-labels" ${fontAttrs(UI_FONT)} fill="${MUTED}">${ticks.join("")}</g>`);
  for (const name of frame.querySelectorAll(".gs-axis-name")) {
    const r = name.getBoundingClientRect();
    const size = parseFloat(getComputedStyle(name).fontSize) || 16;
    out.push(svgMath(/** @type {HTMLElement} */ (name), ox + r.left - fr.left, oy + r.top - fr.top + size * 0.85, size).svg);
  }
  let y = oy + fr.height + 6;
  for (const item of opts.legend) {
    out.push(`<circle cx="${pad + 52}" cy="${n(y + lineH / 2)}" r="5" fill="${item.color}"/>`);
    out.push(uiText(item.text, pad + 64, y + lineH / 2, 13, INK, width - pad - 64 - pad, ' dominant-baseline="central"'));
    y += lineH;
  }
  if (opts.note) out.push(uiText(opts.note, pad + 46, y + lineH / 2, 13, MUTED, width - 2 * pad - 46, ' dominant-baseline="central"'));
  out.push(`</svg>`);
  return out.join("\n");
}

/**
 * Draw an SVG document onto a new canvas, `scale` times its size (a blob: image, which the
 * pages' CSP allows).
 * @param {string} svg @param {number} scale @returns {Promise<HTMLCanvasElement>}
 */
export function svgToCanvas(svg, scale) {
  const m = /width="(\d+)" height="(\d+)"/.exec(svg);
  const w = m ? Number(m[1]) : 800;
  const h = m ? Number(m[2]) : 600;
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => {
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(w * scale);
      canvas.height = Math.round(h * scale);
      const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(url);
      resolve(canvas);
    };
    img.onerror = () => { URL.revokeObjectURL(url); reject(new Error("the picture could not be drawn")); };
    img.src = url;
  });
}
