// The optimizer's other settings (β, ρ, β₁, β₂, ε) as boxes beside the learning rate, the
// numbers the update rule uses right now, and the library convention it follows
// (core/optimizers.js holds each optimizer's sentence, word for word descent.py's).
//
//   const hyper = createHyperControls(host, uid, (values) => ...)
//   hyper.show("adam")            boxes for adam's settings, its convention
//   hyper.values("adam")          {beta1: 0.9, beta2: 0.999, eps: 1e-8}: what the next ball uses
//   hyper.set({beta: 0.5})        from a link or the host (out-of-range values are ignored)

import { PARAMS, optimizerInfo } from "../core/optimizers.js";
import { fmt } from "../core/format.js";

/** Why `text` cannot be the value of setting `key` (a sentence), or null when it can. @param {string} key @param {string} text */
export function hyperProblem(key, text) {
  const p = PARAMS[/** @type {keyof typeof PARAMS} */ (key)];
  const t = text.trim().replace("−", "-");
  const v = Number(t);
  if (!t || !Number.isFinite(v)) return `${p.symbol} must be a number (${p.doc}).`;
  if (p.fraction && !(v >= 0 && v < 1)) return `${p.symbol} must be at least 0 and less than 1 (it is the ${p.doc}).`;
  if (!p.fraction && !(v > 0)) return `${p.symbol} must be greater than 0 (it is a ${p.doc}).`;
  return null;
}

/**
 * @param {HTMLElement} host @param {string} uid
 * @param {(values: Record<string, number>) => void} changed called with every valid change
 */
export function createHyperControls(host, uid, changed) {
  const element = document.createElement("div");
  element.className = "gs-hyper";
  element.dataset.testid = "hyper";
  const row = document.createElement("div");
  row.className = "gs-hyper-row";
  const error = document.createElement("p");
  error.className = "gs-lr-error gs-hyper-error";
  error.setAttribute("data-testid", "hyper-error");
  error.setAttribute("role", "status");
  error.hidden = true;
  const values = /** @type {Record<string, number>} */ ({});
  /** @type {Record<string, HTMLInputElement>} */
  const boxes = {};
  /** @type {Record<string, HTMLElement>} */
  const fields = {};
  for (const [key, p] of Object.entries(PARAMS)) {
    const field = document.createElement("span");
    field.className = "gs-hyper-field";
    const label = document.createElement("label");
    label.htmlFor = `${uid}-${key}`;
    label.textContent = p.symbol;
    label.title = p.doc;
    const box = document.createElement("input");
    Object.assign(box, { id: `${uid}-${key}`, type: "text", inputMode: "decimal", autocomplete: "off", spellcheck: false });
    box.className = "gs-hyper-box";
    box.setAttribute("data-testid", `hyper-${key}`);
    box.setAttribute("aria-label", `${p.symbol} (${key}): ${p.doc}`);
    field.append(label, box);
    row.appendChild(field);
    boxes[key] = box;
    fields[key] = field;
  }
  const convention = document.createElement("details");
  convention.className = "gs-convention";
  const summary = document.createElement("summary");
  summary.textContent = "Library convention";
  const conventionText = document.createElement("p");
  conventionText.setAttribute("data-testid", "convention");
  convention.append(summary, conventionText);
  const using = document.createElement("p");
  using.className = "gs-using";
  using.setAttribute("data-testid", "using");
  element.append(row, error, using, convention);
  host.appendChild(element);

  let current = "gd";
  /** @type {Record<string, string>} */
  const problems = {};

  function showProblems() {
    const why = Object.values(problems).filter(Boolean);
    error.hidden = why.length === 0;
    error.textContent = why.length ? `${why.join(" ")} The last valid value is used until it is fixed.` : "";
  }

  /** @param {string} key */
  function onInput(key) {
    const box = boxes[key];
    const why = hyperProblem(key, box.value);
    if (why) {
      problems[key] = why;
      box.setAttribute("aria-invalid", "true");
    } else {
      delete problems[key];
      box.removeAttribute("aria-invalid");
      values[key] = Number(box.value.trim().replace("−", "-"));
      changed(api.values(current));
    }
    showProblems();
    showUsing();
  }
  const listening = new AbortController();
  for (const key of Object.keys(boxes)) {
    boxes[key].addEventListener("input", () => onInput(key), { signal: listening.signal });
    boxes[key].addEventListener("change", () => onInput(key), { signal: listening.signal });
  }

  function showUsing() {
    const info = optimizerInfo(current);
    if (!info) return;
    const keys = Object.keys(info.defaults).filter((k) => k !== "lr");
    using.textContent = keys.length
      ? `with ${keys.map((k) => `${PARAMS[/** @type {keyof typeof PARAMS} */ (k)].symbol} = ${fmt(api.values(current)[k], 4)}`).join(", ")}`
      : "";
    using.hidden = !keys.length;
  }

  const api = {
    element,
    /** @param {string} optimizer */
    show(optimizer) {
      const info = optimizerInfo(optimizer);
      if (!info) return;
      current = optimizer;
      let any = false;
      for (const key of Object.keys(boxes)) {
        const on = key in info.defaults;
        fields[key].hidden = !on;
        any = any || on;
        if (on && !(key in problems)) boxes[key].value = String(api.values(optimizer)[key]);
      }
      row.hidden = !any;
      conventionText.textContent = info.convention;
      showUsing();
    },
    /** The settings other than lr that the optimizer's next run uses. @param {string} optimizer */
    values(optimizer) {
      const info = optimizerInfo(optimizer);
      /** @type {Record<string, number>} */
      const out = {};
      if (!info) return out;
      for (const [k, def] of Object.entries(info.defaults)) if (k !== "lr") out[k] = k in values ? values[k] : def;
      return out;
    },
    /** Settings from a link or the host; values out of range are ignored. @param {Record<string, unknown>} given */
    set(given) {
      for (const key of Object.keys(PARAMS)) {
        if (!(key in given)) continue;
        const v = Number(given[key]);
        if (hyperProblem(key, String(v)) === null) { values[key] = v; delete problems[key]; boxes[key].removeAttribute("aria-invalid"); }
      }
      showProblems();
      api.show(current);
    },
    destroy() { listening.abort(); element.remove(); },
  };
  return api;
}
