// explorer/landscape.js (a slice Python computes: tiles into the field, exact points only) and
// hosts/slicelink.js (a slice in a link).
import { test } from "node:test";
import assert from "node:assert/strict";
import { sliceLandscape } from "../../src/gradscape/static/explorer/landscape.js";
import { sliceParts, sliceRequest } from "../../src/gradscape/static/hosts/slicelink.js";
import { stateToQuery } from "../../src/gradscape/static/hosts/model.js";

const meta = { labels: ["random 1", "random 2"], view: { x: [-1, 1], y: [-1, 1] }, id: "k",
  spec: { m: "mlp", d: "weights:W1[3,7],b2[1]", s: 0, span: 1, t: null } };

test("a slice's link names its model, directions, seed and span, beside the view and point", () => {
  assert.equal(sliceParts(meta), "m=mlp&d=weights%3AW1%5B3%2C7%5D%2Cb2%5B1%5D&s=0&span=1");
  const q = stateToQuery({ slice: meta, formula: "", view: { x: [0, 1], y: [2, 3] }, point: [0.5, 2.5] });
  assert.equal(q, `${sliceParts(meta)}&v=0,1,2,3&p=0.5,2.5`);
  assert.equal(sliceRequest(`?${q}`), sliceParts(meta));
  assert.equal(sliceParts({ id: "a|b" }), "id=a%7Cb");
  assert.equal(sliceRequest("?g=bowl&v=0,1,0,1"), null);
});

function fakeRemote() {
  const calls = { at: [], field: [] };
  return {
    calls,
    remote: true,
    at(p) { return new Promise((resolve) => calls.at.push({ p, resolve })); },
    field(view, n, onMessage, signal) { return new Promise((resolve) => calls.field.push({ view, n, onMessage, signal, resolve })); },
  };
}

test("a point Python computes is null (pending) until its exact answer arrives, then kept", async () => {
  const src = fakeRemote();
  const seen = [];
  const land = sliceLandscape(meta, src, (w) => seen.push(w));
  assert.equal(land.at([0.1, 0.2]), null);
  assert.equal(land.at([0.3, 0.4]), null); // waits behind the first, newest only
  assert.equal(src.calls.at.length, 1);
  src.calls.at[0].resolve({ value: 1.5, gradient: [2, -3], gradNorm: 4, inPlane: 0.5, accuracy: null });
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(seen, ["point"]);
  assert.deepEqual(land.at([0.1, 0.2]), { value: 1.5, gradient: [2, -3], gradNorm: 4, inPlane: 0.5, accuracy: null });
  assert.equal(src.calls.at.length, 2); // then the newest point is asked
  assert.deepEqual(src.calls.at[1].p, [0.3, 0.4]);
});

test("tiles fill the field as they arrive; a new window aborts the old request", () => {
  const src = fakeRemote();
  let fields = 0;
  const land = sliceLandscape(meta, src, (w) => { if (w === "field") fields++; });
  const view = { x: [-1, 1], y: [-1, 1] };
  assert.equal(land.grid(view, 10, 10), null);
  const req = src.calls.field[0];
  assert.equal(req.n, 41);
  req.onMessage({ xs: [-1, 0, 1], ys: [-1, 1], total: 6 });
  req.onMessage({ rows: [0, 1], cols: [0, 3], value: [1, 2, 3], ga: [0, 0, 0], gb: [1, 1, 1] });
  let g = land.grid(view, 10, 10);
  assert.equal(g.complete, false);
  assert.deepEqual(Array.from(g.value.slice(0, 3)), [1, 2, 3]);
  assert.ok(Number.isNaN(g.value[3]));
  req.onMessage({ rows: [1, 2], cols: [0, 3], value: [4, null, 6], ga: [0, 0, 0], gb: [1, 1, 1] });
  g = land.grid(view, 10, 10);
  assert.equal(g.complete, true);
  assert.ok(Number.isNaN(g.value[4])); // null from JSON: undefined there
  assert.equal(fields, 2);
  land.grid({ x: [0, 1], y: [0, 1] }, 10, 10); // zoomed: the old field is still drawn meanwhile
  assert.equal(req.signal.aborted, true);
  assert.equal(src.calls.field.length, 2);
});
