/**
 * Cepstral mean and variance normalisation, over the whole utterance or a sliding window of
 * frames. Statistics are accumulated in float64.
 */
import {
  assertMatrix,
  createMatrix,
  sharesMemory,
  type ColumnBlock,
  type FeatureMatrix,
} from './feature-matrix.js';

/** Default: divide by the standard deviation as well as subtracting the mean. */
export const DEFAULT_NORMALIZE_VARIANCE = true;
/** Default sliding window, frames (3 s at a 10 ms hop). */
export const DEFAULT_CMVN_WINDOW = 300;
/** Default: the sliding window is centred on the frame (otherwise it ends at the frame). */
export const DEFAULT_CMVN_CENTER = true;
/** Default minimum window of a non-centred sliding window at the start of the utterance, frames. */
export const DEFAULT_CMVN_MIN_WINDOW = 100;
/** Variances are floored here before dividing (a constant dimension stays finite). */
export const CMVN_VARIANCE_FLOOR = 1e-10;

/** Options of {@link cmvn}. */
export interface CmvnOptions {
  /** Also scale to unit variance. Default {@link DEFAULT_NORMALIZE_VARIANCE}. */
  readonly normalizeVariance?: boolean;
}

/** Options of {@link slidingCmvn}. */
export interface SlidingCmvnOptions extends CmvnOptions {
  /** Window length, frames. Default {@link DEFAULT_CMVN_WINDOW}. */
  readonly window?: number;
  /** Centre the window on the frame (true) or end it at the frame. Default {@link DEFAULT_CMVN_CENTER}. */
  readonly center?: boolean;
  /**
   * Non-centred windows only: at the start of the utterance the window is extended forward to at
   * least this many frames. Default {@link DEFAULT_CMVN_MIN_WINDOW} (capped at `window`).
   */
  readonly minWindow?: number;
}

function scaleFor(sum: number, sumSq: number, count: number, normalizeVariance: boolean): number {
  if (!normalizeVariance) return 1;
  const mean = sum / count;
  const variance = sumSq / count - mean * mean;
  return 1 / Math.sqrt(variance > CMVN_VARIANCE_FLOOR ? variance : CMVN_VARIANCE_FLOOR);
}

/**
 * Utterance-level CMVN of `dims` columns from `src` into `dst` (which may be the same block: the
 * statistics are complete before anything is written). Two passes (mean, then variance).
 */
export function cmvnColumns(
  src: ColumnBlock,
  dst: ColumnBlock,
  frames: number,
  dims: number,
  normalizeVariance: boolean,
): void {
  if (frames === 0) return;
  for (let d = 0; d < dims; d++) {
    let sum = 0;
    for (let t = 0, i = src.col + d; t < frames; t++, i += src.stride) sum += src.data[i]!;
    const mean = sum / frames;
    let scale = 1;
    if (normalizeVariance) {
      let sq = 0;
      for (let t = 0, i = src.col + d; t < frames; t++, i += src.stride) {
        const v = src.data[i]! - mean;
        sq += v * v;
      }
      const variance = sq / frames;
      scale = 1 / Math.sqrt(variance > CMVN_VARIANCE_FLOOR ? variance : CMVN_VARIANCE_FLOOR);
    }
    for (let t = 0, i = src.col + d, o = dst.col + d; t < frames; t++) {
      dst.data[o] = (src.data[i]! - mean) * scale;
      i += src.stride;
      o += dst.stride;
    }
  }
}

/**
 * Sliding-window CMVN of `dims` columns from `src` into `dst`; `src` and `dst` must not share
 * memory (the window needs the original values). Running sums: O(frames × dims).
 */
export function slidingCmvnColumns(
  src: ColumnBlock,
  dst: ColumnBlock,
  frames: number,
  dims: number,
  options: SlidingCmvnOptions = {},
): void {
  const window = options.window ?? DEFAULT_CMVN_WINDOW;
  const center = options.center ?? DEFAULT_CMVN_CENTER;
  const normalizeVariance = options.normalizeVariance ?? DEFAULT_NORMALIZE_VARIANCE;
  const minWindow = Math.min(options.minWindow ?? DEFAULT_CMVN_MIN_WINDOW, window);
  if (!Number.isInteger(window) || window < 1) {
    throw new RangeError(`CMVN window must be a positive integer, got ${window}`);
  }
  if (sharesMemory(src.data, dst.data)) {
    throw new RangeError('sliding CMVN cannot write over its input');
  }
  const sum = new Float64Array(dims);
  const sumSq = new Float64Array(dims);
  let lo = 0; // current window is [lo, hi)
  let hi = 0;
  const half = Math.floor(window / 2);
  for (let t = 0; t < frames; t++) {
    let start: number;
    let end: number;
    if (center) {
      start = Math.min(Math.max(t - half, 0), Math.max(frames - window, 0));
      end = Math.min(frames, start + window);
    } else {
      start = Math.max(0, t + 1 - window);
      end = t + 1;
      if (end - start < minWindow) end = Math.min(frames, start + minWindow);
    }
    for (; hi < end; hi++) {
      const row = hi * src.stride + src.col;
      for (let d = 0; d < dims; d++) {
        const v = src.data[row + d]!;
        sum[d] = sum[d]! + v;
        sumSq[d] = sumSq[d]! + v * v;
      }
    }
    for (; lo < start; lo++) {
      const row = lo * src.stride + src.col;
      for (let d = 0; d < dims; d++) {
        const v = src.data[row + d]!;
        sum[d] = sum[d]! - v;
        sumSq[d] = sumSq[d]! - v * v;
      }
    }
    const count = hi - lo;
    const inRow = t * src.stride + src.col;
    const outRow = t * dst.stride + dst.col;
    for (let d = 0; d < dims; d++) {
      const s = sum[d]!;
      const scale = scaleFor(s, sumSq[d]!, count, normalizeVariance);
      dst.data[outRow + d] = (src.data[inRow + d]! - s / count) * scale;
    }
  }
}

function checkOut(m: FeatureMatrix, out: FeatureMatrix): void {
  assertMatrix(out);
  if (out.frames !== m.frames || out.dims !== m.dims) {
    throw new RangeError(`output is ${out.frames}×${out.dims}, expected ${m.frames}×${m.dims}`);
  }
}

/**
 * Utterance-level CMVN: every dimension gets mean 0 (and variance 1 with `normalizeVariance`,
 * the default). Writes into `out` (a new matrix when omitted; may be `m` itself for in place).
 *
 * ### Examples
 * ```ts
 * const normalised = cmvn(mfcc);
 * cmvn(mfcc, { normalizeVariance: false }, mfcc); // mean only, in place
 * ```
 */
export function cmvn(
  m: FeatureMatrix,
  options: CmvnOptions = {},
  out: FeatureMatrix = createMatrix(m.frames, m.dims),
): FeatureMatrix {
  assertMatrix(m);
  checkOut(m, out);
  cmvnColumns(
    { data: m.data, stride: m.dims, col: 0 },
    { data: out.data, stride: out.dims, col: 0 },
    m.frames,
    m.dims,
    options.normalizeVariance ?? DEFAULT_NORMALIZE_VARIANCE,
  );
  return out;
}

/**
 * Sliding-window CMVN: each frame is normalised with the mean (and variance) of a window of
 * frames around it (centred by default; the window keeps its full length at the edges when the
 * utterance is long enough). Writes into `out` (a new matrix when omitted; must not be `m`).
 *
 * ### Examples
 * ```ts
 * const normalised = slidingCmvn(mfcc, { window: 300 });
 * const online = slidingCmvn(mfcc, { window: 300, center: false, normalizeVariance: false });
 * ```
 */
export function slidingCmvn(
  m: FeatureMatrix,
  options: SlidingCmvnOptions = {},
  out: FeatureMatrix = createMatrix(m.frames, m.dims),
): FeatureMatrix {
  assertMatrix(m);
  checkOut(m, out);
  slidingCmvnColumns(
    { data: m.data, stride: m.dims, col: 0 },
    { data: out.data, stride: out.dims, col: 0 },
    m.frames,
    m.dims,
    options,
  );
  return out;
}
