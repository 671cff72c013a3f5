// Parameters: a formula's variables beyond the two the explorer draws, each held at a slider's
// value. `a*x^2 + y^2` is compiled once as a program of (x, y, a); the explorer shows the slice
// through a = value by binding that input, with no compile:
//
//   const state = paramState(["x", "y", "a"], saved)   axes, values and slider ranges
//   const bound = bindProgram(program, axisIndex, values)   a program of the two axes only
//
// The bound program is the same op list with every other variable's input op replaced by its
// value as a constant ("c"), and the axes' inputs renumbered to 0 and 1; its gradient and
// Hessian are the axes' entries of the full ones. So the value and partials at (x, y) with a = 2
// are bit for bit those of the full program at (x, y, 2), which Python computes the same way.

/**
 * @typedef {import("./evaluator.js").Program} Program
 * @typedef {{value: number, min: number, max: number}} Slider
 * @typedef {{axes: [string, string], sliders: Record<string, Slider>}} ParamState
 */

export const DEFAULT_VALUE = 1;
export const DEFAULT_RANGE = /** @type {const} */ ([-10, 10]);

/**
 * The slider step for a range: about 200 steps, rounded to 1, 2 or 5 times a power of ten.
 * @param {number} min @param {number} max
 */
export function sliderStep(min, max) {
  const raw = Math.abs(max - min) / 200;
  if (!(raw > 0) || !Number.isFinite(raw)) return 0.01;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

/**
 * A value snapped to the slider's step (and rounded so it prints short: 0.3, not 0.30000000000000004).
 * @param {number} v @param {number} step
 */
export function snap(v, step) {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number((Math.round(v / step) * step).toFixed(Math.min(15, digits)));
}

/**
 * The explorer's state for a formula's variables: which two are the axes (the saved choice if
 * it still names two of them, else the first two), and a slider for every other variable (its
 * saved value and range, else 1 on [-10, 10]).
 * @param {string[]} variables all of the program's variables, axes first as Python orders them
 * @param {Partial<ParamState>|null|undefined} saved
 * @returns {ParamState}
 */
export function paramState(variables, saved) {
  const s = saved && typeof saved === "object" ? saved : {};
  const want = Array.isArray(s.axes) ? s.axes : [];
  const ok = want.length === 2 && want[0] !== want[1] && want.every((n) => variables.includes(n));
  const axes = /** @type {[string, string]} */ (ok ? [want[0], want[1]] : [variables[0] ?? "x", variables[1] ?? "y"]);
  /** @type {Record<string, Slider>} */
  const sliders = {};
  const old = s.sliders && typeof s.sliders === "object" ? s.sliders : {};
  for (const name of variables) {
    if (axes.includes(name)) continue;
    const o = old[name];
    sliders[name] = validSlider(o) || { value: DEFAULT_VALUE, min: DEFAULT_RANGE[0], max: DEFAULT_RANGE[1] };
  }
  return { axes, sliders };
}

/** @param {any} o @returns {Slider|null} */
export function validSlider(o) {
  if (!o || typeof o !== "object") return null;
  const value = Number(o.value);
  let min = Number(o.min);
  let max = Number(o.max);
  if (!Number.isFinite(value)) return null;
  if (!(Number.isFinite(min) && Number.isFinite(max) && min < max)) {
    min = Math.min(DEFAULT_RANGE[0], value);
    max = Math.max(DEFAULT_RANGE[1], value);
  }
  return { value, min: Math.min(min, value), max: Math.max(max, value) };
}

/**
 * The program over two of its variables, the others fixed at `values` (by variable index).
 * @param {Program} program
 * @param {[number, number]} axes indices into program.variables
 * @param {ArrayLike<number>} values one per variable (the axes' entries are ignored)
 * @returns {Program}
 */
export function bindProgram(program, axes, values) {
  const [i, j] = axes;
  const n = program.variables.length;
  if (n <= 2 && i === 0 && j === 1) return program;
  const ops = program.ops.map((op) => {
    if (op[0] !== "x") return op;
    const k = Number(op[1]);
    if (k === i) return k === 0 ? op : ["x", 0];
    if (k === j) return k === 1 ? op : ["x", 1];
    const v = Number(values[k]);
    return ["c", Number.isFinite(v) ? v : 0];
  });
  const g = program.gradient;
  /** @type {Program} */
  const out = {
    variables: [program.variables[i], program.variables[j]],
    ops,
    value: program.value,
    gradient: [g[i], g[j]],
  };
  const H = program.hessian;
  if (H) out.hessian = [[H[i][i], H[i][j]], [H[j][i], H[j][j]]];
  return out;
}

/**
 * The compiled surface as the explorer shows it under `state`: its variables the two axes, its
 * partials theirs, its program bound (see bindProgram). Without parameters it is `c` itself.
 * @template {{variables: string[], partials?: any[]|null, program: Program}} C
 * @param {C} c @param {ParamState} state
 * @returns {C & {parameters: string[]}}
 */
export function boundSurface(c, state) {
  const all = c.program.variables;
  const i = all.indexOf(state.axes[0]);
  const j = all.indexOf(state.axes[1]);
  if (all.length <= 2 || i < 0 || j < 0) return { ...c, parameters: [] };
  const values = all.map((name) => (state.sliders[name] ? state.sliders[name].value : 0));
  const partials = Array.isArray(c.partials) && c.partials.length === all.length ? [c.partials[i], c.partials[j]] : c.partials;
  return {
    ...c,
    variables: [all[i], all[j]],
    partials,
    program: bindProgram(c.program, [i, j], values),
    parameters: all.filter((_, k) => k !== i && k !== j),
  };
}

/**
 * Swap axis `slot` (0 or 1) for variable `name`: the old axis becomes a parameter held at the
 * point's coordinate, over the view's span; the new one leaves its slider, and its range
 * becomes the view's span on that axis.
 * @param {ParamState} state @param {0|1} slot @param {string} name
 * @param {number[]} point @param {{x: number[], y: number[]}} view
 * @returns {{state: ParamState, view: {x: number[], y: number[]}, point: number[]}}
 */
export function swapAxis(state, slot, name, point, view) {
  const axes = /** @type {[string, string]} */ ([...state.axes]);
  const spans = [view.x, view.y];
  const other = axes[1 - slot];
  const sliders = { ...state.sliders };
  if (name === other) { // swap the two axes
    axes.reverse();
    return { state: { axes, sliders }, view: { x: [...view.y], y: [...view.x] }, point: [point[1], point[0]] };
  }
  const incoming = sliders[name];
  if (!incoming) return { state, view, point };
  const old = axes[slot];
  const span = spans[slot];
  sliders[old] = { value: point[slot], min: Math.min(span[0], point[slot]), max: Math.max(span[1], point[slot]) };
  delete sliders[name];
  axes[slot] = name;
  const newSpan = [incoming.min, incoming.max];
  const p = [...point];
  p[slot] = incoming.value;
  const v = slot === 0 ? { x: newSpan, y: [...view.y] } : { x: [...view.x], y: newSpan };
  return { state: { axes, sliders }, view: v, point: p };
}
