// Figure 3: the slope compass. At the chosen point, the directional derivative grad L . u for
// every unit direction u = (cos t, sin t), drawn as a polar curve around the point (distance =
// |slope|, red where positive, blue where negative); a draggable handle picks one direction.

import { evalPoint } from "../core/evaluator.js";
import { fmt, varHtml } from "../core/format.js";
import { createFieldPlot, arrowKeyMove, contourTangent, dot, haloText, GRAD, DESC, INK } from "./plot.js";
import { arrow } from "../core/paint.js";

const SAMPLES = 3600; // directions on the curve (every tenth of a degree)
const DEG = Math.PI / 180;

/**
 * The slope in each of `n` evenly spaced directions, and where the largest and smallest are
 * (found on the sampled curve, not from the gradient's angle, so a test can compare the two).
 * @param {number[]} g @param {number} n
 */
export function compassCurve(g, n = SAMPLES) {
  const slopes = new Float64Array(n);
  let iMax = 0;
  let iMin = 0;
  for (let k = 0; k < n; k++) {
    const t = (2 * Math.PI * k) / n;
    slopes[k] = g[0] * Math.cos(t) + g[1] * Math.sin(t);
    if (slopes[k] > slopes[iMax]) iMax = k;
    if (slopes[k] < slopes[iMin]) iMin = k;
  }
  return { slopes, maxAngle: (360 * iMax) / n, minAngle: (360 * iMin) / n, max: slopes[iMax], min: slopes[iMin] };
}

/** @param {number} a degrees @returns {number} in [0, 360) */
const wrap = (a) => ((a % 360) + 360) % 360;

/**
 * @param {HTMLElement} fig @param {any} bowl
 */
export function mountCompass(fig, bowl) {
  const program = bowl.program;
  const names = bowl.variables;
  const box = /** @type {HTMLElement} */ (fig.querySelector('[data-testid="compass-plot"]'));
  const input = /** @type {HTMLInputElement} */ (fig.querySelector("#compass-angle"));
  const out = /** @type {HTMLOutputElement} */ (fig.querySelector("#compass-angle-value"));
  const readout = /** @type {HTMLElement} */ (fig.querySelector('[data-testid="compass-readout"]'));
  let point = [2, 1];
  let angle = Number(input.value); // degrees, counter-clockwise from the w1 axis
  let here = evalPoint(program, point);
  let curve = compassCurve(here.gradient);
  let dragging = false;
  /** screen geometry of the last drawing, for hit-testing the handle */
  let handle = { x: 0, y: 0, r: 0, cx: 0, cy: 0 };

  const plot = createFieldPlot(box, program, bowl.view, {
    draw(ctx, pl) {
      const x = pl.sx(point[0]);
      const y = pl.sy(point[1]);
      const g = here.gradient;
      const norm = Math.hypot(g[0], g[1]);
      // the largest lobe's reach, px: a quarter of the plot, less near an edge so the handle
      // (R + 26 px out) stays on the plot
      const edge = Math.min(x, y, pl.width - x, pl.height - y);
      const R = Math.max(26, Math.min(Math.min(pl.width, pl.height) * 0.24, edge - 40));
      const k = norm > 0 ? R / norm : 0; // px per unit of slope, at this point
      const hr = R + 26; // the handle's circle
      // the zero-slope directions: the contour's tangent, with the right angle
      if (norm > 0) contourTangent(ctx, x, y, g[0] / norm, -g[1] / norm, R + 10);
      // the polar curve: one lobe for positive slopes, one for negative
      for (const positive of [true, false]) {
        ctx.beginPath();
        let started = false;
        for (let s = 0; s <= SAMPLES; s++) {
          const i = s % SAMPLES;
          const v = curve.slopes[i];
          if (positive ? v < 0 : v > 0) continue;
          const t = (2 * Math.PI * i) / SAMPLES;
          const r = Math.abs(v) * k;
          const px = x + r * Math.cos(t);
          const py = y - r * Math.sin(t);
          if (started) ctx.lineTo(px, py); else { ctx.moveTo(px, py); started = true; }
        }
        ctx.closePath();
        ctx.fillStyle = positive ? "rgba(192,57,43,0.16)" : "rgba(27,58,107,0.14)";
        ctx.fill();
        ctx.lineWidth = 4;
        ctx.strokeStyle = "rgba(255,255,255,0.85)";
        ctx.stroke();
        ctx.lineWidth = 2;
        ctx.strokeStyle = positive ? GRAD : DESC;
        ctx.stroke();
      }
      // the gradient and its opposite, to the same scale (their tips are the lobes' far ends)
      if (norm > 0) {
        arrow(ctx, x, y, x + g[0] * k, y - g[1] * k, GRAD);
        arrow(ctx, x, y, x - g[0] * k, y + g[1] * k, DESC, true);
        ctx.font = `italic 14px Georgia, "Times New Roman", serif`;
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        haloText(ctx, "∇L", x + (g[0] / norm) * (R + 14) + 10 * (-g[1] / norm), y - (g[1] / norm) * (R + 14) - 10 * (g[0] / norm), GRAD);
      }
      // the chosen direction u: a guide circle, the arrow to the handle, and where it meets the curve
      const t = angle * DEG;
      const ux = Math.cos(t);
      const uy = Math.sin(t);
      ctx.save();
      ctx.strokeStyle = "rgba(29,33,41,0.25)";
      ctx.setLineDash([2, 4]);
      ctx.beginPath();
      ctx.arc(x, y, hr, 0, 2 * Math.PI);
      ctx.stroke();
      ctx.restore();
      arrow(ctx, x, y, x + ux * (hr - 7), y - uy * (hr - 7), INK);
      const slope = g[0] * ux + g[1] * uy;
      const r = Math.abs(slope) * k;
      ctx.beginPath();
      ctx.arc(x + r * ux, y - r * uy, 5, 0, 2 * Math.PI);
      ctx.fillStyle = slope >= 0 ? GRAD : DESC;
      ctx.fill();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = "#fff";
      ctx.stroke();
      // the handle
      const hx = x + ux * hr;
      const hy = y - uy * hr;
      ctx.beginPath();
      ctx.arc(hx, hy, 8, 0, 2 * Math.PI);
      ctx.fillStyle = INK;
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = "#fff";
      ctx.stroke();
      ctx.font = `13px Georgia, "Times New Roman", serif`;
      const label = `slope ${fmt(slope, 3)}`;
      const tw = ctx.measureText(label).width;
      const right = ux >= 0 ? hx + 13 + tw < pl.width - 4 : hx - 13 - tw < 4;
      ctx.textAlign = right ? "left" : "right";
      ctx.textBaseline = "middle";
      haloText(ctx, label, hx + (right ? 13 : -13), Math.min(pl.height - 9, Math.max(9, hy)), INK);
      handle = { x: hx, y: hy, r: hr, cx: x, cy: y };
      dot(ctx, x, y);
    },
    // Hover moves the point. Pressing sets the point and then dragging away from it turns the
    // direction (so a mouse can set both); pressing on the handle turns the direction too.
    pointer(kind, p, px, e) {
      const onHandle = Math.hypot(px.x - handle.x, px.y - handle.y) < 18;
      if (kind === "down") {
        dragging = true;
        if (onHandle) aim(px);
        else setPoint(p);
      } else if (kind === "move") {
        if (dragging) {
          if (Math.hypot(px.x - handle.cx, px.y - handle.cy) > 12) aim(px);
        } else if (e.pointerType === "mouse") {
          setPoint(p);
        }
      } else {
        dragging = false;
      }
    },
    key(e) {
      const q = arrowKeyMove(e, point, plot.shown);
      if (!q) return false;
      setPoint(plot.clamp(q));
      return true;
    },
  });

  /** @param {number[]} p */
  function setPoint(p) {
    point = [p[0], p[1]];
    here = evalPoint(program, point);
    curve = compassCurve(here.gradient);
    update();
  }

  /** Point the direction from the point towards the pointer. @param {{x: number, y: number}} px */
  function aim(px) {
    setAngle(Math.atan2(handle.cy - px.y, px.x - handle.cx) / DEG);
  }

  /** @param {number} a degrees */
  function setAngle(a) {
    angle = Math.round(wrap(a)) % 360;
    input.value = String(angle);
    update();
  }

  function update() {
    plot.redraw();
    const g = here.gradient;
    const t = angle * DEG;
    const u = [Math.cos(t), Math.sin(t)];
    const slope = g[0] * u[0] + g[1] * u[1];
    const norm = Math.hypot(g[0], g[1]);
    const gradAngle = wrap(Math.atan2(g[1], g[0]) / DEG);
    out.value = `${angle}°`;
    Object.assign(readout.dataset, {
      point: `${point[0]},${point[1]}`,
      gradient: `${g[0]},${g[1]}`,
      angle: String(angle),
      slope: String(slope),
      maxAngle: String(curve.maxAngle),
      minAngle: String(curve.minAngle),
      maxSlope: String(curve.max),
      gradientAngle: norm > 0 ? String(gradAngle) : "",
    });
    const w1 = varHtml(names[0]);
    const w2 = varHtml(names[1]);
    const cmp = slope > 1e-12 ? "uphill" : slope < -1e-12 ? "downhill" : "level";
    const zero = norm > 0 ? `${fmt(wrap(gradAngle + 90), 4)}° and ${fmt(wrap(gradAngle - 90), 4)}°` : "every direction";
    readout.innerHTML = `<p class="readout-main">At (${w1}, ${w2}) = (${fmt(point[0], 3)}, ${fmt(point[1], 3)}): ∇<i>L</i> = (${fmt(g[0], 4)}, ${fmt(g[1], 4)}), length ${fmt(norm, 4)}.</p>`
      + `<p>Direction θ = ${angle}°, <b>u</b> = (${fmt(u[0], 3)}, ${fmt(u[1], 3)}): slope ∇<i>L</i>·<b>u</b> = <strong data-testid="compass-slope">${fmt(slope, 4)}</strong> (${cmp}).</p>`
      + (norm > 0
        ? `<ul class="readout-signs"><li>Steepest up: θ = ${fmt(curve.maxAngle, 4)}°, slope ${fmt(curve.max, 4)}; the gradient's own direction is ${fmt(gradAngle, 4)}°.</li>`
          + `<li>Steepest down: θ = ${fmt(curve.minAngle, 4)}°, slope ${fmt(curve.min, 4)}.</li>`
          + `<li>Level (slope 0): θ = ${zero}, along the contour.</li></ul>`
        : `<p>The gradient is zero here: the slope is 0 in every direction.</p>`);
  }

  input.addEventListener("input", () => setAngle(Number(input.value)));
  setPoint(point);
}
