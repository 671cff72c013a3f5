// core/optimizers.js: the update rules and settings on their own (the whole runs are replayed
// against Python's descend in tests/browser/test_optimizer_replay.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { step, settingsFor, OPTIMIZERS, num, pointText, choleskySolve, eigenvalues2, newtonProblem, paddingOf, ownBlock, stabilityLimit } from "../../src/gradscape/static/core/optimizers.js";

const zeros = () => ({ v: [0, 0], s: [0, 0], m: [0, 0] });
const none = () => { throw new Error("only Nesterov looks ahead"); };

test("gradient descent steps against the gradient, lr times it", () => {
  assert.deepEqual(step("gd", [3, 1], [6, 6], zeros(), 1, { lr: 0.1 }, none), [3 - 0.6000000000000001, 1 - 0.6000000000000001]);
});

test("momentum accumulates velocity: v <- beta v + g", () => {
  const state = zeros();
  const x1 = step("momentum", [1, 1], [1, 2], state, 1, { lr: 0.5, beta: 0.5 }, none);
  assert.deepEqual([x1, state.v], [[0.5, 0], [1, 2]]);
  const x2 = step("momentum", x1, [1, 2], state, 2, { lr: 0.5, beta: 0.5 }, none);
  assert.deepEqual([x2, state.v], [[-0.25, -1.5], [1.5, 3]]);
});

test("Nesterov reuses g on its first step and looks ahead after", () => {
  const state = zeros();
  const seen = [];
  const gradAt = (p) => { seen.push(p); return [p[0], p[1]]; };
  step("nesterov", [1, 1], [1, 1], state, 1, { lr: 0.5, beta: 0.5 }, gradAt);
  assert.deepEqual(seen, []);
  step("nesterov", [0.5, 0.5], [0.5, 0.5], state, 2, { lr: 0.5, beta: 0.5 }, gradAt);
  assert.deepEqual(seen, [[0.25, 0.25]]); // x - lr beta v
});

test("Adam's first step moves each coordinate by about lr, whatever the gradient's size", () => {
  const x = step("adam", [0, 0], [1e-3, 1e3], zeros(), 1, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, none);
  assert.ok(Math.abs(x[0] + 0.1) < 1e-5 && Math.abs(x[1] + 0.1) < 1e-9, String(x));
});

test("settings: the optimizer's defaults, overridden by valid given values only", () => {
  assert.deepEqual(settingsFor("momentum", {}), { lr: 0.02, beta: 0.9 });
  assert.deepEqual(settingsFor("momentum", { lr: 0.5, beta: 0.95, junk: 1 }), { lr: 0.5, beta: 0.95 });
  assert.deepEqual(settingsFor("momentum", { lr: -1, beta: 1 }), { lr: 0.02, beta: 0.9 });
  assert.throws(() => settingsFor("sgd", {}), /Unknown optimizer 'sgd'. Use one of: gd, momentum/);
});

test("seven optimizers, in descent.OPTIMIZERS order, each stating its library convention", () => {
  assert.deepEqual(OPTIMIZERS.map((o) => o.name), ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "newton"]);
  for (const o of OPTIMIZERS) assert.ok(o.convention.length > 20, o.name);
});

test("Newton steps by lr times H^-1 g, solved by Cholesky", () => {
  const H = [[4, 2], [2, 3]];
  const d = choleskySolve(H, [2, 1]); // H d = g: d = (0.5, 0)
  assert.ok(Math.abs(d[0] - 0.5) < 1e-15 && Math.abs(d[1]) < 1e-15, String(d));
  const x = step("newton", [1, 1], [2, 1], { v: [], s: [], m: [], H }, 1, { lr: 0.5 }, none);
  assert.ok(Math.abs(x[0] - 0.75) < 1e-15 && Math.abs(x[1] - 1) < 1e-15, String(x));
});

test("Newton's stops: not positive definite, singular, undefined", () => {
  assert.deepEqual(eigenvalues2([[2, 0], [0, 6]]), [6, 2]);
  assert.equal(newtonProblem([[2, 0], [0, 6]], [0, 0]), "");
  assert.match(newtonProblem([[2, 0], [0, -2]], [2, 0.01]), /^the Hessian at \(2, 0.01\) is not positive definite \(eigenvalues 2 and -2\)/);
  assert.match(newtonProblem([[1, 1], [1, 1]], [0, 0]), /is singular \(eigenvalues 2 and 0\)/);
  assert.match(newtonProblem([[NaN, 0], [0, 1]], [0, 0]), /undefined/);
});

test("a variable the program never reads is padding: Newton and the stability limit leave it out", () => {
  // L = x^2 over (x, y): ops read x only; the Hessian's y row and column are zero
  const program = { variables: ["x", "y"], value: 1, gradient: [3, 4], hessian: [[2, 4], [4, 4]],
    ops: [["x", 0], ["mul", 0, 0], ["c", 2], ["mul", 2, 0], ["c", 0]] };
  assert.deepEqual(paddingOf(program), [1]);
  assert.deepEqual(paddingOf({ ...program, ops: [["x", 1], ["x", 0]] }), []);
  assert.deepEqual(ownBlock([[2, 0], [0, 0]], [3, 7], [1]), { H: [[2]], x: [3] });
  const lim = stabilityLimit(program, [3, 7]);
  assert.deepEqual(lim && lim.eigenvalues, [2]); // not [2, 0]: y adds no curvature
});

test("numbers and points in sentences are written as descent.py writes them", () => {
  assert.deepEqual([8.1e-7, 0.012, 3, 1.2e7, NaN, Infinity].map((x) => num(x)), ["8.1e-7", "0.012", "3", "1.2e7", "nan", "inf"]);
  assert.equal(num(1.4567e10, 3), "1.46e10");
  assert.equal(pointText([-0.5, 0, 1e-7]), "(-0.5, 0, 1e-07)");
});
