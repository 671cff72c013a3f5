// The explorer's view tools under the 2D plot: zoom in and out, pan mode, reset, equal scales,
// and the caption with the arrows' key, the known-minimum mark and the surface's blurb.
//
//   const tools = createViewTools(figure, uid, { zoom, reset, pan, equal })
//   tools.setSurface(hasMinima, blurb)    what the caption says about this surface
//   tools.explainEqual(on, view, w, h)    after the toggle: what changed in the window, in numbers
//                                         (or that nothing could, the window having the plot's shape)

import { fitView } from "../core/view.js";
import { fmt } from "../core/format.js";

/**
 * @param {HTMLElement} parent @param {string} uid prefix for ids
 * @param {{zoom: (factor: number) => void, reset: () => void, pan: (on: boolean) => void,
 *          equal: (on: boolean) => void}} on
 */
export function createViewTools(parent, uid, on) {
  const toolbar = document.createElement("div");
  toolbar.className = "gs-toolbar";
  parent.appendChild(toolbar);
  toolbar.innerHTML = `
    <div class="gs-tools" role="group" aria-label="View">
      <button type="button" data-act="zoom-in" aria-label="Zoom in" title="Zoom in (+)">+</button>
      <button type="button" data-act="zoom-out" aria-label="Zoom out" title="Zoom out (−)">−</button>
      <button type="button" data-act="pan" aria-pressed="false" title="Drag to pan (or hold Shift while dragging)">Pan</button>
      <button type="button" data-act="reset-view" data-testid="reset-view">Reset view</button>
      <label class="gs-check" title="One unit as long on both axes: then −∇L crosses the contours at right angles"><input type="checkbox" data-act="equal" checked> Equal scales</label>
      <span class="gs-equal-note" data-testid="equal-note" role="status" hidden></span>
    </div>
    <figcaption id="${uid}-caption" class="gs-caption">
      <span class="gs-key gs-key-grad" aria-hidden="true"></span> gradient ∇<i>L</i>, uphill
      <span class="gs-key gs-key-desc" aria-hidden="true"></span> steepest descent −∇<i>L</i>
      <span class="gs-key-min" aria-hidden="true" hidden>×</span><span class="gs-key-min-text" hidden> known minimum</span>
      <span class="gs-caption-note">Contours join points of equal loss; colour runs from pale (low) to deep blue (high).</span>
      <span class="gs-caption-note-1d">L depends on one variable: its curve, the tangent at the point (dashed), and the gradient, a vector of one partial derivative, along the axis.</span>
      <span class="gs-blurb" hidden></span>
    </figcaption>`;
  const equalBox = /** @type {HTMLInputElement} */ (toolbar.querySelector('[data-act="equal"]'));
  const panBtn = /** @type {HTMLButtonElement} */ (toolbar.querySelector('[data-act="pan"]'));
  const blurb = /** @type {HTMLElement} */ (toolbar.querySelector(".gs-blurb"));
  const equalNote = /** @type {HTMLElement} */ (toolbar.querySelector(".gs-equal-note"));

  /** @param {Event} e */
  const onClick = (e) => {
    const t = /** @type {HTMLElement} */ (e.target).closest("[data-act]");
    if (!t) return;
    const act = /** @type {HTMLElement} */ (t).dataset.act;
    if (act === "zoom-in") on.zoom(1 / 1.5);
    else if (act === "zoom-out") on.zoom(1.5);
    else if (act === "reset-view") on.reset();
    else if (act === "pan") {
      const pressed = panBtn.getAttribute("aria-pressed") !== "true";
      panBtn.setAttribute("aria-pressed", String(pressed));
      on.pan(pressed);
    }
  };
  const listening = new AbortController(); // destroy() removes every listener at once
  toolbar.addEventListener("click", onClick, { signal: listening.signal });
  equalBox.addEventListener("change", () => on.equal(equalBox.checked), { signal: listening.signal });

  return {
    element: toolbar,
    /** @param {boolean} hasMinima @param {string} text the surface's blurb ("" for none) */
    setSurface(hasMinima, text) {
      for (const e of toolbar.querySelectorAll(".gs-key-min, .gs-key-min-text")) /** @type {HTMLElement} */ (e).hidden = !hasMinima;
      blurb.textContent = text;
      blurb.hidden = !text;
    },
    /**
     * Say what the toggle did to the window shown in a w x h plot: which axis widened or narrowed,
     * from what to what; or that this window already has the plot's shape.
     * @param {boolean} on @param {import("../core/view.js").View} view @param {number} w @param {number} h
     */
    explainEqual(on, view, w, h) {
      const fitted = fitView(view, w, h, true);
      const axis = fitted.x[0] !== view.x[0] || fitted.x[1] !== view.x[1] ? "x" : "y";
      const a = view[axis];
      const b = fitted[axis];
      const grow = (b[1] - b[0]) / (a[1] - a[0]) - 1;
      const range = (/** @type {number[]} */ r) => `${fmt(r[0], 3)} to ${fmt(r[1], 3)}`;
      const [from, to] = on ? [a, b] : [b, a];
      equalNote.textContent = !(grow > 0.005)
        ? "No change here: this window already has the plot's shape, so its scales are equal either way."
        : on
          ? `Equal scales: ${axis} now shows ${range(to)} (was ${range(from)}), so a unit is as long on both axes.`
          : `Scales unequal: ${axis} shows ${range(to)} (was ${range(from)}), filling the plot; −∇L no longer meets the contours at right angles.`;
      equalNote.hidden = false;
    },
    destroy() {
      listening.abort();
    },
  };
}
