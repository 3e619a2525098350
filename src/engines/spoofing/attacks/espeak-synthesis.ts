/**
 * Synthetic speech from espeak-ng (formant synthesis): the corpus prompts read by a drawn
 * voice (accent), variant (timbre), rate, pitch, amplitude and word gap. The MBROLA voices
 * espeak-ng lists are not installed here and are not used.
 *
 * One variant in five (every fifth of the sorted list) is never used for training: evaluation
 * reports those separately, as espeak-ng voices the detector has not heard.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SeededRandom } from '../speaker-engine-parts.js';
import { decodeBytes } from './audio-bytes.js';
import { runTool } from './run-tool.js';

/** espeak-ng 1.51's English voices (without the MBROLA ones). */
export const ESPEAK_VOICES: readonly string[] = [
  'en',
  'en-us',
  'en-gb-scotland',
  'en-gb-x-gbclan',
  'en-gb-x-rp',
  'en-gb-x-gbcwmd',
  'en-029',
  'en-us-nyc',
];

/** espeak-ng 1.51's voice variants (`espeak-ng --voices=variant`), sorted. */
export const ESPEAK_VARIANTS: readonly string[] = (
  'Alex Alicia Andrea Andy Annie AnxiousAndy Demonic Denis Diogo Gene Gene2 Henrique Hugo Jacky ' +
  'Lee Marco Mario Michael Mike Mr Nguyen RicishayMax RicishayMax2 RicishayMax3 Storm Tweaky ' +
  'UniRobot adam anika anikaRobot announcer antonio aunty belinda benjamin boris caleb croak ' +
  'david ed edward edward2 f1 f2 f3 f4 f5 fast grandma grandpa gustave iven iven2 iven3 iven4 ' +
  'john kaukovalta klatt klatt2 klatt3 klatt4 klatt5 klatt6 linda m1 m2 m3 m4 m5 m6 m7 m8 ' +
  'marcelo max michel miguel norbert pablo paul pedro quincy rob robert robosoft robosoft2 ' +
  'robosoft3 robosoft4 robosoft5 robosoft6 robosoft7 robosoft8 sandro shelby steph steph2 ' +
  'steph3 travis victor whisper whisperf zac'
).split(' ');

/** Variants never trained on. */
export const HELD_OUT_ESPEAK_VARIANTS: readonly string[] = ESPEAK_VARIANTS.filter(
  (_, i) => i % 5 === 4,
);

/** Variants training draws from. */
export const TRAINING_ESPEAK_VARIANTS: readonly string[] = ESPEAK_VARIANTS.filter(
  (_, i) => i % 5 !== 4,
);

/** One espeak-ng rendering's settings. */
export interface EspeakSettings {
  readonly voice: string;
  readonly variant: string;
  /** Words per minute. */
  readonly rate: number;
  /** 0–99. */
  readonly pitch: number;
  /** 0–200 (100 is espeak-ng's default). */
  readonly amplitude: number;
  /** Extra pause between words, units of 10 ms. */
  readonly wordGap: number;
}

/** Settings drawn from `variants`. */
export function drawEspeakSettings(
  random: SeededRandom,
  variants: readonly string[],
): EspeakSettings {
  return {
    voice: ESPEAK_VOICES[random.int(ESPEAK_VOICES.length)]!,
    variant: variants[random.int(variants.length)]!,
    rate: 110 + random.int(81),
    pitch: 20 + random.int(61),
    amplitude: 60 + random.int(101),
    wordGap: random.int(3),
  };
}

/**
 * `text` spoken by espeak-ng with `settings`, at 16 kHz.
 *
 * ### Examples
 * ```ts
 * const samples = await espeakSpeech('we call it bear', drawEspeakSettings(random, TRAINING_ESPEAK_VARIANTS));
 * ```
 */
export async function espeakSpeech(text: string, settings: EspeakSettings): Promise<Float32Array> {
  const file = path.join(os.tmpdir(), `voxgate-espeak-${randomUUID()}.wav`);
  try {
    await runTool('espeak-ng', [
      '-v',
      `${settings.voice}+${settings.variant}`,
      '-s',
      String(settings.rate),
      '-p',
      String(settings.pitch),
      '-a',
      String(settings.amplitude),
      '-g',
      String(settings.wordGap),
      '-w',
      file,
      '--',
      text.toLowerCase(),
    ]);
    return await decodeBytes(new Uint8Array(await readFile(file)));
  } finally {
    await rm(file, { force: true });
  }
}
