// What every host of the explorer shares: an in-memory model with anywidget's interface, and
// the text form of the explorer's state that links carry (the web page's ?query, an exported
// file's #hash).
//
//   new MemoryModel(state)            get / set / on / off / save_changes over a plain object
//   new HashModel(state)              ... whose save_changes keeps the state in location.hash
//                                     (a file:// page's link: the exported files)
//   serverSurface(formula), serverGallery()   the serving gradscape server's API
//   stateToQuery(state) -> "g=bowl&v=-4,4,-3,3&p=3,1&o=momentum_0.02&r=gd_0.1_3_1"
//   queryToState("g=bowl&...") -> {name, formula, view, point, settings, runs, params, field,
//                                    present, embed}  (missing parts are null, [] or false)
//
// Query keys:  g=<gallery name> or f=<formula>,  v=xmin,xmax,ymin,ymax,  p=x,y,
//              o=<optimizer settings> optimizer_lr[_key=value...] (what the next ball uses),
//              r=<run> (repeatable), each run  optimizer_lr_x_y[_key=value...]
//              s=name:value:min:max (a parameter's slider, repeatable), ax=a,b (the axes, with
//              sliders), field=1 (the gradient field shown),
//              present=1 (presentation mode), embed=1 (the compact embed, e.g. in an iframe)
// A slice of a model's loss: m=, d=, s=, span=, t= or id= instead of g= / f= (slicelink.js).
// Numbers are as short as the view can show (core/precision.js): the window to a ten-thousandth
// of its side, the point to a thousandth. A run's start is rounded when the ball is dropped, so
// the link holds the very start the run used and reopening it replays the same path.

import { viewStep, roundTo, roundPoint, short } from "../core/precision.js";

import { sliceParts } from "./slicelink.js";

/**
 * A model with anywidget's interface (get, set, on("change:name"), off, save_changes) whose state
 * is a plain object. `set` notifies "change:name" listeners only when the value changed (by
 * identity for `compiled`, by JSON value otherwise). `save_changes` does nothing here; hosts
 * override it to persist the state (the page's URL, the exported file's hash).
 */
export class MemoryModel {
  /** @param {Record<string, any>} state */
  constructor(state) {
    /** @type {Record<string, any>} */
    this.state = state;
    /** @type {Map<string, Set<(...a: any[]) => void>>} */
    this.handlers = new Map();
  }

  /** @param {string} name */
  get(name) {
    return this.state[name];
  }

  /** @param {string} name @param {any} value */
  set(name, value) {
    const old = this.state[name];
    if (old === value) return;
    if (name !== "compiled" && old !== undefined && JSON.stringify(old) === JSON.stringify(value)) return;
    this.state[name] = value;
    for (const cb of [...(this.handlers.get(`change:${name}`) || [])]) cb(this, value);
  }

  /** @param {string} event @param {(...a: any[]) => void} cb */
  on(event, cb) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    /** @type {Set<(...a: any[]) => void>} */ (this.handlers.get(event)).add(cb);
  }

  /** @param {string} event @param {(...a: any[]) => void} [cb] */
  off(event, cb) {
    if (!cb) this.handlers.delete(event);
    else this.handlers.get(event)?.delete(cb);
  }

  save_changes() {}
}

const HASH_DELAY_MS = 300;

/**
 * A MemoryModel that keeps its state in the address's #hash, a moment after each change (the
 * one-file exports, which work from file:// where there is no server to hold a query), and whose
 * link() is this file's address with the state now.
 */
export class HashModel extends MemoryModel {
  /** @param {Record<string, any>} state */
  constructor(state) {
    super(state);
    /** @type {ReturnType<typeof setTimeout>|0} */
    this.timer = 0;
  }

  save_changes() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = 0; writeHash(this.state); }, HASH_DELAY_MS);
  }

  /** The address of this file with the current state in its #hash. */
  link() {
    if (this.timer) { clearTimeout(this.timer); this.timer = 0; }
    writeHash(this.state);
    return `${location.href.split("#")[0]}#${stateToQuery(this.state)}`;
  }
}

/** @param {Record<string, any>} state */
function writeHash(state) {
  const hash = `#${stateToQuery(state)}`;
  if (hash === location.hash) return;
  try {
    history.replaceState(null, "", hash);
  } catch {
    // some embeddings refuse history changes; the link is still built from the state
  }
}

/** How a busy server (429 or 503) is retried: after its Retry-After (in s, at most MAX_WAIT_S). */
export const BUSY_RETRIES = 4;
const MAX_WAIT_S = 10;

/**
 * POST /api/compile on the gradscape server that served the page. Resolves to the compiled
 * surface or {error, column}; rejects only when the server cannot be reached. A busy server
 * (429 or 503) is asked again after its Retry-After, up to BUSY_RETRIES times: `onWait(message)`
 * is told "the server is busy, retrying…" meanwhile, and `stale()` returning true (the user
 * typed something else) stops the retries.
 * @param {string} formula
 * @param {{onWait?: (message: string) => void, stale?: () => boolean, sleep?: (ms: number) => Promise<void>}} [options]
 */
export async function serverSurface(formula, options = {}) {
  const sleep = options.sleep || ((/** @type {number} */ ms) => new Promise((done) => setTimeout(done, ms)));
  for (let attempt = 0; ; attempt++) {
    const res = await fetch("/api/compile", {
      method: "POST",
      // a refused formula comes back 200 with {error, column}, so typing logs no console error
      headers: { "Content-Type": "application/json", "Gradscape-Refusal-Status": "200" },
      body: JSON.stringify({ formula, hessian: true }), // Newton and the lr slider's limit read it
    });
    let body;
    try {
      body = await res.json();
    } catch {
      body = null;
    }
    const busy = res.status === 429 || res.status === 503;
    if (busy && attempt < BUSY_RETRIES && !(options.stale && options.stale())) {
      const after = Number(res.headers.get("Retry-After"));
      const wait = Number.isFinite(after) && after >= 0 ? Math.min(after, MAX_WAIT_S) : 2;
      if (options.onWait) options.onWait(`The server is busy, retrying in ${wait} s…`);
      await sleep(wait * 1000);
      if (!(options.stale && options.stale())) continue;
    }
    if (res.ok && body && body.program) return body;
    if (busy) return { error: "The server is busy; try again in a minute.", column: null };
    if (body && typeof body.error === "string") return { error: body.error, column: body.column ?? null };
    return { error: `The server could not compile this (HTTP ${res.status}).`, column: null };
  }
}

/** @param {string} s */
const squeeze = (s) => s.replace(/\s+/g, "");
/** Gallery names match loosely, as in Python: case, spaces, "-", "_" and "." ignored. @param {string} s */
const looseKey = (s) => s.normalize("NFKD").toLowerCase().replace(/[^a-z0-9]/g, "");

/**
 * Surfaces compiled in Python and carried in a file (an export, the one-file lesson): answers
 * requestSurface(text) by gallery name or formula text (spaces ignored) and lists the menu; never
 * a network call, wherever the file is hosted.
 * @param {any[]} surfaces compiled payloads
 * @param {Array<{name: string, title: string, formula: string, blurb?: string}>} entries the menu
 */
export function packedSurfaces(surfaces, entries) {
  const own = entries.filter((e) => e.name === e.formula).map((e) => e.formula);
  const known = own.length ? `the gallery and ${own.length > 1 ? "these formulas" : "this formula"}: ${own.join("; ")}` : "the gallery";
  /** The compiled surface a gallery name or a formula names, or null. @param {string} text */
  const find = (text) => {
    const k = looseKey(text);
    const t = squeeze(text);
    const entry = entries.find((e) => looseKey(e.name) === k && k !== "") || entries.find((e) => squeeze(e.formula) === t);
    const formula = entry ? squeeze(entry.formula) : t;
    return surfaces.find((c) => squeeze(c.formula) === formula || squeeze(c.text || "") === formula) || null;
  };
  return {
    find,
    /** What the file knows, in words: "the gallery and these formulas: a, b". */
    known,
    /** Shown under the formula box: what this file can and cannot do. */
    formulaHelp: `This file knows ${known}. Pick from the menu or type one of them; to type any formula, run gradscape.`,
    /** @param {string} text */
    async requestSurface(text) {
      return find(text) || {
        error: `This file knows only the surfaces compiled into it (${known}). To type any formula, run gradscape.`,
        column: null,
      };
    },
    async gallery() {
      return entries;
    },
  };
}

/** GET /api/gallery from the serving gradscape server, or [] if there is none. */
export async function serverGallery() {
  try {
    const res = await fetch("/api/gallery");
    if (!res.ok) return [];
    const list = await res.json();
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

/**
 * The state as a query string (without "?"): the surface, the view, the point and the runs.
 * A gallery surface shown under its own formula is written by name (g=), anything else as f=.
 * @param {Record<string, any>} state
 */
export function stateToQuery(state) {
  /** @type {string[]} */
  const q = [];
  const slice = sliceParts(state.slice);
  if (slice) q.push(slice);
  const c = state.compiled;
  if (slice) { /* a slice: no formula */ } else if (c && c.name && state.formula === c.formula) q.push(`g=${encodeURIComponent(c.name)}`);
  else if (typeof state.formula === "string" && state.formula) q.push(`f=${encodeURIComponent(state.formula)}`);
  const v = state.view;
  const hasView = v && Array.isArray(v.x) && Array.isArray(v.y);
  if (hasView) {
    const step = viewStep(v) / 10;
    q.push(`v=${[v.x[0], v.x[1], v.y[0], v.y[1]].map((c) => String(roundTo(Number(c), step))).join(",")}`);
  }
  const p = state.point;
  if (Array.isArray(p) && p.length >= 2 && p.every(Number.isFinite)) {
    const around = hasView ? v : c && c.view && Array.isArray(c.view.x) ? c.view : null; // the surface's own window
    q.push(`p=${(around ? roundPoint(p.slice(0, 2), around) : p.slice(0, 2).map(short)).join(",")}`);
  }
  const o = state.settings;
  if (o && typeof o.optimizer === "string" && /^[a-z]+$/.test(o.optimizer) && Number(o.lr) > 0) {
    q.push(`o=${encodeURIComponent(encodeSettings(o))}`);
  }
  if (Array.isArray(state.runs)) for (const r of state.runs) q.push(`r=${encodeURIComponent(encodeRun(r))}`);
  if (state.present === true) q.push("present=1");
  if (state.embed === true) q.push("embed=1");
  const ps = state.params;
  if (ps && ps.sliders && typeof ps.sliders === "object" && Object.keys(ps.sliders).length) {
    for (const [name, sl] of Object.entries(ps.sliders)) {
      const s = /** @type {any} */ (sl);
      if (/^[A-Za-z_]\w*$/.test(name) && [s.value, s.min, s.max].every(Number.isFinite)) q.push(`s=${name}:${s.value}:${s.min}:${s.max}`);
    }
    if (Array.isArray(ps.axes) && ps.axes.length === 2) q.push(`ax=${ps.axes.map(encodeURIComponent).join(",")}`);
  }
  if (state.field === true) q.push("field=1");
  return q.join("&");
}

/**
 * The state a query string describes. Parts that are missing or malformed are null ([] for runs).
 * @param {string} query with or without a leading "?" or "#"
 * @returns {{name: string|null, formula: string|null, view: {x: number[], y: number[]}|null,
 *            point: number[]|null, settings: Record<string, any>|null, runs: Array<Record<string, any>>,
 *            params: {axes?: string[], sliders: Record<string, {value: number, min: number, max: number}>}|null,
 *            field: boolean, present: boolean, embed: boolean}}
 */
export function queryToState(query) {
  const q = new URLSearchParams(query.replace(/^[?#]/, ""));
  const v = numbers(q.get("v"), 4);
  return {
    name: q.get("g") || null,
    formula: q.get("f") || null,
    view: v ? { x: [v[0], v[1]], y: [v[2], v[3]] } : null,
    point: numbers(q.get("p"), 2),
    settings: decodeSettings(q.get("o") || ""),
    runs: /** @type {Array<Record<string, any>>} */ (q.getAll("r").filter(Boolean).map(decodeRun).filter(Boolean)),
    params: decodeParams(q.getAll("s"), q.get("ax")),
    field: q.get("field") === "1",
    present: q.get("present") === "1",
    embed: q.get("embed") === "1",
  };
}

/**
 * Sliders from s=name:value:min:max (min and max may be left off) and the axes from ax=a,b.
 * @param {string[]} sliders @param {string|null} axes
 */
function decodeParams(sliders, axes) {
  /** @type {Record<string, {value: number, min: number, max: number}>} */
  const out = {};
  for (const s of sliders) {
    const [name, ...nums] = s.split(":");
    const [value, min, max] = nums.map(Number);
    if (!/^[A-Za-z_]\w*$/.test(name) || !Number.isFinite(value)) continue;
    const ranged = Number.isFinite(min) && Number.isFinite(max) && min < max;
    out[name] = { value, min: ranged ? min : Math.min(-10, value), max: ranged ? max : Math.max(10, value) };
  }
  const ax = axes ? axes.split(",") : [];
  if (!Object.keys(out).length && ax.length !== 2) return null;
  return ax.length === 2 ? { axes: ax, sliders: out } : { sliders: out };
}

/** The numeric settings beyond optimizer, lr and start, as "_key=value" parts. @param {Record<string, any>} r */
function extras(r) {
  return Object.entries(r)
    .filter(([k, v]) => !["optimizer", "lr", "start"].includes(k) && typeof v === "number" && Number.isFinite(v) && /^[a-z0-9]+$/i.test(k))
    .map(([k, v]) => `_${k}=${short(v)}`)
    .join("");
}

/** @param {{optimizer: string, lr: number, start: number[], [k: string]: any}} r */
function encodeRun(r) {
  return [r.optimizer, short(Number(r.lr)), ...r.start.slice(0, 2).map((c) => short(Number(c)))].join("_") + extras(r);
}

/** @param {{optimizer: string, lr: number, [k: string]: any}} o */
function encodeSettings(o) {
  return `${o.optimizer}_${short(Number(o.lr))}${extras(o)}`;
}

/** @param {string} s @returns {Record<string, any>|null} */
function decodeSettings(s) {
  const [optimizer, lr, ...rest] = s.split("_");
  if (!optimizer || !/^[a-z]+$/.test(optimizer) || !(Number(lr) > 0) || !Number.isFinite(Number(lr))) return null;
  /** @type {Record<string, any>} */
  const o = { optimizer, lr: Number(lr) };
  for (const kv of rest) {
    const [k, v] = kv.split("=");
    if (k && /^[a-z0-9]+$/i.test(k) && Number.isFinite(Number(v))) o[k] = Number(v);
  }
  return o;
}

/** @param {string} s */
function decodeRun(s) {
  const [optimizer, lr, x, y, ...rest] = s.split("_");
  const start = [Number(x), Number(y)];
  if (!optimizer || !/^[a-z]+$/.test(optimizer) || !start.every(Number.isFinite)) return null;
  /** @type {Record<string, any>} */
  const run = { optimizer, lr: Number(lr), start };
  for (const kv of rest) {
    const [k, v] = kv.split("=");
    if (k && /^[a-z0-9]+$/i.test(k) && Number.isFinite(Number(v))) run[k] = Number(v);
  }
  return run;
}

/** @param {string|null} s @param {number} n @returns {number[]|null} */
function numbers(s, n) {
  if (!s) return null;
  const xs = s.split(",").map(Number);
  return xs.length === n && xs.every(Number.isFinite) ? xs : null;
}
