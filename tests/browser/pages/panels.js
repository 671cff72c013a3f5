// The model panels on their own, for tests/browser/test_model_panels.py: the payload comes from
// /payload.json (written by the test from Python), each panel's callbacks are recorded on
// window.__calls, and the panels themselves are window.__panels. With ?whole=1 the page mounts
// createModelPanels with a stand-in for the explorer's context (what explorer.js gives it).
import { createSliceLandscape } from "/static/core/slice.js";
import { createTrainPanel, createNoisePanel, createStrip, createModelPanels } from "/static/explorer/model-panels.js";

const payload = await (await fetch("/payload.json")).json();
const landscape = createSliceLandscape(payload, { workers: 0 });
const calls = { paths: 0, lastPath: null, arrows: null, sliceHere: [], drawn: null, announced: [] };
window.__calls = calls;
window.__landscape = landscape;

if (new URLSearchParams(location.search).get("whole")) {
  document.getElementById("noise").remove();
  document.getElementById("strip").remove();
  const listeners = [];
  let point = [0.1, -0.1];
  const ctx = {
    slice: landscape,
    meta: { browser: payload },
    point: () => point,
    setPoint: (p) => { point = p; },
    onPoint: (cb) => { listeners.push(cb); return () => listeners.splice(listeners.indexOf(cb), 1); },
    drawPaths: (paths) => { calls.paths += 1; calls.drawn = paths; },
    drawArrows: (d) => { calls.arrows = d; },
    recentre: (p) => { window.__recentred = { payload: p }; return createSliceLandscape(p, { workers: 0 }); },
    announce: (t) => calls.announced.push(t),
  };
  window.__hover = (a, b) => { point = [a, b]; for (const cb of listeners) cb(point); };
  window.__panels = createModelPanels(document.getElementById("train"), ctx);
} else {
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
  window.__panels = { train, noise, strip };
}
document.body.dataset.ready = "1";
