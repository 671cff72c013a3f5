// The parameter sliders under the formula: one row per variable that is not an axis (its slider,
// its value as a box to type in, and the slider's range, editable), and the axis chooser that
// says which two variables the plot spans. Hidden for a formula of two variables.
//
//   const panel = createParamsPanel(host, { change(state, live), axis(slot, name) }, uid)
//   panel.set(variables, state)   show a surface's variables under a ParamState (core/params.js)

import { sliderStep, snap } from "../core/params.js";
import { fmt, varHtml } from "../core/format.js";

/**
 * @typedef {import("../core/params.js").ParamState} ParamState
 * @typedef {{change: (state: ParamState, live: boolean) => void, axis: (slot: 0|1, name: string) => void}} ParamsHandlers
 */

/** @param {string} tag @param {Record<string, string>} [attrs] @param {string} [text] */
function el(tag, attrs = {}, text = "") {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

/** A number typed in a box, or null. @param {string} s */
function typed(s) {
  const t = s.trim().replace(/^\+/, "").replace(/^[−–]/, "-");
  if (!/^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/** @param {number} v */
const short = (v) => String(Number(v.toPrecision(6)));

/**
 * @param {HTMLElement} host @param {ParamsHandlers} on @param {string} uid
 */
export function createParamsPanel(host, on, uid) {
  const box = el("section", { class: "gs-params", "aria-label": "Parameters", "data-testid": "params" });
  box.hidden = true;
  host.appendChild(box);
  const axesRow = el("div", { class: "gs-axes-row" });
  const rows = el("div", { class: "gs-param-rows" });
  const message = el("p", { class: "gs-param-msg", role: "alert" });
  box.append(axesRow, rows, message);
  /** @type {ParamState|null} */
  let state = null;
  /** @type {string[]} */
  let variables = [];

  /** @param {string} text */
  function say(text) { message.textContent = text; }

  function emit(/** @type {boolean} */ live) {
    if (state) on.change({ axes: state.axes, sliders: { ...state.sliders } }, live);
  }

  function buildAxes() {
    axesRow.replaceChildren();
    if (!state) return;
    axesRow.append(el("span", { class: "gs-axes-label" }, "Axes:"));
    state.axes.forEach((name, slot) => {
      const id = `${uid}-axis${slot}`;
      const label = el("label", { for: id }, slot === 0 ? "across" : "up");
      const sel = /** @type {HTMLSelectElement} */ (el("select", { id, "data-testid": `axis-${slot}` }));
      for (const v of variables) sel.append(el("option", { value: v }, v));
      sel.value = name;
      sel.addEventListener("change", () => on.axis(/** @type {0|1} */ (slot), sel.value));
      axesRow.append(label, sel);
    });
    axesRow.append(el("span", { class: "gs-axes-hint" }, "the other variables are sliders"));
  }

  function buildRows() {
    rows.replaceChildren();
    if (!state) return;
    for (const name of Object.keys(state.sliders)) rows.append(row(name));
  }

  /** @param {string} name */
  function row(name) {
    const r = el("div", { class: "gs-param", "data-param": name });
    const id = `${uid}-param-${name}`;
    const label = el("label", { for: id, class: "gs-param-name" });
    label.innerHTML = `${varHtml(name)} =`;
    const value = /** @type {HTMLInputElement} */ (el("input", {
      id, type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false",
      class: "gs-param-value", "data-testid": `param-${name}-value`,
    }));
    const slider = /** @type {HTMLInputElement} */ (el("input", {
      type: "range", class: "gs-param-slider", "data-testid": `param-${name}`, "aria-label": `${name}, slider`,
    }));
    const lo = /** @type {HTMLInputElement} */ (el("input", { type: "text", inputmode: "decimal", class: "gs-param-bound", "aria-label": `smallest ${name}`, "data-testid": `param-${name}-min` }));
    const hi = /** @type {HTMLInputElement} */ (el("input", { type: "text", inputmode: "decimal", class: "gs-param-bound", "aria-label": `largest ${name}`, "data-testid": `param-${name}-max` }));
    const range = el("span", { class: "gs-param-range" });
    range.append(el("span", {}, "range"), lo, el("span", {}, "to"), hi);
    const sync = () => {
      const cur = /** @type {ParamState} */ (state).sliders[name];
      const step = sliderStep(cur.min, cur.max);
      slider.min = String(cur.min);
      slider.max = String(cur.max);
      slider.step = String(step);
      slider.value = String(cur.value);
      slider.setAttribute("aria-valuetext", `${name} = ${fmt(cur.value)}`);
      value.value = short(cur.value);
      lo.value = short(cur.min);
      hi.value = short(cur.max);
      for (const b of [value, lo, hi]) b.classList.remove("gs-invalid");
    };
    /** @param {Partial<import("../core/params.js").Slider>} change @param {boolean} live */
    const put = (change, live) => {
      if (!state) return;
      state.sliders[name] = { ...state.sliders[name], ...change };
      sync();
      emit(live);
    };
    slider.addEventListener("input", () => {
      const cur = /** @type {ParamState} */ (state).sliders[name];
      put({ value: snap(Number(slider.value), sliderStep(cur.min, cur.max)) }, true);
    });
    slider.addEventListener("change", () => emit(false));
    value.addEventListener("change", () => {
      const v = typed(value.value);
      const cur = /** @type {ParamState} */ (state).sliders[name];
      if (v === null) {
        value.classList.add("gs-invalid");
        say(`${name} must be a number, such as 2 or -0.5; it stays ${short(cur.value)}.`);
        return;
      }
      say("");
      // a value outside the range widens the range to take it
      put({ value: v, min: Math.min(cur.min, v), max: Math.max(cur.max, v) }, false);
    });
    for (const [input, end] of /** @type {Array<[HTMLInputElement, "min"|"max"]>} */ ([[lo, "min"], [hi, "max"]])) {
      input.addEventListener("change", () => {
        const v = typed(input.value);
        const cur = /** @type {ParamState} */ (state).sliders[name];
        const lower = end === "min" ? v : cur.min;
        const upper = end === "max" ? v : cur.max;
        if (v === null || lower === null || upper === null || !(lower < upper)) {
          input.classList.add("gs-invalid");
          say(`The range of ${name} needs two numbers, the first smaller; it stays ${short(cur.min)} to ${short(cur.max)}.`);
          return;
        }
        say("");
        put({ min: lower, max: upper, value: Math.min(upper, Math.max(lower, cur.value)) }, false);
      });
    }
    r.append(label, slider, value, range);
    sync();
    return r;
  }

  return {
    element: box,
    /** @param {string[]} vars all of the program's variables @param {ParamState} st */
    set(vars, st) {
      variables = [...vars];
      state = { axes: /** @type {[string, string]} */ ([...st.axes]), sliders: { ...st.sliders } };
      box.hidden = vars.length <= 2;
      say("");
      buildAxes();
      buildRows();
    },
    destroy() { box.remove(); },
  };
}
