/**
 * What a list of scored trials measures: equal error rate, minDCF, and the false-accept and
 * false-reject rates at a threshold, with 95 % intervals from resampling speakers.
 *
 * Trials of one speaker are not independent (the same voice, the same enrollment), so the
 * intervals come from a speaker bootstrap: each replicate draws the speakers with replacement
 * and weighs every trial by how often its speakers were drawn (a target trial by its speaker's
 * count, a non-target trial by the product of both speakers' counts); the interval is the 2.5th
 * to 97.5th percentile of the replicates. Wider than a binomial interval, and honest about how
 * few voices there are.
 */
import { minDetectionCost } from '../detection-metrics.js';
import { logOddsForScore } from '../score-calibration.js';
import { median } from '../score-trials.js';
import { SeededRandom } from '../training/seeded-random.js';
import type { ScoredTrial } from './scored-trials.js';

/** A rate and its 95 % interval. */
export interface RateWithInterval {
  readonly value: number;
  readonly low: number;
  readonly high: number;
}

/** Options of {@link summarizeTrials}. */
export interface SummaryOptions {
  /** Accept threshold on the 0–100 score. */
  readonly threshold: number;
  /** The speaker of a model or test id. */
  readonly speakerOf: (id: string) => string;
  /** Bootstrap replicates; 0 skips the intervals. Default 1000. */
  readonly replicates?: number;
  /** Default 1. */
  readonly seed?: number;
}

/** The measures of one list of trials. */
export interface TrialSummary {
  readonly trials: number;
  readonly targets: number;
  readonly nontargets: number;
  readonly speakers: number;
  readonly eer: RateWithInterval;
  /** At p_target 0.01. */
  readonly minDcf: number;
  readonly threshold: number;
  readonly falseAccepts: number;
  readonly falseRejects: number;
  readonly falseAcceptRate: RateWithInterval;
  readonly falseRejectRate: RateWithInterval;
  readonly enrollSecondsMedian: number;
  readonly testSecondsMedian: number;
}

export const DEFAULT_BOOTSTRAP_REPLICATES = 1000;

/**
 * The measures of `scored` (EER on the calibrated log-odds, which order trials as the 0–100
 * score does).
 *
 * ### Examples
 * ```ts
 * const summary = summarizeTrials(scored, { threshold: 90, speakerOf: (id) => lists.speakerOf.get(id)! });
 * summary.eer; // { value: 0.012, low: 0.006, high: 0.02 }
 * ```
 */
export function summarizeTrials(
  scored: readonly ScoredTrial[],
  options: SummaryOptions,
): TrialSummary {
  const order = scored.map((_, i) => i).sort((a, b) => scored[a]!.rawScore - scored[b]!.rawScore);
  const speakers = [
    ...new Set(scored.flatMap((t) => [options.speakerOf(t.model), options.speakerOf(t.test)])),
  ].sort();
  const index = new Map(speakers.map((s, i) => [s, i]));
  const modelSpeaker = scored.map((t) => index.get(options.speakerOf(t.model))!);
  const testSpeaker = scored.map((t) => index.get(options.speakerOf(t.test))!);
  const cut = logOddsForScore(options.threshold);
  const sorted = order.map((i) => scored[i]!);
  const sortedModel = Int32Array.from(order, (i) => modelSpeaker[i]!);
  const sortedTest = Int32Array.from(order, (i) => testSpeaker[i]!);
  const measure = (counts: Float64Array | undefined) => {
    const w = (k: number): number => {
      if (counts === undefined) return 1;
      const t = sorted[k]!;
      return t.target
        ? counts[sortedModel[k]!]!
        : counts[sortedModel[k]!]! * counts[sortedTest[k]!]!;
    };
    return weightedRates(sorted, w, cut);
  };
  const point = measure(undefined);
  const replicates = options.replicates ?? DEFAULT_BOOTSTRAP_REPLICATES;
  const random = new SeededRandom(options.seed ?? 1);
  const eers: number[] = [];
  const fas: number[] = [];
  const frs: number[] = [];
  const counts = new Float64Array(speakers.length);
  for (let r = 0; r < replicates; r++) {
    counts.fill(0);
    for (let i = 0; i < speakers.length; i++) counts[random.int(speakers.length)]!++;
    const m = measure(counts);
    if (Number.isFinite(m.eer)) eers.push(m.eer);
    if (Number.isFinite(m.far)) fas.push(m.far);
    if (Number.isFinite(m.frr)) frs.push(m.frr);
  }
  const interval = (value: number, values: number[]): RateWithInterval => {
    if (values.length === 0) return { value, low: NaN, high: NaN };
    values.sort((a, b) => a - b);
    const at = (p: number) => values[Math.min(values.length - 1, Math.floor(p * values.length))]!;
    return { value, low: at(0.025), high: at(0.975) };
  };
  const targets = scored.filter((t) => t.target);
  const nontargets = scored.filter((t) => !t.target);
  const enrollByModel = new Map(scored.map((t) => [t.model, t.enrollSeconds]));
  const testById = new Map(scored.map((t) => [t.test, t.testSeconds]));
  return {
    trials: scored.length,
    targets: targets.length,
    nontargets: nontargets.length,
    speakers: speakers.length,
    eer: interval(point.eer, eers),
    minDcf: minDetectionCost(
      targets.map((t) => t.rawScore),
      nontargets.map((t) => t.rawScore),
    ),
    threshold: options.threshold,
    falseAccepts: nontargets.filter((t) => t.rawScore >= cut).length,
    falseRejects: targets.filter((t) => t.rawScore < cut).length,
    falseAcceptRate: interval(point.far, fas),
    falseRejectRate: interval(point.frr, frs),
    enrollSecondsMedian: median([...enrollByModel.values()]),
    testSecondsMedian: median([...testById.values()]),
  };
}

/**
 * Weighted EER (as equalErrorRate: the mean of the two rates where they are closest) and the
 * rates at log-odds `cut` (accept when rawScore ≥ cut), over trials sorted by rawScore.
 */
function weightedRates(
  sorted: readonly ScoredTrial[],
  weight: (k: number) => number,
  cut: number,
): { eer: number; far: number; frr: number } {
  let targetTotal = 0;
  let nontargetTotal = 0;
  const w = new Float64Array(sorted.length);
  for (let k = 0; k < sorted.length; k++) {
    w[k] = weight(k);
    if (sorted[k]!.target) targetTotal += w[k]!;
    else nontargetTotal += w[k]!;
  }
  if (targetTotal === 0 || nontargetTotal === 0) return { eer: NaN, far: NaN, frr: NaN };
  let misses = 0;
  let falseAccepts = nontargetTotal;
  let best = 1;
  let eer = NaN;
  let far = NaN;
  let frr = NaN;
  const visit = () => {
    const fa = falseAccepts / nontargetTotal;
    const fr = misses / targetTotal;
    const gap = Math.abs(fa - fr);
    if (gap < best || Number.isNaN(eer)) {
      best = gap;
      eer = (fa + fr) / 2;
    }
  };
  visit();
  for (let k = 0; k < sorted.length;) {
    const s = sorted[k]!.rawScore;
    if (Number.isNaN(far) && s >= cut) {
      far = falseAccepts / nontargetTotal;
      frr = misses / targetTotal;
    }
    while (k < sorted.length && sorted[k]!.rawScore === s) {
      if (sorted[k]!.target) misses += w[k]!;
      else falseAccepts -= w[k]!;
      k++;
    }
    visit();
  }
  if (Number.isNaN(far)) {
    far = falseAccepts / nontargetTotal;
    frr = misses / targetTotal;
  }
  return { eer, far, frr };
}
