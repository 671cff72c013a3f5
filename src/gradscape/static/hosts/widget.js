// The Jupyter widget's front end (gradscape.Explorer, built on anywidget): the explorer itself,
// on anywidget's model through a thin adapter.
//
// The explorer already speaks anywidget's model interface (get, set, on("change:x"), off,
// save_changes). The adapter only
//   - maps the explorer's keys to the widget's traits: view -> _view, point -> _point,
//     runs -> _runs (Python exposes friendlier properties under the plain names);
//   - compiles typed formulas in Python: requestSurface(text) sets the `formula` trait and resolves when
//     Python has answered that text (the `_answered` trait), with `compiled`, or with
//     {error, column} from the `error` and `error_column` traits;
//   - lists the gallery from the `_gallery` trait;
//   - the `compact` trait is the explorer's `embed` (the compact layout of ?embed=1): its class,
//     gs-embed, goes on the explorer's own root, never the notebook's <html>, and follows the
//     trait live (widget.py's CSS gives the compact cell its fixed height);
//   - the sliders (`params`) are the `_params` trait both ways: the explorer redraws when Python
//     moves one (its change:params listener) and saves a moved slider to it.
//   - a slice (the `slice` trait) is computed by the kernel: widget-slice.js.
// There is no URL in a notebook, so the explorer shows no "Copy link".

import { render as renderExplorer } from "../explorer/explorer.js";
import { kernelSliceSource } from "./widget-slice.js";
import { sliceKit } from "../explorer/slicekit.js";

/** How long to wait for Python before saying the kernel did not answer. */
export const ANSWER_MS = 20_000;

/** @type {Record<string, string>} explorer key -> trait */
const TRAITS = { view: "_view", point: "_point", runs: "_runs", gallery: "_gallery", params: "_params", field: "_field", embed: "compact" };
/** @param {string} name */
const trait = (name) => TRAITS[name] || name;
/** @param {string} ev */
const traitEvent = (ev) => (ev.startsWith("change:") ? `change:${trait(ev.slice(7))}` : ev);

/**
 * @typedef {{
 *   get: (name: string) => any, set: (name: string, value: any) => void, save_changes: () => void,
 *   on: (event: string, cb: (...args: any[]) => void) => void,
 *   off: (event?: string|null, cb?: ((...args: any[]) => void)|null) => void,
 * }} AnyModel  anywidget's model (the parts used here)
 */

/**
 * The explorer's model on top of anywidget's.
 * @param {AnyModel} model
 */
export function adapt(model) {
  return {
    /** @param {string} name */
    get: (name) => model.get(trait(name)),
    /** @param {string} name @param {any} value */
    set: (name, value) => model.set(trait(name), value),
    save_changes: () => model.save_changes(),
    /** @param {string} ev @param {(...a: any[]) => void} cb */
    on: (ev, cb) => model.on(traitEvent(ev), cb),
    /** @param {string} ev @param {(...a: any[]) => void} [cb] */
    off: (ev, cb) => model.off(traitEvent(ev), cb),
    /** @param {string} text */
    requestSurface: (text) => surfaceFromPython(model, text),
    /** a slice (gradscape.Explorer(slice_)) is computed by the kernel @param {any} _meta */
    sliceSource: (_meta) => kernelSliceSource(/** @type {any} */ (model)),
    sliceKit,
    gallery: async () => {
      const list = model.get("_gallery");
      return Array.isArray(list) ? list : [];
    },
  };
}

/**
 * Ask Python to compile `text`: set the formula trait, wait for the answer to that text.
 * @param {AnyModel} model @param {string} text
 * @returns {Promise<any>} the compiled surface, or {error, column}
 */
export function surfaceFromPython(model, text) {
  const answer = () => {
    const error = model.get("error");
    if (error) return { error, column: typeof model.get("error_column") === "number" ? model.get("error_column") : null };
    return model.get("compiled");
  };
  if (model.get("_answered") === text) return Promise.resolve(answer());
  return new Promise((resolve) => {
    const done = () => {
      if (model.get("_answered") !== text) return;
      clearTimeout(timer);
      model.off("change:_answered", done);
      resolve(answer());
    };
    const timer = setTimeout(() => {
      model.off("change:_answered", done);
      resolve({ error: "Python did not answer: is this notebook's kernel running? Run the cell again to reconnect.", column: null });
    }, ANSWER_MS);
    model.on("change:_answered", done);
    if (model.get("formula") !== text) {
      model.set("formula", text);
      model.save_changes();
    }
  });
}

/**
 * anywidget's render: the explorer in a light card (notebook themes may be dark).
 * @param {{model: AnyModel, el: HTMLElement}} args
 * @returns {() => void} cleanup
 */
function render({ model, el }) {
  const card = document.createElement("div");
  card.className = "gs-widget";
  el.appendChild(card);
  const cleanup = renderExplorer({ model: adapt(model), el: card });
  const compact = () => {
    const on = model.get("compact") === true;
    card.classList.toggle("gs-compact", on);
    card.querySelector(".gs-explorer")?.classList.toggle("gs-embed", on); // the plot's resize redraws it
  };
  compact();
  model.on("change:compact", compact);
  return () => {
    model.off("change:compact", compact);
    cleanup();
    card.remove();
  };
}

// Only the default export: anywidget prefers a named `render` and warns that it is deprecated.
export default { render };
