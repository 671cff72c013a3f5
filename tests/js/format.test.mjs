// core/format.js: numbers and names for people.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fmt, formatLevel, formatTick, varHtml, varText, tidyMath, escapeHtml, compass, toward, fullPrecision } from "../../src/gradscape/static/core/format.js";

const M = "\u2212";

test("fmt: significant digits, trailing zeros dropped, a true minus sign", () => {
  assert.equal(fmt(8.48528137423857), "8.485");
  assert.equal(fmt(-2.5), `${M}2.5`);
  assert.equal(fmt(12, 4), "12");
  assert.equal(fmt(0), "0");
  assert.equal(fmt(1 / 3, 2), "0.33");
});

test("fmt: scientific notation for very large or small magnitudes, as text or HTML", () => {
  assert.equal(fmt(1.23456e-5), `1.235e${M}5`);
  assert.equal(fmt(-250000, 3, { ascii: true }), "-2.5e5");
  assert.equal(fmt(1.2e-5, 2, { html: true }), `1.2\u2009×\u200910<sup>${M}5</sup>`);
});

test("fmt: undefined and infinite values in words", () => {
  assert.equal(fmt(NaN), "undefined");
  assert.equal(fmt(Infinity), "∞");
  assert.equal(fmt(-Infinity), `${M}∞`);
});

test("contour labels take at most three significant digits", () => {
  assert.equal(formatLevel(12.345), "12.3");
  assert.equal(formatLevel(-0.5), `${M}0.5`);
  assert.equal(formatLevel(250000), "2.5e5");
  assert.equal(formatLevel(0.0001), `1e${M}4`);
});

test("tick labels show enough digits to tell neighbouring ticks apart", () => {
  assert.equal(formatTick(0.30000000000000004, 0.1), "0.3");
  assert.equal(formatTick(-2, 1), `${M}2`);
  assert.equal(formatTick(1e-17, 0.5), "0");
});

test("variable names: italic letters, subscript digits, Greek names as letters", () => {
  assert.equal(varHtml("w1"), "<i>w</i><sub>1</sub>");
  assert.equal(varHtml("x"), "<i>x</i>");
  assert.equal(varHtml("theta_2"), "<i>θ</i><sub>2</sub>");
  assert.equal(varText("w12"), "w₁₂");
  assert.equal(varText("alpha"), "α");
});

test("math HTML gets true minus signs in text only, and 'a + −b' reads 'a − b'", () => {
  assert.equal(tidyMath('<i class="a-b">x</i> + -y'), `<i class="a-b">x</i> ${M} y`);
});

test("escapeHtml escapes the five characters that matter", () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;");
});

test("directions get compass words (y up)", () => {
  assert.deepEqual([[1, 0], [1, 1], [0, 1], [-1, 1], [-1, 0], [-1, -1], [0, -1], [1, -1]].map(([x, y]) => compass(x, y)),
    ["right", "upper right", "up", "upper left", "left", "lower left", "down", "lower right"]);
  assert.equal(compass(0, 0), "nowhere");
  assert.equal(toward(0, 2), "straight up");
  assert.equal(toward(-1, -1), "toward the lower left");
});

test("full precision for machines: every digit, NaN spelled out", () => {
  assert.equal(fullPrecision([0.1 + 0.2, NaN, -0]), "0.30000000000000004,NaN,0");
});
