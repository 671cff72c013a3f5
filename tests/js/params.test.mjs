// core/params.js: a formula's extra variables as sliders, bound into the program as constants.
import { test } from "node:test";
import assert from "node:assert/strict";
import { bindProgram, boundSurface, paramState, sliderStep, snap, swapAxis } from "../../src/gradscape/static/core/params.js";
import { evalPoint } from "../../src/gradscape/static/core/evaluator.js";

// a*x^2 + y^2 over (x, y, a): r0 = x, r1 = a, r2 = x^2, r3 = a*x^2, r4 = y, r5 = y^2, r6 = L,
// partials: dL/dx = 2 a x (r9), dL/dy = 2 y (r10), dL/da = x^2 (r2)
const PROGRAM = {
  variables: ["x", "y", "a"],
  ops: [["x", 0], ["x", 2], ["powi", 0, 2], ["mul", 1, 2], ["x", 1], ["powi", 4, 2], ["add", 3, 5],
    ["c", 2], ["mul", 7, 0], ["mul", 8, 1], ["mul", 7, 4]],
  value: 6,
  gradient: [9, 10, 2],
};

test("a bound program gives the full program's value and axis partials, bit for bit", () => {
  for (const [x, y, a] of [[1, 2, 3], [-0.3, 0.7, 0.1], [2.5, -1, -4]]) {
    const full = evalPoint(PROGRAM, [x, y, a]);
    const bound = evalPoint(bindProgram(PROGRAM, [0, 1], [0, 0, a]), [x, y]);
    assert.equal(bound.value, full.value);
    assert.deepEqual(bound.gradient, full.gradient.slice(0, 2));
    assert.equal(bound.value, a * x * x + y * y);
  }
});

test("other axes renumber the inputs: (a, y) with x held", () => {
  const b = bindProgram(PROGRAM, [2, 1], [1.5, 0, 0]);
  assert.deepEqual(b.variables, ["a", "y"]);
  const r = evalPoint(b, [3, 2]); // a = 3, y = 2, x = 1.5
  assert.equal(r.value, 3 * 1.5 * 1.5 + 4);
  assert.deepEqual(r.gradient, [1.5 * 1.5, 4]);
});

test("a two-variable program is its own binding", () => {
  const two = { variables: ["x", "y"], ops: [["x", 0]], value: 0, gradient: [0, 0] };
  assert.equal(bindProgram(two, [0, 1], [0, 0]), two);
});

test("state: the saved axes and sliders where they fit, 1 on [-10, 10] otherwise", () => {
  assert.deepEqual(paramState(["x", "y", "a"], null), { axes: ["x", "y"], sliders: { a: { value: 1, min: -10, max: 10 } } });
  const saved = { axes: ["a", "y"], sliders: { x: { value: 2, min: 0, max: 5 } } };
  assert.deepEqual(paramState(["x", "y", "a"], saved), { axes: ["a", "y"], sliders: { x: { value: 2, min: 0, max: 5 } } });
  // axes naming a variable the formula lacks fall back to the first two
  assert.deepEqual(paramState(["x", "y", "b"], saved).axes, ["x", "y"]);
  // a bad range is replaced, a value outside widens it
  assert.deepEqual(paramState(["x", "y", "a"], { sliders: { a: { value: 20, min: 3, max: 1 } } }).sliders.a, { value: 20, min: -10, max: 20 });
});

test("slider steps are round: about 200 a range", () => {
  assert.equal(sliderStep(-10, 10), 0.1);
  assert.equal(sliderStep(0, 1), 0.005);
  assert.equal(sliderStep(0, 3), 0.02);
  assert.equal(snap(0.30000000000000004, 0.1), 0.3);
  assert.equal(snap(1.26, 0.05), 1.25);
});

test("the shown surface: two variables, their partials, the parameters listed", () => {
  const c = { variables: ["x", "y"], partials: [{ text: "2 a x" }, { text: "2 y" }, { text: "x^2" }], program: PROGRAM };
  const s = boundSurface(c, { axes: ["y", "a"], sliders: { x: { value: 2, min: -10, max: 10 } } });
  assert.deepEqual(s.variables, ["y", "a"]);
  assert.deepEqual(s.partials.map((p) => p.text), ["2 y", "x^2"]);
  assert.deepEqual(s.parameters, ["x"]);
  assert.equal(evalPoint(s.program, [1, 3]).value, 3 * 4 + 1);
});

test("swapping an axis for a parameter keeps the point's coordinate as the new slider", () => {
  const st = { axes: /** @type {[string, string]} */ (["x", "y"]), sliders: { a: { value: 2, min: 0, max: 4 } } };
  const r = swapAxis(st, 0, "a", [1.5, -1], { x: [-3, 3], y: [-2, 2] });
  assert.deepEqual(r.state.axes, ["a", "y"]);
  assert.deepEqual(r.state.sliders, { x: { value: 1.5, min: -3, max: 3 } });
  assert.deepEqual(r.view, { x: [0, 4], y: [-2, 2] });
  assert.deepEqual(r.point, [2, -1]);
  const swapped = swapAxis(st, 0, "y", [1.5, -1], { x: [-3, 3], y: [-2, 2] });
  assert.deepEqual(swapped.state.axes, ["y", "x"]);
  assert.deepEqual(swapped.point, [-1, 1.5]);
});
