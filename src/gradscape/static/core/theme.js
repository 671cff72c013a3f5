// The canvases' colours and type sizes from CSS custom properties, so a stylesheet themes what is
// drawn as well as what is HTML: dark mode (prefers-color-scheme), presentation mode's large type.
// Each value falls back to paint.js's COLORS (the light theme) when the property is unset.
//
//   const c = canvasColors(element)   // {gradient, descent, halo, contour, ..., fontSize, labelSize}
//
// Properties (explorer.css sets them on .gs-explorer):
//   --gs-canvas-grad, --gs-canvas-desc     the gradient and descent arrows and their labels
//   --gs-canvas-halo                       the halo under arrows, labels and paths
//   --gs-canvas-contour, --gs-canvas-contour-text, --gs-canvas-frame
//   --gs-canvas-ink                        text and lines drawn on the page (the 3D view's axes)
//   --gs-canvas-guide                      the tangent line through the point
//   --gs-canvas-empty                      the plot before a surface arrives
//   --gs-canvas-font-size, --gs-canvas-label-size   contour labels and arrow names, in px

import { COLORS } from "./paint.js";

const DEFAULTS = {
  ...COLORS,
  ink: "rgba(30, 34, 50, 0.8)",
  guide: "rgba(20, 24, 36, 0.55)",
  empty: "#f1efe9",
  fontSize: 11,
  labelSize: 13,
};

/** @typedef {typeof DEFAULTS} CanvasColors */

/** @type {Record<string, keyof CanvasColors>} */
const PROPS = {
  "--gs-canvas-grad": "gradient",
  "--gs-canvas-desc": "descent",
  "--gs-canvas-halo": "halo",
  "--gs-canvas-contour": "contour",
  "--gs-canvas-contour-text": "contourText",
  "--gs-canvas-frame": "frame",
  "--gs-canvas-ink": "ink",
  "--gs-canvas-guide": "guide",
  "--gs-canvas-empty": "empty",
  "--gs-canvas-font-size": "fontSize",
  "--gs-canvas-label-size": "labelSize",
};

/**
 * The colours and sizes that apply to `el` now (read from its computed style).
 * @param {Element} el @returns {CanvasColors}
 */
export function canvasColors(el) {
  const out = { ...DEFAULTS };
  const style = getComputedStyle(el);
  for (const [prop, key] of Object.entries(PROPS)) {
    const v = style.getPropertyValue(prop).trim();
    if (!v) continue;
    if (key === "fontSize" || key === "labelSize") {
      const n = parseFloat(v);
      if (n > 0 && n < 100) out[key] = n;
    } else {
      /** @type {any} */ (out)[key] = v;
    }
  }
  return out;
}
