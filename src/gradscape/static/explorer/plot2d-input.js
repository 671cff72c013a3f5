// The 2D figure's input: pointer, wheel and keyboard on the plot turned into requests in data
// coordinates (hover, click, zoom about a point, pan by an offset). It draws nothing; the caller
// answers the requests (the explorer) and redraws (plot2d.js).
//
//   const input = attachPlotInput(element, plane, handlers)
//   input.setPanMode(true)    a drag pans instead of hovering
//   input.detach()            removes every listener (one AbortController)

/**
 * @typedef {{x: number, y: number}} Px
 * @typedef {{
 *   hover: (p: number[], source: string) => void,
 *   click: (p: number[]) => void,
 *   zoom: (center: number[], factor: number) => void,
 *   pan: (dx: number, dy: number) => void,
 *   key: (e: KeyboardEvent) => boolean,
 * }} PlotHandlers
 */

/**
 * @param {HTMLElement} el the element that receives the input
 * @param {import("../core/plane.js").Plane} plane the figure's coordinates
 * @param {PlotHandlers} on
 */
export function attachPlotInput(el, plane, on) {
  /** @type {Map<number, {x: number, y: number, x0: number, y0: number, t: number}>} */
  const pointers = new Map();
  let panning = false;
  let panMode = false;
  let moved = 0;
  /** @type {{dist: number, cx: number, cy: number}|null} */
  let pinch = null;
  const { toData } = plane;

  /** @param {PointerEvent|WheelEvent|MouseEvent} e @returns {Px} */
  const local = (e) => {
    const r = el.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  /** data units per CSS px, across and up */
  const units = () => {
    const v = plane.shown;
    return [(v.x[1] - v.x[0]) / plane.width, (v.y[1] - v.y[0]) / plane.height];
  };

  /** @param {PointerEvent} e */
  function onPointerDown(e) {
    if (e.button !== 0 && e.pointerType === "mouse") return;
    const p = local(e);
    pointers.set(e.pointerId, { x: p.x, y: p.y, x0: p.x, y0: p.y, t: performance.now() });
    el.setPointerCapture(e.pointerId);
    moved = 0;
    panning = e.shiftKey || panMode;
    if (pointers.size === 2) pinch = pinchState();
    if (e.pointerType !== "mouse" && pointers.size === 1 && !panning) on.hover(toData(p.x, p.y), "touch");
  }

  function pinchState() {
    const [a, b] = [...pointers.values()];
    return { dist: Math.hypot(a.x - b.x, a.y - b.y), cx: (a.x + b.x) / 2, cy: (a.y + b.y) / 2 };
  }

  /** @param {PointerEvent} e */
  function onPointerMove(e) {
    const p = local(e);
    const rec = pointers.get(e.pointerId);
    if (rec) {
      const dx = p.x - rec.x;
      const dy = p.y - rec.y;
      moved = Math.max(moved, Math.hypot(p.x - rec.x0, p.y - rec.y0));
      rec.x = p.x;
      rec.y = p.y;
      if (pointers.size === 2 && pinch) {
        const now = pinchState();
        const factor = pinch.dist > 0 && now.dist > 0 ? pinch.dist / now.dist : 1;
        const c = toData(now.cx, now.cy);
        const [ux, uy] = units();
        on.pan(-(now.cx - pinch.cx) * ux, (now.cy - pinch.cy) * uy);
        on.zoom(c, factor);
        pinch = now;
        return;
      }
      if (panning) {
        const [ux, uy] = units();
        on.pan(-dx * ux, dy * uy);
        return;
      }
    }
    if (pointers.size > 1) return;
    on.hover(toData(p.x, p.y), e.pointerType);
  }

  /** @param {PointerEvent} e */
  function onPointerUp(e) {
    const rec = pointers.get(e.pointerId);
    pointers.delete(e.pointerId);
    if (pointers.size < 2) pinch = null;
    if (!rec) return;
    const wasPanning = panning;
    if (pointers.size === 0) panning = false;
    const tap = moved < (e.pointerType === "mouse" ? 4 : 10) && !wasPanning;
    if (tap && e.type === "pointerup") {
      const p = local(e);
      on.click(toData(p.x, p.y));
    }
  }

  /** @param {WheelEvent} e */
  function onWheel(e) {
    e.preventDefault();
    const p = local(e);
    const dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaMode === 2 ? e.deltaY * 400 : e.deltaY;
    on.zoom(toData(p.x, p.y), Math.exp(Math.max(-1, Math.min(1, dy * 0.0015))));
  }

  /** @param {KeyboardEvent} e */
  function onKeyDown(e) {
    if (on.key(e)) e.preventDefault();
  }

  const listening = new AbortController(); // detach() removes every listener at once
  const { signal } = listening;
  el.addEventListener("pointerdown", onPointerDown, { signal });
  el.addEventListener("pointermove", onPointerMove, { signal });
  el.addEventListener("pointerup", onPointerUp, { signal });
  el.addEventListener("pointercancel", onPointerUp, { signal });
  el.addEventListener("wheel", onWheel, { passive: false, signal });
  el.addEventListener("keydown", onKeyDown, { signal });

  return {
    /** @param {boolean} v drag pans instead of hovering */
    setPanMode(v) { panMode = v; },
    detach() { listening.abort(); },
  };
}
