// core/modeltools.js (seeded minibatches, power iteration, projections, base64) and
// core/optimizers.js's startRun on many variables; the panels that use them are tested in a
// browser against Python (tests/browser/test_model_panels.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  seededRandom, minibatches, project, angleDegrees, noiseSummary, hessianVector, topEigenvalue,
} from "../../src/gradscape/static/core/modeltools.js";
import { startRun } from "../../src/gradscape/static/core/optimizers.js";

test("the seeded generator repeats for a seed and differs between seeds", () => {
  const a = seededRandom(7), b = seededRandom(7), c = seededRandom(8);
  const xs = Array.from({ length: 5 }, a);
  assert.deepEqual(xs, Array.from({ length: 5 }, b));
  assert.notDeepEqual(xs, Array.from({ length: 5 }, c));
  for (const x of xs) assert.ok(x >= 0 && x < 1);
});

test("minibatches: distinct indices in range, reproducible, batch k independent of the count", () => {
  const four = minibatches(50, 10, 4, 3);
  assert.equal(four.length, 4);
  for (const b of four) {
    assert.equal(b.length, 10);
    assert.equal(new Set(b).size, 10);
    for (const i of b) assert.ok(i >= 0 && i < 50);
  }
  assert.deepEqual(minibatches(50, 10, 2, 3), four.slice(0, 2));
  assert.notDeepEqual(minibatches(50, 10, 1, 4)[0], four[0]);
  // a batch of every example is a permutation
  assert.deepEqual([...minibatches(6, 6, 1, 0)[0]].sort(), [0, 1, 2, 3, 4, 5]);
  // roughly uniform: over many batches every index turns up about equally often
  const counts = new Array(20).fill(0);
  for (const b of minibatches(20, 5, 4000, 1)) for (const i of b) counts[i] += 1;
  for (const c of counts) assert.ok(Math.abs(c - 1000) < 120, `count ${c}`);
});

test("minibatches refuse a batch larger than the data with a message", () => {
  assert.throws(() => minibatches(10, 11, 1, 0), /batch size must be a whole number from 1 to 10/);
  assert.throws(() => minibatches(10, 0, 1, 0), /from 1 to 10/);
});

test("projection, angles and the noise summary", () => {
  assert.deepEqual(project([1, 2, 3], [1, 0, 0], [0, 1, 1]), [1, 5]);
  assert.equal(angleDegrees([1, 0], [0, 2]), 90);
  assert.equal(angleDegrees([1, 0], [-3, 0]), 180);
  assert.ok(Math.abs(angleDegrees([1, 1e-9], [1, 0]) - 180e-9 / Math.PI) < 1e-20);
  assert.ok(Number.isNaN(angleDegrees([0, 0], [1, 0])));
  const s = noiseSummary([1, 0], [[1, 1], [1, -1]]);
  assert.equal(s.spread, 1);
  assert.equal(s.relative, 1);
  assert.equal(s.meanAngle, 45);
  assert.deepEqual(s.mean, [1, 0]);
});

/** A quadratic 1/2 x^T A x with a known spectrum (A = Q diag(l) Q^T, Q a rotation in planes). */
function quadratic(eigen) {
  const p = eigen.length;
  const c = Math.cos(0.7), s = Math.sin(0.7);
  const mul = (x) => {
    // Q^T x, scale, Q: rotations of the pairs (0,1), (2,3), ...
    const y = Float64Array.from(x);
    for (let i = 0; i + 1 < p; i += 2) { const a = y[i], b = y[i + 1]; y[i] = c * a + s * b; y[i + 1] = -s * a + c * b; }
    for (let i = 0; i < p; i++) y[i] *= eigen[i];
    for (let i = 0; i + 1 < p; i += 2) { const a = y[i], b = y[i + 1]; y[i] = c * a - s * b; y[i + 1] = s * a + c * b; }
    return y;
  };
  const lossAndGradient = (x) => {
    const g = mul(x);
    let v = 0;
    for (let i = 0; i < p; i++) v += 0.5 * x[i] * g[i];
    return { value: v, gradient: g, accuracy: NaN };
  };
  return { mul, lossAndGradient };
}

test("hessianVector by differences of exact gradients is H v", () => {
  const q = quadratic([3, 1, -2, 0.5]);
  const hv = hessianVector(q.lossAndGradient, Float64Array.from([0.3, -1, 2, 0.1]));
  const v = Float64Array.from([1, 2, -1, 0.5]);
  const want = q.mul(v);
  const got = hv(v);
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(got[i] - want[i]) < 1e-9, `${got[i]} vs ${want[i]}`);
});

test("topEigenvalue finds the largest eigenvalue, also when a negative one is larger in size", async () => {
  const q = quadratic([5, 4, 1, -0.5, 0.2, 2]);
  const r = await topEigenvalue(q.mul, 6, { tol: 1e-12, maxIterations: 2000, yieldEvery: 1000 });
  assert.ok(r.converged);
  assert.ok(Math.abs(r.value - 5) < 1e-8, String(r.value));
  const neg = quadratic([2, -7, 1, 0.5]);
  const rn = await topEigenvalue(neg.mul, 4, { tol: 1e-12, maxIterations: 4000, yieldEvery: 1000 });
  assert.ok(Math.abs(rn.value - 2) < 1e-7, String(rn.value));
  // stops when aborted
  const job = new AbortController();
  job.abort();
  await assert.rejects(topEigenvalue(q.mul, 6, { signal: job.signal }), { name: "AbortError" });
});

test("startRun runs any number of variables with descend's rules", () => {
  // gd on 1/2 sum l_i x_i^2: x_t = (1 - lr l)^t x_0 exactly as the loop computes it
  const l = [1, 2, 3, 4, 5];
  const evaluate = (x) => ({ value: x.reduce((s, v, i) => s + 0.5 * l[i] * v * v, 0), gradient: x.map((v, i) => l[i] * v) });
  const run = startRun(evaluate, [1, 1, 1, 1, 1], "gd", { lr: 0.1 }, 30);
  let k = 0;
  const want = [1, 1, 1, 1, 1];
  while (run.next()) {
    k += 1;
    for (let i = 0; i < 5; i++) want[i] = want[i] - 0.1 * (l[i] * want[i]);
    assert.deepEqual(Array.from(run.x), want);
  }
  assert.equal(k, 30);
  assert.equal(run.stopped, "max_steps");
  assert.match(run.reason, /^max_steps: stopped after 30 steps with \|grad\| = /);
  assert.equal(run.next(), false);
  // too large a rate diverges: the value rises ten steps in a row
  const wild = startRun(evaluate, [1, 1, 1, 1, 1], "gd", { lr: 0.5 }, 1000);
  while (wild.next());
  assert.equal(wild.stopped, "diverged");
  // an invalid start never steps
  const bad = startRun(() => ({ value: NaN, gradient: [0] }), [0], "adam", {}, 10);
  assert.equal(bad.stopped, "invalid");
  assert.equal(bad.next(), false);
  assert.match(bad.reason, /The function is undefined at \(0\)/);
});
