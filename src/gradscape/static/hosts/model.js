// What every host of the explorer shares: an in-memory model with anywidget's interface, and
// the text form of the explorer's state that links carry (the web page's ?query, an exported
// file's #hash).
//
//   new MemoryModel(state)            get / set / on / off / save_changes over a plain object
//   serverSurface(formula), serverGallery()   the serving gradscape server's API
//   stateToQuery(state) -> "g=bowl&v=-4,4,-3,3&p=3,1&r=gd_0.1_3_1"
//   queryToState("g=bowl&...") -> {name, formula, view, point, runs}   (missing parts are null)
//
// Query keys:  g=<gallery name> or f=<formula>,  v=xmin,xmax,ymin,ymax,  p=x,y,
//              r=<run> (repeatable), each run  optimizer_lr_x_y[_key=value...]
// A slice of a model's loss: m=, d=, s=, span=, t= or id= instead of g= / f= (slicelink.js).
// Numbers are written in full precision (String(v)), so a link reproduces the view exactly.

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

/**
 * POST /api/compile on the gradscape server that served the page. Resolves to the compiled
 * surface or {error, column}; rejects only when the server cannot be reached.
 * @param {string} formula
 */
export async function serverSurface(formula) {
  const res = await fetch("/api/compile", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ formula }),
  });
  let body;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (res.ok && body && body.program) return body;
  if (body && typeof body.error === "string") return { error: body.error, column: body.column ?? null };
  return { error: `The server could not compile this (HTTP ${res.status}).`, column: null };
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
  if (v && Array.isArray(v.x) && Array.isArray(v.y)) q.push(`v=${[v.x[0], v.x[1], v.y[0], v.y[1]].map(String).join(",")}`);
  const p = state.point;
  if (Array.isArray(p) && p.length >= 2 && p.every(Number.isFinite)) q.push(`p=${p.slice(0, 2).map(String).join(",")}`);
  if (Array.isArray(state.runs)) for (const r of state.runs) q.push(`r=${encodeURIComponent(encodeRun(r))}`);
  return q.join("&");
}

/**
 * The state a query string describes. Parts that are missing or malformed are null ([] for runs).
 * @param {string} query with or without a leading "?" or "#"
 * @returns {{name: string|null, formula: string|null, view: {x: number[], y: number[]}|null,
 *            point: number[]|null, runs: Array<Record<string, any>>}}
 */
export function queryToState(query) {
  const q = new URLSearchParams(query.replace(/^[?#]/, ""));
  const v = numbers(q.get("v"), 4);
  return {
    name: q.get("g") || null,
    formula: q.get("f") || null,
    view: v ? { x: [v[0], v[1]], y: [v[2], v[3]] } : null,
    point: numbers(q.get("p"), 2),
    runs: /** @type {Array<Record<string, any>>} */ (q.getAll("r").filter(Boolean).map(decodeRun).filter(Boolean)),
  };
}

/** @param {{optimizer: string, lr: number, start: number[], [k: string]: any}} r */
function encodeRun(r) {
  const extra = Object.entries(r)
    .filter(([k, v]) => !["optimizer", "lr", "start"].includes(k) && typeof v === "number" && /^[a-z0-9]+$/i.test(k))
    .map(([k, v]) => `_${k}=${v}`);
  return [r.optimizer, String(r.lr), ...r.start.slice(0, 2).map(String)].join("_") + extra.join("");
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
