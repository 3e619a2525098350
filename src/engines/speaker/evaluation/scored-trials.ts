/**
 * Scoring trial lists through the streaming accumulator, the path Voice ID uses: every
 * enrollment and test item is audio pushed into an accumulator (one per utterance, or one for
 * the utterances concatenated), enrolled or embedded from its snapshot, and compared with the
 * model's calibrated score. Each scored trial keeps what calibration needs: the two subsystem
 * scores and both sides' net speech.
 */
import type { AccumulatorOptions } from '../speaker-accumulator.js';
import { poolStatistics } from '../speaker-accumulator.js';
import type { SpeakerModel, UtteranceEmbedding, UtteranceStatistics } from '../speaker-model.js';
import type { EnrollmentEntry, Trial } from '../trial-lists.js';
import { TrialListError } from '../trial-lists.js';
import type { Voiceprint } from '../voiceprint.js';

/** One trial with its scores. */
export interface ScoredTrial {
  readonly model: string;
  readonly test: string;
  readonly target: boolean;
  /** Subsystem scores (what the fusion weighs). */
  readonly ivector: number;
  readonly ltcs: number;
  /** Net speech of the enrollment and of the test, seconds. */
  readonly enrollSeconds: number;
  readonly testSeconds: number;
  /** The model's calibrated result. */
  readonly rawScore: number;
  readonly score0to100: number;
}

/** How an item's utterances reach the accumulator. */
export type ItemMode = 'per-utterance' | 'concatenated';

/**
 * The statistics of an item (an enrollment or a test): one accumulator per utterance, pooled
 * (`per-utterance`, as separate batch files), or one accumulator with the utterances pushed one
 * after the other (`concatenated`, as one call or one file).
 */
export function itemStatistics(
  model: SpeakerModel,
  utterances: readonly string[],
  samplesOf: (utterance: string) => Float32Array,
  mode: ItemMode,
  options?: AccumulatorOptions,
): UtteranceStatistics {
  if (mode === 'concatenated') {
    const acc = model.createAccumulator(options);
    for (const u of utterances) acc.push(samplesOf(u));
    return acc.snapshot();
  }
  return poolStatistics(
    utterances.map((u) => {
      const acc = model.createAccumulator(options);
      acc.push(samplesOf(u));
      return acc.snapshot();
    }),
  );
}

/** Statistics of enrollment entries, by model id. */
export function enrollmentStatistics(
  model: SpeakerModel,
  entries: readonly EnrollmentEntry[],
  samplesOf: (utterance: string) => Float32Array,
  mode: ItemMode,
  options?: AccumulatorOptions,
): Map<string, UtteranceStatistics> {
  return new Map(
    entries.map((e) => [e.model, itemStatistics(model, e.utterances, samplesOf, mode, options)]),
  );
}

/**
 * Scores `trials`: `models` gives each model id's enrollment statistics, `tests` each test id's
 * statistics. Unknown ids are a TrialListError naming them.
 *
 * ### Examples
 * ```ts
 * const scored = scoreTrialItems(model, models, tests, trials);
 * ```
 */
export function scoreTrialItems(
  model: SpeakerModel,
  models: ReadonlyMap<string, UtteranceStatistics>,
  tests: ReadonlyMap<string, UtteranceStatistics>,
  trials: readonly Trial[],
): ScoredTrial[] {
  const voiceprints = new Map<string, Voiceprint>();
  const embeddings = new Map<string, UtteranceEmbedding>();
  return trials.map((trial) => {
    let voiceprint = voiceprints.get(trial.model);
    if (voiceprint === undefined) {
      const stats = models.get(trial.model);
      if (stats === undefined)
        throw new TrialListError(`trial model ${trial.model} is not in the enrollment list`);
      voiceprint = model.enrollStatistics([stats]).voiceprint;
      voiceprints.set(trial.model, voiceprint);
    }
    let embedding = embeddings.get(trial.utterance);
    if (embedding === undefined) {
      const stats = tests.get(trial.utterance);
      if (stats === undefined)
        throw new TrialListError(`trial test ${trial.utterance} is not in the corpus or test list`);
      embedding = model.embedStatistics(stats);
      embeddings.set(trial.utterance, embedding);
    }
    const c = model.components(voiceprint, embedding);
    const s = model.compare(voiceprint, embedding);
    return {
      model: trial.model,
      test: trial.utterance,
      target: trial.target,
      ivector: c.ivector,
      ltcs: c.ltcs,
      enrollSeconds: voiceprint.netSpeechSeconds,
      testSeconds: embedding.netSpeechSeconds,
      rawScore: s.rawScore,
      score0to100: s.score0to100,
    };
  });
}
