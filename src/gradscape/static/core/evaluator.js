// Runs a compiled gradscape *program* (see docs/ARCHITECTURE.md) in the browser.
//
// The op table mirrors src/gradscape/functions.py exactly; a Python test parses the OP_NAMES line
// below and checks it against functions.OPS, so keep it a single line.
//
// Two evaluators share the same semantics as NumPy's `run_program`:
//   evalPoint(program, [x, y])   one point, scalar registers, allocation-light (runs on every hover)
//   evalGrid(program, xs, ys)    a whole grid, one op at a time over typed arrays
// Rules: IEEE float64; domain errors give NaN; after evaluation any non-finite value or partial is
// NaN, and wherever the value is NaN every partial is NaN too.

/** The op names, in functions.OPS order. */
export const OP_NAMES = ["x","c","add","sub","mul","div","neg","pow","powi","sin","cos","tan","asin","acos","atan","sinh","cosh","tanh","exp","log","sqrt","abs","sign"];

/**
 * @typedef {{variables: string[], ops: Array<Array<string|number>>, value: number,
 *            gradient: number[], hessian?: number[][]}} Program
 * @typedef {{value: number, gradient: number[], hessian?: number[][]}} PointResult
 * @typedef {{value: Float64Array, gx: Float64Array, gy: Float64Array, nx: number, ny: number}} GridResult
 */

const CODE = Object.fromEntries(OP_NAMES.map((name, i) => [name, i]));
const [X, C, ADD, SUB, MUL, DIV, NEG, POW, POWI, SIN, COS, TAN, ASIN, ACOS, ATAN, SINH, COSH, TANH,
  EXP, LOG, SQRT, ABS, SIGN] = OP_NAMES.map((_, i) => i);

/** log, undefined (NaN) at 0 like functions._log: exp(log(x)) is NaN at x = 0, as typed. */
const log = (a) => (a === 0 ? NaN : Math.log(a));

/** Unary ops as plain functions (indexed by op code). */
const UNARY = {
  [NEG]: (a) => -a,
  [SIN]: Math.sin, [COS]: Math.cos, [TAN]: Math.tan,
  [ASIN]: Math.asin, [ACOS]: Math.acos, [ATAN]: Math.atan,
  [SINH]: Math.sinh, [COSH]: Math.cosh, [TANH]: Math.tanh,
  [EXP]: Math.exp, [LOG]: log, [SQRT]: Math.sqrt, [ABS]: Math.abs, [SIGN]: Math.sign,
};

/**
 * a ** n for a whole n by repeated squaring: the same loop as functions._powi, bit for bit.
 * @param {number} x @param {number} n
 */
export function powi(x, n) {
  let base = x;
  let result = 1;
  let k = Math.abs(n);
  while (k) {
    if (k & 1) result = result * base;
    k >>= 1;
    if (k) base = base * base;
  }
  return n < 0 ? 1 / result : result;
}

/**
 * a ** b with C's pow() special cases, which NumPy follows and Math.pow does not
 * (pow(1, NaN) = 1, pow(-1, ±Infinity) = 1).
 * @param {number} a @param {number} b
 */
export function cpow(a, b) {
  if (a === 1 || b === 0) return 1;
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return Math.pow(a, b);
}

/**
 * The program turned into flat typed arrays once (cached per program object).
 * `firstOrder` marks the ops the value and the gradient need: a program compiled with its
 * Hessian carries second-order ops that the grid and the hover skip (`lastUse` counts only
 * those readers, for the grid's recycling).
 * @typedef {{n: number, code: Int32Array, a: Int32Array, b: Int32Array, konst: Float64Array,
 *            regs: Float64Array, lastUse: Int32Array, firstOrder: Uint8Array}} Prepared
 */
/** @type {WeakMap<Program, Prepared>} */
const prepared = new WeakMap();

/** @param {Program} program @returns {Prepared} */
export function prepare(program) {
  let p = prepared.get(program);
  if (p) return p;
  const n = program.ops.length;
  const code = new Int32Array(n);
  const a = new Int32Array(n);
  const b = new Int32Array(n);
  const konst = new Float64Array(n);
  const binary = new Uint8Array(n); // reads a second register
  program.ops.forEach((op, i) => {
    const c = CODE[/** @type {string} */ (op[0])];
    if (c === undefined) throw new Error(`Unknown op '${op[0]}' in program`);
    code[i] = c;
    if (c === C) konst[i] = op[1] === null ? NaN : Number(op[1]);
    else if (c === X) a[i] = Number(op[1]);
    else {
      a[i] = Number(op[1]);
      if (c === POWI) b[i] = Number(op[2]);
      else if (op.length > 2) { b[i] = Number(op[2]); binary[i] = 1; }
    }
  });
  // what the value and the gradient need, walking back from them (op i reads only registers < i)
  const firstOrder = new Uint8Array(n);
  for (const r of [program.value, ...program.gradient]) firstOrder[r] = 1;
  for (let i = n - 1; i >= 0; i--) {
    if (!firstOrder[i] || code[i] === C || code[i] === X) continue;
    firstOrder[a[i]] = 1;
    if (binary[i]) firstOrder[b[i]] = 1;
  }
  const lastUse = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (!firstOrder[i] || code[i] === C || code[i] === X) continue;
    lastUse[a[i]] = i;
    if (binary[i]) lastUse[b[i]] = i;
  }
  for (const r of [program.value, ...program.gradient]) lastUse[r] = n; // outputs live to the end
  p = { n, code, a, b, konst, regs: new Float64Array(n), lastUse, firstOrder };
  prepared.set(program, p);
  return p;
}

/**
 * Run the ops on scalars; the registers are reused between calls. With `only` (a mask of ops,
 * e.g. `firstOrder`) the others are skipped: their registers keep stale values nobody reads.
 * @param {Prepared} p @param {ArrayLike<number>} point @param {Uint8Array|null} [only]
 */
function runScalar(p, point, only = null) {
  const { n, code, a, b, konst, regs } = p;
  for (let i = 0; i < n; i++) {
    if (only && !only[i]) continue;
    const ai = a[i];
    switch (code[i]) {
      case X: regs[i] = ai < point.length ? +point[ai] : 0; break;
      case C: regs[i] = konst[i]; break;
      case ADD: regs[i] = regs[ai] + regs[b[i]]; break;
      case SUB: regs[i] = regs[ai] - regs[b[i]]; break;
      case MUL: regs[i] = regs[ai] * regs[b[i]]; break;
      case DIV: regs[i] = regs[ai] / regs[b[i]]; break;
      case NEG: regs[i] = -regs[ai]; break;
      case POW: regs[i] = cpow(regs[ai], regs[b[i]]); break;
      case POWI: regs[i] = powi(regs[ai], b[i]); break;
      case SIN: regs[i] = Math.sin(regs[ai]); break;
      case COS: regs[i] = Math.cos(regs[ai]); break;
      case TAN: regs[i] = Math.tan(regs[ai]); break;
      case ASIN: regs[i] = Math.asin(regs[ai]); break;
      case ACOS: regs[i] = Math.acos(regs[ai]); break;
      case ATAN: regs[i] = Math.atan(regs[ai]); break;
      case SINH: regs[i] = Math.sinh(regs[ai]); break;
      case COSH: regs[i] = Math.cosh(regs[ai]); break;
      case TANH: regs[i] = Math.tanh(regs[ai]); break;
      case EXP: regs[i] = Math.exp(regs[ai]); break;
      case LOG: regs[i] = log(regs[ai]); break;
      case SQRT: regs[i] = Math.sqrt(regs[ai]); break;
      case ABS: regs[i] = Math.abs(regs[ai]); break;
      case SIGN: regs[i] = Math.sign(regs[ai]); break;
      default: regs[i] = NaN;
    }
  }
  return regs;
}

/** @param {number} v */
const finite = (v) => (v - v === 0 ? v : NaN); // NaN and ±Infinity give NaN

/**
 * Value, gradient (and Hessian, if the program has one and `hessian` is not false) at one point.
 * @param {Program} program
 * @param {ArrayLike<number>} point  coordinates in `program.variables` order (missing ones are 0)
 * @param {boolean} [hessian] false: the value and gradient only (the hover's readout)
 * @returns {PointResult}
 */
export function evalPoint(program, point, hessian = true) {
  const p = prepare(program);
  const second = hessian && Boolean(program.hessian);
  const regs = runScalar(p, point, second ? null : p.firstOrder);
  const value = finite(regs[program.value]);
  const undef = value !== value;
  const g = program.gradient;
  const gradient = new Array(g.length);
  for (let k = 0; k < g.length; k++) gradient[k] = undef ? NaN : finite(regs[g[k]]);
  /** @type {PointResult} */
  const out = { value, gradient };
  if (second) {
    out.hessian = /** @type {number[][]} */ (program.hessian).map((row) => row.map((r) => (undef ? NaN : finite(regs[r]))));
  }
  return out;
}

/**
 * Value only, for line searches and the 3D picker: same rules, no gradient array.
 * @param {Program} program @param {ArrayLike<number>} point
 */
export function evalValue(program, point) {
  const p = prepare(program);
  return finite(runScalar(p, point, p.firstOrder)[program.value]);
}

/**
 * Central differences exactly as gradscape.surface.numeric_gradient computes them:
 * h_i = 1e-6 max(1, |w_i|), (L(w + h_i e_i) - L(w - h_i e_i)) / (2 h_i).
 * @param {Program} program @param {number[]} p
 */
export function centralDifferences(program, p) {
  return p.map((_, i) => {
    const h = 1e-6 * Math.max(1, Math.abs(p[i]));
    const up = p.slice();
    const down = p.slice();
    up[i] += h;
    down[i] -= h;
    return (evalValue(program, up) - evalValue(program, down)) / (2 * h);
  });
}

// ---------------------------------------------------------------------------------------------
// Grid evaluation: registers are either a number (constants, and ops on constants only) or a
// Float64Array over the whole grid. Arrays are recycled once their last reader has run.

/**
 * The program on an nx-by-ny grid spanning a view (corners included): what every plot draws.
 * @param {Program} program @param {{x: number[], y: number[]}} view
 * @param {number} nx @param {number} ny
 * @returns {GridResult & {xs: Float64Array, ys: Float64Array}} with the grid's own axes
 */
export function evalView(program, view, nx, ny) {
  const xs = new Float64Array(nx);
  const ys = new Float64Array(ny);
  for (let i = 0; i < nx; i++) xs[i] = view.x[0] + ((view.x[1] - view.x[0]) * i) / (nx - 1);
  for (let j = 0; j < ny; j++) ys[j] = view.y[0] + ((view.y[1] - view.y[0]) * j) / (ny - 1);
  return { ...evalGrid(program, xs, ys), xs, ys };
}

/**
 * @param {Program} program
 * @param {Float64Array|number[]} xs  nx abscissae (first variable)
 * @param {Float64Array|number[]} ys  ny ordinates (second variable); rows of the result follow y
 * @returns {GridResult}
 */
export function evalGrid(program, xs, ys) {
  const p = prepare(program);
  const nx = xs.length;
  const ny = ys.length;
  const size = nx * ny;
  /** @type {Float64Array[]} */
  const pool = [];
  const take = () => pool.pop() || new Float64Array(size);
  /** @type {Array<number|Float64Array>} */
  const regs = new Array(p.n);
  const { code, a, b, konst, lastUse, firstOrder } = p;

  for (let i = 0; i < p.n; i++) {
    if (!firstOrder[i]) continue; // second-order ops: no grid draws them
    const c = code[i];
    if (c === C) { regs[i] = konst[i]; continue; }
    if (c === X) {
      const v = a[i];
      if (v > 1) { regs[i] = 0; continue; }
      const o = take();
      if (v === 0) {
        for (let j = 0, k = 0; j < ny; j++) for (let q = 0; q < nx; q++, k++) o[k] = xs[q];
      } else {
        for (let j = 0, k = 0; j < ny; j++) {
          const y = ys[j];
          for (let q = 0; q < nx; q++, k++) o[k] = y;
        }
      }
      regs[i] = o;
      continue;
    }
    const A = regs[a[i]];
    if (c === POWI) {
      const n = b[i];
      if (typeof A === "number") regs[i] = powi(A, n);
      else { const o = take(); powiArray(A, n, o); regs[i] = o; }
    } else if (c >= NEG && c !== POW && c !== POWI) {
      const f = UNARY[c];
      if (typeof A === "number") regs[i] = f(A);
      else { const o = take(); unaryArray(c, f, A, o); regs[i] = o; }
    } else {
      const B = regs[b[i]];
      if (typeof A === "number" && typeof B === "number") regs[i] = binaryScalar(c, A, B);
      else { const o = take(); binaryArray(c, A, B, o); regs[i] = o; }
    }
    // recycle inputs whose last reader was this op
    const ra = a[i];
    if (lastUse[ra] === i && typeof regs[ra] !== "number") { pool.push(/** @type {Float64Array} */ (regs[ra])); regs[ra] = 0; }
    if (c === ADD || c === SUB || c === MUL || c === DIV || c === POW) {
      const rb = b[i];
      if (rb !== ra && lastUse[rb] === i && typeof regs[rb] !== "number") { pool.push(/** @type {Float64Array} */ (regs[rb])); regs[rb] = 0; }
    }
  }

  const value = new Float64Array(size);
  const gx = new Float64Array(size);
  const gy = new Float64Array(size);
  fillFinite(regs[program.value], value, null);
  const g = program.gradient;
  if (g.length > 0) fillFinite(regs[g[0]], gx, value); else gx.fill(0);
  if (g.length > 1) fillFinite(regs[g[1]], gy, value); else gy.fill(0);
  // a one-variable program has no second partial: it is 0 where the value exists
  if (g.length < 2) for (let k = 0; k < size; k++) if (value[k] !== value[k]) gy[k] = NaN;
  if (g.length < 1) for (let k = 0; k < size; k++) if (value[k] !== value[k]) gx[k] = NaN;
  return { value, gx, gy, nx, ny };
}

/**
 * Copy a register into `out`, NaN where non-finite (or where `mask` is NaN).
 * @param {number|Float64Array} src @param {Float64Array} out @param {Float64Array|null} mask
 */
function fillFinite(src, out, mask) {
  const n = out.length;
  if (typeof src === "number") {
    const v = finite(src);
    for (let k = 0; k < n; k++) out[k] = v;
  } else {
    for (let k = 0; k < n; k++) { const v = src[k]; out[k] = v - v === 0 ? v : NaN; }
  }
  if (mask) for (let k = 0; k < n; k++) if (mask[k] !== mask[k]) out[k] = NaN;
}

/** @param {number} c @param {number} A @param {number} B */
function binaryScalar(c, A, B) {
  switch (c) {
    case ADD: return A + B;
    case SUB: return A - B;
    case MUL: return A * B;
    case DIV: return A / B;
    case POW: return cpow(A, B);
    default: return NaN;
  }
}

/**
 * @param {number} c @param {number|Float64Array} A @param {number|Float64Array} B @param {Float64Array} o
 */
function binaryArray(c, A, B, o) {
  const n = o.length;
  if (typeof A !== "number" && typeof B !== "number") {
    switch (c) {
      case ADD: for (let k = 0; k < n; k++) o[k] = A[k] + B[k]; return;
      case SUB: for (let k = 0; k < n; k++) o[k] = A[k] - B[k]; return;
      case MUL: for (let k = 0; k < n; k++) o[k] = A[k] * B[k]; return;
      case DIV: for (let k = 0; k < n; k++) o[k] = A[k] / B[k]; return;
      case POW: for (let k = 0; k < n; k++) o[k] = cpow(A[k], B[k]); return;
    }
  } else if (typeof A !== "number") {
    const b = /** @type {number} */ (B);
    switch (c) {
      case ADD: for (let k = 0; k < n; k++) o[k] = A[k] + b; return;
      case SUB: for (let k = 0; k < n; k++) o[k] = A[k] - b; return;
      case MUL: for (let k = 0; k < n; k++) o[k] = A[k] * b; return;
      case DIV: for (let k = 0; k < n; k++) o[k] = A[k] / b; return;
      case POW: for (let k = 0; k < n; k++) o[k] = cpow(A[k], b); return;
    }
  } else {
    const a = A;
    const Bv = /** @type {Float64Array} */ (B);
    switch (c) {
      case ADD: for (let k = 0; k < n; k++) o[k] = a + Bv[k]; return;
      case SUB: for (let k = 0; k < n; k++) o[k] = a - Bv[k]; return;
      case MUL: for (let k = 0; k < n; k++) o[k] = a * Bv[k]; return;
      case DIV: for (let k = 0; k < n; k++) o[k] = a / Bv[k]; return;
      case POW: for (let k = 0; k < n; k++) o[k] = cpow(a, Bv[k]); return;
    }
  }
  o.fill(NaN);
}

/** @param {number} c @param {(a: number) => number} f @param {Float64Array} A @param {Float64Array} o */
function unaryArray(c, f, A, o) {
  const n = o.length;
  switch (c) { // the common ones get their own loop; the rest go through f
    case NEG: for (let k = 0; k < n; k++) o[k] = -A[k]; return;
    case EXP: for (let k = 0; k < n; k++) o[k] = Math.exp(A[k]); return;
    case LOG: for (let k = 0; k < n; k++) o[k] = log(A[k]); return;
    case SIN: for (let k = 0; k < n; k++) o[k] = Math.sin(A[k]); return;
    case COS: for (let k = 0; k < n; k++) o[k] = Math.cos(A[k]); return;
    case SQRT: for (let k = 0; k < n; k++) o[k] = Math.sqrt(A[k]); return;
    case ABS: for (let k = 0; k < n; k++) o[k] = Math.abs(A[k]); return;
    default: for (let k = 0; k < n; k++) o[k] = f(A[k]);
  }
}

/** @param {Float64Array} A @param {number} n @param {Float64Array} o */
function powiArray(A, n, o) {
  const len = o.length;
  if (n === 2) { for (let k = 0; k < len; k++) { const v = A[k]; o[k] = v * v; } return; }
  for (let k = 0; k < len; k++) o[k] = powi(A[k], n);
}
