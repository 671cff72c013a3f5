// The base every 2D figure stands on (the explorer's plot and the lesson's): stacked canvases
// sized to a box at the device's pixel ratio, and the map between data and CSS pixels for the
// window shown (the requested view, widened to equal scales if asked).
//
//   const plane = createPlane(box, 3, "gs-layer")    three canvases inside `box`
//   plane.measure()            resize the canvases to the box; true if the size changed
//   plane.fit(view, equal)     the window shown from now on (see view.js fitView)
//   plane.sx(x), plane.sy(y)   data -> CSS px;   plane.toData(px, py) -> [x, y]
//   plane.begin(ctx)           reset a layer's transform to CSS px and clear it

import { fitView } from "./view.js";

/** @typedef {import("./view.js").View} View */

/**
 * @param {HTMLElement} box the element whose size the canvases take (sized by CSS)
 * @param {number} layers how many canvases to stack, bottom first
 * @param {string} className the canvases' class
 */
export function createPlane(box, layers, className) {
  /** @type {HTMLCanvasElement[]} */
  const canvases = [];
  for (let k = 0; k < layers; k++) {
    const c = document.createElement("canvas");
    c.className = className;
    c.setAttribute("aria-hidden", "true");
    box.appendChild(c);
    canvases.push(c);
  }
  const contexts = canvases.map((c) => /** @type {CanvasRenderingContext2D} */ (c.getContext("2d")));
  let w = 0;
  let h = 0;
  let dpr = 1;
  /** @type {View} */
  let shown = { x: [-1, 1], y: [-1, 1] };

  return {
    canvases,
    contexts,
    get width() { return w; },
    get height() { return h; },
    get dpr() { return dpr; },
    /** @returns {View} */
    get shown() { return shown; },
    /** Size the canvases to the box; returns true if it changed. */
    measure() {
      const r = box.getBoundingClientRect();
      const nw = Math.max(1, Math.round(r.width));
      const nh = Math.max(1, Math.round(r.height));
      const nd = Math.min(3, window.devicePixelRatio || 1);
      if (nw === w && nh === h && nd === dpr) return false;
      w = nw; h = nh; dpr = nd;
      for (const c of canvases) {
        c.width = Math.round(w * dpr);
        c.height = Math.round(h * dpr);
        c.style.width = `${w}px`;
        c.style.height = `${h}px`;
      }
      return true;
    },
    /** @param {View} view @param {boolean} equal @returns {View} the window now shown */
    fit(view, equal) {
      shown = fitView(view, w, h, equal);
      return shown;
    },
    /** @param {number} x */
    sx: (x) => ((x - shown.x[0]) / (shown.x[1] - shown.x[0])) * w,
    /** @param {number} y */
    sy: (y) => h - ((y - shown.y[0]) / (shown.y[1] - shown.y[0])) * h,
    /** @param {number} px @param {number} py @returns {number[]} */
    toData: (px, py) => [
      shown.x[0] + (px / w) * (shown.x[1] - shown.x[0]),
      shown.y[0] + ((h - py) / h) * (shown.y[1] - shown.y[0]),
    ],
    /** @param {CanvasRenderingContext2D} ctx */
    begin(ctx) {
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, w, h);
    },
    remove() {
      for (const c of canvases) c.remove();
    },
  };
}

/** @typedef {ReturnType<typeof createPlane>} Plane */
