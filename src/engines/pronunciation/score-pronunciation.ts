import type { Alignment, TimedSegment } from '../asr/asr-engine.js';
import { logOdds, predictLogistic } from './logistic-regression.js';
import { phoneGops, type PhoneGop, type WordGops } from './phone-gop.js';
import {
  MIN_PHONE_FRAMES,
  phoneFeatures,
  sentenceFeatures,
  wordFeatures,
} from './pronunciation-features.js';
import type { PronunciationModel } from './pronunciation-model.js';

export type Decision = 'correct' | 'almost' | 'incorrect';

export interface ScoredPhone extends PhoneGop {
  /** 0–100: 100 × P(the expected phone was said), calibrated. */
  readonly score: number;
  readonly decision: Decision;
}

export interface ScoredWord {
  readonly index: number;
  readonly word: string;
  readonly startSec: number;
  readonly endSec: number;
  readonly score: number;
  readonly decision: Decision;
  /**
   * The word was most likely not said: every phone squeezed to the shortest the models allow
   * and the score below the 'almost' threshold.
   */
  readonly omitted: boolean;
  readonly phones: readonly ScoredPhone[];
}

export interface PronunciationScores {
  /** The sentence's pronunciation: the mean of its word scores × matchScore / 100. */
  readonly score: number;
  /**
   * 0–100: 100 × P(this sentence, rather than another, was read), from the sentence model.
   * Below the model's `differentSentenceBelow` the attempt is a different sentence.
   */
  readonly matchScore: number;
  readonly decision: Decision;
  readonly words: readonly ScoredWord[];
}

const toScore = (p: number): number => Math.round(p * 1000) / 10;

export function decide(model: PronunciationModel, score: number): Decision {
  if (score >= model.decisions.correct) return 'correct';
  if (score >= model.decisions.almost) return 'almost';
  return 'incorrect';
}

/**
 * Scores an alignment of the expected text against the free phone loop over the same audio:
 * every phone, word and the sentence get a calibrated 0–100 score and a decision.
 *
 * ### Examples
 * ```ts
 * const scores = scorePronunciation(model, alignment, loop);
 * scores.words.map((w) => `${w.word} ${w.score} ${w.decision}`);
 * ```
 */
export function scorePronunciation(
  model: PronunciationModel,
  alignment: Alignment,
  loop: readonly TimedSegment[],
): PronunciationScores {
  return scoreWordGops(model, phoneGops(alignment, loop));
}

export function scoreWordGops(
  model: PronunciationModel,
  wordGops: readonly WordGops[],
): PronunciationScores {
  const wordLogits: number[] = [];
  const words = wordGops.map((w): ScoredWord => {
    const z = logOdds(model.word, wordFeatures(w));
    wordLogits.push(z);
    const score = toScore(predictLogistic({ weights: [], bias: z }, []));
    const decision = decide(model, score);
    const omitted =
      w.phones.length > 0 &&
      w.phones.every((p) => p.frames <= MIN_PHONE_FRAMES) &&
      score < model.decisions.almost;
    return {
      index: w.index,
      word: w.word,
      startSec: w.startSec,
      endSec: w.endSec,
      score,
      decision,
      omitted,
      phones: w.phones.map((p) => {
        const s = toScore(predictLogistic(model.phone, phoneFeatures(p, w)));
        return { ...p, score: s, decision: decide(model, s) };
      }),
    };
  });
  const matchScore = toScore(
    predictLogistic(model.sentence, sentenceFeatures(wordGops, wordLogits)),
  );
  // The mean word score, weighted by the probability that this sentence (and not another) was
  // read: held-out own-vs-other-sentence AUC 0.9707, against 0.9680 for the mean alone.
  const meanWord = words.length ? words.reduce((sum, w) => sum + w.score, 0) / words.length : 0;
  const score = Math.round(((meanWord * matchScore) / 100) * 10) / 10;
  return { score, matchScore, decision: decide(model, score), words };
}

/** The sentence score alone, from word GOPs (calibration and sentence choice use it). */
export function sentenceLogit(model: PronunciationModel, wordGops: readonly WordGops[]): number {
  const wordLogits = wordGops.map((w) => logOdds(model.word, wordFeatures(w)));
  return logOdds(model.sentence, sentenceFeatures(wordGops, wordLogits));
}
