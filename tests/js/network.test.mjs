// core/network.js, core/slice-plane.js and core/slice.js in node (no Worker there, so field()
// computes on the main thread): backprop against central differences, the layout, minibatches,
// the plane trick against brute force, and the landscape's at / coordinates / field / cancel.
// (The page's numbers against Python's are tests/browser/test_slice_engine.py.)
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  createNetwork, layoutsFor, weightName, decodePixels, decodeFloat64, encodeFloat64, networkFromPayload,
} from "../../src/gradscape/static/core/network.js";
import { createPlane, linspace } from "../../src/gradscape/static/core/slice-plane.js";
import { createSliceLandscape, recentredPayload, COARSE } from "../../src/gradscape/static/core/slice.js";

/** A seeded generator (Park-Miller), uniform in (0, 1). */
function rng(seed) {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/** A random network on random data: sizes, n examples; with weights w. */
function make(sizes, n, seed = 1) {
  const r = rng(seed);
  const x = Float64Array.from({ length: n * sizes[0] }, () => 2 * r() - 1);
  const labels = Int32Array.from({ length: n }, () => Math.floor(r() * sizes[sizes.length - 1]));
  const net = createNetwork({ sizes, x, labels });
  const w = Float64Array.from({ length: net.nWeights }, () => 1.5 * (r() - 0.5));
  const d = () => Float64Array.from({ length: net.nWeights }, () => r() - 0.5);
  return { net, w, d1: d(), d2: d(), x, labels };
}

const close = (a, b, tol, what) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tol ${tol})`);

test("the layout is Python's: W1 (in x out), b1, W2, b2 and names like W1[3,7]", () => {
  const layout = layoutsFor([64, 16, 10]);
  assert.deepEqual(layout.map((l) => [l.name, l.shape, l.start]), [
    ["W1", [64, 16], 0], ["b1", [16], 1024], ["W2", [16, 10], 1040], ["b2", [10], 1200],
  ]);
  assert.equal(weightName(layout, 3 * 16 + 7), "W1[3,7]");
  assert.equal(weightName(layout, 1024 + 5), "b1[5]");
  assert.equal(weightName(layout, 1209), "b2[9]");
  assert.equal(createNetwork({ sizes: [64, 16, 10], x: new Float64Array(64), labels: Int32Array.of(3) }).nWeights, 1210);
});

for (const sizes of [[5, 3], [6, 4, 3], [4, 5, 3, 2]]) {
  test(`backprop equals central differences for sizes ${sizes}`, () => {
    const { net, w } = make(sizes, 9);
    const { value, gradient, accuracy } = net.lossAndGradient(w);
    assert.equal(value, net.loss(w));
    assert.equal(accuracy, net.accuracy(w));
    const h = 1e-6;
    for (let i = 0; i < net.nWeights; i++) {
      const up = Float64Array.from(w);
      const down = Float64Array.from(w);
      up[i] += h;
      down[i] -= h;
      close(gradient[i], (net.loss(up) - net.loss(down)) / (2 * h), 1e-8, `dL/d${net.name(i)}`);
    }
  });
}

test("a minibatch is the same network on the listed examples only, repeats counted twice", () => {
  const { net, w, x, labels } = make([6, 4, 3], 12, 4);
  const pick = [2, 7, 7, 11];
  const sub = createNetwork({
    sizes: [6, 4, 3],
    x: Float64Array.from(pick.flatMap((s) => Array.from(x.subarray(s * 6, s * 6 + 6)))),
    labels: Int32Array.from(pick, (s) => labels[s]),
  });
  const mb = net.minibatchGradient(w, pick);
  const ref = sub.lossAndGradient(w);
  assert.equal(mb.value, ref.value);
  assert.deepEqual(Array.from(mb.gradient), Array.from(ref.gradient));
  assert.throws(() => net.minibatchGradient(w, [12]), /sample index 12 is not one of 0..11/);
  assert.throws(() => net.minibatchGradient(w, []), /at least one/);
  assert.throws(() => net.loss(new Float64Array(3)), /give 43 weights; got 3/);
});

test("pixels and base64 float64 decode as Python writes them", () => {
  assert.deepEqual(Array.from(decodePixels("0g8")), [0, 1, 0.5]);
  assert.throws(() => decodePixels("0z"), /pixel 1/);
  const v = Float64Array.of(0, -1.5, Math.PI, 1e-300, -0);
  assert.deepEqual(Array.from(decodeFloat64(encodeFloat64(v))), Array.from(v));
  assert.equal(encodeFloat64([1]), "AAAAAAAA8D8="); // Python: base64.b64encode(np.float64(1).tobytes())
});

for (const sizes of [[5, 3], [6, 4, 3], [4, 5, 3, 2]]) {
  test(`the plane trick equals a full pass a node, projected, for sizes ${sizes}`, () => {
    const { net, w, d1, d2 } = make(sizes, 11, 7);
    const plane = createPlane(net, w, d1, d2);
    const xs = linspace(-1.2, 0.9, 7);
    const ys = linspace(-0.4, 1.1, 5);
    const grid = plane.rows(xs, ys, 0, ys.length); // rows of equally spaced a: the running product
    const uneven = Float64Array.of(-1.2, -1, 0.25, 0.3, 0.9);
    const odd = plane.rows(uneven, ys, 1, 3);
    for (let r = 0; r < ys.length; r++) {
      for (let c = 0; c < xs.length; c++) {
        const ref = plane.bruteForce(xs[c], ys[r]);
        const k = r * xs.length + c;
        close(grid.value[k], ref.value, 1e-13, "value");
        close(grid.ga[k], ref.ga, 1e-13, "ga");
        close(grid.gb[k], ref.gb, 1e-13, "gb");
        const one = plane.evaluate(xs[c], ys[r]);
        close(one.value, ref.value, 1e-13, "evaluate");
      }
    }
    for (let r = 1; r < 3; r++) {
      for (let c = 0; c < uneven.length; c++) {
        const ref = plane.bruteForce(uneven[c], ys[r]);
        close(odd.value[(r - 1) * uneven.length + c], ref.value, 1e-13, "uneven value");
      }
    }
    const pt = plane.point(0.3, -0.2);
    const full = net.lossAndGradient(plane.weights(0.3, -0.2));
    close(pt.value, full.value, 1e-13, "point value");
    assert.equal(pt.accuracy, full.accuracy);
    for (let i = 0; i < net.nWeights; i++) close(pt.gradient[i], full.gradient[i], 1e-13, `point gradient ${i}`);
  });
}

test("far out on the plane the running product saturates and recovers exactly", () => {
  const { net, w, d1, d2 } = make([4, 6, 3], 8, 9);
  const big = d1.map((v) => 400 * v); // tanh layers saturate: exp(2 z) over- and underflows
  const plane = createPlane(net, w, big, d2);
  const xs = linspace(-3, 3, 41);
  const grid = plane.rows(xs, Float64Array.of(0.5), 0, 1);
  for (let c = 0; c < xs.length; c++) {
    const ref = plane.bruteForce(xs[c], 0.5);
    assert.ok(Number.isFinite(grid.value[c]));
    close(grid.value[c], ref.value, 1e-12 * Math.max(1, Math.abs(ref.value)), `value at a = ${xs[c]}`);
    close(grid.ga[c], ref.ga, 1e-9 * Math.max(1, Math.abs(ref.ga)), `ga at a = ${xs[c]}`);
  }
});

/** A payload like gradscape.models.browser.slice_payload's, for a random network. */
function payloadFor(sizes, n, seed) {
  const { net, w, d1, d2, x, labels } = make(sizes, n, seed);
  return {
    payload: {
      format: "gradscape-slice/1", kind: "random", directions: "random", seed, labels: ["random 1", "random 2"],
      span: 1, view: { x: [-1, 1], y: [-1, 1] }, n: 21, eigenvalues: null,
      model: { sizes, layout: net.layout, n_weights: net.nWeights, n_samples: n },
      data: { x: encodeFloat64(x), labels: Array.from(labels), n_samples: n },
      w0: encodeFloat64(w), d1: encodeFloat64(d1), d2: encodeFloat64(d2),
    },
    net, w, d1, d2,
  };
}

test("at() is the exact point: value, 2D gradient, full gradient, its norm and in-plane share", () => {
  const { payload, net, d1, d2 } = payloadFor([5, 4, 3], 10, 3);
  const land = createSliceLandscape(payload);
  assert.equal(land.engine, "main"); // node has no Worker
  assert.deepEqual(land.variables, ["a", "b"]);
  assert.deepEqual(land.labels, ["random 1", "random 2"]);
  const r = land.at(0.4, -0.7);
  const full = net.lossAndGradient(land.weights(0.4, -0.7));
  close(r.value, full.value, 1e-14, "value");
  let ga = 0, gb = 0, sq = 0;
  for (let i = 0; i < net.nWeights; i++) {
    ga += full.gradient[i] * d1[i];
    gb += full.gradient[i] * d2[i];
    sq += full.gradient[i] ** 2;
  }
  close(r.gradient[0], ga, 1e-14, "ga");
  close(r.gradient[1], gb, 1e-14, "gb");
  close(r.gradNorm, Math.sqrt(sq), 1e-14, "gradNorm");
  assert.equal(r.accuracy, full.accuracy);
  // |P g|: least squares of g on [d1 d2], by normal equations, independently
  const dot = (u, v) => u.reduce((s, ui, i) => s + ui * v[i], 0);
  const [a11, a12, a22] = [dot(d1, d1), dot(d1, d2), dot(d2, d2)];
  const det = a11 * a22 - a12 * a12;
  const c1 = (a22 * ga - a12 * gb) / det;
  const c2 = (a11 * gb - a12 * ga) / det;
  const proj = Array.from(d1, (v, i) => c1 * v + c2 * d2[i]);
  close(r.inPlane, Math.sqrt(dot(proj, proj)) / Math.sqrt(sq), 1e-12, "inPlane");
  assert.ok(r.inPlane > 0 && r.inPlane <= 1);
});

test("coordinates() finds (a, b) and the distance off the plane; recentre moves the plane", () => {
  const { payload, net, d1, d2 } = payloadFor([5, 4, 3], 10, 5);
  const land = createSliceLandscape(payload);
  const on = land.coordinates(land.weights(0.25, -1.5));
  close(on.a, 0.25, 1e-12, "a");
  close(on.b, -1.5, 1e-12, "b");
  close(on.off, 0, 1e-12, "off");
  // a step orthogonal to both directions: (a, b) stay, off is its length
  const w = land.weights(0.25, -1.5);
  const u = Float64Array.from({ length: net.nWeights }, (_, i) => Math.cos(3 * i));
  const dot = (p, q) => p.reduce((s, pi, i) => s + pi * q[i], 0);
  const [a11, a12, a22, u1, u2] = [dot(d1, d1), dot(d1, d2), dot(d2, d2), dot(u, d1), dot(u, d2)];
  const det = a11 * a22 - a12 * a12;
  const c1 = (a22 * u1 - a12 * u2) / det;
  const c2 = (a11 * u2 - a12 * u1) / det;
  const perp = u.map((v, i) => v - c1 * d1[i] - c2 * d2[i]);
  const away = w.map((v, i) => v + perp[i]);
  const got = land.coordinates(away);
  close(got.a, 0.25, 1e-12, "a off the plane");
  close(got.b, -1.5, 1e-12, "b off the plane");
  close(got.off, Math.sqrt(dot(perp, perp)), 1e-12, "off");
  const moved = land.recentre(away);
  close(moved.at(0, 0).value, net.loss(away), 1e-14, "the re-centred slice's origin is w");
  assert.deepEqual(moved.labels, land.labels);
  assert.equal(recentredPayload(payload, away).recentred, true);
  assert.throws(() => recentredPayload(payload, [1, 2]), /give 39 weights; got 2/);
});

test("field() reports a coarse 13x13 picture first, then rows, and equals fieldNow", async () => {
  const { payload } = payloadFor([6, 4, 3], 12, 8);
  const land = createSliceLandscape(payload);
  const seen = [];
  const view = { x: [-0.5, 1], y: [-1, 0.25] };
  const f = await land.field(view, 31, { onProgress: (p) => seen.push({ ...p, value: Array.from(p.value) }) });
  assert.equal(seen[0].stage, "coarse");
  assert.equal(seen[0].n, COARSE);
  assert.equal(seen[0].value.length, COARSE * COARSE);
  assert.ok(seen.slice(1).every((p) => p.stage === "rows"));
  assert.equal(seen[seen.length - 1].done, 31 * 31);
  const now = land.fieldNow(view, 31);
  assert.deepEqual(Array.from(f.value), Array.from(now.value));
  assert.deepEqual(Array.from(f.ga), Array.from(now.ga));
  assert.deepEqual(Array.from(f.xs), Array.from(linspace(-0.5, 1, 31)));
  const coarse = land.fieldNow(view, COARSE);
  assert.deepEqual(seen[0].value, Array.from(coarse.value));
  assert.ok(!f.value.some(Number.isNaN));
  await assert.rejects(land.field({ x: [1, -1], y: [0, 1] }, 11), /view must be/);
  await assert.rejects(land.field(view, 1), /n must be a whole number/);
});

test("an aborted field rejects with AbortError and stops reporting", async () => {
  const { payload } = payloadFor([6, 8, 3], 40, 2);
  const land = createSliceLandscape(payload);
  const ctl = new AbortController();
  let rows = 0;
  const run = land.field({ x: [-1, 1], y: [-1, 1] }, 201, { signal: ctl.signal, onProgress: (p) => { if (p.stage === "rows" && ++rows === 2) ctl.abort(); } });
  await assert.rejects(run, (e) => e.name === "AbortError");
  const at = rows;
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(rows, at);
  const again = await land.field({ x: [-1, 1], y: [-1, 1] }, 5);
  assert.equal(again.value.length, 25);
});

test("a payload with digits' compact pixels and digit labels decodes like the lesson's", () => {
  const net = networkFromPayload({
    model: { sizes: [4, 2, 3] },
    data: { pixels: "0g48", labels: "2" },
  });
  assert.deepEqual(Array.from(net.x), [0, 1, 0.25, 0.5]);
  assert.deepEqual(Array.from(net.labels), [2]);
  assert.throws(() => createSliceLandscape({ model: {} }), /not a slice payload/);
});
