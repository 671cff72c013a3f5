// A slice of a built-in network's loss, computed in the page: the plane w0 + a d1 + b d2 through
// its weights (gradscape.models.slices.Slice), from the payload gradscape.models.browser's
// slice_payload writes.
//
//   const land = createSliceLandscape(payload);
//   land.at(0.2, -0.1)   // {value, gradient: [ga, gb], gradNorm, inPlane, accuracy, fullGradient}
//   await land.field({x: [-1, 1], y: [-1, 1]}, 51, {onProgress, signal})
//
// at() is exact and synchronous (one pass through the network, about a millisecond for the
// lesson's network). field() runs in Web Workers (one a core, up to four) in blocks of rows, a
// coarse 13 x 13 picture first, and can be cancelled with an AbortSignal; where no worker can
// start it computes on the main thread in small chunks, yielding between them, so the page never
// freezes. In the one-file export the worker comes from a Blob of its bundled source (bundle.py
// fills WORKER_SOURCE), which the export's CSP allows with "worker-src blob:".

import { networkFromPayload, decodeFloat64, encodeFloat64, weightName } from "./network.js";
import { createPlane, linspace } from "./slice-plane.js";

const WORKER_SOURCE = null; // bundle: source of "./slice-worker.js"

/** Nodes a side of the first, coarse picture. */
export const COARSE = 13;
/** Nodes a worker computes per message: small enough to cancel fast, large enough to be cheap. */
const CHUNK_NODES = 160;
/** Messages a worker holds at once: the next block waits in its queue, so it never idles while
 * the page takes a finished block and sends another. */
const DEPTH = 2;
/** The main thread's share of work between two yields, in weight x example x node units. */
const MAIN_SLICE = 2e7;
/** At most this much work (same units) is done on the main thread without a break (about 20 ms:
 * the lesson network's 13 x 13 coarse picture on its 200 images). */
const MAIN_NOW = 5e7;

/**
 * @typedef {{x: [number, number], y: [number, number]}} View
 * @typedef {{xs: Float64Array, ys: Float64Array, value: Float64Array, ga: Float64Array, gb: Float64Array, n: number}} Field
 * @typedef {{stage: "coarse"|"rows", done: number, total: number, rows?: [number, number]} & Field} Progress
 * @typedef {{onProgress?: (p: Progress) => void, signal?: AbortSignal}} FieldOptions
 * @typedef {{workers?: number, workerSource?: string|null}} Options
 */

/**
 * The slice landscape of a payload (see the module doc).
 * @param {any} payload gradscape.models.browser.slice_payload(...)
 * @param {Options} [options] workers: how many (0: compute on the main thread); workerSource:
 *   the worker's bundled source, for hosts whose modules are not files
 */
export function createSliceLandscape(payload, options = {}) {
  if (!payload || !payload.model || !payload.data || typeof payload.w0 !== "string") {
    throw new Error("not a slice payload: give gradscape.models.browser.slice_payload(...)");
  }
  const net = networkFromPayload(payload);
  const w0 = decodeFloat64(payload.w0);
  const d1 = decodeFloat64(payload.d1);
  const d2 = decodeFloat64(payload.d2);
  const plane = createPlane(net, w0, d1, d2);
  const P = net.nWeights;
  let g11 = 0;
  let g12 = 0;
  let g22 = 0;
  for (let i = 0; i < P; i++) {
    g11 += d1[i] * d1[i];
    g12 += d1[i] * d2[i];
    g22 += d2[i] * d2[i];
  }
  const det = g11 * g22 - g12 * g12;
  /** (a, b) = G^-1 (u, v) for the Gram matrix G of d1, d2. @param {number} u @param {number} v */
  const solve = (u, v) => [(g22 * u - g12 * v) / det, (g11 * v - g12 * u) / det];
  const cost = P * net.nSamples; // work of one node, in multiply-adds (roughly)
  const executor = createExecutor(net, w0, d1, d2, plane, cost, options);

  /**
   * Everything at one point of the plane, computed there (exact, not interpolated).
   * @param {number} a @param {number} b
   */
  function at(a, b) {
    const r = plane.point(Number(a), Number(b));
    let sq = 0;
    for (let i = 0; i < P; i++) sq += r.gradient[i] * r.gradient[i];
    const gradNorm = Math.sqrt(sq);
    const [ca, cb] = solve(r.ga, r.gb);
    const shown = Math.sqrt(Math.max(0, ca * r.ga + cb * r.gb)); // |P g|, P the projection
    const inPlane = gradNorm > 0 ? Math.min(1, shown / gradNorm) : 1;
    return { value: r.value, gradient: [r.ga, r.gb], gradNorm, inPlane, accuracy: r.accuracy, fullGradient: r.gradient };
  }

  /** The full weight vector w0 + a d1 + b d2. @param {number} a @param {number} b */
  const weights = (a, b) => plane.weights(Number(a), Number(b));

  /**
   * (a, b) of the point of the plane nearest to w, and w's distance from the plane.
   * @param {ArrayLike<number>} w
   */
  function coordinates(w) {
    if (w.length !== P) throw new Error(`give ${P} weights; got ${w.length}`);
    let u = 0;
    let v = 0;
    for (let i = 0; i < P; i++) {
      const o = w[i] - w0[i];
      u += o * d1[i];
      v += o * d2[i];
    }
    const [a, b] = solve(u, v);
    let off = 0;
    for (let i = 0; i < P; i++) {
      const r = w[i] - w0[i] - a * d1[i] - b * d2[i];
      off += r * r;
    }
    return { a, b, off: Math.sqrt(off) };
  }

  /**
   * Loss and 2D gradient on the n x n grid over `view`, row-major (rows are b = ys, columns a = xs).
   * @param {View} [view] @param {number} [n] @param {FieldOptions} [opts]
   * @returns {Promise<Field>}
   */
  async function field(view = payload.view, n = payload.n || 51, opts = {}) {
    const { onProgress, signal } = opts;
    checkView(view);
    if (!(Number.isInteger(n) && n >= 2 && n <= 1001)) throw new Error(`n must be a whole number from 2 to 1001; got ${n}`);
    throwIfAborted(signal);
    const xs = linspace(view.x[0], view.x[1], n);
    const ys = linspace(view.y[0], view.y[1], n);
    const total = n * n;
    const value = new Float64Array(total).fill(NaN);
    const ga = new Float64Array(total).fill(NaN);
    const gb = new Float64Array(total).fill(NaN);
    // the coarse picture first (its own small grid over the same view), unless n is that small
    // (on this thread at once while the workers start, if that is quick: the first picture
    // should not wait for them)
    const m = n > COARSE ? COARSE : 0;
    const cx = linspace(view.x[0], view.x[1], m);
    const cy = linspace(view.y[0], view.y[1], m);
    const coarse = !m ? null
      : !executor.ready() && m * m * cost <= MAIN_NOW ? Promise.resolve(plane.rows(cx, cy, 0, m))
        : coarseOnWorkers(cx, cy, signal);
    // blocks of about CHUNK_NODES nodes, smaller towards the end (a quarter of what is left a
    // worker, down to one row) so the workers finish together
    const step = Math.max(1, Math.round(CHUNK_NODES / n));
    const lanes = 2 * executor.parallel();
    const blocks = [];
    for (let r0 = 0; r0 < n;) {
      const size = Math.max(1, Math.min(step, Math.floor((n - r0) / lanes)));
      blocks.push([r0, r0 + size]);
      r0 += size;
    }
    const pending = blocks.map(([r0, r1]) => executor.run(xs, ys, r0, r1, signal));
    for (const p of pending) p.catch(() => {}); // aborted while the coarse picture is awaited: handled
    if (coarse) {
      const c = await coarse;
      throwIfAborted(signal);
      if (onProgress) {
        onProgress({ stage: "coarse", done: 0, total, n: m, xs: cx, ys: cy, ...c });
      }
    }
    let done = 0;
    await Promise.all(pending.map(async (p, k) => {
      const r = await p;
      throwIfAborted(signal);
      const [r0, r1] = blocks[k];
      value.set(r.value, r0 * n);
      ga.set(r.ga, r0 * n);
      gb.set(r.gb, r0 * n);
      done += (r1 - r0) * n;
      if (onProgress) onProgress({ stage: "rows", rows: [r0, r1], done, total, n, xs, ys, value, ga, gb });
    }));
    return { xs, ys, value, ga, gb, n };
  }

  /**
   * The coarse grid split among the workers (one block each, queued before any row of the
   * full grid), joined again.
   * @param {Float64Array} cx @param {Float64Array} cy @param {AbortSignal} [signal]
   */
  async function coarseOnWorkers(cx, cy, signal) {
    const m = cy.length;
    const parts = Math.max(1, Math.min(m, executor.parallel()));
    const cuts = Array.from({ length: parts + 1 }, (_, k) => Math.round((k * m) / parts));
    const got = await Promise.all(cuts.slice(0, -1).map((r0, k) => executor.run(cx, cy, r0, cuts[k + 1], signal)));
    const out = { value: new Float64Array(m * m), ga: new Float64Array(m * m), gb: new Float64Array(m * m) };
    got.forEach((g, k) => {
      out.value.set(g.value, cuts[k] * m);
      out.ga.set(g.ga, cuts[k] * m);
      out.gb.set(g.gb, cuts[k] * m);
    });
    return out;
  }

  return {
    variables: ["a", "b"],
    labels: /** @type {[string, string]} */ ([String(payload.labels?.[0] ?? "d1"), String(payload.labels?.[1] ?? "d2")]),
    kind: String(payload.kind ?? "custom"),
    directions: String(payload.directions ?? payload.kind ?? "custom"),
    seed: payload.seed ?? null,
    span: payload.span,
    view: payload.view,
    n: payload.n,
    eigenvalues: payload.eigenvalues ?? null,
    model: payload.model,
    /** The plane's point and directions (read them, do not change them). */
    w0,
    directions: [d1, d2],
    nWeights: P,
    nSamples: net.nSamples,
    layout: net.layout,
    /** "W1[3,7]" for weight index i. @param {number} i */
    weightName: (i) => weightName(net.layout, i),
    at,
    weights,
    coordinates,
    field,
    /** @param {ArrayLike<number>} w */
    lossAndGradient: (w) => net.lossAndGradient(w),
    /** @param {ArrayLike<number>} w @param {ArrayLike<number>} indices */
    minibatchGradient: (w, indices) => net.minibatchGradient(w, indices),
    /** @param {ArrayLike<number>} w */
    loss: (w) => net.loss(w),
    /** @param {ArrayLike<number>} w @param {ArrayLike<number>} [indices] */
    accuracy: (w, indices) => net.accuracy(w, indices),
    /**
     * The grid at once on this thread, blocking it (benchmarks and tests; pages use field); only
     * rows r0..r1-1 if given (the arrays then hold those rows).
     * @param {View} view @param {number} n @param {[number, number]} [rows] @returns {Field}
     */
    fieldNow: (view, n, rows = [0, n]) => {
      checkView(view);
      const xs = linspace(view.x[0], view.x[1], n);
      const ys = linspace(view.y[0], view.y[1], n);
      return { xs, ys, n, ...plane.rows(xs, ys, rows[0], rows[1]) };
    },
    /** The reference for a node: a full forward and backward pass there, projected. @param {number} a @param {number} b */
    bruteForce: (a, b) => plane.bruteForce(a, b),
    /**
     * The same slice re-centred on weights w (the same directions): a new landscape; close()
     * this one if it is no longer shown.
     * @param {ArrayLike<number>} w @param {Options} [opts]
     */
    recentre: (w, opts = options) => createSliceLandscape(recentredPayload(payload, w), opts),
    /** Where field() computes: "workers" once they run, "main" without them, "starting" before. */
    get engine() { return executor.engine(); },
    /** Stop the workers (the landscape still answers at() and computes fields on the main thread). */
    close: () => executor.close(),
  };
}

/**
 * A copy of a slice payload whose plane goes through weights w instead of w0 (same directions).
 * @param {any} payload @param {ArrayLike<number>} w
 */
export function recentredPayload(payload, w) {
  const n = payload.model.n_weights;
  if (w.length !== n) throw new Error(`give ${n} weights; got ${w.length}`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(w[i])) throw new Error(`weight ${i} is ${w[i]}; re-centre on finite weights`);
  return { ...payload, w0: encodeFloat64(w), loss_at_w0: null, recentred: true }; // eigenvalues: still those at the first centre
}

/** @param {any} view */
function checkView(view) {
  const ok = (/** @type {any} */ r) => Array.isArray(r) && r.length === 2 && Number.isFinite(r[0]) && Number.isFinite(r[1]) && r[0] < r[1];
  if (!view || !ok(view.x) || !ok(view.y)) {
    throw new Error(`view must be {x: [lo, hi], y: [lo, hi]} with finite lo < hi; got ${JSON.stringify(view)}`);
  }
}

/** @param {AbortSignal|undefined} signal */
function throwIfAborted(signal) {
  if (signal && signal.aborted) {
    throw signal.reason instanceof Error ? signal.reason : new DOMException("the field was cancelled", "AbortError");
  }
}

/** A promise that resolves after the browser had a turn (tasks, input, painting). */
function yieldToPage() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Where blocks of grid rows are computed: a pool of workers, or the main thread in slices.
 * @param {ReturnType<typeof networkFromPayload>} net @param {Float64Array} w0 @param {Float64Array} d1
 * @param {Float64Array} d2 @param {ReturnType<typeof createPlane>} plane @param {number} cost
 * @param {Options} options
 */
function createExecutor(net, w0, d1, d2, plane, cost, options) {
  /** @typedef {{xs: Float64Array, ys: Float64Array, r0: number, r1: number, signal?: AbortSignal, resolve: (r: any) => void, reject: (e: any) => void}} Job */
  /** @type {Job[]} */
  const queue = [];
  /** @type {Array<{worker: Worker, ready: boolean, jobs: Array<Job & {id: number}>}>} */
  let slots = [];
  let state = "main"; // "starting" | "workers" | "main"
  let mainRunning = false;
  let nextId = 1;
  const want = options.workers ?? Math.max(1, Math.min(4, (globalThis.navigator && navigator.hardwareConcurrency) || 2));

  if (want > 0 && typeof Worker === "function") {
    try {
      slots = Array.from({ length: want }, () => ({ worker: startWorker(options.workerSource), ready: false, jobs: [] }));
      state = "starting";
      for (const slot of slots) {
        slot.worker.onmessage = (event) => onMessage(slot, event.data);
        slot.worker.onerror = (event) => { event.preventDefault(); fail(slot, event.message || "the slice worker failed to start"); };
        slot.worker.postMessage({ type: "init", sizes: net.sizes, x: net.x, labels: net.labels, w0, d1, d2 });
      }
    } catch (err) {
      for (const s of slots) s.worker.terminate();
      slots = [];
      state = "main";
    }
  }

  /** @param {any} slot @param {any} m */
  function onMessage(slot, m) {
    if (m.type === "ready") {
      slot.ready = true;
      state = "workers";
    } else if (m.type === "rows") {
      const k = slot.jobs.findIndex((j) => j.id === m.job);
      if (k >= 0) slot.jobs.splice(k, 1)[0].resolve({ value: m.value, ga: m.ga, gb: m.gb });
    } else if (m.type === "error") {
      fail(slot, m.message);
      return;
    }
    pump();
  }

  /** A worker that cannot run: drop it; its jobs go back to the queue. @param {any} slot @param {string} why */
  function fail(slot, why) {
    slot.worker.terminate();
    slots = slots.filter((s) => s !== slot);
    queue.unshift(...slot.jobs);
    slot.jobs = [];
    if (!slots.length) {
      if (state !== "main") console.warn(`gradscape: slice workers unavailable (${why}); computing on the page`);
      state = "main";
    }
    pump();
  }

  function pump() {
    dropAborted();
    if (state === "main" || !slots.some((s) => s.ready)) {
      if (state === "main") runOnMain();
      return;
    }
    // one block to each ready worker in turn, then a second each (DEPTH), so blocks are shared
    // evenly however many are queued
    for (let depth = 1; depth <= DEPTH; depth++) {
      for (const slot of slots) {
        if (!slot.ready || slot.jobs.length >= depth || !queue.length) continue;
        const job = /** @type {Job & {id: number}} */ (queue.shift());
        job.id = nextId++;
        slot.jobs.push(job);
        slot.worker.postMessage({ type: "rows", job: job.id, xs: job.xs, ys: job.ys, r0: job.r0, r1: job.r1 });
      }
    }
  }

  function dropAborted() {
    for (let k = queue.length - 1; k >= 0; k--) {
      const job = queue[k];
      if (job.signal && job.signal.aborted) {
        queue.splice(k, 1);
        job.reject(new DOMException("the field was cancelled", "AbortError"));
      }
    }
  }

  async function runOnMain() {
    if (mainRunning) return;
    mainRunning = true;
    try {
      while (queue.length && state === "main") {
        const job = /** @type {Job} */ (queue.shift());
        if (job.signal && job.signal.aborted) {
          job.reject(new DOMException("the field was cancelled", "AbortError"));
          continue;
        }
        // a block in slices of rows small enough that the page stays responsive between them
        const per = Math.max(1, Math.floor(MAIN_SLICE / (cost * job.xs.length)));
        const size = (job.r1 - job.r0) * job.xs.length;
        const out = { value: new Float64Array(size), ga: new Float64Array(size), gb: new Float64Array(size) };
        try {
          for (let r = job.r0; r < job.r1; r += per) {
            const r1 = Math.min(job.r1, r + per);
            const part = plane.rows(job.xs, job.ys, r, r1);
            const o = (r - job.r0) * job.xs.length;
            out.value.set(part.value, o);
            out.ga.set(part.ga, o);
            out.gb.set(part.gb, o);
            await yieldToPage();
            if (job.signal && job.signal.aborted) throw new DOMException("the field was cancelled", "AbortError");
          }
          job.resolve(out);
        } catch (err) {
          job.reject(err);
        }
      }
    } finally {
      mainRunning = false;
    }
  }

  /**
   * @param {Float64Array} xs @param {Float64Array} ys @param {number} r0 @param {number} r1
   * @param {AbortSignal} [signal]
   * @returns {Promise<{value: Float64Array, ga: Float64Array, gb: Float64Array}>}
   */
  function run(xs, ys, r0, r1, signal) {
    return new Promise((resolve, reject) => {
      queue.push({ xs, ys, r0, r1, signal, resolve, reject });
      if (signal) signal.addEventListener("abort", () => pump(), { once: true });
      pump();
    });
  }

  function close() {
    for (const s of slots) {
      s.worker.terminate();
      queue.unshift(...s.jobs);
    }
    slots = [];
    state = "main";
    pump();
  }

  return {
    run, close, engine: () => state, ready: () => state === "workers",
    /** How many blocks can run at once. */
    parallel: () => (state === "main" ? 1 : Math.max(1, slots.filter((s) => s.ready).length)),
  };
}

/**
 * A worker running slice-worker.js: from its file next to this module, or from its source text
 * (the one-file export and hosts whose modules are not files).
 * @param {string|null|undefined} source
 */
function startWorker(source) {
  const text = source ?? WORKER_SOURCE;
  if (typeof text === "string") {
    const url = URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
    const worker = new Worker(url);
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    return worker;
  }
  return new Worker(new URL("./slice-worker.js", import.meta.url), { type: "module" });
}
