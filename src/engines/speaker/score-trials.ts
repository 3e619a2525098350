/**
 * Scores Kaldi-style trial lists with a model, from per-utterance statistics computed once.
 */
import { equalErrorRate, minDetectionCost } from './detection-metrics.js';
import type { ScorePair } from './score-calibration.js';
import type { SpeakerModel, UtteranceEmbedding, UtteranceStatistics } from './speaker-model.js';
import type { EnrollmentEntry, Trial } from './trial-lists.js';
import { TrialListError } from './trial-lists.js';
import type { Voiceprint } from './voiceprint.js';

/** Scores of a trial list and the measures derived from them. */
export interface TrialScores {
  /** Fused log-odds (`rawScore`) of the target and non-target trials. */
  readonly targets: number[];
  readonly nontargets: number[];
  /** The two subsystem scores of each trial, in the same order (what the fusion is fitted on). */
  readonly targetPairs: ScorePair[];
  readonly nontargetPairs: ScorePair[];
  /** Net speech of each enrollment, seconds. */
  readonly enrollSeconds: number[];
  readonly eer: number;
  /** At p_target 0.01. */
  readonly minDcf: number;
}

/**
 * Enrolls every model of `enroll` and scores every trial. `statisticsOf` gives each
 * utterance's statistics (throws or returns undefined for an unknown id, which is an error
 * naming the list line's utterance).
 *
 * ### Examples
 * ```ts
 * const { eer, minDcf } = scoreTrials(model, enroll, trials, (id) => stats.get(id));
 * ```
 */
export function scoreTrials(
  model: SpeakerModel,
  enroll: readonly EnrollmentEntry[],
  trials: readonly Trial[],
  statisticsOf: (utterance: string) => UtteranceStatistics | undefined,
): TrialScores {
  const need = (id: string): UtteranceStatistics => {
    const s = statisticsOf(id);
    if (s === undefined) throw new TrialListError(`utterance ${id} is not in the corpus`);
    return s;
  };
  const voiceprints = new Map<string, Voiceprint>();
  const enrollSeconds: number[] = [];
  for (const entry of enroll) {
    const e = model.enrollStatistics(entry.utterances.map(need));
    voiceprints.set(entry.model, e.voiceprint);
    enrollSeconds.push(e.netSpeechSeconds);
  }
  const embeddings = new Map<string, UtteranceEmbedding>();
  const targets: number[] = [];
  const nontargets: number[] = [];
  const targetPairs: ScorePair[] = [];
  const nontargetPairs: ScorePair[] = [];
  for (const trial of trials) {
    const voiceprint = voiceprints.get(trial.model);
    if (voiceprint === undefined)
      throw new TrialListError(`trial model ${trial.model} is not in the enrollment list`);
    let e = embeddings.get(trial.utterance);
    if (e === undefined) {
      e = model.embedStatistics(need(trial.utterance));
      embeddings.set(trial.utterance, e);
    }
    const c = model.components(voiceprint, e);
    (trial.target ? targets : nontargets).push(model.compare(voiceprint, e).rawScore);
    (trial.target ? targetPairs : nontargetPairs).push([c.ivector, c.ltcs]);
  }
  return {
    targets,
    nontargets,
    targetPairs,
    nontargetPairs,
    enrollSeconds,
    eer: equalErrorRate(targets, nontargets),
    minDcf: minDetectionCost(targets, nontargets),
  };
}

/** The median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
