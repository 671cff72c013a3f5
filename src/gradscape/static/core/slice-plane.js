// The loss of a network on the plane w0 + a d1 + b d2 of its weights, and the exact 2D gradient
// (grad L . d1, grad L . d2), at many (a, b) fast: the computation behind slice.js and its worker.
//
// The first layer is affine in (a, b): x (W1 + a D1 + b D2) + (b1 + a e1 + b e2) = Z0 + a Z1 + b Z2,
// three matrix products made once (`createPlane`), so a node costs only the layers after it.
// Its share of grad L . d1 is sum(dz1 * Z1) over the examples, no product at all. Each later layer
// is W0 + a D1 + b D2, built once a node; its share is <h^T dz, D1> + <sum dz, e1>.
// The same arithmetic as Python's MLPPlane (gradscape/models/mlp.py), so the two agree to rounding.
//
// Speed (the page's 51x51 field with gradients is the budget): `node` is the general kernel,
// `node2` the same for one tanh layer with its loops flat, `node10` that for ten outputs with the
// examples in pairs (see each). Along a row the first layer's tanh comes from a running product
// (see `rows`), so it costs a divide, not an exp. Math.exp stays: a table-and-polynomial exp was
// twice as slow as it in Chromium (though faster in node 20). Everything is Float64Array,
// allocated once per plane; a node allocates nothing.
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
    const out = new Float64Array((n + 1) * width); // one example of zeros past the end (node10's odd one)
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
  const z = new Float64Array(Math.max(classes, 20));
  const dz = new Float64Array(Math.max(widest, 20));
  const dh = new Float64Array(2 * widest);
  const h2 = new Float64Array(widest); // the second example's hidden layer (node10 works in pairs)
  const rest = new Float64Array(1); // node10's sum of top - z[label]
  const h1 = later.length ? later[0].h : new Float64Array(0);
  const onehotLabel = labels;

  /**
   * Loss and 2D gradient at one node (a, b); writes them to value[k], ga[k], gb[k]. With `full`
   * (nWeights zeros) it also adds the whole gradient there and returns the number of examples
   * whose highest score is their label (else 0).
   * @param {number} a @param {number} b @param {Float64Array} value @param {Float64Array} ga
   * @param {Float64Array} gb @param {number} k @param {Float64Array|null} [full]
   * @param {boolean} [rec] the first layer's exp(2 z1) from E (see rows), not computed afresh
   */
  function node(a, b, value, ga, gb, k, full = null, rec = false) {
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
        if (rec) firstFromE(o, a, b, h1);
        else for (let j = 0; j < width; j++) h1[j] = tanh(Z0[o + j] + a * Z1[o + j] + b * Z2[o + j]);
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

  // Along a row of the grid (b fixed, a stepping by da) the first layer's exp(2 z1), the one
  // exp of tanh(z1) = 1 - 2 / (exp(2 z1) + 1), is a running product: exp(2 (z1 + da Z1)) =
  // exp(2 z1) exp(2 da Z1). E holds it for the current node and R the factor, so a node's tanh
  // layer costs a multiply and a divide instead of an exp. The product is re-seeded every
  // RESEED nodes (its rounding grows by about 1e-16 a step) and wherever it left [1e-280, 1e280].
  const E = new Float64Array(later.length ? n * width : 0);
  let R = new Float64Array(0);
  let rStep = NaN;

  /** h = tanh(z1) from E, advancing E by one step. @param {number} o @param {number} a @param {number} b @param {Float64Array} h */
  function firstFromE(o, a, b, h) {
    for (let j = 0; j < width; j++) {
      const q = o + j;
      let e = E[q];
      if (!(e > 1e-280 && e < 1e280)) e = Math.exp(2 * (Z0[q] + a * Z1[q] + b * Z2[q]));
      h[j] = 1 - 2 / (e + 1);
      E[q] = e * R[q];
    }
  }

  /** E = exp(2 z1) at (a, b) for every example; R = exp(2 da Z1). @param {number} a @param {number} b @param {number} da */
  function seed(a, b, da) {
    if (da !== rStep) {
      if (R.length !== E.length) R = new Float64Array(E.length);
      for (let q = 0; q < E.length; q++) R[q] = Math.exp(2 * da * Z1[q]);
      rStep = da;
    }
    for (let q = 0; q < E.length; q++) E[q] = Math.exp(2 * (Z0[q] + a * Z1[q] + b * Z2[q]));
  }

  /** Whether xs is equally spaced (a linspace), so a row can use the running product. @param {ArrayLike<number>} xs */
  function even(xs) {
    if (!later.length || xs.length < 3) return false;
    const da = xs[1] - xs[0];
    for (let c = 1; c < xs.length; c++) if (Math.abs(xs[c] - xs[c - 1] - da) > 1e-9 * Math.abs(da)) return false;
    return true;
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
    const rec = even(xs);
    const da = rec ? xs[1] - xs[0] : 0;
    const kernel = later.length === 1 ? (later[0].fout === 10 ? node10 : node2) : node;
    let k = 0;
    for (let r = r0; r < r1; r++) {
      const b = ys[r];
      for (let c = 0; c < xs.length; c++) {
        if (rec && c % RESEED === 0) seed(xs[c], b, da);
        if (kernel === node10) node10(xs[c], b, o.value, o.ga, o.gb, k++, rec);
        else if (kernel === node2) node2(xs[c], b, o.value, o.ga, o.gb, k++, rec);
        else node(xs[c], b, o.value, o.ga, o.gb, k++, null, rec);
      }
    }
    return o;
  }

  /**
   * `node` for the commonest network, one tanh layer (the lesson's): the same arithmetic with the
   * loops laid out flat, which V8 runs about a third faster.
   * @param {number} a @param {number} b @param {Float64Array} value @param {Float64Array} ga
   * @param {Float64Array} gb @param {number} k @param {boolean} rec
   */
  function node2(a, b, value, ga, gb, k, rec) {
    const { fin, fout, ow, ob, W, WT, bias, M, B, h } = later[0];
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
    let total = 0;
    let sa = 0;
    let sb = 0;
    const inv = 1 / n;
    for (let s = 0; s < n; s++) {
      const o = s * fin;
      if (rec) firstFromE(o, a, b, h);
      else for (let j = 0; j < fin; j++) h[j] = tanh(Z0[o + j] + a * Z1[o + j] + b * Z2[o + j]);
      let top = -Infinity;
      for (let c = 0; c < fout; c++) {
        let acc = bias[c];
        const row = c * fin;
        for (let i = 0; i < fin; i++) acc += h[i] * WT[row + i];
        z[c] = acc;
        if (acc > top) top = acc;
      }
      let sum = 0;
      for (let c = 0; c < fout; c++) {
        const e = Math.exp(z[c] - top);
        dz[c] = e;
        sum += e;
      }
      const label = labels[s];
      total += top + Math.log(sum) - z[label];
      const scale = inv / sum;
      for (let c = 0; c < fout; c++) dz[c] *= scale;
      dz[label] -= inv;
      for (let c = 0; c < fout; c++) B[c] += dz[c];
      for (let i = 0; i < fin; i++) {
        const hi = h[i];
        const row = i * fout;
        let back = 0;
        for (let c = 0; c < fout; c++) {
          const d = dz[c];
          M[row + c] += hi * d;
          back += W[row + c] * d;
        }
        const g = back * (1 - hi * hi);
        sa += g * Z1[o + i];
        sb += g * Z2[o + i];
      }
    }
    for (let i = 0; i < fin * fout; i++) {
      sa += M[i] * d1[ow + i];
      sb += M[i] * d2[ow + i];
    }
    for (let j = 0; j < fout; j++) {
      sa += B[j] * d1[ob + j];
      sb += B[j] * d2[ob + j];
    }
    value[k] = total / n;
    ga[k] = sa;
    gb[k] = sb;
  }

  /**
   * `node2` for ten outputs (the digits' classes, so every built-in network with a hidden layer),
   * about 1.8x faster in Chromium: the examples go two at a time, so each weight and each entry
   * of M is loaded once for both; five classes at a time, so the scores, the output gradients and
   * the partial sums of both examples fit in registers (all ten would spill); one log a node (of
   * the product of the softmax sums). An odd example out is paired with zeros: its partner's
   * output gradient is 0, and Z1, Z2 have a row of zeros past the end, so it adds exact zeros.
   * Sums are taken in another order than `node`'s, so results differ from it by rounding (1e-14).
   * @param {number} a @param {number} b @param {Float64Array} value @param {Float64Array} ga
   * @param {Float64Array} gb @param {number} k @param {boolean} rec
   */
  function node10(a, b, value, ga, gb, k, rec) {
    const { fin, ow, ob, W, bias, M, B, h } = later[0];
    for (let q = 0; q < fin * 10; q++) W[q] = w0[ow + q] + a * d1[ow + q] + b * d2[ow + q];
    for (let j = 0; j < 10; j++) bias[j] = w0[ob + j] + a * d1[ob + j] + b * d2[ob + j];
    M.fill(0);
    B.fill(0);
    const hb = h2;
    const part = rest;
    part[0] = 0;
    let prod = 1; // the product of the softmax sums (each in [1, 10]): one log for many examples
    let total = 0;
    let sa = 0;
    let sb = 0;
    const inv = 1 / n;
    for (let s = 0; s < n; s += 2) {
      const two = s + 1 < n;
      const o = s * fin;
      const o2 = o + fin;
      if (rec) {
        firstFromE(o, a, b, h);
        if (two) firstFromE(o2, a, b, hb);
      } else {
        for (let j = 0; j < fin; j++) h[j] = tanh(Z0[o + j] + a * Z1[o + j] + b * Z2[o + j]);
        if (two) for (let j = 0; j < fin; j++) hb[j] = tanh(Z0[o2 + j] + a * Z1[o2 + j] + b * Z2[o2 + j]);
      }
      // forward, five classes at a time for both examples
      for (let c = 0; c < 10; c += 5) {
        let z0 = bias[c], z1 = bias[c + 1], z2 = bias[c + 2], z3 = bias[c + 3], z4 = bias[c + 4];
        let y0 = z0, y1 = z1, y2 = z2, y3 = z3, y4 = z4;
        for (let i = 0, q = c; i < fin; i++, q += 10) {
          const hi = h[i];
          const hj = hb[i];
          let w = W[q]; z0 += hi * w; y0 += hj * w;
          w = W[q + 1]; z1 += hi * w; y1 += hj * w;
          w = W[q + 2]; z2 += hi * w; y2 += hj * w;
          w = W[q + 3]; z3 += hi * w; y3 += hj * w;
          w = W[q + 4]; z4 += hi * w; y4 += hj * w;
        }
        z[c] = z0; z[c + 1] = z1; z[c + 2] = z2; z[c + 3] = z3; z[c + 4] = z4;
        z[c + 10] = y0; z[c + 11] = y1; z[c + 12] = y2; z[c + 13] = y3; z[c + 14] = y4;
      }
      prod *= softmax10(z, 0, dz, labels[s], inv, part);
      if (two) prod *= softmax10(z, 10, dz, labels[s + 1], inv, part);
      else for (let c = 10; c < 20; c++) dz[c] = 0; // an odd one out: its partner adds exact zeros
      if (prod > 1e280) {
        total += Math.log(prod);
        prod = 1;
      }
      for (let c = 0; c < 10; c++) B[c] += dz[c] + dz[c + 10];
      // backward: classes 0..4 into dh, then 5..9 and through tanh to the first layer's share
      {
        const g0 = dz[0], g1 = dz[1], g2 = dz[2], g3 = dz[3], g4 = dz[4];
        const f0 = dz[10], f1 = dz[11], f2 = dz[12], f3 = dz[13], f4 = dz[14];
        for (let i = 0, q = 0; i < fin; i++, q += 10) {
          const hi = h[i];
          const hj = hb[i];
          let w = W[q]; let ba = w * g0; let bb = w * f0; M[q] += hi * g0 + hj * f0;
          w = W[q + 1]; ba += w * g1; bb += w * f1; M[q + 1] += hi * g1 + hj * f1;
          w = W[q + 2]; ba += w * g2; bb += w * f2; M[q + 2] += hi * g2 + hj * f2;
          w = W[q + 3]; ba += w * g3; bb += w * f3; M[q + 3] += hi * g3 + hj * f3;
          w = W[q + 4]; ba += w * g4; bb += w * f4; M[q + 4] += hi * g4 + hj * f4;
          dh[i] = ba;
          dh[i + fin] = bb;
        }
      }
      {
        const g0 = dz[5], g1 = dz[6], g2 = dz[7], g3 = dz[8], g4 = dz[9];
        const f0 = dz[15], f1 = dz[16], f2 = dz[17], f3 = dz[18], f4 = dz[19];
        let ta = 0;
        let tb = 0;
        for (let i = 0, q = 5; i < fin; i++, q += 10) {
          const hi = h[i];
          const hj = hb[i];
          let w = W[q]; let ba = dh[i] + w * g0; let bb = dh[i + fin] + w * f0; M[q] += hi * g0 + hj * f0;
          w = W[q + 1]; ba += w * g1; bb += w * f1; M[q + 1] += hi * g1 + hj * f1;
          w = W[q + 2]; ba += w * g2; bb += w * f2; M[q + 2] += hi * g2 + hj * f2;
          w = W[q + 3]; ba += w * g3; bb += w * f3; M[q + 3] += hi * g3 + hj * f3;
          w = W[q + 4]; ba += w * g4; bb += w * f4; M[q + 4] += hi * g4 + hj * f4;
          const g = ba * (1 - hi * hi);
          const gj = bb * (1 - hj * hj);
          ta += g * Z1[o + i] + gj * Z1[o2 + i];
          tb += g * Z2[o + i] + gj * Z2[o2 + i];
        }
        sa += ta;
        sb += tb;
      }
    }
    for (let i = 0; i < fin * 10; i++) {
      sa += M[i] * d1[ow + i];
      sb += M[i] * d2[ow + i];
    }
    for (let j = 0; j < 10; j++) {
      sa += B[j] * d1[ob + j];
      sb += B[j] * d2[ob + j];
    }
    value[k] = (total + Math.log(prod) + part[0]) / n;
    ga[k] = sa;
    gb[k] = sb;
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

/** Nodes between two fresh seeds of a row's running product (see createPlane's rows). */
const RESEED = 32;

/**
 * Softmax cross-entropy of the ten scores z[o..o+9] with label `label`: writes its gradient
 * (over n examples: inv = 1 / n) to dz[o..o+9] and adds top - z[label] to part[0]; returns
 * sum(exp(z - top)), the loss being part + log of it.
 * @param {Float64Array} z @param {number} o @param {Float64Array} dz @param {number} label
 * @param {number} inv @param {Float64Array} part
 */
function softmax10(z, o, dz, label, inv, part) {
  const z0 = z[o], z1 = z[o + 1], z2 = z[o + 2], z3 = z[o + 3], z4 = z[o + 4];
  const z5 = z[o + 5], z6 = z[o + 6], z7 = z[o + 7], z8 = z[o + 8], z9 = z[o + 9];
  let top = z0;
  if (z1 > top) top = z1; if (z2 > top) top = z2; if (z3 > top) top = z3; if (z4 > top) top = z4;
  if (z5 > top) top = z5; if (z6 > top) top = z6; if (z7 > top) top = z7; if (z8 > top) top = z8;
  if (z9 > top) top = z9;
  const e0 = Math.exp(z0 - top), e1 = Math.exp(z1 - top), e2 = Math.exp(z2 - top), e3 = Math.exp(z3 - top);
  const e4 = Math.exp(z4 - top), e5 = Math.exp(z5 - top), e6 = Math.exp(z6 - top), e7 = Math.exp(z7 - top);
  const e8 = Math.exp(z8 - top), e9 = Math.exp(z9 - top);
  const sum = e0 + e1 + e2 + e3 + e4 + e5 + e6 + e7 + e8 + e9;
  const scale = inv / sum;
  dz[o] = e0 * scale; dz[o + 1] = e1 * scale; dz[o + 2] = e2 * scale; dz[o + 3] = e3 * scale; dz[o + 4] = e4 * scale;
  dz[o + 5] = e5 * scale; dz[o + 6] = e6 * scale; dz[o + 7] = e7 * scale; dz[o + 8] = e8 * scale; dz[o + 9] = e9 * scale;
  dz[o + label] -= inv;
  part[0] += top - z[o + label];
  return sum;
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
