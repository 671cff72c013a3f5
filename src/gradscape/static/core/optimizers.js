// Gradient descent and its cousins, run in the browser on a compiled program: the same update
// rules, defaults and stop rules as src/gradscape/descent.py (read that module's docstring; the
// arithmetic below is written in the same order so the two agree to rounding).
//
//   gd        x <- x - lr g
//   momentum  v <- beta v + g;  x <- x - lr v
//   nesterov  v <- beta v + grad(x - lr beta v);  x <- x - lr v   (first step: grad at x)
//   adagrad   s <- s + g^2;  x <- x - lr g / (sqrt(s) + eps)
//   rmsprop   s <- rho s + (1 - rho) g^2;  x <- x - lr g / (sqrt(s) + eps)
//   adam      m <- b1 m + (1 - b1) g;  s <- b2 s + (1 - b2) g^2;
//             x <- x - lr (m / (1 - b1^t)) / (sqrt(s / (1 - b2^t)) + eps)
//   newton    x <- x - lr H^-1 g   (H the Hessian at x, by Cholesky; the program must carry it)
//
// A run stops "converged" when |grad| < tol at a recorded point (the start included),
// "diverged" when a point, its value or its gradient is not finite or it runs away
// (|value| > 1e6 max(1, |value at start|), or a |coordinate| > 1e6 max(1, max |start|), or the
// value at a new high RISING = 10 steps in a row),
// "failed" (Newton only: the Hessian is not positive definite, singular or undefined where the
// next step would start), or "max_steps". The explorer caps runs at EXPLORER_STEPS = 2000 steps.

import { evalPoint } from "./evaluator.js";

/** The most steps the explorer runs (widget.EXPLORER_STEPS; Python's descend allows up to
 * descent.MAX_STEPS, its default is 100). tests/test_front_end_facts.py holds the two equal. */
export const EXPLORER_STEPS = 2000;
/** Runaway factor, as descent.RUNAWAY. */
export const RUNAWAY = 1e6;
/** A value at a new high this many steps in a row diverged, as descent.RISING. */
export const RISING = 10;
export const TOL = 1e-6;

/**
 * @typedef {{name: string, title: string, short: string, update: string, defaults: Record<string, number>,
 *            convention: string}} OptimizerInfo
 * @typedef {"converged"|"diverged"|"max_steps"|"failed"} Stopped
 * @typedef {{optimizer: string, settings: Record<string, number>, points: number[][],
 *            values: number[], gradients: number[][], stopped: Stopped|"invalid", reason: string,
 *            steps: number}} Trajectory
 */

/** @type {OptimizerInfo[]} in descent.OPTIMIZERS order; `convention` is descent.py's sentence */
export const OPTIMIZERS = [
  { name: "gd", short: "Gradient descent", title: "Gradient descent", update: "x ← x − lr·g", defaults: { lr: 0.1 },
    convention: "The same update as torch.optim.SGD and optax.sgd." },
  { name: "momentum", short: "Momentum", title: "Momentum (heavy ball)", update: "v ← βv + g;  x ← x − lr·v", defaults: { lr: 0.02, beta: 0.9 },
    convention: "The same update as torch.optim.SGD(momentum=β) (no dampening) and optax.sgd(momentum=β)." },
  { name: "nesterov", short: "Nesterov momentum", title: "Nesterov momentum", update: "v ← βv + ∇L(x − lr·βv);  x ← x − lr·v", defaults: { lr: 0.02, beta: 0.9 },
    convention: "The gradient is taken at the look-ahead point (Sutskever et al.). torch.optim.SGD(nesterov=True) and optax.sgd(nesterov=True) take it at their own point and step by lr·(g + βv): the same run in other coordinates; their points are the look-ahead points x − lr·βv here." },
  { name: "adagrad", short: "AdaGrad", title: "AdaGrad", update: "s ← s + g²;  x ← x − lr·g / (√s + ε)", defaults: { lr: 0.5, eps: 1e-8 },
    convention: "As torch.optim.Adagrad (s starts at 0, ε outside the root; torch's default ε is 1e-10). optax.adagrad starts s at 0.1 and puts ε inside the root, g / √(s + ε); with initial_accumulator_value=0, eps=0 it is this run." },
  { name: "rmsprop", short: "RMSProp", title: "RMSProp", update: "s ← ρs + (1 − ρ)g²;  x ← x − lr·g / (√s + ε)", defaults: { lr: 0.1, rho: 0.9, eps: 1e-8 },
    convention: "As torch.optim.RMSprop (ρ is torch's alpha, default 0.99 there; ε outside the root). optax.rmsprop puts ε inside the root, g / √(s + ε), unless eps_in_sqrt=False; its decay defaults to 0.9, as here." },
  { name: "adam", short: "Adam", title: "Adam", update: "m ← β₁m + (1 − β₁)g;  s ← β₂s + (1 − β₂)g²;  x ← x − lr·m̂ / (√ŝ + ε)", defaults: { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
    convention: "The same update as torch.optim.Adam and optax.adam (bias-corrected: m̂ = m / (1 − β₁ᵗ), ŝ = s / (1 − β₂ᵗ); ε outside the root)." },
  { name: "newton", short: "Newton's method", title: "Newton's method", update: "x ← x − lr·H⁻¹g", defaults: { lr: 1 },
    convention: "Damped Newton (lr = 1 is the pure step; H is the Hessian at x); neither torch.optim nor optax has it. It stops where the Hessian is not positive definite." },
];

/** The hyperparameters other than lr: their symbol, what they do and their range (descent.Param). */
export const PARAMS = {
  beta: { symbol: "β", doc: "fraction of the velocity kept from step to step", fraction: true },
  rho: { symbol: "ρ", doc: "decay rate of the running average of g²", fraction: true },
  beta1: { symbol: "β₁", doc: "decay rate of the running average of g", fraction: true },
  beta2: { symbol: "β₂", doc: "decay rate of the running average of g²", fraction: true },
  eps: { symbol: "ε", doc: "small number added to the denominator so it is never 0", fraction: false },
};

/** An eigenvalue within SINGULAR x |the largest| of 0 makes the Hessian singular (descent.SINGULAR). */
export const SINGULAR = 1e-12;

/** @param {string} name */
export function optimizerInfo(name) {
  return OPTIMIZERS.find((o) => o.name === name);
}

/**
 * One optimizer step, elementwise over the coordinates; returns the new point. `state` holds
 * the arrays v / s / m (created by the caller as zeros) and is updated in place.
 * @param {string} name @param {number[]} x @param {number[]} g
 * @param {{v: number[], s: number[], m: number[], H?: number[][]}} state @param {number} t 1, 2, ...
 * @param {Record<string, number>} h @param {(p: number[]) => number[]} gradAt
 * @returns {number[]}
 */
export function step(name, x, g, state, t, h, gradAt) {
  const d = x.length;
  const lr = h.lr;
  const out = new Array(d);
  switch (name) {
    case "gd":
      for (let i = 0; i < d; i++) out[i] = x[i] - lr * g[i];
      return out;
    case "momentum": {
      const { v } = state;
      for (let i = 0; i < d; i++) { v[i] = h.beta * v[i] + g[i]; out[i] = x[i] - lr * v[i]; }
      return out;
    }
    case "nesterov": {
      const { v } = state;
      // on the first step v = 0, so the look-ahead point is x itself: reuse g (as Python does)
      const anyV = v.some((vi) => vi !== 0);
      let ga = g;
      if (anyV) {
        const ahead = new Array(d);
        for (let i = 0; i < d; i++) ahead[i] = x[i] - lr * h.beta * v[i];
        ga = gradAt(ahead);
      }
      for (let i = 0; i < d; i++) { v[i] = h.beta * v[i] + ga[i]; out[i] = x[i] - lr * v[i]; }
      return out;
    }
    case "adagrad": {
      const { s } = state;
      for (let i = 0; i < d; i++) { s[i] = s[i] + g[i] * g[i]; out[i] = x[i] - lr * g[i] / (Math.sqrt(s[i]) + h.eps); }
      return out;
    }
    case "rmsprop": {
      const { s } = state;
      const rho = h.rho;
      for (let i = 0; i < d; i++) {
        s[i] = rho * s[i] + (1 - rho) * g[i] * g[i];
        out[i] = x[i] - lr * g[i] / (Math.sqrt(s[i]) + h.eps);
      }
      return out;
    }
    case "adam": {
      const { m, s } = state;
      const b1 = h.beta1;
      const b2 = h.beta2;
      const c1 = 1 - b1 ** t;
      const c2 = 1 - b2 ** t;
      for (let i = 0; i < d; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        s[i] = b2 * s[i] + (1 - b2) * g[i] * g[i];
        const mHat = m[i] / c1;
        const sHat = s[i] / c2;
        out[i] = x[i] - lr * mHat / (Math.sqrt(sHat) + h.eps);
      }
      return out;
    }
    case "newton": {
      const dir = choleskySolve(/** @type {number[][]} */ (state.H), g);
      for (let i = 0; i < d; i++) out[i] = x[i] - lr * dir[i];
      return out;
    }
    default:
      throw new Error(`Unknown optimizer '${name}'`);
  }
}

/**
 * The settings a run uses: the optimizer's defaults overridden by the given ones (unknown keys
 * and non-numbers ignored; out-of-range values fall back to the default).
 * @param {string} name @param {Record<string, unknown>} given
 */
export function settingsFor(name, given) {
  const info = optimizerInfo(name);
  if (!info) throw new Error(`Unknown optimizer '${name}'. Use one of: ${OPTIMIZERS.map((o) => o.name).join(", ")}.`);
  /** @type {Record<string, number>} */
  const out = {};
  for (const [k, def] of Object.entries(info.defaults)) {
    const v = Number(given[k]);
    const fraction = k in PARAMS && PARAMS[/** @type {keyof typeof PARAMS} */ (k)].fraction;
    const ok = Number.isFinite(v) && (fraction ? v >= 0 && v < 1 : v > 0);
    out[k] = given[k] !== undefined && given[k] !== null && ok ? v : def;
  }
  return out;
}

/**
 * Python's `format(x, f".{p}g")`: p significant digits, trailing zeros dropped, exponent form
 * (two-digit exponent) below 1e-4 or from 10^p; "nan", "inf", "-inf" as Python writes them.
 * The reasons below are word for word descent.py's, so numbers are written as Python does.
 * @param {number} x @param {number} p
 */
export function formatG(x, p) {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  // JavaScript rounds an exact tie (0.125 to 2 digits) up, Python to even: settle ties first
  const [digits, e0] = Math.abs(x).toExponential(p + 20).split("e");
  const d = digits.replace(".", "");
  if (/^50*$/.test(d.slice(p)) && Number(d[p - 1]) % 2 === 0) {
    x = Math.sign(x) * Number(`${d[0]}.${d.slice(1, p)}e${e0}`);
  }
  const [mantissa, e] = x.toExponential(p - 1).split("e");
  const exp = Number(e);
  const trim = (/** @type {string} */ t) => (t.includes(".") ? t.replace(/0+$/, "").replace(/\.$/, "") : t);
  if (exp >= -4 && exp < p) return trim(x.toFixed(p - 1 - exp));
  return `${trim(mantissa)}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
}

/** A short number for a sentence, as descent._num: 8.1e-7, 0.012, 3, 1.2e7, nan, inf. @param {number} x @param {number} [digits] */
export function num(x, digits = 2) {
  const s = formatG(x, digits);
  if (!s.includes("e") || !Number.isFinite(x)) return s;
  const [mantissa, exp] = s.split("e");
  return `${mantissa}e${Number(exp)}`;
}

/** A point as descent._point writes it: (3, 1), (1e-07, 2.5). @param {number[]} p */
export const pointText = (p) => `(${p.map((c) => formatG(c, 6)).join(", ")})`;

/** @param {number} n */
const stepsText = (n) => (n === 1 ? "1 step" : `${n} steps`);

/**
 * Run an optimizer from `start` on the program's surface, recording every point.
 * Never throws for anything that happens during the run; a start where the function or its
 * gradient is undefined gives a trajectory with `stopped: "invalid"` and no steps.
 * @param {import("./evaluator.js").Program} program
 * @param {number[]} start
 * @param {string} optimizer
 * @param {Record<string, unknown>} [given] lr and other hyperparameters
 * @param {number} [steps] @param {number} [tol]
 * @returns {Trajectory}
 */
export function descend(program, start, optimizer = "gd", given = {}, steps = EXPLORER_STEPS, tol = TOL) {
  const d = start.length;
  /** @param {ArrayLike<number>} x @returns {{value: number, gradient: number[]}} */
  const evaluate = (x) => {
    const p = Array.from(x);
    if (!p.every(Number.isFinite)) return { value: NaN, gradient: new Array(d).fill(NaN) };
    const r = evalPoint(program, p);
    return { value: r.value, gradient: r.gradient.slice(0, d) };
  };
  const x0 = start.map(Number);
  const hessianAt = program.hessian
    ? (/** @type {ArrayLike<number>} */ x) => /** @type {number[][]} */ (evalPoint(program, Array.from(x)).hessian).slice(0, d).map((row) => row.slice(0, d))
    : null;
  const run = startRun(evaluate, x0, optimizer, given, steps, tol, hessianAt, paddingOf(program).filter((k) => k < d));
  /** @type {Trajectory} */
  const traj = {
    optimizer, settings: run.settings, points: [x0], values: [], gradients: [],
    stopped: "max_steps", reason: "", steps: 0,
  };
  if (allFinite(x0)) {
    traj.values.push(run.value);
    traj.gradients.push(Array.from(run.gradient));
  }
  while (run.next()) {
    traj.points.push(Array.from(run.x));
    traj.values.push(run.value);
    traj.gradients.push(Array.from(run.gradient));
  }
  return { ...traj, stopped: run.stopped === "running" ? "max_steps" : run.stopped, reason: run.reason, steps: run.t };
}

/**
 * @typedef {{value: number, gradient: ArrayLike<number>}} Evaluation
 * @typedef {{settings: Record<string, number>, x: ArrayLike<number>, value: number,
 *            gradient: ArrayLike<number>, t: number, norm: number,
 *            stopped: Stopped|"invalid"|"running", reason: string, next: () => boolean,
 *            extend: (more: number) => boolean}} Run
 */

/**
 * A run one step at a time, on any function of any number of variables (a formula's two, a
 * network's 85,002 weights): the same update rules, stop rules and sentences as `descend` and
 * descent.py. `evaluate(x)` gives the value and the whole gradient at x (NaN where undefined).
 * After each `next()` the run's x, value and gradient are the new point's; `next()` returns
 * false once the run has stopped (`stopped` and `reason` then say why), and at once for a start
 * that is invalid or already converged. `extend(more)` lets a run that stopped at its step limit
 * go on for `more` steps with its state (velocity, moments) kept; it returns false otherwise.
 * @param {(x: Float64Array) => Evaluation} evaluate
 * @param {ArrayLike<number>} start
 * @param {string} optimizer
 * @param {Record<string, unknown>} [given] lr and other hyperparameters
 * @param {number} [steps] the most steps @param {number} [tol]
 * @param {((x: ArrayLike<number>) => number[][]) | null} [hessianAt] the Hessian at x (Newton's
 *   method needs it; its run stops, "failed", where the Hessian is not positive definite)
 * @param {number[]} [padding] variables the function does not depend on (paddingOf): Newton's
 *   method solves on the others and leaves these where they are
 * @returns {Run}
 */
export function startRun(evaluate, start, optimizer = "gd", given = {}, steps = EXPLORER_STEPS, tol = TOL, hessianAt = null, padding = []) {
  const settings = settingsFor(optimizer, given);
  const d = start.length;
  const x0 = Float64Array.from(start, Number);
  /** @type {Run} */
  const run = {
    settings, x: x0, value: NaN, gradient: new Float64Array(d).fill(NaN), t: 0, norm: NaN,
    stopped: "running", reason: "", next: () => false, extend: () => false,
  };
  const invalid = (/** @type {string} */ reason) => Object.assign(run, { stopped: "invalid", reason });
  if (!allFinite(x0)) return invalid(`The start ${pointText(Array.from(x0))} is not finite; give ordinary numbers.`);
  const e0 = evaluate(x0);
  run.value = e0.value;
  run.gradient = e0.gradient;
  if (!Number.isFinite(e0.value)) return invalid(`The function is undefined at ${pointText(Array.from(x0))}; start somewhere it is defined.`);
  if (!allFinite(e0.gradient)) return invalid(`The gradient is undefined at ${pointText(Array.from(x0))}; start somewhere it is defined.`);
  /** @type {{v: Float64Array, s: Float64Array, m: Float64Array, H?: number[][]}} */
  const state = { v: new Float64Array(d), s: new Float64Array(d), m: new Float64Array(d) };
  const curvature = optimizer === "newton";
  if (curvature && !hessianAt) {
    return invalid("Newton's method needs the Hessian, and this surface was compiled without it; use a gradient method.");
  }
  const gradAt = (/** @type {ArrayLike<number>} */ p) => evaluate(Float64Array.from(p)).gradient;
  const far0 = maxAbs(x0);
  let high = e0.value; // the highest value so far, and for how many steps in a row (descent.py)
  let rising = 0;
  run.norm = Math.sqrt(dot(e0.gradient, e0.gradient));
  if (run.norm < tol) {
    return Object.assign(run, { stopped: "converged", reason: `converged: |grad| = ${below(run.norm, tol)} at the start (0 steps)` });
  }
  run.extend = (more) => {
    if (run.stopped !== "max_steps" || !(more >= 1)) return false;
    steps = run.t + Math.floor(more);
    Object.assign(run, { stopped: "running", reason: "" });
    return true;
  };
  run.next = () => {
    if (run.stopped !== "running") return false;
    const t = run.t + 1;
    if (curvature && hessianAt) {
      const full = hessianAt(run.x);
      const { H, x: own } = ownBlock(full, Array.from(run.x), padding);
      const why = newtonProblem(H, own);
      if (why) {
        Object.assign(run, { stopped: "failed", reason: `failed after ${stepsText(t - 1)}: ${why}` });
        return false;
      }
      state.H = padded(full, padding);
    }
    const x = Float64Array.from(step(optimizer, /** @type {number[]} */ (/** @type {unknown} */ (run.x)), /** @type {number[]} */ (/** @type {unknown} */ (run.gradient)), /** @type {any} */ (state), t, settings, /** @type {any} */ (gradAt)));
    const e = evaluate(x);
    Object.assign(run, { x, value: e.value, gradient: e.gradient, t });
    const why = divergence(x, e.value, e.gradient, e0.value, far0);
    if (why) {
      Object.assign(run, { stopped: "diverged", reason: `diverged at step ${t}: ${why}` });
      return true;
    }
    if (e.value > high) { high = e.value; rising += 1; } else rising = 0;
    if (rising >= RISING) {
      Object.assign(run, {
        stopped: "diverged",
        reason: `diverged at step ${t}: the value ran away: it rose to a new high at each of the last ${RISING} steps, reaching ${num(e.value, 3)} (it was ${num(e0.value, 3)} at the start)`,
      });
      return true;
    }
    run.norm = Math.sqrt(dot(e.gradient, e.gradient));
    if (run.norm < tol) {
      Object.assign(run, { stopped: "converged", reason: `converged: |grad| = ${below(run.norm, tol)} after ${stepsText(t)}` });
    } else if (t >= steps) {
      Object.assign(run, { stopped: "max_steps", reason: maxStepsText(steps, run.norm, tol) });
    }
    return true;
  };
  if (steps <= 0) {
    Object.assign(run, { stopped: "max_steps", reason: maxStepsText(steps, run.norm, tol) });
  }
  return run;
}

/** @param {number} steps @param {number} norm @param {number} tol */
function maxStepsText(steps, norm, tol) {
  return `max_steps: stopped after ${stepsText(steps)} with |grad| = ${num(norm)}, not yet below tol = ${num(tol)}`;
}

/** @param {ArrayLike<number>} a */
function allFinite(a) {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/** @param {ArrayLike<number>} a */
function maxAbs(a) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/**
 * "|grad| < tol = tol" as descent._below writes it: tol with the fewest digits (from 2) that give
 * it exactly, |grad| with the fewest (from 2) that still read below that.
 * @param {number} norm @param {number} tol
 */
function below(norm, tol) {
  let tolText = num(tol, 17);
  for (let d = 2; d < 18; d++) if (Number(num(tol, d)) === tol) { tolText = num(tol, d); break; }
  let normText = num(norm, 17);
  for (let d = 2; d < 18; d++) if (Number(num(norm, d)) < Number(tolText)) { normText = num(norm, d); break; }
  return `${normText} < tol = ${tolText}`;
}

/** @param {ArrayLike<number>} a @param {ArrayLike<number>} b */
function dot(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Why the run diverged at this point (a phrase), or "" if it did not: descent._divergence.
 * @param {Float64Array} x @param {number} value @param {ArrayLike<number>} g
 * @param {number} value0 the value at the start @param {number} far0 max |coordinate| at the start
 */
function divergence(x, value, g, value0, far0) {
  if (!allFinite(x)) return "the step produced a non-finite point (the gradient it used was undefined or huge)";
  if (!Number.isFinite(value)) return `the function is undefined at ${pointText(Array.from(x))}`;
  if (!allFinite(g)) return `the gradient is undefined at ${pointText(Array.from(x))}`;
  if (Math.abs(value) > RUNAWAY * Math.max(1, Math.abs(value0))) {
    return `the value ran away: |value| = ${num(Math.abs(value), 3)} > 1e6 x max(1, |value at start| = ${num(Math.abs(value0), 3)})`;
  }
  const far = maxAbs(x);
  if (far > RUNAWAY * Math.max(1, far0)) {
    return `the point ran away: max |coordinate| = ${num(far, 3)} > 1e6 x max(1, max |coordinate at start| = ${num(far0, 3)})`;
  }
  return "";
}

/** H as nested numbers, its two triangles averaged, as descent._symmetric. @param {number[][]} H */
function symmetric(H) {
  return H.map((row, i) => row.map((_, j) => (H[i][j] + H[j][i]) / 2));
}

/**
 * H⁻¹g for a positive definite H by Cholesky and two triangular solves: descent._cholesky_solve,
 * loop for loop. @param {number[][]} H @param {number[]} g
 */
export function choleskySolve(H, g) {
  const a = symmetric(H);
  const n = a.length;
  const low = a.map(() => new Array(n).fill(0));
  for (let j = 0; j < n; j++) {
    let s = a[j][j];
    for (let k = 0; k < j; k++) s -= low[j][k] * low[j][k];
    low[j][j] = Math.sqrt(s);
    for (let i = j + 1; i < n; i++) {
      let t = a[i][j];
      for (let k = 0; k < j; k++) t -= low[i][k] * low[j][k];
      low[i][j] = t / low[j][j];
    }
  }
  const y = new Array(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = g[i];
    for (let k = 0; k < i; k++) s -= low[i][k] * y[k];
    y[i] = s / low[i][i];
  }
  const out = new Array(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= low[k][i] * out[k];
    out[i] = s / low[i][i];
  }
  return out;
}

/**
 * The eigenvalues of a symmetric 2 x 2 (or 1 x 1) Hessian, largest first, in closed form as
 * descent.eigenvalues. @param {number[][]} H @returns {number[]}
 */
export function eigenvalues2(H) {
  const a = symmetric(H);
  if (a.length === 1) return [a[0][0]];
  const m = (a[0][0] + a[1][1]) / 2;
  const half = (a[0][0] - a[1][1]) / 2;
  const r = Math.sqrt(half * half + a[0][1] * a[0][1]);
  return [m + r, m - r];
}

/**
 * The variables a program does not read (no op ["x", k]): the function does not depend on them,
 * so every partial and second partial along them is zero (a formula of x drawn over x and y:
 * y). Newton's method solves on the others (descent.padding, word for word).
 * @param {import("./evaluator.js").Program} program @returns {number[]}
 */
export function paddingOf(program) {
  let found = paddings.get(program);
  if (!found) {
    const read = new Set(program.ops.filter((op) => op[0] === "x").map((op) => Number(op[1])));
    found = program.variables.map((_, k) => k).filter((k) => !read.has(k));
    paddings.set(program, found);
  }
  return found;
}
/** paddingOf's answers, once a program (the stability limit asks at every hover) */
const paddings = new WeakMap();

/**
 * The Hessian and the point on the variables the function depends on (all but `padding`).
 * @param {number[][]} H @param {number[]} x @param {number[]} padding
 */
export function ownBlock(H, x, padding) {
  if (!padding.length) return { H, x };
  const own = x.map((_, k) => k).filter((k) => !padding.includes(k));
  return { H: own.map((i) => own.map((j) => H[i][j])), x: own.map((k) => x[k]) };
}

/** H with each padding variable's row and column those of the identity: its Newton step is 0 (its partial is). @param {number[][]} H @param {number[]} padding */
function padded(H, padding) {
  if (!padding.length) return H;
  return H.map((row, i) => row.map((v, j) => (padding.includes(i) || padding.includes(j) ? (i === j ? 1 : 0) : v)));
}

/**
 * Why Newton's method cannot step from x (a phrase, word for word descent.newton_problem), or "".
 * @param {number[][]} H @param {number[]} x
 */
export function newtonProblem(H, x) {
  if (!H.length || !H.every((row) => row.every(Number.isFinite))) return `the Hessian is undefined at ${pointText(x)}, so there is no Newton step`;
  const eig = eigenvalues2(H);
  const top = Math.max(...eig.map(Math.abs));
  const low = eig[eig.length - 1];
  const words = eig.map((v) => num(v, 3)).join(" and ");
  if (low < 0 && -low > SINGULAR * top) {
    return `the Hessian at ${pointText(x)} is not positive definite (eigenvalues ${words}): the surface curves downward there, so the Newton step need not go downhill (it heads for a saddle or a maximum); use a gradient method here`;
  }
  if (low <= SINGULAR * top) {
    return `the Hessian at ${pointText(x)} is singular (eigenvalues ${words}): the surface is flat along a direction, so H^-1 g does not exist; use a gradient method here`;
  }
  return "";
}

/**
 * The stability limit of gradient descent at a point: 2 / λmax of the Hessian there (Infinity
 * where the surface does not curve upward), with the eigenvalues; null without a Hessian.
 * @param {import("./evaluator.js").Program} program @param {number[]} x
 * @returns {{limit: number, eigenvalues: number[]}|null}
 */
export function stabilityLimit(program, x) {
  if (!program.hessian) return null;
  const r = evalPoint(program, x);
  const full = /** @type {number[][]} */ (r.hessian).slice(0, 2).map((row) => row.slice(0, 2));
  if (!full.every((row) => row.every(Number.isFinite))) return null;
  // a variable the function does not depend on adds only a zero eigenvalue: leave it out
  const { H } = ownBlock(full, x.slice(0, 2), paddingOf(program).filter((k) => k < 2));
  if (!H.length) return null;
  const eig = eigenvalues2(H);
  return { limit: eig[0] > 0 ? 2 / eig[0] : Infinity, eigenvalues: eig };
}
