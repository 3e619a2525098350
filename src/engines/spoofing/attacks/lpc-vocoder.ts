/**
 * LPC vocoder copy-synthesis: the spectral envelope of each 5 ms step of a bona fide utterance
 * (linear prediction, autocorrelation method) driving a synthetic excitation — pulses at the
 * tracked F0 where the frame is voiced, white noise where it is not, or a mix of the two by
 * voicing strength — so the voice keeps its timbre and prosody while the fine structure of the
 * source is gone: the classic vocoder of parametric TTS and voice conversion.
 */
import { PitchTracker } from '../../../audio/features/index.js';
import type { SeededRandom } from '../speaker-engine-parts.js';

/** One vocoder's settings. */
export interface LpcVocoderSettings {
  /** Prediction order (12–24 at 16 kHz). */
  readonly order: number;
  /** Mixed excitation (pulses and noise weighted by voicing) instead of a hard switch. */
  readonly mixed: boolean;
  /** One-pole smoothing of the pulses (0 = impulses; towards 1 = a softer glottal pulse). */
  readonly pulseSmoothing: number;
}

/** Settings drawn at random. */
export function drawLpcSettings(random: SeededRandom): LpcVocoderSettings {
  return {
    order: [12, 16, 20, 24][random.int(4)]!,
    mixed: random.next() < 0.5,
    pulseSmoothing: random.next() < 0.5 ? 0 : 0.3 + 0.6 * random.next(),
  };
}

const HOP = 80;
const WINDOW = 400;
const PRE_EMPHASIS = 0.9;

/**
 * `samples` (16 kHz) resynthesised by the LPC vocoder, at the original's level.
 *
 * ### Examples
 * ```ts
 * const vocoded = lpcVocoder(samples, drawLpcSettings(random), random);
 * ```
 */
export function lpcVocoder(
  samples: Float32Array,
  settings: LpcVocoderSettings,
  random: SeededRandom,
): Float32Array {
  const n = samples.length;
  const p = settings.order;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = samples[i]! - (i > 0 ? PRE_EMPHASIS * samples[i - 1]! : 0);
  const pitch = new PitchTracker({ sampleRate: 16000 }).track(samples);
  const window = new Float64Array(WINDOW);
  let windowPower = 0;
  for (let i = 0; i < WINDOW; i++) {
    window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (WINDOW - 1));
    windowPower += window[i]! * window[i]!;
  }
  const frame = new Float64Array(WINDOW);
  const r = new Float64Array(p + 1);
  const a = new Float64Array(p + 1);
  const tmp = new Float64Array(p + 1);
  const out = new Float64Array(n);
  const history = new Float64Array(p);
  let nextPulse = 0;
  let smoothed = 0;
  for (let start = 0; start < n; start += HOP) {
    // Analysis window centred on this hop.
    const centre = start + HOP / 2;
    const from = Math.round(centre - WINDOW / 2);
    for (let i = 0; i < WINDOW; i++) {
      const k = from + i;
      frame[i] = k >= 0 && k < n ? x[k]! * window[i]! : 0;
    }
    for (let lag = 0; lag <= p; lag++) {
      let acc = 0;
      for (let i = lag; i < WINDOW; i++) acc += frame[i]! * frame[i - lag]!;
      r[lag] = acc;
    }
    r[0] = r[0]! * 1.0001 + 1e-12;
    const error = levinson(r, p, a, tmp);
    const gain = Math.sqrt(Math.max(error, 0) / windowPower);
    const pitchFrame = Math.min(pitch.frames - 1, Math.max(0, Math.floor(centre / 160)));
    const f0 = pitch.frames > 0 ? pitch.f0[pitchFrame]! : 0;
    const voicing = pitch.frames > 0 ? pitch.voicingProbability[pitchFrame]! : 0;
    const period = f0 > 0 ? 16000 / f0 : 0;
    const end = Math.min(n, start + HOP);
    for (let i = start; i < end; i++) {
      let pulse = 0;
      if (period > 0) {
        if (i >= nextPulse) {
          pulse = Math.sqrt(period);
          nextPulse = Math.max(nextPulse + period, i + 1);
        }
        // One-pole low-pass of the pulses, scaled back to unit power ((1 − α)/(1 + α) lost).
        const alpha = settings.pulseSmoothing;
        smoothed = alpha * smoothed + (1 - alpha) * pulse;
        if (alpha > 0) pulse = smoothed * Math.sqrt((1 + alpha) / (1 - alpha));
      } else nextPulse = i;
      const noise = random.gaussian();
      const excitation =
        period === 0
          ? noise
          : settings.mixed
            ? Math.sqrt(voicing) * pulse + Math.sqrt(1 - voicing) * noise
            : pulse;
      let y = gain * excitation;
      for (let k = 1; k <= p; k++) y -= a[k]! * history[k - 1]!;
      for (let k = p - 1; k > 0; k--) history[k] = history[k - 1]!;
      history[0] = y;
      out[i] = y;
    }
  }
  for (let i = 1; i < n; i++) out[i] = out[i]! + PRE_EMPHASIS * out[i - 1]!;
  return matchLevel(out, samples);
}

/**
 * Levinson–Durbin: prediction coefficients a[1..p] (a[0] = 1) of the autocorrelation r; returns
 * the prediction error energy. `tmp` is scratch of the same length.
 */
export function levinson(r: Float64Array, p: number, a: Float64Array, tmp: Float64Array): number {
  a.fill(0);
  a[0] = 1;
  let error = r[0]!;
  for (let i = 1; i <= p; i++) {
    let acc = r[i]!;
    for (let j = 1; j < i; j++) acc += a[j]! * r[i - j]!;
    const k = -acc / error;
    tmp.set(a);
    for (let j = 1; j < i; j++) a[j] = tmp[j]! + k * tmp[i - j]!;
    a[i] = k;
    error *= 1 - k * k;
    if (error <= 0) break;
  }
  return error;
}

/** `y` scaled to the RMS of `reference`, as float32. */
export function matchLevel(y: Float64Array, reference: Float32Array): Float32Array {
  let py = 0;
  let pr = 0;
  for (let i = 0; i < y.length; i++) py += y[i]! * y[i]!;
  for (let i = 0; i < reference.length; i++) pr += reference[i]! * reference[i]!;
  const scale = py > 0 ? Math.sqrt(pr / py) : 0;
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = Math.max(-1, Math.min(1, y[i]! * scale));
  return out;
}
