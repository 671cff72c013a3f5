// A network's whole gradient as a picture: one cell per weight, layer by layer, red for a
// positive partial derivative and blue for a negative one, the darker the larger; the largest
// outlined and offered by name (W1[3,7]); hover, click or the arrow keys pick a weight, whose
// number, partial and meaning are shown with the "nudge" check: change w_i by eps, recompute the
// loss from scratch and compare the actual change with the gradient's prediction eps * dL/dw_i.
// "Step all weights" takes one gradient-descent step with every weight at once and compares the
// loss reached with the first-order prediction -lr |grad|^2.
//
// Shared by the lesson's figure 5 (lesson/model.js) and the explorer's model panels
// (explorer/model-panels.js): each host builds the elements, this module fills and drives them.
//
//   mountGradientFigure(parts, net, w, g, options) -> { update(w, g), selected(), select(i, pin) }
//   describeWeight(layout, i) -> plain words (weightName(layout, i) -> "W1[3,7]" is network.js's)

import { fmt } from "./format.js";
import { weightName } from "./network.js";

const TOP = 6; // how many of the largest entries to outline and list

/**
 * @typedef {{name: string, shape: number[], start: number}} LayoutEntry
 * @typedef {{loss: (w: Float64Array) => number, size: number, layout: LayoutEntry[]}} Net
 * @typedef {{strip: HTMLElement, index: HTMLInputElement, indexName: HTMLOutputElement,
 *            eps: HTMLInputElement, epsOut: HTMLOutputElement, table: HTMLElement,
 *            biggest: HTMLElement, stepButton?: HTMLButtonElement|null,
 *            stepOut?: HTMLElement|null}} Parts
 */

/** @param {number[]} shape */
const sizeOf = (shape) => shape.reduce((a, b) => a * b, 1);

/**
 * A plain-words description of weight i of a digits network (layers W1, b1, W2, b2, ...: the
 * first takes the 64 pixels, the last gives the 10 digit scores).
 * @param {LayoutEntry[]} layout @param {number} i
 */
export function describeWeight(layout, i) {
  const nm = weightName(layout, i);
  const m = /^([Wb])(\d+)\[(\d+)(?:,(\d+))?\]$/.exec(nm);
  if (!m) return nm;
  const [, kind, depthText, a, b] = m;
  const depth = Number(depthText);
  const last = Math.max(...layout.map((l) => Number(l.name.slice(1)) || 0));
  const layers = last > 2 ? `layer ${depth}'s ` : "";
  const unit = (/** @type {string} */ j) => (depth === last ? `the score for digit ${j}` : `${layers}hidden unit ${j}`);
  if (kind === "b") return depth === last ? `the bias of the score for digit ${a}` : `the bias of ${layers}hidden unit ${a}`;
  const from = depth === 1
    ? `pixel ${a} (row ${Math.floor(Number(a) / 8)}, column ${Number(a) % 8})`
    : `${last > 2 ? `layer ${depth - 1}'s ` : ""}hidden unit ${a}`;
  return `the weight from ${from} to ${unit(/** @type {string} */ (b))}`;
}

/**
 * Fill and drive a gradient figure: the strip of cells, the weight picker, the nudge table and
 * (if the parts have them) the "step all weights" button and its table.
 * @param {Parts} parts
 * @param {Net} net the loss as a function of all weights, their count and layout
 * @param {ArrayLike<number>} w0 the weights shown
 * @param {ArrayLike<number>} g0 the gradient there
 * @param {{stepLrs?: number[], describe?: (i: number) => string}} [options] stepLrs: the
 *   learning rates the step button tries (the first is the one it reports; default the
 *   lesson's [0.5, 0.1, 0.01])
 */
export function mountGradientFigure(parts, net, w0, g0, options = {}) {
  const { strip, index, indexName, eps, epsOut, table, biggest } = parts;
  const stepButton = parts.stepButton || null;
  const stepOut = parts.stepOut || null;
  const N = net.size;
  const layout = net.layout;
  const name = (/** @type {number} */ i) => weightName(layout, i);
  const describe = options.describe || ((/** @type {number} */ i) => describeWeight(layout, i));
  const stepLrs = options.stepLrs || [0.5, 0.1, 0.01];
  let w = Float64Array.from(w0);
  let g = Float64Array.from(g0);
  let base = net.loss(w);
  /** @type {number[]} */
  let order = [];
  /** @type {Set<number>} */
  let top = new Set();
  let gmax = 1;
  let selected = 0;
  let pinned = false;
  let hovered = -1;

  function rank() {
    order = Array.from({ length: N }, (_, i) => i).sort((a, b) => Math.abs(g[b]) - Math.abs(g[a]));
    top = new Set(order.slice(0, TOP));
    gmax = Math.abs(g[order[0]]) || 1;
    biggest.innerHTML = order.slice(0, TOP).map((i) => `<button type="button" data-index="${i}">${name(i)}</button>`).join("");
  }
  rank();
  selected = order[0];

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
    // as many columns as fit at 9 px (64 or 32 for the lesson's net); big nets get 2 px cells
    const cols = N > 4000 ? Math.max(32, Math.floor((width - gutter) / 2)) : width - gutter >= 64 * 9 ? 64 : 32;
    const cell = N > 4000 ? Math.max(1, Math.floor((width - gutter) / cols)) : Math.max(4, Math.floor((width - gutter) / cols));
    /** @type {Array<{layer: string, start: number, count: number, y: number}>} */
    const rows = [];
    let y = 0;
    for (const l of layout) {
      const size = sizeOf(l.shape);
      for (let k = 0; k < size; k += cols) {
        rows.push({ layer: k === 0 ? l.name : "", start: l.start + k, count: Math.min(cols, size - k), y });
        y += cell;
      }
      y += Math.max(3, Math.round(cell * 0.6)); // a gap between the arrays
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
    indexName.value = name(i);
    const wn = Float64Array.from(w);
    wn[i] += e;
    const step = wn[i] - w[i]; // the nudge actually made (w_i + eps rounds)
    const nudged = net.loss(wn);
    const actual = nudged - base;
    const predicted = step * g[i];
    const ratio = actual / predicted;
    Object.assign(table.dataset, {
      index: String(i),
      name: name(i),
      eps: String(e),
      step: String(step),
      weight: String(w[i]),
      partial: String(g[i]),
      loss: String(base),
      lossNudged: String(nudged),
      predicted: String(predicted),
      actual: String(actual),
      ratio: String(ratio),
    });
    const sign = g[i] > 0 ? "positive: increasing this weight raises the loss" : g[i] < 0 ? "negative: increasing this weight lowers the loss" : "zero: the loss is flat along this weight";
    table.innerHTML = `<p class="nudge-what"><strong>${name(i)}</strong> (number ${i}): ${describe(i)}. Its partial derivative is ${sign}.</p>`
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
      tip.textContent = `${name(i)}: ${fmt(g[i], 4)}`;
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
  biggest.addEventListener("click", (e) => {
    const b = /** @type {HTMLElement} */ (e.target).closest("[data-index]");
    if (b) select(Number(/** @type {HTMLElement} */ (b).dataset.index), true);
  });

  // --- one descent step with every weight ----------------------------------------------------
  if (stepButton && stepOut) {
    stepButton.addEventListener("click", () => {
      let sq = 0;
      for (let i = 0; i < N; i++) sq += g[i] * g[i];
      const rows = stepLrs.map((lr) => {
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

  return {
    /**
     * Show other weights (and their gradient): the strip, the largest entries and the nudge
     * are recomputed; the weight picked stays picked.
     * @param {ArrayLike<number>} w1 @param {ArrayLike<number>} g1
     */
    update(w1, g1) {
      w = Float64Array.from(w1);
      g = Float64Array.from(g1);
      base = net.loss(w);
      rank();
      if (!pinned) selected = order[0];
      if (stepOut) { stepOut.innerHTML = ""; for (const k of ["before", "after", "predicted", "lr"]) delete stepOut.dataset[k]; }
      update();
    },
    selected: () => selected,
    /** @param {number} i @param {boolean} [pin] */
    select: (i, pin = true) => select(i, pin),
    /** the indices of the largest entries by size, the largest first */
    largest: () => order.slice(0, TOP),
  };
}

/** A loss to 12 decimals, so a tiny change is visible. @param {number} v */
function fixed(v) {
  return v.toFixed(12);
}
