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
export const WORD_FEATURES = [
  'meanGop',
  'minGop',
  'squeezedFraction',
  'frameGop',
  'logPhones',
  'logMeanFrames',
] as const;
export const SENTENCE_FEATURES = [
  'meanPhoneGop',
  'meanWordLogit',
  'frameGop',
  'goodWordFraction',
  'squeezedFraction',
] as const;

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

/**
 * Word features: mean and minimum phone GOP (each phone once), the share of phones squeezed to
 * the shortest the models allow, the GOP per frame over the word (long phones weigh more), and
 * the word's length in phones and mean phone duration (log), which tell the model how much a
 * GOP of a short, fast word can be trusted. (Held-out word AUC 0.891 → 0.896 over the first
 * three alone.)
 */
export function wordFeatures(word: WordGops): number[] {
  const { phones } = word;
  if (phones.length === 0) return [GOP_FLOOR, GOP_FLOOR, 1, GOP_FLOOR, 0, 0];
  let sum = 0;
  let min = Infinity;
  let squeezed = 0;
  let frameSum = 0;
  let frames = 0;
  for (const p of phones) {
    const g = clippedGop(p);
    sum += g;
    min = Math.min(min, g);
    if (p.frames <= MIN_PHONE_FRAMES) squeezed++;
    frameSum += p.gop * p.frames;
    frames += p.frames;
  }
  return [
    sum / phones.length,
    min,
    squeezed / phones.length,
    Math.max(GOP_FLOOR, frameSum / Math.max(1, frames)),
    Math.log(phones.length),
    Math.log(Math.max(1, frames) / phones.length),
  ];
}

/**
 * Sentence features: the mean GOP over every phone of the text (each phone counts once, whatever
 * its length), the mean of the words' calibrated log-odds (each word counts once), the GOP per
 * frame over the whole text, the share of words more likely said than not, and the share of
 * squeezed phones.
 */
export function sentenceFeatures(
  words: readonly WordGops[],
  wordLogits: readonly number[],
): number[] {
  let sum = 0;
  let phones = 0;
  let squeezed = 0;
  let frameSum = 0;
  let frames = 0;
  for (const w of words)
    for (const p of w.phones) {
      sum += clippedGop(p);
      phones++;
      if (p.frames <= MIN_PHONE_FRAMES) squeezed++;
      frameSum += p.gop * p.frames;
      frames += p.frames;
    }
  const meanLogit = wordLogits.length
    ? wordLogits.reduce((a, b) => a + b, 0) / wordLogits.length
    : -20;
  const good = wordLogits.length ? wordLogits.filter((z) => z > 0).length / wordLogits.length : 0;
  return [
    phones ? sum / phones : GOP_FLOOR,
    Math.max(-20, Math.min(20, meanLogit)),
    Math.max(GOP_FLOOR, frameSum / Math.max(1, frames)),
    good,
    phones ? squeezed / phones : 1,
  ];
}
