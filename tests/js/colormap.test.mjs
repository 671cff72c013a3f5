// core/colormap.js: the ramp runs from pale (low) to deep blue (high); the normalizer gives each
// band between contour levels an equal share of it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { LUT, makeNormalizer, paintHeatmap, oklch } from "../../src/gradscape/static/core/colormap.js";

globalThis.ImageData ??= class { constructor(w, h) { this.width = w; this.height = h; this.data = new Uint8ClampedArray(4 * w * h); } };

test("the ramp has 256 colours from pale cream to deep blue", () => {
  assert.equal(LUT.length, 256 * 3);
  assert.deepEqual(Array.from(LUT.slice(0, 3)), [254, 247, 221]);
  assert.deepEqual(Array.from(LUT.slice(765, 768)), [62, 46, 111]);
});

test("the ramp darkens steadily: each colour is no lighter than the one before", () => {
  const lum = (k) => 0.2126 * LUT[3 * k] + 0.7152 * LUT[3 * k + 1] + 0.0722 * LUT[3 * k + 2];
  for (let k = 1; k < 256; k++) assert.ok(lum(k) <= lum(k - 1) + 1e-9, `step ${k}`);
});

test("oklch gives sRGB bytes (white, black)", () => {
  assert.deepEqual(Array.from(oklch(1, 0, 0)), [255, 255, 255]);
  assert.deepEqual(Array.from(oklch(0, 0, 0)), [0, 0, 0]);
});

test("levels split the ramp into equal bands, linear inside each", () => {
  const n = makeNormalizer([1, 2, 3], 0, 4);
  assert.deepEqual([0, 1, 1.5, 2, 3, 4].map(n), [0, 0.25, 0.375, 0.5, 0.75, 1]);
  const skewed = makeNormalizer([1, 10, 100], 0, 1000);
  assert.deepEqual([1, 10, 100, 550].map(skewed), [0.25, 0.5, 0.75, 0.875]);
});

test("the normalizer clamps outside the range, and NaN maps to the low end", () => {
  const n = makeNormalizer([1, 2, 3], 0, 4);
  assert.deepEqual([-5, 9, NaN].map(n), [0, 1, 0]);
  assert.equal(makeNormalizer([], 1, 1)(3), 0.5); // a flat surface: the middle of the ramp
});

test("the heatmap flips rows (y up) and leaves undefined cells transparent", () => {
  const values = Float64Array.from([0, 1, NaN, 0]); // 2 x 2, bottom row first
  const img = paintHeatmap(values, 2, 2, (v) => v);
  const px = (x, y) => Array.from(img.data.slice(4 * (y * 2 + x), 4 * (y * 2 + x) + 4));
  assert.deepEqual(px(0, 1), [...LUT.slice(0, 3), 255]); // value 0 at the bottom left
  assert.deepEqual(px(1, 1), [...LUT.slice(765, 768), 255]); // value 1 at the bottom right
  assert.equal(px(0, 0)[3], 0); // NaN at the top left: transparent
});
