/**
 * Lists for the session condition, what Voice ID does: a speaker enrolls on about 30 s of net
 * speech (several utterances concatenated, as one batch file or one call) and is tested on
 * about 10 s of other speech, concatenated the same way. The corpus has 48–274 s of audio per
 * speaker, so a speaker gives only a few such tests; several random partitions of each
 * speaker's utterances into enrollment and tests give more trials (they are not independent:
 * intervals come from resampling speakers, see speaker-bootstrap.ts).
 *
 * Three Kaldi-style files: enrollment (`<model-id> <uttid> …`, concatenated in that order),
 * tests (`<test-id> <uttid> …`, likewise) and trials (`<model-id> <test-id> target|nontarget`).
 */
import type { EnrollmentEntry, Trial } from './trial-lists.js';
import { SeededRandom } from './training/seeded-random.js';

/** An utterance with its speaker and net speech (energy VAD), seconds. */
export interface TimedUtterance {
  readonly id: string;
  readonly speaker: string;
  readonly netSpeechSeconds: number;
}

/** Options of {@link generateSessionLists}. */
export interface SessionListOptions {
  /** Net speech to reach for enrollment, seconds. Default 30. */
  readonly enrollSeconds?: number;
  /** Net speech to reach for each test, seconds. Default 10. */
  readonly testSeconds?: number;
  /** Random partitions of each speaker's utterances. Default 10. */
  readonly partitions?: number;
  /** Other models each test is tried against, within its partition; 0 = all. Default 0. */
  readonly nontargetModels?: number;
  /** Default 1. */
  readonly seed?: number;
}

export const DEFAULT_SESSION_ENROLL_SECONDS = 30;
export const DEFAULT_SESSION_TEST_SECONDS = 10;
export const DEFAULT_SESSION_PARTITIONS = 10;

/** Session-condition lists; `tests` has the same shape as `enroll`. */
export interface SessionLists {
  readonly enroll: EnrollmentEntry[];
  readonly tests: EnrollmentEntry[];
  readonly trials: Trial[];
  /** Speaker of every model and test id. */
  readonly speakerOf: ReadonlyMap<string, string>;
}

/**
 * Per partition and speaker: the speaker's utterances in a seeded random order; the first ones
 * until `enrollSeconds` of net speech enroll model `<speaker>-p<k>`; the following ones, until
 * `testSeconds` each, make tests `<speaker>-p<k>-t<j>` (a remainder short of `testSeconds` is
 * dropped). A speaker without enough speech for one test is left out of that partition. Each
 * test is a target trial of its own model and a non-target trial of the partition's other
 * models (all of them, or `nontargetModels` chosen at random).
 *
 * ### Examples
 * ```ts
 * const lists = generateSessionLists(timed, { enrollSeconds: 30, testSeconds: 10, partitions: 10 });
 * ```
 */
export function generateSessionLists(
  utterances: readonly TimedUtterance[],
  options: SessionListOptions = {},
): SessionLists {
  const enrollSeconds = options.enrollSeconds ?? DEFAULT_SESSION_ENROLL_SECONDS;
  const testSeconds = options.testSeconds ?? DEFAULT_SESSION_TEST_SECONDS;
  const partitions = options.partitions ?? DEFAULT_SESSION_PARTITIONS;
  const nontargets = options.nontargetModels ?? 0;
  const random = new SeededRandom(options.seed ?? 1);
  const bySpeaker = new Map<string, TimedUtterance[]>();
  for (const u of utterances) {
    const list = bySpeaker.get(u.speaker) ?? [];
    list.push(u);
    bySpeaker.set(u.speaker, list);
  }
  const speakers = [...bySpeaker.keys()].sort();
  const enroll: EnrollmentEntry[] = [];
  const tests: EnrollmentEntry[] = [];
  const trials: Trial[] = [];
  const speakerOf = new Map<string, string>();
  for (let p = 1; p <= partitions; p++) {
    const models: string[] = [];
    const partitionTests: { id: string; model: string }[] = [];
    for (const speaker of speakers) {
      const sorted = bySpeaker
        .get(speaker)!
        .slice()
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      const order = random.shuffle(sorted);
      let i = 0;
      const take = (seconds: number): string[] | undefined => {
        const ids: string[] = [];
        let net = 0;
        while (i < order.length && net < seconds) {
          ids.push(order[i]!.id);
          net += order[i]!.netSpeechSeconds;
          i++;
        }
        return net >= seconds ? ids : undefined;
      };
      const enrollment = take(enrollSeconds);
      if (enrollment === undefined) continue;
      const groups: string[][] = [];
      for (let g = take(testSeconds); g !== undefined; g = take(testSeconds)) groups.push(g);
      if (groups.length === 0) continue;
      const model = `${speaker}-p${p}`;
      models.push(model);
      enroll.push({ model, utterances: enrollment });
      speakerOf.set(model, speaker);
      groups.forEach((g, j) => {
        const id = `${model}-t${j + 1}`;
        tests.push({ model: id, utterances: g });
        speakerOf.set(id, speaker);
        partitionTests.push({ id, model });
      });
    }
    for (const t of partitionTests) {
      trials.push({ model: t.model, utterance: t.id, target: true });
      const others = models.filter((m) => m !== t.model);
      const chosen =
        nontargets > 0 && nontargets < others.length
          ? random.shuffle(others).slice(0, nontargets).sort()
          : others;
      for (const m of chosen) trials.push({ model: m, utterance: t.id, target: false });
    }
  }
  return { enroll, tests, trials, speakerOf };
}
