// The heatmap's colours: gradscape's own perceptually uniform sequential ramp, and the painter
// that turns a grid of values into ImageData.
//
// The ramp is 16 stops in OKLCH whose lightness falls in equal steps (pale cream for low loss,
// deep indigo for high loss), interpolated in OKLab, so equal steps in value look like equal
// steps in colour. Low loss is light on purpose: the valley floor, where the learner looks most,
// stays bright, and the dark arrows, paths and contour lines read well on it.

/** @typedef {[number, number, number]} RGB  0..255 each */

import { PALETTE } from "./palette.js";

/** 16 stops: [L, C, h] in OKLCH (L 0..1, C chroma, h degrees), shared with Python (palette.js). */
const STOPS = PALETTE.ramp;

/** @param {number} c linear channel @returns {number} sRGB-encoded 0..1 */
function encode(c) {
  return c <= 0.0031308 ? 12.92 * c : 1.055 * Math.pow(c, 1 / 2.4) - 0.055;
}

/** OKLab -> linear sRGB (Björn Ottosson's published matrices). */
function oklabToLinear(L, a, b) {
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.2914855480 * b) ** 3;
  return [
    4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
    -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
    -0.0041960863 * l - 0.7034186147 * m + 1.7076147010 * s,
  ];
}

/**
 * An OKLCH colour as sRGB bytes; out-of-gamut colours lose chroma (not lightness) until they fit.
 * @param {number} L @param {number} C @param {number} h @returns {RGB}
 */
export function oklch(L, C, h) {
  const rad = (h * Math.PI) / 180;
  for (let c = C; c >= 0; c -= 0.002) {
    const rgb = oklabToLinear(L, c * Math.cos(rad), c * Math.sin(rad));
    if (rgb.every((v) => v >= -1e-4 && v <= 1 + 1e-4) || c < 0.002) {
      return /** @type {RGB} */ (rgb.map((v) => Math.round(255 * encode(Math.min(1, Math.max(0, v))))));
    }
  }
  return [0, 0, 0];
}

/** @returns {Uint8ClampedArray} 256 RGB triples, index 0 = lowest value */
function buildLut() {
  const lab = STOPS.map(([L, C, h]) => [L, C * Math.cos((h * Math.PI) / 180), C * Math.sin((h * Math.PI) / 180)]);
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (lab.length - 1);
    const k = Math.min(lab.length - 2, Math.floor(t));
    const f = t - k;
    const [L, a, b] = [0, 1, 2].map((j) => lab[k][j] * (1 - f) + lab[k + 1][j] * f);
    const C = Math.hypot(a, b);
    const h = (Math.atan2(b, a) * 180) / Math.PI;
    const rgb = oklch(L, C, h);
    lut.set(rgb, i * 3);
  }
  return lut;
}

/** The ramp as 256 RGB triples. */
export const LUT = buildLut();

/**
 * How values map to 0..1 on the ramp: piecewise linear through the contour levels, which are
 * evenly spaced on the ramp, so each band between two contour lines gets its share of colour
 * (a skewed surface like Rosenbrock's is not one flat colour with a dark corner).
 * @param {number[]} levels increasing contour levels
 * @param {number} lo lowest finite value @param {number} hi highest
 * @returns {(v: number) => number}
 */
export function makeNormalizer(levels, lo, hi) {
  const knots = [lo, ...levels.filter((l) => l > lo && l < hi), hi];
  if (!(hi > lo)) return () => 0.5;
  const n = knots.length - 1;
  return (v) => {
    if (!(v > lo)) return 0;
    if (!(v < hi)) return 1;
    let k = 0;
    let j = n;
    while (j - k > 1) { // binary search for the band
      const mid = (k + j) >> 1;
      if (knots[mid] <= v) k = mid; else j = mid;
    }
    return (k + (v - knots[k]) / (knots[k + 1] - knots[k])) / n;
  };
}

/**
 * Paint a grid (rows follow y upward) into ImageData (rows downward), one pixel per grid point;
 * the caller scales it up with smoothing. NaN cells are transparent: the plot shows its neutral
 * hatching (see `hatchPattern`) through them.
 * @param {Float64Array} values nx*ny, row-major in y
 * @param {number} nx @param {number} ny
 * @param {(v: number) => number} normalize
 * @param {ImageData} [image]
 * @returns {ImageData}
 */
export function paintHeatmap(values, nx, ny, normalize, image) {
  const img = image && image.width === nx && image.height === ny ? image : new ImageData(nx, ny);
  const px = img.data;
  for (let j = 0; j < ny; j++) {
    const row = (ny - 1 - j) * nx; // flip: y grows upward on screen
    for (let i = 0; i < nx; i++) {
      const v = values[j * nx + i];
      const o = (row + i) * 4;
      if (v !== v) {
        px[o] = px[o + 1] = px[o + 2] = px[o + 3] = 0;
      } else {
        const t = 3 * ((normalize(v) * 255 + 0.5) | 0);
        px[o] = LUT[t]; px[o + 1] = LUT[t + 1]; px[o + 2] = LUT[t + 2];
        px[o + 3] = 255;
      }
    }
  }
  return img;
}

/**
 * The neutral grey hatching drawn where the function is undefined (behind the heatmap).
 * @param {CanvasRenderingContext2D} ctx @param {number} scale device pixels per CSS pixel
 * @returns {CanvasPattern|string}
 */
export function hatchPattern(ctx, scale) {
  const size = Math.round(8 * scale);
  const tile = document.createElement("canvas");
  tile.width = tile.height = size;
  const t = tile.getContext("2d");
  if (!t) return "#e4e2de";
  t.fillStyle = "#e9e7e3";
  t.fillRect(0, 0, size, size);
  t.strokeStyle = "#c9c5bf";
  t.lineWidth = Math.max(1, scale);
  t.beginPath();
  for (const d of [-size, 0, size]) { // one diagonal, wrapped so tiles join
    t.moveTo(d, size);
    t.lineTo(d + size, 0);
  }
  t.stroke();
  return ctx.createPattern(tile, "repeat") || "#e4e2de";
}
