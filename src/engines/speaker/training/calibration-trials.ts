/**
 * The calibration stage's trials: the calibration speakers (never trained on) scored by the
 * provisional model through the streaming accumulator, exactly as Voice ID and
 * `voxgate eval speaker` score, in the conditions the score must mean the same thing in:
 *
 *   single    3 utterances enrolled (separate files, pooled), one utterance tested
 *   session   ≈30 s of net speech enrolled (one concatenated stream), ≈10 s tested
 *   short     ≈30 s enrolled, ≈5 s tested (Voice ID's smallest
 *             AuthenticationMinimumSpeechInSeconds)
 *
 * each over 16 kHz audio and 8 kHz G.711 µ-law. The fusion is fitted on all of them (duration
 * terms included), and the thresholds are read off the session condition.
 */
import { generateSessionLists, type TimedUtterance } from '../session-lists.js';
import { loadChannelAudio, type Channel } from '../evaluation/channel-audio.js';
import { itemStatistics, scoreTrialItems, type ScoredTrial } from '../evaluation/scored-trials.js';
import type { SpeakerModel, UtteranceStatistics } from '../speaker-model.js';
import { generateTrialLists, type EnrollmentEntry, type Trial } from '../trial-lists.js';
import type { TrainingProgress, TrainingUtterance } from './train-speaker-model.js';

/** The conditions of {@link calibrationTrials}. */
export const CALIBRATION_CONDITIONS = Object.freeze({
  single: { enrollUtterances: 3 },
  session: { enrollSeconds: 30, testSeconds: 10 },
  short: { enrollSeconds: 30, testSeconds: 5 },
});

/** Channels calibrated on. */
export const CALIBRATION_CHANNELS: readonly Channel[] = ['16k', '8k-mulaw'];

/** Random partitions of each calibration speaker in the session conditions. */
export const CALIBRATION_PARTITIONS = 5;

export type CalibrationCondition = keyof typeof CALIBRATION_CONDITIONS;

/** Scored trials of one channel and condition. */
export interface CalibrationSet {
  readonly channel: Channel;
  readonly condition: CalibrationCondition;
  /** `${channel} ${condition}`. */
  readonly name: string;
  readonly trials: readonly ScoredTrial[];
}

/**
 * Scores the calibration speakers' trials in every channel and condition. `timed` gives each
 * utterance's net speech (the session lists are cut on it). Conditions whose lists come out
 * empty (a corpus with too little speech per speaker) are left out.
 */
export async function calibrationTrials(
  model: SpeakerModel,
  utterances: readonly TrainingUtterance[],
  timed: readonly TimedUtterance[],
  seed: number,
  progress: TrainingProgress,
): Promise<CalibrationSet[]> {
  const lists: {
    condition: CalibrationCondition;
    enroll: EnrollmentEntry[];
    trials: Trial[];
    tests?: EnrollmentEntry[];
  }[] = [];
  const single = generateTrialLists(utterances, {
    enrollUtterances: CALIBRATION_CONDITIONS.single.enrollUtterances,
    seed,
  });
  lists.push({ condition: 'single', ...single });
  for (const condition of ['session', 'short'] as const) {
    const c = CALIBRATION_CONDITIONS[condition];
    const session = generateSessionLists(timed, {
      enrollSeconds: c.enrollSeconds,
      testSeconds: c.testSeconds,
      partitions: CALIBRATION_PARTITIONS,
      seed,
    });
    if (session.trials.some((t) => t.target) && session.trials.some((t) => !t.target))
      lists.push({
        condition,
        enroll: session.enroll,
        trials: session.trials,
        tests: session.tests,
      });
  }
  const out: CalibrationSet[] = [];
  for (const channel of CALIBRATION_CHANNELS) {
    progress.stage(`calibration audio ${channel}`, utterances.length);
    const audio = await loadChannelAudio(utterances, channel, 2, (done) => progress.tick(done));
    const samplesOf = (id: string): Float32Array => {
      const samples = audio.get(id);
      if (samples === undefined) throw new RangeError(`no audio for ${id}`);
      return samples;
    };
    // An item (an utterance list and how it is pushed) is computed once, whichever list uses it.
    const cache = new Map<string, UtteranceStatistics>();
    const statisticsOf = (ids: readonly string[], concatenated: boolean) => {
      const key = `${concatenated ? 'c' : 'u'}:${ids.join(' ')}`;
      let s = cache.get(key);
      if (s === undefined) {
        s = itemStatistics(model, ids, samplesOf, concatenated ? 'concatenated' : 'per-utterance');
        cache.set(key, s);
      }
      return s;
    };
    for (const list of lists) {
      const concatenated = list.tests !== undefined;
      const items = new Map((list.tests ?? []).map((t) => [t.model, t.utterances]));
      const testIds = [...new Set(list.trials.map((t) => t.utterance))];
      progress.stage(
        `calibration ${channel} ${list.condition}`,
        list.enroll.length + testIds.length,
      );
      let done = 0;
      const models = new Map<string, UtteranceStatistics>();
      for (const e of list.enroll) {
        models.set(e.model, statisticsOf(e.utterances, concatenated));
        progress.tick(++done);
      }
      const tests = new Map<string, UtteranceStatistics>();
      for (const id of testIds) {
        tests.set(id, statisticsOf(items.get(id) ?? [id], concatenated));
        progress.tick(++done);
      }
      out.push({
        channel,
        condition: list.condition,
        name: `${channel} ${list.condition}`,
        trials: scoreTrialItems(model, models, tests, list.trials),
      });
    }
  }
  return out;
}
