// A multilayer perceptron on one flat float64 weight vector, in the layout of Python's
// gradscape.models.mlp.MLP: W1 (in x out, row by row), b1, W2, b2, ...; tanh on every hidden
// layer, softmax cross-entropy on the scores, averaged over the examples. The arithmetic is the
// same as NumPy's (the scores' largest entry subtracted before exp), so losses and gradients agree
// with Python's to rounding (about 1e-15 relative).
//
//   const net = createNetwork({ sizes: [64, 16, 10], x, labels });   // x: n * 64 floats
//   net.loss(w)                      // mean cross-entropy over all examples
//   net.lossAndGradient(w)           // {value, gradient: Float64Array, accuracy}, by backprop
//   net.lossAndGradient(w, indices)  // the same over the examples listed (a minibatch)
//
// No DOM: it runs in a page, a worker and node alike.

/** Pixel value v (0..16) is written as PIXEL_DIGITS[v] in a payload's compact pixels. */
export const PIXEL_DIGITS = "0123456789abcdefg";

/**
 * @typedef {{name: string, shape: number[], start: number}} Layout
 * @typedef {{sizes: number[], x: Float64Array, labels: Int32Array}} NetworkSpec
 */

/** W1, b1, W2, b2, ... for layer widths `sizes` (input first), as Python's layouts_for. @param {number[]} sizes */
export function layoutsFor(sizes) {
  /** @type {Layout[]} */
  const out = [];
  let start = 0;
  for (let l = 1; l < sizes.length; l++) {
    out.push({ name: `W${l}`, shape: [sizes[l - 1], sizes[l]], start });
    start += sizes[l - 1] * sizes[l];
    out.push({ name: `b${l}`, shape: [sizes[l]], start });
    start += sizes[l];
  }
  return out;
}

/** "W1[3,7]" for weight index i of a layout. @param {Layout[]} layout @param {number} i */
export function weightName(layout, i) {
  for (const l of layout) {
    const size = l.shape.reduce((a, b) => a * b, 1);
    if (i >= l.start && i < l.start + size) {
      const k = i - l.start;
      return l.shape.length === 2 ? `${l.name}[${Math.floor(k / l.shape[1])},${k % l.shape[1]}]` : `${l.name}[${k}]`;
    }
  }
  return `w[${i}]`;
}

/** Compact pixels (one PIXEL_DIGITS character each) as floats v / 16. @param {string} text */
export function decodePixels(text) {
  const x = new Float64Array(text.length);
  for (let k = 0; k < text.length; k++) {
    const v = PIXEL_DIGITS.indexOf(text[k]);
    if (v < 0) throw new Error(`pixel ${k} is ${JSON.stringify(text[k])}, not one of ${PIXEL_DIGITS}`);
    x[k] = v / 16;
  }
  return x;
}

/** Little-endian float64s written as base64 (Python: base64.b64encode(a.astype("<f8").tobytes())). @param {string} text */
export function decodeFloat64(text) {
  const bin = atob(text);
  if (bin.length % 8) throw new Error(`base64 float64 data has ${bin.length} bytes, not a multiple of 8`);
  const bytes = new Uint8Array(bin.length);
  for (let k = 0; k < bin.length; k++) bytes[k] = bin.charCodeAt(k);
  return new Float64Array(bytes.buffer); // every browser and node is little-endian
}

/** The inverse of decodeFloat64: float64s as base64 of their little-endian bytes. @param {ArrayLike<number>} values */
export function encodeFloat64(values) {
  const bytes = new Uint8Array(Float64Array.from(values).buffer);
  let bin = "";
  for (let k = 0; k < bytes.length; k += 4096) bin += String.fromCharCode(...bytes.subarray(k, k + 4096));
  return btoa(bin);
}

/**
 * The network as a function of its weights.
 * @param {NetworkSpec} spec sizes (input first), inputs x (n * sizes[0], row by row), labels (n)
 */
export function createNetwork(spec) {
  const sizes = spec.sizes.map(Number);
  const L = sizes.length - 1; // number of weight layers
  if (L < 1) throw new Error("a network needs at least an input and an output size");
  const features = sizes[0];
  const classes = sizes[L];
  const x = spec.x;
  const labels = spec.labels;
  const n = labels.length;
  if (x.length !== n * features) throw new Error(`x has ${x.length} numbers; ${n} examples of ${features} need ${n * features}`);
  const layout = layoutsFor(sizes);
  const last = layout[layout.length - 1];
  const nWeights = last.start + last.shape[0];
  const wStart = Int32Array.from({ length: L }, (_, l) => layout[2 * l].start);
  const bStart = Int32Array.from({ length: L }, (_, l) => layout[2 * l + 1].start);
  const widest = Math.max(...sizes);
  // one example's activations a[0] = x, a[1..L-1] = tanh layers, and the scores / their derivative
  const acts = sizes.slice(0, L).map((s) => new Float64Array(s));
  const z = new Float64Array(classes);
  const dz = new Float64Array(widest);
  const da = new Float64Array(widest);
  const all = Int32Array.from({ length: n }, (_, k) => k);

  /** @param {ArrayLike<number>} w */
  function check(w) {
    if (w.length !== nWeights) throw new Error(`give ${nWeights} weights; got ${w.length}`);
  }

  /** @param {ArrayLike<number>|undefined} indices */
  function rowsOf(indices) {
    if (indices === undefined) return all;
    for (let k = 0; k < indices.length; k++) {
      const s = indices[k];
      if (!(Number.isInteger(s) && s >= 0 && s < n)) throw new Error(`sample index ${s} is not one of 0..${n - 1}`);
    }
    if (indices.length === 0) throw new Error("give at least one sample index");
    return indices;
  }

  /**
   * Forward one example s at w: fills acts[1..L-1] and z (the scores); returns the right class's
   * loss, logsumexp(z) - z[label].
   * @param {ArrayLike<number>} w @param {number} s
   */
  function forward(w, s) {
    const a0 = acts[0];
    const xs = s * features;
    for (let i = 0; i < features; i++) a0[i] = x[xs + i];
    for (let l = 0; l < L; l++) {
      const inp = acts[l];
      const fin = sizes[l];
      const fout = sizes[l + 1];
      const ow = wStart[l];
      const ob = bStart[l];
      const out = l < L - 1 ? acts[l + 1] : z;
      for (let j = 0; j < fout; j++) out[j] = 0;
      for (let i = 0; i < fin; i++) {
        const v = inp[i];
        if (v === 0) continue;
        const row = ow + i * fout;
        for (let j = 0; j < fout; j++) out[j] += v * w[row + j];
      }
      for (let j = 0; j < fout; j++) out[j] += w[ob + j];
      if (l < L - 1) for (let j = 0; j < fout; j++) out[j] = Math.tanh(out[j]);
    }
    let top = -Infinity;
    for (let c = 0; c < classes; c++) if (z[c] > top) top = z[c];
    let total = 0;
    for (let c = 0; c < classes; c++) total += Math.exp(z[c] - top);
    return top + Math.log(total) - z[labels[s]];
  }

  /** @param {number} s whether the highest score of the last forward is example s's label */
  function right(s) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (z[c] > z[best]) best = c;
    return best === labels[s];
  }

  /**
   * The mean cross-entropy at w over all examples (or those listed).
   * @param {ArrayLike<number>} w @param {ArrayLike<number>} [indices]
   */
  function loss(w, indices) {
    check(w);
    const rows = rowsOf(indices);
    let sum = 0;
    for (let k = 0; k < rows.length; k++) sum += forward(w, rows[k]);
    return sum / rows.length;
  }

  /**
   * The fraction of examples (all, or those listed) whose highest score is the right class.
   * @param {ArrayLike<number>} w @param {ArrayLike<number>} [indices]
   */
  function accuracy(w, indices) {
    check(w);
    const rows = rowsOf(indices);
    let hits = 0;
    for (let k = 0; k < rows.length; k++) {
      forward(w, rows[k]);
      if (right(rows[k])) hits++;
    }
    return hits / rows.length;
  }

  /**
   * Loss, its exact gradient (backpropagation, one example at a time) and the accuracy.
   * @param {ArrayLike<number>} w @param {ArrayLike<number>} [indices]
   * @returns {{value: number, gradient: Float64Array, accuracy: number}}
   */
  function lossAndGradient(w, indices) {
    check(w);
    const rows = rowsOf(indices);
    const m = rows.length;
    const g = new Float64Array(nWeights);
    let sum = 0;
    let hits = 0;
    for (let k = 0; k < m; k++) {
      const s = rows[k];
      sum += forward(w, s);
      if (right(s)) hits++;
      // d(loss / m) / dz = (softmax(z) - onehot(label)) / m
      let top = -Infinity;
      for (let c = 0; c < classes; c++) if (z[c] > top) top = z[c];
      let total = 0;
      for (let c = 0; c < classes; c++) {
        dz[c] = Math.exp(z[c] - top);
        total += dz[c];
      }
      for (let c = 0; c < classes; c++) dz[c] /= m * total;
      dz[labels[s]] -= 1 / m;
      for (let l = L - 1; l >= 0; l--) {
        const inp = acts[l];
        const fin = sizes[l];
        const fout = sizes[l + 1];
        const ow = wStart[l];
        const ob = bStart[l];
        for (let j = 0; j < fout; j++) g[ob + j] += dz[j];
        for (let i = 0; i < fin; i++) {
          const v = inp[i];
          const row = ow + i * fout;
          let back = 0;
          for (let j = 0; j < fout; j++) {
            g[row + j] += v * dz[j];
            back += w[row + j] * dz[j];
          }
          da[i] = back;
        }
        if (l > 0) for (let i = 0; i < fin; i++) dz[i] = da[i] * (1 - inp[i] * inp[i]); // tanh' = 1 - tanh^2
      }
    }
    return { value: sum / m, gradient: g, accuracy: hits / m };
  }

  /**
   * A minibatch's loss and gradient: the examples listed (repeats count twice).
   * @param {ArrayLike<number>} w @param {ArrayLike<number>} indices
   */
  function minibatchGradient(w, indices) {
    if (indices === undefined) throw new Error("give the minibatch's sample indices");
    const r = lossAndGradient(w, indices);
    return { value: r.value, gradient: r.gradient };
  }

  return {
    sizes, layout, nWeights, nSamples: n, features, classes, x, labels,
    loss, accuracy, lossAndGradient, minibatchGradient,
    /** @param {number} i */ name: (i) => weightName(layout, i),
  };
}

/**
 * The network a payload describes: {model: {sizes}, data: {pixels | x, labels, n_samples}}
 * (gradscape.models.browser.network_payload).
 * @param {any} payload
 */
export function networkFromPayload(payload) {
  const model = payload.model;
  const data = payload.data;
  const x = typeof data.pixels === "string" ? decodePixels(data.pixels) : decodeFloat64(data.x);
  const labels = typeof data.labels === "string" ? Int32Array.from(data.labels, (c) => Number(c)) : Int32Array.from(data.labels);
  return createNetwork({ sizes: model.sizes, x, labels });
}
