// The readout beside the plot: the hovered point, the loss there, each partial derivative as
// formula and value, the gradient and its length; and the same in words for screen readers.

import { fmt, varHtml, toward, fullPrecision, tidyMath } from "../core/format.js";
import { centralDifferences } from "../core/evaluator.js";
import { createSliceRows } from "./readout-slice.js";
import { oneVariable } from "./curve1d.js";

/**
 * @typedef {{variable: string, html?: string, text?: string}} Partial
 * @typedef {{variables: string[], partials: Partial[], program?: import("../core/evaluator.js").Program,
 *   own_variables?: string[]|null}} Described
 */

/** @param {string} html */
function span(html, cls = "") {
  const s = document.createElement("span");
  if (cls) s.className = cls;
  s.innerHTML = html;
  return s;
}

/** ∂L/∂v as a stacked fraction (dL/dv for a formula of one variable). @param {string} v */
function partialHtml(v, d = "∂") {
  return `<span class="gs-frac" aria-hidden="true"><span>${d}<i>L</i></span><span>${d}${varHtml(v)}</span></span>`;
}

/** @param {HTMLElement} host */
export function createReadout(host) {
  const el = document.createElement("section");
  el.className = "gs-readout";
  el.dataset.testid = "readout";
  el.setAttribute("aria-label", "Gradient at the hovered point");
  host.appendChild(el);

  /** @type {{at: HTMLElement, value: HTMLElement, partials: HTMLElement[], grad: HTMLElement, norm: HTMLElement, undef: HTMLElement, names: string[], idx: number[]}|null} */
  let rows = null;
  /** the gradient check: exact partials beside central differences, while the box is ticked */
  let checking = false;
  /** @type {{table: HTMLElement, cells: HTMLElement[][], program: any, idx: number[]}|null} */
  let check = null;
  /** @type {[number[], number, number[]]|null} */
  let last = null;
  /** @type {ReturnType<typeof createSliceRows>|null} a slice's rows (readout-slice.js) */
  let sliceRows = null;

  /**
   * Rebuild for a new surface: rows whose formulas do not change while hovering.
   * @param {Described} d
   */
  function setSurface(d) {
    el.replaceChildren();
    sliceRows = null;
    // a formula of one variable: its one coordinate and its derivative, no dummy second axis
    const one = oneVariable(d);
    const idx = one >= 0 ? [one] : [0, 1];
    const names = idx.map((i) => d.variables[i]);
    const dee = one >= 0 ? "d" : "∂";
    const line = (/** @type {string} */ cls) => {
      const r = document.createElement("div");
      r.className = `gs-ro-row ${cls}`;
      el.appendChild(r);
      return r;
    };
    const head = line("gs-ro-point");
    head.append(span(one >= 0 ? `At ${varHtml(names[0])} = ` : `At (${names.map(varHtml).join(", ")}) = `, "gs-math"));
    const at = span("", "gs-math gs-num");
    head.append(at);
    const vrow = line("gs-ro-value");
    vrow.append(span("<i>L</i> = ", "gs-math"));
    const value = span("", "gs-math gs-num");
    vrow.append(value);
    const undef = line("gs-ro-undefined");
    undef.textContent = "L is undefined here: the formula has no value at this point, so it has no gradient either.";
    undef.hidden = true;
    const partials = names.map((v, k) => {
      const r = line("gs-ro-partial");
      const p = d.partials[idx[k]];
      const formula = p && p.html ? tidyMath(p.html) : p && p.text ? escape(p.text) : "0";
      r.append(span(`${partialHtml(v, dee)}<span class="gs-sr">dL/d${v}</span> = `, "gs-math"));
      r.append(span(formula, "gs-math gs-formula"));
      r.append(span(" = ", "gs-math"));
      const val = span("", "gs-math gs-num");
      r.append(val);
      return val;
    });
    const grow = line("gs-ro-grad");
    grow.append(span("∇<i>L</i> = ", "gs-math"));
    const grad = span("", "gs-math gs-num");
    grow.append(grad);
    grow.append(span(", ", "gs-math"));
    const normPart = span("", "gs-keep"); // "|∇L| = value" wraps as one piece
    normPart.append(span("|∇<i>L</i>| = ", "gs-math gs-norm-label"));
    const norm = span("", "gs-math gs-num gs-norm");
    normPart.append(norm);
    grow.append(normPart);
    rows = { at, value, partials, grad, norm, undef, names, idx };
    check = d.program ? gradientCheck(names, d.program, idx) : null;
  }

  /** The toggle and the table of the gradient check. @param {string[]} names @param {any} program @param {number[]} idx */
  function gradientCheck(names, program, idx) {
    const toggle = document.createElement("label");
    toggle.className = "gs-ro-check";
    toggle.innerHTML = '<input type="checkbox" data-testid="gradient-check"> Check against finite differences';
    const box = /** @type {HTMLInputElement} */ (toggle.querySelector("input"));
    box.checked = checking;
    const table = document.createElement("table");
    table.className = "gs-check-table";
    table.dataset.testid = "gradient-check-table";
    table.hidden = !checking;
    table.innerHTML = "<thead><tr><th></th><th>exact</th><th>central difference</th><th>difference</th></tr></thead>";
    const body = document.createElement("tbody");
    const cells = names.map((v) => {
      const tr = document.createElement("tr");
      tr.innerHTML = `<th scope="row">∂<i>L</i>/∂${varHtml(v)}</th><td></td><td></td><td></td>`;
      body.appendChild(tr);
      return /** @type {HTMLElement[]} */ ([...tr.querySelectorAll("td")]);
    });
    table.appendChild(body);
    const note = document.createElement("caption");
    note.textContent = "(L(w + h) − L(w − h)) / 2h with h = 10⁻⁶·max(1, |w|): close, never exact.";
    table.appendChild(note);
    el.append(toggle, table);
    box.addEventListener("change", () => {
      checking = box.checked;
      table.hidden = !checking;
      if (last) update(...last);
    });
    return { table, cells, program, idx };
  }

  /**
   * Show one point. Cheap: text of a few spans and two attributes.
   * @param {number[]} p @param {number} value @param {number[]} g
   */
  function update(p, value, g) {
    el.dataset.point = fullPrecision(p);
    el.dataset.gradient = fullPrecision(g);
    el.dataset.value = String(value);
    delete el.dataset.pending;
    last = [p, value, g];
    if (!rows) return;
    if (check && checking) {
      const numeric = centralDifferences(check.program, p);
      check.table.dataset.numeric = fullPrecision(numeric);
      check.cells.forEach(([exact, approx, diff], k) => {
        const i = check ? check.idx[k] : k;
        exact.textContent = fmt(g[i], 13);
        approx.textContent = fmt(numeric[i], 13); // enough digits to show it is not exact
        diff.textContent = numeric[i] === numeric[i] && g[i] === g[i] ? (numeric[i] - g[i]).toExponential(1) : "undefined";
      });
    }
    const undefinedHere = value !== value;
    el.classList.toggle("gs-undefined", undefinedHere);
    const { idx } = rows;
    rows.at.textContent = idx.length === 1 ? fmt(p[idx[0]]) : `(${p.map((c) => fmt(c)).join(", ")})`;
    rows.value.textContent = undefinedHere ? "undefined" : fmt(value, 5);
    rows.undef.hidden = !undefinedHere;
    rows.partials.forEach((s, k) => { s.textContent = undefinedHere ? "undefined" : fmt(g[idx[k]]); });
    rows.grad.textContent = undefinedHere ? "undefined" : `(${idx.map((i) => fmt(g[i])).join(", ")})`;
    rows.norm.textContent = undefinedHere ? "undefined" : fmt(Math.hypot(...idx.map((i) => g[i])));
  }

  /** Rebuild for a slice of a model's loss (readout-slice.js). @param {any} meta */
  function setSlice(meta) {
    el.replaceChildren();
    rows = null;
    check = null;
    sliceRows = createSliceRows(el, meta);
  }

  /**
   * Show one point of a slice; `here` null while Python computes it (data-pending, and no
   * data-value or data-gradient until the exact numbers are in).
   * @param {number[]} p @param {import("./readout-slice.js").Here|null} here @param {string} [error]
   */
  function updateSlice(p, here, error = "") {
    el.dataset.point = fullPrecision(p);
    if (here) {
      el.dataset.value = String(here.value);
      el.dataset.gradient = fullPrecision(here.gradient);
      el.dataset.gradNorm = String(here.gradNorm);
      el.dataset.inPlane = String(here.inPlane);
      el.dataset.accuracy = here.accuracy === null || here.accuracy === undefined ? "" : String(here.accuracy);
      delete el.dataset.pending;
    } else {
      for (const k of ["value", "gradient", "gradNorm", "inPlane", "accuracy"]) delete el.dataset[k];
      el.dataset.pending = "true";
    }
    if (sliceRows) sliceRows.update(p, here, error);
  }

  return { element: el, setSurface, update, setSlice, updateSlice };
}

/** @param {string} s */
function escape(s) {
  return s.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The gradient at a point in words, for the polite live region.
 * @param {string[]} names @param {number[]} p @param {number} value @param {number[]} g
 * @param {number} [one] a formula of one variable: which (0 or 1); -1 for both
 */
export function describe(names, p, value, g, one = -1) {
  const idx = one >= 0 ? [one] : [0, 1];
  const at = `At ${idx.map((i) => `${names[i]} = ${fmt(p[i], 3, { ascii: true })}`).join(", ")}`;
  if (value !== value) return `${at} the loss is undefined, so there is no gradient.`;
  if (one >= 0) {
    const s = g[one];
    const loss = `${at} the loss is ${fmt(value, 3, { ascii: true })}, its slope ${fmt(s, 3, { ascii: true })}.`;
    if (!(s !== 0 && s === s)) return `${loss} The gradient is zero: no direction is downhill.`;
    const [up, down] = s > 0 ? ["larger", "smaller"] : ["smaller", "larger"];
    return `${loss} Uphill toward ${up} ${names[one]}; steepest descent toward ${down} ${names[one]}.`;
  }
  const n = Math.hypot(g[0], g[1]);
  const loss = `${at} the loss is ${fmt(value, 3, { ascii: true })}.`;
  if (!(n > 0)) return `${loss} The gradient is zero: no direction is downhill.`;
  const up = toward(g[0], g[1]);
  const down = toward(-g[0], -g[1]);
  return `${loss} Uphill ${up}; steepest descent ${down}. Gradient length ${fmt(n, 3, { ascii: true })}.`;
}
