// Figure 5: the digit network's 1,210-entry gradient as a strip of cells, and the "nudge one
// weight" check: change w_i by eps and compare the loss's actual change, recomputed here from
// scratch, with the gradient's prediction eps * dL/dw_i. The figure itself (strip, nudge, step)
// is core/strip.js, shared with the explorer's model panels; this module is the network.
//
// The network is gradscape.models.model.Model, forward pass only (the gradient comes from Python's
// backpropagation): 64 pixels -> 16 tanh units -> 10 scores -> softmax cross-entropy, averaged
// over the images shipped in the page. The loss agrees with NumPy's to about 1e-15 relative.

import { describeWeight, mountGradientFigure, weightName } from "../core/strip.js";

const PIXEL_DIGITS = "0123456789abcdefg"; // pixel value v is written as PIXEL_DIGITS[v]
const STEP_LRS = [0.5, 0.1, 0.01]; // the training rate first, then smaller steps

/**
 * The network as a function of its weights.
 * @param {any} data the page's lesson-model JSON (gradscape.models.model.Model.to_browser_json)
 */
export function createNetwork(data) {
  const n = data.n_samples;
  const hidden = data.hidden;
  const inputs = 64;
  const classes = 10;
  const x = new Float64Array(n * inputs);
  for (let k = 0; k < n * inputs; k++) x[k] = PIXEL_DIGITS.indexOf(data.pixels[k]) / 16;
  const labels = Int32Array.from(data.labels, (c) => Number(c));
  /** @type {Record<string, {shape: number[], start: number}>} */
  const layout = Object.fromEntries(data.layout.map((l) => [l.name, l]));
  const oW1 = layout.W1.start;
  const ob1 = layout.b1.start;
  const oW2 = layout.W2.start;
  const ob2 = layout.b2.start;
  const h = new Float64Array(hidden);
  const z = new Float64Array(classes);

  /**
   * The average cross-entropy at weights w (a flat array in the layout's order).
   * @param {ArrayLike<number>} w
   */
  function loss(w) {
    let total = 0;
    for (let s = 0; s < n; s++) {
      const xs = s * inputs;
      for (let j = 0; j < hidden; j++) {
        let a = 0;
        for (let i = 0; i < inputs; i++) a += x[xs + i] * w[oW1 + i * hidden + j];
        h[j] = Math.tanh(a + w[ob1 + j]);
      }
      let top = -Infinity;
      for (let c = 0; c < classes; c++) {
        let a = 0;
        for (let j = 0; j < hidden; j++) a += h[j] * w[oW2 + j * classes + c];
        z[c] = a + w[ob2 + c];
        if (z[c] > top) top = z[c];
      }
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += Math.exp(z[c] - top);
      total += top + Math.log(sum) - z[labels[s]];
    }
    return total / n;
  }

  /** "W1[3,7]" for index i. @param {number} i */
  const name = (i) => weightName(data.layout, i);
  /** A plain-words description of weight i. @param {number} i */
  const describe = (i) => describeWeight(data.layout, i);

  return { loss, name, describe, n, size: data.n_weights, layout: data.layout };
}

/**
 * @param {HTMLElement} fig @param {any} data
 */
export function mountModel(fig, data) {
  const net = createNetwork(data);
  const section = fig.closest("section") || document;
  const q = (/** @type {string} */ sel) => /** @type {any} */ (fig.querySelector(sel));
  mountGradientFigure(
    {
      strip: q('[data-testid="model-strip"]'),
      index: q("#model-index"),
      indexName: q("#model-index-name"),
      eps: q("#model-eps"),
      epsOut: q("#model-eps-value"),
      table: q('[data-testid="nudge"]'),
      biggest: q(".biggest-buttons"),
      stepButton: section.querySelector('[data-testid="model-step"]'),
      stepOut: section.querySelector('[data-testid="model-step-readout"]'),
    },
    { loss: (w) => net.loss(w), size: net.size, layout: data.layout },
    data.weights,
    data.gradient,
    { stepLrs: STEP_LRS },
  );
}
