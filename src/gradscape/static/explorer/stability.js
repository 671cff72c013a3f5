// The stability limit on the learning-rate slider, as the lesson's bowl figure draws it: near a
// point the surface is close to the quadratic of its Hessian H there, and on a quadratic whose
// steepest curvature (H's largest eigenvalue) is λmax a fixed-rate method converges only below a
// limit: gradient descent for lr < 2/λmax, heavy-ball momentum for lr < 2(1 + β)/λmax, Nesterov
// for lr < 2(1 + β)/((1 + 2β)λmax), damped Newton for lr < 2 (wherever H is positive definite).
// AdaGrad, RMSProp and Adam divide each step by the gradient's own size: no fixed limit.
//
//   limitFor("gd", {lr: 0.1}, [6, 2]) -> {limit: 0.333…, formula: "2/λmax"}
//   const mark = createStabilityMark(slider, 1e-4, 10, uid); mark.update(program, point, "gd", settings)

import { stabilityLimit, paddingOf } from "../core/optimizers.js";
import { fmt } from "../core/format.js";

/**
 * The limit for an optimizer given the Hessian's eigenvalues (largest first), or null where no
 * fixed limit applies (the adaptive methods) or the surface does not curve upward.
 * @param {string} optimizer @param {Record<string, number>} settings @param {number[]} eig
 * @returns {{limit: number, formula: string}|null}
 */
export function limitFor(optimizer, settings, eig) {
  const top = eig[0];
  const beta = Number(settings.beta ?? 0.9);
  if (optimizer === "newton") return { limit: 2, formula: "2 (Newton's step is exact on a quadratic; twice it overshoots by as much)" };
  if (!(top > 0)) return null;
  if (optimizer === "gd") return { limit: 2 / top, formula: "2/λmax" };
  if (optimizer === "momentum") return { limit: (2 * (1 + beta)) / top, formula: "2(1 + β)/λmax" };
  if (optimizer === "nesterov") return { limit: (2 * (1 + beta)) / ((1 + 2 * beta) * top), formula: "2(1 + β)/((1 + 2β)λmax)" };
  return null;
}

/** A rate for reading: 3 significant digits, a fraction where it is one (1/3). @param {number} v */
function rateText(v) {
  for (const d of [2, 3, 4, 5, 6, 8, 10, 12]) {
    const n = Math.round(v * d);
    if (n > 0 && n < 100 && Math.abs(v * d - n) < 1e-9 * d && d > 1 && n % d !== 0) return `${n}/${d} ≈ ${fmt(v, 3)}`;
  }
  return fmt(v, 3);
}

/**
 * Put a mark on the log-scale slider at the limit, and a sentence under the controls.
 * @param {HTMLInputElement} slider its value is log10(lr) @param {number} lrMin @param {number} lrMax
 * @param {string} uid
 */
export function createStabilityMark(slider, lrMin, lrMax, uid) {
  const wrap = document.createElement("div");
  wrap.className = "gs-lr-track";
  slider.replaceWith(wrap);
  const scale = document.createElement("div");
  scale.className = "gs-lr-scale";
  scale.setAttribute("aria-hidden", "true");
  wrap.append(slider, scale);
  const sentence = document.createElement("p");
  sentence.className = "gs-limit";
  sentence.id = `${uid}-lr-limit`;
  sentence.setAttribute("data-testid", "lr-limit");
  const described = slider.getAttribute("aria-describedby");
  slider.setAttribute("aria-describedby", `${described ? `${described} ` : ""}${sentence.id}`);

  /** @param {number|null} limit @param {string} label @param {boolean} over */
  function drawMark(limit, label, over) {
    if (limit === null || !(limit > lrMin && limit < lrMax)) { scale.replaceChildren(); return; }
    const lo = Math.log10(lrMin);
    const hi = Math.log10(lrMax);
    const t = (Math.log10(limit) - lo) / (hi - lo);
    const mark = document.createElement("span");
    mark.className = over ? "gs-lr-limit gs-over" : "gs-lr-limit";
    mark.dataset.limit = String(limit);
    // a range thumb travels the track minus its own width (about 16 px)
    mark.style.left = `calc(${t * 100}% + ${(0.5 - t) * 16}px)`;
    mark.textContent = label;
    scale.replaceChildren(mark);
  }

  return {
    element: sentence,
    /**
     * @param {any} program @param {number[]|null} point where the next ball starts
     * @param {string} optimizer @param {Record<string, number>} settings lr and the rest
     */
    update(program, point, optimizer, settings) {
      const lr = Number(settings.lr);
      // the point in the variables L depends on (a formula of x alone: its x)
      const pad = program ? paddingOf(program) : [];
      const own = point ? point.slice(0, 2).filter((_, k) => !pad.includes(k)) : [];
      const at = point ? `(${(own.length ? own : point.slice(0, 2)).map((c) => fmt(c, 3)).join(", ")})` : "";
      const found = program && point ? stabilityLimit(program, point) : null;
      sentence.dataset.limit = "";
      sentence.dataset.over = "";
      if (!found) {
        drawMark(null, "", false);
        sentence.textContent = program && !program.hessian
          ? "The stability limit needs the Hessian, which this surface was compiled without."
          : point ? `The Hessian is undefined at ${at}: no stability limit there.` : "";
        return;
      }
      const eig = found.eigenvalues;
      const lam = `λmax = ${fmt(eig[0], 4)}`;
      if (optimizer === "newton" && !(eig[eig.length - 1] > 0)) {
        drawMark(null, "", false);
        sentence.textContent = `The Hessian at ${at} is not positive definite (eigenvalues ${eig.map((v) => fmt(v, 3)).join(" and ")}): Newton's method stops there, with no step.`;
        return;
      }
      const lim = limitFor(optimizer, settings, eig);
      if (!lim) {
        drawMark(null, "", false);
        sentence.textContent = !(eig[0] > 0)
          ? `At ${at} the surface curves upward in no direction (${lam}): no rate is too large for stability here, and descent runs downhill.`
          : `At ${at}, ${lam}. This method divides each step by the gradient's own size, so no fixed limit applies (gradient descent's would be 2/λmax = ${rateText(2 / eig[0])}).`;
        return;
      }
      const over = lr >= lim.limit;
      sentence.dataset.limit = String(lim.limit);
      sentence.dataset.over = String(over);
      drawMark(lim.limit, `limit ${fmt(lim.limit, 3)}`, over);
      const head = optimizer === "newton"
        ? `Newton's method is stable for lr < ${lim.formula}`
        : `At ${at}, ${lam}: stable for lr < ${lim.formula} = ${rateText(lim.limit)}`;
      const verdict = over
        ? ` lr = ${fmt(lr, 3)} is above it: on the quadratic that matches the surface here each step would overshoot farther and the run would diverge (the real surface may curve less farther on).`
        : ` lr = ${fmt(lr, 3)} is below it.`;
      sentence.textContent = `${head}.${verdict}`;
    },
  };
}
