// Section 7: the full explorer, embedded, with the bowl loaded. The host model follows
// anywidget's interface (get / set / on / off / save_changes). Where its surfaces come from:
//   - the one-file lesson (gradscape export --lesson) carries the gallery, compiled, in the element
//     #lesson-surfaces: the menu and the formula box answer from it, and the page never calls a
//     server, opened from disk or hosted by a course site alike;
//   - the lesson served by gradscape (/lesson) asks that server (/api/compile, /api/gallery).

import { render } from "../explorer/explorer.js";
import { MemoryModel, serverSurface, serverGallery, packedSurfaces } from "./model.js";

/**
 * @param {HTMLElement} el the mount point @param {any} bowl the compiled bowl
 * @returns {() => void} cleanup
 */
export function mountExplorer(el, bowl) {
  const model = new MemoryModel({
    formula: bowl.formula,
    compiled: bowl,
    view: bowl.view,
    point: [3, 1],
    runs: [],
  });
  const carried = document.getElementById("lesson-surfaces");
  if (carried) {
    const { surfaces = [], gallery = [] } = JSON.parse(carried.textContent || "{}");
    const packed = packedSurfaces(surfaces, gallery);
    Object.assign(model, {
      requestSurface: packed.requestSurface,
      gallery: packed.gallery,
      formulaHelp: packed.formulaHelp,
    });
  } else if (location.protocol === "http:" || location.protocol === "https:") {
    Object.assign(model, { requestSurface: serverSurface, gallery: serverGallery });
  }
  return render({ model, el });
}
