/**
 * From raw cosine scores to calibrated 0–100 scores.
 *
 * 1. Adaptive symmetric score normalisation (AS-norm): each side's score against a cohort of
 *    training utterances (the top `topN` of them) gives a mean and standard deviation, and
 *    s' = ½((s − μ_e)/σ_e + (s − μ_t)/σ_t). This removes the per-speaker and per-utterance
 *    offsets that make one global threshold wrong for some callers.
 * 2. Linear logistic fusion with the long-term cepstral statistics score (cosine), fitted on
 *    held-out speakers: score = 100 / (1 + exp(−(a·s' + c·s_ltcs + b))), so that the score is
 *    the posterior probability (in %) of a target at equal priors.
 */

/** How one side of a trial scores against the cohort. */
export interface CohortStats {
  readonly mean: number;
  readonly std: number;
}

/**
 * Linear logistic fusion and calibration of the two subsystem scores: log-odds
 * z = ivectorWeight·s_ivector + ltcsWeight·s_ltcs + offset, score = 100 / (1 + e^−z).
 */
export interface Fusion {
  readonly ivectorWeight: number;
  readonly ltcsWeight: number;
  readonly offset: number;
}

/**
 * The mean and standard deviation of the `topN` highest dot products of `embedding` with the
 * cohort rows (K × E, row-major).
 */
export function cohortStats(
  cohort: Float32Array,
  dims: number,
  embedding: Float32Array,
  topN: number,
): CohortStats {
  const k = cohort.length / dims;
  const scores = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    const base = i * dims;
    for (let d = 0; d < dims; d++) s += cohort[base + d]! * embedding[d]!;
    scores[i] = s;
  }
  scores.sort();
  const n = Math.max(1, Math.min(topN, k));
  let sum = 0;
  let sq = 0;
  for (let i = k - n; i < k; i++) {
    sum += scores[i]!;
    sq += scores[i]! * scores[i]!;
  }
  const mean = sum / n;
  return { mean, std: Math.sqrt(Math.max(sq / n - mean * mean, 1e-8)) };
}

/** The AS-norm score of a raw score given both sides' cohort statistics (symmetric in them). */
export function normalizeScore(raw: number, a: CohortStats, b: CohortStats): number {
  return 0.5 * ((raw - a.mean) / a.std + (raw - b.mean) / b.std);
}

/** The fused log-odds of a trial's two subsystem scores. */
export function fusedLogOdds(fusion: Fusion, ivector: number, ltcs: number): number {
  return fusion.ivectorWeight * ivector + fusion.ltcsWeight * ltcs + fusion.offset;
}

/** The 0–100 score of fused log-odds (monotone increasing). */
export function scoreFromLogOdds(logOdds: number): number {
  return 100 / (1 + Math.exp(-logOdds));
}

/** The log-odds a 0–100 score stands for (the inverse of {@link scoreFromLogOdds}). */
export function logOddsForScore(score0to100: number): number {
  const p = Math.min(Math.max(score0to100 / 100, 1e-12), 1 - 1e-12);
  return Math.log(p / (1 - p));
}

/** A trial's two subsystem scores. */
export type ScorePair = readonly [ivector: number, ltcs: number];

/**
 * Fits the fusion to target and non-target trials by Newton's method on the prior-weighted
 * cross-entropy (targets and non-targets weigh half each, whatever their counts), so that
 * 50 means even odds.
 *
 * ### Examples
 * ```ts
 * const fusion = fitFusion(targetPairs, nontargetPairs);
 * scoreFromLogOdds(fusedLogOdds(fusion, s1, s2)); // 0–100
 * ```
 */
export function fitFusion(targets: readonly ScorePair[], nontargets: readonly ScorePair[]): Fusion {
  if (targets.length === 0 || nontargets.length === 0)
    throw new RangeError('fusion needs target and non-target scores');
  const wt = 0.5 / targets.length;
  const wn = 0.5 / nontargets.length;
  const theta = [1, 0, 0];
  for (let iter = 0; iter < 100; iter++) {
    const g = [0, 0, 0];
    const h = [1e-9, 0, 0, 0, 1e-9, 0, 0, 0, 1e-9];
    const visit = (pair: ScorePair, y: number, w: number): void => {
      const x = [pair[0], pair[1], 1];
      const z = theta[0]! * x[0]! + theta[1]! * x[1]! + theta[2]!;
      const p = 1 / (1 + Math.exp(-z));
      const r = (p - y) * w;
      const c = p * (1 - p) * w;
      for (let i = 0; i < 3; i++) {
        g[i] = g[i]! + r * x[i]!;
        for (let j = 0; j < 3; j++) h[i * 3 + j] = h[i * 3 + j]! + c * x[i]! * x[j]!;
      }
    };
    for (const pair of targets) visit(pair, 1, wt);
    for (const pair of nontargets) visit(pair, 0, wn);
    const step = solve3(h, g);
    let size = 0;
    for (let i = 0; i < 3; i++) {
      theta[i] = theta[i]! - step[i]!;
      size += Math.abs(step[i]!);
    }
    if (size < 1e-10) break;
  }
  return { ivectorWeight: theta[0]!, ltcsWeight: theta[1]!, offset: theta[2]! };
}

/** Solves the 3 × 3 system h·x = g (Cramer's rule; h is positive definite here). */
function solve3(h: readonly number[], g: readonly number[]): number[] {
  const det3 = (m: readonly number[]) =>
    m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) -
    m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) +
    m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!);
  const d = det3(h);
  return [0, 1, 2].map((col) => {
    const m = h.slice();
    for (let r = 0; r < 3; r++) m[r * 3 + col] = g[r]!;
    return det3(m) / d;
  });
}
