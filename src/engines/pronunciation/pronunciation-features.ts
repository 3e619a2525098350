import type { PhoneGop, WordGops } from './phone-gop.js';

/**
 * The numbers each calibrated score is computed from. Calibration (scripts/calibrate-
 * pronunciation.ts) and scoring (./score-pronunciation.ts) both call these functions, so a
 * model is always applied to the features it was fitted on.
 */

/** A phone's GOP below this (per frame) counts as this: one hopeless phone must not outweigh a word. */
export const GOP_FLOOR = -10;
/** pocketsphinx's HMMs have 3 emitting states: a phone squeezed to 3 frames was probably not said. */
export const MIN_PHONE_FRAMES = 3;

/**
 * A phone is judged with its word: on its own a phone's GOP separates expected from substituted
 * phones poorly (held-out AUC 0.82 on the train corpus); with the squeeze flag and its word's
 * mean GOP, 0.93. The price: one bad phone in a well-said word scores higher than alone.
 */
export const PHONE_FEATURES = ['gop', 'squeezed', 'wordMeanGop'] as const;
export const WORD_FEATURES = ['meanGop', 'minGop', 'squeezedFraction'] as const;
export const SENTENCE_FEATURES = ['meanPhoneGop', 'meanWordLogit'] as const;

export function clippedGop(phone: PhoneGop): number {
  return Math.max(GOP_FLOOR, Math.min(0.5, phone.gop));
}

export function phoneFeatures(phone: PhoneGop, word: WordGops): number[] {
  let sum = 0;
  for (const p of word.phones) sum += clippedGop(p);
  return [
    clippedGop(phone),
    phone.frames <= MIN_PHONE_FRAMES ? 1 : 0,
    word.phones.length > 0 ? sum / word.phones.length : GOP_FLOOR,
  ];
}

export function wordFeatures(word: WordGops): number[] {
  const { phones } = word;
  if (phones.length === 0) return [GOP_FLOOR, GOP_FLOOR, 1];
  let sum = 0;
  let min = Infinity;
  let squeezed = 0;
  for (const p of phones) {
    const g = clippedGop(p);
    sum += g;
    min = Math.min(min, g);
    if (p.frames <= MIN_PHONE_FRAMES) squeezed++;
  }
  return [sum / phones.length, min, squeezed / phones.length];
}

/**
 * Sentence features: the mean GOP over every phone of the text (each phone counts once, whatever
 * its length), and the mean of the words' calibrated log-odds (each word counts once).
 */
export function sentenceFeatures(
  words: readonly WordGops[],
  wordLogits: readonly number[],
): number[] {
  let sum = 0;
  let phones = 0;
  for (const w of words)
    for (const p of w.phones) {
      sum += clippedGop(p);
      phones++;
    }
  const meanLogit = wordLogits.length
    ? wordLogits.reduce((a, b) => a + b, 0) / wordLogits.length
    : -20;
  return [phones ? sum / phones : GOP_FLOOR, Math.max(-20, Math.min(20, meanLogit))];
}
