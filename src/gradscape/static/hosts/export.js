// The host inside a one-file HTML export (`gradscape export`): no server, no network. The
// surfaces were compiled in Python and inlined as JSON in the element #gradscape-data:
//
//   {"surfaces": [compiled, ...], "initial": 0, "gallery": [{name, title, formula, blurb}]}
//
// The model answers requestSurface(text) from those surfaces, by gallery name or by formula text
// (spaces ignored), and keeps the state in the address's #hash (host.js's query format), so
// "Copy link" works from file:// too. Then the explorer renders into #app.

import { render } from "../explorer/explorer.js";
import { MemoryModel, stateToQuery, queryToState } from "./model.js";

const HASH_DELAY_MS = 300;

/** @param {string} s */
const squeeze = (s) => s.replace(/\s+/g, "");
/** Gallery names match loosely, as in Python: case, spaces, "-", "_" and "." ignored. @param {string} s */
const key = (s) => s.normalize("NFKD").toLowerCase().replace(/[^a-z0-9]/g, "");

/**
 * The exported file's model: state in memory and in location.hash; requestSurface() and gallery()
 * answer from the surfaces compiled into the file.
 */
class FileModel extends MemoryModel {
  /**
   * @param {Record<string, any>} state
   * @param {any[]} surfaces compiled payloads
   * @param {Array<{name: string, title: string, formula: string, blurb?: string}>} entries
   */
  constructor(state, surfaces, entries) {
    super(state);
    this.surfaces = surfaces;
    this.entries = entries;
    /** @type {ReturnType<typeof setTimeout>|0} */
    this.timer = 0;
    /** What the file knows, in words: "the gallery and these formulas: a, b". */
    const own = entries.filter((e) => e.name === e.formula).map((e) => e.formula);
    this.known = own.length ? `the gallery and ${own.length > 1 ? "these formulas" : "this formula"}: ${own.join("; ")}` : "the gallery";
    /** Shown under the formula box: what this file can and cannot do. */
    this.formulaHelp = `This exported file knows ${this.known}. Pick from the menu or type one of them; to type any formula, run gradscape.`;
  }

  /** The compiled surface a gallery name or a formula names, or null. @param {string} text */
  find(text) {
    const k = key(text);
    const t = squeeze(text);
    const entry = this.entries.find((e) => key(e.name) === k && k !== "") || this.entries.find((e) => squeeze(e.formula) === t);
    const formula = entry ? squeeze(entry.formula) : t;
    return this.surfaces.find((c) => squeeze(c.formula) === formula || squeeze(c.text || "") === formula) || null;
  }

  /** @param {string} text */
  async requestSurface(text) {
    const found = this.find(text);
    if (found) return found;
    return {
      error: `This exported file knows only the surfaces compiled into it (${this.known}). To type any formula, run gradscape.`,
      column: null,
    };
  }

  async gallery() {
    return this.entries;
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

function main() {
  const app = document.getElementById("app");
  const data = document.getElementById("gradscape-data");
  if (!app || !data) return;
  const { surfaces, initial = 0, gallery = [] } = JSON.parse(data.textContent || "{}");
  const model = new FileModel({ formula: "", compiled: null, view: null, point: null, runs: [] }, surfaces, gallery);
  const wanted = queryToState(location.hash);
  const asked = wanted.name || wanted.formula;
  const found = asked ? model.find(asked) : null;
  const compiled = found || surfaces[initial];
  const state = model.state;
  state.compiled = compiled;
  state.formula = found && wanted.formula && !wanted.name ? wanted.formula : compiled.formula;
  if (found) {
    // the link's window, point and runs apply to the surface it names
    state.view = wanted.view || compiled.view || null;
    state.point = wanted.point;
    state.runs = wanted.runs;
  } else {
    state.view = compiled.view || null;
  }
  render({ model, el: app });
}

main();
