// What a host adds for slices the page computes itself (built-in networks): the engine
// (core/slice.js, in workers) and the panels beside the slice (model-panels.js). A host that
// shows such slices passes this as `model.sliceKit`; one that shows only formulas (the formula
// export) leaves it out, and its file stays small.

import { createSliceLandscape } from "../core/slice.js";
import { createModelPanels, BATCH_COLORS } from "./model-panels.js";

/**
 * The page's own computation of a built-in model's slice, as landscape.js's slice source.
 * @param {any} payload gradscape.models.browser.slice_payload
 */
export function pageSliceSource(payload) {
  const engine = createSliceLandscape(payload);
  return {
    engine,
    /** @param {number} a @param {number} b */
    at: (a, b) => engine.at(a, b),
    /** @param {{x: number[], y: number[]}} view @param {number} n @param {any} opts */
    field: (view, n, opts) => engine.field({ x: [view.x[0], view.x[1]], y: [view.y[0], view.y[1]] }, n, opts),
    destroy: () => engine.close(),
  };
}

export const sliceKit = { pageSliceSource, createModelPanels, BATCH_COLORS };
