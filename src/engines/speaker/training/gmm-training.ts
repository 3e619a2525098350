/**
 * Maximum-likelihood training of the diagonal UBM: one Gaussian, then binary splits (means
 * moved ±0.2σ) each followed by EM iterations, on a pooled frame matrix.
 */
import { DiagonalGmm, type GmmParams } from '../diagonal-gmm.js';

/** Variances never go below this fraction of the data's global variance (per dimension). */
export const DEFAULT_VARIANCE_FLOOR_FRACTION = 0.01;
/** Posteriors below this are not accumulated (their effect on the update is negligible). */
export const DEFAULT_POSTERIOR_PRUNE = 1e-5;

/** A pooled frames × dims matrix (row-major). */
export interface FramePool {
  readonly data: Float32Array;
  readonly frames: number;
  readonly dims: number;
}

/** One Gaussian fitted to all frames, and the variance floor derived from it. */
export function singleGaussian(pool: FramePool): {
  params: GmmParams;
  varianceFloor: Float64Array;
} {
  const { data, frames, dims } = pool;
  const mean = new Float64Array(dims);
  const sq = new Float64Array(dims);
  for (let t = 0; t < frames; t++) {
    const row = t * dims;
    for (let j = 0; j < dims; j++) {
      const v = data[row + j]!;
      mean[j] = mean[j]! + v;
      sq[j] = sq[j]! + v * v;
    }
  }
  const variances = new Float64Array(dims);
  const varianceFloor = new Float64Array(dims);
  for (let j = 0; j < dims; j++) {
    mean[j] = mean[j]! / frames;
    variances[j] = Math.max(sq[j]! / frames - mean[j]! * mean[j]!, 1e-6);
    varianceFloor[j] = variances[j]! * DEFAULT_VARIANCE_FLOOR_FRACTION;
  }
  return {
    params: { components: 1, dims, weights: Float64Array.of(1), means: mean, variances },
    varianceFloor,
  };
}

/** Every component split in two, means moved ±0.2σ, weights halved. */
export function splitComponents(params: GmmParams): GmmParams {
  const { components: c, dims: d } = params;
  const weights = new Float64Array(2 * c);
  const means = new Float64Array(2 * c * d);
  const variances = new Float64Array(2 * c * d);
  for (let k = 0; k < c; k++) {
    for (const [side, sign] of [
      [2 * k, 1],
      [2 * k + 1, -1],
    ] as const) {
      weights[side] = params.weights[k]! / 2;
      for (let j = 0; j < d; j++) {
        const v = params.variances[k * d + j]!;
        means[side * d + j] = params.means[k * d + j]! + sign * 0.2 * Math.sqrt(v);
        variances[side * d + j] = v;
      }
    }
  }
  return { components: 2 * c, dims: d, weights, means, variances };
}

/** The result of one EM iteration. */
export interface EmResult {
  readonly params: GmmParams;
  /** Average per-frame log-likelihood of the data under the model the iteration started from. */
  readonly logLikelihood: number;
}

/**
 * One EM iteration over every frame of `pool`. A component that collects (almost) no frames
 * keeps its parameters; variances are floored at `varianceFloor`.
 */
export function emIteration(
  params: GmmParams,
  pool: FramePool,
  varianceFloor: Float64Array,
  prune = DEFAULT_POSTERIOR_PRUNE,
): EmResult {
  const gmm = new DiagonalGmm(params);
  const { components: c, dims: d } = params;
  const occupancy = new Float64Array(c);
  const first = new Float64Array(c * d);
  const second = new Float64Array(c * d);
  const post = new Float64Array(c);
  const { data, frames } = pool;
  let total = 0;
  for (let t = 0; t < frames; t++) {
    const row = t * d;
    total += gmm.posteriors(data, row, post);
    for (let k = 0; k < c; k++) {
      const g = post[k]!;
      if (g < prune) continue;
      occupancy[k] = occupancy[k]! + g;
      const base = k * d;
      for (let j = 0; j < d; j++) {
        const v = data[row + j]!;
        const gv = g * v;
        first[base + j] = first[base + j]! + gv;
        second[base + j] = second[base + j]! + gv * v;
      }
    }
  }
  let occupied = 0;
  for (let k = 0; k < c; k++) occupied += occupancy[k]!;
  const weights = new Float64Array(c);
  const means = Float64Array.from(params.means);
  const variances = Float64Array.from(params.variances);
  for (let k = 0; k < c; k++) {
    const n = occupancy[k]!;
    weights[k] = Math.max(n / occupied, 1e-8);
    if (n < 1e-3) continue;
    for (let j = 0; j < d; j++) {
      const m = first[k * d + j]! / n;
      means[k * d + j] = m;
      variances[k * d + j] = Math.max(second[k * d + j]! / n - m * m, varianceFloor[j]!);
    }
  }
  let wsum = 0;
  for (let k = 0; k < c; k++) wsum += weights[k]!;
  for (let k = 0; k < c; k++) weights[k] = weights[k]! / wsum;
  return {
    params: { components: c, dims: d, weights, means, variances },
    logLikelihood: total / frames,
  };
}

/** Options of {@link trainUbm}. */
export interface UbmTrainingOptions {
  /** A power of two. */
  readonly components: number;
  /** EM iterations after each split. */
  readonly iterationsPerSplit: number;
  /** Extra EM iterations at the final size. */
  readonly finalIterations: number;
  /** Called after every EM iteration. */
  readonly onIteration?: (components: number, logLikelihood: number) => void;
}

/**
 * Trains a UBM by binary splitting: 1 → 2 → … → `components` Gaussians.
 *
 * ### Examples
 * ```ts
 * const ubm = trainUbm(pool, { components: 256, iterationsPerSplit: 4, finalIterations: 4 });
 * ```
 */
export function trainUbm(pool: FramePool, options: UbmTrainingOptions): GmmParams {
  const start = singleGaussian(pool);
  let params = start.params;
  while (params.components < options.components) {
    params = splitComponents(params);
    const iterations =
      options.iterationsPerSplit +
      (params.components >= options.components ? options.finalIterations : 0);
    for (let i = 0; i < iterations; i++) {
      const step = emIteration(params, pool, start.varianceFloor);
      params = step.params;
      options.onIteration?.(params.components, step.logLikelihood);
    }
  }
  return params;
}
