// The worker behind slice.js's field(): it holds one slice's plane and computes blocks of grid rows.
//
//   main -> worker  {type: "init", sizes, x, labels, w0, d1, d2}    (Float64Array / Int32Array)
//   worker -> main  {type: "ready"}  or  {type: "error", message}
//   main -> worker  {type: "rows", job, xs, ys, r0, r1}
//   worker -> main  {type: "rows", job, value, ga, gb}               (buffers transferred)
//
// It exports nothing, so its bundle (bundle.py) is also a classic script: the one-file export
// starts it from a Blob URL.

import { createNetwork } from "./network.js";
import { createPlane } from "./slice-plane.js";

/** @type {ReturnType<typeof createPlane>|null} */
let plane = null;
const scope = /** @type {any} */ (globalThis);

scope.onmessage = (/** @type {MessageEvent} */ event) => {
  const m = event.data;
  try {
    if (m.type === "init") {
      const net = createNetwork({ sizes: m.sizes, x: m.x, labels: m.labels });
      plane = createPlane(net, m.w0, m.d1, m.d2);
      scope.postMessage({ type: "ready" });
    } else if (m.type === "rows") {
      if (!plane) throw new Error("the slice worker got rows before init");
      const out = plane.rows(m.xs, m.ys, m.r0, m.r1);
      scope.postMessage({ type: "rows", job: m.job, value: out.value, ga: out.ga, gb: out.gb },
        [out.value.buffer, out.ga.buffer, out.gb.buffer]);
    }
  } catch (err) {
    scope.postMessage({ type: "error", job: m && m.job, message: String(err && /** @type {any} */ (err).message || err) });
  }
};
