// Figure 2: the bowl w1^2 + 3 w2^2. Hover (or the three buttons, or the arrow keys) picks a
// point; the figure shows the gradient, its opposite, the contour's tangent with the right angle,
// and, on request, the exact partials beside central finite differences.

import { evalPoint, centralDifferences } from "../core/evaluator.js";
import { fmt, varHtml } from "../core/format.js";
import { createFieldPlot, arrowKeyMove, contourTangent, dot, haloText, GRAD, DESC } from "./plot.js";
import { arrow } from "../core/paint.js";

/** What each of the lesson's three points means (shown under the buttons). */
const NOTES = {
  "3,1": "Both partials are positive and equal: increasing either weight raises the loss, equally fast. The arrow points uphill but not straight away from the minimum.",
  "0,1": "Flat along <var>w</var><sub>1</sub> (it is already at its best), rising along <var>w</var><sub>2</sub>: the gradient points straight along the <var>w</var><sub>2</sub> axis.",
  "0,0": "Every partial is zero: the bottom of the bowl, flat in every direction. There is no downhill, and descent stops here.",
};

/**
 * @param {HTMLElement} fig @param {any} bowl the compiled bowl (payload with program)
 */
export function mountBowl(fig, bowl) {
  const program = bowl.program;
  const names = bowl.variables;
  const box = /** @type {HTMLElement} */ (fig.querySelector('[data-testid="bowl-plot"]'));
  const readout = /** @type {HTMLElement} */ (fig.querySelector('[data-testid="bowl-readout"]'));
  const note = /** @type {HTMLElement} */ (fig.querySelector('[data-testid="bowl-note"]'));
  const toggle = /** @type {HTMLInputElement} */ (fig.querySelector('[data-testid="gradcheck-toggle"]'));
  const check = /** @type {HTMLElement} */ (fig.querySelector('[data-testid="gradcheck"]'));
  let point = [3, 1];
  let here = evalPoint(program, point);

  const plot = createFieldPlot(box, program, bowl.view, {
    draw(ctx, pl) {
      const x = pl.sx(point[0]);
      const y = pl.sy(point[1]);
      const [gx, gy] = here.gradient;
      const norm = Math.hypot(gx, gy);
      if (norm > 0) {
        const dx = gx / norm;
        const dy = -gy / norm; // screen y points down
        // drawn to scale (0.12 plot units per unit of gradient), shortened to stay in view
        const len = Math.min(0.12 * norm * pl.scale, Math.min(pl.width, pl.height) * 0.3,
          roomTo(x, y, dx, dy, pl.width, pl.height) - 24, roomTo(x, y, -dx, -dy, pl.width, pl.height) - 24);
        contourTangent(ctx, x, y, dx, dy, 46);
        arrow(ctx, x, y, x - dx * len, y - dy * len, DESC, true);
        arrow(ctx, x, y, x + dx * len, y + dy * len, GRAD);
        ctx.font = `italic 14px Georgia, "Times New Roman", serif`;
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        haloText(ctx, "∇L", x + dx * (len + 15), y + dy * (len + 15), GRAD);
        haloText(ctx, "−∇L", x - dx * (len + 18), y - dy * (len + 18), DESC);
      } else {
        ctx.beginPath();
        ctx.arc(x, y, 11, 0, 2 * Math.PI);
        ctx.setLineDash([2, 2.5]);
        ctx.strokeStyle = "#1d2129";
        ctx.lineWidth = 1.3;
        ctx.stroke();
        ctx.setLineDash([]);
      }
      dot(ctx, x, y);
    },
    pointer(kind, p, _px, e) {
      if (kind === "move" && (e.pointerType === "mouse" || e.buttons)) setPoint(p, null);
      else if (kind === "down") setPoint(p, null);
    },
    key(e) {
      const q = arrowKeyMove(e, point, plot.shown);
      if (!q) return false;
      setPoint(plot.clamp(q), null);
      return true;
    },
  });

  /** @param {number[]} p @param {string|null} visit */
  function setPoint(p, visit) {
    point = [p[0], p[1]];
    here = evalPoint(program, point);
    plot.redraw();
    const [gx, gy] = here.gradient;
    readout.dataset.point = `${point[0]},${point[1]}`;
    readout.dataset.gradient = `${gx},${gy}`;
    readout.dataset.value = String(here.value);
    const w1 = varHtml(names[0]);
    const w2 = varHtml(names[1]);
    readout.innerHTML = `<p class="readout-main">At (${w1}, ${w2}) = (<span data-testid="bowl-point">${fmt(point[0], 3)}, ${fmt(point[1], 3)}</span>)<br>`
      + `<i>L</i> = ${fmt(here.value, 4)}, ∇<i>L</i> = (2${w1}, 6${w2}) = <strong data-testid="bowl-gradient">(${fmt(gx, 4)}, ${fmt(gy, 4)})</strong></p>`
      + `<ul class="readout-signs">${[gx, gy].map((g, i) => `<li>${signWords(g, i ? w2 : w1)}</li>`).join("")}</ul>`;
    note.innerHTML = visit ? `<strong>At (${visit.replace(",", ", ")}):</strong> ${NOTES[/** @type {keyof NOTES} */ (visit)]}` : "";
    if (!check.hidden) updateCheck();
  }

  function updateCheck() {
    const exact = here.gradient;
    const numeric = centralDifferences(program, point);
    const diff = exact.map((g, i) => numeric[i] - g);
    check.dataset.exact = exact.join(",");
    check.dataset.numeric = numeric.join(",");
    check.dataset.diff = diff.join(",");
    const row = (/** @type {number} */ i) => `<tr><th scope="row">∂<i>L</i>/∂${varHtml(names[i])}</th>`
      + `<td>${fmt(exact[i], 12)}</td><td>${fmt(numeric[i], 12)}</td><td>${fmt(diff[i], 2)}</td></tr>`;
    check.innerHTML = `<table class="numbers"><caption>At (${fmt(point[0], 3)}, ${fmt(point[1], 3)}), step <i>h</i> = 10<sup>−6</sup> × max(1, |<i>w</i><sub><i>i</i></sub>|)</caption>`
      + `<thead><tr><th scope="col">Partial</th><th scope="col">Exact</th><th scope="col">Central difference</th><th scope="col">Difference</th></tr></thead>`
      + `<tbody>${row(0)}${row(1)}</tbody></table>`;
  }

  toggle.addEventListener("change", () => {
    check.hidden = !toggle.checked;
    if (toggle.checked) updateCheck();
  });
  for (const b of fig.querySelectorAll("[data-point]")) {
    b.addEventListener("click", () => {
      const key = /** @type {HTMLElement} */ (b).dataset.point || "0,0";
      setPoint(key.split(",").map(Number), key);
    });
  }
  setPoint(point, null);
}

/**
 * How far from (x, y) along the unit vector (dx, dy) before leaving the w x h box, in px.
 * @param {number} x @param {number} y @param {number} dx @param {number} dy @param {number} w @param {number} h
 */
function roomTo(x, y, dx, dy, w, h) {
  const tx = dx > 0 ? (w - x) / dx : dx < 0 ? -x / dx : Infinity;
  const ty = dy > 0 ? (h - y) / dy : dy < 0 ? -y / dy : Infinity;
  return Math.max(12, Math.min(tx, ty));
}

/**
 * "Increasing w1 raises the loss" and so on, from the sign of one partial.
 * @param {number} g @param {string} name HTML
 */
function signWords(g, name) {
  if (g > 0) return `∂<i>L</i>/∂${name} &gt; 0: increasing ${name} raises the loss`;
  if (g < 0) return `∂<i>L</i>/∂${name} &lt; 0: increasing ${name} lowers the loss`;
  if (g === 0) return `∂<i>L</i>/∂${name} = 0: flat along ${name}`;
  return `∂<i>L</i>/∂${name} is undefined here`;
}
