// The loss-versus-step chart: one line per run in the run's colour, drawn as far as the run has
// been shown, on a log scale when every value is positive and they span more than a decade (so
// a run's steady convergence reads as a straight line), linear otherwise. Hovering (or the arrow
// keys on the focused chart) picks a step and lists each run's loss there; a visually hidden
// table gives screen readers the same numbers.
//
//   const chart = createLossChart(host)
//   chart.update(runs)      cheap; called every animation frame
//   chart.at(step)          pick a step (as hovering does); chart.state: what is drawn

import { fmt, escapeHtml } from "../core/format.js";
import { optimizerInfo } from "../core/optimizers.js";

const HEIGHT = 132;
const PAD = { left: 46, right: 10, top: 8, bottom: 24 };

/**
 * The y scale for these values: log10 when all are positive and span more than a decade.
 * @param {number[]} values finite values shown
 * @returns {{log: boolean, lo: number, hi: number}} lo/hi in the scale's units
 */
export function lossScale(values) {
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return { log: false, lo: 0, hi: 1 };
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  const log = lo > 0 && hi / lo > 10;
  if (log) { lo = Math.log10(lo); hi = Math.log10(hi); }
  if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) { lo -= 0.5; hi += 0.5; }
  return { log, lo, hi };
}

/** @param {HTMLElement} host */
export function createLossChart(host) {
  const figure = document.createElement("figure");
  figure.className = "gs-loss";
  figure.setAttribute("data-testid", "loss-chart");
  const canvas = document.createElement("canvas");
  canvas.className = "gs-loss-canvas";
  canvas.tabIndex = 0;
  canvas.setAttribute("role", "img");
  const caption = document.createElement("figcaption");
  caption.className = "gs-caption gs-loss-caption";
  caption.setAttribute("data-testid", "loss-hover");
  const table = document.createElement("table");
  table.className = "gs-sr";
  table.setAttribute("data-testid", "loss-table");
  figure.append(canvas, caption, table);
  host.appendChild(figure);

  /** @type {import("./runs.js").Run[]} */
  let runs = [];
  let hoverStep = /** @type {number|null} */ (null);
  let tableKey = "";
  const state = { log: false, lo: 0, hi: 1, steps: 0, lines: 0 };

  const shownOf = (/** @type {import("./runs.js").Run} */ r) => Math.floor(Math.min(r.shown, r.traj.steps));
  const name = (/** @type {import("./runs.js").Run} */ r) => optimizerInfo(r.traj.optimizer)?.short || r.traj.optimizer;

  function draw() {
    const width = Math.max(160, Math.round(canvas.getBoundingClientRect().width || host.clientWidth || 300));
    const dpr = Math.min(3, window.devicePixelRatio || 1);
    if (canvas.width !== Math.round(width * dpr)) canvas.width = Math.round(width * dpr);
    if (canvas.height !== Math.round(HEIGHT * dpr)) canvas.height = Math.round(HEIGHT * dpr);
    const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, HEIGHT);
    const all = runs.flatMap((r) => r.traj.values.slice(0, shownOf(r) + 1));
    const scale = lossScale(all);
    const steps = Math.max(10, ...runs.map(shownOf));
    Object.assign(state, scale, { steps, lines: runs.length });
    const w = width - PAD.left - PAD.right;
    const h = HEIGHT - PAD.top - PAD.bottom;
    const sx = (/** @type {number} */ t) => PAD.left + (t / steps) * w;
    const sy = (/** @type {number} */ v) => {
      const u = scale.log ? Math.log10(v) : v;
      return PAD.top + (1 - (u - scale.lo) / (scale.hi - scale.lo)) * h;
    };
    // axes and a few ticks
    ctx.strokeStyle = "#cfcbc3";
    ctx.lineWidth = 1;
    ctx.strokeRect(PAD.left + 0.5, PAD.top + 0.5, w, h);
    ctx.fillStyle = "#5b616b";
    ctx.font = "11px system-ui, sans-serif";
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    const ticks = scale.log
      ? decades(scale.lo, scale.hi).map((e) => ({ v: 10 ** e, text: `1e${e}` }))
      : [scale.lo, (scale.lo + scale.hi) / 2, scale.hi].map((v) => ({ v, text: fmt(v, 3) }));
    for (const t of ticks) {
      const y = sy(t.v);
      if (y < PAD.top - 1 || y > PAD.top + h + 1) continue;
      ctx.fillText(t.text, PAD.left - 4, y);
      ctx.beginPath(); ctx.moveTo(PAD.left, y); ctx.lineTo(PAD.left + 4, y); ctx.stroke();
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.fillText("0", sx(0), PAD.top + h + 4);
    ctx.fillText(String(steps), sx(steps) - 8, PAD.top + h + 4);
    ctx.fillText(scale.log ? "step (loss on a log scale)" : "step", PAD.left + w / 2, PAD.top + h + 4);
    // one line per run
    ctx.save();
    ctx.beginPath(); ctx.rect(PAD.left, PAD.top, w, h); ctx.clip();
    ctx.lineWidth = 1.8;
    ctx.lineJoin = "round";
    for (const r of runs) {
      const n = shownOf(r);
      ctx.strokeStyle = r.color;
      ctx.beginPath();
      let pen = false;
      for (let t = 0; t <= n; t++) {
        const v = r.traj.values[t];
        if (!Number.isFinite(v) || (scale.log && !(v > 0))) { pen = false; continue; }
        const y = Math.max(-1e4, Math.min(1e4, sy(v)));
        if (pen) ctx.lineTo(sx(t), y); else ctx.moveTo(sx(t), y);
        pen = true;
      }
      ctx.stroke();
    }
    if (hoverStep !== null) {
      ctx.strokeStyle = "#1d2129";
      ctx.lineWidth = 1;
      ctx.setLineDash([3, 3]);
      ctx.beginPath(); ctx.moveTo(sx(hoverStep) + 0.5, PAD.top); ctx.lineTo(sx(hoverStep) + 0.5, PAD.top + h); ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.restore();
    canvas.setAttribute("aria-label", runs.length
      ? `Loss versus step for ${runs.length} run${runs.length === 1 ? "" : "s"}${scale.log ? ", log scale" : ""}. Left and right arrows pick a step; the table that follows lists each run's losses.`
      : "Loss versus step: no runs yet.");
  }

  function describeStep() {
    if (hoverStep === null || !runs.length) {
      caption.textContent = runs.length ? "Loss L at each step. Hover a step to read every run's loss there." : "";
      return;
    }
    const t = hoverStep;
    const parts = runs.map((r) => {
      const n = shownOf(r);
      const v = t <= n ? r.traj.values[t] : NaN;
      const text = t <= n ? fmt(v, 4) : `stopped at step ${n}`;
      return `<span class="gs-loss-item" data-value="${t <= n ? String(v) : ""}"><span class="gs-swatch" style="background:${r.color}" aria-hidden="true"></span>${escapeHtml(name(r))} ${escapeHtml(text)}</span>`;
    });
    caption.innerHTML = `<strong>step ${t}</strong> ${parts.join(" ")}`;
    caption.dataset.step = String(t);
  }

  function updateTable() {
    const key = runs.map((r) => `${r.color}:${shownOf(r)}:${r.traj.steps}`).join("|");
    if (key === tableKey) return;
    tableKey = key;
    const rows = runs.map((r, i) => {
      const n = shownOf(r);
      const vals = r.traj.values.slice(0, n + 1).filter(Number.isFinite);
      const lowest = vals.length ? Math.min(...vals) : NaN;
      return `<tr><th scope="row">Run ${i + 1}: ${escapeHtml(name(r))}, lr ${escapeHtml(fmt(Number(r.spec.lr), 3))}</th>`
        + `<td>${escapeHtml(fmt(r.traj.values[0], 4))}</td><td>${escapeHtml(fmt(r.traj.values[n], 4))}</td>`
        + `<td>${escapeHtml(fmt(lowest, 4))}</td><td>${n}</td></tr>`;
    });
    table.innerHTML = `<caption>Loss by run</caption><thead><tr><th scope="col">Run</th><th scope="col">Loss at the start</th>`
      + `<th scope="col">Loss now</th><th scope="col">Lowest loss</th><th scope="col">Steps shown</th></tr></thead><tbody>${rows.join("")}</tbody>`;
  }

  /** @param {number} clientX */
  function stepAt(clientX) {
    const r = canvas.getBoundingClientRect();
    const w = r.width - PAD.left - PAD.right;
    const t = Math.round(((clientX - r.left - PAD.left) / w) * state.steps);
    return Math.max(0, Math.min(state.steps, t));
  }

  /** @param {number|null} t */
  function at(t) {
    hoverStep = t === null ? null : Math.max(0, Math.min(state.steps, Math.round(t)));
    draw();
    describeStep();
  }

  const listening = new AbortController();
  const { signal } = listening;
  canvas.addEventListener("pointermove", (e) => at(stepAt(e.clientX)), { signal });
  canvas.addEventListener("pointerdown", (e) => at(stepAt(e.clientX)), { signal });
  canvas.addEventListener("pointerleave", () => at(null), { signal });
  canvas.addEventListener("keydown", (e) => {
    const big = e.shiftKey ? 10 : 1;
    const t = hoverStep ?? 0;
    if (e.key === "ArrowRight") at(t + big);
    else if (e.key === "ArrowLeft") at(t - big);
    else if (e.key === "Home") at(0);
    else if (e.key === "End") at(state.steps);
    else if (e.key === "Escape") at(null);
    else return;
    e.preventDefault();
  }, { signal });

  return {
    element: figure,
    state,
    /** @param {import("./runs.js").Run[]} list */
    update(list) {
      runs = list;
      figure.hidden = runs.length === 0;
      if (figure.hidden) { hoverStep = null; return; }
      if (hoverStep !== null && hoverStep > Math.max(10, ...runs.map(shownOf))) hoverStep = null;
      draw();
      describeStep();
      updateTable();
    },
    at,
    destroy() { listening.abort(); figure.remove(); },
  };
}

/** Whole powers of ten between lo and hi (log units), at most five. @param {number} lo @param {number} hi */
function decades(lo, hi) {
  const a = Math.ceil(lo);
  const b = Math.floor(hi);
  const every = Math.max(1, Math.ceil((b - a + 1) / 5));
  const out = [];
  for (let e = a; e <= b; e += every) out.push(e);
  return out;
}
