// Painting shared by the explorer's figures and the lesson's: a grid's heatmap with labelled
// contour lines, and the halo'd arrow that shows a gradient or a descent direction.

import { contourLines, placeLabels, drawContours } from "./contours.js";
import { paintHeatmap } from "./colormap.js";

export const COLORS = {
  gradient: "#c0392b", // uphill: warm
  descent: "#1b3a6b", // downhill: dark blue, dashed
  halo: "rgba(255,255,255,0.92)",
  contour: "rgba(28, 32, 48, 0.42)",
  contourText: "rgba(28, 32, 48, 0.82)",
  frame: "rgba(28, 32, 48, 0.55)",
};

/**
 * A grid's heatmap (smoothed up from nx by ny points to w by h CSS px) and its labelled contour
 * lines, painted into `ctx`; `offscreen` is a scratch canvas the caller keeps. The explorer and
 * the lesson's figures both draw their surfaces with this.
 * @param {CanvasRenderingContext2D} ctx @param {HTMLCanvasElement} offscreen
 * @param {{value: Float64Array}} grid @param {number} nx @param {number} ny
 * @param {number} w @param {number} h
 * @param {{levels: number[], lo: number, hi: number}} lv @param {(v: number) => number} normalize
 * @param {{font: string, line: string, text: string, spacing: number,
 *          labelBounds: {x0: number, y0: number, x1: number, y1: number},
 *          clip: {x0: number, y0: number, x1: number, y1: number}}} style
 */
export function paintField(ctx, offscreen, grid, nx, ny, w, h, lv, normalize, style) {
  const octx = /** @type {CanvasRenderingContext2D} */ (offscreen.getContext("2d"));
  offscreen.width = nx;
  offscreen.height = ny;
  octx.putImageData(paintHeatmap(grid.value, nx, ny, normalize), 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = "high";
  const cw = w / (nx - 1);
  const ch = h / (ny - 1);
  ctx.drawImage(offscreen, -cw / 2, -ch / 2, w + cw, h + ch);
  // contours in screen coordinates; a cell whose values span over twice the range is a pole
  const lines = contourLines(grid.value, nx, ny, lv.levels, 2 * (lv.hi - lv.lo)).map((l) => {
    const xy = new Float64Array(l.points.length);
    for (let k = 0; k < xy.length; k += 2) {
      xy[k] = l.points[k] * cw;
      xy[k + 1] = h - l.points[k + 1] * ch;
    }
    return { level: l.level, xy, closed: l.closed };
  });
  ctx.font = style.font;
  const labels = placeLabels(lines, (t) => ctx.measureText(t).width, style.labelBounds, { spacing: style.spacing });
  drawContours(ctx, lines, labels, style.clip, { line: style.line, text: style.text, font: style.font, width: 0.9 });
}

/**
 * An arrow from (x0, y0) to (x1, y1) with a white halo; dashed shaft if `dashed`.
 * @param {CanvasRenderingContext2D} ctx
 * @param {number} x0 @param {number} y0 @param {number} x1 @param {number} y1
 * @param {string} color @param {boolean} [dashed] @param {string} [halo] the halo's colour
 */
export function arrow(ctx, x0, y0, x1, y1, color, dashed = false, halo = COLORS.halo) {
  const len = Math.hypot(x1 - x0, y1 - y0);
  if (!(len > 0.5)) return;
  const a = Math.atan2(y1 - y0, x1 - x0);
  const head = Math.min(10, len * 0.6);
  const bx = x1 - Math.cos(a) * head * 0.8;
  const by = y1 - Math.sin(a) * head * 0.8;
  const headPath = () => {
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - head * Math.cos(a - 0.38), y1 - head * Math.sin(a - 0.38));
    ctx.lineTo(x1 - head * Math.cos(a + 0.38), y1 - head * Math.sin(a + 0.38));
    ctx.closePath();
  };
  ctx.save();
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  // halo
  ctx.strokeStyle = halo;
  ctx.lineWidth = 5;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(bx, by);
  ctx.stroke();
  headPath();
  ctx.lineWidth = 3.5;
  ctx.stroke();
  // shaft and head
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = 2.2;
  if (dashed) ctx.setLineDash([5, 3.5]);
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(bx, by);
  ctx.stroke();
  ctx.setLineDash([]);
  headPath();
  ctx.fill();
  ctx.restore();
}
