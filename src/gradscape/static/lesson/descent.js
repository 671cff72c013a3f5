// Figure 4: gradient descent on the bowl with a learning-rate slider. The stability limit
// lr < 2 / lambda_max is computed live from the Hessian at the start (the compiled program has
// it), and a run of STEPS steps shows the zig-zag settle or grow.

import { evalPoint } from "../core/evaluator.js";
import { step } from "../core/optimizers.js";
import { fmt, varHtml } from "../core/format.js";
import { createFieldPlot, arrowKeyMove, dot, GRAD, DESC } from "./plot.js";

export const STEPS = 40;
const RUNAWAY = 1e8;

/**
 * Plain gradient descent: w <- w - lr * grad L(w), STEPS times (or until it runs away). The
 * update is core/optimizers.js's "gd" step, the explorer's and (to rounding) Python's; the stop
 * rule is the figure's own: it shows all STEPS steps of a run that grows, until 1e8.
 * @param {import("../core/evaluator.js").Program} program @param {number[]} start @param {number} lr
 * @param {number} [steps]
 */
export function descend(program, start, lr, steps = STEPS) {
  const points = [start.slice()];
  let r = evalPoint(program, start);
  const losses = [r.value];
  let w = start.slice();
  const state = { v: [0, 0], s: [0, 0], m: [0, 0] }; // gd keeps none; step() takes it for all
  const gradAt = (/** @type {number[]} */ p) => evalPoint(program, p).gradient;
  for (let t = 1; t <= steps; t++) {
    w = step("gd", w, r.gradient.slice(0, 2), state, t, { lr }, gradAt);
    r = evalPoint(program, w);
    points.push(w);
    losses.push(r.value);
    if (!(Math.abs(w[0]) < RUNAWAY && Math.abs(w[1]) < RUNAWAY) || r.value !== r.value) break;
  }
  return { points, losses };
}

/**
 * Eigenvalues of a symmetric 2x2 matrix, largest first.
 * @param {number[][]} H
 */
export function eigenvalues2(H) {
  const a = H[0][0];
  const b = (H[0][1] + H[1][0]) / 2;
  const d = H[1][1];
  const mean = (a + d) / 2;
  const r = Math.hypot((a - d) / 2, b);
  return [mean + r, mean - r];
}

/**
 * x as a fraction p/q with a small denominator, if it is one (to 1e-12); else null.
 * @param {number} x
 */
export function asFraction(x) {
  for (let q = 1; q <= 64; q++) {
    const p = Math.round(x * q);
    if (Math.abs(p / q - x) <= 1e-12 * Math.max(1, Math.abs(x))) return q === 1 ? String(p) : `${p}/${q}`;
  }
  return null;
}

/**
 * @param {HTMLElement} fig @param {any} bowl
 */
export function mountDescent(fig, bowl) {
  const program = bowl.program;
  const names = bowl.variables;
  const box = /** @type {HTMLElement} */ (fig.querySelector('[data-testid="descent-plot"]'));
  const input = /** @type {HTMLInputElement} */ (fig.querySelector("#descent-lr"));
  const out = /** @type {HTMLOutputElement} */ (fig.querySelector("#descent-lr-value"));
  const readout = /** @type {HTMLElement} */ (fig.querySelector('[data-testid="descent-readout"]'));
  const scaleEl = /** @type {HTMLElement} */ (fig.querySelector(".lr-scale"));
  const lossCanvas = /** @type {HTMLCanvasElement} */ (fig.querySelector('[data-testid="descent-lossplot"]'));
  let start = [3, 1];
  let lr = Number(input.value);
  /** @type {{points: number[][], losses: number[]}} */
  let run = { points: [start], losses: [NaN] };
  let status = "";

  const plot = createFieldPlot(box, program, bowl.view, {
    draw(ctx, pl) {
      const pts = run.points;
      const color = status === "diverges" ? GRAD : DESC;
      const X = (/** @type {number} */ v) => Math.max(-1e5, Math.min(1e5, pl.sx(v)));
      const Y = (/** @type {number} */ v) => Math.max(-1e5, Math.min(1e5, pl.sy(v)));
      for (const [style, width] of /** @type {Array<[string, number]>} */ ([["rgba(255,255,255,0.9)", 4.5], [color, 1.8]])) {
        ctx.strokeStyle = style;
        ctx.lineWidth = width;
        ctx.lineJoin = "round";
        ctx.beginPath();
        pts.forEach((p, k) => (k ? ctx.lineTo(X(p[0]), Y(p[1])) : ctx.moveTo(X(p[0]), Y(p[1]))));
        ctx.stroke();
      }
      ctx.fillStyle = color;
      for (let k = 1; k < pts.length; k++) {
        ctx.beginPath();
        ctx.arc(X(pts[k][0]), Y(pts[k][1]), 2.6, 0, 2 * Math.PI);
        ctx.fill();
      }
      // the minimum, and the start
      ctx.strokeStyle = "#1d2129";
      ctx.lineWidth = 1.5;
      const mx = pl.sx(0);
      const my = pl.sy(0);
      ctx.beginPath();
      ctx.moveTo(mx - 5, my - 5); ctx.lineTo(mx + 5, my + 5);
      ctx.moveTo(mx - 5, my + 5); ctx.lineTo(mx + 5, my - 5);
      ctx.stroke();
      dot(ctx, pl.sx(start[0]), pl.sy(start[1]));
    },
    pointer(kind, p) {
      if (kind === "down") setStart(p);
    },
    key(e) {
      const q = arrowKeyMove(e, start, plot.shown);
      if (!q) return false;
      setStart(plot.clamp(q));
      return true;
    },
  });

  /** @param {number[]} p */
  function setStart(p) {
    start = [Math.round(p[0] * 100) / 100, Math.round(p[1] * 100) / 100];
    update();
  }

  function update() {
    lr = Number(input.value);
    out.value = fmt(lr, 3);
    run = descend(program, start, lr);
    const H = /** @type {number[][]} */ (evalPoint(program, start).hessian);
    const eig = eigenvalues2(H);
    const lmax = eig[0];
    const limit = lmax > 0 ? 2 / lmax : Infinity;
    const factors = eig.map((l) => 1 - lr * l);
    const rho = Math.max(...factors.map(Math.abs));
    status = rho < 1 - 1e-12 ? "converges" : rho > 1 + 1e-12 ? "diverges" : "neither";
    const l0 = run.losses[0];
    const lN = run.losses[run.losses.length - 1];
    const runStatus = lN < l0 ? "converges" : "diverges";
    const frac = asFraction(limit);
    Object.assign(readout.dataset, {
      lr: String(lr),
      start: start.join(","),
      lambdaMax: String(lmax),
      limit: String(limit),
      limitFraction: frac || "",
      status,
      runStatus,
      steps: String(run.points.length - 1),
      finalLoss: String(lN),
      finalPoint: run.points[run.points.length - 1].join(","),
    });
    const limitText = Number.isFinite(limit)
      ? `2 / ${fmt(lmax, 4)} = ${frac ? `<strong data-testid="descent-limit">${frac}</strong> ≈ ${fmt(limit, 4)}` : `<strong data-testid="descent-limit">${fmt(limit, 4)}</strong>`}`
      : "none (the surface does not curve upward here)";
    const verdict = status === "converges"
      ? `η = ${fmt(lr, 3)} is below the limit: every factor is smaller than 1 in size, so the run <strong>converges</strong>${factors.some((f) => f < 0) ? ", zig-zagging across the valley because a factor is negative" : ""}.`
      : status === "diverges"
        ? `η = ${fmt(lr, 3)} is above the limit: a factor is below −1, so each step overshoots farther and the run <strong>diverges</strong>.`
        : `η sits exactly on the limit: a factor is −1, and the run bounces between two points forever.`;
    readout.innerHTML = `<p class="readout-main">Hessian at the start (${fmt(start[0], 3)}, ${fmt(start[1], 3)}): `
      + `<i>H</i> = [[${H[0].map((v) => fmt(v, 4)).join(", ")}], [${H[1].map((v) => fmt(v, 4)).join(", ")}]], `
      + `eigenvalues ${eig.map((v) => fmt(v, 4)).join(" and ")}.</p>`
      + `<p>Stability limit: η &lt; 2 / λ<sub>max</sub> = ${limitText}.</p>`
      + `<p>Per step, the two eigen-directions are multiplied by 1 − ηλ = ${factors.map((f) => fmt(f, 3)).join(" and ")}. ${verdict}</p>`
      + `<p>After ${run.points.length - 1} steps: (${varHtml(names[0])}, ${varHtml(names[1])}) = (${fmt(run.points[run.points.length - 1][0], 3)}, ${fmt(run.points[run.points.length - 1][1], 3)}), loss ${fmt(lN, 4)} (it started at ${fmt(l0, 4)}).</p>`;
    drawScale(limit);
    drawLoss();
    plot.redraw();
  }

  /** Mark the limit under the slider. @param {number} limit */
  function drawScale(limit) {
    const lo = Number(input.min);
    const hi = Number(input.max);
    if (!(limit > lo && limit < hi)) { scaleEl.replaceChildren(); return; }
    const t = (limit - lo) / (hi - lo);
    const mark = document.createElement("span");
    mark.className = "lr-limit";
    // a range thumb travels the track minus its own width (16 px)
    mark.style.left = `calc(${t * 100}% + ${(0.5 - t) * 16}px)`;
    mark.textContent = `limit ${asFraction(limit) || fmt(limit, 3)}`;
    scaleEl.replaceChildren(mark);
  }

  function drawLoss() {
    const r = lossCanvas.getBoundingClientRect();
    const w = Math.max(120, Math.round(r.width));
    const h = Math.max(80, Math.round(r.height));
    const dpr = Math.min(3, window.devicePixelRatio || 1);
    lossCanvas.width = Math.round(w * dpr);
    lossCanvas.height = Math.round(h * dpr);
    const ctx = /** @type {CanvasRenderingContext2D} */ (lossCanvas.getContext("2d"));
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const logs = run.losses.map((v) => Math.log10(Math.max(v, 1e-300)));
    const finite = logs.filter(Number.isFinite);
    let lo = Math.min(...finite, -2);
    let hi = Math.max(...finite, 2);
    lo = Math.floor(lo);
    hi = Math.ceil(hi);
    const left = 34;
    const bottom = h - 16;
    const X = (/** @type {number} */ k) => left + ((w - left - 6) * k) / STEPS;
    const Y = (/** @type {number} */ v) => 6 + ((hi - v) / (hi - lo)) * (bottom - 6);
    ctx.font = `10px system-ui, sans-serif`;
    ctx.fillStyle = "#5b616b";
    ctx.strokeStyle = "#e4e1da";
    ctx.lineWidth = 1;
    const stepE = Math.max(1, Math.ceil((hi - lo) / 4));
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (let e = lo; e <= hi; e += stepE) {
      ctx.beginPath();
      ctx.moveTo(left, Y(e));
      ctx.lineTo(w - 6, Y(e));
      ctx.stroke();
      ctx.fillText(`1e${e}`, left - 4, Y(e));
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const k of [0, 10, 20, 30, 40]) ctx.fillText(String(k), X(k), bottom + 3);
    ctx.strokeStyle = status === "diverges" ? GRAD : DESC;
    ctx.lineWidth = 1.8;
    ctx.beginPath();
    logs.forEach((v, k) => (k ? ctx.lineTo(X(k), Y(v)) : ctx.moveTo(X(k), Y(v))));
    ctx.stroke();
  }

  input.addEventListener("input", update);
  new ResizeObserver(() => drawLoss()).observe(lossCanvas);
  update();
}
