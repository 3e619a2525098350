/**
 * The scripted assessment as the speech domain produces it: which sentence was read and how well
 * each word and phoneme of it was pronounced. Times are seconds from the start of the audio;
 * scores are 0–100. The ELSA-style wire shape (snake_case, `utterance` → `words` → `phonemes`)
 * is the protocol's: protocols/speech/elsa-scripted.ts maps this to it.
 */
import type { Decision } from '../../engines/pronunciation/index.js';

export type ApiPlan = 'standard' | 'premium';

/**
 * What the audio was: `COMPLETE` the sentence was read; `INCOMPLETE` it was read with words
 * left out; `DIFFERENT_SENTENCE` something else was said; `UNSPOKEN` there is no speech.
 */
export type AttemptType = 'COMPLETE' | 'INCOMPLETE' | 'DIFFERENT_SENTENCE' | 'UNSPOKEN';

export const ATTEMPT_TYPES: readonly AttemptType[] = [
  'COMPLETE',
  'INCOMPLETE',
  'DIFFERENT_SENTENCE',
  'UNSPOKEN',
];

export interface PhonemeAssessment {
  /** ARPABET symbol. */
  readonly phone: string;
  readonly startTime: number;
  readonly endTime: number;
  readonly score: number;
  readonly decision: Decision;
}

/**
 * Lexical stress of one word of two or more syllables. Syllables are the vowel phones of the
 * word's pronunciation, counted from 0 in order.
 */
export interface WordStress {
  /** Number of syllables (vowel phones) of the aligned pronunciation; at least 2. */
  readonly syllables: number;
  /** The syllable with primary stress in the word's standard (US) pronunciation, 0-based. */
  readonly expectedStressedSyllable: number;
  /**
   * The most prominent syllable as spoken, 0-based: the vowel with the highest sum of its
   * loudness, length and pitch, each measured against the utterance's other vowels.
   */
  readonly detectedStressedSyllable: number;
  /** `correct` when the detected syllable is the expected one, else `incorrect`. */
  readonly decision: 'correct' | 'incorrect';
}

export interface WordAssessment {
  readonly text: string;
  /** Character offsets of the word in the sentence. */
  readonly startIndex: number;
  readonly endIndex: number;
  readonly startTime: number;
  readonly endTime: number;
  /** The aligned pronunciation, ARPABET symbols separated by spaces. */
  readonly pronunciation: string;
  readonly score: number;
  readonly decision: Decision;
  /** The word was most likely not said. */
  readonly omitted: boolean;
  readonly phonemes: readonly PhonemeAssessment[];
  /**
   * Which syllable carried the stress, against the one the word is stressed on. Null for words
   * of one syllable, omitted words, and words whose expected stress is unknown.
   */
  readonly stress: WordStress | null;
}

export interface TimeSpan {
  readonly startTime: number;
  readonly endTime: number;
}

export interface FluencyAssessment {
  readonly score: number;
  /** Words per minute from the first word's start to the last word's end. */
  readonly speechRateWpm: number;
  /** Phones per second of speaking time (pauses excluded). */
  readonly articulationRate: number;
  /** Silences between words of at least 250 ms. */
  readonly pauses: readonly TimeSpan[];
  readonly pauseTime: number;
}

export interface UtteranceAssessment {
  readonly sentence: string;
  /** Which of the offered sentences was read (0 when one was offered). */
  readonly sentenceId: number;
  readonly totalTime: number;
  /** Whether silence precedes the speech (false: the learner started too early). */
  readonly initialSilence: boolean;
  readonly attemptType: AttemptType;
  readonly score: number;
  readonly decision: Decision;
  readonly startTime: number | null;
  readonly endTime: number | null;
  readonly words: readonly WordAssessment[];
  /** Speech between words that matches no word of the sentence (inserted words, hesitations). */
  readonly insertedSpeech: readonly TimeSpan[];
  /** Premium plan only. */
  readonly fluency?: FluencyAssessment;
}

export interface ScriptedAssessment {
  readonly plan: ApiPlan;
  readonly totalTime: number;
  readonly utterances: readonly UtteranceAssessment[];
  /** Pronunciation model version the scores come from. */
  readonly modelVersion: string;
}
