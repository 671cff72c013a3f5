// Compare optimizers: one start, every optimizer at once, each at a learning rate tuned for the
// surface. A gallery surface carries its tuned rates ("rates", gallery.RATES, chosen by the
// search in src/gradscape/rates.py); any other surface uses each optimizer's own default.
//
//   rateFor(compiled, "momentum") -> 0.00178 on Rosenbrock, 0.02 on a typed formula
//   compareSpecs(compiled, [x, y]) -> one run spec per optimizer (Newton only with a Hessian)

import { OPTIMIZERS, optimizerInfo } from "../core/optimizers.js";

/**
 * The learning rate an optimizer starts with on this surface: the gallery's tuned rate, else
 * (for gd) the gallery's own rate, else the optimizer's default.
 * @param {{rates?: Record<string, number>|null, lr?: number|null}|null} compiled @param {string} optimizer
 */
export function rateFor(compiled, optimizer) {
  const tuned = compiled && compiled.rates ? Number(compiled.rates[optimizer]) : NaN;
  if (Number.isFinite(tuned) && tuned > 0) return tuned;
  if (optimizer === "gd" && compiled && typeof compiled.lr === "number" && compiled.lr > 0) return compiled.lr;
  const info = optimizerInfo(optimizer);
  return info ? info.defaults.lr : 0.1;
}

/** Whether the rate comes from the surface's tuned table. @param {any} compiled @param {string} optimizer */
export function isTuned(compiled, optimizer) {
  return Boolean(compiled && compiled.rates && Number(compiled.rates[optimizer]) > 0);
}

/**
 * One run per optimizer from `start`, each at its rate for the surface and its other defaults.
 * Newton's method needs the Hessian, so it joins only when the program carries one.
 * @param {any} compiled @param {number[]} start
 * @returns {import("./runs.js").RunSpec[]}
 */
export function compareSpecs(compiled, start) {
  const hasHessian = Boolean(compiled && compiled.program && compiled.program.hessian);
  return OPTIMIZERS.filter((o) => o.name !== "newton" || hasHessian).map((o) => ({
    optimizer: o.name,
    lr: rateFor(compiled, o.name),
    start: [start[0], start[1]],
  }));
}
