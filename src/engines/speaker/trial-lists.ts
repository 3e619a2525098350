/**
 * Kaldi-style speaker verification lists: enrollment (`<model-id> <uttid> <uttid> …`) and trials
 * (`<model-id> <uttid> target|nontarget`), their generator, parser and writer.
 */
import { SeededRandom } from './training/seeded-random.js';

/** One enrolled model: its id and its enrollment utterances. */
export interface EnrollmentEntry {
  readonly model: string;
  readonly utterances: readonly string[];
}

/** One trial: a model, a test utterance, and whether they are the same speaker. */
export interface Trial {
  readonly model: string;
  readonly utterance: string;
  readonly target: boolean;
}

/** Options of {@link generateTrialLists}. */
export interface TrialListOptions {
  /** Enrollment utterances per speaker. Default 3. */
  readonly enrollUtterances?: number;
  /** Other speakers' models each test utterance is tried against. Default 20. */
  readonly nontargetModels?: number;
  /** Default 1. */
  readonly seed?: number;
}

export const DEFAULT_ENROLL_UTTERANCES = 3;
export const DEFAULT_NONTARGET_MODELS = 20;

/**
 * Lists for a corpus: per speaker (model id = speaker id), `enrollUtterances` utterances chosen
 * at random enroll the model; each of the speaker's other utterances is a target trial against
 * it and a non-target trial against `nontargetModels` other models chosen at random. Speakers
 * with too few utterances are left out. The same utterances and seed give the same lists.
 *
 * ### Examples
 * ```ts
 * const { enroll, trials } = generateTrialLists(corpus.utterances, { seed: 7 });
 * ```
 */
export function generateTrialLists(
  utterances: readonly { readonly id: string; readonly speaker: string | null }[],
  options: TrialListOptions = {},
): { enroll: EnrollmentEntry[]; trials: Trial[] } {
  const enrollCount = options.enrollUtterances ?? DEFAULT_ENROLL_UTTERANCES;
  const others = options.nontargetModels ?? DEFAULT_NONTARGET_MODELS;
  const random = new SeededRandom(options.seed ?? 1);
  const bySpeaker = new Map<string, string[]>();
  for (const u of utterances) {
    if (u.speaker === null) continue;
    const list = bySpeaker.get(u.speaker) ?? [];
    list.push(u.id);
    bySpeaker.set(u.speaker, list);
  }
  const speakers = [...bySpeaker.keys()].sort();
  const enroll: EnrollmentEntry[] = [];
  const tests = new Map<string, string[]>();
  for (const speaker of speakers) {
    const ids = bySpeaker.get(speaker)!.slice().sort();
    if (ids.length <= enrollCount) continue;
    const shuffled = random.shuffle(ids);
    enroll.push({ model: speaker, utterances: shuffled.slice(0, enrollCount).sort() });
    tests.set(speaker, shuffled.slice(enrollCount).sort());
  }
  const models = enroll.map((e) => e.model);
  const trials: Trial[] = [];
  for (const model of models) {
    const candidates = models.filter((m) => m !== model);
    for (const utterance of tests.get(model)!) {
      trials.push({ model, utterance, target: true });
      const chosen = random.shuffle(candidates).slice(0, others).sort();
      for (const other of chosen) trials.push({ model: other, utterance, target: false });
    }
  }
  return { enroll, trials };
}

/** The enrollment file's text. */
export function formatEnrollment(entries: readonly EnrollmentEntry[]): string {
  return entries.map((e) => `${e.model} ${e.utterances.join(' ')}\n`).join('');
}

/** The trials file's text. */
export function formatTrials(trials: readonly Trial[]): string {
  return trials
    .map((t) => `${t.model} ${t.utterance} ${t.target ? 'target' : 'nontarget'}\n`)
    .join('');
}

/** A list file that cannot be read; the message names the line. */
export class TrialListError extends Error {
  override readonly name = 'TrialListError';
}

/** Parses an enrollment file; `where` names it in errors. */
export function parseEnrollment(text: string, where: string): EnrollmentEntry[] {
  const entries: EnrollmentEntry[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((line, i) => {
    const fields = line.trim().split(/\s+/).filter(Boolean);
    if (fields.length === 0) return;
    if (fields.length < 2)
      throw new TrialListError(`${where}:${i + 1}: expected "<model-id> <uttid> …", got "${line}"`);
    const [model, ...utts] = fields as [string, ...string[]];
    if (seen.has(model)) throw new TrialListError(`${where}:${i + 1}: model ${model} listed twice`);
    seen.add(model);
    entries.push({ model, utterances: utts });
  });
  return entries;
}

/** Parses a trials file; `where` names it in errors. */
export function parseTrials(text: string, where: string): Trial[] {
  const trials: Trial[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const fields = line.trim().split(/\s+/).filter(Boolean);
    if (fields.length === 0) return;
    const [model, utterance, label] = fields;
    if (
      fields.length !== 3 ||
      model === undefined ||
      utterance === undefined ||
      (label !== 'target' && label !== 'nontarget')
    )
      throw new TrialListError(
        `${where}:${i + 1}: expected "<model-id> <uttid> target|nontarget", got "${line}"`,
      );
    trials.push({ model, utterance, target: label === 'target' });
  });
  return trials;
}
