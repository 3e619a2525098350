/**
 * One evaluation of Kaldi-style lists on a corpus, through the accumulator: what
 * `voxgate eval speaker`, the benchmark and the training's calibration stage share.
 *
 * Without a tests list, trials name single utterances and each enrollment utterance is its own
 * batch file (pooled): the single-utterance condition. With one (`<test-id> <uttid> …`), the
 * utterances of an enrollment and of a test are concatenated into one accumulator each: the
 * session condition.
 */
import { DEFAULT_ACCEPT_THRESHOLD } from '../score-calibration.js';
import type { SpeakerModel, UtteranceStatistics } from '../speaker-model.js';
import type { EnrollmentEntry, Trial } from '../trial-lists.js';
import { TrialListError } from '../trial-lists.js';
import type { Channel } from './channel-audio.js';
import { loadChannelAudio } from './channel-audio.js';
import {
  enrollmentStatistics,
  itemStatistics,
  scoreTrialItems,
  type ScoredTrial,
} from './scored-trials.js';
import { summarizeTrials, type TrialSummary } from './trial-summary.js';

/** A corpus utterance as the evaluation needs it. */
export interface EvaluationUtterance {
  readonly id: string;
  readonly speaker: string;
  readonly audioPath: string;
}

/** What to evaluate. */
export interface ListEvaluation {
  readonly model: SpeakerModel;
  readonly utterances: ReadonlyMap<string, EvaluationUtterance>;
  readonly enroll: readonly EnrollmentEntry[];
  readonly trials: readonly Trial[];
  /** The session condition's test items; absent for single-utterance trials. */
  readonly tests?: readonly EnrollmentEntry[];
  readonly channel: Channel;
  /** Accept threshold on the 0–100 score. Default 90 (Voice ID's default AcceptanceThreshold). */
  readonly threshold?: number;
  /** Speaker → group (e.g. child/adult): the measures are also given per group. */
  readonly groupOf?: (speaker: string) => string | undefined;
  /** Bootstrap replicates of the intervals (default 1000). */
  readonly replicates?: number;
  /** Called while decoding (done, total) and while computing statistics. */
  readonly onProgress?: (stage: 'audio' | 'statistics', done: number, total: number) => void;
}

/** The result of {@link evaluateLists}. */
export interface ListResult {
  readonly summary: TrialSummary;
  /** Per group: target trials of the group's speakers, non-target trials within the group. */
  readonly groups: Readonly<Record<string, TrialSummary>>;
  readonly scored: readonly ScoredTrial[];
  /** Engine time (statistics, embeddings, scoring; not decoding) per second of audio processed. */
  readonly rtf: number;
  /** Audio pushed through accumulators (an utterance counts once per item that uses it). */
  readonly audioSeconds: number;
}

/**
 * Decodes what the lists need over the channel, computes every item's statistics through the
 * accumulator, scores and summarises.
 *
 * ### Examples
 * ```ts
 * const result = await evaluateLists({ model, utterances, enroll, trials, tests, channel: '8k-mulaw' });
 * result.summary.eer.value;
 * ```
 */
export async function evaluateLists(job: ListEvaluation): Promise<ListResult> {
  const { model, utterances } = job;
  const items = new Map<string, EnrollmentEntry>();
  for (const t of job.tests ?? []) items.set(t.model, t);
  const needed = new Set<string>();
  for (const e of job.enroll) for (const u of e.utterances) needed.add(u);
  for (const t of job.trials) {
    const item = items.get(t.utterance);
    if (item === undefined) needed.add(t.utterance);
    else for (const u of item.utterances) needed.add(u);
  }
  const missing = [...needed].filter((id) => !utterances.has(id));
  if (missing.length > 0)
    throw new TrialListError(
      `${missing.length} utterance(s) of the lists are not in the corpus: ${missing.slice(0, 5).join(', ')}`,
    );
  const files = [...needed].sort().map((id) => utterances.get(id)!);
  const audio = await loadChannelAudio(files, job.channel, 4, (done) =>
    job.onProgress?.('audio', done, files.length),
  );
  let audioSeconds = 0;
  const samplesOf = (id: string) => {
    const samples = audio.get(id)!;
    audioSeconds += samples.length / 16000;
    return samples;
  };

  const session = job.tests !== undefined;
  const started = performance.now();
  const models = enrollmentStatistics(
    model,
    job.enroll,
    samplesOf,
    session ? 'concatenated' : 'per-utterance',
  );
  const tests = new Map<string, UtteranceStatistics>();
  const testIds = [...new Set(job.trials.map((t) => t.utterance))];
  testIds.forEach((id, i) => {
    const item = items.get(id);
    tests.set(
      id,
      itemStatistics(
        model,
        item?.utterances ?? [id],
        samplesOf,
        item ? 'concatenated' : 'per-utterance',
      ),
    );
    if (i % 20 === 0) job.onProgress?.('statistics', i, testIds.length);
  });
  const scored = scoreTrialItems(model, models, tests, job.trials);
  const engineMs = performance.now() - started;

  const modelSpeaker = new Map(
    job.enroll.map((e) => [e.model, utterances.get(e.utterances[0]!)!.speaker]),
  );
  const speakerOf = (id: string): string =>
    modelSpeaker.get(id) ?? utterances.get(items.get(id)?.utterances[0] ?? id)?.speaker ?? id;
  const threshold = job.threshold ?? DEFAULT_ACCEPT_THRESHOLD;
  const replicates = job.replicates;
  const summary = summarizeTrials(scored, { threshold, speakerOf, replicates });
  const groups: Record<string, TrialSummary> = {};
  if (job.groupOf !== undefined) {
    const groupOf = job.groupOf;
    const names = [...new Set([...modelSpeaker.values()].map((s) => groupOf(s)))]
      .filter((g): g is string => g !== undefined)
      .sort();
    for (const g of names) {
      const inGroup = scored.filter(
        (t) => groupOf(speakerOf(t.test)) === g && (t.target || groupOf(speakerOf(t.model)) === g),
      );
      if (inGroup.some((t) => t.target) && inGroup.some((t) => !t.target))
        groups[g] = summarizeTrials(inGroup, { threshold, speakerOf, replicates });
    }
  }
  return { summary, groups, scored, rtf: engineMs / 1000 / audioSeconds, audioSeconds };
}
