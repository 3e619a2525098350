/**
 * EM training of the total variability matrix T̃ (Dehak et al. 2011; Kenny 2005), with the
 * minimum-divergence step that re-whitens the i-vector prior after each iteration.
 *
 * E-step per utterance u: the posterior of w_u (mean w_u, covariance L_u⁻¹), Φ_u = L_u⁻¹ + w_u·w_uᵀ.
 * M-step per component c: T̃_c = (Σ_u F̃_cu·w_uᵀ)·(Σ_u N_cu·Φ_u)⁻¹.
 */
import type { UtteranceStats } from '../baum-welch.js';
import { IvectorExtractor, posteriorCovariance } from '../ivector-extractor.js';
import {
  choleskyInPlace,
  choleskySolveInPlace,
  packedSize,
  unpackSymmetric,
} from '../linear-algebra.js';
import type { SeededRandom } from './seeded-random.js';

/**
 * A random initial T̃ whose columns give the supervector a standard deviation of about 0.5 per
 * dimension (speaker offsets are a fraction of a UBM standard deviation).
 */
export function initialTotalVariability(
  components: number,
  dims: number,
  rank: number,
  random: SeededRandom,
): Float64Array {
  const t = new Float64Array(components * dims * rank);
  const scale = 0.5 / Math.sqrt(rank);
  for (let i = 0; i < t.length; i++) t[i] = random.gaussian() * scale;
  return t;
}

/** The result of one EM iteration. */
export interface TotalVariabilityStep {
  readonly matrix: Float64Array;
  /** Mean squared norm of the i-vectors under the model the iteration started from. */
  readonly meanSquaredNorm: number;
}

/**
 * One EM iteration of T̃ over `stats` (one entry per training utterance). `onUtterance` is called
 * after each E-step (for progress).
 *
 * ### Examples
 * ```ts
 * let t = initialTotalVariability(256, 60, 100, new SeededRandom(1));
 * for (let i = 0; i < 6; i++) t = totalVariabilityIteration(256, 60, 100, t, stats).matrix;
 * ```
 */
export function totalVariabilityIteration(
  components: number,
  dims: number,
  rank: number,
  matrix: Float64Array,
  stats: readonly UtteranceStats[],
  onUtterance?: () => void,
): TotalVariabilityStep {
  const extractor = new IvectorExtractor(components, dims, rank, matrix);
  const p = packedSize(rank);
  const a = new Float64Array(components * p);
  const cAcc = new Float64Array(components * dims * rank);
  const sumW = new Float64Array(rank);
  const sumPhi = new Float64Array(p);
  const phi = new Float64Array(p);
  let norms = 0;
  for (const s of stats) {
    const post = extractor.posterior(s);
    const w = post.mean;
    const cov = posteriorCovariance(post, rank);
    let k = 0;
    for (let i = 0; i < rank; i++) {
      for (let j = i; j < rank; j++, k++) phi[k] = cov[i * rank + j]! + w[i]! * w[j]!;
    }
    for (let i = 0; i < p; i++) sumPhi[i] = sumPhi[i]! + phi[i]!;
    for (let i = 0; i < rank; i++) {
      sumW[i] = sumW[i]! + w[i]!;
      norms += w[i]! * w[i]!;
    }
    for (let c = 0; c < components; c++) {
      const nc = s.occupancy[c]!;
      if (nc < 1e-6) continue;
      const base = c * p;
      for (let i = 0; i < p; i++) a[base + i] = a[base + i]! + nc * phi[i]!;
    }
    const rows = components * dims;
    for (let row = 0; row < rows; row++) {
      const f = s.first[row]!;
      if (f === 0) continue;
      const base = row * rank;
      for (let i = 0; i < rank; i++) cAcc[base + i] = cAcc[base + i]! + f * w[i]!;
    }
    onUtterance?.();
  }

  // M-step: T̃_cᵀ = A_c⁻¹·C_cᵀ, one Cholesky per component and one solve per dimension.
  const next = new Float64Array(matrix.length);
  const rhs = new Float64Array(rank);
  for (let c = 0; c < components; c++) {
    const ac = unpackSymmetric(a.subarray(c * p, (c + 1) * p), rank);
    for (let i = 0; i < rank; i++) ac[i * rank + i] = ac[i * rank + i]! + 1e-6;
    choleskyInPlace(ac, rank);
    for (let d = 0; d < dims; d++) {
      const base = (c * dims + d) * rank;
      rhs.set(cAcc.subarray(base, base + rank));
      choleskySolveInPlace(ac, rank, rhs);
      next.set(rhs, base);
    }
  }

  // Minimum divergence: make the empirical prior of w (covariance S) the standard normal again
  // by T̃ ← T̃·chol(S); the mean is left to the backend, which centres i-vectors anyway.
  const u = stats.length;
  const s = unpackSymmetric(sumPhi, rank);
  for (let i = 0; i < rank; i++) {
    for (let j = 0; j < rank; j++) {
      s[i * rank + j] = s[i * rank + j]! / u - (sumW[i]! / u) * (sumW[j]! / u);
    }
  }
  choleskyInPlace(s, rank);
  const rows = components * dims;
  const row = new Float64Array(rank);
  for (let r = 0; r < rows; r++) {
    const base = r * rank;
    for (let j = 0; j < rank; j++) {
      let acc = 0;
      for (let i = j; i < rank; i++) acc += next[base + i]! * s[i * rank + j]!;
      row[j] = acc;
    }
    next.set(row, base);
  }
  return { matrix: next, meanSquaredNorm: norms / u };
}
