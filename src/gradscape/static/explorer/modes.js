// The explorer's layouts beyond the page's own: presentation mode (the plot fills the window in
// large type, the readout over it), the compact embed (a course page's iframe: no header, plot and
// readout side by side, no scrollbars) and, on a touch screen, tapping to look without dropping a
// ball, with the readout docked under the plot. The layouts themselves are CSS (explorer.css,
// classes gs-present, gs-embed, gs-docked); this module switches them and owns their controls.
//
//   const modes = createModes(root, parts, handlers, {present, embed})
//   modes.tapDrops()        does the tap (or click) that just happened drop a ball?
//   modes.setPresent(on)    enter or leave presentation mode (also: the Present button, key f, Esc)
//   modes.destroy()
//
// A mouse click always drops a ball, as before. A touch tap only looks (moves the point and the
// readout) until "Tap: drop" is on; "Drop here" drops a ball at the point.

/**
 * @typedef {{toolbar: HTMLElement, plot: HTMLElement, readout: HTMLElement}} ModeParts
 * @typedef {{drop: () => void, redraw: (now?: boolean) => void, present: (on: boolean) => void}} ModeHandlers
 */

const TYPING = /^(input|select|textarea)$/i;
/** what fits on a printed page (A4 or Letter, portrait, default margins), in CSS px */
const PRINT_WIDTH = 700;
const PRINT_HEIGHT = 860;

/**
 * @param {HTMLElement} root the .gs-explorer element
 * @param {ModeParts} parts @param {ModeHandlers} on
 * @param {{present?: boolean, embed?: boolean}} initial
 */
export function createModes(root, parts, on, initial) {
  // the compact embed: on from the start, or switched later by the host (the widget's `compact`)
  root.classList.toggle("gs-embed", Boolean(initial.embed) || document.documentElement.classList.contains("gs-embed"));

  const group = document.createElement("div");
  group.className = "gs-modes";
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", "Layout and touch");
  group.innerHTML = `
    <button type="button" class="gs-touch-only" data-testid="tap-mode" aria-pressed="false"
      title="What a tap on the plot does: look (move the point) or drop a ball">Tap: look</button>
    <button type="button" class="gs-touch-only" data-testid="drop-here" title="Drop a ball at the point">Drop here</button>
    <button type="button" data-testid="present" aria-pressed="false"
      title="Presentation: the plot fills the window, in large type (key f; Esc leaves)">Present</button>`;
  parts.toolbar.insertBefore(group, parts.toolbar.querySelector(".gs-caption"));
  const q = (/** @type {string} */ s) => /** @type {HTMLButtonElement} */ (group.querySelector(s));
  const tapBtn = q('[data-testid="tap-mode"]');
  const dropBtn = q('[data-testid="drop-here"]');
  const presentBtn = q('[data-testid="present"]');

  const exit = document.createElement("button");
  exit.type = "button";
  exit.className = "gs-present-exit";
  exit.dataset.testid = "present-exit";
  exit.textContent = "Exit presentation (Esc)";
  root.appendChild(exit);

  let present = false;
  let tapDrop = false;
  /** the kind of pointer that pressed the plot last ("mouse", "touch", "pen") */
  let lastPointer = "mouse";
  let docked = false;
  let dockedAt = 0; // scrollY once docked: scrolling on from there undocks

  /** @param {boolean} v */
  function apply(v) {
    present = v;
    root.classList.toggle("gs-present", v);
    document.documentElement.classList.toggle("gs-presenting", v);
    presentBtn.setAttribute("aria-pressed", String(v));
  }
  /** @param {boolean} v */
  function setPresent(v) {
    if (v === present) return;
    apply(v);
    if (v) { undock(); parts.plot.focus({ preventScroll: true }); } else presentBtn.focus({ preventScroll: true });
    on.redraw();
    on.present(v);
  }

  function setTapDrop(/** @type {boolean} */ v) {
    tapDrop = v;
    tapBtn.setAttribute("aria-pressed", String(v));
    tapBtn.textContent = v ? "Tap: drop ball" : "Tap: look";
  }

  // --- the readout docked under the plot on a touch screen ------------------------------------
  const narrowTouch = () => matchMedia("(pointer: coarse)").matches && root.getBoundingClientRect().width <= 860;
  function dock() {
    if (present || root.classList.contains("gs-embed") || !narrowTouch()) return;
    if (!docked) {
      docked = true;
      parts.readout.classList.add("gs-docked");
    }
    // the plot in view above the docked readout
    const r = parts.plot.getBoundingClientRect();
    const room = window.innerHeight - parts.readout.getBoundingClientRect().height - 12;
    if (r.bottom > room) window.scrollBy({ top: Math.min(r.top, r.bottom - room), behavior: "instant" });
    dockedAt = window.scrollY;
  }
  function undock() {
    if (!docked) return;
    docked = false;
    parts.readout.classList.remove("gs-docked");
  }
  // scrolled on (most of the plot out of sight): the readout goes back to its place
  const seen = new IntersectionObserver((entries) => {
    for (const e of entries) if (e.intersectionRatio < 0.3) undock();
  }, { threshold: [0, 0.3] });
  seen.observe(parts.plot);

  const listening = new AbortController();
  const { signal } = listening;
  window.addEventListener("scroll", () => {
    if (docked && Math.abs(window.scrollY - dockedAt) > 60) undock();
  }, { passive: true, signal });
  presentBtn.addEventListener("click", () => setPresent(!present), { signal });
  exit.addEventListener("click", () => setPresent(false), { signal });
  tapBtn.addEventListener("click", () => setTapDrop(!tapDrop), { signal });
  dropBtn.addEventListener("click", () => on.drop(), { signal });
  parts.plot.addEventListener("pointerdown", (e) => {
    lastPointer = e.pointerType || "mouse";
  }, { capture: true, signal });
  // presentation: the readout moves to the other side when the pointer comes under it
  root.addEventListener("pointermove", (e) => {
    if (!present) return;
    const r = parts.readout.getBoundingClientRect();
    const m = 24;
    if (e.clientX > r.left - m && e.clientX < r.right + m && e.clientY > r.top - m && e.clientY < r.bottom + m) {
      root.classList.toggle("gs-ro-left");
    }
  }, { signal });
  parts.plot.addEventListener("pointerup", (e) => {
    if (e.pointerType === "touch") dock();
  }, { signal });
  root.addEventListener("keydown", (e) => {
    const t = /** @type {HTMLElement} */ (e.target);
    if (e.altKey || e.ctrlKey || e.metaKey || TYPING.test(t.tagName) || t.isContentEditable) return;
    if (e.key === "f" || e.key === "F") { e.preventDefault(); setPresent(!present); }
  }, { signal });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && present) { e.preventDefault(); setPresent(false); }
  }, { signal });
  // printing: the canvases in the light palette (print is light), the figure scaled to the page
  // as a whole (explorer.css's print rules), drawn again at once since no frame runs before print
  window.addEventListener("beforeprint", () => {
    const frame = parts.plot.parentElement;
    const r = frame ? frame.getBoundingClientRect() : null;
    const zoom = r && r.width > 0 ? Math.min(1, PRINT_WIDTH / r.width, PRINT_HEIGHT / Math.max(1, r.height)) : 1;
    root.style.setProperty("--gs-print-zoom", String(Math.round(zoom * 1000) / 1000));
    root.classList.add("gs-printing");
    on.redraw(true);
  }, { signal });
  window.addEventListener("afterprint", () => {
    root.classList.remove("gs-printing");
    on.redraw();
  }, { signal });
  // a colour-scheme change repaints the canvases (their colours come from CSS variables)
  const scheme = matchMedia("(prefers-color-scheme: dark)");
  scheme.addEventListener("change", () => on.redraw(), { signal });

  if (initial.present) apply(true); // the explorer's first drawing follows

  return {
    /** Does the tap or click just made on the plot drop a ball? */
    tapDrops() {
      return lastPointer === "mouse" || tapDrop;
    },
    setPresent,
    get present() { return present; },
    destroy() {
      listening.abort();
      seen.disconnect();
      document.documentElement.classList.remove("gs-presenting");
      group.remove();
      exit.remove();
    },
  };
}
