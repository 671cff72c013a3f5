// The panels beside a model's slice, each self-contained (it builds its own elements and
// styles) and driven only through the slice landscape of core/slice.js:
//
//   createTrainPanel(el, {landscape, onPath, onSliceHere, payload})   "Train and watch"
//       descend on the real model (every weight, the chosen optimizer and learning rate), the
//       path projected onto the slice handed to the view, a live loss and accuracy curve, the
//       stability limit 2 / lambda_max beside the learning rate, and "slice here".
//   createNoisePanel(el, {landscape, onArrows})                      "The noise of SGD"
//       at a point, the full-batch 2D gradient beside those of several seeded minibatches.
//   createStrip(el, {landscape})                                     "The whole gradient"
//       every partial derivative as a cell (core/strip.js, the lesson's figure 5).
//   createModelPanels(host, ctx)   all three in a column, wired to the explorer's slice view
//
// The landscape (createSliceLandscape(payload)): variables, labels, nWeights, layout,
// at(a, b), weights(a, b), coordinates(w) -> {a, b, off}, lossAndGradient(w) ->
// {value, gradient, accuracy}, minibatchGradient(w, indices) -> {value, gradient}; optional
// directions [d1, d2], loss(w), nSamples, eigenvalues. Nothing here talks to a server.

import { OPTIMIZERS, optimizerInfo, settingsFor, startRun, EXPLORER_STEPS } from "../core/optimizers.js";
import { fmt, escapeHtml } from "../core/format.js";
import { mountGradientFigure } from "../core/strip.js";
import { recentredPayload } from "../core/slice.js";
import { angleDegrees, hessianVector, minibatches, noiseSummary, project, topEigenvalue } from "../core/modeltools.js";

const LR_MIN = 1e-4;
const LR_MAX = 10;
let uidCounter = 0;
const uid = (/** @type {string} */ p) => `gs-mp-${p}-${++uidCounter}`;

/**
 * @typedef {{variables: string[], labels: string[], kind?: string, nWeights: number,
 *   layout: Array<{name: string, shape: number[], start: number}>,
 *   at: (a: number, b: number) => {value: number, gradient: number[], gradNorm: number, inPlane: number, accuracy: number},
 *   weights: (a: number, b: number) => Float64Array,
 *   coordinates: (w: ArrayLike<number>) => {a: number, b: number, off: number},
 *   lossAndGradient: (w: ArrayLike<number>) => {value: number, gradient: Float64Array, accuracy: number},
 *   minibatchGradient: (w: ArrayLike<number>, indices: ArrayLike<number>) => {value: number, gradient: Float64Array},
 *   directions?: Float64Array[]|string, loss?: (w: ArrayLike<number>) => number, nSamples?: number,
 *   eigenvalues?: number[]}} SliceLandscape
 */

/** @param {string} tag @param {Record<string, string>} [attrs] @param {string} [text] */
function el(tag, attrs = {}, text = "") {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

/** @type {WeakMap<object, Float64Array[]>} */
const derived = new WeakMap();

/**
 * The plane's two directions: the landscape's own (core/slice.js gives `directions: [d1, d2]`),
 * else w(1, 0) - w(0, 0) and w(0, 1) - w(0, 0) (equal to rounding in w0's last bit).
 * @param {SliceLandscape} land
 */
export function directionsOf(land) {
  const given = /** @type {any} */ (land).directions;
  if (Array.isArray(given) && given.length === 2 && ArrayBuffer.isView(given[0]) && ArrayBuffer.isView(given[1])) return given;
  const known = derived.get(land);
  if (known) return known;
  const w0 = land.weights(0, 0);
  const a = land.weights(1, 0);
  const b = land.weights(0, 1);
  const out = [Float64Array.from(a, (v, i) => v - w0[i]), Float64Array.from(b, (v, i) => v - w0[i])];
  derived.set(land, out);
  return out;
}

/** How many examples the landscape's loss averages over. @param {SliceLandscape} land @param {any} [payload] */
function samplesOf(land, payload) {
  return Number(land.nSamples ?? payload?.model?.n_samples ?? payload?.data?.n_samples) || 0;
}

/** @param {SliceLandscape} land @param {Float64Array} w */
const lossOf = (land, w) => (land.loss ? land.loss(w) : land.lossAndGradient(w).value);

// --- styles: injected once into the document (or shadow root) that holds a panel ------------

const CSS = `
.gs-mp-stack { display: flex; flex-direction: column; gap: 10px; min-width: 0; }
.gs-mp-stack > .gs-mp { background: var(--card, #fff); border: 1px solid var(--rule, #e4e1da); border-radius: 8px; padding: 10px 14px; min-width: 0; }
.gs-mp { font: 13.5px/1.45 var(--ui, system-ui, sans-serif); color: var(--ink, #1d2129); }
.gs-mp * { box-sizing: border-box; }
.gs-mp h3 { margin: 0 0 4px; font: 600 14px/1.3 var(--ui, system-ui, sans-serif); }
.gs-mp p { margin: 4px 0; }
.gs-mp .gs-mp-grid { display: grid; grid-template-columns: auto minmax(0, 1fr); gap: 6px 10px; align-items: center; }
.gs-mp label, .gs-mp .gs-mp-label { color: var(--muted, #5b616b); }
.gs-mp .gs-mp-row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; min-width: 0; }
.gs-mp input[type="range"] { flex: 1 1 auto; min-width: 60px; accent-color: var(--accent, #1d4e89); }
.gs-mp input[type="text"], .gs-mp input[type="number"] { width: 80px; padding: 3px 7px; font: inherit; font-variant-numeric: tabular-nums;
  border: 1px solid #cfcbc3; border-radius: 6px; min-height: 30px; background: #fff; color: inherit; }
.gs-mp select { font: inherit; padding: 3px 8px; border: 1px solid #cfcbc3; border-radius: 6px; min-height: 30px; background: #fff; color: inherit; max-width: 100%; }
.gs-mp button { font: inherit; padding: 2px 10px; min-height: 30px; border: 1px solid #cfcbc3; border-radius: 6px; background: #fff; color: inherit; cursor: pointer; }
.gs-mp button:hover { background: #f3f1ec; }
.gs-mp button:disabled { opacity: 0.55; cursor: default; }
.gs-mp [aria-invalid="true"] { border-color: var(--error, #a8271d) !important; }
.gs-mp :focus-visible { outline: 2px solid var(--accent, #1d4e89); outline-offset: 2px; }
.gs-mp .gs-mp-buttons { display: flex; gap: 5px; flex-wrap: wrap; margin: 8px 0 4px; }
.gs-mp .gs-mp-stable { font-size: 12.5px; color: var(--muted, #5b616b); font-variant-numeric: tabular-nums; }
.gs-mp .gs-mp-stable.gs-mp-warn { color: var(--error, #a8271d); font-weight: 600; }
.gs-mp .gs-mp-status { font-variant-numeric: tabular-nums; min-height: 2.9em; }
.gs-mp .gs-mp-status.gs-mp-bad { color: var(--error, #a8271d); }
.gs-mp canvas.gs-mp-chart { display: block; width: 100%; height: 150px; }
.gs-mp canvas.gs-mp-compass { display: block; width: 180px; height: 180px; flex: 0 0 auto; }
.gs-mp .gs-mp-noise { display: flex; gap: 12px; align-items: flex-start; flex-wrap: wrap; }
.gs-mp .gs-mp-noise > div { flex: 1 1 14rem; min-width: 0; }
.gs-mp table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 12.5px; width: 100%; }
.gs-mp th, .gs-mp td { text-align: right; padding: 1px 4px; border-bottom: 1px solid var(--rule, #e4e1da); white-space: nowrap; }
.gs-mp th:first-child, .gs-mp td:first-child { text-align: left; }
.gs-mp .gs-mp-key { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 4px; vertical-align: -1px; }
.gs-mp details { margin-top: 6px; }
.gs-mp summary { cursor: pointer; color: var(--muted, #5b616b); }
.gs-mp .gs-mp-scroll { max-height: 14rem; overflow: auto; }
.gs-mp .gs-sr { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }
.gs-mp .strip-wrap { margin-bottom: 10px; overflow-x: auto; }
.gs-mp .strip { position: relative; width: 100%; cursor: pointer; touch-action: manipulation; }
.gs-mp .strip canvas { display: block; }
.gs-mp .strip-tip { position: absolute; pointer-events: none; background: rgba(29, 33, 41, 0.92); color: #fff; font: 12px/1.2 var(--ui, system-ui, sans-serif);
  padding: 3px 6px; border-radius: 4px; white-space: nowrap; font-variant-numeric: tabular-nums; }
.gs-mp .strip-tip[hidden], .gs-mp .strip-tip:empty { display: none; }
.gs-mp .gs-mp-nudge { display: flex; gap: 14px; flex-wrap: wrap; align-items: flex-start; }
.gs-mp .nudge-controls { flex: 0 0 15rem; display: flex; flex-direction: column; gap: 3px; }
.gs-mp .nudge-controls .gs-mp-row { margin-bottom: 6px; }
.gs-mp .gs-mp-tablebox { overflow-x: auto; max-width: 100%; }
.gs-mp .nudge { flex: 1 1 16rem; min-width: 0; }
.gs-mp .nudge table td, .gs-mp .gs-mp-stepout table td { white-space: normal; }
.gs-mp .nudge-what { margin: 0 0 6px; }
.gs-mp .nudge table { max-width: 34rem; }
.gs-mp .biggest-label { margin: 6px 0 4px; font-weight: 600; font-size: 12.5px; }
.gs-mp .biggest-buttons { display: flex; flex-wrap: wrap; gap: 5px; }
.gs-mp .biggest-buttons button { font-variant-numeric: tabular-nums; padding: 2px 7px; min-height: 26px; }
.gs-mp tr.em td, .gs-mp tr.em th { font-weight: 600; }
.gs-mp .numbers th { text-align: left; font-weight: 400; white-space: normal; }
`;

/** @param {HTMLElement} host */
function injectStyles(host) {
  const root = /** @type {Document|ShadowRoot} */ (host.getRootNode());
  const where = root instanceof ShadowRoot ? root : document.head;
  if (where.querySelector("style[data-gs-model-panels]")) return;
  const style = document.createElement("style");
  style.setAttribute("data-gs-model-panels", "");
  style.textContent = CSS;
  where.appendChild(style);
}

// --- Train and watch ------------------------------------------------------------------------

/**
 * @typedef {{points: number[][], values: number[], gradients: number[][], off: number[],
 *   accuracy: number[], optimizer: string, settings: Record<string, number>,
 *   stopped: string, reason: string, steps: number}} TrainPath
 */

/**
 * "Train and watch": descend on the model (all weights) from the slice's centre or a chosen
 * point, recording each step's projection on the slice.
 * @param {HTMLElement} host
 * @param {{landscape: SliceLandscape, payload?: any,
 *   onPath?: (path: TrainPath) => void, pointNow?: () => number[]|null,
 *   onSliceHere?: (request: {weights: Float64Array, payload: any, step: number}) => void,
 *   steps?: number}} options
 *   onPath: called after each frame of steps (and on reset, with an empty path) with the path
 *   so far on the current slice; onSliceHere: asked to re-centre the slice at the current
 *   weights (request.payload is the page's payload with w0 replaced, when one was given); the
 *   host then calls setLandscape(new landscape) and training continues from there; pointNow:
 *   the point chosen on the slice, offered as the start ("Start at").
 */
export function createTrainPanel(host, options) {
  injectStyles(host);
  let land = options.landscape;
  let payload = options.payload ?? null;
  const id = uid("train");
  const panel = el("section", { class: "gs-mp gs-mp-train", "aria-labelledby": `${id}-h`, "data-testid": "train-panel" });
  panel.innerHTML = `
<h3 id="${id}-h">Train and watch</h3>
<p class="gs-mp-label">Descend on the whole network, every one of its <span data-part="n"></span> weights; the view shows where the weights are, projected onto this slice.</p>
<div class="gs-mp-grid">
  <label for="${id}-opt">Optimizer</label>
  <select id="${id}-opt" data-testid="train-optimizer"></select>
  <label for="${id}-lr">Learning rate</label>
  <div class="gs-mp-row">
    <input type="range" id="${id}-lrs" min="${Math.log10(LR_MIN)}" max="${Math.log10(LR_MAX)}" step="0.01" aria-label="Learning rate, log scale">
    <input type="text" id="${id}-lr" data-testid="train-lr" inputmode="decimal" autocomplete="off" spellcheck="false" aria-describedby="${id}-stable">
  </div>
  <span></span>
  <p class="gs-mp-stable" id="${id}-stable" data-testid="train-stable" aria-live="polite"></p>
  <label for="${id}-steps">Steps</label>
  <div class="gs-mp-row"><input type="number" id="${id}-steps" data-testid="train-steps" min="1" max="${EXPLORER_STEPS}" step="1"></div>
  <label for="${id}-from" data-part="from-label">Start at</label>
  <select id="${id}-from" data-testid="train-from"><option value="centre">the slice's centre</option><option value="point">the point chosen on the slice</option></select>
</div>
<div class="gs-mp-buttons">
  <button type="button" data-act="play" data-testid="train-play">Train</button>
  <button type="button" data-act="step" data-testid="train-step">Step</button>
  <button type="button" data-act="reset" data-testid="train-reset">Reset</button>
  <button type="button" data-act="here" data-testid="train-slice-here" title="Re-centre the slice at the current weights">Slice here</button>
  <button type="button" data-act="lambda" data-testid="train-lambda" title="Recompute the top Hessian eigenvalue at the current weights">λ<sub>max</sub> here</button>
</div>
<p class="gs-mp-status" data-testid="train-readout" aria-live="off"></p>
<p class="gs-sr" aria-live="polite" data-part="announce"></p>
<canvas class="gs-mp-chart" aria-hidden="true" data-testid="train-chart"></canvas>
<p class="gs-sr" data-part="chart-text"></p>
<details><summary>The curve as a table</summary><div class="gs-mp-scroll" data-part="table"></div></details>`;
  host.appendChild(panel);
  const q = (/** @type {string} */ s) => /** @type {any} */ (panel.querySelector(s));
  /** @type {HTMLSelectElement} */ const opt = q(`#${id}-opt`);
  /** @type {HTMLInputElement} */ const lrSlider = q(`#${id}-lrs`);
  /** @type {HTMLInputElement} */ const lrBox = q(`#${id}-lr`);
  /** @type {HTMLInputElement} */ const stepsBox = q(`#${id}-steps`);
  /** @type {HTMLElement} */ const stable = q(`#${id}-stable`);
  /** @type {HTMLElement} */ const readout = q('[data-testid="train-readout"]');
  /** @type {HTMLElement} */ const announce = q('[data-part="announce"]');
  /** @type {HTMLCanvasElement} */ const chart = q("canvas");
  /** @type {HTMLElement} */ const chartText = q('[data-part="chart-text"]');
  /** @type {HTMLElement} */ const table = q('[data-part="table"]');
  /** @type {HTMLButtonElement} */ const playBtn = q('[data-act="play"]');
  /** @type {HTMLSelectElement} */ const fromSel = q(`#${id}-from`);
  if (!options.pointNow) { fromSel.hidden = true; q('[data-part="from-label"]').hidden = true; }
  for (const o of OPTIMIZERS) opt.appendChild(el("option", { value: o.name }, o.short));
  q('[data-part="n"]').textContent = land.nWeights.toLocaleString("en-US");

  let lr = 0.1;
  let steps = Math.min(EXPLORER_STEPS, Math.max(1, Math.round(options.steps ?? 200)));
  stepsBox.value = String(steps);
  /** the start: the slice's centre unless setStart moved it */
  let start = [0, 0];
  /** @type {import("../core/optimizers.js").Run|null} */
  let run = null;
  /** @type {TrainPath} */
  let path = emptyPath();
  /** the loss and accuracy of every step since the last reset (across re-centring) */
  let curve = { loss: /** @type {number[]} */ ([]), accuracy: /** @type {number[]} */ ([]) };
  let lastAccuracy = NaN;
  let playing = false;
  let frame = 0;
  /** the step the run stops at (steps, plus steps again each time it trains on) */
  let limit = steps;
  /** @type {{value: number, at: number, step: number, converged: boolean, source: string}|null} */
  let lambda = null;
  /** @type {AbortController|null} */
  let lambdaJob = null;

  function emptyPath() {
    return { points: [], values: [], gradients: [], off: [], accuracy: [], optimizer: opt.value || "gd", settings: {}, stopped: "", reason: "", steps: 0 };
  }

  const setLr = (/** @type {number} */ v, /** @type {boolean} */ fromBox) => {
    lr = v;
    lrSlider.value = String(Math.log10(Math.min(LR_MAX, Math.max(LR_MIN, v))));
    if (!fromBox) lrBox.value = String(Number(v.toPrecision(3)));
    lrBox.removeAttribute("aria-invalid");
    showStable();
  };

  /** The gradient evaluation the run uses (whole weights); accuracy kept for the curve. @param {Float64Array} w */
  const evaluate = (w) => {
    const r = land.lossAndGradient(w);
    lastAccuracy = r.accuracy;
    return { value: r.value, gradient: r.gradient };
  };

  /** Record the run's current point on the slice. */
  function record() {
    if (!run) return;
    const c = land.coordinates(run.x);
    const [d1, d2] = directionsOf(land);
    path.points.push([c.a, c.b]);
    path.values.push(run.value);
    path.gradients.push(project(run.gradient, d1, d2));
    path.off.push(c.off);
    path.accuracy.push(lastAccuracy);
    curve.loss.push(run.value);
    curve.accuracy.push(lastAccuracy);
  }

  /** A new run from the start point with the controls' settings. */
  function begin() {
    stop();
    if (options.pointNow && fromSel.value === "point") {
      const p = options.pointNow();
      if (p && Number.isFinite(p[0]) && Number.isFinite(p[1])) start = [p[0], p[1]];
    } else if (options.pointNow) start = [0, 0];
    const w0 = land.weights(start[0], start[1]);
    run = startRun(evaluate, w0, opt.value, { lr }, steps);
    limit = steps;
    path = emptyPath();
    path.optimizer = opt.value;
    path.settings = run.settings;
    curve = { loss: [], accuracy: [] };
    record();
    sync();
  }

  const running = () => run !== null && run.stopped === "running";

  /** n steps now (for Step, and for tests); returns how many were taken. @param {number} n */
  function advance(n) {
    if (run && run.stopped === "max_steps" && run.extend(steps)) limit += steps;
    if (!run || !running()) begin();
    let k = 0;
    while (k < n && run && run.next()) { record(); k += 1; }
    return k;
  }

  function tick() {
    frame = 0;
    if (!playing) return;
    const t0 = performance.now();
    const per = Math.max(1, Math.ceil(steps / 150)); // a run takes about 150 frames, or longer if slow
    let k = 0;
    while (k < per && running() && performance.now() - t0 < 14) { advance(1); k += 1; }
    sync();
    if (running()) frame = requestAnimationFrame(tick);
    else { playing = false; sync(true); }
  }

  function play() {
    if (run && run.stopped === "max_steps" && run.extend(steps)) limit += steps; // train on
    if (!run || !running()) begin();
    if (!running()) { sync(true); return; }
    playing = true;
    sync();
    frame = requestAnimationFrame(tick);
  }

  function stop() {
    playing = false;
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
  }

  function showStable() {
    if (!lambda) {
      stable.textContent = "Stability limit: computing λmax, the Hessian's largest eigenvalue…";
      stable.classList.remove("gs-mp-warn");
      for (const k of ["lambda", "limit", "step", "source"]) delete stable.dataset[k];
      return;
    }
    const limit = lambda.value > 0 ? 2 / lambda.value : Infinity;
    const where = lambda.step > 0 ? `at step ${lambda.step}` : "at the start";
    const approx = lambda.converged ? "" : " (not fully converged)";
    let base = `λmax = ${fmt(lambda.value, 4)} ${where}${approx}: gradient descent is stable only for η < 2/λmax = ${fmt(limit, 3)}`;
    // heavy-ball momentum on a quadratic is stable for η λ < 2 (1 + β); the adaptive methods
    // rescale each weight's step, so no single learning rate bounds them
    const beta = settingsFor("momentum", {}).beta;
    let bound = opt.value === "gd" ? limit : NaN;
    if (opt.value === "momentum") {
      bound = (2 * (1 + beta)) / lambda.value;
      base += `; with momentum β = ${beta}, for η < 2(1 + β)/λmax = ${fmt(bound, 3)}`;
    } else if (opt.value !== "gd" && opt.value !== "nesterov") {
      base += ` (${optimizerInfo(opt.value)?.short ?? opt.value} rescales each weight's step, so the limit is only a guide)`;
    }
    const over = lambda.value > 0 && lr > bound;
    stable.textContent = over ? `${base}. η = ${fmt(lr, 3)} is above it: expect the loss to oscillate or blow up.` : `${base}.`;
    stable.classList.toggle("gs-mp-warn", over);
    Object.assign(stable.dataset, { lambda: String(lambda.value), limit: String(limit), step: String(lambda.step), source: lambda.source });
  }

  /** λmax at the run's current weights (or the start's), by power iteration on finite-difference H v. */
  async function computeLambda() {
    lambdaJob?.abort();
    const job = new AbortController();
    lambdaJob = job;
    const w = run ? Float64Array.from(run.x) : land.weights(start[0], start[1]);
    const step = run ? run.t : 0;
    lambda = null;
    showStable();
    try {
      const r = await topEigenvalue(hessianVector((x) => land.lossAndGradient(x), w), w.length, {
        tol: 1e-7, maxIterations: 300, signal: job.signal,
        onProgress: (k) => { if (k % 10 === 0) stable.textContent = `Stability limit: computing λmax (${k} Hessian-vector products)…`; },
      });
      if (job.signal.aborted) return;
      lambda = { value: r.value, at: 0, step, converged: r.converged, source: "page" };
      showStable();
    } catch (err) {
      if (/** @type {Error} */ (err).name !== "AbortError") stable.textContent = `λmax could not be computed: ${/** @type {Error} */ (err).message}`;
    }
  }

  /** Redraw the readout and chart; announce the end of a run when `final`. @param {boolean} [final] */
  function sync(final = false) {
    const onward = run !== null && run.stopped === "max_steps";
    playBtn.textContent = playing ? "Pause" : run && run.t > 0 && running() ? "Resume" : onward ? "Train on" : "Train";
    playBtn.setAttribute("aria-label", playing ? "Pause training" : onward ? `Train ${steps} more steps` : "Train the network");
    path.stopped = run ? (run.stopped === "running" ? "" : run.stopped) : "";
    path.reason = run ? run.reason : "";
    path.steps = run ? run.t : 0;
    const n = path.points.length;
    if (run && n) {
      const [a, b] = path.points[n - 1];
      const loss = run.value;
      const acc = path.accuracy[n - 1];
      readout.innerHTML = `Step ${run.t} of ${limit}: loss <strong>${fmt(loss, 6)}</strong>, accuracy <strong>${fmt(100 * acc, 4)}%</strong>, at (a, b) = (${fmt(a, 4)}, ${fmt(b, 4)}), ${fmt(path.off[n - 1], 3)} off the plane (distance in weight space).`
        + (path.reason ? ` <span>${escapeHtml(humanReason(path.reason))}</span>` : "");
      readout.classList.toggle("gs-mp-bad", run.stopped === "diverged" || run.stopped === "invalid");
      Object.assign(readout.dataset, {
        step: String(run.t), loss: String(loss), accuracy: String(acc), point: `${a},${b}`,
        off: String(path.off[n - 1]), stopped: path.stopped, optimizer: path.optimizer, lr: String(path.settings.lr ?? lr),
      });
    } else {
      readout.textContent = `Press Train to run ${optimizerInfo(opt.value)?.short ?? opt.value} for ${steps} steps from ${start[0] === 0 && start[1] === 0 ? "the slice's centre" : `(a, b) = (${fmt(start[0], 4)}, ${fmt(start[1], 4)})`}.`;
      readout.classList.remove("gs-mp-bad");
      for (const k of Object.keys(readout.dataset)) if (k !== "testid") delete readout.dataset[k];
    }
    if (final && run) announce.textContent = `Training stopped after ${run.t} steps: loss ${fmt(run.value, 4)}, accuracy ${fmt(100 * (path.accuracy[n - 1] ?? NaN), 3)}%. ${humanReason(run.reason)}`;
    drawChart();
    options.onPath?.(path);
  }

  function drawChart() {
    const rect = chart.getBoundingClientRect();
    const W = Math.max(120, Math.round(rect.width || 300));
    const H = Math.max(80, Math.round(rect.height || 150));
    const dpr = Math.min(3, window.devicePixelRatio || 1);
    chart.width = Math.round(W * dpr);
    chart.height = Math.round(H * dpr);
    const ctx = /** @type {CanvasRenderingContext2D} */ (chart.getContext("2d"));
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    const L = 44, R = 40, T = 10, B = 22;
    const pw = W - L - R, ph = H - T - B;
    const losses = curve.loss.filter(Number.isFinite);
    ctx.font = "11px system-ui, sans-serif";
    ctx.strokeStyle = "#e4e1da";
    ctx.strokeRect(L + 0.5, T + 0.5, pw, ph);
    ctx.fillStyle = "#5b616b";
    if (!losses.length) {
      ctx.fillText("loss and accuracy appear here as the network trains", L + 8, T + ph / 2);
      chartText.textContent = "The loss and accuracy curve is empty: no training yet.";
      table.innerHTML = "";
      return;
    }
    const lo = Math.min(...losses), hi = Math.max(...losses);
    const span = hi - lo || Math.abs(hi) || 1;
    const x = (/** @type {number} */ i) => L + (curve.loss.length > 1 ? (i / (curve.loss.length - 1)) * pw : 0);
    const yl = (/** @type {number} */ v) => T + ph - ((v - lo) / span) * ph;
    const ya = (/** @type {number} */ v) => T + ph - v * ph;
    ctx.textAlign = "right";
    ctx.fillStyle = "#c0392b";
    ctx.fillText(fmt(hi, 3), L - 4, T + 9);
    ctx.fillText(fmt(lo, 3), L - 4, T + ph);
    ctx.textAlign = "left";
    ctx.fillStyle = "#0072B2";
    ctx.fillText("100%", L + pw + 4, T + 9);
    ctx.fillText("0%", L + pw + 4, T + ph);
    ctx.fillStyle = "#5b616b";
    ctx.fillText(`step ${curve.loss.length - 1}`, L + pw - 50, T + ph + 15);
    ctx.fillStyle = "#c0392b";
    ctx.fillText("loss", L, T + ph + 15);
    ctx.fillStyle = "#0072B2";
    ctx.fillText("accuracy", L + 34, T + ph + 15);
    /** @param {number[]} ys @param {(v: number) => number} f @param {string} color @param {number[]} dash */
    const line = (ys, f, color, dash) => {
      ctx.beginPath();
      ctx.setLineDash(dash);
      let pen = false;
      ys.forEach((v, i) => {
        if (!Number.isFinite(v)) { pen = false; return; }
        const px = x(i), py = Math.max(T, Math.min(T + ph, f(v)));
        if (pen) ctx.lineTo(px, py); else ctx.moveTo(px, py);
        pen = true;
      });
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.8;
      ctx.stroke();
      ctx.setLineDash([]);
    };
    line(curve.accuracy, ya, "#0072B2", [5, 3]);
    line(curve.loss, yl, "#c0392b", []);
    const last = curve.loss.length - 1;
    chartText.textContent = `Loss from ${fmt(curve.loss[0], 4)} to ${fmt(curve.loss[last], 4)} and accuracy from ${fmt(100 * curve.accuracy[0], 3)}% to ${fmt(100 * curve.accuracy[last], 3)}% over ${last} steps.`;
    if (!playing) {
      const every = Math.max(1, Math.ceil(last / 40));
      const rows = [];
      for (let i = 0; i <= last; i += every) rows.push(i);
      if (rows[rows.length - 1] !== last) rows.push(last);
      table.innerHTML = `<table><thead><tr><th scope="col">Step</th><th scope="col">Loss</th><th scope="col">Accuracy</th></tr></thead><tbody>`
        + rows.map((i) => `<tr><td>${i}</td><td>${fmt(curve.loss[i], 6)}</td><td>${fmt(100 * curve.accuracy[i], 4)}%</td></tr>`).join("")
        + `</tbody></table>`;
    }
  }

  const listening = new AbortController();
  const { signal } = listening;
  opt.addEventListener("change", () => {
    const info = optimizerInfo(opt.value);
    if (info) setLr(info.defaults.lr, false);
    run = null; stop(); path = emptyPath(); curve = { loss: [], accuracy: [] }; sync();
  }, { signal });
  lrSlider.addEventListener("input", () => { setLr(Number((10 ** Number(lrSlider.value)).toPrecision(3)), false); run = null; stop(); sync(); }, { signal });
  lrBox.addEventListener("input", () => {
    const v = Number(lrBox.value.trim().replace("−", "-"));
    if (Number.isFinite(v) && v > 0) { setLr(v, true); run = null; stop(); sync(); } else lrBox.setAttribute("aria-invalid", "true");
  }, { signal });
  lrBox.addEventListener("blur", () => { lrBox.value = String(lr); lrBox.removeAttribute("aria-invalid"); }, { signal });
  stepsBox.addEventListener("change", () => {
    const v = Math.round(Number(stepsBox.value));
    if (Number.isFinite(v) && v >= 1 && v <= EXPLORER_STEPS) { steps = v; stepsBox.removeAttribute("aria-invalid"); run = null; stop(); sync(); } else {
      stepsBox.setAttribute("aria-invalid", "true");
      readout.textContent = `Steps must be a whole number from 1 to ${EXPLORER_STEPS}; kept ${steps}.`;
      stepsBox.value = String(steps);
    }
  }, { signal });
  panel.addEventListener("click", (e) => {
    const b = /** @type {HTMLElement} */ (e.target).closest("button[data-act]");
    if (!b) return;
    const act = /** @type {HTMLElement} */ (b).dataset.act;
    if (act === "play") { if (playing) { stop(); sync(); } else play(); }
    else if (act === "step") { stop(); advance(1); sync(!running()); }
    else if (act === "reset") { stop(); run = null; path = emptyPath(); curve = { loss: [], accuracy: [] }; sync(); }
    else if (act === "here") sliceHere();
    else if (act === "lambda") void computeLambda();
  }, { signal });

  function sliceHere() {
    stop();
    const w = run ? Float64Array.from(run.x) : land.weights(start[0], start[1]);
    const recentred = payload && typeof payload.w0 === "string" ? recentredPayload(payload, w) : null;
    options.onSliceHere?.({ weights: w, payload: recentred, step: run ? run.t : 0 });
    sync();
  }

  const resize = new ResizeObserver(() => drawChart());
  resize.observe(chart);
  opt.value = "gd";
  setLr(settingsFor("gd", {}).lr, false);
  if (land.kind === "hessian" && land.eigenvalues && land.eigenvalues.length && !payload?.recentred) {
    // a Hessian slice ships lambda_max at its centre
    lambda = { value: land.eigenvalues[0], at: 0, step: 0, converged: true, source: "payload" };
    showStable();
  } else void computeLambda();
  sync();

  return {
    element: panel,
    /** Run n steps at once (no animation). @param {number} n */
    run: (n) => { stop(); const k = advance(n); sync(!running()); return k; },
    play, pause: () => { stop(); sync(); },
    reset: () => { stop(); run = null; path = emptyPath(); curve = { loss: [], accuracy: [] }; sync(); },
    path: () => path,
    /** the current weights (all of them), or null before a run */
    weights: () => (run ? Float64Array.from(run.x) : null),
    /** Start the next run at (a, b) on the slice. @param {number} a @param {number} b */
    setStart: (a, b) => { start = [a, b]; if (!running() || !run || run.t === 0) { run = null; path = emptyPath(); } sync(); },
    /** @param {string} name @param {number} [rate] */
    setOptimizer: (name, rate) => {
      if (!optimizerInfo(name)) throw new Error(`Unknown optimizer '${name}'. Use one of: ${OPTIMIZERS.map((o) => o.name).join(", ")}.`);
      opt.value = name;
      setLr(rate ?? settingsFor(name, {}).lr, false);
      run = null; stop(); path = emptyPath(); sync();
    },
    /** @param {number} n */
    setSteps: (n) => { steps = Math.min(EXPLORER_STEPS, Math.max(1, Math.round(n))); stepsBox.value = String(steps); run = null; sync(); },
    /**
     * The slice was re-centred (after onSliceHere): the run goes on from its weights, its path
     * starts afresh on the new slice (the old path's distances belong to the old plane).
     * @param {SliceLandscape} next @param {any} [nextPayload]
     */
    setLandscape: (next, nextPayload) => {
      stop();
      land = next;
      payload = nextPayload ?? null;
          path.points = []; path.values = []; path.gradients = []; path.off = []; path.accuracy = [];
      if (run) {
        const c = land.coordinates(run.x);
        const [d1, d2] = directionsOf(land);
        path.points.push([c.a, c.b]); path.values.push(run.value); path.gradients.push(project(run.gradient, d1, d2));
        path.off.push(c.off); path.accuracy.push(curve.accuracy[curve.accuracy.length - 1]);
      }
      start = [0, 0];
      sync();
    },
    lambda: () => lambda,
    computeLambda,
    destroy: () => { stop(); lambdaJob?.abort(); listening.abort(); resize.disconnect(); panel.remove(); },
  };
}

/** A run's reason in plain words for the readout. @param {string} reason */
function humanReason(reason) {
  if (!reason) return "";
  const text = reason.replace(/^max_steps: /, "");
  return text.charAt(0).toUpperCase() + text.slice(1) + ".";
}

// --- The noise of SGD -----------------------------------------------------------------------

export const BATCH_COLORS = ["#0072B2", "#CC79A7", "#009E73", "#E69F00", "#56B4E9", "#3d3d3d", "#D55E00", "#7a5195"];

/**
 * @typedef {{at: number[], full: number[], value: number, batchSize: number, seed: number,
 *   batches: Array<{indices: number[], gradient: number[], value: number, angle: number}>,
 *   spread: number, relative: number, meanAngle: number}} NoiseDraw
 */

/**
 * "The noise of SGD": at the point set with setPoint(a, b), the full-batch gradient on the
 * plane beside the projected gradients of `count` seeded random minibatches.
 * @param {HTMLElement} host
 * @param {{landscape: SliceLandscape, payload?: any, onArrows?: (draw: NoiseDraw|null) => void,
 *   batchSize?: number, count?: number, seed?: number}} options
 *   onArrows: the arrows for the view to overlay at `at` (gradients; the descent steps are their
 *   negatives), called after every change.
 */
export function createNoisePanel(host, options) {
  injectStyles(host);
  let land = options.landscape;
  const id = uid("noise");
  const n = samplesOf(land, options.payload);
  if (!n) throw new Error("The slice does not say how many examples its loss averages over; give the payload or landscape.nSamples.");
  let batchSize = Math.min(n, Math.max(1, Math.round(options.batchSize ?? Math.min(32, n))));
  let count = Math.max(1, Math.min(BATCH_COLORS.length, Math.round(options.count ?? 8)));
  let seed = Math.round(options.seed ?? 1);
  /** @type {number[]|null} */
  let point = null;
  /** @type {NoiseDraw|null} */
  let current = null;
  let pending = 0;

  const panel = el("section", { class: "gs-mp gs-mp-noise-panel", "aria-labelledby": `${id}-h`, "data-testid": "noise-panel" });
  panel.innerHTML = `
<h3 id="${id}-h">The noise of SGD</h3>
<p class="gs-mp-label">Stochastic gradient descent steps along the gradient of a small random batch of the ${n.toLocaleString("en-US")} examples, not of all of them. Here are several such gradients at one point, seen on the plane, beside the full one.</p>
<div class="gs-mp-grid">
  <label for="${id}-bs">Batch size</label>
  <div class="gs-mp-row"><input type="range" id="${id}-bs" data-testid="noise-batch" min="1" max="${n}" step="1"><output for="${id}-bs" data-part="bs"></output></div>
  <label for="${id}-count">Minibatches</label>
  <select id="${id}-count" data-testid="noise-count">${[2, 4, 8].map((k) => `<option value="${k}">${k}</option>`).join("")}</select>
  <label for="${id}-seed">Seed</label>
  <div class="gs-mp-row"><input type="number" id="${id}-seed" data-testid="noise-seed" step="1"><button type="button" data-act="again" data-testid="noise-again">Draw again</button></div>
</div>
<div class="gs-mp-noise">
  <canvas class="gs-mp-compass" aria-hidden="true" data-testid="noise-compass"></canvas>
  <div><p data-testid="noise-readout" aria-live="off"></p><p class="gs-sr" aria-live="polite" data-part="announce"></p><div class="gs-mp-tablebox" data-part="table"></div></div>
</div>`;
  host.appendChild(panel);
  const q = (/** @type {string} */ s) => /** @type {any} */ (panel.querySelector(s));
  /** @type {HTMLInputElement} */ const bsInput = q(`#${id}-bs`);
  /** @type {HTMLOutputElement} */ const bsOut = q('[data-part="bs"]');
  /** @type {HTMLSelectElement} */ const countSel = q(`#${id}-count`);
  /** @type {HTMLInputElement} */ const seedInput = q(`#${id}-seed`);
  /** @type {HTMLElement} */ const readout = q('[data-testid="noise-readout"]');
  /** @type {HTMLElement} */ const tableBox = q('[data-part="table"]');
  /** @type {HTMLCanvasElement} */ const compass = q("canvas");
  /** @type {HTMLElement} */ const announce = q('[data-part="announce"]');
  /** After a change of the controls (not of the hovered point): say the new spread. */
  const say = () => {
    if (current) announce.textContent = `Batches of ${batchSize}: spread ${fmt(current.spread, 3)}, on average ${fmt(current.meanAngle, 3)}° off the full gradient.`;
  };
  bsInput.value = String(batchSize);
  if (![2, 4, 8].includes(count)) countSel.appendChild(el("option", { value: String(count) }, String(count)));
  countSel.value = String(count);
  seedInput.value = String(seed);

  function compute() {
    pending = 0;
    bsOut.value = `${batchSize} of ${n}`;
    if (!point) {
      current = null;
      readout.textContent = "Hover over the slice (or pick a point) to see the minibatch gradients there.";
      tableBox.innerHTML = "";
      for (const k of Object.keys(readout.dataset)) if (k !== "testid") delete readout.dataset[k];
      drawCompass();
      options.onArrows?.(null);
      return;
    }
    const [a, b] = point;
    const w = land.weights(a, b);
    const [d1, d2] = directionsOf(land);
    const full = land.lossAndGradient(w);
    const fullG = project(full.gradient, d1, d2);
    const draws = minibatches(n, batchSize, count, seed);
    const batches = draws.map((indices) => {
      const r = land.minibatchGradient(w, indices);
      const g = project(r.gradient, d1, d2);
      return { indices: Array.from(indices), gradient: g, value: r.value, angle: angleDegrees(g, fullG) };
    });
    const s = noiseSummary(fullG, batches.map((x) => x.gradient));
    current = { at: [a, b], full: fullG, value: full.value, batchSize, seed, batches, spread: s.spread, relative: s.relative, meanAngle: s.meanAngle };
    const norm = Math.hypot(fullG[0], fullG[1]);
    readout.innerHTML = `At (a, b) = (${fmt(a, 4)}, ${fmt(b, 4)}) the full gradient on the plane is (${fmt(fullG[0], 4)}, ${fmt(fullG[1], 4)}), length ${fmt(norm, 4)}. `
      + `${count} minibatches of ${batchSize}: spread ${fmt(s.spread, 3)} (root-mean-square distance from it, ${Number.isFinite(s.relative) ? `${fmt(100 * s.relative, 3)}% of its length` : "the full gradient is zero"}), `
      + `on average ${fmt(s.meanAngle, 3)}° off its direction.`
      + (batchSize === n ? " A batch of every example is the full gradient: no noise." : " Larger batches scatter less (roughly as one over the square root of the size).");
    Object.assign(readout.dataset, {
      point: `${a},${b}`, full: `${fullG[0]},${fullG[1]}`, spread: String(s.spread), meanAngle: String(s.meanAngle),
      batchSize: String(batchSize), seed: String(seed), count: String(count),
    });
    tableBox.innerHTML = `<table data-testid="noise-table"><caption class="gs-sr">Minibatch gradients on the plane</caption><thead><tr><th scope="col">Batch</th><th scope="col">∂L/∂a</th><th scope="col">∂L/∂b</th><th scope="col">Length</th><th scope="col">Angle</th></tr></thead><tbody>`
      + `<tr><th scope="row">full (${n})</th><td>${fmt(fullG[0], 4)}</td><td>${fmt(fullG[1], 4)}</td><td>${fmt(norm, 4)}</td><td>0°</td></tr>`
      + batches.map((x, k) => `<tr><th scope="row"><span class="gs-mp-key" style="background:${BATCH_COLORS[k % BATCH_COLORS.length]}"></span>${k + 1}</th><td>${fmt(x.gradient[0], 4)}</td><td>${fmt(x.gradient[1], 4)}</td><td>${fmt(Math.hypot(x.gradient[0], x.gradient[1]), 4)}</td><td>${fmt(x.angle, 3)}°</td></tr>`).join("")
      + `</tbody></table>`;
    drawCompass();
    options.onArrows?.(current);
  }

  function drawCompass() {
    const S = 180;
    const dpr = Math.min(3, window.devicePixelRatio || 1);
    compass.width = S * dpr;
    compass.height = S * dpr;
    const ctx = /** @type {CanvasRenderingContext2D} */ (compass.getContext("2d"));
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, S, S);
    const c = S / 2, r = S / 2 - 14;
    ctx.strokeStyle = "#e4e1da";
    ctx.beginPath(); ctx.arc(c, c, r, 0, 2 * Math.PI); ctx.stroke();
    ctx.beginPath(); ctx.moveTo(c - r, c); ctx.lineTo(c + r, c); ctx.moveTo(c, c - r); ctx.lineTo(c, c + r); ctx.stroke();
    ctx.fillStyle = "#5b616b";
    ctx.font = "11px system-ui, sans-serif";
    ctx.fillText("a", S - 10, c - 4);
    ctx.fillText("b", c + 4, 10);
    if (!current) return;
    const longest = Math.max(Math.hypot(...current.full), ...current.batches.map((x) => Math.hypot(...x.gradient))) || 1;
    // descent steps, -g, from the centre; b points up as on the plot
    const draw = (/** @type {number[]} */ g, /** @type {string} */ color, /** @type {number} */ width) => {
      const x = c - (g[0] / longest) * r, y = c + (g[1] / longest) * r;
      ctx.strokeStyle = color; ctx.fillStyle = color; ctx.lineWidth = width;
      ctx.beginPath(); ctx.moveTo(c, c); ctx.lineTo(x, y); ctx.stroke();
      const ang = Math.atan2(y - c, x - c), h = 4 + 2 * width;
      ctx.beginPath(); ctx.moveTo(x, y);
      ctx.lineTo(x - h * Math.cos(ang - 0.4), y - h * Math.sin(ang - 0.4));
      ctx.lineTo(x - h * Math.cos(ang + 0.4), y - h * Math.sin(ang + 0.4));
      ctx.closePath(); ctx.fill();
    };
    current.batches.forEach((x, k) => draw(x.gradient, BATCH_COLORS[k % BATCH_COLORS.length], 1.5));
    draw(current.full, "#1b3a6b", 3);
    ctx.fillStyle = "#5b616b";
    ctx.fillText("−∇L: full (thick), batches", 4, S - 3);
  }

  const schedule = () => { if (!pending) pending = requestAnimationFrame(() => { compute(); say(); }); };
  const listening = new AbortController();
  const { signal } = listening;
  bsInput.addEventListener("input", () => { batchSize = Math.round(Number(bsInput.value)); bsOut.value = `${batchSize} of ${n}`; schedule(); }, { signal });
  countSel.addEventListener("change", () => { count = Number(countSel.value); schedule(); }, { signal });
  seedInput.addEventListener("change", () => {
    const v = Number(seedInput.value);
    if (Number.isInteger(v)) { seed = v; seedInput.removeAttribute("aria-invalid"); schedule(); } else { seedInput.setAttribute("aria-invalid", "true"); seedInput.value = String(seed); }
  }, { signal });
  q('[data-act="again"]').addEventListener("click", () => { seed += 1; seedInput.value = String(seed); compute(); say(); }, { signal });
  compute();

  return {
    element: panel,
    /** Show the minibatch gradients at (a, b) (null: none). Computed at the next frame unless `now`. @param {number|null} a @param {number} [b] @param {boolean} [now] */
    setPoint: (a, b = 0, now = false) => {
      point = a === null ? null : [a, b];
      if (pending) cancelAnimationFrame(pending);
      pending = 0;
      if (now) compute(); else pending = requestAnimationFrame(compute);
    },
    /** @param {number} size */
    setBatchSize: (size) => {
      const v = Math.round(size);
      if (!(v >= 1 && v <= n)) throw new Error(`The batch size must be from 1 to ${n}; got ${size}`);
      batchSize = v; bsInput.value = String(v); compute();
    },
    /** @param {number} s */
    setSeed: (s) => { seed = Math.round(s); seedInput.value = String(seed); compute(); },
    /** @param {SliceLandscape} next @param {any} [nextPayload] */
    setLandscape: (next) => { land = next; compute(); },
    draw: () => current,
    destroy: () => { if (pending) cancelAnimationFrame(pending); listening.abort(); panel.remove(); },
  };
}

// --- The whole gradient as a picture ----------------------------------------------------------

/**
 * "The whole gradient as a picture" at the point set with setPoint(a, b): every partial
 * derivative of the model's loss as a cell of core/strip.js (the lesson's figure 5), the
 * largest by name, the nudge check and one step that moves every weight.
 * @param {HTMLElement} host
 * @param {{landscape: SliceLandscape, stepLrs?: number[], at?: number[]}} options
 */
export function createStrip(host, options) {
  injectStyles(host);
  let land = options.landscape;
  const id = uid("strip");
  const N = land.nWeights;
  const panel = el("section", { class: "gs-mp gs-mp-strip", "aria-labelledby": `${id}-h`, "data-testid": "strip-panel" });
  panel.innerHTML = `
<h3 id="${id}-h">The whole gradient</h3>
<p class="gs-mp-label" data-part="where"></p>
<div class="strip-wrap"><div class="strip" data-testid="model-strip" tabindex="0" role="application" aria-roledescription="gradient strip"
 aria-label="The ${N.toLocaleString("en-US")} entries of the gradient. Arrow keys choose a weight."></div></div>
<div class="gs-mp-nudge">
  <div class="nudge-controls">
    <label for="${id}-index">Weight number <i>i</i></label>
    <div class="gs-mp-row"><input type="number" id="${id}-index" data-testid="model-index" min="0" max="${N - 1}" step="1" value="0" inputmode="numeric"><output for="${id}-index" data-part="name"></output></div>
    <label for="${id}-eps">Nudge size ε, as a power of 10</label>
    <div class="gs-mp-row"><input type="range" id="${id}-eps" data-testid="model-eps" min="-9" max="0" step="0.25" value="-4"><output for="${id}-eps" data-part="eps"></output></div>
    <p class="biggest-label" id="${id}-big">Largest entries</p>
    <div class="biggest-buttons" role="group" aria-labelledby="${id}-big"></div>
  </div>
  <div class="nudge" data-testid="nudge" aria-live="polite"></div>
</div>
<div class="gs-mp-buttons"><button type="button" data-testid="model-step">Step all ${N.toLocaleString("en-US")} weights at once</button></div>
<div class="gs-mp-stepout" data-testid="model-step-readout" aria-live="polite"></div>`;
  host.appendChild(panel);
  const q = (/** @type {string} */ s) => /** @type {any} */ (panel.querySelector(s));
  const where = q('[data-part="where"]');
  let at = options.at ?? [0, 0];
  const net = { loss: (/** @type {Float64Array} */ w) => lossOf(land, w), size: N, layout: land.layout };
  const state = () => {
    const w = land.weights(at[0], at[1]);
    const r = land.lossAndGradient(w);
    where.textContent = `All ${N.toLocaleString("en-US")} partial derivatives ∂L/∂wᵢ at (a, b) = (${fmt(at[0], 4)}, ${fmt(at[1], 4)}), layer by layer: red raises the loss, blue lowers it, darker is larger. Loss ${fmt(r.value, 6)}, |∇L| = ${fmt(Math.sqrt(r.gradient.reduce((s, v) => s + v * v, 0)), 4)}.`;
    panel.dataset.point = `${at[0]},${at[1]}`;
    return { w, g: r.gradient };
  };
  const first = state();
  const figure = mountGradientFigure(
    {
      strip: q('[data-testid="model-strip"]'), index: q(`#${id}-index`), indexName: q('[data-part="name"]'),
      eps: q(`#${id}-eps`), epsOut: q('[data-part="eps"]'), table: q('[data-testid="nudge"]'),
      biggest: q(".biggest-buttons"), stepButton: q('[data-testid="model-step"]'), stepOut: q('[data-testid="model-step-readout"]'),
    },
    net, first.w, first.g, { stepLrs: options.stepLrs ?? [0.5, 0.1, 0.01] },
  );
  return {
    element: panel,
    /** Show the gradient at (a, b). @param {number} a @param {number} b */
    setPoint: (a, b) => { at = [a, b]; const s = state(); figure.update(s.w, s.g); },
    /** @param {SliceLandscape} next */
    setLandscape: (next) => { land = next; at = [0, 0]; const s = state(); figure.update(s.w, s.g); },
    selected: figure.selected,
    select: figure.select,
    largest: figure.largest,
    destroy: () => panel.remove(),
  };
}

// --- all three, wired to the explorer -------------------------------------------------------

const PATH_COLOR = "#009E73";

/**
 * The three panels in one column, wired to the explorer's slice view (explorer.js calls this;
 * see /work/coord/NOTES.md, sliceview's section):
 * @param {HTMLElement} host
 * @param {{slice: SliceLandscape, meta?: any, payload?: any, point?: () => number[]|null,
 *   setPoint?: (p: number[]) => void, onPoint?: (cb: (p: number[]|null) => void) => (void|(() => void)),
 *   drawPaths?: (paths: Array<{points: number[][], color: string, shown: number, label?: string}>) => void,
 *   drawArrows?: (draw: NoiseDraw|null) => void,
 *   recentre?: (payload: any) => (SliceLandscape|null|void|Promise<SliceLandscape|null|void>),
 *   announce?: (text: string) => void}} ctx
 *   slice: core/slice.js's landscape; meta.browser (or payload): its payload, for "slice here";
 *   onPoint: called with the hovered or chosen (a, b); drawPaths: the training path for the
 *   plot's runs layer; drawArrows: the minibatch gradients at the point; recentre: show a new
 *   payload, returning (or resolving to) its landscape, which the panels then use.
 */
export function createModelPanels(host, ctx) {
  const payload = ctx.payload ?? ctx.meta?.browser ?? null;
  const column = el("div", { class: "gs-mp-stack", "data-testid": "model-panels" });
  host.appendChild(column);
  const train = createTrainPanel(column, {
    landscape: ctx.slice,
    payload,
    pointNow: ctx.point ? () => /** @type {() => number[]|null} */ (ctx.point)() : undefined,
    onPath: (p) => ctx.drawPaths?.(p.points.length ? [{ points: p.points, color: PATH_COLOR, shown: p.points.length, label: `${optimizerInfo(p.optimizer)?.short ?? p.optimizer}, all weights` }] : []),
    onSliceHere: async (req) => {
      if (!req.payload || !ctx.recentre) {
        ctx.announce?.("This slice cannot be re-centred in the page; open a new slice at these weights from Python.");
        return;
      }
      const next = await ctx.recentre(req.payload);
      if (next) setLandscape(next, req.payload);
      ctx.announce?.(`The slice now goes through the weights after step ${req.step}.`);
    },
  });
  const noise = createNoisePanel(column, { landscape: ctx.slice, payload, onArrows: (d) => ctx.drawArrows?.(d) });
  const strip = createStrip(column, { landscape: ctx.slice });
  // The panels follow the point once the pointer rests (REST ms) or at least every MAX_WAIT ms
  // while it moves: each update is a few full passes of the network (about 20 ms for the
  // lesson's), which must not delay the explorer's own hover readout.
  const REST = 60;
  const MAX_WAIT = 300;
  let timer = 0;
  let since = 0;
  /** @type {number[]|null} */
  let latest = null;
  const apply = () => {
    timer = 0;
    since = 0;
    if (!latest) { noise.setPoint(null, 0, true); return; }
    noise.setPoint(latest[0], latest[1], true);
    strip.setPoint(latest[0], latest[1]);
  };
  const follow = (/** @type {number[]|null} */ p) => {
    latest = p;
    const now = performance.now();
    if (!since) since = now;
    clearTimeout(timer);
    timer = now - since >= MAX_WAIT ? (apply(), 0) : setTimeout(apply, REST);
  };
  const unsubscribe = ctx.onPoint?.(follow);
  const first = ctx.point?.();
  if (first) follow(first);
  /** @param {SliceLandscape} next @param {any} [nextPayload] */
  function setLandscape(next, nextPayload) {
    train.setLandscape(next, nextPayload);
    noise.setLandscape(next);
    strip.setLandscape(next);
  }
  return {
    element: column, train, noise, strip, setLandscape,
    destroy: () => {
      clearTimeout(timer);
      if (typeof unsubscribe === "function") unsubscribe();
      train.destroy(); noise.destroy(); strip.destroy(); column.remove();
    },
  };
}
