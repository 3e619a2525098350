/**
 * Zeroth- and first-order Baum–Welch statistics of an utterance against the UBM: the
 * sufficient statistics of the i-vector model. First-order statistics are centred on each
 * component's mean and scaled by its standard deviation, so the extractor works in a space
 * where every component has unit variance.
 */
import type { FeatureMatrix } from '../../audio/features/index.js';
import type { DiagonalGmm } from './diagonal-gmm.js';

/** Posteriors below this are skipped when accumulating (a handful of components dominate). */
export const STATS_POSTERIOR_PRUNE = 1e-4;
/** Components kept per frame by Gaussian selection (0 = all, exact posteriors). */
export const DEFAULT_GAUSSIAN_SELECTION = 20;

/** Baum–Welch statistics of one or more utterances. */
export interface UtteranceStats {
  /** N_c = Σ_t γ_tc (C values). */
  readonly occupancy: Float64Array;
  /** F̃_c = Σ_t γ_tc (x_t − μ_c)/σ_c (C × D, row-major). */
  readonly first: Float64Array;
}

/**
 * The statistics of `features` against `ubm`.
 *
 * ### Examples
 * ```ts
 * const stats = accumulateStats(ubm, extractor.extract(samples).features);
 * const pooled = addStats([statsA, statsB, statsC]); // one enrollment from three utterances
 * ```
 */
export function accumulateStats(
  ubm: DiagonalGmm,
  features: FeatureMatrix,
  select = DEFAULT_GAUSSIAN_SELECTION,
): UtteranceStats {
  const c = ubm.components;
  const d = ubm.dims;
  if (features.dims !== d)
    throw new RangeError(`features have ${features.dims} dims, the UBM ${d}`);
  const occupancy = new Float64Array(c);
  const raw = new Float64Array(c * d);
  const data = features.data;
  const accumulate = (k: number, g: number, row: number): void => {
    occupancy[k] = occupancy[k]! + g;
    const base = k * d;
    for (let j = 0; j < d; j++) raw[base + j] = raw[base + j]! + g * data[row + j]!;
  };
  if (select > 0 && select < c) {
    const indices = new Int32Array(select);
    const post = new Float64Array(select);
    for (let t = 0; t < features.frames; t++) {
      const row = t * d;
      ubm.selectedPosteriors(data, row, select, indices, post);
      for (let i = 0; i < select; i++)
        if (post[i]! >= STATS_POSTERIOR_PRUNE) accumulate(indices[i]!, post[i]!, row);
    }
  } else {
    const post = new Float64Array(c);
    for (let t = 0; t < features.frames; t++) {
      const row = t * d;
      ubm.posteriors(data, row, post);
      for (let k = 0; k < c; k++)
        if (post[k]! >= STATS_POSTERIOR_PRUNE) accumulate(k, post[k]!, row);
    }
  }
  const means = ubm.means;
  const variances = ubm.variances;
  for (let k = 0; k < c; k++) {
    const n = occupancy[k]!;
    const base = k * d;
    for (let j = 0; j < d; j++) {
      raw[base + j] = (raw[base + j]! - n * means[base + j]!) / Math.sqrt(variances[base + j]!);
    }
  }
  return { occupancy, first: raw };
}

/** The statistics of several utterances together (sums). */
export function addStats(all: readonly UtteranceStats[]): UtteranceStats {
  const head = all[0];
  if (head === undefined) throw new RangeError('addStats needs at least one utterance');
  const occupancy = Float64Array.from(head.occupancy);
  const first = Float64Array.from(head.first);
  for (let u = 1; u < all.length; u++) {
    const s = all[u]!;
    for (let k = 0; k < occupancy.length; k++) occupancy[k] = occupancy[k]! + s.occupancy[k]!;
    for (let i = 0; i < first.length; i++) first[i] = first[i]! + s.first[i]!;
  }
  return { occupancy, first };
}
