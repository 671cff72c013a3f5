// Sharing what you see: "Save image" (a PNG of the 2D figure at twice the screen's size), "SVG"
// (the same figure as vectors, figure-svg.js), "Copy link" (a URL that reproduces the view, when
// the host has one) and "Python" (the gradscape code that redraws it).
//
//   createShareBar(bar, panel, handlers) -> {destroy}     the buttons, a status line, the code panel
//   composeFigure(frame, {title, legend, note}) -> canvas  the plot's layers, ticks and axis names
//   pythonCode(state) -> string                            code that runs as is in a notebook
//   copyText(text) -> Promise<boolean>                     the clipboard, where the page may use it
//   fileName(compiled) -> "gradscape-bowl.png"

import { optimizerInfo, EXPLORER_STEPS } from "../core/optimizers.js";
import { svgToCanvas, mathRuns, mathFont } from "./figure-svg.js";

/** "Save image" draws the figure at this many times its size on screen */
export const IMAGE_SCALE = 2;

/**
 * @typedef {{
 *   image: () => {canvas: HTMLCanvasElement|null, name: string},
 *   svg?: (() => {svg: string, name: string})|null,
 *   link: (() => string)|null,
 *   code: () => string,
 * }} ShareHandlers
 * @typedef {{formula: string, name?: string|null, title?: string|null, variables: string[],
 *            view?: {x: number[], y: number[]}, minima?: number[][]}} SurfaceInfo
 * @typedef {{compiled: SurfaceInfo, view: {x: number[], y: number[]}|null,
 *            runs: Array<{optimizer: string, lr: number, start: number[], [k: string]: unknown}>,
 *            params?: Record<string, number>}} CodeState  params: the sliders' values
 */

const STATUS_MS = 4000;

/**
 * The share buttons in `bar` and the (hidden) Python code panel in `panel`. A host without a
 * link (a notebook widget) gets no "Copy link" button.
 * @param {HTMLElement} bar @param {HTMLElement} panel @param {ShareHandlers} on @param {string} uid
 */
export function createShareBar(bar, panel, on, uid) {
  const group = document.createElement("div");
  group.className = "gs-share";
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", "Share");
  group.innerHTML = `
    <button type="button" data-testid="save-image" title="Download a PNG picture of the plot, at twice the size on screen">Save image</button>
    <button type="button" data-testid="save-svg" title="Download the plot as an SVG drawing (vector lines and text)">SVG</button>
    <button type="button" data-testid="copy-link" title="Copy a link that reproduces this view">Copy link</button>
    <button type="button" data-testid="python-code" aria-expanded="false" aria-controls="${uid}-python">Python</button>
    <span class="gs-share-status" data-testid="share-status" role="status" aria-live="polite"></span>`;
  bar.appendChild(group);
  const q = (/** @type {string} */ s) => /** @type {HTMLElement} */ (group.querySelector(s));
  const saveBtn = q('[data-testid="save-image"]');
  const svgBtn = q('[data-testid="save-svg"]');
  svgBtn.hidden = !on.svg;
  const linkBtn = q('[data-testid="copy-link"]');
  const codeBtn = q('[data-testid="python-code"]');
  const status = q(".gs-share-status");
  linkBtn.hidden = !on.link;

  const box = document.createElement("div");
  box.className = "gs-code";
  box.id = `${uid}-python`;
  box.hidden = true;
  box.innerHTML = `
    <div class="gs-code-head">
      <span class="gs-code-title">Python: this view and these runs, ready to paste into a notebook</span>
      <button type="button" data-testid="copy-code">Copy code</button>
    </div>
    <pre data-testid="python-code-text" tabindex="0" aria-label="Python code"></pre>
    <label class="gs-link-field" hidden>Copy this link: <input type="text" readonly data-testid="link-field"></label>`;
  panel.appendChild(box);
  const pre = /** @type {HTMLElement} */ (box.querySelector("pre"));
  const copyCodeBtn = /** @type {HTMLElement} */ (box.querySelector('[data-testid="copy-code"]'));
  const fieldLabel = /** @type {HTMLElement} */ (box.querySelector(".gs-link-field"));
  const field = /** @type {HTMLInputElement} */ (box.querySelector('[data-testid="link-field"]'));

  /** @type {ReturnType<typeof setTimeout>|0} */
  let statusTimer = 0;
  /** @param {string} text */
  function say(text) {
    status.textContent = text;
    if (statusTimer) clearTimeout(statusTimer);
    statusTimer = setTimeout(() => { statusTimer = 0; status.textContent = ""; }, STATUS_MS);
  }

  /** @param {Blob} blob @param {string} name */
  const download = (blob, name) => {
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    say(`Saved ${name}`);
  };
  const onSave = async () => {
    // the vector figure drawn at IMAGE_SCALE, sharp at any screen's density; else the screen's pixels
    /** @type {HTMLCanvasElement|null} */
    let canvas = null;
    let name = "";
    if (on.svg) {
      try {
        const fig = on.svg();
        name = fig.name.replace(/\.svg$/, ".png");
        canvas = await svgToCanvas(fig.svg, IMAGE_SCALE);
      } catch {
        canvas = null;
      }
    }
    if (!canvas) ({ canvas, name } = on.image());
    if (!canvas) { say("Could not make the picture here; the SVG button saves it."); return; } // the curve has no canvas of its own
    canvas.toBlob((blob) => {
      if (!blob) { say("Could not make the picture."); return; }
      download(blob, name);
    }, "image/png");
  };
  const onSvg = () => {
    if (!on.svg) return;
    const { svg, name } = on.svg();
    download(new Blob([svg], { type: "image/svg+xml" }), name);
  };

  const onLink = async () => {
    if (!on.link) return;
    const url = on.link();
    fieldLabel.hidden = true;
    if (await copyText(url)) { say("Link copied"); return; }
    // no clipboard here (e.g. an iframe without clipboard-write): offer the link to copy by hand
    field.value = url;
    box.hidden = false;
    pre.hidden = true;
    box.querySelector(".gs-code-head")?.setAttribute("hidden", "");
    codeBtn.setAttribute("aria-expanded", "false");
    fieldLabel.hidden = false;
    field.focus();
    field.select();
    say("Press Ctrl+C (⌘C on a Mac) to copy the selected link");
  };

  const showCode = () => {
    pre.textContent = on.code();
  };
  const onCode = () => {
    const open = codeBtn.getAttribute("aria-expanded") !== "true";
    codeBtn.setAttribute("aria-expanded", String(open));
    fieldLabel.hidden = true;
    pre.hidden = false;
    box.querySelector(".gs-code-head")?.removeAttribute("hidden");
    if (open) showCode();
    box.hidden = !open;
  };
  const onCopyCode = async () => {
    showCode();
    if (await copyText(pre.textContent || "")) { say("Code copied"); return; }
    const range = document.createRange();
    range.selectNodeContents(pre);
    const sel = getSelection();
    sel?.removeAllRanges();
    sel?.addRange(range);
    say("Press Ctrl+C (⌘C on a Mac) to copy the selected code");
  };
  const listening = new AbortController(); // destroy() removes every listener at once
  const { signal } = listening;
  saveBtn.addEventListener("click", onSave, { signal });
  svgBtn.addEventListener("click", onSvg, { signal });
  linkBtn.addEventListener("click", onLink, { signal });
  codeBtn.addEventListener("click", onCode, { signal });
  copyCodeBtn.addEventListener("click", onCopyCode, { signal });

  return {
    /** Refresh the code if it is showing (after the surface, view or runs change). */
    refresh() {
      if (!box.hidden && !pre.hidden) showCode();
    },
    destroy() {
      listening.abort();
      if (statusTimer) clearTimeout(statusTimer);
      group.remove();
      box.remove();
    },
  };
}

/**
 * Put `text` on the clipboard: the async clipboard API, else the older copy command on a hidden
 * field. False when neither is allowed here (the caller then offers the text to copy by hand).
 * @param {string} text @returns {Promise<boolean>}
 */
export async function copyText(text) {
  // In an iframe the page may not have delegated clipboard access: asking anyway logs a
  // permissions-policy violation, so ask only when allowed (Chromium says; others just try).
  const policy = /** @type {any} */ (document).permissionsPolicy || /** @type {any} */ (document).featurePolicy;
  const allowed = !policy || typeof policy.allowsFeature !== "function" || policy.allowsFeature("clipboard-write");
  try {
    if (allowed && navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // not permitted here: try the older way
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "gs-sr";
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

/** "gradscape-rosenbrock.png", or a name made from the formula. @param {{name?: string|null, formula?: string}|null} c */
export function fileName(c) {
  const base = c && c.name ? c.name : c && c.formula ? c.formula : "surface";
  const slug = base.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 48) || "surface";
  return `gradscape-${slug}.png`;
}

// --- the picture -----------------------------------------------------------------------------

const PAPER = "#ffffff";
const INK = "#1d2129";
const MUTED = "#5b616b";
const UI_FONT = `system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif`;

/**
 * One canvas with everything the 2D figure shows: its canvas layers (heatmap, contours, runs,
 * hover arrows), the tick labels and axis names (HTML around the plot, drawn here as text), the
 * typeset formula above (`heading`, HTML with <i>, <sub> and <sup>), and a legend below. Drawn
 * at the layers' own resolution (device pixels).
 * @param {HTMLElement} frame the .gs-plotframe element
 * @param {{heading: HTMLElement|null, subtitle?: string|null,
 *          legend: Array<{color: string, text: string}>, note?: string}} opts
 * @returns {HTMLCanvasElement}
 */
export function composeFigure(frame, opts) {
  const plot = /** @type {HTMLElement} */ (frame.querySelector(".gs-plot"));
  const layers = /** @type {HTMLCanvasElement[]} */ ([...plot.querySelectorAll("canvas")]);
  const fr = frame.getBoundingClientRect();
  const pr = plot.getBoundingClientRect();
  const scale = layers.length && pr.width > 0 ? layers[0].width / pr.width : 1;
  const pad = 16;
  const subH = opts.subtitle ? 20 : 0;
  const headH = opts.heading ? 38 : 0;
  const lineH = 20;
  const below = (opts.note ? 1 : 0) + opts.legend.length;
  const width = Math.ceil(fr.width + 2 * pad);
  const height = Math.ceil(fr.height + 2 * pad + subH + headH + below * lineH + (below ? 6 : 0));
  const out = document.createElement("canvas");
  out.width = Math.round(width * scale);
  out.height = Math.round(height * scale);
  const ctx = /** @type {CanvasRenderingContext2D} */ (out.getContext("2d"));
  ctx.scale(scale, scale);
  ctx.fillStyle = PAPER;
  ctx.fillRect(0, 0, width, height);

  ctx.textBaseline = "alphabetic";
  if (opts.subtitle) {
    ctx.fillStyle = MUTED;
    ctx.font = `14px ${UI_FONT}`;
    ctx.fillText(opts.subtitle, pad, pad + 12, width - 2 * pad);
  }
  if (opts.heading) {
    const room = width - 2 * pad;
    const size = Math.min(20, (20 * room) / Math.max(1, drawMath(ctx, opts.heading, 0, 0, 20, false)));
    drawMath(ctx, opts.heading, pad, pad + subH + 22, size, true);
  }
  const ox = pad;
  const oy = pad + subH + headH;
  for (const c of layers) ctx.drawImage(c, ox + pr.left - fr.left, oy + pr.top - fr.top, pr.width, pr.height);

  // tick labels and axis names: HTML around the plot, drawn where they sit on screen
  ctx.textBaseline = "top";
  for (const span of frame.querySelectorAll(".gs-ticks span")) {
    const r = span.getBoundingClientRect();
    const cs = getComputedStyle(span);
    ctx.font = `${cs.fontSize} ${UI_FONT}`;
    ctx.fillStyle = cs.color || MUTED;
    ctx.fillText(span.textContent || "", ox + r.left - fr.left, oy + r.top - fr.top + 1);
  }
  ctx.textBaseline = "alphabetic";
  for (const name of frame.querySelectorAll(".gs-axis-name")) {
    const r = name.getBoundingClientRect();
    const size = parseFloat(getComputedStyle(name).fontSize) || 16;
    drawMath(ctx, /** @type {HTMLElement} */ (name), ox + r.left - fr.left, oy + r.top - fr.top + size * 0.85, size, true);
  }

  let y = oy + fr.height + 6;
  ctx.textBaseline = "middle";
  ctx.font = `13px ${UI_FONT}`;
  for (const item of opts.legend) {
    ctx.fillStyle = item.color;
    ctx.beginPath();
    ctx.arc(pad + 52, y + lineH / 2, 5, 0, 2 * Math.PI);
    ctx.fill();
    ctx.fillStyle = INK;
    ctx.fillText(item.text, pad + 64, y + lineH / 2, width - pad - 64 - pad);
    y += lineH;
  }
  if (opts.note) {
    ctx.fillStyle = MUTED;
    ctx.fillText(opts.note, pad + 46, y + lineH / 2, width - 2 * pad - 46);
  }
  return out;
}

/**
 * Typeset HTML (text, <i>, <sub>, <sup>) drawn on the baseline at (x, y) in a serif math face
 * (figure-svg.js mathRuns lays it out); returns the width. With draw = false it only measures.
 * @param {CanvasRenderingContext2D} ctx @param {HTMLElement} el @param {number} x @param {number} y
 * @param {number} size @param {boolean} draw
 */
function drawMath(ctx, el, x, y, size, draw) {
  const { runs, width } = mathRuns(el, size);
  if (draw) {
    ctx.fillStyle = INK;
    for (const r of runs) {
      ctx.font = mathFont(r.size, r.italic);
      ctx.fillText(r.text, x + r.x, y - r.rise);
    }
  }
  return width;
}

// --- the code --------------------------------------------------------------------------------

/** A Python literal for a string (JSON's escapes are all valid Python). @param {string} s */
const pyStr = (s) => JSON.stringify(s);

/** A Python number: the shortest text that reads back as the same float. @param {number} v */
const pyNum = (v) => (Object.is(v, -0) ? "0" : String(v));

/**
 * `v` rounded to a few digits below `span` (a ten-thousandth of it): readable, and the same
 * picture. @param {number} v @param {number} span
 */
function roundFor(v, span) {
  const digits = Math.min(15, Math.max(0, Math.ceil(-Math.log10(Math.abs(span) / 1e4 || 1e-4))));
  return Number(v.toFixed(digits));
}

/**
 * The few lines of gradscape code that redraw this surface, window and runs (a matplotlib
 * figure) and open the live explorer in a notebook. Every run's settings are written out,
 * including the explorer's cap on steps, so Python's trajectories are the ones on screen.
 * @param {CodeState} state @returns {string}
 */
export function pythonCode({ compiled, view, runs, params }) {
  const vars = compiled.variables.slice(0, 2);
  // the sliders' values, bound into the formula as numbers (gradscape.parameters.bind)
  const given = params ? Object.entries(params).filter(([, x]) => Number.isFinite(x)) : [];
  const fixed = given.length ? `, params={${given.map(([k, x]) => `${pyStr(k)}: ${pyNum(x)}`).join(", ")}}` : "";
  const v = view || compiled.view || { x: [-4, 4], y: [-4, 4] };
  const sx = v.x[1] - v.x[0];
  const sy = v.y[1] - v.y[0];
  const pair = (/** @type {number[]} */ p, /** @type {number} */ a, /** @type {number} */ b) => `(${pyNum(roundFor(p[0], a))}, ${pyNum(roundFor(p[1], b))})`;
  const lines = [
    "import gradscape",
    "from gradscape.plot import plot_surface",
    "",
    `s = gradscape.Surface(${pyStr(compiled.formula)}, variables=(${vars.map(pyStr).join(", ")})${fixed})`,
    `view = (${pair(v.x, sx, sx)}, ${pair(v.y, sy, sy)})`,
  ];
  const calls = [];
  for (const r of runs) {
    const info = optimizerInfo(r.optimizer);
    if (!info || !Array.isArray(r.start) || r.start.length < 2) continue;
    const lr = Number(r.lr) > 0 ? Number(r.lr) : info.defaults.lr;
    const steps = Number.isInteger(r.steps) && Number(r.steps) >= 0 ? Math.min(Number(r.steps), EXPLORER_STEPS) : EXPLORER_STEPS;
    const extra = Object.keys(info.defaults)
      .filter((k) => k !== "lr" && typeof r[k] === "number" && Number.isFinite(r[k]))
      .map((k) => `, ${k}=${pyNum(/** @type {number} */ (r[k]))}`)
      .join("");
    calls.push(`    gradscape.descend(s, start=${pair(r.start, sx, sy)}, optimizer=${pyStr(r.optimizer)}, lr=${pyNum(lr)}${extra}, steps=${steps}),`);
  }
  lines.push(calls.length ? ["runs = [", ...calls, "]"].join("\n") : "runs = []");
  const extras = [];
  if (Array.isArray(compiled.minima) && compiled.minima.length) {
    extras.push(`minima=[${compiled.minima.map((m) => pair(m, sx, sy)).join(", ")}]`);
  }
  if (compiled.title) extras.push(`title=${pyStr(compiled.title)}`);
  const more = extras.length ? `, ${extras.join(", ")}` : "";
  const png = fileName(compiled);
  lines.push(
    `# a picture (matplotlib): fig.savefig(${pyStr(png)}) writes it to a file`,
    `fig = plot_surface(s, runs, view=view${more})`,
    "# the live explorer, in a notebook",
    given.length // the explorer has its own sliders (they start at 1): no Python runs there
      ? `gradscape.Explorer(${pyStr(compiled.formula)}, view=view)`
      : `gradscape.Explorer(${pyStr(compiled.name || compiled.formula)}, view=view, runs=runs)`,
  );
  return lines.join("\n") + "\n";
}
