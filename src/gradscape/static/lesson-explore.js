// Section 7: the full explorer, embedded, with the bowl loaded. The host model follows
// anywidget's interface (get / set / on / off / save_changes); when the page is served by
// gradscape, compile() and gallery() use the server's API, otherwise the surface is fixed.

import { render } from "./explorer.js";

/** An in-memory model: state in an object, change events to listeners. */
class LessonModel {
  /** @param {Record<string, any>} state @param {boolean} served */
  constructor(state, served) {
    /** @type {Record<string, any>} */
    this.state = state;
    /** @type {Map<string, Set<(...a: any[]) => void>>} */
    this.handlers = new Map();
    if (!served) {
      // no server (the lesson opened as a file): the explorer shows the bowl only
      /** @type {any} */ (this).compile = undefined;
      /** @type {any} */ (this).gallery = undefined;
    }
  }

  /** @param {string} name */
  get(name) { return this.state[name]; }

  /** @param {string} name @param {any} value */
  set(name, value) {
    if (this.state[name] === value) return;
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

  /** POST /api/compile: the compiled surface, or {error, column}. @param {string} formula */
  async compile(formula) {
    const res = await fetch("/api/compile", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ formula }),
    });
    let body = null;
    try { body = await res.json(); } catch { body = null; }
    if (res.ok && body && body.program) return body;
    if (body && typeof body.error === "string") return { error: body.error, column: body.column ?? null };
    return { error: `The server could not compile this (HTTP ${res.status}).`, column: null };
  }

  /** GET /api/gallery, or [] when there is none. */
  async gallery() {
    try {
      const res = await fetch("/api/gallery");
      if (!res.ok) return [];
      const list = await res.json();
      return Array.isArray(list) ? list : [];
    } catch {
      return [];
    }
  }
}

/**
 * @param {HTMLElement} el the mount point @param {any} bowl the compiled bowl
 * @returns {() => void} cleanup
 */
export function mountExplorer(el, bowl) {
  const served = location.protocol === "http:" || location.protocol === "https:";
  const model = new LessonModel({
    formula: bowl.formula,
    compiled: bowl,
    view: bowl.view,
    point: [3, 1],
    runs: [],
  }, served);
  return render({ model, el });
}
