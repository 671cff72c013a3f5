// Section 7: the full explorer, embedded, with the bowl loaded. The host model follows
// anywidget's interface (get / set / on / off / save_changes); when the page is served by
// gradscape, requestSurface() and gallery() use the server's API, otherwise the surface is fixed.

import { render } from "../explorer/explorer.js";
import { MemoryModel, serverSurface, serverGallery } from "./model.js";

/**
 * @param {HTMLElement} el the mount point @param {any} bowl the compiled bowl
 * @returns {() => void} cleanup
 */
export function mountExplorer(el, bowl) {
  const served = location.protocol === "http:" || location.protocol === "https:";
  const model = new MemoryModel({
    formula: bowl.formula,
    compiled: bowl,
    view: bowl.view,
    point: [3, 1],
    runs: [],
  });
  if (served) Object.assign(model, { requestSurface: serverSurface, gallery: serverGallery });
  return render({ model, el });
}
