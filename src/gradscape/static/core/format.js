// Words and numbers for people: short number formats, variable names as typeset HTML,
// and compass words for directions.

const MINUS = "\u2212";

/**
 * A number for reading: `digits` significant digits, trailing zeros dropped, a true minus sign,
 * scientific notation (1.2 × 10⁻⁵ as HTML, 1.2e-5 as text) for very large or small magnitudes.
 * @param {number} v @param {number} [digits] @param {{html?: boolean, ascii?: boolean}} [opts]
 */
export function fmt(v, digits = 4, opts = {}) {
  if (v !== v) return "undefined";
  if (v === Infinity) return "∞";
  if (v === -Infinity) return `${MINUS}∞`;
  if (v === 0) return "0";
  const minus = opts.ascii ? "-" : MINUS;
  const a = Math.abs(v);
  const sign = v < 0 ? minus : "";
  if (a >= 1e5 || a < 1e-3) {
    const [m, e] = a.toExponential(digits - 1).split("e");
    const mant = trimZeros(m);
    const exp = Number(e);
    if (opts.html) return `${sign}${mant}\u2009×\u200910<sup>${exp < 0 ? MINUS : ""}${Math.abs(exp)}</sup>`;
    return `${sign}${mant}e${exp < 0 ? minus : ""}${Math.abs(exp)}`;
  }
  let s = a.toPrecision(digits);
  if (s.includes("e")) s = String(Number(s)); // toPrecision may still choose exponent form
  return sign + trimZeros(s);
}

/** @param {string} s */
function trimZeros(s) {
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

/**
 * A contour level's label: at most 3 significant digits, as short as possible.
 * @param {number} v
 */
export function formatLevel(v) {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const [m, e] = a.toExponential(2).split("e");
    return `${v < 0 ? MINUS : ""}${trimZeros(m)}e${Number(e) < 0 ? MINUS : ""}${Math.abs(Number(e))}`;
  }
  return (v < 0 ? MINUS : "") + trimZeros(String(Number(a.toPrecision(3))));
}

/**
 * A tick label: enough digits to tell neighbouring ticks `step` apart.
 * @param {number} v @param {number} step
 */
export function formatTick(v, step) {
  const r = Number((Math.round(v / step) * step).toPrecision(12));
  if (r === 0) return "0";
  const a = Math.abs(r);
  if (a >= 1e5 || a < 1e-3) return formatLevel(r);
  return (r < 0 ? MINUS : "") + String(a);
}

const GREEK = {
  alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", eta: "η", theta: "θ",
  lambda: "λ", mu: "μ", phi: "φ", psi: "ψ", omega: "ω", sigma: "σ", tau: "τ", rho: "ρ",
  xi: "ξ", nu: "ν", kappa: "κ",
};
const SUBSCRIPT = "₀₁₂₃₄₅₆₇₈₉";

/** @param {string} name @returns {[string, string]} base letters (Greek spelled as letters) and digits */
function splitName(name) {
  const m = /^([A-Za-z_]*[A-Za-z])_?(\d+)$/.exec(name);
  const base = m ? m[1] : name;
  return [/** @type {Record<string,string>} */ (GREEK)[base] || base, m ? m[2] : ""];
}

/**
 * A variable's name as HTML, like the server's: italic letters, subscript digits (w1 -> w₁).
 * @param {string} name
 */
export function varHtml(name) {
  const [base, sub] = splitName(name);
  return `<i>${escapeHtml(base)}</i>${sub ? `<sub>${sub}</sub>` : ""}`;
}

/** A variable's name as plain text with Unicode subscripts (w1 -> w₁). @param {string} name */
export function varText(name) {
  const [base, sub] = splitName(name);
  return base + [...sub].map((d) => SUBSCRIPT[Number(d)]).join("");
}

/**
 * Typographic tidying of server-made math HTML: "a + −b" reads "a − b", and a hyphen used as a
 * minus sign becomes a true minus (only in text, never inside tags).
 * @param {string} html
 */
export function tidyMath(html) {
  return html
    .replace(/(^|>)([^<]*)/g, (_, open, text) => open + text.replace(/-/g, MINUS))
    .replace(/\+\s*\u2212\s*/g, `${MINUS} `);
}

/** @param {string} s */
export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const COMPASS = ["right", "upper right", "up", "upper left", "left", "lower left", "down", "lower right"];

/**
 * The compass word for a direction in the plot (y up): "right", "upper right", "up", ...
 * @param {number} dx @param {number} dy
 */
export function compass(dx, dy) {
  if (!(dx * dx + dy * dy > 0)) return "nowhere";
  const a = Math.atan2(dy, dx); // -pi..pi, 0 = right
  const k = ((Math.round(a / (Math.PI / 4)) % 8) + 8) % 8;
  return COMPASS[k];
}

/**
 * A direction as a phrase for a sentence: "toward the upper right", "straight up", ...
 * @param {number} dx @param {number} dy
 */
export function toward(dx, dy) {
  const w = compass(dx, dy);
  if (w === "up" || w === "down") return `straight ${w}`;
  return w === "nowhere" ? "nowhere" : `toward the ${w}`;
}

/** Numbers in full precision for machine reading: String(n), NaN as "NaN". @param {number[]} xs */
export function fullPrecision(xs) {
  return xs.map((v) => String(v)).join(",");
}
