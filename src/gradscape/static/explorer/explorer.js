// The explorer: a loss surface you can hover to see the gradient, click to roll a ball downhill.
//
//   render({ model, el }) -> cleanup
//
// `model` follows anywidget's interface: get(name), set(name, value), save_changes(),
// on("change:name", cb), off("change:name", cb); a host may add requestSurface(formula) ->
// Promise<compiled | {error, column}> and gallery() -> Promise<[{name, title, formula, blurb}]>.
// Keys read and written: compiled, formula, view, point, settings, runs, params, field, present,
// embed (see docs/ARCHITECTURE.md).
// Optional host extras: link() -> the URL that reproduces the state (shows "Copy link");
// formulaHelp, a sentence shown under the formula box (e.g. what an exported file can compile);
// sliceSource(meta) -> how a slice that Python computes is asked for (landscape.js; default: the
// server's /api/slice routes); sliceCode(meta) -> the Python button's code for a slice;
// sliceKit (explorer/slicekit.js) -> the engine and panels for slices the page computes.
// Key `slice`: a slice of a model's loss shown instead of a formula (sliceview.slice_meta, with
// `browser` when the page computes it itself).
//
// render() holds the state (surface, view, point, hover values) and the model I/O, and wires the
// parts, each in its own module: formulabox (formula and gallery), plot2d (drawing) with
// plot2d-input (pointer, wheel, keys), viewtools (zoom, pan, caption), readout, visits (the
// lesson's worked example), surface3d, share, runs (the panel) and runs-player (runs over time).

import { formulaLandscape, sliceLandscape, serverSliceSource } from "./landscape.js";
import { describeSlice } from "./readout-slice.js";
import { createPlot2d } from "./plot2d.js";
import { createSurface3d } from "./surface3d.js";
import { createReadout, describe } from "./readout.js";
import { createRunsPanel, roundLr } from "./runs.js";
import { createRunsPlayer } from "./runs-player.js";
import { compareSpecs } from "./compare.js";
import { createFormulaBox } from "./formulabox.js";
import { optimizerInfo } from "../core/optimizers.js";
import { validView, zoomAt, panBy, sameView } from "../core/view.js";
import { fmt } from "../core/format.js";
import { createShareBar, composeFigure, pythonCode, fileName } from "./share.js";
import { createVisits } from "./visits.js";
import { roundPoint } from "../core/precision.js";
import { watchShown } from "./visibility.js";
import { createCurve1d } from "./curve1d.js";
import { createViewTools } from "./viewtools.js";
import { createModes } from "./modes.js";
import { figureSvg, lightSnapshot } from "./figure-svg.js";
import { createParamsPanel } from "./params-panel.js";
import { paramState, boundSurface, swapAxis } from "../core/params.js";
import { fieldLattice, drawField, createFieldToggle } from "./field.js";

/**
 * @typedef {import("../core/view.js").View} View
 * @typedef {import("./runs.js").Run} Run
 * @typedef {import("./runs.js").RunSpec} RunSpec
 * @typedef {{error: string, column: number|null}} CompileError
 * @typedef {{formula: string, text?: string, name?: string|null, title?: string|null, blurb?: string|null,
 *   variables: string[], html?: string, latex?: string,
 *   partials: Array<{variable: string, text?: string, html?: string, latex?: string}>,
 *   program: import("../core/evaluator.js").Program, view?: View, minima?: number[][],
 *   start?: number[]|null, lr?: number|null, hint?: string|null, own_variables?: string[]|null}} Compiled
 * @typedef {{
 *   get: (name: string) => any, set: (name: string, value: any) => void, save_changes: () => void,
 *   on: (event: string, cb: (...args: any[]) => void) => void, off: (event: string, cb?: (...args: any[]) => void) => void,
 *   requestSurface?: (formula: string, options?: {onWait?: (message: string) => void, stale?: () => boolean}) => Promise<Compiled|CompileError>,
 *   gallery?: () => Promise<import("./formulabox.js").GalleryEntry[]>,
 *   link?: () => string, formulaHelp?: string,
 *   sliceSource?: (meta: any) => any, sliceCode?: (meta: any) => string, sliceKit?: any,
 * }} Model
 */

const DEFAULT_VIEW = /** @type {View} */ ({ x: [-4, 4], y: [-4, 4] });
const HOVER_MARK = "gradscape:hover-start";
const RENDER_MARK = "gradscape:render-start";
const ANNOUNCE_MS = 600;
const SAVE_MS = 250;

let instances = 0;

/**
 * @param {{model: Model, el: HTMLElement}} args
 * @returns {() => void} cleanup
 */
export function render({ model, el }) {
  const uid = `gs${++instances}`;
  const root = document.createElement("div");
  root.className = "gs-explorer";
  el.appendChild(root);

  // --- layout ----------------------------------------------------------------------------------
  const top = div("gs-top", root);
  const main = div("gs-main", root);
  const left = div("gs-left", main);
  const side = div("gs-side", main);
  const sideA = div("gs-side-a", side); // readout and the 3D view
  const sideB = div("gs-side-b", side); // the runs
  const live = div("gs-sr", root);
  live.setAttribute("aria-live", "polite");
  live.setAttribute("role", "status");

  const box = createFormulaBox(top, { formula: (t) => loadFormula(t, false), gallery: (n) => loadFormula(n, true) }, uid);
  const params = createParamsPanel(top, {
    change: (st, liveSlide) => setParams(st, liveSlide),
    axis: (slot, name) => chooseAxis(slot, name),
  }, uid);
  const sliceHead = div("gs-slice-head", top); // a slice's title, in place of the formula box
  sliceHead.dataset.testid = "slice-title";
  sliceHead.hidden = true;

  const figure = document.createElement("figure");
  figure.className = "gs-figure";
  left.appendChild(figure);
  const plot = createPlot2d(figure, {
    hover: (p, source) => hoverAt(p, source),
    click: (p) => { hoverAt(p, "click"); if (modes.tapDrops()) dropBall(p); },
    zoom: (c, f) => setView(zoomAt(shownView(), c[0], c[1], f), true),
    pan: (dx, dy) => setView(panBy(shownView(), dx, curve.active ? 0 : dy), true),
    key: onPlotKey,
  });
  plot.element.setAttribute("aria-label", "Loss surface. Arrow keys move the point (Shift: farther), Enter drops a ball, + and − zoom.");
  plot.element.setAttribute("aria-describedby", `${uid}-caption`);
  const curve = createCurve1d(plot.element); // a one-variable formula: its curve, over the plot
  const tools = createViewTools(figure, uid, {
    zoom: (factor) => {
      const v = shownView();
      const c = point && point[0] >= v.x[0] && point[0] <= v.x[1] && point[1] >= v.y[0] && point[1] <= v.y[1]
        ? point : [(v.x[0] + v.x[1]) / 2, (v.y[0] + v.y[1]) / 2];
      setView(zoomAt(v, c[0], c[1], factor));
    },
    reset: () => resetView(),
    pan: (on) => plot.setPanMode(on),
    equal: (on) => { equal = on; scheduleRender(); tools.explainEqual(on, view, plot.element.clientWidth, plot.element.clientHeight); },
  });
  const toolbar = tools.element;
  const fieldToggle = createFieldToggle(toolbar, (on) => { field = on; write({ field: on }); scheduleRender(); share.refresh(); });
  const share = createShareBar(toolbar, div("gs-code-slot", main), {
    image: () => ({ canvas: curve.active ? null : figureImage(), name: fileName(sliceMeta ? { name: `slice-${sliceMeta.model}-${sliceMeta.kind}` } : compiled) }),
    svg: () => {
      const snap = lightSnapshot(plot);
      const body = curve.active ? curve.markup() : undefined; // the 1D view: its curve
      return { svg: figureSvg(/** @type {HTMLElement} */ (plot.element.parentElement), snap, { ...figureParts(), body }), name: fileName(sliceMeta ? { name: `slice-${sliceMeta.model}-${sliceMeta.kind}` } : compiled).replace(/\.png$/, ".svg") };
    },
    link: typeof model.link === "function" ? () => /** @type {() => string} */ (model.link).call(model) : null,
    code: () => (sliceMeta ? sliceCode() : compiled ? pythonCode({ compiled, view, runs: player.runs.map((r) => r.spec), params: sliderValues() }) : "# The surface is still loading."),
  }, uid);
  // the share buttons sit beside the view tools, before the caption
  toolbar.insertBefore(/** @type {HTMLElement} */ (toolbar.querySelector(".gs-share")), toolbar.querySelector(".gs-caption"));

  const readoutCard = div("gs-card gs-readout-card", sideA);
  const readout = createReadout(readoutCard);
  // presentation, compact embed, touch (look or drop): modes.js; `present` persists if the host keeps it
  const modes = createModes(root, { toolbar, plot: plot.element, readout: readoutCard }, {
    drop: () => { if (point) dropBall(point); },
    redraw: (now) => (now ? renderAll() : scheduleRender()),
    present: (on) => { if (typeof model.get("present") === "boolean") write({ present: on }, true); },
  }, { present: model.get("present") === true, embed: model.get("embed") === true });
  const visits = createVisits(readoutCard, (p, speech) => {
    hoverAt(p, "visit");
    // on a phone the buttons sit below the plot: bring the plot (and its arrows) into view
    const r = plot.element.getBoundingClientRect();
    if (r.top < 0 || r.bottom > window.innerHeight) plot.element.scrollIntoView({ block: "nearest" });
    if (announceTimer) { clearTimeout(announceTimer); announceTimer = 0; }
    live.textContent = `${sayHere(p)} ${speech}`;
  });

  const runsCard = div("gs-card", sideB);
  const panelsHost = div("gs-panels-host", sideB); // a slice's panels (model-panels.js)
  const panel = createRunsPanel(runsCard, {
    settings: (optimizer, lr, hyper) => { settings = { optimizer, lr, ...hyper }; write({ settings: { ...settings } }); share.refresh(); },
    compare: () => { if (compiled && point) player.compare(compareSpecs(compiled, roundPoint([point[0], point[1]], shownView())), compiled.program); },
    play: () => player.setPlaying(!player.playing),
    step: () => player.step(),
    clear: () => player.clear(),
    remove: (i) => player.remove(i),
  }, uid);

  const player = createRunsPlayer(panel, {
    draw: (drawings) => { plot.drawRuns(drawings); surface.setRuns(drawings); curve.setRuns(drawings); },
    changed: (specs, toModel) => {
      if (toModel) write({ runs: specs }, true);
      share.refresh();
    },
  });

  const fig3d = document.createElement("figure");
  fig3d.className = "gs-card gs-figure3d";
  sideA.appendChild(fig3d);
  const surface = createSurface3d(fig3d, { hover: (p) => hoverAt(p, "3d") });
  const cap3d = document.createElement("figcaption");
  cap3d.className = "gs-caption";
  cap3d.textContent = "The same surface in 3D: drag, or use the arrow keys, to turn it.";
  fig3d.appendChild(cap3d);

  // --- state -----------------------------------------------------------------------------------
  /** @type {Compiled|null} */
  let compiled = null; // the surface as shown: over the two axes, parameters bound
  /** @type {Compiled|null} */
  let raw = null; // as the host gave it: every variable
  /** @type {import("../core/params.js").ParamState} */
  let pstate = paramState([], null);
  let field = model.get("field") === true;
  fieldToggle.set(field);
  /** @type {import("./landscape.js").Landscape|null} what is drawn and hovered (landscape.js) */
  let land = null;
  /** @type {any} the slice shown (sliceview.slice_meta), or null for a formula */
  let sliceMeta = null;
  /** @type {import("./readout-slice.js").Here|null} a slice's numbers at the point (null: pending) */
  let sliceHere = null;
  /** @type {any} train, SGD noise, the whole gradient (model-panels.js, from the host's sliceKit) */
  let panels = null;
  /** @type {Set<(p: number[]) => void>} the panels follow the point */
  const pointWatchers = new Set();
  /** @type {import("./plot2d.js").RunDrawing[]} the panels' descent paths, projected */
  let slicePaths = [];
  /** @type {any} the panels' minibatch arrows at a point, or null */
  let sliceArrows = null;
  /** @type {View} */
  let view = DEFAULT_VIEW;
  let equal = true;
  /** @type {number[]|null} */
  let point = null;
  /** @type {{value: number, gradient: number[]}} */
  let here = { value: NaN, gradient: [NaN, NaN] };
  let settings = { optimizer: "gd", lr: 0.1 };
  let loadSeq = 0;
  let renderFrame = 0;
  /** @type {ReturnType<typeof setTimeout>|0} */
  let surfaceTimer = 0;
  /** @type {{program: any, shown: View, scale: any}|null} */
  let pending3d = null;
  let interacting = false;
  /** @type {ReturnType<typeof setTimeout>|0} */
  let announceTimer = 0;
  /** @type {ReturnType<typeof setTimeout>|0} */
  let saveTimer = 0;
  let destroyed = false;

  const names = () => (land ? land.names : compiled ? compiled.variables.slice(0, 2) : ["x", "y"]);
  const axisNames = () => (land && land.kind === "slice"
    ? { x: `a: ${land.labels[0]}`, y: `b: ${land.labels[1]}`, plain: true }
    : curve.active ? { x: curve.name, y: "L" } : { x: names()[0], y: names()[1] });
  /** the window as drawn (the 2D plot fits it to its shape when scales are equal) */
  const shownView = () => (curve.active ? view : plot.shown);

  // --- model I/O -------------------------------------------------------------------------------
  /** @param {Record<string, any>} values @param {boolean} [now] */
  function write(values, now = false) {
    for (const [k, v] of Object.entries(values)) model.set(k, v);
    if (saveTimer) clearTimeout(saveTimer);
    if (now) { saveTimer = 0; model.save_changes(); return; }
    saveTimer = setTimeout(() => { saveTimer = 0; if (!destroyed) model.save_changes(); }, SAVE_MS);
  }

  // --- drawing ---------------------------------------------------------------------------------
  function renderAll() {
    renderFrame = 0;
    if (destroyed) return;
    if (!shown2d.measurable()) { shown2d.missed(); return; } // detached or hidden: draw when back
    performance.mark(RENDER_MARK);
    const program = land;
    const minima = compiled && Array.isArray(compiled.minima) ? compiled.minima : [];
    // a one-variable formula: the plot draws only its frame and x ticks; the curve goes over it
    const oneD = curve.active;
    const { shown, scale } = plot.render(oneD ? null : program, view, equal && !oneD, axisNames(), oneD ? [] : minima);
    if (oneD) {
      curve.draw(plot.snapshot(), shown, point ? point[1] : 0);
      plot.element.dataset.view = [shown.x[0], shown.x[1], shown.y[0], shown.y[1]].map(String).join(",");
    }
    const fieldProgram = land && land.program && !oneD ? land.program : null; // the gradient field: formulas
    if (field && fieldProgram) plot.paintBase((ctx, sx, sy, w, h) => {
      const lattice = fieldLattice(fieldProgram, shown, w, h);
      drawField(ctx, lattice, sx, sy);
      plot.element.dataset.arrows = JSON.stringify(lattice.map((a) => [a.x, a.y, a.dx, a.dy])); // for tests
    });
    else delete plot.element.dataset.arrows;
    performance.measure("gradscape:render2d", RENDER_MARK);
    // the 3D mesh follows a moment later while the view is being zoomed or panned
    // (beside a curve the 3D view is hidden: nothing to draw, and no waiting for it to show)
    pending3d = oneD ? null : { program, shown, scale };
    if (surfaceTimer) clearTimeout(surfaceTimer);
    if (interacting) surfaceTimer = setTimeout(render3d, 90);
    else render3d();
    if (sliceMeta) plot.drawRuns(slicePaths); else player.draw();
    if (point) redrawHover();
    performance.measure("gradscape:render", RENDER_MARK);
    performance.clearMarks(RENDER_MARK);
  }
  function render3d() {
    surfaceTimer = 0;
    if (!pending3d || destroyed) return;
    if (!shown3d.measurable()) { shown3d.missed(); pending3d = null; return; }
    const t3 = performance.now();
    surface.setData(pending3d.program, pending3d.shown, pending3d.scale, names());
    if (point) surface.setHover(point, here.value, here.gradient);
    performance.measure("gradscape:render3d", { start: t3 });
    pending3d = null;
    interacting = false;
  }
  function scheduleRender() {
    if (!renderFrame) renderFrame = requestAnimationFrame(renderAll);
  }

  /** @param {View} v @param {boolean} [live] part of a continuous zoom or pan */
  function setView(v, live = false) {
    const ok = validView(v);
    if (!ok) return;
    view = ok;
    if (live) interacting = true;
    scheduleRender();
    write({ view: { x: [...view.x], y: [...view.y] } });
    share.refresh();
  }

  // --- hover -----------------------------------------------------------------------------------
  /**
   * Show the gradient at p: evaluate one point, redraw only the overlays. O(1) in grid size.
   * @param {number[]} p @param {string} source
   */
  function hoverAt(p, source) {
    performance.mark(HOVER_MARK);
    point = [p[0], p[1]];
    redrawHover();
    performance.measure("gradscape:hover", HOVER_MARK);
    performance.clearMarks(HOVER_MARK);
    if (source !== "model") model.set("point", [point[0], point[1]]);
    if (source !== "model") write({});
    visits.moved(point);
    for (const cb of pointWatchers) cb([point[0], point[1]]);
    if (source !== "visit") announceLater();
  }

  function redrawHover() {
    if (!point) return;
    const r = land ? land.at(point) : null;
    here = r ? { value: r.value, gradient: [r.gradient[0], r.gradient[1]] } : { value: NaN, gradient: [NaN, NaN] };
    if (!curve.active) plot.drawHover(point, here.value, here.gradient); // the curve draws its own
    if (sliceArrows) plot.drawSteps(sliceArrows);
    if (sliceMeta && land) {
      sliceHere = r;
      readout.updateSlice(point, r, land.error || "");
    } else {
      curve.setPoint(point, here.value, here.gradient);
      panel.setPoint(point);
      readout.update(point, here.value, here.gradient);
    }
    if (!curve.active) surface.setHover(point, here.value, here.gradient); // hidden beside a curve
  }

  function announceLater() {
    if (announceTimer) clearTimeout(announceTimer);
    announceTimer = setTimeout(() => {
      announceTimer = 0;
      if (point && land) live.textContent = sayHere(point);
    }, ANNOUNCE_MS);
  }

  /** @param {KeyboardEvent} e @returns {boolean} handled */
  function onPlotKey(e) {
    const v = shownView();
    const p = point || [(v.x[0] + v.x[1]) / 2, (v.y[0] + v.y[1]) / 2];
    const f = e.shiftKey ? 0.1 : 0.02;
    if (curve.active && (e.key === "ArrowUp" || e.key === "ArrowDown")) return false; // one variable: no second axis
    const dx = (v.x[1] - v.x[0]) * f;
    const dy = (v.y[1] - v.y[0]) * f;
    const clampX = (/** @type {number} */ x) => Math.min(v.x[1], Math.max(v.x[0], x));
    const clampY = (/** @type {number} */ y) => Math.min(v.y[1], Math.max(v.y[0], y));
    switch (e.key) {
      case "ArrowLeft": hoverAt([clampX(p[0] - dx), p[1]], "key"); return true;
      case "ArrowRight": hoverAt([clampX(p[0] + dx), p[1]], "key"); return true;
      case "ArrowUp": hoverAt([p[0], clampY(p[1] + dy)], "key"); return true;
      case "ArrowDown": hoverAt([p[0], clampY(p[1] - dy)], "key"); return true;
      case "Enter": case " ": dropBall(p); return true;
      case "+": case "=": setView(zoomAt(v, p[0], p[1], 1 / 1.25)); return true;
      case "-": case "_": setView(zoomAt(v, p[0], p[1], 1.25)); return true;
      case "0": resetView(); return true;
      default: return false;
    }
  }

  function resetView() {
    const home = sliceMeta ? sliceMeta.view : compiled ? compiled.view : null;
    setView(validView(home) || DEFAULT_VIEW);
  }

  /** The point's numbers in words (the live region). @param {number[]} p */
  function sayHere(p) {
    return sliceMeta ? describeSlice(p, sliceHere) : describe(names(), p, here.value, here.gradient, curve.active ? 0 : -1);
  }

  // --- runs ------------------------------------------------------------------------------------
  /** @param {number[]} p */
  function dropBall(p) {
    if (!compiled) return;
    if (panel.problem) { live.textContent = panel.problem; panel.showProblem(); return; } // never a rate not shown
    /** @type {RunSpec} */
    // the start on the view's resolution: the link then stores exactly the start the run used
    const spec = { ...settings, start: roundPoint([p[0], p[1]], shownView()) };
    const run = player.add(spec, compiled.program); // it waits at its start for Step or Play
    if (run.traj.stopped === "invalid") live.textContent = run.traj.reason;
  }

  /** Runs from the model (a link, or the host): keep matching ones, compute the rest at once. */
  function runsFromModel() {
    if (compiled) player.fromSpecs(model.get("runs"), compiled.program);
  }

  // --- surfaces --------------------------------------------------------------------------------
  /**
   * @param {Compiled} c
   * @param {{resetView: boolean, keepRuns: boolean, view?: View|null}} opts  `view`, if given, wins
   */
  function applyCompiled(c, opts) {
    const prevName = compiled ? compiled.name : undefined;
    if (sliceMeta) leaveSlice();
    raw = c;
    pstate = paramState(c.program.variables, model.get("params"));
    compiled = boundSurface(c, pstate);
    params.set(c.program.variables, pstate);
    model.set("params", pstate); // the link keeps only this surface's sliders
    if (land) land.destroy();
    land = formulaLandscape(compiled);
    box.setDisplay(compiled);
    box.setHint(typeof c.hint === "string" ? c.hint : "");
    const oneD = curve.setSurface(compiled);
    root.classList.toggle("gs-oned", oneD);
    plot.element.setAttribute("aria-label", oneD
      ? "Loss curve. Left and right arrow keys move the point (Shift: farther), Enter drops a ball, + and − zoom."
      : "Loss surface. Arrow keys move the point (Shift: farther), Enter drops a ball, + and − zoom.");
    box.setSelected(c.name || null);
    const hasMinima = Array.isArray(c.minima) && c.minima.length > 0;
    tools.setSurface(hasMinima, c.blurb ? `${c.title ? `${c.title}. ` : ""}${c.blurb}` : "");
    readout.setSurface(compiled);
    visits.setSurface(compiled);
    if (opts.resetView || (c.name && c.name !== prevName)) {
      view = validView(c.view) || DEFAULT_VIEW;
      const start = Array.isArray(c.start) && c.start.length >= 2 ? c.start : null;
      point = start ? [start[0], start[1]] : [(view.x[0] + view.x[1]) / 2, (view.y[0] + view.y[1]) / 2];
    }
    panel.setSurface(compiled, Boolean(opts.resetView || (c.name && c.name !== prevName))); // its tuned rates
    if (opts.view) view = opts.view;
    if (!point) {
      const start = Array.isArray(c.start) && c.start.length >= 2 ? c.start : null;
      point = start ? [start[0], start[1]] : [(view.x[0] + view.x[1]) / 2, (view.y[0] + view.y[1]) / 2];
    }
    if (opts.keepRuns) player.recompute(compiled.program);
    else player.reset();
    renderAll();
  }

  /** The 2D figure as one picture: the typeset formula, the plot, its axes and a legend. */
  function figureImage() {
    return composeFigure(/** @type {HTMLElement} */ (plot.element.parentElement), figureParts());
  }

  /** What the picture shows besides the plot: the heading, the legend of runs, a note. */
  function figureParts() {
    const legend = player.runs.map((r) => {
      const t = r.traj;
      const info = optimizerInfo(t.optimizer);
      const last = t.values[t.values.length - 1];
      const how = t.stopped === "converged" ? "converged" : t.stopped === "diverged" ? "diverged" : "stopped";
      const from = curve.active // a formula of x alone: its start is x's, the padding is not shown
        ? `from ${curve.name} = ${fmt(Number(r.spec.start[0]))}`
        : `from (${r.spec.start.slice(0, 2).map((c) => fmt(Number(c))).join(", ")})`;
      return { color: r.color, text: `${info ? info.short : t.optimizer}, lr ${roundLr(Number(r.spec.lr))}, ${from}: ${how} after ${t.steps} steps, L = ${fmt(last)}` };
    });
    const note = point && Number.isFinite(here.value)
      ? `Arrows at ${curve.active ? `${curve.name} = ${fmt(point[0])}` : `(${point.map((c) => fmt(c)).join(", ")})`}: the gradient ∇L points uphill (red); steepest descent −∇L (dashed blue).`
      : "";
    return {
      heading: sliceMeta ? null : /** @type {HTMLElement|null} */ (box.element.querySelector(".gs-display")),
      subtitle: sliceMeta ? sliceMeta.title : compiled && compiled.title ? compiled.title : null,
      legend,
      note,
    };
  }

  /**
   * Compile typed text (or a gallery name) through the host; errors leave the last surface.
   * @param {string} text @param {boolean} fromGallery
   */
  async function loadFormula(text, fromGallery) {
    const seq = ++loadSeq;
    if (!model.requestSurface) {
      box.setError("This page shows a fixed surface; editing the formula needs the gradscape server (run: gradscape serve).", null);
      return;
    }
    if (!text.trim()) {
      box.setError("Type a formula, for example w1^2 + 3w2^2", 0);
      return;
    }
    /** @type {Compiled|CompileError} */
    let res;
    try {
      const stale = () => destroyed || seq !== loadSeq;
      res = await model.requestSurface(text, { stale, onWait: (message) => { if (!stale()) box.setNotice(message); } });
    } catch (err) {
      res = { error: `Could not reach the gradscape server (${err instanceof Error ? err.message : String(err)}).`, column: null };
    }
    if (destroyed || seq !== loadSeq) return; // a newer request is on its way
    if ("error" in res) {
      box.setError(res.error, typeof res.column === "number" ? res.column : null);
      write({ formula: text });
      return;
    }
    box.clearError();
    if (fromGallery) box.setText(res.formula);
    applyCompiled(res, { resetView: fromGallery, keepRuns: !fromGallery });
    write({ compiled: res, formula: fromGallery ? res.formula : text, view: { x: [...view.x], y: [...view.y] }, runs: player.runs.map((r) => r.spec) }, true);
    if (point) hoverAt(point, "load");
  }

  /** The host's point and optimizer settings (a link's), taken with the first surface. */
  function hostExtras() {
    const p = model.get("point");
    const s = model.get("settings");
    const okPoint = Array.isArray(p) && p.length >= 2 && [p[0], p[1]].every((v) => Number.isFinite(Number(v)));
    const okSettings = s && typeof s === "object" && optimizerInfo(s.optimizer) && Number(s.lr) > 0 && Number.isFinite(Number(s.lr));
    return () => {
      if (okPoint) point = [Number(p[0]), Number(p[1])];
      if (okSettings) { settings = { ...s, lr: Number(s.lr) }; panel.setSettings(s.optimizer, Number(s.lr), s); }
    };
  }

  // --- parameters ------------------------------------------------------------------------------
  /**
   * New slider values (or ranges): bind them into the program and redraw; no compile.
   * @param {import("../core/params.js").ParamState} st @param {boolean} sliding
   */
  function setParams(st, sliding) {
    if (!raw) return;
    pstate = st;
    compiled = boundSurface(raw, pstate);
    if (land) land.destroy();
    land = formulaLandscape(compiled);
    readout.setSurface(compiled);
    player.recompute(compiled.program);
    if (sliding) interacting = true;
    renderAll();
    if (point) hoverAt(point, "params");
    write({ params: pstate }, !sliding);
    share.refresh();
  }

  /** @returns {Record<string, number>} each parameter's value */
  function sliderValues() {
    return Object.fromEntries(Object.entries(pstate.sliders).map(([k, v]) => [k, v.value]));
  }

  /** Make `name` the plot's axis `slot` (0 across, 1 up). @param {0|1} slot @param {string} name */
  function chooseAxis(slot, name) {
    if (!raw || !point) return;
    const next = swapAxis(pstate, slot, name, point, shownView());
    pstate = next.state;
    compiled = boundSurface(raw, pstate);
    if (land) land.destroy();
    land = formulaLandscape(compiled);
    params.set(raw.program.variables, pstate);
    readout.setSurface(compiled);
    box.setDisplay(compiled);
    view = validView(next.view) || view;
    point = next.point;
    player.reset();
    renderAll();
    hoverAt(point, "params");
    write({ params: pstate, view: { x: [...view.x], y: [...view.y] }, runs: [] }, true);
    share.refresh();
  }

  // --- model events ----------------------------------------------------------------------------
  const onCompiled = () => {
    const c = model.get("compiled");
    if (c && c !== raw && c.program) {
      const hostView = validView(model.get("view"));
      const adopt = compiled ? null : hostExtras();
      applyCompiled(c, { resetView: !compiled, keepRuns: false, view: hostView });
      if (adopt) adopt();
      runsFromModel();
      if (point) hoverAt(point, "model");
    }
  };
  const onFormula = () => {
    const f = model.get("formula");
    if (typeof f === "string" && f !== box.text) {
      box.setText(f);
      if (!compiled || f !== compiled.formula) loadFormula(f, false);
    }
  };
  const onView = () => {
    const v = validView(model.get("view"));
    if (v && !sameView(v, view)) { view = v; scheduleRender(); }
  };
  const onPoint = () => {
    const p = model.get("point");
    if (Array.isArray(p) && p.length >= 2 && (!point || p[0] !== point[0] || p[1] !== point[1])) {
      const q = [Number(p[0]), Number(p[1])];
      if (q.every(Number.isFinite)) hoverAt(q, "model");
    }
  };
  const onRuns = () => runsFromModel();
  const onParams = () => {
    const saved = model.get("params");
    if (!raw || !saved || JSON.stringify(saved) === JSON.stringify(pstate)) return;
    const st = paramState(raw.program.variables, saved);
    params.set(raw.program.variables, st);
    setParams(st, false);
  };
  const onField = () => {
    const on = model.get("field") === true;
    if (on !== field) { field = on; fieldToggle.set(on); scheduleRender(); }
  };
  const onSlice = () => {
    const m = model.get("slice");
    if (m && (typeof m.error === "string" || typeof m.pending === "string")) {
      sliceWaiting(m);
      return;
    }
    if (m && m !== sliceMeta && m.variables) {
      applySlice(m, validView(model.get("view")), model.get("point"));
      if (point) hoverAt(point, "model");
    }
  };
  const listeners = /** @type {Array<[string, () => void]>} */ ([
    ["change:compiled", onCompiled], ["change:formula", onFormula], ["change:view", onView],
    ["change:point", onPoint], ["change:runs", onRuns], ["change:params", onParams], ["change:field", onField],
    ["change:slice", onSlice],
  ]);
  for (const [ev, cb] of listeners) model.on(ev, cb);

  const resize = new ResizeObserver(() => scheduleRender());
  resize.observe(plot.element);
  resize.observe(surface.element);
  const shown2d = watchShown([plot.element], () => renderAll());
  const shown3d = watchShown([surface.element], () => scheduleRender());

  // --- start -----------------------------------------------------------------------------------
  box.setText(String(model.get("formula") ?? ""));
  if (typeof model.formulaHelp === "string" && model.formulaHelp) {
    /** @type {HTMLElement} */ (box.element.querySelector(".gs-formula-help")).textContent = model.formulaHelp;
  }
  if (!model.requestSurface) box.setEditable(false, "This page shows fixed surfaces; to type your own formula, run gradscape serve.");
  loadGallery();
  const initial = model.get("compiled");
  const initialView = validView(model.get("view"));
  const initialPoint = model.get("point");
  const initialSlice = model.get("slice");
  if (initialSlice && initialSlice.variables) {
    applySlice(initialSlice, initialView, initialPoint);
    if (point) hoverAt(point, "model");
  } else if (initialSlice && (initialSlice.pending || initialSlice.error)) {
    if (initialView) view = initialView;
    renderAll();
    sliceWaiting(initialSlice);
  } else if (initial && initial.program) {
    const adopt = hostExtras();
    applyCompiled(initial, { resetView: true, keepRuns: false, view: initialView });
    adopt();
    if (!box.text) box.setText(initial.formula);
    // a host that keeps the last refusal (the widget) shows it in a new view too
    const refused = model.get("error");
    if (typeof refused === "string" && refused && box.text !== initial.formula) {
      const column = model.get("error_column");
      box.setError(refused, typeof column === "number" ? column : null);
    }
    runsFromModel();
    renderAll();
    if (point) hoverAt(point, "model");
  } else {
    if (initialView) view = initialView;
    renderAll();
    readout.element.textContent = "Loading the surface…";
    const f = model.get("formula");
    if (typeof f === "string" && f.trim()) loadFormula(f, false);
  }

  async function loadGallery() {
    /** @type {import("./formulabox.js").GalleryEntry[]|null} */
    let entries = null;
    try {
      if (model.gallery) entries = await model.gallery();
    } catch {
      entries = null;
    }
    if (!Array.isArray(entries) || !entries.length) {
      const fromModel = model.get("gallery");
      entries = Array.isArray(fromModel) ? fromModel : []; // the gallery is Python's (gallery.py)
    }
    if (destroyed) return;
    box.setGallery(/** @type {import("./formulabox.js").GalleryEntry[]} */ (entries));
    if (compiled) box.setSelected(compiled.name || null);
  }

  // --- a slice of a model's loss (landscape.js) ----------------------------------------------
  /**
   * Show a slice instead of a formula: same plot, 3D and readout; no formula box, no runs.
   * @param {any} meta sliceview.slice_meta @param {View|null} v @param {any} p
   */
  function applySlice(meta, v, p) {
    const kit = model.sliceKit;
    if (meta.browser && !kit) { sliceWaiting({ error: "This page cannot compute slices itself (no slice engine in this host)." }); return; }
    const source = meta.browser ? kit.pageSliceSource(meta.browser)
      : typeof model.sliceSource === "function" ? model.sliceSource(meta) : serverSliceSource(meta.id);
    useSlice(meta, source);
    root.classList.add("gs-slice-view");
    root.classList.remove("gs-oned");
    curve.setSurface(null);
    box.element.hidden = true;
    sliceHead.hidden = false;
    sliceHead.textContent = meta.title || "A slice of the loss";
    runsCard.hidden = true;
    tools.setSurface(false, `The loss of ${meta.title || "the model"} on a plane through its weights; a and b move along the two directions.`);
    readout.setSlice(meta);
    visits.setSurface({ variables: ["a", "b"], program: { variables: [], ops: [] } }); // the bowl's only
    plot.element.setAttribute("aria-label", "Loss on a slice of the weights. Arrow keys move the point (Shift: farther), + and − zoom.");
    player.reset();
    view = v || validView(meta.view) || DEFAULT_VIEW;
    const q = Array.isArray(p) && p.length >= 2 && p.every((c) => Number.isFinite(Number(c))) ? [Number(p[0]), Number(p[1])] : null;
    point = q || (Array.isArray(meta.start) ? [meta.start[0], meta.start[1]] : [(view.x[0] + view.x[1]) / 2, (view.y[0] + view.y[1]) / 2]);
    mountPanels(meta, source);
    renderAll();
    share.refresh();
  }

  /** The slice's landscape (the panels stay; "slice here" swaps only this). @param {any} meta @param {any} source */
  function useSlice(meta, source) {
    if (land) land.destroy();
    compiled = null;
    sliceMeta = meta;
    sliceHere = null;
    slicePaths = [];
    sliceArrows = null;
    land = sliceLandscape(meta, source, landChanged);
  }

  /**
   * The panels beside a slice the page computes (model-panels.js): train and watch, the noise of
   * SGD, the whole gradient. A slice Python computes has no weights in the page: no panels.
   * @param {any} meta @param {any} source
   */
  function mountPanels(meta, source) {
    if (panels) { panels.destroy(); panels = null; }
    pointWatchers.clear();
    const kit = model.sliceKit;
    if (!source.engine || !kit) return;
    panels = kit.createModelPanels(panelsHost, {
      slice: source.engine,
      meta,
      point: () => (point ? [point[0], point[1]] : null),
      onPoint: (/** @type {(p: number[]) => void} */ cb) => { pointWatchers.add(cb); return () => pointWatchers.delete(cb); },
      drawPaths: (/** @type {any[]} */ paths) => {
        slicePaths = paths.map((q) => ({ points: q.points, shown: q.shown ?? q.points.length, color: q.color, done: true }));
        plot.drawRuns(slicePaths);
      },
      drawArrows: (/** @type {any} */ d) => { sliceArrows = d ? { ...d, colors: kit.BATCH_COLORS } : null; redrawHover(); },
      recentre: (/** @type {any} */ payload) => {
        const next = { ...sliceMeta, browser: payload, recentred: true, lossAtW0: null };
        const src = kit.pageSliceSource(payload);
        useSlice(next, src);
        readout.setSlice(next);
        point = [0, 0];
        renderAll();
        hoverAt(point, "model");
        return src.engine;
      },
      announce: (/** @type {string} */ text) => { live.textContent = text; },
    });
  }

  /** The host is building the slice ({pending}) or could not ({error}): say so, no formula box. @param {any} m */
  function sliceWaiting(m) {
    box.element.hidden = true;
    runsCard.hidden = true;
    sliceHead.hidden = false;
    sliceHead.textContent = m.error ? "This slice could not be opened" : m.title || "A slice of the loss";
    visits.setSurface({ variables: ["a", "b"], program: { variables: [], ops: [] } });
    readout.element.textContent = m.error || m.pending;
    if (m.error) readout.element.dataset.error = m.error;
  }

  function leaveSlice() {
    if (panels) { panels.destroy(); panels = null; }
    pointWatchers.clear();
    slicePaths = [];
    sliceArrows = null;
    sliceMeta = null;
    sliceHere = null;
    root.classList.remove("gs-slice-view");
    box.element.hidden = false;
    sliceHead.hidden = true;
    runsCard.hidden = false;
  }

  /** The landscape computed more: a field (or a tile of it), a point's numbers, or a failure. @param {string} what */
  function landChanged(what) {
    if (destroyed) return;
    if (what === "field") scheduleRender();
    else redrawHover();
    if (what === "error" && land && land.error) live.textContent = land.error;
  }

  function sliceCode() {
    if (typeof model.sliceCode === "function") return model.sliceCode(sliceMeta);
    if (sliceMeta && sliceMeta.python) {
      const v = `# the window shown: a in [${view.x[0]}, ${view.x[1]}], b in [${view.y[0]}, ${view.y[1]}]`;
      const p = point ? `\nslice_.value_and_gradient((${point[0]}, ${point[1]}))  # the point hovered` : "";
      return `${sliceMeta.python}${v}${p}\n`;
    }
    return "# This slice was built in Python; its code is where you built it.";
  }

  return function cleanup() {
    destroyed = true;
    if (panels) panels.destroy();
    if (land) land.destroy();
    for (const [ev, cb] of listeners) model.off(ev, cb);
    resize.disconnect();
    shown2d.destroy();
    shown3d.destroy();
    if (renderFrame) cancelAnimationFrame(renderFrame);
    if (surfaceTimer) clearTimeout(surfaceTimer);
    player.destroy();
    if (announceTimer) clearTimeout(announceTimer);
    if (saveTimer) { clearTimeout(saveTimer); model.save_changes(); }
    tools.destroy();
    visits.destroy();
    plot.destroy();
    curve.destroy();
    surface.destroy();
    panel.destroy();
    box.destroy();
    share.destroy();
    modes.destroy();
    root.remove();
  };
}

/** @param {string} cls @param {HTMLElement} parent */
function div(cls, parent) {
  const d = document.createElement("div");
  d.className = cls;
  parent.appendChild(d);
  return d;
}

export default { render };
