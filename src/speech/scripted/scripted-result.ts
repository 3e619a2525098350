/**
 * The scripted assessment result, as the API returns it (REST and WebSocket alike) and as async
 * jobs store it. Field names follow the reference API (snake_case; `utterance` → `words` →
 * `phonemes`); every field is documented in docs/openapi/speech.yaml. Times are seconds from
 * the start of the audio; scores are 0–100.
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

export interface PhonemeResult {
  readonly trans_arpabet: string;
  readonly start_time: number;
  readonly end_time: number;
  readonly nativeness_score: number;
  readonly decision: Decision;
}

export interface WordResult {
  readonly text: string;
  readonly start_index: number;
  readonly end_index: number;
  readonly start_time: number;
  readonly end_time: number;
  readonly trans_arpabet: string;
  readonly nativeness_score: number;
  readonly decision: Decision;
  /** The word was most likely not said. */
  readonly omitted: boolean;
  readonly phonemes: readonly PhonemeResult[];
  /**
   * Which syllable carried the stress, against the one the word is stressed on. Null for words
   * of one syllable, omitted words, and words whose expected stress is unknown (see
   * `WordStressResult`).
   */
  readonly word_stress: WordStressResult | null;
}

/**
 * Lexical stress of one word of two or more syllables. Syllables are the vowel phones of
 * `trans_arpabet`, counted from 0 in order.
 */
export interface WordStressResult {
  /** Number of syllables (vowel phones) of the aligned pronunciation; at least 2. */
  readonly syllables: number;
  /** The syllable with primary stress in the word's standard (US) pronunciation, 0-based. */
  readonly expected_stressed_syllable: number;
  /**
   * The most prominent syllable as spoken, 0-based: the vowel with the highest sum of its
   * loudness, length and pitch, each measured against the utterance's other vowels.
   */
  readonly detected_stressed_syllable: number;
  /** `correct` when the detected syllable is the expected one, else `incorrect`. */
  readonly decision: 'correct' | 'incorrect';
}

export interface PauseResult {
  readonly start_time: number;
  readonly end_time: number;
}

export interface FluencyResult {
  readonly fluency_score: number;
  /** Words per minute from the first word's start to the last word's end. */
  readonly speech_rate_wpm: number;
  /** Phones per second of speaking time (pauses excluded). */
  readonly articulation_rate: number;
  /** Silences between words of at least 250 ms. */
  readonly pauses: readonly PauseResult[];
  readonly pause_time: number;
}

export interface UtteranceResult {
  readonly sentence: string;
  readonly sentence_id: number;
  readonly total_time: number;
  /** Whether silence precedes the speech (false: the learner started too early). */
  readonly initial_silence: boolean;
  /** Deprecated in the reference in favour of `attempt_type`; false exactly when UNSPOKEN. */
  readonly has_speech: boolean;
  readonly attempt_type: AttemptType;
  readonly nativeness_score: number;
  readonly decision: Decision;
  readonly start_time: number | null;
  readonly end_time: number | null;
  readonly words: readonly WordResult[];
  /** Speech between words that matches no word of the sentence (inserted words, hesitations). */
  readonly inserted_speech: readonly PauseResult[];
  /** Premium plan only. */
  readonly fluency?: FluencyResult;
}

export interface ScriptedResult {
  readonly api_version: string;
  readonly api_plan: ApiPlan;
  readonly total_time: number;
  readonly utterance: readonly UtteranceResult[];
  /** Pronunciation model version the scores come from. */
  readonly model_version: string;
}

export const SCRIPTED_API_VERSION = '2.0';
