// core/slice-plane.js's fast kernel for one tanh layer and ten outputs (the digits' networks):
// it takes the examples two at a time, so an odd count leaves one alone at the end; every path
// (odd and even counts, one example, rows of equally spaced a and uneven ones) against a full
// forward and backward pass a node, projected.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createNetwork } from "../../src/gradscape/static/core/network.js";
import { createPlane, linspace } from "../../src/gradscape/static/core/slice-plane.js";

/** A seeded generator (Park-Miller), uniform in (0, 1). */
function rng(seed) {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/** A random network of `sizes` on n random examples, a point w and two directions. */
function make(sizes, n, seed) {
  const r = rng(seed);
  const x = Float64Array.from({ length: n * sizes[0] }, () => 2 * r() - 1);
  const labels = Int32Array.from({ length: n }, () => Math.floor(r() * sizes[sizes.length - 1]));
  const net = createNetwork({ sizes, x, labels });
  const v = (scale) => Float64Array.from({ length: net.nWeights }, () => scale * (r() - 0.5));
  return { net, w: v(1.5), d1: v(1), d2: v(1) };
}

const close = (a, b, tol, what) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tol ${tol})`);

for (const [sizes, n] of [[[7, 5, 10], 9], [[7, 5, 10], 10], [[7, 5, 10], 1], [[6, 16, 10], 13], [[3, 1, 10], 4]]) {
  test(`ten outputs, ${n} example(s), sizes ${sizes}: every node equals a full pass`, () => {
    const { net, w, d1, d2 } = make(sizes, n, 11 + n);
    const plane = createPlane(net, w, d1, d2);
    const xs = linspace(-1.3, 0.8, 9); // equally spaced: the running product along a row
    const ys = linspace(-0.6, 1.2, 4);
    const uneven = Float64Array.of(-1, -0.2, 0.05, 0.9);
    for (const [cols, what] of [[xs, "even"], [uneven, "uneven"]]) {
      const grid = plane.rows(cols, ys, 0, ys.length);
      for (let r = 0; r < ys.length; r++) {
        for (let c = 0; c < cols.length; c++) {
          const ref = plane.bruteForce(cols[c], ys[r]);
          const k = r * cols.length + c;
          const at = `${what} node (${cols[c]}, ${ys[r]})`;
          close(grid.value[k], ref.value, 1e-13, `value, ${at}`);
          close(grid.ga[k], ref.ga, 1e-13, `ga, ${at}`);
          close(grid.gb[k], ref.gb, 1e-13, `gb, ${at}`);
        }
      }
    }
    // the same rows asked for again (the kernel's buffers are reused) give the same numbers
    const once = plane.rows(xs, ys, 1, 3);
    const again = plane.rows(xs, ys, 1, 3);
    assert.deepEqual(Array.from(again.value), Array.from(once.value));
    assert.deepEqual(Array.from(again.ga), Array.from(once.ga));
  });
}

test("ten outputs far out on the plane: saturated tanh and softmax stay finite and exact", () => {
  const { net, w, d1, d2 } = make([5, 6, 10], 7, 3);
  const plane = createPlane(net, w, d1.map((v) => 300 * v), d2);
  const xs = linspace(-4, 4, 45);
  const grid = plane.rows(xs, Float64Array.of(0.7), 0, 1);
  for (let c = 0; c < xs.length; c++) {
    const ref = plane.bruteForce(xs[c], 0.7);
    assert.ok(Number.isFinite(grid.value[c]), `value at a = ${xs[c]}`);
    close(grid.value[c], ref.value, 1e-12 * Math.max(1, Math.abs(ref.value)), `value at a = ${xs[c]}`);
    close(grid.ga[c], ref.ga, 1e-9 * Math.max(1, Math.abs(ref.ga)), `ga at a = ${xs[c]}`);
    close(grid.gb[c], ref.gb, 1e-9 * Math.max(1, Math.abs(ref.gb)), `gb at a = ${xs[c]}`);
  }
});
