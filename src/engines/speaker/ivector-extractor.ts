/**
 * The i-vector extractor (total variability model, Dehak et al. 2011): an utterance's
 * supervector offset from the UBM is modelled as T·w with w ~ N(0, I); the i-vector is the
 * posterior mean of w given the Baum–Welch statistics:
 *
 *     L = I + Σ_c N_c·T̃_cᵀT̃_c,   w = L⁻¹·Σ_c T̃_cᵀ·F̃_c
 *
 * with T̃_c = σ_c⁻¹·T_c (the model works in the UBM-normalised space of {@link UtteranceStats}).
 * T̃_cᵀT̃_c is precomputed per component when the extractor is built.
 */
import type { UtteranceStats } from './baum-welch.js';
import {
  choleskyInPlace,
  choleskyInverse,
  choleskySolveInPlace,
  packedSize,
  unpackSymmetric,
} from './linear-algebra.js';

/** The posterior of w for one utterance. */
export interface IvectorPosterior {
  /** The i-vector: the posterior mean (R values). */
  readonly mean: Float64Array;
  /** The Cholesky factor of the posterior precision L (lower triangle, R × R). */
  readonly precisionFactor: Float64Array;
}

/**
 * Extracts i-vectors with a trained T̃ (C·D × R, row-major: row c·D + d holds T̃_c[d, ·]).
 *
 * ### Examples
 * ```ts
 * const extractor = new IvectorExtractor(components, dims, rank, matrix);
 * const w = extractor.extract(accumulateStats(ubm, features)).mean;
 * ```
 */
export class IvectorExtractor {
  readonly components: number;
  readonly dims: number;
  readonly rank: number;
  readonly matrix: Float64Array;
  /** Packed T̃_cᵀT̃_c per component (C × R(R+1)/2). */
  readonly #gram: Float64Array;

  constructor(components: number, dims: number, rank: number, matrix: Float64Array) {
    if (matrix.length !== components * dims * rank)
      throw new RangeError('T matrix size does not match components × dims × rank');
    this.components = components;
    this.dims = dims;
    this.rank = rank;
    this.matrix = matrix;
    this.#gram = componentGrams(matrix, components, dims, rank);
  }

  /** The posterior of w given `stats`. */
  posterior(stats: UtteranceStats): IvectorPosterior {
    const r = this.rank;
    const p = packedSize(r);
    const packed = new Float64Array(p);
    const gram = this.#gram;
    const n = stats.occupancy;
    for (let c = 0; c < this.components; c++) {
      const nc = n[c]!;
      if (nc < 1e-6) continue;
      const base = c * p;
      for (let i = 0; i < p; i++) packed[i] = packed[i]! + nc * gram[base + i]!;
    }
    let k = 0;
    for (let i = 0; i < r; i++) {
      packed[k] = packed[k]! + 1;
      k += r - i;
    }
    const l = unpackSymmetric(packed, r);
    const b = this.#linearTerm(stats.first);
    choleskyInPlace(l, r);
    choleskySolveInPlace(l, r, b);
    return { mean: b, precisionFactor: l };
  }

  /** The i-vector of `stats`. */
  extract(stats: UtteranceStats): Float64Array {
    return this.posterior(stats).mean;
  }

  /** Σ_c T̃_cᵀ·F̃_c. */
  #linearTerm(first: Float64Array): Float64Array {
    const r = this.rank;
    const t = this.matrix;
    const out = new Float64Array(r);
    const rows = this.components * this.dims;
    for (let row = 0; row < rows; row++) {
      const f = first[row]!;
      if (f === 0) continue;
      const base = row * r;
      for (let i = 0; i < r; i++) out[i] = out[i]! + f * t[base + i]!;
    }
    return out;
  }
}

/** The posterior covariance L⁻¹ of a posterior (full R × R). */
export function posteriorCovariance(posterior: IvectorPosterior, rank: number): Float64Array {
  return choleskyInverse(posterior.precisionFactor, rank);
}

function componentGrams(t: Float64Array, c: number, d: number, r: number): Float64Array {
  const p = packedSize(r);
  const out = new Float64Array(c * p);
  for (let comp = 0; comp < c; comp++) {
    const base = comp * p;
    for (let dim = 0; dim < d; dim++) {
      const row = (comp * d + dim) * r;
      let k = base;
      for (let i = 0; i < r; i++) {
        const ti = t[row + i]!;
        for (let j = i; j < r; j++, k++) out[k] = out[k]! + ti * t[row + j]!;
      }
    }
  }
  return out;
}
