// The formula box: type a loss, see it typeset; a bad formula shows its message with the column
// underlined in the box (the last good surface stays on screen). Plus the gallery menu.

import { varHtml, escapeHtml, tidyMath } from "../core/format.js";
import { oneVariable } from "./curve1d.js";

export const DEBOUNCE_MS = 150;

/**
 * @typedef {{name: string, title: string, formula: string, blurb?: string}} GalleryEntry
 * @typedef {{ formula: (text: string) => void, gallery: (name: string) => void }} BoxHandlers
 */

/** @param {HTMLElement} host @param {BoxHandlers} on @param {string} uid */
export function createFormulaBox(host, on, uid) {
  const box = document.createElement("section");
  box.className = "gs-formulabox";
  box.innerHTML = `
    <div class="gs-display" aria-live="off"><span class="gs-display-lhs"></span><span class="gs-display-rhs"></span></div>
    <div class="gs-formula-row">
      <label class="gs-formula-label" for="${uid}-formula">Loss</label>
      <div class="gs-formula-field">
        <div class="gs-formula-mirror" aria-hidden="true"><span class="gs-m-pre"></span><span class="gs-m-err"></span></div>
        <input id="${uid}-formula" class="gs-formula-input" data-testid="formula" type="text"
          autocomplete="off" autocapitalize="off" spellcheck="false"
          aria-describedby="${uid}-formula-error ${uid}-formula-help">
      </div>
      <label class="gs-sr" for="${uid}-gallery">Gallery of surfaces</label>
      <select id="${uid}-gallery" class="gs-gallery" data-testid="gallery">
        <option value="">Gallery…</option>
      </select>
    </div>
    <p id="${uid}-formula-help" class="gs-formula-help">Write it as you would on paper: <code>w1^2 + 3w2^2</code>, <code>(1 - x)^2 + 100(y - x^2)^2</code>, <code>sin(x) cos(y)</code>.</p>
    <p id="${uid}-formula-error" class="gs-formula-error" data-testid="formula-error" role="status" hidden></p>
    <p class="gs-formula-hint" data-testid="formula-hint" role="status" hidden></p>`;
  host.appendChild(box);
  const q = (/** @type {string} */ s) => /** @type {HTMLElement} */ (box.querySelector(s));
  const input = /** @type {HTMLInputElement} */ (q(".gs-formula-input"));
  const mirror = q(".gs-formula-mirror");
  const pre = q(".gs-m-pre");
  const err = q(".gs-m-err");
  const error = q(".gs-formula-error");
  const select = /** @type {HTMLSelectElement} */ (q(".gs-gallery"));
  const lhs = q(".gs-display-lhs");
  const rhs = q(".gs-display-rhs");
  const help = q(".gs-formula-help");
  const hint = q(".gs-formula-hint");

  /** @type {ReturnType<typeof setTimeout>|0} */
  let timer = 0;
  /** @type {number|null} */
  let errorColumn = null;

  const onInput = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => { timer = 0; on.formula(input.value); }, DEBOUNCE_MS);
    if (errorColumn !== null) paintMirror(); // keep the underline under the right character
  };
  /** @param {KeyboardEvent} e */
  const onKey = (e) => {
    if (e.key === "Enter") { // compile now
      if (timer) clearTimeout(timer);
      timer = 0;
      on.formula(input.value);
    }
  };
  const onScroll = () => { mirror.scrollLeft = input.scrollLeft; };
  const onSelect = () => { if (select.value) on.gallery(select.value); };
  const listening = new AbortController(); // destroy() removes every listener at once
  const { signal } = listening;
  input.addEventListener("input", onInput, { signal });
  input.addEventListener("keydown", onKey, { signal });
  input.addEventListener("scroll", onScroll, { signal });
  select.addEventListener("change", onSelect, { signal });

  /** Underline the character at the error's column (or a caret at the end). */
  function paintMirror() {
    const text = input.value;
    if (errorColumn === null) {
      pre.textContent = "";
      err.textContent = "";
      return;
    }
    const c = Math.max(0, Math.min(text.length, errorColumn));
    pre.textContent = text.slice(0, c);
    err.textContent = c < text.length ? text[c] : "\u00a0"; // past the end: underline a space
    mirror.scrollLeft = input.scrollLeft;
  }

  return {
    element: box,
    input,
    /** @param {string} text */
    setText(text) {
      if (input.value !== text) input.value = text;
    },
    get text() { return input.value; },
    /** @param {string} message @param {number|null} column */
    setError(message, column) {
      box.classList.remove("gs-notice");
      errorColumn = typeof column === "number" && column >= 0 ? column : null;
      const where = errorColumn !== null ? ` (at column ${errorColumn + 1})` : "";
      error.textContent = message + where;
      error.hidden = false;
      input.setAttribute("aria-invalid", "true");
      box.classList.add("gs-has-error");
      help.hidden = true;
      paintMirror();
    },
    /** A passing message that is not the formula's fault ("the server is busy, retrying…"). @param {string} message */
    setNotice(message) {
      this.clearError();
      error.textContent = message;
      error.hidden = false;
      help.hidden = true;
      box.classList.add("gs-notice");
    },
    clearError() {
      box.classList.remove("gs-notice");
      errorColumn = null;
      error.textContent = "";
      error.hidden = true;
      input.removeAttribute("aria-invalid");
      box.classList.remove("gs-has-error");
      help.hidden = false;
      paintMirror();
    },
    /** A one-line hint about a formula that compiled ("xy" is one variable...); "" for none. @param {string} text */
    setHint(text) {
      hint.textContent = text;
      hint.hidden = !text;
    },
    /** @param {boolean} editable @param {string} [why] */
    setEditable(editable, why) {
      input.readOnly = !editable;
      input.title = editable ? "" : why || "";
      box.classList.toggle("gs-readonly", !editable);
      if (!editable && why) help.textContent = why;
    },
    /** @param {GalleryEntry[]} entries */
    setGallery(entries) {
      const keep = select.value;
      select.replaceChildren(new Option("Gallery…", ""));
      for (const e of entries) {
        const o = new Option(e.title || e.name, e.name);
        o.title = e.formula;
        select.appendChild(o);
      }
      select.value = entries.some((e) => e.name === keep) ? keep : "";
    },
    /** @param {string|null} name */
    setSelected(name) {
      const has = [...select.options].some((o) => o.value === name);
      select.value = name && has ? name : "";
    },
    /**
     * The typeset formula above the box.
     * @param {{variables: string[], html?: string, text?: string, own_variables?: string[]|null}|null} c
     */
    setDisplay(c) {
      if (!c) { lhs.innerHTML = ""; rhs.innerHTML = ""; return; }
      const one = oneVariable(c); // a formula of one variable: L(x), not L(x, y)
      lhs.innerHTML = `<i>L</i>(${(one >= 0 ? [c.variables[one]] : c.variables.slice(0, 2)).map(varHtml).join(", ")}) = `;
      rhs.innerHTML = c.html ? tidyMath(c.html) : escapeHtml(c.text || "");
    },
    destroy() {
      listening.abort();
      if (timer) clearTimeout(timer);
      box.remove();
    },
  };
}
