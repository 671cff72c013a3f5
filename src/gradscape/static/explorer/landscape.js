// What the explorer shows, behind one interface: a formula's program, or a slice of a model's
// loss (the plane w0 + a d1 + b d2 through its weights).
//
//   formulaLandscape(compiled)                      evaluated here, synchronously (evaluator.js)
//   sliceLandscape(meta, source, changed)           a slice: computed in the page (the built-in
//                                                   models, core/slice.js) or by Python (tiles)
//
// A landscape has
//   kind            "formula" | "slice"
//   names           the two variables ("w1", "w2" or "a", "b")
//   labels          what the axes are ("w1"; "random 1", "W1[3,7]", "Hessian eigenvector 1, ...")
//   at(p)           {value, gradient: [g0, g1], ...} exactly at p, or null while it is computed
//                   (a slice from Python: `changed("point")` follows when it arrives)
//   value(p)        the value alone (NaN while unknown)
//   grid(view, nx, ny)  the field to draw: {xs, ys, value, gx, gy, view, complete} (row-major,
//                   value[j * xs.length + i] at (xs[i], ys[j])), or null; a slice's grid may be an
//                   earlier window's while the new one is computed (`changed("field")` then)
//   program         the formula's program (formula only: runs, the gradient check)
//   destroy()
//
// A slice `source` is {at(a, b) sync, field(view, n, {onProgress, signal})} for the page's own
// computation, or {remote: true, at(p) -> Promise, field(view, n, onMessage, signal) -> Promise}
// for Python's (the server's NDJSON stream, the widget's messages): a header {xs, ys}, then
// tiles {rows, cols, value, ga, gb} as they finish.

import { evalPoint, evalValue, evalView } from "../core/evaluator.js";

/**
 * @typedef {import("../core/view.js").View} View
 * @typedef {{xs: ArrayLike<number>, ys: ArrayLike<number>, value: Float64Array, gx: Float64Array,
 *            gy: Float64Array, view: View, complete: boolean}} FieldGrid
 * @typedef {{value: number, gradient: number[], gradNorm?: number, inPlane?: number,
 *            accuracy?: number|null}} Here
 * @typedef {{kind: "formula"|"slice", names: string[], labels: string[], program?: any,
 *            at: (p: number[]) => Here|null, value: (p: number[]) => number,
 *            grid: (view: View, nx: number, ny: number) => FieldGrid|null, destroy: () => void,
 *            meta?: any, error?: string}} Landscape
 */

export const SLICE_NODES = 51; // nodes a side of a slice's field computed in the page
export const REMOTE_NODES = 41; // ... and by Python (each node is a forward and backward pass)

/** @param {any} compiled @returns {Landscape} */
export function formulaLandscape(compiled) {
  const program = compiled.program;
  const names = compiled.variables.slice(0, 2);
  return {
    kind: "formula",
    names,
    labels: names,
    program,
    at(p) {
      const r = evalPoint(program, p, false); // the Hessian is not shown on hover
      const value = r.value;
      const gradient = value === value ? [r.gradient[0] ?? 0, r.gradient[1] ?? 0] : [NaN, NaN];
      return { value, gradient };
    },
    value: (p) => evalValue(program, p),
    grid(view, nx, ny) {
      const g = evalView(program, view, nx, ny);
      return { ...g, view, complete: true };
    },
    destroy() {},
  };
}

/** @param {View} a @param {View} b */
function sameWindow(a, b) {
  return a.x[0] === b.x[0] && a.x[1] === b.x[1] && a.y[0] === b.y[0] && a.y[1] === b.y[1];
}

/** @param {number[]} p */
const pointKey = (p) => `${p[0]},${p[1]}`;

/**
 * A slice of a model's loss as a landscape.
 * @param {any} meta  sliceview.slice_meta: labels, view, kind, ...
 * @param {any} source  see the module doc
 * @param {(what: "field"|"point"|"error") => void} changed
 * @returns {Landscape}
 */
export function sliceLandscape(meta, source, changed) {
  const remote = !!source.remote;
  const n = remote ? REMOTE_NODES : SLICE_NODES;
  /** @type {FieldGrid|null} the newest field drawn (maybe an earlier window's) */
  let shown = null;
  /** @type {View|null} the window being computed */
  let wanted = null;
  /** @type {AbortController|null} */
  let running = null;
  let destroyed = false;
  /** exact answers from Python, by point (the last few hundred) */
  const answers = new Map();
  /** @type {number[]|null} */
  let asking = null;
  /** @type {number[]|null} */
  let nextAsk = null;
  const land = /** @type {Landscape} */ ({
    kind: "slice",
    names: ["a", "b"],
    labels: Array.isArray(meta.labels) && meta.labels.length >= 2 ? meta.labels.slice(0, 2) : ["a", "b"],
    meta,
    at,
    value(p) {
      const r = at(p, false);
      return r ? r.value : NaN;
    },
    grid(view) {
      if (!shown || !sameWindow(shown.view, view)) {
        if (!wanted || !sameWindow(wanted, view)) compute(view);
      }
      return shown;
    },
    destroy() {
      destroyed = true;
      if (running) running.abort();
      running = null;
      if (typeof source.destroy === "function") source.destroy();
    },
  });

  /**
   * @param {number[]} p @param {boolean} [ask] ask Python when not known yet
   * @returns {Here|null}
   */
  function at(p, ask = true) {
    if (!remote) return normalize(source.at(p[0], p[1]));
    const known = answers.get(pointKey(p));
    if (known) return known;
    if (ask) request(p);
    return null;
  }

  /** One question to Python at a time; while it is out, only the newest point waits. @param {number[]} p */
  function request(p) {
    if (asking) { nextAsk = [p[0], p[1]]; return; }
    asking = [p[0], p[1]];
    Promise.resolve(source.at(asking)).then((r) => {
      if (destroyed) return;
      if (r && typeof r === "object" && !("error" in r)) {
        answers.set(pointKey(/** @type {number[]} */ (asking)), normalize(r));
        if (answers.size > 500) answers.delete(answers.keys().next().value);
      } else {
        land.error = r && r.error ? String(r.error) : "Python did not answer for this point.";
        changed("error");
      }
    }, (err) => {
      land.error = `Could not reach Python for this point (${err instanceof Error ? err.message : String(err)}).`;
      changed("error");
    }).finally(() => {
      if (destroyed) return;
      asking = null;
      const q = nextAsk;
      nextAsk = null;
      changed("point"); // the explorer asks again for the point it shows now, if still unknown
      if (q && !asking && !answers.has(pointKey(q))) request(q);
    });
  }

  /** @param {View} view */
  function compute(view) {
    if (running) running.abort();
    const ctl = new AbortController();
    running = ctl;
    wanted = { x: [view.x[0], view.x[1]], y: [view.y[0], view.y[1]] };
    const win = wanted;
    if (remote) {
      /** @type {FieldGrid|null} */
      let grid = null;
      let filled = 0;
      source.field(win, n, (/** @type {any} */ msg) => {
        if (ctl.signal.aborted || destroyed) return;
        if (msg.error) { land.error = String(msg.error); changed("error"); return; }
        if (msg.xs) {
          const size = msg.xs.length * msg.ys.length;
          grid = {
            xs: Float64Array.from(msg.xs), ys: Float64Array.from(msg.ys), view: win, complete: false,
            value: new Float64Array(size).fill(NaN), gx: new Float64Array(size).fill(NaN), gy: new Float64Array(size).fill(NaN),
          };
          return;
        }
        if (!grid) return;
        const nx = grid.xs.length;
        const [r0, r1] = msg.rows;
        const [c0, c1] = msg.cols;
        const w = c1 - c0;
        for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) {
          const k = (r - r0) * w + (c - c0);
          const at = r * nx + c;
          grid.value[at] = num(msg.value[k]);
          grid.gx[at] = num(msg.ga[k]);
          grid.gy[at] = num(msg.gb[k]);
        }
        filled += (r1 - r0) * w;
        grid.complete = filled >= grid.value.length;
        shown = grid;
        changed("field");
      }, ctl.signal).catch((/** @type {any} */ err) => {
        if (ctl.signal.aborted || destroyed) return;
        land.error = `The slice's field did not arrive (${err instanceof Error ? err.message : String(err)}).`;
        changed("error");
      }).finally(() => { if (running === ctl) { running = null; wanted = null; } });
      return;
    }
    /** @type {any} the coarse first picture, kept under the rows not computed yet */
    let coarse = null;
    const show = (/** @type {any} */ f, /** @type {boolean} */ complete) => {
      if (ctl.signal.aborted || destroyed || !f) return;
      if (f.stage === "coarse") coarse = f;
      const g = !complete && coarse && f !== coarse ? underlay(f, coarse) : f;
      shown = { xs: g.xs, ys: g.ys, value: g.value, gx: g.ga, gy: g.gb, view: win, complete };
      changed("field");
    };
    Promise.resolve(source.field(win, n, { onProgress: (/** @type {any} */ f) => show(f, false), signal: ctl.signal }))
      .then((f) => show(f, true), (err) => {
        if (ctl.signal.aborted || destroyed || (err && err.name === "AbortError")) return;
        land.error = `The slice could not be computed (${err instanceof Error ? err.message : String(err)}).`;
        changed("error");
      })
      .finally(() => { if (running === ctl) { running = null; wanted = null; } });
  }

  return land;
}

/**
 * The picture while rows are computed: the fine grid's nodes where known, elsewhere the coarse
 * grid interpolated bilinearly (for the picture only; the readout is always computed at its point).
 * @param {any} fine @param {any} coarse
 */
function underlay(fine, coarse) {
  const n = fine.xs.length;
  const m = coarse.xs.length;
  const value = Float64Array.from(fine.value);
  const ga = Float64Array.from(fine.ga);
  const gb = Float64Array.from(fine.gb);
  /** @param {number} t @param {ArrayLike<number>} axis @returns {[number, number]} cell and fraction */
  const cell = (t, axis) => {
    const u = ((t - axis[0]) / (axis[axis.length - 1] - axis[0])) * (axis.length - 1);
    const k = Math.max(0, Math.min(axis.length - 2, Math.floor(u)));
    return [k, Math.max(0, Math.min(1, u - k))];
  };
  /** @param {Float64Array} src @param {number} c @param {number} fx @param {number} fy */
  const lerp = (src, c, fx, fy) => (src[c] * (1 - fx) + src[c + 1] * fx) * (1 - fy)
    + (src[c + m] * (1 - fx) + src[c + m + 1] * fx) * fy;
  for (let j = 0; j < fine.ys.length; j++) {
    const [cj, fy] = cell(fine.ys[j], coarse.ys);
    for (let i = 0; i < n; i++) {
      const k = j * n + i;
      if (value[k] === value[k]) continue;
      const [ci, fx] = cell(fine.xs[i], coarse.xs);
      const c = cj * m + ci;
      value[k] = lerp(coarse.value, c, fx, fy);
      ga[k] = lerp(coarse.ga, c, fx, fy);
      gb[k] = lerp(coarse.gb, c, fx, fy);
    }
  }
  return { xs: fine.xs, ys: fine.ys, value, ga, gb };
}

/** @param {any} v */
function num(v) {
  return v === null || v === undefined ? NaN : Number(v);
}

/** A point's answer with NaN for null (JSON) and the gradient as two numbers. @param {any} r @returns {Here} */
function normalize(r) {
  const value = num(r.value);
  const g = Array.isArray(r.gradient) ? r.gradient : [NaN, NaN];
  return {
    value,
    gradient: value === value ? [num(g[0]), num(g[1])] : [NaN, NaN],
    gradNorm: num(r.gradNorm),
    inPlane: num(r.inPlane),
    accuracy: r.accuracy === null || r.accuracy === undefined ? null : Number(r.accuracy),
  };
}

/**
 * The server's way to a slice it computes: POST /api/slice/field (NDJSON, a tile a line) and
 * POST /api/slice/at.
 * @param {string} id the slice's key from GET /api/slice
 */
export function serverSliceSource(id) {
  return {
    remote: true,
    /** @param {number[]} p */
    async at(p) {
      const res = await fetch("/api/slice/at", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ id, point: [p[0], p[1]] }),
      });
      return res.json();
    },
    /**
     * @param {View} view @param {number} n @param {(msg: any) => void} onMessage
     * @param {AbortSignal} signal
     */
    async field(view, n, onMessage, signal) {
      const res = await fetch("/api/slice/field", {
        method: "POST", headers: { "Content-Type": "application/json" }, signal,
        body: JSON.stringify({ id, view: { x: [...view.x], y: [...view.y] }, n }),
      });
      if (!res.ok || !res.body) {
        let msg = `HTTP ${res.status}`;
        try { msg = (await res.json()).error || msg; } catch { /* not JSON */ }
        onMessage({ error: msg });
        return;
      }
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let nl;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.trim()) onMessage(JSON.parse(line));
        }
      }
    },
  };
}
