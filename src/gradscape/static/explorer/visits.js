// The lesson's worked example inside the explorer: on the bowl w1^2 + 3w2^2 (however it is
// spelt), "Visit" buttons under the readout move the point to three telling places and explain
// what the gradient says there.
//
//   const visits = createVisits(parent, (p, speech) => ...)   the explorer moves the point
//   visits.setSurface(compiled)   shown only on the bowl
//   visits.moved(point)           the explanation goes once the point leaves the visited place

import { evalPoint } from "../core/evaluator.js";
import { varHtml } from "../core/format.js";

/** The lesson's worked example: three points on the bowl w1^2 + 3w2^2. */
export const VISITS = [
  {
    id: "visit-3-1", p: [3, 1], label: "(3, 1)",
    text: "∇L = (6, 6): both weights push uphill equally hard, yet the bowl is steeper per unit in w2 — so the arrow does not point at the minimum.",
    speech: "The gradient is (6, 6): both weights push uphill equally hard, yet the bowl is steeper per unit in w2, so the gradient does not point at the minimum.",
  },
  {
    id: "visit-0-1", p: [0, 1], label: "(0, 1)",
    text: "∇L = (0, 6): flat in w1, steep in w2 — the gradient points straight up the w2 axis.",
    speech: "The gradient is (0, 6): flat in w1, steep in w2. It points straight along the w2 axis.",
  },
  {
    id: "visit-0-0", p: [0, 0], label: "(0, 0)",
    text: "∇L = (0, 0): the minimum. No direction is downhill, so descent stops here.",
    speech: "The gradient is (0, 0): this is the minimum. No direction is downhill.",
  },
];

/**
 * @param {HTMLElement} parent
 * @param {(p: number[], speech: string) => void} visit move the point to p and announce `speech`
 */
export function createVisits(parent, visit) {
  const examples = document.createElement("div");
  examples.className = "gs-examples";
  parent.appendChild(examples);
  examples.innerHTML = `<div class="gs-examples-row"><span class="gs-examples-label">Visit</span>${VISITS.map(
    (v) => `<button type="button" data-testid="${v.id}" data-visit="${v.id}">${v.label}</button>`).join("")}</div>
    <p class="gs-example-text" aria-live="off"></p>`;
  const exampleText = /** @type {HTMLElement} */ (examples.querySelector(".gs-example-text"));
  /** @type {number[]|null} the visited point whose explanation is showing */
  let visited = null;

  /** @param {Event} e */
  const onVisit = (e) => {
    const b = /** @type {HTMLElement} */ (e.target).closest("[data-visit]");
    if (!b) return;
    const v = VISITS.find((x) => x.id === /** @type {HTMLElement} */ (b).dataset.visit);
    if (!v) return;
    visited = null; // set after the move, which would otherwise clear it
    visit(v.p, v.speech);
    exampleText.innerHTML = `<strong>At (${v.p.join(", ")}):</strong> ${v.text.replace("∇L", "∇<i>L</i>").replace(/w([12])/g, (_, d) => varHtml(`w${d}`))}`;
    visited = v.p;
  };
  const listening = new AbortController(); // destroy() removes every listener at once
  examples.addEventListener("click", onVisit, { signal: listening.signal });

  return {
    element: examples,
    /** @param {{variables: string[], program: import("../core/evaluator.js").Program}} c */
    setSurface(c) {
      const bowl = isBowl(c);
      examples.hidden = !bowl;
      if (!bowl) exampleText.textContent = "";
    },
    /** @param {number[]} point */
    moved(point) {
      if (visited && (visited[0] !== point[0] || visited[1] !== point[1])) { // the example no longer applies
        visited = null;
        exampleText.textContent = "";
      }
    },
    destroy() {
      listening.abort();
      examples.remove();
    },
  };
}

/**
 * Is this the lesson's bowl w1^2 + 3w2^2? (checked by value, so any spelling counts)
 * @param {{variables: string[], program: import("../core/evaluator.js").Program}} c
 */
export function isBowl(c) {
  if (c.variables[0] !== "w1" || c.variables[1] !== "w2") return false;
  return [[3, 1], [0, 1], [1.5, -2], [-0.7, 0.3]].every(([a, b]) => {
    const r = evalPoint(c.program, [a, b]);
    const want = a * a + 3 * b * b;
    return Math.abs(r.value - want) <= 1e-9 * Math.max(1, want);
  });
}
