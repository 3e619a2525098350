/**
 * The attacks, by family: how each turns a bona fide utterance (its audio and its prompt) into
 * spoofed audio at 16 kHz.
 *
 *   espeak            espeak-ng reading the prompt, training variants        (seen)
 *   espeak-held-out   espeak-ng with the variants training never uses        (evaluation only)
 *   lpc-vocoder       LPC vocoder copy-synthesis of the utterance             (seen)
 *   griffin-lim       Griffin–Lim copy-synthesis, half through a mel filterbank (seen)
 *   pitch-shift       sox WSOLA pitch shift by 2–6 semitones, ± a tempo change (seen)
 *   replay            simulated loudspeaker, room and microphone             (seen)
 *   flite, festival-hts, festival-diphone   other synthesisers              (evaluation only)
 */
import type { SeededRandom } from '../speaker-engine-parts.js';
import { CODECS, applyChannel } from './codecs.js';
import {
  drawEspeakSettings,
  espeakSpeech,
  HELD_OUT_ESPEAK_VARIANTS,
  TRAINING_ESPEAK_VARIANTS,
} from './espeak-synthesis.js';
import { drawGriffinLimSettings, griffinLim } from './griffin-lim.js';
import { drawLpcSettings, lpcVocoder } from './lpc-vocoder.js';
import { simulateReplay } from './replay-simulation.js';
import { soxEffects } from './sox-effects.js';
import { UNSEEN_TTS, unseenTtsSpeech, type UnseenTts } from './unseen-tts.js';

/** Families the detector trains on. */
export const SEEN_FAMILIES = [
  'espeak',
  'lpc-vocoder',
  'griffin-lim',
  'pitch-shift',
  'replay',
] as const;
export type SeenFamily = (typeof SEEN_FAMILIES)[number];

/** Every family evaluation reports. */
export type AttackFamily = SeenFamily | 'espeak-held-out' | UnseenTts;

export const EVALUATION_FAMILIES: readonly AttackFamily[] = [
  ...SEEN_FAMILIES,
  'espeak-held-out',
  ...UNSEEN_TTS,
];

/** The source of an attack: a bona fide utterance and the prompt it read. */
export interface AttackSource {
  readonly samples: Float32Array;
  readonly text: string;
}

/**
 * `source` turned into a spoof of `family` (16 kHz).
 *
 * ### Examples
 * ```ts
 * const replayed = await makeAttack('replay', { samples, text }, random);
 * ```
 */
export async function makeAttack(
  family: AttackFamily,
  source: AttackSource,
  random: SeededRandom,
): Promise<Float32Array> {
  switch (family) {
    case 'espeak':
      return espeakSpeech(source.text, drawEspeakSettings(random, TRAINING_ESPEAK_VARIANTS));
    case 'espeak-held-out':
      return espeakSpeech(source.text, drawEspeakSettings(random, HELD_OUT_ESPEAK_VARIANTS));
    case 'lpc-vocoder':
      return lpcVocoder(source.samples, drawLpcSettings(random), random);
    case 'griffin-lim':
      return griffinLim(source.samples, drawGriffinLimSettings(random), random);
    case 'pitch-shift': {
      const cents = (200 + random.int(401)) * (random.next() < 0.5 ? -1 : 1);
      const fx = ['pitch', String(cents)];
      if (random.next() < 0.5) fx.push('tempo', '-s', (0.9 + 0.2 * random.next()).toFixed(2));
      return soxEffects(source.samples, fx);
    }
    case 'replay': {
      // A third of the recordings an attacker replays were themselves taken off a call or
      // compressed.
      let recording = source.samples;
      if (random.next() < 1 / 3)
        recording = await applyChannel(recording, CODECS[random.int(CODECS.length)]!, random);
      return simulateReplay(recording, random);
    }
    default:
      return unseenTtsSpeech(family, source.text, random);
  }
}
