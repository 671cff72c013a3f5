// core/view.js: the plot's window onto the plane, and core/plane.js's data <-> px arithmetic.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fitView, zoomAt, panBy, validView, niceTicks, sameView } from "../../src/gradscape/static/core/view.js";

test("equal scales widen the shorter side about its centre", () => {
  // 8 x 8 units in a 400 x 200 px box: 0.02 vs 0.04 units per px, so x widens to 16 units
  assert.deepEqual(fitView({ x: [-4, 4], y: [-4, 4] }, 400, 200, true), { x: [-8, 8], y: [-4, 4] });
  assert.deepEqual(fitView({ x: [0, 2], y: [0, 8] }, 100, 100, true), { x: [-3, 5], y: [0, 8] });
});

test("without equal scales, or in an empty box, the view is shown as asked", () => {
  assert.deepEqual(fitView({ x: [-4, 4], y: [-1, 1] }, 400, 200, false), { x: [-4, 4], y: [-1, 1] });
  assert.deepEqual(fitView({ x: [-4, 4], y: [-1, 1] }, 0, 200, true), { x: [-4, 4], y: [-1, 1] });
});

test("zooming keeps the point under the cursor fixed", () => {
  const v = zoomAt({ x: [-4, 4], y: [-2, 2] }, 2, 1, 0.5);
  assert.deepEqual(v, { x: [-1, 3], y: [-0.5, 1.5] });
  // the fixed point sits at the same fraction of the window before and after
  assert.equal((2 - v.x[0]) / (v.x[1] - v.x[0]), (2 - -4) / 8);
  assert.deepEqual(zoomAt({ x: [0, 1], y: [0, 1] }, 0, 0, 2), { x: [0, 2], y: [0, 2] });
});

test("zoom factors are clamped so one wheel turn cannot lose the plot", () => {
  assert.deepEqual(zoomAt({ x: [0, 1], y: [0, 1] }, 0, 0, 0), { x: [0, 1e-6], y: [0, 1e-6] });
});

test("panning moves both ends by the offset", () => {
  assert.deepEqual(panBy({ x: [-4, 4], y: [-2, 2] }, 1, -0.5), { x: [-3, 5], y: [-2.5, 1.5] });
});

test("only finite, ordered, sensibly sized views are valid", () => {
  assert.deepEqual(validView({ x: ["-1", 2], y: [0, 3] }), { x: [-1, 2], y: [0, 3] });
  for (const bad of [null, {}, { x: [1, 0], y: [0, 1] }, { x: [0, NaN], y: [0, 1] },
    { x: [0, 1e-12], y: [0, 1] }, { x: [0, 1e13], y: [0, 1] }, { x: [0], y: [0, 1] }]) {
    assert.equal(validView(bad), null, JSON.stringify(bad));
  }
});

test("ticks are round multiples of a nice step inside the range", () => {
  assert.deepEqual(niceTicks(-4, 4, 560, 70), { step: 1, ticks: [-4, -3, -2, -1, 0, 1, 2, 3, 4] });
  assert.deepEqual(niceTicks(0.05, 0.95, 200, 70), { step: 0.25, ticks: [0.25, 0.5, 0.75] });
});

test("two views are the same only if all four ends are", () => {
  assert.equal(sameView({ x: [0, 1], y: [0, 1] }, { x: [0, 1], y: [0, 1] }), true);
  assert.equal(sameView({ x: [0, 1], y: [0, 1] }, { x: [0, 1], y: [0, 2] }), false);
  assert.equal(sameView(null, { x: [0, 1], y: [0, 1] }), false);
});
