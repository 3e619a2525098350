/**
 * Simulated replay: a recording of the victim played through a loudspeaker into a room and
 * picked up by the microphone of the phone that calls. Everything is a sox chain with
 * randomised parameters, plus additive noise:
 *
 *   speaker    small-driver response: a steep high-pass at 120–450 Hz, a low-pass at 3.5–7.5 kHz,
 *              one to three resonances of ±3–10 dB, soft clipping (overdrive), sometimes a
 *              compressor
 *   room       reverb (reverberance, damping, room size and wet level drawn), in 80 % of cases
 *   microphone a gentle high-pass, one mild resonance, background noise at 25–45 dB SNR
 *
 * (attack-families.ts first passes a third of the recordings through a codec: a recording taken
 * off an earlier call.) This is a model of replay, not a replay: real loudspeakers, rooms and microphones differ from
 * it in ways the detector has never seen (docs/spoofing.md).
 */
import type { SeededRandom } from '../speaker-engine-parts.js';
import { soxEffects } from './sox-effects.js';

const uniform = (r: SeededRandom, lo: number, hi: number): number => lo + r.next() * (hi - lo);
const fixed = (v: number, digits = 0): string => v.toFixed(digits);

/** The sox effects of one simulated loudspeaker, room and microphone. */
export function replayEffects(random: SeededRandom): string[] {
  const fx: string[] = ['gain', '-8'];
  const lowCut = uniform(random, 120, 450);
  fx.push('highpass', '-2', fixed(lowCut), 'highpass', '-2', fixed(lowCut));
  fx.push('lowpass', '-2', fixed(uniform(random, 3500, 7500)));
  const peaks = 1 + random.int(3);
  for (let i = 0; i < peaks; i++) {
    const gain = uniform(random, 3, 10) * (random.next() < 0.7 ? 1 : -1);
    fx.push(
      'equalizer',
      fixed(uniform(random, 400, 6000)),
      `${fixed(uniform(random, 0.7, 4), 1)}q`,
      fixed(gain, 1),
    );
  }
  fx.push('overdrive', fixed(uniform(random, 2, 15)), fixed(uniform(random, 10, 40)));
  if (random.next() < 0.4) fx.push('compand', '0.02,0.2', '6:-50,-40,-20,-12,0,-6', '-3');
  if (random.next() < 0.8)
    fx.push(
      'reverb',
      fixed(uniform(random, 15, 85)),
      fixed(uniform(random, 20, 80)),
      fixed(uniform(random, 20, 100)),
      '0',
      fixed(uniform(random, 0, 15)),
      fixed(uniform(random, -6, 0), 1),
    );
  fx.push('highpass', fixed(uniform(random, 40, 120)));
  fx.push('equalizer', fixed(uniform(random, 1000, 5000)), '1q', fixed(uniform(random, -3, 3), 1));
  fx.push('gain', '-n', fixed(-uniform(random, 1, 6), 1));
  return fx;
}

/**
 * A genuine caller's own device: a microphone and phone front end that is not the corpus's
 * (a mild high-pass, one or two peaks of at most ±4 dB, a little noise). Applied to bona fide
 * training audio so that an unusual but direct microphone is not evidence of replay.
 */
export function deviceEffects(random: SeededRandom): string[] {
  const fx: string[] = ['gain', '-4', 'highpass', fixed(uniform(random, 40, 200))];
  const peaks = 1 + random.int(2);
  for (let i = 0; i < peaks; i++)
    fx.push(
      'equalizer',
      fixed(uniform(random, 300, 6000)),
      `${fixed(uniform(random, 0.7, 3), 1)}q`,
      fixed(uniform(random, -4, 4), 1),
    );
  if (random.next() < 0.3) fx.push('lowpass', fixed(uniform(random, 6000, 7800)));
  fx.push('gain', '-n', fixed(-uniform(random, 1, 6), 1));
  return fx;
}

/**
 * White noise added at `snrDb` below the signal's power (the noise is seeded).
 *
 * ### Examples
 * ```ts
 * const noisy = withNoise(samples, 35, random);
 * ```
 */
export function withNoise(
  samples: Float32Array,
  snrDb: number,
  random: SeededRandom,
): Float32Array {
  let power = 0;
  for (let i = 0; i < samples.length; i++) power += samples[i]! * samples[i]!;
  power /= Math.max(1, samples.length);
  const sigma = Math.sqrt(power / Math.pow(10, snrDb / 10));
  const out = new Float32Array(samples.length);
  for (let i = 0; i < out.length; i++) out[i] = samples[i]! + sigma * random.gaussian();
  return out;
}

/**
 * `samples` replayed through one simulated loudspeaker, room and microphone.
 *
 * ### Examples
 * ```ts
 * const replayed = await simulateReplay(bonafide, new SeededRandom(7));
 * ```
 */
export async function simulateReplay(
  samples: Float32Array,
  random: SeededRandom,
): Promise<Float32Array> {
  const played = await soxEffects(samples, replayEffects(random));
  return withNoise(played, uniform(random, 25, 45), random);
}

/** `samples` as recorded by another genuine device (see {@link deviceEffects}). */
export async function simulateDevice(
  samples: Float32Array,
  random: SeededRandom,
): Promise<Float32Array> {
  const recorded = await soxEffects(samples, deviceEffects(random));
  return withNoise(recorded, uniform(random, 30, 50), random);
}
