/**
 * Griffin–Lim copy-synthesis: the short-time magnitude spectrum of a bona fide utterance with
 * its phase thrown away and re-estimated by iterated STFT projections (Griffin & Lim, 1984),
 * optionally after smoothing the magnitudes through an 80-band mel filterbank, as a TTS system
 * that predicts mel spectrograms and inverts them with Griffin–Lim would produce.
 */
import { getRealFft, MelFilterbank } from '../../../audio/features/index.js';
import type { SeededRandom } from '../speaker-engine-parts.js';
import { matchLevel } from './lpc-vocoder.js';

export interface GriffinLimSettings {
  readonly iterations: number;
  /** Magnitudes through an 80-band mel filterbank and back first. */
  readonly melSmoothing: boolean;
}

export function drawGriffinLimSettings(random: SeededRandom): GriffinLimSettings {
  return { iterations: 8 + random.int(25), melSmoothing: random.next() < 0.5 };
}

const SIZE = 512;
const HOP = 128;

/**
 * `samples` (16 kHz) rebuilt from their STFT magnitudes.
 *
 * ### Examples
 * ```ts
 * const rebuilt = griffinLim(samples, { iterations: 16, melSmoothing: true }, random);
 * ```
 */
export function griffinLim(
  samples: Float32Array,
  settings: GriffinLimSettings,
  random: SeededRandom,
): Float32Array {
  const fft = getRealFft(SIZE);
  const bins = SIZE / 2 + 1;
  const n = samples.length;
  const frames = Math.max(1, Math.ceil(n / HOP) + 1);
  const length = (frames - 1) * HOP + SIZE;
  const offset = SIZE / 2;
  const window = new Float64Array(SIZE);
  for (let i = 0; i < SIZE; i++) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / SIZE);
  const norm = new Float64Array(length);
  for (let f = 0; f < frames; f++)
    for (let i = 0; i < SIZE; i++) norm[f * HOP + i] = norm[f * HOP + i]! + window[i]! * window[i]!;
  const padded = new Float64Array(length);
  for (let i = 0; i < n; i++) padded[offset + i] = samples[i]!;

  const buf = new Float64Array(SIZE);
  const magnitude = new Float64Array(frames * bins);
  for (let f = 0; f < frames; f++) {
    for (let i = 0; i < SIZE; i++) buf[i] = padded[f * HOP + i]! * window[i]!;
    fft.forward(buf);
    const m = f * bins;
    magnitude[m] = Math.abs(buf[0]!);
    magnitude[m + bins - 1] = Math.abs(buf[1]!);
    for (let k = 1; k < bins - 1; k++) magnitude[m + k] = Math.hypot(buf[2 * k]!, buf[2 * k + 1]!);
  }
  if (settings.melSmoothing) melSmooth(magnitude, frames, bins);

  // Phases as unit vectors (re, im) per bin, random to start with.
  const phase = new Float64Array(frames * bins * 2);
  for (let i = 0; i < frames * bins; i++) {
    const theta = 2 * Math.PI * random.next();
    phase[2 * i] = Math.cos(theta);
    phase[2 * i + 1] = Math.sin(theta);
  }
  const signal = new Float64Array(length);
  const synthesize = (): void => {
    signal.fill(0);
    for (let f = 0; f < frames; f++) {
      const m = f * bins;
      buf[0] = magnitude[m]! * Math.sign(phase[2 * m]! || 1);
      buf[1] = magnitude[m + bins - 1]! * Math.sign(phase[2 * (m + bins - 1)]! || 1);
      for (let k = 1; k < bins - 1; k++) {
        buf[2 * k] = magnitude[m + k]! * phase[2 * (m + k)]!;
        buf[2 * k + 1] = magnitude[m + k]! * phase[2 * (m + k) + 1]!;
      }
      fft.inverse(buf);
      for (let i = 0; i < SIZE; i++)
        signal[f * HOP + i] = signal[f * HOP + i]! + buf[i]! * window[i]!;
    }
    for (let i = 0; i < length; i++) signal[i] = norm[i]! > 1e-8 ? signal[i]! / norm[i]! : 0;
  };
  for (let iter = 0; iter < settings.iterations; iter++) {
    synthesize();
    for (let f = 0; f < frames; f++) {
      for (let i = 0; i < SIZE; i++) buf[i] = signal[f * HOP + i]! * window[i]!;
      fft.forward(buf);
      const m = f * bins;
      phase[2 * m] = buf[0]! >= 0 ? 1 : -1;
      phase[2 * (m + bins - 1)] = buf[1]! >= 0 ? 1 : -1;
      for (let k = 1; k < bins - 1; k++) {
        const re = buf[2 * k]!;
        const im = buf[2 * k + 1]!;
        const h = Math.hypot(re, im);
        phase[2 * (m + k)] = h > 0 ? re / h : 1;
        phase[2 * (m + k) + 1] = h > 0 ? im / h : 0;
      }
    }
  }
  synthesize();
  return matchLevel(signal.subarray(offset, offset + n), samples);
}

/**
 * Each frame's magnitudes replaced by their projection on an 80-band mel filterbank and back
 * (band means spread back over their bins): the detail a mel spectrogram cannot carry is lost.
 */
function melSmooth(magnitude: Float64Array, frames: number, bins: number): void {
  const bank = new MelFilterbank(16000, SIZE, 80, 0, 8000);
  const energies = new Float64Array(80);
  const cover = new Float64Array(bins);
  const area = new Float64Array(80);
  for (let f = 0; f < 80; f++)
    for (let k = 0; k < bins; k++) {
      cover[k] = cover[k]! + bank.weight(f, k);
      area[f] = area[f]! + bank.weight(f, k);
    }
  const row = new Float64Array(bins);
  for (let t = 0; t < frames; t++) {
    const m = t * bins;
    for (let k = 0; k < bins; k++) row[k] = magnitude[m + k]!;
    bank.apply(row, energies);
    for (let f = 0; f < 80; f++) energies[f] = energies[f]! / area[f]!;
    for (let k = 0; k < bins; k++) {
      let acc = 0;
      for (let f = 0; f < 80; f++) {
        const w = bank.weight(f, k);
        if (w > 0) acc += w * energies[f]!;
      }
      magnitude[m + k] = cover[k]! > 0 ? acc / cover[k]! : 0;
    }
  }
}
