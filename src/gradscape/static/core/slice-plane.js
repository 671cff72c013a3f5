// The loss of a network on the plane w0 + a d1 + b d2 of its weights, and the exact 2D gradient
// (grad L . d1, grad L . d2), at many (a, b) fast: the computation behind slice.js and its worker.
//
// The first layer is affine in (a, b): x (W1 + a D1 + b D2) + (b1 + a e1 + b e2) = Z0 + a Z1 + b Z2,
// three matrix products made once (`createPlane`), so a node costs only the layers after it.
// Its share of grad L . d1 is sum(dz1 * Z1) over the examples, no product at all. Each later layer
// is W0 + a D1 + b D2, built once a node; its share is <h^T dz, D1> + <sum dz, e1>.
// The same arithmetic as Python's MLPPlane (gradscape/models/mlp.py), so the two agree to rounding.
//
// No DOM: it runs in a page, a worker and node alike.

/**
 * @typedef {ReturnType<import("./network.js").createNetwork>} Network
 * @typedef {{value: Float64Array, ga: Float64Array, gb: Float64Array}} FieldArrays
 */

/**
 * The plane w0 + a d1 + b d2 through `net`'s weights.
 * @param {Network} net @param {Float64Array} w0 @param {Float64Array} d1 @param {Float64Array} d2
 */
export function createPlane(net, w0, d1, d2) {
  const { sizes, layout, x, labels, nWeights } = net;
  for (const [name, v] of /** @type {Array<[string, Float64Array]>} */ ([["w0", w0], ["d1", d1], ["d2", d2]])) {
    if (v.length !== nWeights) throw new Error(`${name} has ${v.length} entries; the network has ${nWeights} weights`);
  }
  const n = labels.length;
  const L = sizes.length - 1;
  const f = sizes[0];
  const width = sizes[1];
  const classes = sizes[L];

  // Z0, Z1, Z2 = x W + b for the point and the two directions: (n, width) each, row by row
  const W1 = layout[0].start;
  const b1 = layout[1].start;
  /** @param {Float64Array} v */
  const first = (v) => {
    const out = new Float64Array(n * width);
    for (let s = 0; s < n; s++) {
      const o = s * width;
      for (let j = 0; j < width; j++) out[o + j] = 0;
      for (let i = 0; i < f; i++) {
        const xi = x[s * f + i];
        if (xi === 0) continue;
        const row = W1 + i * width;
        for (let j = 0; j < width; j++) out[o + j] += xi * v[row + j];
      }
      for (let j = 0; j < width; j++) out[o + j] += v[b1 + j];
    }
    return out;
  };
  const Z0 = first(w0);
  const Z1 = first(d1);
  const Z2 = first(d2);

  // the later layers l = 1 .. L-1 (0-based; layer 0 is the first): their sizes and offsets
  const later = [];
  for (let l = 1; l < L; l++) {
    const fin = sizes[l];
    const fout = sizes[l + 1];
    const ow = layout[2 * l].start;
    const ob = layout[2 * l + 1].start;
    later.push({
      fin, fout, ow, ob,
      W: new Float64Array(fin * fout), // W(a, b), (in, out) row by row: the backward pass reads rows
      WT: new Float64Array(fin * fout), // its transpose, (out, in): the forward pass reads rows
      bias: new Float64Array(fout),
      M: new Float64Array(fin * fout), // sum over examples of h dz^T: this layer's weight gradient
      B: new Float64Array(fout), // sum over examples of dz: its bias gradient
      h: new Float64Array(fin), // this layer's input (a tanh layer) for the current example
    });
  }
  const widest = Math.max(...sizes);
  const z = new Float64Array(classes);
  const dz = new Float64Array(widest);
  const dh = new Float64Array(widest);
  const h1 = later.length ? later[0].h : new Float64Array(0);
  const onehotLabel = labels;

  /**
   * Loss and 2D gradient at one node (a, b); writes them to value[k], ga[k], gb[k]. With `full`
   * (nWeights zeros) it also adds the whole gradient there and returns the number of examples
   * whose highest score is their label (else 0).
   * @param {number} a @param {number} b @param {Float64Array} value @param {Float64Array} ga
   * @param {Float64Array} gb @param {number} k @param {Float64Array|null} [full]
   */
  function node(a, b, value, ga, gb, k, full = null) {
    let hits = 0;
    for (const lay of later) {
      const { fin, fout, ow, ob, W, WT, bias, M, B } = lay;
      for (let i = 0; i < fin; i++) {
        for (let j = 0; j < fout; j++) {
          const q = ow + i * fout + j;
          const v = w0[q] + a * d1[q] + b * d2[q];
          W[i * fout + j] = v;
          WT[j * fin + i] = v;
        }
      }
      for (let j = 0; j < fout; j++) bias[j] = w0[ob + j] + a * d1[ob + j] + b * d2[ob + j];
      M.fill(0);
      B.fill(0);
    }
    let total = 0;
    let sa = 0;
    let sb = 0;
    const inv = 1 / n;
    for (let s = 0; s < n; s++) {
      const o = s * width;
      if (later.length === 0) {
        for (let j = 0; j < width; j++) z[j] = Z0[o + j] + a * Z1[o + j] + b * Z2[o + j];
      } else {
        for (let j = 0; j < width; j++) h1[j] = tanh(Z0[o + j] + a * Z1[o + j] + b * Z2[o + j]);
        for (let l = 0; l < later.length; l++) {
          const { fin, fout, WT, bias } = later[l];
          const hin = later[l].h;
          const out = l + 1 < later.length ? later[l + 1].h : z;
          for (let j = 0; j < fout; j++) {
            let acc = bias[j];
            const row = j * fin;
            for (let i = 0; i < fin; i++) acc += hin[i] * WT[row + i];
            out[j] = l + 1 < later.length ? tanh(acc) : acc;
          }
        }
      }
      // softmax cross-entropy, the largest score subtracted first
      let top = z[0];
      for (let c = 1; c < classes; c++) if (z[c] > top) top = z[c];
      let sum = 0;
      for (let c = 0; c < classes; c++) {
        const e = Math.exp(z[c] - top);
        dz[c] = e;
        sum += e;
      }
      const label = onehotLabel[s];
      total += top + Math.log(sum) - z[label];
      if (full) {
        let best = 0;
        for (let c = 1; c < classes; c++) if (z[c] > z[best]) best = c;
        if (best === label) hits++;
      }
      const scale = inv / sum;
      for (let c = 0; c < classes; c++) dz[c] *= scale;
      dz[label] -= inv;
      // backward through the later layers, accumulating their gradients
      for (let l = later.length - 1; l >= 0; l--) {
        const { fin, fout, W, M, B, h } = later[l];
        for (let j = 0; j < fout; j++) B[j] += dz[j];
        for (let i = 0; i < fin; i++) {
          const hi = h[i];
          const row = i * fout;
          let back = 0;
          for (let j = 0; j < fout; j++) {
            const d = dz[j];
            M[row + j] += hi * d;
            back += W[row + j] * d;
          }
          dh[i] = back * (1 - hi * hi); // through tanh: tanh' = 1 - tanh^2
        }
        for (let i = 0; i < fin; i++) dz[i] = dh[i];
      }
      // the first layer's share: sum(dz1 * Z1), sum(dz1 * Z2)
      for (let j = 0; j < width; j++) {
        sa += dz[j] * Z1[o + j];
        sb += dz[j] * Z2[o + j];
      }
      if (full) {
        // the first layer's own gradient, x^T dz1 and sum dz1, only when it is asked for
        for (let i = 0; i < f; i++) {
          const xi = x[s * f + i];
          if (xi === 0) continue;
          const row = W1 + i * width;
          for (let j = 0; j < width; j++) full[row + j] += xi * dz[j];
        }
        for (let j = 0; j < width; j++) full[b1 + j] += dz[j];
      }
    }
    if (full) {
      for (const { fin, fout, ow, ob, M, B } of later) {
        for (let i = 0; i < fin * fout; i++) full[ow + i] += M[i];
        for (let j = 0; j < fout; j++) full[ob + j] += B[j];
      }
    }
    for (const lay of later) {
      const { fin, fout, ow, ob, M, B } = lay;
      for (let i = 0; i < fin * fout; i++) {
        sa += M[i] * d1[ow + i];
        sb += M[i] * d2[ow + i];
      }
      for (let j = 0; j < fout; j++) {
        sa += B[j] * d1[ob + j];
        sb += B[j] * d2[ob + j];
      }
    }
    value[k] = total / n;
    ga[k] = sa;
    gb[k] = sb;
    return hits;
  }

  /**
   * Rows r0..r1-1 of the grid xs (a, columns) by ys (b, rows): fills value, ga, gb at
   * [(r - r0) * xs.length + c] of the arrays given (allocated if not).
   * @param {ArrayLike<number>} xs @param {ArrayLike<number>} ys @param {number} r0 @param {number} r1
   * @param {FieldArrays} [out]
   * @returns {FieldArrays}
   */
  function rows(xs, ys, r0, r1, out) {
    const size = (r1 - r0) * xs.length;
    const o = out || { value: new Float64Array(size), ga: new Float64Array(size), gb: new Float64Array(size) };
    let k = 0;
    for (let r = r0; r < r1; r++) {
      for (let c = 0; c < xs.length; c++) node(xs[c], ys[r], o.value, o.ga, o.gb, k++);
    }
    return o;
  }

  const one = { value: new Float64Array(1), ga: new Float64Array(1), gb: new Float64Array(1) };
  /** Loss and 2D gradient at (a, b). @param {number} a @param {number} b */
  function evaluate(a, b) {
    node(a, b, one.value, one.ga, one.gb, 0);
    return { value: one.value[0], ga: one.ga[0], gb: one.gb[0] };
  }

  /**
   * Loss, 2D gradient, the whole gradient and the accuracy at (a, b), in one pass.
   * @param {number} a @param {number} b
   */
  function point(a, b) {
    const gradient = new Float64Array(nWeights);
    const hits = node(a, b, one.value, one.ga, one.gb, 0, gradient);
    return { value: one.value[0], ga: one.ga[0], gb: one.gb[0], gradient, accuracy: hits / n };
  }

  /** The full weight vector w0 + a d1 + b d2. @param {number} a @param {number} b */
  function weights(a, b) {
    const w = new Float64Array(nWeights);
    for (let i = 0; i < nWeights; i++) w[i] = w0[i] + a * d1[i] + b * d2[i];
    return w;
  }

  /**
   * The reference: one full forward and backward pass at (a, b), projected on d1 and d2.
   * @param {number} a @param {number} b
   */
  function bruteForce(a, b) {
    const r = net.lossAndGradient(weights(a, b));
    let ga1 = 0;
    let gb1 = 0;
    for (let i = 0; i < nWeights; i++) {
      ga1 += r.gradient[i] * d1[i];
      gb1 += r.gradient[i] * d2[i];
    }
    return { value: r.value, ga: ga1, gb: gb1 };
  }

  return { evaluate, point, rows, weights, bruteForce, w0, d1, d2 };
}

/**
 * tanh(t) from one exp: 1 - 2 / (e^2t + 1), within 4e-16 of Math.tanh and faster in V8.
 * @param {number} t
 */
function tanh(t) {
  return 1 - 2 / (Math.exp(2 * t) + 1);
}

/**
 * n equally spaced numbers from lo to hi, both included (NumPy's linspace).
 * @param {number} lo @param {number} hi @param {number} n
 */
export function linspace(lo, hi, n) {
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = lo;
    return out;
  }
  const step = (hi - lo) / (n - 1);
  for (let k = 0; k < n; k++) out[k] = lo + k * step;
  out[n - 1] = hi;
  return out;
}
