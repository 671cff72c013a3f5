// The lesson page's entry module: reads the data Python inlined as JSON, then mounts each
// figure on its <figure data-figure="..."> and the explorer on #explore. A figure that fails
// says so in place; the others still work. Only static imports, so gradscape.bundle can join
// everything into one module for the one-file lesson.

import { mountSlope } from "./slope.js";
import { mountBowl } from "./bowl.js";
import { mountCompass } from "./compass.js";
import { mountDescent } from "./descent.js";
import { mountModel } from "./model.js";
import { mountExplorer } from "../hosts/lesson-explorer.js";

/** @param {string} id */
function readJson(id) {
  const el = document.getElementById(id);
  return el ? JSON.parse(el.textContent || "null") : null;
}

/** @param {HTMLElement} el @param {unknown} err */
function failed(el, err) {
  console.error(err);
  const p = document.createElement("p");
  p.className = "fig-error";
  p.textContent = `This figure could not start: ${err instanceof Error ? err.message : String(err)}`;
  el.prepend(p);
}

function main() {
  const bowl = readJson("lesson-bowl");
  const model = readJson("lesson-model");
  /** @type {Record<string, (fig: HTMLElement) => void>} */
  const figures = {
    slope: (fig) => mountSlope(fig),
    bowl: (fig) => mountBowl(fig, bowl),
    compass: (fig) => mountCompass(fig, bowl),
    descent: (fig) => mountDescent(fig, bowl),
    many: (fig) => mountModel(fig, model),
  };
  for (const fig of document.querySelectorAll("[data-figure]")) {
    const el = /** @type {HTMLElement} */ (fig);
    const mount = figures[el.dataset.figure || ""];
    if (!mount) continue;
    try {
      mount(el);
      el.dataset.ready = "true";
    } catch (err) {
      failed(el, err);
    }
  }
  const explore = document.getElementById("explore");
  if (explore) {
    try {
      mountExplorer(explore, bowl);
      explore.dataset.ready = "true";
    } catch (err) {
      failed(explore, err);
    }
  }
  document.body.dataset.ready = "true";
}

main();
