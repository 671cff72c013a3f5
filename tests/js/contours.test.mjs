// core/contours.js: marching squares on small grids with exact expected rings, in the manner of
// d3-contour's tests. Grids are row-major in y (values[j * nx + i]); points are [i, j] pairs in
// fractional grid indices.
import { test } from "node:test";
import assert from "node:assert/strict";
import { marchLevel, contourLines, niceStep, linearLevels, chooseLevels } from "../../src/gradscape/static/core/contours.js";

const grid = (rows) => Float64Array.from(rows.flat());
const plain = (lines) => lines.map((l) => ({ level: l.level, closed: l.closed, points: Array.from(l.points) }));

test("a single peak gives one closed ring through the four edge midpoints", () => {
  const values = grid([[0, 0, 0], [0, 1, 0], [0, 0, 0]]);
  assert.deepEqual(plain(marchLevel(values, 3, 3, 0.5)), [
    { level: 0.5, closed: true, points: [1, 0.5, 0.5, 1, 1, 1.5, 1.5, 1, 1, 0.5] },
  ]);
});

test("crossings are interpolated linearly along each edge", () => {
  const values = grid([[0, 0, 0], [0, 4, 0], [0, 0, 0]]);
  assert.deepEqual(plain(contourLines(values, 3, 3, [1, 3])), [
    { level: 1, closed: true, points: [1, 0.25, 0.25, 1, 1, 1.75, 1.75, 1, 1, 0.25] },
    { level: 3, closed: true, points: [1, 0.75, 0.75, 1, 1, 1.25, 1.25, 1, 1, 0.75] },
  ]);
});

test("a plane gives one open straight line across the grid", () => {
  const values = grid([[0, 1, 2], [0, 1, 2]]);
  assert.deepEqual(plain(marchLevel(values, 3, 2, 0.5)), [{ level: 0.5, closed: false, points: [0.5, 0, 0.5, 1] }]);
  assert.deepEqual(plain(marchLevel(values, 3, 2, 1.5)), [{ level: 1.5, closed: false, points: [1.5, 0, 1.5, 1] }]);
});

test("a level no value crosses gives no lines", () => {
  assert.deepEqual(marchLevel(grid([[0, 1], [1, 2]]), 2, 2, 5), []);
  assert.deepEqual(marchLevel(grid([[0, 1], [1, 2]]), 2, 2, -1), []);
});

test("a saddle cell is split by its centre value", () => {
  // centre (1 + 0 + 0 + 1) / 4 = 0.5 is above the level: the low corners (br, tl) are cut off
  assert.deepEqual(plain(marchLevel(grid([[1, 0], [0, 1]]), 2, 2, 0.5)), [
    { level: 0.5, closed: false, points: [0.5, 0, 1, 0.5] },
    { level: 0.5, closed: false, points: [0.5, 1, 0, 0.5] },
  ]);
  // centre 0.475 is below: the high corners (bl, tr) are cut off instead
  assert.deepEqual(plain(marchLevel(grid([[0.9, 0], [0, 1]]), 2, 2, 0.5)), [
    { level: 0.5, closed: false, points: [0, 0.4444444444444445, 0.4444444444444445, 0] },
    { level: 0.5, closed: false, points: [1, 0.5, 0.5, 1] },
  ]);
});

test("cells touching an undefined value are skipped, opening the ring there", () => {
  const values = grid([[0, 0, 0], [0, 1, 0], [0, 0, NaN]]);
  assert.deepEqual(plain(marchLevel(values, 3, 3, 0.5)), [
    { level: 0.5, closed: false, points: [1.5, 1, 1, 0.5, 0.5, 1, 1, 1.5] },
  ]);
});

test("cells spanning more than the jump (a pole) are skipped", () => {
  const values = grid([[0, 1000], [0, 1000]]);
  assert.equal(marchLevel(values, 2, 2, 500).length, 1);
  assert.deepEqual(marchLevel(values, 2, 2, 500, 100), []);
});

test("level steps are 1, 2, 2.5 or 5 times a power of ten", () => {
  assert.equal(niceStep(10, 4), 2.5);
  assert.equal(niceStep(1, 3), 0.25);
  assert.equal(niceStep(100, 10), 10);
  assert.equal(niceStep(7, 10), 0.5);
  assert.deepEqual(linearLevels(0, 1, 4), [0.25, 0.5, 0.75]);
  assert.deepEqual(linearLevels(0, 0.3, 3), [0.1, 0.2]); // rounded: 0.1, not 0.30000000000000004 / 3
});

test("evenly spread values get round, evenly spaced levels strictly inside their range", () => {
  const values = Float64Array.from({ length: 11 }, (_, k) => k);
  assert.deepEqual(chooseLevels(values, 5), { levels: [2, 4, 6, 8], lo: 0, hi: 10, log: false });
});

test("values bunched at the bottom of a range spanning decades get log-spaced levels", () => {
  const values = Float64Array.from({ length: 400 }, (_, k) => (k < 390 ? k / 100 : 10 ** (k - 390)));
  const { levels, log, lo } = chooseLevels(values, 10);
  assert.equal(log, true);
  assert.equal(lo, 0);
  assert.ok(levels.length >= 5);
  assert.ok(levels.every((l, k) => k === 0 || l > levels[k - 1]));
  assert.ok(levels[0] < 1 && levels[levels.length - 1] > 1e4, String(levels));
});
