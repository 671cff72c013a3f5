// The one-variable view: for a formula of one variable (payload `own_variables` of length 1) the
// explorer shows L against that variable above the plot, as the lesson's figure 1 does: the
// curve over the plot's window, the tangent at the hovered point and the derivative's value.
// The 2D plot stays below it (the second axis only spreads the same curve out), so hovering,
// dropping balls and zooming work as ever; this curve follows them.
//
//   const curve = createCurve1d(host)        a hidden <figure> in host
//   curve.setSurface(compiled)               shown only for a one-variable formula
//   curve.setRange([x0, x1])                 the plot's window along the variable
//   curve.setPoint(x, value, slope)          the hovered point (NaN value: undefined there)

import { evalPoint } from "../core/evaluator.js";
import { fmt, varHtml } from "../core/format.js";

const SVGNS = "http://www.w3.org/2000/svg";
const HEIGHT = 140;
const SAMPLES = 240;

/** @param {HTMLElement} host */
export function createCurve1d(host) {
  const fig = document.createElement("figure");
  fig.className = "gs-curve1d";
  fig.dataset.testid = "curve1d";
  fig.hidden = true;
  const svg = document.createElementNS(SVGNS, "svg");
  svg.setAttribute("aria-hidden", "true");
  const cap = document.createElement("figcaption");
  cap.className = "gs-curve1d-caption";
  fig.append(svg, cap);
  host.appendChild(fig);

  /** @type {any} */
  let program = null;
  let axis = 0; // which of the two explorer variables the formula uses
  let name = "x";
  /** @type {number[]} */
  let range = [-4, 4];
  /** @type {[number, number, number]|null} */
  let at = null;
  /** @type {{lo: number, hi: number, W: number}|null} */
  let frame = null;

  const valueAt = (/** @type {number} */ x) => {
    const p = axis === 0 ? [x, 0] : [0, x];
    return evalPoint(program, p).value;
  };
  /** @param {string} tag @param {Record<string, string|number>} attrs @param {string} [text] */
  const add = (tag, attrs, text) => {
    const e = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    svg.appendChild(e);
    return e;
  };

  function draw() {
    if (fig.hidden || !program) return;
    const W = Math.max(200, Math.round(fig.getBoundingClientRect().width || 0));
    svg.setAttribute("viewBox", `0 0 ${W} ${HEIGHT}`);
    svg.setAttribute("width", String(W));
    svg.setAttribute("height", String(HEIGHT));
    svg.replaceChildren();
    const [x0, x1] = range;
    const xs = Array.from({ length: SAMPLES + 1 }, (_, k) => x0 + ((x1 - x0) * k) / SAMPLES);
    const ys = xs.map(valueAt);
    const finite = ys.filter(Number.isFinite);
    let lo = finite.length ? Math.min(...finite) : 0;
    let hi = finite.length ? Math.max(...finite) : 1;
    if (!(hi > lo)) { lo -= 1; hi += 1; }
    const pad = (hi - lo) * 0.08;
    lo -= pad; hi += pad;
    frame = { lo, hi, W };
    const X = (/** @type {number} */ x) => 46 + ((x - x0) / (x1 - x0)) * (W - 56);
    const Y = (/** @type {number} */ v) => HEIGHT - 22 - ((v - lo) / (hi - lo)) * (HEIGHT - 34);
    add("line", { x1: 46, y1: HEIGHT - 22, x2: W - 10, y2: HEIGHT - 22, class: "gs-c-axis" });
    add("line", { x1: 46, y1: 12, x2: 46, y2: HEIGHT - 22, class: "gs-c-axis" });
    for (const [v, y] of [[lo + pad, Y(lo + pad)], [hi - pad, Y(hi - pad)]]) {
      add("text", { x: 42, y: y + 4, class: "gs-c-tick", "text-anchor": "end" }, fmt(v, 3));
    }
    for (const x of [x0, (x0 + x1) / 2, x1]) {
      add("text", { x: X(x), y: HEIGHT - 7, class: "gs-c-tick", "text-anchor": "middle" }, fmt(x, 3));
    }
    let d = "";
    let pen = false;
    xs.forEach((x, k) => {
      const v = ys[k];
      if (!Number.isFinite(v)) { pen = false; return; }
      d += `${pen ? "L" : "M"}${X(x).toFixed(1)},${Y(v).toFixed(1)}`;
      pen = true;
    });
    add("path", { d, class: "gs-c-curve" });
    if (at && Number.isFinite(at[1])) {
      const [x, v, s] = at;
      const span = (x1 - x0) * 0.14;
      if (Number.isFinite(s)) {
        add("line", { x1: X(x - span), y1: Y(v - s * span), x2: X(x + span), y2: Y(v + s * span), class: "gs-c-tangent" });
      }
      add("circle", { cx: X(x), cy: Y(v), r: 5, class: "gs-c-point" });
    }
  }

  function caption() {
    if (!at) { cap.textContent = ""; return; }
    const [x, v, s] = at;
    const n = varHtml(name);
    cap.innerHTML = v === v
      ? `<i>L</i> against ${n}, with its tangent at ${n} = ${fmt(x, 4)}: <i>L</i> = ${fmt(v, 5)}, slope d<i>L</i>/d${n} = <strong>${fmt(s, 4)}</strong>.`
      : `<i>L</i> against ${n}: undefined at ${n} = ${fmt(x, 4)}.`;
    fig.dataset.x = String(x);
    fig.dataset.slope = String(s);
  }

  const resize = new ResizeObserver(() => draw());
  resize.observe(fig);

  return {
    element: fig,
    /** @param {{variables: string[], own_variables?: string[]|null, program: any}} c */
    setSurface(c) {
      const own = Array.isArray(c.own_variables) ? c.own_variables : null;
      const one = own && own.length === 1 ? c.variables.indexOf(own[0]) : -1;
      fig.hidden = one < 0;
      program = one < 0 ? null : c.program;
      axis = Math.max(0, one);
      name = one < 0 ? "x" : c.variables[one];
      at = null;
      draw();
    },
    /** @param {number[]} r the plot's window along the variable (x or y) @param {number[]} other */
    setRange(r, other) {
      const next = axis === 0 ? r : other;
      if (next[0] === range[0] && next[1] === range[1]) return;
      range = [next[0], next[1]];
      draw();
    },
    /** @param {number[]} p @param {number} value @param {number[]} g */
    setPoint(p, value, g) {
      if (fig.hidden) return;
      at = [p[axis], value, g[axis]];
      caption();
      draw();
    },
    get frame() { return frame; },
    destroy() { resize.disconnect(); fig.remove(); },
  };
}
