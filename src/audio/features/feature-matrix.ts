/**
 * The feature container: one Float32Array, row-major, one row per frame.
 */

/**
 * A frames × dims matrix stored row-major: the value of frame t, dimension d is
 * `data[t * dims + d]`.
 */
export interface FeatureMatrix {
  readonly data: Float32Array;
  readonly frames: number;
  readonly dims: number;
}

/**
 * A zero-filled frames × dims matrix.
 *
 * ### Examples
 * ```ts
 * const m = createMatrix(98, 13); // m.data.length === 1274
 * ```
 */
export function createMatrix(frames: number, dims: number): FeatureMatrix {
  if (!Number.isInteger(frames) || frames < 0 || !Number.isInteger(dims) || dims < 0) {
    throw new RangeError(`invalid matrix shape ${frames}×${dims}`);
  }
  return { data: new Float32Array(frames * dims), frames, dims };
}

/**
 * A view (no copy) of frame t's values.
 *
 * ### Examples
 * ```ts
 * const c = matrixRow(mfcc, 10); // Float32Array of mfcc.dims values
 * ```
 */
export function matrixRow(m: FeatureMatrix, t: number): Float32Array {
  if (!Number.isInteger(t) || t < 0 || t >= m.frames) {
    throw new RangeError(`frame ${t} out of range 0..${m.frames - 1}`);
  }
  return m.data.subarray(t * m.dims, (t + 1) * m.dims);
}

/**
 * Checks that `m` is a consistent matrix (data length = frames × dims).
 */
export function assertMatrix(m: FeatureMatrix): void {
  if (m.data.length !== m.frames * m.dims) {
    throw new RangeError(
      `matrix data length ${m.data.length} does not match ${m.frames}×${m.dims}`,
    );
  }
}

/** A strided block of columns in a row-major buffer (e.g. the Δ columns of a feature matrix). */
export interface ColumnBlock {
  readonly data: Float32Array;
  /** Values per row. */
  readonly stride: number;
  /** First column of the block. */
  readonly col: number;
}

/** True when two typed arrays share any memory. */
export function sharesMemory(a: Float32Array, b: Float32Array): boolean {
  if (a.buffer !== b.buffer) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}
