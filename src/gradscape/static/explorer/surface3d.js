// The same surface in 3D: a mesh from a coarse grid, drawn as shaded quads back to front
// (painter's algorithm), turned by dragging or the arrow keys. The hover point with its
// steepest-descent direction, and the descent runs lifted onto the surface in their colours,
// are drawn on a separate overlay canvas, linked to the 2D view. Hovering the 3D view picks the
// surface point under the cursor (a ray from the eye marched through the height field, the
// height worked out exactly at each step) and reports it through `on.hover`, so the 2D point and
// the readout follow. A button enlarges the view to the whole window (Escape restores it).

import { evalView, evalValue } from "../core/evaluator.js";
import { LUT } from "../core/colormap.js";
import { varText, fmt } from "../core/format.js";
import { arrow } from "../core/paint.js";
import { canvasColors } from "../core/theme.js";

/**
 * @typedef {import("../core/view.js").View} View
 * @typedef {import("../core/evaluator.js").Program} Program
 * @typedef {{normalize: (v: number) => number, lo: number, hi: number}} Scale
 */

const N = 56; // mesh points a side
const HEIGHT = 0.85; // height of the surface box relative to its half-width

/**
 * @param {HTMLElement} host
 * @param {{rotated?: () => void, hover?: (p: number[]) => void, enlarged?: (on: boolean) => void}} [on]
 */
export function createSurface3d(host, on = {}) {
  const wrap = document.createElement("div");
  wrap.className = "gs-surface3d";
  host.appendChild(wrap);
  const canvas = document.createElement("canvas");
  canvas.className = "gs-layer";
  canvas.dataset.testid = "surface3d";
  canvas.tabIndex = 0;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", "The loss surface in 3D. Drag, or use the arrow keys, to turn it.");
  const overlay = document.createElement("canvas");
  overlay.className = "gs-layer gs-overlay3d";
  overlay.setAttribute("aria-hidden", "true");
  const enlarge = document.createElement("button");
  enlarge.type = "button";
  enlarge.className = "gs-enlarge3d";
  enlarge.dataset.testid = "surface3d-enlarge";
  enlarge.setAttribute("aria-pressed", "false");
  enlarge.textContent = "Enlarge";
  enlarge.title = "Show the 3D view in the whole window (Escape: back)";
  wrap.append(canvas, overlay, enlarge);
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  const octx = /** @type {CanvasRenderingContext2D} */ (overlay.getContext("2d"));

  let w = 0;
  let h = 0;
  let dpr = 1;
  let az = -0.62; // radians about the vertical axis
  let el = 0.55; // elevation above the horizon
  /** @type {{program: any, view: View, scale: Scale, names: string[]}|null} */
  let data = null;
  /** @type {{X: Float64Array, Y: Float64Array, Z: Float64Array, T: Float64Array, nx: number, ny: number}|null} */
  let mesh = null;
  let fit = { k: 1, cx: 0, cy: 0 };
  /** @type {{p: number[], value: number, g: number[]}|null} */
  let hoverState = null;
  /** the canvases' colours, from CSS (core/theme.js); read again at every drawing */
  let colors = canvasColors(canvas);
  let large = false; // filling the window
  /** @type {import("./plot2d.js").RunDrawing[]} */
  let runs = [];
  /** each run's values along its path, worked out once per path and program
   * @type {WeakMap<number[][], {program: Program, values: Float64Array}>} */
  const heights = new WeakMap();

  function measure() {
    const r = wrap.getBoundingClientRect();
    const nw = Math.max(1, Math.round(r.width));
    const nh = Math.max(1, Math.round(r.height));
    const nd = Math.min(3, window.devicePixelRatio || 1);
    if (nw === w && nh === h && nd === dpr) return false;
    w = nw; h = nh; dpr = nd;
    for (const c of [canvas, overlay]) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
      c.style.width = `${w}px`;
      c.style.height = `${h}px`;
    }
    return true;
  }

  // world: X, Y in [-1, 1] on the longer side of the view (equal scale), Z in [0, HEIGHT]
  const frameOf = () => {
    const v = data ? data.view : { x: [-1, 1], y: [-1, 1] };
    const half = Math.max(v.x[1] - v.x[0], v.y[1] - v.y[0]) / 2;
    return { half, cx: (v.x[0] + v.x[1]) / 2, cy: (v.y[0] + v.y[1]) / 2, ax: (v.x[1] - v.x[0]) / 2 / half, ay: (v.y[1] - v.y[0]) / 2 / half };
  };
  let box = frameOf();
  /** @param {number} x */
  const wx = (x) => (x - box.cx) / box.half;
  /** @param {number} y */
  const wy = (y) => (y - box.cy) / box.half;
  /** height in world units: linear in the value over the colour scale's range (clamped there) @param {number} v */
  const wz = (v) => {
    if (!data) return 0;
    const { lo, hi } = data.scale;
    const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    return Math.max(0, Math.min(1, t)) * HEIGHT;
  };

  /**
   * World -> screen px, and depth (larger is farther).
   * @param {number} X @param {number} Y @param {number} Z @returns {[number, number, number]}
   */
  function project(X, Y, Z) {
    const ca = Math.cos(az);
    const sa = Math.sin(az);
    const x1 = X * ca - Y * sa;
    const y1 = X * sa + Y * ca;
    const z = Z - HEIGHT / 2;
    const up = y1 * Math.sin(el) + z * Math.cos(el);
    const depth = y1 * Math.cos(el) - z * Math.sin(el);
    const persp = 1 / (1 + 0.12 * depth);
    return [fit.cx + fit.k * x1 * persp, fit.cy - fit.k * up * persp, depth];
  }

  function computeFit() {
    fit = { k: 1, cx: 0, cy: 0 };
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (const X of [-box.ax, box.ax]) for (const Y of [-box.ay, box.ay]) for (const Z of [0, HEIGHT]) {
      const [px, py] = project(X, Y, Z);
      x0 = Math.min(x0, px); x1 = Math.max(x1, px); y0 = Math.min(y0, py); y1 = Math.max(y1, py);
    }
    const pad = 14;
    const k = Math.min((w - 2 * pad) / (x1 - x0), (h - 2 * pad) / (y1 - y0));
    fit = { k, cx: w / 2 - (k * (x0 + x1)) / 2, cy: h / 2 - (k * (y0 + y1)) / 2 };
  }

  /**
   * New surface, window or colour scale: rebuild the mesh and redraw.
   * @param {Program|import("./landscape.js").Landscape|null} program @param {View} view
   * @param {Scale|null} scale @param {string[]} names
   */
  function setData(program, view, scale, names) {
    if (!program || !scale) { data = null; mesh = null; draw(); return; }
    // a landscape (landscape.js) gives its own grid, at its own resolution; a program is run here
    const land = "grid" in program ? program : null;
    const g = land ? land.grid(view, N, N) : { ...evalView(program, view, N, N), view };
    if (!g) { data = null; mesh = null; draw(); return; }
    data = { program, view: g.view, scale, names };
    box = frameOf();
    const nx = g.xs.length;
    const ny = g.ys.length;
    const X = new Float64Array(nx * ny);
    const Y = new Float64Array(nx * ny);
    const Z = new Float64Array(nx * ny);
    const T = new Float64Array(nx * ny);
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
      const k = j * nx + i;
      X[k] = wx(g.xs[i]);
      Y[k] = wy(g.ys[j]);
      const v = g.value[k];
      T[k] = v === v ? scale.normalize(v) : NaN;
      Z[k] = v === v ? wz(v) : NaN;
    }
    mesh = { X, Y, Z, T, nx, ny };
    draw();
  }

  /** Redraw the surface (and the overlay). */
  function draw() {
    colors = canvasColors(canvas);
    measure();
    computeFit();
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    if (!mesh || !data) { drawOverlay(); return; }
    const { X, Y, Z, T, nx: MX, ny: MY } = mesh;
    const n = MX * MY;
    const P = new Float64Array(n * 3);
    for (let k = 0; k < n; k++) {
      const z = Z[k] === Z[k] ? Z[k] : 0;
      const [px, py, d] = project(X[k], Y[k], z);
      P[3 * k] = px; P[3 * k + 1] = py; P[3 * k + 2] = d;
    }
    floor(P);
    // quads, far to near
    const quads = [];
    for (let j = 0; j < MY - 1; j++) for (let i = 0; i < MX - 1; i++) {
      const a = j * MX + i;
      const b = a + 1;
      const c = a + MX + 1;
      const d = a + MX;
      if (T[a] !== T[a] || T[b] !== T[b] || T[c] !== T[c] || T[d] !== T[d]) continue;
      quads.push({ i, j, a, b, c, d, depth: (P[3 * a + 2] + P[3 * b + 2] + P[3 * c + 2] + P[3 * d + 2]) / 4 });
    }
    quads.sort((p, q) => q.depth - p.depth);
    // light from the upper left of the viewer, fixed to the camera
    const ca = Math.cos(az);
    const sa = Math.sin(az);
    const light = norm3([-0.45 * ca + 0.6 * sa, 0.45 * sa + 0.6 * ca, 0.75]);
    ctx.lineJoin = "round";
    ctx.lineWidth = 0.6;
    for (const q of quads) {
      const { i, j, a, b, c, d } = q;
      // normal from the two diagonals
      const ux = X[c] - X[a], uy = Y[c] - Y[a], uz = Z[c] - Z[a];
      const vx = X[d] - X[b], vy = Y[d] - Y[b], vz = Z[d] - Z[b];
      const nrm = norm3([uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx]);
      const lambert = Math.abs(nrm[0] * light[0] + nrm[1] * light[1] + nrm[2] * light[2]);
      const shade = 0.62 + 0.42 * lambert;
      const t = (T[a] + T[b] + T[c] + T[d]) / 4;
      const li = 3 * Math.max(0, Math.min(255, Math.round(t * 255)));
      const r = Math.min(255, LUT[li] * shade) | 0;
      const gg = Math.min(255, LUT[li + 1] * shade) | 0;
      const bb = Math.min(255, LUT[li + 2] * shade) | 0;
      const fill = `rgb(${r},${gg},${bb})`;
      ctx.beginPath();
      ctx.moveTo(P[3 * a], P[3 * a + 1]);
      ctx.lineTo(P[3 * b], P[3 * b + 1]);
      ctx.lineTo(P[3 * c], P[3 * c + 1]);
      ctx.lineTo(P[3 * d], P[3 * d + 1]);
      ctx.closePath();
      ctx.fillStyle = fill;
      ctx.fill();
      ctx.strokeStyle = fill; // close the hairline seams between quads
      ctx.stroke();
      if (j % 5 === 0 || i % 5 === 0) { // a light wireframe on every 5th mesh line
        ctx.strokeStyle = "rgba(30,34,50,0.18)";
        ctx.beginPath();
        if (j % 5 === 0) { ctx.moveTo(P[3 * a], P[3 * a + 1]); ctx.lineTo(P[3 * b], P[3 * b + 1]); }
        if (i % 5 === 0) { ctx.moveTo(P[3 * a], P[3 * a + 1]); ctx.lineTo(P[3 * d], P[3 * d + 1]); }
        ctx.stroke();
      }
    }
    drawOverlay();
  }

  /** The floor outline and axis names. @param {Float64Array} P */
  function floor(P) {
    if (!data) return;
    const { ax, ay } = box;
    const corners = [[-ax, -ay], [ax, -ay], [ax, ay], [-ax, ay]].map(([X, Y]) => project(X, Y, 0));
    ctx.strokeStyle = colors.frame;
    ctx.lineWidth = 1;
    ctx.beginPath();
    corners.forEach(([x, y], k) => (k ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.closePath();
    ctx.stroke();
    ctx.font = `italic 13px Georgia, "Times New Roman", serif`;
    ctx.fillStyle = colors.ink;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    // label the two floor edges nearest the viewer
    const [nx, ny] = data.names.map(varText);
    const ex = nearerEdge([[-ax, -ay, ax, -ay], [-ax, ay, ax, ay]]);
    const ey = nearerEdge([[-ax, -ay, -ax, ay], [ax, -ay, ax, ay]]);
    labelEdge(ex, nx);
    labelEdge(ey, ny);
    // the vertical axis at the back-most corner
    let back = corners[0];
    let bk = 0;
    corners.forEach((c, k) => { if (c[2] > back[2]) { back = c; bk = k; } });
    const [BX, BY] = [[-ax, -ay], [ax, -ay], [ax, ay], [-ax, ay]][bk];
    const top = project(BX, BY, HEIGHT);
    ctx.beginPath();
    ctx.moveTo(back[0], back[1]);
    ctx.lineTo(top[0], top[1]);
    ctx.stroke();
    ctx.fillText("L", top[0], top[1] - 10);
    void P;
  }

  /** @param {number[][]} edges [X0, Y0, X1, Y1] @returns {number[]} */
  function nearerEdge(edges) {
    let best = edges[0];
    let bd = Infinity;
    for (const e of edges) {
      const d = project((e[0] + e[2]) / 2, (e[1] + e[3]) / 2, 0)[2];
      if (d < bd) { bd = d; best = e; }
    }
    return best;
  }

  /** @param {number[]} e @param {string} text */
  function labelEdge(e, text) {
    const [mx, my] = [(e[0] + e[2]) / 2, (e[1] + e[3]) / 2];
    const [px, py] = project(mx === 0 ? 0 : mx + Math.sign(mx) * 0.16, my === 0 ? 0 : my + Math.sign(my) * 0.16, 0);
    ctx.fillText(text, Math.max(12, Math.min(w - 12, px)), Math.max(10, Math.min(h - 8, py)));
  }

  /** The runs and the hover point on the surface, with the descent direction along it. */
  function drawOverlay() {
    octx.setTransform(dpr, 0, 0, dpr, 0, 0);
    octx.clearRect(0, 0, w, h);
    drawRuns();
    if (!hoverState || !data) return;
    const { p, value, g } = hoverState;
    if (large) { // the readout is hidden under the full window: its gist, top right
      const [n0, n1] = data.names.map(varText);
      const parts = [`(${n0}, ${n1}) = (${fmt(p[0])}, ${fmt(p[1])})`,
        `L = ${value === value ? fmt(value, 5) : "undefined"},  |∇L| = ${value === value ? fmt(Math.hypot(g[0], g[1])) : "undefined"}`];
      octx.font = `15px Georgia, "Times New Roman", serif`;
      octx.textAlign = "left";
      octx.textBaseline = "bottom";
      octx.fillStyle = "rgba(30,34,50,0.85)";
      const one = parts.join("   ");
      if (octx.measureText(one).width < w - 24) octx.fillText(one, 12, h - 8);
      else { octx.fillText(parts[0], 12, h - 28); octx.fillText(parts[1], 12, h - 8); }
    }
    if (value !== value) return;
    const X = wx(p[0]);
    const Y = wy(p[1]);
    if (Math.abs(X) > box.ax + 1e-3 || Math.abs(Y) > box.ay + 1e-3) return;
    const Z = wz(value);
    const [px, py] = project(X, Y, Z);
    const [fx, fy] = project(X, Y, 0);
    octx.strokeStyle = colors.ink;
    octx.setLineDash([2, 3]);
    octx.lineWidth = 1;
    octx.beginPath();
    octx.moveTo(px, py);
    octx.lineTo(fx, fy);
    octx.stroke();
    octx.setLineDash([]);
    const norm = Math.hypot(g[0], g[1]);
    if (norm > 0 && Number.isFinite(norm)) {
      // walk a short way downhill in the plane and follow the surface's height there
      const step = 0.2 * box.half;
      for (const [sign, color, dashed] of /** @type {Array<[number, string, boolean]>} */ ([[-1, colors.descent, true], [1, colors.gradient, false]])) {
        const q = [p[0] + (sign * step * g[0]) / norm, p[1] + (sign * step * g[1]) / norm];
        const v = heightOf(data.program, q);
        const qz = v === v ? wz(v) : Z;
        let [qx, qy] = project(wx(q[0]), wy(q[1]), qz);
        // keep the arrow readable however it is foreshortened: 26..56 px on screen
        const len = Math.hypot(qx - px, qy - py);
        if (len > 0) {
          const k = Math.max(26, Math.min(56, len)) / len;
          qx = px + (qx - px) * k;
          qy = py + (qy - py) * k;
        }
        arrow(octx, px, py, qx, qy, color, dashed, colors.halo);
      }
    }
    octx.beginPath();
    octx.arc(px, py, 4.5, 0, 2 * Math.PI);
    octx.fillStyle = "#fff";
    octx.fill();
    octx.lineWidth = 1.6;
    octx.strokeStyle = "#1a1d26";
    octx.stroke();
    octx.beginPath();
    octx.arc(fx, fy, 2, 0, 2 * Math.PI);
    octx.fillStyle = "rgba(20,24,36,0.6)";
    octx.fill();
  }

  /** Each run's path lifted onto the surface, up to the step shown, with its ball. */
  function drawRuns() {
    let drawn = 0;
    if (data) {
      const program = data.program;
      for (const r of runs) {
        const n = Math.min(r.points.length, r.shown + 1);
        if (n < 1) continue;
        let known = heights.get(r.points);
        if (!known || known.program !== program) {
          const v = new Float64Array(r.points.length);
          for (let k = 0; k < r.points.length; k++) v[k] = heightOf(program, r.points[k]);
          known = { program, values: v };
          heights.set(r.points, known);
        }
        const values = known.values;
        /** @type {Array<[number, number]|null>} */
        const screen = [];
        for (let k = 0; k < n; k++) {
          const [x, y] = r.points[k];
          const X = wx(x);
          const Y = wy(y);
          const v = values[k];
          const inside = Math.abs(X) <= box.ax + 1e-9 && Math.abs(Y) <= box.ay + 1e-9 && v === v;
          if (!inside) { screen.push(null); continue; }
          const [px, py] = project(X, Y, wz(v));
          screen.push([px, py]);
          drawn++;
        }
        for (const [style, width] of /** @type {Array<[string, number]>} */ ([["rgba(255,255,255,0.9)", 4], [r.color, 2]])) {
          octx.strokeStyle = style;
          octx.lineWidth = width;
          octx.lineJoin = "round";
          octx.beginPath();
          let pen = false;
          for (const q of screen) {
            if (!q) { pen = false; continue; }
            if (pen) octx.lineTo(q[0], q[1]); else octx.moveTo(q[0], q[1]);
            pen = true;
          }
          octx.stroke();
        }
        const start = screen[0];
        if (start) {
          octx.beginPath();
          octx.arc(start[0], start[1], 4, 0, 2 * Math.PI);
          octx.fillStyle = "#fff";
          octx.fill();
          octx.lineWidth = 1.8;
          octx.strokeStyle = r.color;
          octx.stroke();
        }
        const ball = n > 1 ? screen[n - 1] : null;
        if (ball) {
          octx.beginPath();
          octx.arc(ball[0], ball[1], 5, 0, 2 * Math.PI);
          octx.fillStyle = r.color;
          octx.fill();
          octx.lineWidth = 1.5;
          octx.strokeStyle = "#fff";
          octx.stroke();
        }
      }
    }
    canvas.dataset.runPoints = String(drawn); // for tests: how many path points are on the surface
  }

  /**
   * The surface point under screen position (sx, sy) in CSS px, or null: the ray from the eye
   * through that pixel, marched from near to far until it passes under the surface, then
   * bisected. Heights come from the program itself, so the point is exact up to the bisection.
   * @param {number} sx @param {number} sy @returns {number[]|null}
   */
  function pick(sx, sy) {
    if (!data || !(fit.k > 0)) return null;
    const program = data.program;
    const ca = Math.cos(az);
    const sa = Math.sin(az);
    const se = Math.sin(el);
    const ce = Math.cos(el);
    const u = (sx - fit.cx) / fit.k;
    const t = (fit.cy - sy) / fit.k;
    /** the world point on the ray at depth d, and how far it is above the surface @param {number} d */
    const at = (d) => {
      const s = 1 + 0.12 * d; // undoes the perspective divide
      const x1 = u * s;
      const up = t * s;
      const y1 = up * se + d * ce;
      const z = up * ce - d * se + HEIGHT / 2;
      const X = x1 * ca + y1 * sa;
      const Y = -x1 * sa + y1 * ca;
      const inside = Math.abs(X) <= box.ax && Math.abs(Y) <= box.ay;
      const p = [box.cx + X * box.half, box.cy + Y * box.half];
      const v = inside ? heightOf(program, p) : NaN;
      return { p, above: v === v ? z - wz(v) : NaN };
    };
    const reach = 2 * Math.hypot(box.ax, box.ay, HEIGHT);
    const steps = 240;
    let prev = at(-reach);
    let dPrev = -reach;
    for (let k = 1; k <= steps; k++) {
      const d = -reach + (2 * reach * k) / steps;
      const cur = at(d);
      // the first crossing of the sheet between two samples on it (from above, or from below
      // where the ray came in under it through the side of the box): bisect it
      if (prev.above === prev.above && cur.above === cur.above && (prev.above > 0) !== (cur.above > 0)) {
        const downward = prev.above > 0;
        let lo = dPrev;
        let hi = d;
        for (let b = 0; b < 40; b++) {
          const mid = (lo + hi) / 2;
          const m = at(mid);
          if (m.above === m.above && (m.above > 0) !== downward) hi = mid; else lo = mid;
        }
        return at(hi).p;
      }
      prev = cur;
      dPrev = d;
    }
    return null;
  }

  /** the screen position (CSS px) of the surface point over (x, y), for tests @param {number} x @param {number} y */
  function screenOf(x, y) {
    if (!data) return null;
    const v = heightOf(data.program, [x, y]);
    if (v !== v) return null;
    const [px, py] = project(wx(x), wy(y), wz(v));
    return [px, py];
  }

  // --- enlarging -------------------------------------------------------------------------------
  /** @param {boolean} v */
  function setLarge(v) {
    if (v === large) return;
    large = v;
    host.classList.toggle("gs-3d-full", v);
    enlarge.textContent = v ? "Back" : "Enlarge";
    enlarge.setAttribute("aria-pressed", String(v));
    enlarge.title = v ? "Back to the small 3D view (Escape)" : "Show the 3D view in the whole window (Escape: back)";
    requestDraw();
    on.enlarged?.(v);
  }

  // --- turning ---------------------------------------------------------------------------------
  /** @type {{x: number, y: number, id: number}|null} */
  let drag = null;
  let frame = 0;
  const requestDraw = () => {
    if (!frame) frame = requestAnimationFrame(() => { frame = 0; draw(); on.rotated?.(); });
  };
  /** @param {number} da @param {number} de */
  function turn(da, de) {
    az += da;
    el = Math.max(0.08, Math.min(1.45, el + de));
    requestDraw();
  }
  let moved = 0;
  /** @param {PointerEvent} e */
  const down = (e) => { drag = { x: e.clientX, y: e.clientY, id: e.pointerId }; moved = 0; canvas.setPointerCapture(e.pointerId); };
  /** @param {PointerEvent} e */
  const hoverEvent = (e) => {
    const r = canvas.getBoundingClientRect();
    const p = pick(e.clientX - r.left, e.clientY - r.top);
    if (p) on.hover?.(p);
  };
  /** @param {PointerEvent} e */
  const move = (e) => {
    if (!drag) { if (e.pointerType === "mouse" || e.pointerType === "pen") hoverEvent(e); return; }
    if (e.pointerId !== drag.id) return;
    moved += Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y);
    turn(-(e.clientX - drag.x) * 0.01, (e.clientY - drag.y) * 0.008);
    drag.x = e.clientX;
    drag.y = e.clientY;
  };
  /** @param {PointerEvent} e a tap (no drag) picks the point too: touch has no hover */
  const up = (e) => { const tap = drag && moved < 4; drag = null; if (tap && e.type === "pointerup") hoverEvent(e); };
  /** @param {KeyboardEvent} e */
  const key = (e) => {
    const big = e.shiftKey ? 4 : 1;
    const moves = { ArrowLeft: [0.08, 0], ArrowRight: [-0.08, 0], ArrowUp: [0, 0.06], ArrowDown: [0, -0.06] };
    const m = /** @type {Record<string, number[]>} */ (moves)[e.key];
    if (m) { e.preventDefault(); turn(m[0] * big, m[1] * big); }
    if (e.key === "Escape" && large) { e.preventDefault(); setLarge(false); }
  };
  /** @param {KeyboardEvent} e */
  const windowKey = (e) => { if (e.key === "Escape" && large) setLarge(false); };
  const listening = new AbortController(); // destroy() removes every listener at once
  const { signal } = listening;
  canvas.addEventListener("pointerdown", down, { signal });
  canvas.addEventListener("pointermove", move, { signal });
  canvas.addEventListener("pointerup", up, { signal });
  canvas.addEventListener("pointercancel", up, { signal });
  canvas.addEventListener("keydown", key, { signal });
  enlarge.addEventListener("click", () => setLarge(!large), { signal });
  window.addEventListener("keydown", windowKey, { signal });
  Object.defineProperty(canvas, "gsScreenOf", { value: screenOf }); // a test hook

  return {
    element: wrap,
    canvas,
    setData,
    draw,
    /** @param {number[]|null} p @param {number} value @param {number[]} g */
    setHover(p, value, g) {
      hoverState = p ? { p, value, g } : null;
      drawOverlay();
    },
    /** @param {import("./plot2d.js").RunDrawing[]} drawings */
    setRuns(drawings) {
      runs = drawings;
      drawOverlay();
    },
    pick,
    setLarge,
    get large() { return large; },
    resize() { if (measure()) draw(); },
    destroy() {
      if (frame) cancelAnimationFrame(frame);
      listening.abort();
      wrap.remove();
    },
  };
}

/** @param {number[]} v @returns {number[]} */
function norm3(v) {
  const n = Math.hypot(v[0], v[1], v[2]) || 1;
  return [v[0] / n, v[1] / n, v[2] / n];
}

/**
 * The height at p: a landscape's own value (landscape.js), or the program run here.
 * @param {any} program @param {number[]} p
 */
function heightOf(program, p) {
  return program && "grid" in program ? program.value(p) : evalValue(program, p);
}
