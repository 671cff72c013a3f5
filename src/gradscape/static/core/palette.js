// gradscape's colours, defined once for the browser and for Python's figures (gradscape plot,
// the Python button's code): src/gradscape/palette.py reads the JSON between the two markers
// below, so keep it plain JSON (double quotes, no trailing commas, no comments inside).
//
// ramp: 16 stops [L, C, h] in OKLCH, lightness falling in equal steps from pale cream (low loss)
//   to deep indigo (high loss); core/colormap.js interpolates them in OKLab.
// runs: the runs' colours in order, colour-blind-safe first (Okabe & Ito, without vermilion,
//   which is ∇L's, and yellow, which vanishes on the pale valley floor), then six more that stay
//   apart from them in OKLab; each wraps round with the next dash pattern in `dashes`, so two runs
//   never look alike until len(runs) x len(dashes) of them.

export const PALETTE = /* palette-json */ {
  "ramp": [
    [0.975, 0.035, 95], [0.934, 0.060, 100], [0.893, 0.080, 108], [0.851, 0.095, 118],
    [0.810, 0.100, 130], [0.769, 0.098, 145], [0.727, 0.092, 160], [0.686, 0.086, 175],
    [0.645, 0.082, 190], [0.603, 0.080, 205], [0.562, 0.080, 220], [0.521, 0.084, 235],
    [0.479, 0.090, 250], [0.438, 0.098, 265], [0.397, 0.104, 280], [0.355, 0.108, 292]
  ],
  "runs": ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#3d3d3d", "#56B4E9",
           "#882255", "#999933", "#8c510a", "#6b4c9a"],
  "dashes": [[], [7, 3], [2, 2.5]]
} /* end-palette-json */;

/** Run i's colour and dash pattern: adjacent runs always differ in colour. @param {number} i */
export function runStyle(i) {
  const n = PALETTE.runs.length;
  const k = Math.max(0, Math.floor(i));
  return { color: PALETTE.runs[k % n], dash: PALETTE.dashes[Math.floor(k / n) % PALETTE.dashes.length] };
}
