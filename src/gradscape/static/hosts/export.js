// The host inside a one-file HTML export (`gradscape export`): no server, no network. The
// surfaces were compiled in Python and inlined as JSON in the element #gradscape-data:
//
//   {"surfaces": [compiled, ...], "initial": 0, "gallery": [{name, title, formula, blurb}]}
//
// The model answers requestSurface(text) from those surfaces, by gallery name or by formula text
// (spaces ignored), and keeps the state in the address's #hash (host.js's query format), so
// "Copy link" works from file:// too. Then the explorer renders into #app.

import { render } from "../explorer/explorer.js";
import { HashModel, queryToState, packedSurfaces } from "./model.js";

/**
 * The exported file's model: state in memory and in location.hash; requestSurface() and gallery()
 * answer from the surfaces compiled into the file (model.js's packedSurfaces).
 */
class FileModel extends HashModel {
  /**
   * @param {Record<string, any>} state
   * @param {any[]} surfaces compiled payloads
   * @param {Array<{name: string, title: string, formula: string, blurb?: string}>} entries
   */
  constructor(state, surfaces, entries) {
    super(state);
    this.packed = packedSurfaces(surfaces, entries);
    /** Shown under the formula box: what this file can and cannot do. */
    this.formulaHelp = this.packed.formulaHelp;
  }

  /** @param {string} text */
  find(text) {
    return this.packed.find(text);
  }

  /** @param {string} text */
  requestSurface(text) {
    return this.packed.requestSurface(text);
  }

  gallery() {
    return this.packed.gallery();
  }
}

function main() {
  const app = document.getElementById("app");
  const data = document.getElementById("gradscape-data");
  if (!app || !data) return;
  const { surfaces, initial = 0, gallery = [] } = JSON.parse(data.textContent || "{}");
  const wanted = queryToState(location.hash);
  const embed = document.documentElement.classList.contains("gs-embed"); // gradscape export --embed
  const model = new FileModel({ formula: "", compiled: null, view: null, point: null, settings: null, runs: [], present: wanted.present, embed }, surfaces, gallery);
  const asked = wanted.name || wanted.formula;
  const found = asked ? model.find(asked) : null;
  const compiled = found || surfaces[initial];
  const state = model.state;
  state.compiled = compiled;
  state.formula = found && wanted.formula && !wanted.name ? wanted.formula : compiled.formula;
  state.field = wanted.field;
  if (found) {
    // the link's window, point and runs apply to the surface it names
    state.view = wanted.view || compiled.view || null;
    state.point = wanted.point;
    state.runs = wanted.runs;
    state.settings = wanted.settings;
    state.params = wanted.params;
  } else {
    state.view = compiled.view || null;
  }
  render({ model, el: app });
}

main();
