// The web-page host: a model kept in the URL (so a link reproduces what you see) and backed by
// the local server's /api/compile and /api/gallery; then the explorer renders into #app.
// The URL's query is model.js's state format (g= or f=, v=, p=, o=, r=...).

import { render } from "../explorer/explorer.js";
import { MemoryModel, stateToQuery, queryToState, serverSurface, serverGallery } from "./model.js";
import { sliceRequest } from "./slicelink.js";
import { sliceKit } from "../explorer/slicekit.js";

const URL_DELAY_MS = 300;
const DEFAULT_SURFACE = "bowl";

/**
 * The explorer's model for the web page: state in memory and, on save_changes, in the page's
 * URL; requestSurface() and gallery() ask the server.
 */
class UrlModel extends MemoryModel {
  /** @param {Record<string, any>} state */
  constructor(state) {
    super(state);
    /** @type {ReturnType<typeof setTimeout>|0} */
    this.timer = 0;
  }

  save_changes() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = 0; writeUrl(this.state); }, URL_DELAY_MS);
  }

  requestSurface = serverSurface;
  gallery = serverGallery;

  /** The URL that reproduces the current state (written to the address bar at once). */
  link() {
    if (this.timer) { clearTimeout(this.timer); this.timer = 0; }
    writeUrl(this.state);
    return location.href;
  }
}

/** @param {Record<string, any>} state */
function writeUrl(state) {
  if (state.slice && (state.slice.pending || state.slice.error)) return; // keep the link that named it
  const url = `${location.pathname}?${stateToQuery(state)}${location.hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(null, "", url);
}

async function main() {
  const app = document.getElementById("app");
  if (!app) return;
  const { name, formula, view: v, point: p, settings, runs, present, embed, params, field } = queryToState(location.search);
  if (embed) document.documentElement.classList.add("gs-embed"); // no header (page.css)
  const slice = sliceRequest(location.search);
  if (slice) { await showSlice(app, slice, v, p, { present, embed }); return; }

  const model = new UrlModel({ formula: "", compiled: null, view: null, point: null, settings, runs: [], present, embed, params, field });
  render({ model, el: app });

  const wanted = name || formula || DEFAULT_SURFACE;
  let res = await model.requestSurface(wanted).catch((err) => ({ error: `Could not reach the gradscape server (${err.message}).`, column: null }));
  if ("error" in res) {
    // show the message against the text in the box, and the bowl meanwhile
    const fallback = await model.requestSurface(DEFAULT_SURFACE).catch(() => null);
    if (fallback && !("error" in fallback)) model.set("compiled", fallback);
    model.set("formula", formula || wanted);
    return;
  }
  // the window, runs and point first, so the first drawing of the surface already shows them
  // (the explorer takes the model's point and settings with its first surface)
  if (v) model.set("view", v);
  if (runs.length) model.set("runs", runs);
  if (p) model.set("point", p);
  model.set("compiled", res);
  model.set("formula", res.formula && (name || !formula) ? res.formula : /** @type {string} */ (formula));
}

/**
 * A slice of a model's loss (?m=mlp&d=random&s=0&span=1, or ?id=... for one the server was
 * started with): asked of GET /api/slice; the page computes built-in models itself, the server
 * anything else (landscape.js).
 * @param {HTMLElement} app @param {string} query @param {any} v @param {any} p
 * @param {{present: boolean, embed: boolean}} [modes] presentation mode, the compact embed
 */
async function showSlice(app, query, v, p, modes = { present: false, embed: false }) {
  const pending = { pending: "Building the slice: the model, its training and the two directions (a few seconds)…" };
  const model = new UrlModel({ formula: "", compiled: null, slice: pending, view: v, point: p, runs: [], ...modes });
  model.sliceKit = sliceKit;
  render({ model, el: app });
  /** @type {any} */
  let meta;
  try {
    const res = await fetch(`/api/slice?${query}`);
    meta = await res.json();
  } catch (err) {
    meta = { error: `Could not reach the gradscape server (${err instanceof Error ? err.message : String(err)}).` };
  }
  model.set("slice", meta);
}

main();
