// The model panels on their own, for tests/browser/test_model_panels.py: the payload comes from
// /payload.json (written by the test from Python), each panel's callbacks are recorded on
// window.__calls, and the panels themselves are window.__panels.
import { createSliceLandscape } from "/static/core/slice.js";
import { createTrainPanel, createNoisePanel, createStrip } from "/static/explorer/model-panels.js";

const payload = await (await fetch("/payload.json")).json();
const landscape = createSliceLandscape(payload, { workers: 0 });
const calls = { paths: 0, lastPath: null, arrows: null, sliceHere: [] };
window.__calls = calls;
const train = createTrainPanel(document.getElementById("train"), {
  landscape,
  payload,
  onPath: (p) => { calls.paths += 1; calls.lastPath = p; },
  onSliceHere: (req) => {
    calls.sliceHere.push({ step: req.step, weights: Array.from(req.weights) });
    if (req.payload) {
      const next = createSliceLandscape(req.payload, { workers: 0 });
      train.setLandscape(next, req.payload);
      window.__recentred = { payload: req.payload, landscape: next };
    }
  },
});
const noise = createNoisePanel(document.getElementById("noise"), {
  landscape, payload, onArrows: (d) => { calls.arrows = d; },
});
const strip = createStrip(document.getElementById("strip"), { landscape });
window.__landscape = landscape;
window.__panels = { train, noise, strip };
document.body.dataset.ready = "1";
