// The explorer's view tools under the 2D plot: zoom in and out, pan mode, reset, equal scales,
// and the caption with the arrows' key, the known-minimum mark and the surface's blurb.
//
//   const tools = createViewTools(figure, uid, { zoom, reset, pan, equal })
//   tools.setSurface(hasMinima, blurb)    what the caption says about this surface

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
      <label class="gs-check"><input type="checkbox" data-act="equal" checked> Equal scales</label>
    </div>
    <figcaption id="${uid}-caption" class="gs-caption">
      <span class="gs-key gs-key-grad" aria-hidden="true"></span> gradient ∇<i>L</i>, uphill
      <span class="gs-key gs-key-desc" aria-hidden="true"></span> steepest descent −∇<i>L</i>
      <span class="gs-key-min" aria-hidden="true" hidden>×</span><span class="gs-key-min-text" hidden> known minimum</span>
      <span class="gs-caption-note">Contours join points of equal loss; colour runs from pale (low) to deep blue (high).</span>
      <span class="gs-blurb" hidden></span>
    </figcaption>`;
  const equalBox = /** @type {HTMLInputElement} */ (toolbar.querySelector('[data-act="equal"]'));
  const panBtn = /** @type {HTMLButtonElement} */ (toolbar.querySelector('[data-act="pan"]'));
  const blurb = /** @type {HTMLElement} */ (toolbar.querySelector(".gs-blurb"));

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
    destroy() {
      listening.abort();
    },
  };
}
