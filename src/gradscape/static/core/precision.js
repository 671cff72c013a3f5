// How many digits a number needs: what a view of the plane can show, no more. Links carry these
// short numbers (p=1.25,-0.5, not 17 digits), and a dropped ball starts at its rounded point, so
// the start a link stores is exactly the start the run used and a replay draws the same path.
//
//   viewStep(view)        a power of ten about a thousandth of the view's shorter side
//   roundTo(v, step)      v on that step, printed shortly (0.1 + 0.2 -> 0.3, not 0.30000000000000004)
//   roundPoint(p, view)   both coordinates of a point

/** @typedef {{x: number[], y: number[]}} ViewLike */

/** A thousandth of the shorter side, as a power of ten (1000 steps outnumber a plot's pixels). */
export function viewStep(/** @type {ViewLike|null|undefined} */ view) {
  const span = view ? Math.min(Math.abs(view.x[1] - view.x[0]), Math.abs(view.y[1] - view.y[0])) : NaN;
  if (!(span > 0) || !Number.isFinite(span)) return 1e-6;
  return 10 ** Math.floor(Math.log10(span / 1000));
}

/** v rounded to a multiple of `step` (a power of ten), without binary noise. @param {number} v @param {number} step */
export function roundTo(v, step) {
  if (!Number.isFinite(v) || !(step > 0)) return v;
  const decimals = Math.max(0, Math.min(20, -Math.floor(Math.log10(step) + 1e-9)));
  const r = Number((Math.round(v / step) * step).toFixed(decimals));
  return Object.is(r, -0) ? 0 : r;
}

/** @param {number[]} p @param {ViewLike|null|undefined} view @returns {number[]} */
export function roundPoint(p, view) {
  const step = viewStep(view);
  return p.map((c) => roundTo(c, step));
}

/** A number in a link: 12 significant digits at most, shortest form. @param {number} v */
export function short(v) {
  return String(Number(v.toPrecision(12)));
}
