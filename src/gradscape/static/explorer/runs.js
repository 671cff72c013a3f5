// The descent panel: optimizer and learning-rate controls (with the stability limit on the
// slider: stability.js), the optimizer's other settings, its rule and library convention
// (hyper.js), compare / play / pause / step / clear, the legend of runs (optimizer, lr, steps,
// final loss, status), one colour each, and the loss-versus-step chart (losschart.js).

import { OPTIMIZERS, EXPLORER_STEPS, optimizerInfo } from "../core/optimizers.js";
import { fmt, escapeHtml } from "../core/format.js";
import { PALETTE } from "../core/palette.js";

/** The runs' colours (core/palette.js, shared with Python's figures); vermilion is kept for ∇L. */
export const RUN_COLORS = PALETTE.runs;
import { createHyperControls } from "./hyper.js";
import { createStabilityMark } from "./stability.js";
import { createLossChart } from "./losschart.js";
import { rateFor } from "./compare.js";


export const LR_MIN = 1e-4;
const LIMIT_REST_MS = 80; // the stability sentence follows the point once the pointer rests
export const LR_MAX = 10;

/**
 * @typedef {{optimizer: string, lr: number, start: number[], [k: string]: unknown}} RunSpec
 * @typedef {{spec: RunSpec, traj: import("../core/optimizers.js").Trajectory, shown: number,
 *            color: string, dash?: number[]}} Run
 * @typedef {{
 *   settings: (optimizer: string, lr: number, hyper?: Record<string, number>) => void,
 *   play: () => void, step: () => void, clear: () => void, remove: (index: number) => void,
 *   compare?: () => void,
 * }} PanelHandlers
 */

/** @param {string} tag @param {Record<string, string>} [attrs] @param {string} [text] */
function el(tag, attrs = {}, text = "") {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

/** A legend swatch: the run's colour, striped like its line when the line is dashed. @param {Run} r */
function swatch(r) {
  if (!r.dash || !r.dash.length) return r.color;
  const [on, off] = r.dash;
  return `repeating-linear-gradient(90deg, ${r.color} 0 ${on}px, transparent ${on}px ${on + off}px)`;
}

/** A learning rate rounded for display and for the box: 3 significant digits. @param {number} lr */
export function roundLr(lr) {
  return Number(lr.toPrecision(3));
}

/**
 * Why a typed learning rate cannot be used ("abc", "0", "-1", ""), or null when it can.
 * @param {string} text
 */
export function lrProblem(text) {
  const t = text.trim().replace("−", "-");
  if (!t) return `Type a learning rate, e.g. 0.1 (from ${LR_MIN} to ${LR_MAX}).`;
  const v = Number(t);
  if (!Number.isFinite(v)) return `“${t}” is not a number: type a learning rate such as 0.1.`;
  if (!(v > 0)) return `The learning rate must be above 0 (${t} would ${v === 0 ? "never move" : "climb uphill"}); try 0.1.`;
  return null;
}

/**
 * @param {HTMLElement} host @param {PanelHandlers} on
 * @param {string} uid a prefix for element ids (several explorers may share a page)
 */
export function createRunsPanel(host, on, uid) {
  // every settings change also carries the optimizer's other settings (those not at their
  // defaults: beta, rho, beta1, beta2, eps) and redraws the stability limit
  const tell = on.settings;
  on = { ...on, settings: (optimizer, value) => { tell(optimizer, value, changedHyper(optimizer)); refreshLimit(); } };
  const panel = el("section", { class: "gs-runs", "aria-label": "Gradient descent" });
  host.appendChild(panel);
  const head = el("div", { class: "gs-runs-head" });
  const title = el("h2", { class: "gs-h" }, "Roll a ball downhill");
  const controls = el("div", { class: "gs-controls" });

  const optLabel = el("label", { for: `${uid}-opt` }, "Optimizer");
  const opt = /** @type {HTMLSelectElement} */ (el("select", { id: `${uid}-opt`, "data-testid": "optimizer" }));
  for (const o of OPTIMIZERS) {
    const option = el("option", { value: o.name }, o.short);
    opt.appendChild(option);
  }

  const lrLabel = el("label", { for: `${uid}-lr` }, "Learning rate");
  const lrBox = /** @type {HTMLInputElement} */ (el("input", {
    id: `${uid}-lr`, "data-testid": "lr", type: "text", inputmode: "decimal", autocomplete: "off",
    spellcheck: "false", class: "gs-lr-box", "aria-describedby": `${uid}-lr-help`,
  }));
  const slider = /** @type {HTMLInputElement} */ (el("input", {
    type: "range", min: String(Math.log10(LR_MIN)), max: String(Math.log10(LR_MAX)), step: "0.01",
    class: "gs-lr-slider", "aria-label": "Learning rate, log scale", "aria-describedby": `${uid}-lr-help`,
  }));
  const lrHelp = el("span", { id: `${uid}-lr-help`, class: "gs-sr" }, `From ${LR_MIN} to ${LR_MAX}; the slider is logarithmic.`);
  // a rate that cannot be used stays on screen, saying why, until it is fixed (no ball runs meanwhile)
  const lrError = el("p", { id: `${uid}-lr-error`, class: "gs-lr-error", "data-testid": "lr-error", role: "status" });
  lrError.hidden = true;
  const update = el("p", { class: "gs-update", "aria-live": "off" });

  const buttons = el("div", { class: "gs-buttons" });
  const play = /** @type {HTMLButtonElement} */ (el("button", { type: "button", "data-testid": "play", "aria-label": "Pause the runs" }, "Pause"));
  const stepBtn = /** @type {HTMLButtonElement} */ (el("button", { type: "button", "data-testid": "step" }, "Step"));
  const clear = /** @type {HTMLButtonElement} */ (el("button", { type: "button", "data-testid": "reset-runs" }, "Clear"));
  clear.setAttribute("aria-label", "Clear all runs");
  buttons.append(play, stepBtn, clear);
  head.append(title, buttons);

  const lrRow = el("div", { class: "gs-lr-row" });
  lrRow.append(slider, lrBox);
  controls.append(optLabel, opt, lrLabel, lrRow, lrHelp, lrError);
  const legend = el("ol", { class: "gs-legend", "data-testid": "runs", "aria-label": "Runs" });
  const empty = el("p", { class: "gs-empty" }, "Click the plot, or press Enter on it, to drop a ball and watch it descend.");
  const rule = el("p", { class: "gs-footnote" }, `A run stops when |∇L| < 10⁻⁶ (converged), when it runs away or lands where L is undefined (diverged), or after ${EXPLORER_STEPS} steps.`);
  panel.append(head, controls, update, legend, empty, rule);

  const compareBtn = /** @type {HTMLButtonElement} */ (el("button", { type: "button", "data-testid": "compare", class: "gs-compare" }, "Compare all"));
  compareBtn.title = "Drop one ball per optimizer at the point, each at a learning rate tuned for this surface";
  compareBtn.setAttribute("aria-label", "Compare all optimizers from the point, each at a rate tuned for this surface");
  buttons.prepend(compareBtn);
  const stability = createStabilityMark(slider, LR_MIN, LR_MAX, uid);
  const hyper = createHyperControls(panel, uid, () => on.settings(opt.value, lr));
  controls.after(stability.element, hyper.element);
  hyper.element.insertBefore(update, hyper.element.querySelector(".gs-using"));
  const chart = createLossChart(panel);
  legend.after(chart.element);
  /** @type {any} */
  let surface = null;
  /** @type {number[]|null} */
  let point = null;
  /** @param {string} optimizer */
  function changedHyper(optimizer) {
    const info = optimizerInfo(optimizer);
    return Object.fromEntries(Object.entries(hyper.values(optimizer)).filter(([k, v]) => !info || v !== info.defaults[k]));
  }
  function refreshLimit() {
    stability.update(surface ? surface.program : null, point, opt.value, { lr, ...hyper.values(opt.value) });
  }

  let lr = 0.1;
  let limitTimer = 0;
  /** @type {string|null} why the typed rate cannot be used (null when it can) */
  let problem = null;
  /** @param {string|null} why */
  const setProblem = (why) => {
    problem = why;
    lrError.textContent = why || "";
    lrError.hidden = !why;
    if (why) {
      lrBox.setAttribute("aria-invalid", "true");
      lrBox.setAttribute("aria-describedby", `${uid}-lr-help ${uid}-lr-error`);
    } else {
      lrBox.removeAttribute("aria-invalid");
      lrBox.setAttribute("aria-describedby", `${uid}-lr-help`);
    }
  };
  const setLrUi = (/** @type {number} */ v, /** @type {boolean} */ fromBox) => {
    lr = v;
    slider.value = String(Math.log10(v));
    if (!fromBox) lrBox.value = String(roundLr(v));
    setProblem(null);
  };
  const showUpdate = () => {
    const info = optimizerInfo(opt.value);
    update.textContent = info ? info.update : "";
    hyper.show(opt.value);
  };

  const onOpt = () => {
    if (optimizerInfo(opt.value)) setLrUi(rateFor(surface, opt.value), false);
    showUpdate();
    on.settings(opt.value, lr);
  };
  const onSlider = () => {
    setLrUi(roundLr(10 ** Number(slider.value)), false);
    on.settings(opt.value, lr);
  };
  const onBox = () => {
    const why = lrProblem(lrBox.value);
    if (why === null) {
      setLrUi(Number(lrBox.value.trim().replace("−", "-")), true);
      on.settings(opt.value, lr);
    } else {
      setProblem(why);
    }
  };
  const onLegendClick = (/** @type {Event} */ e) => {
    const b = /** @type {HTMLElement} */ (e.target).closest("button[data-index]");
    if (b) on.remove(Number(/** @type {HTMLElement} */ (b).dataset.index));
  };
  const listening = new AbortController(); // destroy() removes every listener at once
  const { signal } = listening;
  opt.addEventListener("change", onOpt, { signal });
  slider.addEventListener("input", onSlider, { signal });
  lrBox.addEventListener("input", onBox, { signal });
  lrBox.addEventListener("change", onBox, { signal });
  play.addEventListener("click", on.play, { signal });
  stepBtn.addEventListener("click", on.step, { signal });
  clear.addEventListener("click", on.clear, { signal });
  compareBtn.addEventListener("click", () => on.compare && on.compare(), { signal });
  legend.addEventListener("click", onLegendClick, { signal });

  setLrUi(lr, false);
  showUpdate();

  /** @type {HTMLElement[]} */
  let items = [];

  /**
   * Rebuild the legend (when runs are added or removed).
   * @param {Run[]} runs @param {number} [newest] index to announce
   */
  function setRuns(runs) {
    items = runs.map((r, i) => {
      const li = el("li", { class: "gs-run" });
      li.innerHTML =
        `<span class="gs-swatch" style="background:${swatch(r)}" aria-hidden="true"></span>` +
        `<span class="gs-run-name">${escapeHtml(r.spec.optimizer)} <span class="gs-muted">lr ${escapeHtml(String(roundLr(Number(r.spec.lr))))}</span></span>` +
        `<span class="gs-run-state"></span>` +
        `<button type="button" class="gs-remove" data-index="${i}" aria-label="Remove run ${i + 1}">×</button>`;
      return li;
    });
    legend.replaceChildren(...items);
    empty.hidden = runs.length > 0;
    tick(runs);
    chart.update(runs);
  }

  /**
   * Refresh each run's steps / loss / status (cheap; called every animation frame).
   * @param {Run[]} runs
   */
  function tick(runs) {
    chart.update(runs);
    runs.forEach((r, i) => {
      const li = items[i];
      if (!li) return;
      const t = r.traj;
      const n = Math.floor(Math.min(r.shown, t.steps));
      const running = n < t.steps;
      const status = t.stopped === "invalid" ? "diverged" : running ? "running" : t.stopped;
      const last = t.points[n];
      const loss = t.values[n];
      const final = last.map(String).join(",");
      if (li.dataset.status === status && li.dataset.final === final) return;
      li.dataset.status = status;
      li.dataset.final = final;
      li.dataset.steps = String(n);
      li.title = t.reason;
      const state = /** @type {HTMLElement} */ (li.querySelector(".gs-run-state"));
      let words;
      if (t.stopped === "invalid") words = t.reason;
      else if (running) words = `${n} step${n === 1 ? "" : "s"} · L = ${fmt(loss, 3)}`;
      else if (t.stopped === "converged") words = `converged in ${n} step${n === 1 ? "" : "s"} · L = ${fmt(loss, 3)}`;
      else if (t.stopped === "diverged") words = `diverged after ${n} step${n === 1 ? "" : "s"}`;
      else if (t.stopped === "failed") words = `stopped after ${n} step${n === 1 ? "" : "s"}: the Hessian is ${/singular/.test(t.reason) ? "singular" : /undefined/.test(t.reason) ? "undefined" : "not positive definite"} here`;
      else words = `${n} steps (the cap) · L = ${fmt(loss, 3)}`;
      state.textContent = words;
      li.classList.toggle("gs-diverged", status === "diverged");
    });
  }

  return {
    element: panel,
    setRuns,
    tick,
    /** @param {boolean} playing */
    setPlaying(playing) {
      play.textContent = playing ? "Pause" : "Play";
      play.setAttribute("aria-label", playing ? "Pause the runs" : "Play the runs");
    },
    /**
     * @param {string} optimizer @param {number} value the learning rate
     * @param {Record<string, unknown>} [given] other settings (beta, rho, beta1, beta2, eps)
     */
    setSettings(optimizer, value, given) {
      if (optimizerInfo(optimizer)) opt.value = optimizer;
      if (Number.isFinite(value) && value > 0) setLrUi(value, false);
      if (given) hyper.set(given);
      showUpdate();
      refreshLimit();
    },
    /**
     * A new surface: the chosen optimizer's rate becomes the surface's (its tuned rate, see
     * compare.js) when `adopt`, and the stability limit follows its Hessian.
     * @param {any} compiled @param {boolean} adopt
     */
    setSurface(compiled, adopt) {
      surface = compiled;
      if (adopt) {
        setLrUi(rateFor(compiled, opt.value), false);
        on.settings(opt.value, lr);
      }
      refreshLimit();
    },
    /** Where the next ball starts (the stability limit is the Hessian's there). @param {number[]} p */
    setPoint(p) {
      const first = !point;
      point = [p[0], p[1]];
      // the sentence names the point: rewrite it once the pointer rests, not in every hover frame
      clearTimeout(limitTimer);
      if (first) refreshLimit();
      else limitTimer = setTimeout(refreshLimit, LIMIT_REST_MS);
    },
    chart,
    get settings() { return { optimizer: opt.value, lr, ...changedHyper(opt.value) }; },
    /** Why the learning rate in the box cannot be used, or null. */
    get problem() { return problem; },
    /** Point at the problem: the message stays, the box takes the focus. */
    showProblem() { if (problem) lrBox.focus(); },
    destroy() {
      clearTimeout(limitTimer);
      listening.abort();
      hyper.destroy();
      chart.destroy();
      panel.remove();
    },
  };
}
