import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LogisticModel } from './logistic-regression.js';
import { PHONE_FEATURES, SENTENCE_FEATURES, WORD_FEATURES } from './pronunciation-features.js';

/**
 * The calibration that turns GOP features into 0–100 scores: three logistic models (phone,
 * word, sentence), each P(the expected sound/word/sentence was said | features) under equal
 * priors, fitted by `npm run calibrate:pronunciation` on the train corpus. Score = 100 × P.
 */
export interface PronunciationModel {
  readonly version: string;
  readonly phone: CalibratedLevel;
  readonly word: CalibratedLevel;
  readonly sentence: CalibratedLevel;
  /** Score thresholds of the decisions: ≥ correct → 'correct', ≥ almost → 'almost', else 'incorrect'. */
  readonly decisions: { readonly correct: number; readonly almost: number };
  /**
   * Below this sentence score the audio is taken for another sentence (attempt_type
   * DIFFERENT_SENTENCE); chosen on the train corpus, see `trainedOn`.
   */
  readonly differentSentenceBelow: number;
  /** Phones per second of speech (pauses excluded) of the train corpus's median utterance. */
  readonly medianArticulationRate: number;
  /** How the model was made: corpus, counts, AUCs measured at calibration time. */
  readonly trainedOn: Readonly<Record<string, string | number>>;
}

export interface CalibratedLevel extends LogisticModel {
  readonly features: readonly string[];
}

/** models/pronunciation/model.json, next to the package root whether run from src/ or dist/. */
export const DEFAULT_PRONUNCIATION_MODEL_PATH = fileURLToPath(
  new URL('../../../models/pronunciation/model.json', import.meta.url),
);

export class PronunciationModelError extends Error {}

/**
 * ### Examples
 * ```ts
 * const model = loadPronunciationModel(); // models/pronunciation/model.json
 * model.decisions.correct; // e.g. 70
 * ```
 */
export function loadPronunciationModel(
  path: string = DEFAULT_PRONUNCIATION_MODEL_PATH,
): PronunciationModel {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new PronunciationModelError(
      `cannot read the pronunciation model ${path}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  return checkModel(parsed, path);
}

function checkModel(value: unknown, path: string): PronunciationModel {
  const fail = (what: string): never => {
    throw new PronunciationModelError(`pronunciation model ${path}: ${what}`);
  };
  if (typeof value !== 'object' || value === null) return fail('not a JSON object');
  const m = value as Record<string, unknown>;
  const level = (name: string, expected: readonly string[]): CalibratedLevel => {
    const l = m[name] as Record<string, unknown> | undefined;
    if (!l || !Array.isArray(l.features) || !Array.isArray(l.weights))
      return fail(`${name} missing`);
    if (l.features.join() !== expected.join())
      return fail(`${name} features ${String(l.features)} are not ${expected.join()}`);
    if (l.weights.length !== expected.length || !l.weights.every((w) => Number.isFinite(w)))
      return fail(`${name} weights malformed`);
    if (typeof l.bias !== 'number' || !Number.isFinite(l.bias))
      return fail(`${name} bias malformed`);
    return { features: expected, weights: l.weights as number[], bias: l.bias };
  };
  const decisions = m.decisions as Record<string, unknown> | undefined;
  if (
    !decisions ||
    typeof decisions.correct !== 'number' ||
    typeof decisions.almost !== 'number' ||
    !(decisions.almost <= decisions.correct)
  )
    return fail('decisions malformed');
  if (typeof m.version !== 'string') return fail('version missing');
  if (typeof m.differentSentenceBelow !== 'number') return fail('differentSentenceBelow missing');
  if (typeof m.medianArticulationRate !== 'number' || !(m.medianArticulationRate > 0))
    return fail('medianArticulationRate missing');
  return {
    version: m.version,
    phone: level('phone', PHONE_FEATURES),
    word: level('word', WORD_FEATURES),
    sentence: level('sentence', SENTENCE_FEATURES),
    decisions: { correct: decisions.correct, almost: decisions.almost },
    differentSentenceBelow: m.differentSentenceBelow,
    medianArticulationRate: m.medianArticulationRate,
    trainedOn: (m.trainedOn ?? {}) as Record<string, string | number>,
  };
}
