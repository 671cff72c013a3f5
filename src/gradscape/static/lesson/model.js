// Figure 5: the digit network's 1,210-entry gradient as a strip of cells, and the "nudge one
// weight" check: change w_i by eps and compare the loss's actual change, recomputed here from
// scratch, with the gradient's prediction eps * dL/dw_i.
//
// The network is gradscape.models.model.Model, forward pass only here (the strip shows Python's
// backpropagated gradient): 64 pixels -> 16 tanh units -> 10 scores -> softmax cross-entropy,
// averaged over the images shipped in the page. The arithmetic is core/network.js, the same
// network the slice view computes; the loss agrees with NumPy's to about 1e-15 relative.

import { fmt } from "../core/format.js";
import { createNetwork as createMLP, decodePixels, weightName } from "../core/network.js";

const TOP = 6; // how many of the largest entries to outline and list
const STEP_LRS = [0.5, 0.1, 0.01]; // the training rate first, then smaller steps

/**
 * The network as a function of its weights.
 * @param {any} data the page's lesson-model JSON (gradscape.models.model.Model.to_browser_json)
 */
export function createNetwork(data) {
  const net = createMLP({
    sizes: [64, data.hidden, 10],
    x: decodePixels(data.pixels),
    labels: Int32Array.from(data.labels, (c) => Number(c)),
  });

  /** "W1[3,7]" for index i. @param {number} i */
  const name = (i) => weightName(data.layout, i);

  /** A plain-words description of weight i. @param {number} i */
  function describe(i) {
    const nm = name(i);
    const m = /^(\w+)\[(\d+)(?:,(\d+))?\]$/.exec(nm);
    if (!m) return nm;
    const [, layer, a, b] = m;
    if (layer === "W1") return `the weight from pixel ${a} (row ${Math.floor(Number(a) / 8)}, column ${Number(a) % 8}) to hidden unit ${b}`;
    if (layer === "b1") return `the bias of hidden unit ${a}`;
    if (layer === "W2") return `the weight from hidden unit ${a} to the score for digit ${b}`;
    return `the bias of the score for digit ${a}`;
  }

  /** The average cross-entropy at weights w (a flat array in the layout's order). @param {ArrayLike<number>} w */
  const loss = (w) => net.loss(w);

  return { loss, name, describe, n: data.n_samples, size: data.n_weights };
}

/**
 * @param {HTMLElement} fig @param {any} data
 */
export function mountModel(fig, data) {
  const net = createNetwork(data);
  const w = Float64Array.from(data.weights);
  const g = Float64Array.from(data.gradient);
  const N = net.size;
  const base = net.loss(w);
  const strip = /** @type {HTMLElement} */ (fig.querySelector('[data-testid="model-strip"]'));
  const index = /** @type {HTMLInputElement} */ (fig.querySelector("#model-index"));
  const indexName = /** @type {HTMLOutputElement} */ (fig.querySelector("#model-index-name"));
  const eps = /** @type {HTMLInputElement} */ (fig.querySelector("#model-eps"));
  const epsOut = /** @type {HTMLOutputElement} */ (fig.querySelector("#model-eps-value"));
  const table = /** @type {HTMLElement} */ (fig.querySelector('[data-testid="nudge"]'));
  const biggest = /** @type {HTMLElement} */ (fig.querySelector(".biggest-buttons"));
  const section = fig.closest("section") || document;
  const stepButton = /** @type {HTMLButtonElement|null} */ (section.querySelector('[data-testid="model-step"]'));
  const stepOut = /** @type {HTMLElement|null} */ (section.querySelector('[data-testid="model-step-readout"]'));

  // the largest entries by size
  const order = Array.from({ length: N }, (_, i) => i).sort((a, b) => Math.abs(g[b]) - Math.abs(g[a]));
  const top = new Set(order.slice(0, TOP));
  const gmax = Math.abs(g[order[0]]) || 1;
  let selected = order[0];
  let pinned = false;
  let hovered = -1;

  // --- the strip ---------------------------------------------------------------------------
  const canvas = document.createElement("canvas");
  canvas.setAttribute("aria-hidden", "true");
  strip.appendChild(canvas);
  const tip = document.createElement("div");
  tip.className = "strip-tip";
  tip.setAttribute("aria-hidden", "true");
  strip.appendChild(tip);
  /** @type {{cols: number, cell: number, gutter: number, rows: Array<{layer: string, start: number, count: number, y: number}>, w: number, h: number}} */
  let geo = { cols: 1, cell: 1, gutter: 0, rows: [], w: 0, h: 0 };

  function layoutStrip() {
    const width = Math.max(200, Math.round(strip.getBoundingClientRect().width));
    const gutter = 28;
    const cols = width - gutter >= 64 * 9 ? 64 : 32;
    const cell = Math.max(4, Math.floor((width - gutter) / cols));
    /** @type {Array<{layer: string, start: number, count: number, y: number}>} */
    const rows = [];
    let y = 0;
    for (const l of data.layout) {
      const size = l.shape.reduce((/** @type {number} */ a, /** @type {number} */ b) => a * b, 1);
      for (let k = 0; k < size; k += cols) {
        rows.push({ layer: k === 0 ? l.name : "", start: l.start + k, count: Math.min(cols, size - k), y });
        y += cell;
      }
      y += Math.round(cell * 0.6); // a gap between the four arrays
    }
    geo = { cols, cell, gutter, rows, w: gutter + cols * cell, h: y };
  }

  /** @param {number} v */
  function cellColor(v) {
    const t = Math.sqrt(Math.min(1, Math.abs(v) / gmax)); // square root: small entries stay visible
    const [r, gg, b] = v >= 0 ? [192, 57, 43] : [27, 58, 107];
    const mix = (/** @type {number} */ c, /** @type {number} */ p) => Math.round(p + (c - p) * t);
    return `rgb(${mix(r, 250)},${mix(gg, 249)},${mix(b, 246)})`;
  }

  /** @param {number} i @returns {{x: number, y: number}|null} */
  function cellAt(i) {
    for (const r of geo.rows) {
      if (i >= r.start && i < r.start + r.count) return { x: geo.gutter + (i - r.start) * geo.cell, y: r.y };
    }
    return null;
  }

  function drawStrip() {
    layoutStrip();
    const dpr = Math.min(3, window.devicePixelRatio || 1);
    canvas.width = Math.round(geo.w * dpr);
    canvas.height = Math.round(geo.h * dpr);
    canvas.style.width = `${geo.w}px`;
    canvas.style.height = `${geo.h}px`;
    const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, geo.w, geo.h);
    const c = geo.cell;
    ctx.font = `italic 12px Georgia, "Times New Roman", serif`;
    ctx.textBaseline = "top";
    ctx.fillStyle = "#5b616b";
    for (const r of geo.rows) {
      if (r.layer) ctx.fillText(r.layer, 0, r.y);
      for (let k = 0; k < r.count; k++) {
        ctx.fillStyle = cellColor(g[r.start + k]);
        ctx.fillRect(geo.gutter + k * c, r.y, c - (c > 6 ? 1 : 0), c - (c > 6 ? 1 : 0));
      }
      ctx.fillStyle = "#5b616b";
    }
    for (const i of top) {
      const p = cellAt(i);
      if (!p) continue;
      ctx.strokeStyle = "#1d2129";
      ctx.lineWidth = 1.5;
      ctx.strokeRect(p.x - 0.75, p.y - 0.75, c + 0.5, c + 0.5);
    }
    for (const [i, color, width] of /** @type {Array<[number, string, number]>} */ ([[hovered, "#5b616b", 1.5], [selected, "#000", 2.5]])) {
      const p = cellAt(i);
      if (!p) continue;
      ctx.strokeStyle = "#fff";
      ctx.lineWidth = width + 2;
      ctx.strokeRect(p.x - 2, p.y - 2, c + 3, c + 3);
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      ctx.strokeRect(p.x - 2, p.y - 2, c + 3, c + 3);
    }
  }

  /** @param {number} px @param {number} py @returns {number} */
  function indexAt(px, py) {
    for (const r of geo.rows) {
      if (py >= r.y && py < r.y + geo.cell) {
        const k = Math.floor((px - geo.gutter) / geo.cell);
        return k >= 0 && k < r.count ? r.start + k : -1;
      }
    }
    return -1;
  }

  // --- the nudge ---------------------------------------------------------------------------
  function update() {
    const i = selected;
    const e = Math.pow(10, Number(eps.value));
    epsOut.value = `ε = ${fmt(e, 3)}`;
    index.value = String(i);
    indexName.value = net.name(i);
    const wn = Float64Array.from(w);
    wn[i] += e;
    const step = wn[i] - w[i]; // the nudge actually made (w_i + eps rounds)
    const nudged = net.loss(wn);
    const actual = nudged - base;
    const predicted = step * g[i];
    const ratio = actual / predicted;
    Object.assign(table.dataset, {
      index: String(i),
      name: net.name(i),
      eps: String(e),
      step: String(step),
      loss: String(base),
      lossNudged: String(nudged),
      predicted: String(predicted),
      actual: String(actual),
      ratio: String(ratio),
    });
    const sign = g[i] > 0 ? "positive: increasing this weight raises the loss" : g[i] < 0 ? "negative: increasing this weight lowers the loss" : "zero: the loss is flat along this weight";
    table.innerHTML = `<p class="nudge-what"><strong>${net.name(i)}</strong> (number ${i}): ${net.describe(i)}. Its partial derivative is ${sign}.</p>`
      + `<table class="numbers"><tbody>`
      + `<tr><th scope="row">Weight <i>w</i><sub><i>i</i></sub></th><td>${fmt(w[i], 8)}</td></tr>`
      + `<tr><th scope="row">Partial derivative ∂<i>L</i>/∂<i>w</i><sub><i>i</i></sub></th><td>${fmt(g[i], 8)}</td></tr>`
      + `<tr><th scope="row">Nudge ε</th><td>${fmt(e, 3)}</td></tr>`
      + `<tr><th scope="row">Loss <i>L</i>(<b>w</b>)</th><td>${fixed(base)}</td></tr>`
      + `<tr><th scope="row">Loss after the nudge</th><td>${fixed(nudged)}</td></tr>`
      + `<tr class="em"><th scope="row">Predicted change ε ∂<i>L</i>/∂<i>w</i><sub><i>i</i></sub></th><td data-testid="nudge-predicted">${fmt(predicted, 8)}</td></tr>`
      + `<tr class="em"><th scope="row">Actual change</th><td data-testid="nudge-actual">${fmt(actual, 8)}</td></tr>`
      + `<tr><th scope="row">Actual ÷ predicted</th><td data-testid="nudge-ratio">${Number.isFinite(ratio) ? fmt(ratio, 8) : "—"}</td></tr>`
      + `</tbody></table>`;
    drawStrip();
  }

  /** @param {number} i @param {boolean} pin */
  function select(i, pin) {
    if (!(i >= 0 && i < N)) return;
    selected = i;
    if (pin) pinned = true;
    update();
  }

  strip.addEventListener("pointermove", (e) => {
    const r = canvas.getBoundingClientRect();
    const i = indexAt(e.clientX - r.left, e.clientY - r.top);
    hovered = i;
    if (i >= 0) {
      tip.textContent = `${net.name(i)}: ${fmt(g[i], 4)}`;
      tip.style.left = `${e.clientX - strip.getBoundingClientRect().left + 12}px`;
      tip.style.top = `${e.clientY - strip.getBoundingClientRect().top + 14}px`;
      tip.hidden = false;
      if (!pinned) { select(i, false); return; }
    } else {
      tip.hidden = true;
    }
    drawStrip();
  });
  strip.addEventListener("pointerleave", () => { hovered = -1; tip.hidden = true; drawStrip(); });
  strip.addEventListener("pointerdown", (e) => {
    const r = canvas.getBoundingClientRect();
    const i = indexAt(e.clientX - r.left, e.clientY - r.top);
    if (i >= 0) {
      if (pinned && i === selected) { pinned = false; update(); } else select(i, true);
    }
  });
  strip.addEventListener("keydown", (e) => {
    const moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -geo.cols, ArrowDown: geo.cols, Home: -N, End: N };
    const d = /** @type {Record<string, number>} */ (moves)[e.key];
    if (d === undefined) return;
    e.preventDefault();
    select(Math.max(0, Math.min(N - 1, selected + d)), true);
  });
  index.addEventListener("input", () => {
    const i = Math.round(Number(index.value));
    if (Number.isFinite(i) && i >= 0 && i < N) select(i, true);
  });
  eps.addEventListener("input", update);
  biggest.innerHTML = order.slice(0, TOP).map((i) => `<button type="button" data-index="${i}">${net.name(i)}</button>`).join("");
  biggest.addEventListener("click", (e) => {
    const b = /** @type {HTMLElement} */ (e.target).closest("[data-index]");
    if (b) select(Number(/** @type {HTMLElement} */ (b).dataset.index), true);
  });

  // --- one descent step with every weight ----------------------------------------------------
  if (stepButton && stepOut) {
    stepButton.addEventListener("click", () => {
      let sq = 0;
      for (let i = 0; i < N; i++) sq += g[i] * g[i];
      const rows = STEP_LRS.map((lr) => {
        const after = net.loss(Float64Array.from(w, (v, i) => v - lr * g[i]));
        return { lr, after, predicted: -lr * sq, actual: after - base, move: lr * gmax };
      });
      const main = rows[0];
      Object.assign(stepOut.dataset, {
        before: String(base),
        after: String(main.after),
        predicted: String(base + main.predicted),
        lr: String(main.lr),
      });
      stepOut.innerHTML = `<p>With η = ${main.lr}, every one of the ${N.toLocaleString("en-US")} weights moved at once `
        + `(the largest by ${fmt(main.move, 3)}), and the loss went from ${fmt(base, 6)} to <strong>${fmt(main.after, 6)}</strong>.</p>`
        + `<table class="numbers"><thead><tr><th scope="col">η</th><th scope="col">Predicted change −η‖∇<i>L</i>‖²</th>`
        + `<th scope="col">Actual change</th><th scope="col">Actual ÷ predicted</th></tr></thead><tbody>`
        + rows.map((r) => `<tr><td>${r.lr}</td><td>${fmt(r.predicted, 6)}</td><td>${fmt(r.actual, 6)}</td><td>${fmt(r.actual / r.predicted, 4)}</td></tr>`).join("")
        + `</tbody></table><p>The prediction assumes the slope stays the same along the whole step. The longer the step, the more the loss curves away from that straight line; as η shrinks the ratio goes to 1.</p>`;
    });
  }

  new ResizeObserver(() => drawStrip()).observe(strip);
  update();
}

/** A loss to 12 decimals, so a tiny change is visible. @param {number} v */
function fixed(v) {
  return v.toFixed(12);
}
