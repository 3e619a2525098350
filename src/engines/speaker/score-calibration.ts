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
 * 3. Duration-aware (a quality measure function): how far apart target and non-target scores
 *    lie depends on how much speech both sides had, so the weights and the offset also move
 *    with q = ln(clamp(min(enrollment, test net speech), 1 s, 60 s) / 10 s):
 *    z = (a + a′q)·s' + (c + c′q)·s_ltcs + b + b′q. q is 0 for a 10 s test against a 30 s
 *    enrollment (Voice ID's session condition), negative for shorter speech, so one model is
 *    calibrated for single utterances and for sessions alike.
 */

/**
 * Voice ID's default AcceptanceThreshold, and the score the calibration reports its error rates
 * at: a score of 90 is log-odds ln 9 (a likelihood ratio of 9 to 1 for the enrolled speaker).
 */
export const DEFAULT_ACCEPT_THRESHOLD = 90;

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
  /**
   * The duration terms a′, c′, b′ (multiplied by {@link durationQuality}). Absent in models
   * calibrated without them: then the score does not depend on the amount of speech.
   */
  readonly duration?: DurationTerms;
}

/** The duration-dependent part of a {@link Fusion}: z += q·(ivector·s' + ltcs·s_ltcs + offset). */
export interface DurationTerms {
  readonly ivectorWeight: number;
  readonly ltcsWeight: number;
  readonly offset: number;
}

/** Net speech below and above which the duration terms stop changing, seconds. */
export const DURATION_QUALITY_RANGE = Object.freeze({ min: 1, max: 60, reference: 10 });

/**
 * The quality measure of a trial: q = ln(clamp(seconds, 1, 60) / 10), where `seconds` is the
 * smaller net speech of the two sides (the less certain side limits the trial).
 */
export function durationQuality(seconds: number): number {
  const { min, max, reference } = DURATION_QUALITY_RANGE;
  const s = Number.isFinite(seconds) ? Math.min(Math.max(seconds, min), max) : reference;
  return Math.log(s / reference);
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

/**
 * The fused log-odds of a trial's two subsystem scores. `seconds` is the smaller net speech of
 * the two sides; it matters only for a fusion with duration terms (omitted: the 10 s reference).
 */
export function fusedLogOdds(
  fusion: Fusion,
  ivector: number,
  ltcs: number,
  seconds: number = DURATION_QUALITY_RANGE.reference,
): number {
  const base = fusion.ivectorWeight * ivector + fusion.ltcsWeight * ltcs + fusion.offset;
  const d = fusion.duration;
  if (d === undefined) return base;
  const q = durationQuality(seconds);
  return base + q * (d.ivectorWeight * ivector + d.ltcsWeight * ltcs + d.offset);
}

/** The fusion at a fixed amount of speech (its duration terms folded in): what a search uses. */
export function fusionAt(fusion: Fusion, seconds: number): Fusion {
  const d = fusion.duration;
  if (d === undefined) return fusion;
  const q = durationQuality(seconds);
  return {
    ivectorWeight: fusion.ivectorWeight + q * d.ivectorWeight,
    ltcsWeight: fusion.ltcsWeight + q * d.ltcsWeight,
    offset: fusion.offset + q * d.offset,
  };
}

/** A calibration trial: the two subsystem scores, the smaller net speech, and the truth. */
export interface CalibrationTrial {
  readonly ivector: number;
  readonly ltcs: number;
  /** The smaller net speech of the two sides, seconds. */
  readonly seconds: number;
  readonly target: boolean;
  /**
   * Which condition the trial belongs to (e.g. '16k single', '8k session'): every condition
   * weighs the same in the fit, and within it targets and non-targets half each.
   */
  readonly condition: string;
}

/**
 * Fits a duration-aware fusion (six parameters) by Newton's method on the prior-weighted
 * cross-entropy: each condition weighs the same, within it targets and non-targets weigh half
 * each whatever their counts, so that 50 means even odds at every duration. A small ridge
 * penalty keeps the duration terms at 0 when the trials do not call for them.
 *
 * ### Examples
 * ```ts
 * const fusion = fitDurationFusion(trials);
 * scoreFromLogOdds(fusedLogOdds(fusion, s1, s2, Math.min(enrollSeconds, testSeconds)));
 * ```
 */
export function fitDurationFusion(trials: readonly CalibrationTrial[]): Fusion {
  const counts = new Map<string, { targets: number; nontargets: number }>();
  for (const t of trials) {
    const c = counts.get(t.condition) ?? { targets: 0, nontargets: 0 };
    if (t.target) c.targets++;
    else c.nontargets++;
    counts.set(t.condition, c);
  }
  const usable = [...counts.entries()].filter(([, c]) => c.targets > 0 && c.nontargets > 0);
  if (usable.length === 0) throw new RangeError('fusion needs target and non-target scores');
  const weightOf = new Map(
    usable.map(([name, c]) => [
      name,
      { target: 0.5 / usable.length / c.targets, nontarget: 0.5 / usable.length / c.nontargets },
    ]),
  );
  const n = 6;
  const rows = trials.flatMap((t) => {
    const w = weightOf.get(t.condition);
    if (w === undefined) return [];
    const q = durationQuality(t.seconds);
    return [
      {
        x: [t.ivector, t.ltcs, 1, q * t.ivector, q * t.ltcs, q],
        y: t.target ? 1 : 0,
        w: t.target ? w.target : w.nontarget,
      },
    ];
  });
  // The duration terms are only identifiable when the durations vary.
  const qs = rows.map((r) => r.x[5]!);
  const varies = Math.max(...qs) - Math.min(...qs) > 0.05;
  const ridge = [1e-9, 1e-9, 1e-9, varies ? 1e-4 : 1e3, varies ? 1e-4 : 1e3, varies ? 1e-4 : 1e3];
  // The penalised cross-entropy (log(1 + e^−z) computed without overflow).
  const loss = (t: readonly number[]): number => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += 0.5 * ridge[i]! * t[i]! * t[i]!;
    for (const { x, y, w } of rows) {
      let z = 0;
      for (let i = 0; i < n; i++) z += t[i]! * x[i]!;
      const m = y === 1 ? -z : z;
      sum += w * (m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m)));
    }
    return sum;
  };
  // Start from the duration-free fusion; then damped Newton steps (halved until the loss falls:
  // the LTCS cosines sit close to 1, which makes the problem badly conditioned).
  const start = fitFusion(
    trials.filter((t) => weightOf.has(t.condition) && t.target).map((t) => [t.ivector, t.ltcs]),
    trials.filter((t) => weightOf.has(t.condition) && !t.target).map((t) => [t.ivector, t.ltcs]),
  );
  let theta = [start.ivectorWeight, start.ltcsWeight, start.offset, 0, 0, 0];
  let current = loss(theta);
  for (let iter = 0; iter < 200; iter++) {
    const g = theta.map((v, i) => ridge[i]! * v);
    const h = new Float64Array(n * n);
    for (let i = 0; i < n; i++) h[i * n + i] = ridge[i]!;
    for (const { x, y, w } of rows) {
      let z = 0;
      for (let i = 0; i < n; i++) z += theta[i]! * x[i]!;
      const p = 1 / (1 + Math.exp(-z));
      const r = (p - y) * w;
      const c = p * (1 - p) * w;
      for (let i = 0; i < n; i++) {
        g[i] = g[i]! + r * x[i]!;
        for (let j = 0; j < n; j++) h[i * n + j] = h[i * n + j]! + c * x[i]! * x[j]!;
      }
    }
    const step = solveLinear(h, g, n);
    let scale = 1;
    let next = theta;
    let value = current;
    for (let k = 0; k < 40; k++, scale /= 2) {
      const candidate = theta.map((v, i) => v - scale * step[i]!);
      const l = loss(candidate);
      if (Number.isFinite(l) && l <= current) {
        next = candidate;
        value = l;
        break;
      }
    }
    if (next === theta || current - value < 1e-13) {
      theta = next;
      break;
    }
    theta = next;
    current = value;
  }
  const base = { ivectorWeight: theta[0]!, ltcsWeight: theta[1]!, offset: theta[2]! };
  if (!varies) return base;
  return {
    ...base,
    duration: { ivectorWeight: theta[3]!, ltcsWeight: theta[4]!, offset: theta[5]! },
  };
}

/** Solves h·x = g by Gaussian elimination with partial pivoting (h is n × n, row-major). */
function solveLinear(h: Float64Array, g: readonly number[], n: number): number[] {
  const a = Float64Array.from(h);
  const b = Float64Array.from(g);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++)
      if (Math.abs(a[r * n + col]!) > Math.abs(a[pivot * n + col]!)) pivot = r;
    if (pivot !== col) {
      for (let k = 0; k < n; k++) {
        const t = a[col * n + k]!;
        a[col * n + k] = a[pivot * n + k]!;
        a[pivot * n + k] = t;
      }
      const t = b[col]!;
      b[col] = b[pivot]!;
      b[pivot] = t;
    }
    const d = a[col * n + col]!;
    for (let r = col + 1; r < n; r++) {
      const f = a[r * n + col]! / d;
      if (f === 0) continue;
      for (let k = col; k < n; k++) a[r * n + k] = a[r * n + k]! - f * a[col * n + k]!;
      b[r] = b[r]! - f * b[col]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let k = r + 1; k < n; k++) s -= a[r * n + k]! * x[k]!;
    x[r] = s / a[r * n + r]!;
  }
  return x;
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
