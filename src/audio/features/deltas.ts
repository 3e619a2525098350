/**
 * Dynamic features: regression deltas (HTK formula) and delta-deltas (deltas of the deltas).
 */
import {
  assertMatrix,
  createMatrix,
  type ColumnBlock,
  type FeatureMatrix,
} from './feature-matrix.js';

/** Default regression half-window N (frames each side). */
export const DEFAULT_DELTA_WINDOW = 2;
/** Default number of derivative orders appended: 2 = deltas and delta-deltas. */
export const DEFAULT_DELTA_ORDER = 2;

/** Options of {@link addDeltas}. */
export interface DeltaOptions {
  /** 0 (statics only), 1 (+ deltas) or 2 (+ deltas + delta-deltas). Default {@link DEFAULT_DELTA_ORDER}. */
  readonly order?: 0 | 1 | 2;
  /** Regression half-window N. Default {@link DEFAULT_DELTA_WINDOW}. */
  readonly window?: number;
}

function checkWindow(window: number): void {
  if (!Number.isInteger(window) || window < 1) {
    throw new RangeError(`delta window must be a positive integer, got ${window}`);
  }
}

/**
 * Regression deltas d[t] = Σₙ n·(c[t+n] − c[t−n]) / (2·Σₙ n²), n = 1..window, frames beyond the
 * edges replaced by the first/last frame. Reads `dims` columns of `src` and writes `dims` columns
 * of `dst`; the two blocks may live in the same buffer (e.g. the static and Δ columns of one
 * matrix) but must not overlap. No allocation.
 */
export function regressionDeltasInto(
  src: ColumnBlock,
  dst: ColumnBlock,
  frames: number,
  dims: number,
  window: number,
): void {
  checkWindow(window);
  let denom = 0;
  for (let n = 1; n <= window; n++) denom += n * n;
  const norm = 1 / (2 * denom);
  const lastFrame = frames - 1;
  const s = src.data;
  const o = dst.data;
  for (let t = 0; t < frames; t++) {
    const row = t * dst.stride + dst.col;
    for (let d = 0; d < dims; d++) o[row + d] = 0;
    for (let n = 1; n <= window; n++) {
      const plus = (t + n > lastFrame ? lastFrame : t + n) * src.stride + src.col;
      const minus = (t - n < 0 ? 0 : t - n) * src.stride + src.col;
      for (let d = 0; d < dims; d++) o[row + d] = o[row + d]! + n * (s[plus + d]! - s[minus + d]!);
    }
    for (let d = 0; d < dims; d++) o[row + d] = o[row + d]! * norm;
  }
}

/**
 * Regression deltas of every dimension of `m` (same shape as `m`).
 *
 * ### Examples
 * ```ts
 * const d = deltas(mfcc); // d.dims === mfcc.dims
 * const dd = deltas(d); // delta-deltas
 * ```
 */
export function deltas(m: FeatureMatrix, window: number = DEFAULT_DELTA_WINDOW): FeatureMatrix {
  assertMatrix(m);
  const out = createMatrix(m.frames, m.dims);
  regressionDeltasInto(
    { data: m.data, stride: m.dims, col: 0 },
    { data: out.data, stride: m.dims, col: 0 },
    m.frames,
    m.dims,
    window,
  );
  return out;
}

/**
 * `[statics | Δ | ΔΔ]` per frame: a new matrix with dims × (order + 1) columns; the deltas are
 * regression deltas of the statics, the delta-deltas regression deltas of the deltas.
 *
 * ### Examples
 * ```ts
 * const full = addDeltas(mfcc); // 20 cepstra → 60 dims
 * const firstOrder = addDeltas(mfcc, { order: 1, window: 2 }); // 40 dims
 * ```
 */
export function addDeltas(m: FeatureMatrix, options: DeltaOptions = {}): FeatureMatrix {
  assertMatrix(m);
  const order = options.order ?? DEFAULT_DELTA_ORDER;
  const window = options.window ?? DEFAULT_DELTA_WINDOW;
  if (order !== 0 && order !== 1 && order !== 2) {
    throw new RangeError(`delta order must be 0, 1 or 2, got ${String(order)}`);
  }
  const dims = m.dims;
  const stride = dims * (order + 1);
  const out = createMatrix(m.frames, stride);
  for (let t = 0; t < m.frames; t++) {
    out.data.set(m.data.subarray(t * dims, (t + 1) * dims), t * stride);
  }
  for (let k = 1; k <= order; k++) {
    regressionDeltasInto(
      { data: out.data, stride, col: (k - 1) * dims },
      { data: out.data, stride, col: k * dims },
      m.frames,
      dims,
      window,
    );
  }
  return out;
}
