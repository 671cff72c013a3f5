// Figure 5: the digit network's 1,210-entry gradient as a strip of cells, and the "nudge one
// weight" check: change w_i by eps and compare the loss's actual change, recomputed here from
// scratch, with the gradient's prediction eps * dL/dw_i. The figure itself (strip, nudge, step)
// is core/strip.js, shared with the explorer's model panels; this module is the network.
//
// The network is gradscape.models.model.Model, forward pass only here (the strip shows Python's
// backpropagated gradient): 64 pixels -> 16 tanh units -> 10 scores -> softmax cross-entropy,
// averaged over the images shipped in the page. The arithmetic is core/network.js, the same
// network the slice view computes; the loss agrees with NumPy's to about 1e-15 relative.

import { createNetwork as createMLP, decodePixels, weightName } from "../core/network.js";
import { describeWeight, mountGradientFigure } from "../core/strip.js";

const STEP_LRS = [0.5, 0.1, 0.01]; // the training rate first, then smaller steps

/**
 * The network as a function of its weights.
 * @param {any} data the page's lesson-model JSON (gradscape.models.model.Model.to_browser_json)
 */
export function createNetwork(data) {
  const net = createMLP({
    sizes: [64, data.hidden, 10],
    x: decodePixels(data.pixels),
    labels: Int32Array.from(data.labels, (c) => Number(c)),
  });

  /** "W1[3,7]" for index i. @param {number} i */
  const name = (i) => weightName(data.layout, i);
  /** A plain-words description of weight i. @param {number} i */
  const describe = (i) => describeWeight(data.layout, i);
  /** The average cross-entropy at weights w (a flat array in the layout's order). @param {ArrayLike<number>} w */
  const loss = (w) => net.loss(w);

  return { loss, name, describe, n: data.n_samples, size: data.n_weights, layout: data.layout };
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
