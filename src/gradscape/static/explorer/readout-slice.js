// The readout's rows for a slice of a model's loss: the point (a, b), the loss, the exact 2D
// gradient on the plane, the full gradient's length and the share of it the plane shows, the
// accuracy; "computing…" while Python works out a point (never an interpolated number).

import { fmt, escapeHtml } from "../core/format.js";

/**
 * @typedef {{value: number, gradient: number[], gradNorm?: number, inPlane?: number, accuracy?: number|null}} Here
 */

/** @param {string} html @param {string} [cls] */
function span(html, cls = "") {
  const s = document.createElement("span");
  if (cls) s.className = cls;
  s.innerHTML = html;
  return s;
}

/**
 * Rows for the slice described by `meta` (sliceview.slice_meta), appended to `el`.
 * @param {HTMLElement} el @param {any} meta
 */
export function createSliceRows(el, meta) {
  const labels = Array.isArray(meta.labels) ? meta.labels : ["direction 1", "direction 2"];
  /** @param {string} cls */
  const line = (cls) => {
    const r = document.createElement("div");
    r.className = `gs-ro-row ${cls}`;
    el.appendChild(r);
    return r;
  };
  const dirs = line("gs-ro-dirs");
  dirs.innerHTML = `<i>a</i> along ${escapeHtml(labels[0])}, <i>b</i> along ${escapeHtml(labels[1])}; <i>w</i> = <i>w</i><sub>0</sub> + <i>a</i>&thinsp;<i>d</i><sub>1</sub> + <i>b</i>&thinsp;<i>d</i><sub>2</sub>`;
  const head = line("gs-ro-point");
  head.append(span("At (<i>a</i>, <i>b</i>) = ", "gs-math"));
  const at = span("", "gs-math gs-num");
  head.append(at);
  const vrow = line("gs-ro-value");
  vrow.append(span("<i>L</i> = ", "gs-math"));
  const value = span("", "gs-math gs-num");
  vrow.append(value);
  const partials = ["a", "b"].map((v) => {
    const r = line("gs-ro-partial");
    r.append(span(`<span class="gs-frac" aria-hidden="true"><span>∂<i>L</i></span><span>∂<i>${v}</i></span></span><span class="gs-sr">dL/d${v}</span> = `, "gs-math"));
    const val = span("", "gs-math gs-num");
    r.append(val);
    return val;
  });
  const grow = line("gs-ro-grad");
  grow.append(span("∇<i>L</i> on the plane = ", "gs-math"));
  const grad = span("", "gs-math gs-num");
  grow.append(grad);
  const nrow = line("gs-ro-planenorm");
  nrow.append(span("|∇<i>L</i>| on the plane = ", "gs-math"));
  const planeNorm = span("", "gs-math gs-num");
  nrow.append(planeNorm);
  const full = line("gs-ro-full");
  full.append(span(`all ${Number(meta.nWeights || 0).toLocaleString("en-US")} weights: |∇<sub><i>w</i></sub><i>L</i>| = `, "gs-math"));
  const norm = span("", "gs-math gs-num");
  full.append(norm);
  const share = line("gs-ro-share");
  share.append(span("the plane shows ", ""));
  const shareVal = span("", "gs-num");
  share.append(shareVal, span(" of it", ""));
  const acc = line("gs-ro-accuracy");
  acc.append(span("accuracy ", ""));
  const accVal = span("", "gs-num");
  acc.append(accVal);
  acc.hidden = meta.hasAccuracy === false;
  const status = line("gs-ro-status");
  status.dataset.testid = "readout-status";
  status.hidden = true;

  /**
   * @param {number[]} p @param {Here|null} here null: Python is computing this point
   * @param {string} [error]
   */
  function update(p, here, error = "") {
    at.textContent = `(${p.map((c) => fmt(c)).join(", ")})`;
    const cells = [value, ...partials, grad, planeNorm, norm, shareVal, accVal];
    if (!here) {
      for (const c of cells) c.textContent = "computing…";
      status.hidden = !error;
      status.textContent = error;
      return;
    }
    status.hidden = !error;
    status.textContent = error;
    const undef = here.value !== here.value;
    const g = here.gradient;
    value.textContent = undef ? "undefined" : fmt(here.value, 6);
    partials.forEach((s, i) => { s.textContent = undef ? "undefined" : fmt(g[i]); });
    grad.textContent = undef ? "undefined" : `(${g.map((c) => fmt(c)).join(", ")})`;
    planeNorm.textContent = undef ? "undefined" : fmt(Math.hypot(g[0], g[1]));
    const n = Number(here.gradNorm);
    norm.textContent = n === n ? fmt(n) : "—";
    const s = Number(here.inPlane);
    shareVal.textContent = s === s ? `${fmt(100 * s, 3)}%` : "—";
    const a = here.accuracy;
    accVal.textContent = typeof a === "number" && a === a ? `${fmt(100 * a, 4)}%` : "—";
  }

  return { update };
}

/**
 * The slice's readout in words, for the polite live region.
 * @param {number[]} p @param {Here|null} here
 */
export function describeSlice(p, here) {
  const at = `At a = ${fmt(p[0], 3, { ascii: true })}, b = ${fmt(p[1], 3, { ascii: true })}`;
  if (!here) return `${at}: computing the loss here.`;
  if (here.value !== here.value) return `${at} the loss is undefined.`;
  const g = here.gradient;
  const parts = [`${at} the loss is ${fmt(here.value, 4, { ascii: true })}.`];
  parts.push(`The gradient on the plane is (${fmt(g[0], 3, { ascii: true })}, ${fmt(g[1], 3, { ascii: true })}).`);
  if (Number.isFinite(here.inPlane)) parts.push(`The plane shows ${fmt(100 * Number(here.inPlane), 3, { ascii: true })} percent of the full gradient.`);
  if (typeof here.accuracy === "number") parts.push(`Accuracy ${fmt(100 * here.accuracy, 3, { ascii: true })} percent.`);
  return parts.join(" ");
}
