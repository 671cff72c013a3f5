// Drawing only into a box that is there. A notebook may detach, hide or re-parent the explorer
// (JupyterLab does on a theme change) and bring it back at its old size, so no resize is ever
// observed: a drawing made meanwhile would size the canvases to 1x1 px and stay blank.
//
//   const seen = watchShown([plotEl, surfaceEl], () => scheduleRender())
//   seen.measurable()   false while the boxes have no size (detached, display: none): skip drawing
//   seen.missed()       note that a drawing was skipped; the next time a box shows, `redraw` runs
//   seen.destroy()
//
// It watches with an IntersectionObserver (which reports an element coming back into the page,
// whatever its size) and, as a fallback, checks on the animation frames of the next 2 s or so
// after a skip (not forever: a layout may hide a box for good).

const RETRY_FRAMES = 120;

/**
 * @param {HTMLElement[]} boxes @param {() => void} redraw
 */
export function watchShown(boxes, redraw) {
  let stale = false;
  let frame = 0;
  let tries = 0;
  const hasBox = (/** @type {HTMLElement} */ b) => {
    if (!b.isConnected) return false;
    const r = b.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const measurable = () => boxes.every(hasBox);
  const retry = () => {
    frame = 0;
    if (!stale) return;
    if (measurable()) { stale = false; redraw(); return; }
    if (++tries < RETRY_FRAMES) frame = requestAnimationFrame(retry);
  };
  const io = typeof IntersectionObserver === "function"
    ? new IntersectionObserver((entries) => {
      if (stale && entries.some((e) => e.isIntersecting) && measurable()) { stale = false; redraw(); }
    })
    : null;
  if (io) for (const b of boxes) io.observe(b);
  return {
    measurable,
    missed() {
      if (!stale) tries = 0;
      stale = true;
      if (!frame && tries < RETRY_FRAMES) frame = requestAnimationFrame(retry);
    },
    destroy() {
      stale = false;
      if (frame) cancelAnimationFrame(frame);
      if (io) io.disconnect();
    },
  };
}
