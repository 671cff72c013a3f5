// The explorer's descent runs as state over time: each run's trajectory (core/optimizers.js),
// how much of it is shown, and the animation that reveals it a few steps per frame. It draws
// through `on.draw` (the 2D plot) and lists the runs in the panel (runs.js); it knows nothing of
// the model, which the explorer writes in `on.changed`.
//
//   const player = createRunsPlayer(panel, { draw, changed })
//   player.add(spec, program)       a new run, shown from its start (it waits for Play or Step)
//   player.compare(specs, program)  these runs instead of the others, played together
//   player.fromSpecs(specs, program) runs from a link or the host, drawn complete
//   player.recompute(program)       the same runs on a new surface;  player.reset(): none

import { descend, EXPLORER_STEPS, optimizerInfo } from "../core/optimizers.js";
import { runStyle } from "../core/palette.js";

/**
 * @typedef {import("./runs.js").Run} Run
 * @typedef {import("./runs.js").RunSpec} RunSpec
 * @typedef {import("../core/evaluator.js").Program} Program
 * @typedef {{points: number[][], shown: number, color: string, dash?: number[], done: boolean}} RunDrawing
 */

/**
 * One run of `spec` on `program`, capped at EXPLORER_STEPS (or at the spec's own smaller `steps`).
 * @param {RunSpec} spec @param {Program} program @param {number} index @param {boolean} animate
 * @returns {Run}
 */
export function makeRun(spec, program, index, animate) {
  const { optimizer, lr, start, steps, ...rest } = spec;
  const cap = Number.isInteger(steps) && Number(steps) >= 0 ? Math.min(Number(steps), EXPLORER_STEPS) : EXPLORER_STEPS;
  const traj = optimizerInfo(optimizer)
    ? descend(program, start.map(Number), optimizer, { lr, ...rest }, cap)
    : { optimizer, settings: {}, points: [start], values: [NaN], gradients: [[NaN, NaN]], stopped: /** @type {const} */ ("invalid"), reason: `Unknown optimizer '${optimizer}'`, steps: 0 };
  const style = runStyle(index);
  return { spec, traj, shown: animate ? 0 : traj.steps, color: style.color, dash: style.dash };
}

/**
 * @param {ReturnType<typeof import("./runs.js").createRunsPanel>} panel
 * @param {{draw: (runs: RunDrawing[]) => void, changed: (specs: RunSpec[], toModel: boolean) => void}} on
 */
export function createRunsPlayer(panel, on) {
  /** @type {Run[]} */
  let runs = [];
  let playing = true;
  let animFrame = 0;
  let lastTime = 0;

  /** @param {boolean} toModel */
  function changed(toModel) {
    runs.forEach((r, i) => { const style = runStyle(i); r.color = style.color; r.dash = style.dash; });
    panel.setRuns(runs);
    draw();
    on.changed(runs.map((r) => ({ ...r.spec, start: [...r.spec.start] })), toModel);
    ensureAnimating();
  }

  function draw() {
    on.draw(runs.map((r) => ({ points: r.traj.points, shown: Math.floor(r.shown), color: r.color, dash: r.dash, done: r.shown >= r.traj.steps })));
  }

  /** @param {boolean} v */
  function setPlaying(v) {
    playing = v;
    panel.setPlaying(v);
    ensureAnimating();
  }

  function ensureAnimating() {
    if (playing && !animFrame && runs.some((r) => r.shown < r.traj.steps)) {
      lastTime = 0;
      animFrame = requestAnimationFrame(animate);
    }
  }

  /** A few steps per frame, speeding up as a run gets longer (the first steps are the lesson). @param {number} now */
  function animate(now) {
    animFrame = 0;
    if (!playing) return;
    const dt = lastTime ? Math.min(0.1, (now - lastTime) / 1000) : 1 / 60;
    lastTime = now;
    let busy = false;
    for (const r of runs) {
      if (r.shown >= r.traj.steps) continue;
      r.shown = Math.min(r.traj.steps, r.shown + dt * (10 + 1.3 * r.shown));
      if (r.shown < r.traj.steps) busy = true;
    }
    draw();
    panel.tick(runs);
    if (busy) animFrame = requestAnimationFrame(animate);
  }

  return {
    /** @returns {Run[]} */
    get runs() { return runs; },
    get playing() { return playing; },
    draw,
    setPlaying,
    /** @param {RunSpec} spec @param {Program} program @returns {Run} */
    add(spec, program) {
      const run = makeRun(spec, program, runs.length, true);
      runs.push(run);
      changed(true);
      return run;
    },
    /** @param {number} i */
    remove(i) { runs.splice(i, 1); changed(true); },
    /** Compare: these runs replace the others, all animated from their start together. @param {RunSpec[]} specs @param {Program} program */
    compare(specs, program) {
      runs = specs.map((s, i) => makeRun(s, program, i, true));
      changed(true);
      if (!playing) setPlaying(true);
    },
    clear() { runs = []; changed(true); },
    reset() { runs = []; changed(false); },
    /** @param {Program} program */
    recompute(program) {
      runs = runs.map((r, i) => makeRun(r.spec, program, i, false));
      changed(false);
    },
    /** Runs from a link or the host: keep matching ones, compute the rest at once. @param {unknown} specs @param {Program} program */
    fromSpecs(specs, program) {
      if (!Array.isArray(specs)) return;
      const same = specs.length === runs.length && specs.every((s, i) => JSON.stringify(s) === JSON.stringify(runs[i].spec));
      if (same) return;
      runs = specs
        .filter((s) => s && Array.isArray(s.start) && s.start.length >= 2 && typeof s.optimizer === "string")
        .map((s, i) => {
          const keep = runs[i] && JSON.stringify(runs[i].spec) === JSON.stringify(s) ? runs[i] : null;
          return keep || makeRun({ ...s, lr: Number(s.lr) || optimizerInfo(s.optimizer)?.defaults.lr || 0.1 }, program, i, false);
        });
      changed(false);
    },
    step() {
      if (playing) setPlaying(false);
      for (const r of runs) if (r.shown < r.traj.steps) r.shown = Math.floor(r.shown) + 1;
      draw();
      panel.tick(runs);
    },
    destroy() {
      if (animFrame) cancelAnimationFrame(animFrame);
      animFrame = 0;
      playing = false;
    },
  };
}
