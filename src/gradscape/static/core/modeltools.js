// Arithmetic the model panels share, free of the page (so node's tests run it): seeded
// minibatches, the top Hessian eigenvalue by power iteration, projections and angles.
//
//   seededRandom(seed) -> () => [0, 1)            mulberry32: the same numbers on every run
//   minibatches(n, size, count, seed) -> Int32Array[]   `count` samples of `size` distinct indices
//   hessianVector(lossAndGradient, w, g0?) -> (v) => H v   central differences of exact gradients
//   topEigenvalue(hv, p, opts) -> {value, iterations, converged}   the largest (algebraic)
//   project(g, d1, d2) -> [g.d1, g.d2];  angleDegrees(u, v);  noiseSummary(full, batches)

/**
 * A seeded generator of uniform numbers in [0, 1) (mulberry32): small, fast, and the same
 * sequence for the same seed everywhere.
 * @param {number} seed any number (its low 32 bits are used)
 */
export function seededRandom(seed) {
  let a = (Math.trunc(seed) >>> 0) ^ 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` minibatches of `size` distinct example indices from 0..n-1, each a partial
 * Fisher-Yates shuffle; batch k depends only on (n, size, seed, k), so changing the count keeps
 * the earlier batches.
 * @param {number} n examples @param {number} size per batch (1..n) @param {number} count
 * @param {number} seed
 * @returns {Int32Array[]}
 */
export function minibatches(n, size, count, seed) {
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`n must be a whole number >= 1; got ${n}`);
  if (!(Number.isInteger(size) && size >= 1 && size <= n)) throw new Error(`The batch size must be a whole number from 1 to ${n}; got ${size}`);
  /** @type {Int32Array[]} */
  const out = [];
  const deck = new Int32Array(n);
  for (let k = 0; k < count; k++) {
    const rand = seededRandom(seed * 1000003 + k);
    for (let i = 0; i < n; i++) deck[i] = i;
    for (let i = 0; i < size; i++) {
      const j = i + Math.floor(rand() * (n - i));
      const t = deck[i];
      deck[i] = deck[j];
      deck[j] = t;
    }
    out.push(deck.slice(0, size));
  }
  return out;
}

/** @param {ArrayLike<number>} a @param {ArrayLike<number>} b */
export function dot(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** [g . d1, g . d2]: a full gradient seen on the plane. @param {ArrayLike<number>} g @param {ArrayLike<number>} d1 @param {ArrayLike<number>} d2 */
export function project(g, d1, d2) {
  return [dot(g, d1), dot(g, d2)];
}

/** The angle between two 2D vectors in degrees, 0 to 180 (NaN if either is zero). @param {number[]} u @param {number[]} v */
export function angleDegrees(u, v) {
  const nu = Math.hypot(u[0], u[1]);
  const nv = Math.hypot(v[0], v[1]);
  if (!(nu > 0 && nv > 0)) return NaN;
  // atan2 of cross and dot: accurate for tiny and near-180 angles alike
  return (Math.atan2(Math.abs(u[0] * v[1] - u[1] * v[0]), u[0] * v[0] + u[1] * v[1]) * 180) / Math.PI;
}

/**
 * How minibatch gradients scatter around the full one: `spread` is the root-mean-square
 * distance |g_k - g| (the noise SGD adds to a step, per unit learning rate), `relative` that
 * over |g|, `meanAngle` the average angle to g in degrees, `mean` the batches' average.
 * @param {number[]} full @param {number[][]} batches
 */
export function noiseSummary(full, batches) {
  const k = batches.length;
  let sq = 0;
  let angles = 0;
  let counted = 0;
  const mean = [0, 0];
  for (const b of batches) {
    sq += (b[0] - full[0]) ** 2 + (b[1] - full[1]) ** 2;
    mean[0] += b[0] / k;
    mean[1] += b[1] / k;
    const a = angleDegrees(b, full);
    if (Number.isFinite(a)) { angles += a; counted += 1; }
  }
  const spread = k ? Math.sqrt(sq / k) : NaN;
  const norm = Math.hypot(full[0], full[1]);
  return { spread, relative: norm > 0 ? spread / norm : Infinity, meanAngle: counted ? angles / counted : NaN, mean };
}

/**
 * H v by central differences of exact gradients, (g(w + h v) - g(w - h v)) / 2h with
 * h = 1e-4 / |v| (accurate to about 1e-8 relative for a smooth loss: the error is h^2 times
 * the third derivative, the rounding eps |g| / h).
 * @param {(w: Float64Array) => {gradient: ArrayLike<number>}} lossAndGradient
 * @param {ArrayLike<number>} w
 * @returns {(v: Float64Array) => Float64Array}
 */
export function hessianVector(lossAndGradient, w, step = 1e-4) {
  const p = w.length;
  const plus = new Float64Array(p);
  const minus = new Float64Array(p);
  return (v) => {
    const h = step / Math.max(1e-300, Math.sqrt(dot(v, v)));
    for (let i = 0; i < p; i++) { plus[i] = w[i] + h * v[i]; minus[i] = w[i] - h * v[i]; }
    const gp = lossAndGradient(plus).gradient;
    const gm = lossAndGradient(minus).gradient;
    const out = new Float64Array(p);
    for (let i = 0; i < p; i++) out[i] = (gp[i] - gm[i]) / (2 * h);
    return out;
  };
}

/**
 * The largest (algebraic) eigenvalue of a symmetric operator by power iteration: the Rayleigh
 * quotient v.Hv of the normalised iterate, until it changes by less than tol (relative). Power
 * iteration finds the eigenvalue largest in size; if that is negative the iteration is rerun on
 * H - lambda I, whose largest is lambda_max - lambda. Async and chunked (one product per
 * `await`), so the page keeps responding; `signal` aborts, `onProgress(k)` counts products.
 * @param {(v: Float64Array) => Float64Array} hv
 * @param {number} p the dimension
 * @param {{tol?: number, maxIterations?: number, seed?: number, signal?: AbortSignal,
 *          onProgress?: (products: number) => void, yieldEvery?: number}} [opts]
 * @returns {Promise<{value: number, iterations: number, converged: boolean, vector: Float64Array}>}
 */
export async function topEigenvalue(hv, p, opts = {}) {
  const tol = opts.tol ?? 1e-6;
  const maxIterations = opts.maxIterations ?? 200;
  const yieldEvery = opts.yieldEvery ?? 1;
  let products = 0;
  /** @param {number} shift */
  const run = async (shift) => {
    const rand = seededRandom(opts.seed ?? 0);
    let v = new Float64Array(p);
    for (let i = 0; i < p; i++) v[i] = rand() - 0.5;
    let norm = Math.sqrt(dot(v, v));
    for (let i = 0; i < p; i++) v[i] /= norm;
    let lambda = NaN;
    for (let k = 1; k <= maxIterations; k++) {
      if (opts.signal?.aborted) throw new DOMException("stopped", "AbortError");
      const hvk = hv(v);
      if (shift) for (let i = 0; i < p; i++) hvk[i] -= shift * v[i];
      products += 1;
      opts.onProgress?.(products);
      const next = dot(v, hvk); // the Rayleigh quotient of the unit vector v
      norm = Math.sqrt(dot(hvk, hvk));
      if (!(norm > 0) || !Number.isFinite(norm)) return { value: next, iterations: k, converged: norm === 0, vector: v };
      const done = Math.abs(next - lambda) <= tol * Math.abs(next);
      lambda = next;
      for (let i = 0; i < p; i++) hvk[i] /= norm;
      v = hvk;
      if (done) return { value: lambda, iterations: k, converged: true, vector: v };
      if (k % yieldEvery === 0) await new Promise((r) => setTimeout(r, 0));
    }
    return { value: lambda, iterations: maxIterations, converged: false, vector: v };
  };
  const first = await run(0);
  if (first.value >= 0) return first;
  const second = await run(first.value);
  return { ...second, value: second.value + first.value, iterations: first.iterations + second.iterations };
}
