/**
 * F0 (pitch) estimation with YIN (de Cheveigné & Kawahara, 2002): difference function computed
 * through an FFT cross-correlation, cumulative mean normalised difference, absolute threshold,
 * parabolic interpolation. One estimate per frame; frames line up with the MFCC/VAD frames of
 * the same length and shift (frame t is centred at t·shift + length/2; the analysis span
 * around that centre is longer than the frame and zero-padded at the edges of the audio).
 */
import { getRealFft, nextPowerOfTwo, type RealFft } from './fft.js';
import {
  DEFAULT_FRAME_LENGTH_MS,
  DEFAULT_FRAME_SHIFT_MS,
  DEFAULT_SAMPLE_RATE,
  frameCount,
  frameGeometry,
} from './framing.js';

/** Default lowest F0 searched, Hz. */
export const DEFAULT_MIN_F0 = 60;
/** Default highest F0 searched, Hz. */
export const DEFAULT_MAX_F0 = 500;
/** Default YIN integration window, ms (the difference function sums this many samples). */
export const DEFAULT_PITCH_WINDOW_MS = 25;
/**
 * Default YIN absolute threshold: a frame is voiced when the cumulative mean normalised
 * difference dips below it; the first such dip gives the period.
 */
export const DEFAULT_YIN_THRESHOLD = 0.15;
/** Default silence floor: frames whose RMS is below this (dB re full scale) are unvoiced. */
export const DEFAULT_PITCH_SILENCE_DB = -60;

/** Options of {@link PitchTracker}; every field has a documented default. */
export interface PitchOptions {
  /** Hz. Default 16000. */
  readonly sampleRate?: number;
  /** Frame length used for frame alignment/count, ms. Default 25. */
  readonly frameLengthMs?: number;
  /** Default 10. */
  readonly frameShiftMs?: number;
  /** Default {@link DEFAULT_MIN_F0} (60). */
  readonly minF0?: number;
  /** Default {@link DEFAULT_MAX_F0} (500). */
  readonly maxF0?: number;
  /** Default {@link DEFAULT_PITCH_WINDOW_MS} (25). */
  readonly windowMs?: number;
  /** Default {@link DEFAULT_YIN_THRESHOLD} (0.15). */
  readonly threshold?: number;
  /** Default {@link DEFAULT_PITCH_SILENCE_DB} (−60). */
  readonly silenceDb?: number;
}

/** Per-frame pitch. */
export interface PitchTrack {
  /** F0 in Hz, 0 for unvoiced frames. */
  readonly f0: Float32Array;
  /**
   * 1 − the minimum cumulative mean normalised difference (clamped to [0, 1]): near 1 for clean
   * periodic frames, low for noise, 0 for silence.
   */
  readonly voicingProbability: Float32Array;
  readonly frames: number;
  readonly frameShiftSec: number;
}

/**
 * YIN pitch tracker for one configuration; precomputes the FFT plan and scratch buffers.
 *
 * ### Examples
 * ```ts
 * const tracker = new PitchTracker({ sampleRate: 16000, minF0: 60, maxF0: 500 });
 * const { f0, voicingProbability } = tracker.track(samples); // f0[t] in Hz, 0 = unvoiced
 * ```
 */
export class PitchTracker {
  readonly sampleRate: number;
  readonly frameLength: number;
  readonly frameShift: number;
  readonly minF0: number;
  readonly maxF0: number;
  readonly threshold: number;
  /** Integration window W and lag range [tauMin, tauMax], samples. */
  readonly #window: number;
  readonly #tauMin: number;
  readonly #tauMax: number;
  /** Samples analysed per frame: W + tauMax. */
  readonly #span: number;
  readonly #silencePower: number;
  readonly #fft: RealFft;
  readonly #a: Float64Array;
  readonly #b: Float64Array;
  readonly #x: Float64Array;
  readonly #prefixSq: Float64Array;
  readonly #diff: Float64Array;
  readonly #cmnd: Float64Array;
  /** Results of the last #frame call. */
  #f0 = 0;
  #probability = 0;

  constructor(options: PitchOptions = {}) {
    const sampleRate = options.sampleRate ?? DEFAULT_SAMPLE_RATE;
    const geometry = frameGeometry(
      sampleRate,
      options.frameLengthMs ?? DEFAULT_FRAME_LENGTH_MS,
      options.frameShiftMs ?? DEFAULT_FRAME_SHIFT_MS,
    );
    this.sampleRate = sampleRate;
    this.frameLength = geometry.frameLength;
    this.frameShift = geometry.frameShift;
    this.minF0 = options.minF0 ?? DEFAULT_MIN_F0;
    this.maxF0 = options.maxF0 ?? DEFAULT_MAX_F0;
    this.threshold = options.threshold ?? DEFAULT_YIN_THRESHOLD;
    if (!(this.minF0 > 0 && this.maxF0 > this.minF0 && this.maxF0 < sampleRate / 4)) {
      throw new RangeError(
        `need 0 < minF0 < maxF0 < sampleRate/4, got ${this.minF0}..${this.maxF0} Hz`,
      );
    }
    if (!(this.threshold > 0 && this.threshold < 1)) {
      throw new RangeError(`threshold must be in (0, 1), got ${this.threshold}`);
    }
    this.#tauMin = Math.max(2, Math.floor(sampleRate / this.maxF0));
    this.#tauMax = Math.ceil(sampleRate / this.minF0);
    this.#window = Math.round(((options.windowMs ?? DEFAULT_PITCH_WINDOW_MS) * sampleRate) / 1000);
    if (this.#window < 2) throw new RangeError('pitch window too short');
    this.#span = this.#window + this.#tauMax + 1;
    this.#silencePower = Math.pow(10, (options.silenceDb ?? DEFAULT_PITCH_SILENCE_DB) / 10);
    const fftSize = nextPowerOfTwo(this.#span);
    this.#fft = getRealFft(fftSize);
    this.#a = new Float64Array(fftSize);
    this.#b = new Float64Array(fftSize);
    this.#x = new Float64Array(this.#span);
    this.#prefixSq = new Float64Array(this.#span + 1);
    this.#diff = new Float64Array(this.#tauMax + 2);
    this.#cmnd = new Float64Array(this.#tauMax + 2);
  }

  /** Number of frames for `numSamples` samples (same rule as the MFCC frames). */
  numFrames(numSamples: number): number {
    return frameCount(numSamples, this.frameLength, this.frameShift);
  }

  /** F0 and voicing probability of every frame. */
  track(samples: Float32Array): PitchTrack {
    const frames = this.numFrames(samples.length);
    const f0 = new Float32Array(frames);
    const voicingProbability = new Float32Array(frames);
    for (let t = 0; t < frames; t++) {
      const centre = t * this.frameShift + (this.frameLength >> 1);
      this.#frame(samples, centre - (this.#span >> 1));
      f0[t] = this.#f0;
      voicingProbability[t] = this.#probability;
    }
    return { f0, voicingProbability, frames, frameShiftSec: this.frameShift / this.sampleRate };
  }

  /** Analyses the span starting at sample `start` (zero outside the audio); sets #f0/#probability. */
  #frame(samples: Float32Array, start: number): void {
    const span = this.#span;
    const w = this.#window;
    const tauMax = this.#tauMax;
    const x = this.#x;
    let mean = 0;
    for (let i = 0; i < span; i++) {
      const j = start + i;
      const v = j >= 0 && j < samples.length ? samples[j]! : 0;
      x[i] = v;
      mean += v;
    }
    mean /= span;
    const prefix = this.#prefixSq;
    prefix[0] = 0;
    for (let i = 0; i < span; i++) {
      const v = x[i]! - mean;
      x[i] = v;
      prefix[i + 1] = prefix[i]! + v * v;
    }
    this.#f0 = 0;
    this.#probability = 0;
    if (prefix[span]! / span < this.#silencePower) return;

    // Cross-correlation r(τ) = Σ_{j<W} x[j]·x[j+τ] = IFFT(conj(A)·B), A = FFT(x[0..W)), B = FFT(x).
    const a = this.#a;
    const b = this.#b;
    a.fill(0);
    b.fill(0);
    for (let i = 0; i < w; i++) a[i] = x[i]!;
    for (let i = 0; i < span; i++) b[i] = x[i]!;
    this.#fft.forward(a);
    this.#fft.forward(b);
    b[0] = a[0]! * b[0]!;
    b[1] = a[1]! * b[1]!;
    for (let k = 2; k < b.length; k += 2) {
      const ar = a[k]!;
      const ai = a[k + 1]!;
      const br = b[k]!;
      const bi = b[k + 1]!;
      b[k] = ar * br + ai * bi;
      b[k + 1] = ar * bi - ai * br;
    }
    this.#fft.inverse(b);

    // Difference d(τ) = Σ (x[j] − x[j+τ])² = e(0) + e(τ) − 2r(τ); cumulative mean normalised d'(τ).
    const diff = this.#diff;
    const cmnd = this.#cmnd;
    const e0 = prefix[w]!;
    diff[0] = 0;
    cmnd[0] = 1;
    let running = 0;
    for (let tau = 1; tau <= tauMax; tau++) {
      const d = e0 + prefix[tau + w]! - prefix[tau]! - 2 * b[tau]!;
      diff[tau] = d > 0 ? d : 0;
      running += diff[tau]!;
      cmnd[tau] = running > 0 ? (diff[tau]! * tau) / running : 1;
    }

    // First dip below the threshold (followed down to its local minimum), else the global minimum.
    const tauMin = this.#tauMin;
    let best = -1;
    let globalBest = tauMin;
    for (let tau = tauMin; tau <= tauMax; tau++) {
      if (cmnd[tau]! < cmnd[globalBest]!) globalBest = tau;
      if (cmnd[tau]! < this.threshold) {
        while (tau + 1 <= tauMax && cmnd[tau + 1]! < cmnd[tau]!) tau++;
        best = tau;
        break;
      }
    }
    const chosen = best >= 0 ? best : globalBest;
    const p = 1 - cmnd[chosen]!;
    this.#probability = p < 0 ? 0 : p > 1 ? 1 : p;
    if (best < 0) return;

    // Parabolic interpolation of the raw difference around the chosen lag.
    let period = best;
    if (best > 1 && best < tauMax) {
      const l = diff[best - 1]!;
      const c = diff[best]!;
      const r = diff[best + 1]!;
      const curvature = l - 2 * c + r;
      if (curvature > 0) {
        const shift = (0.5 * (l - r)) / curvature;
        if (shift > -1 && shift < 1) period = best + shift;
      }
    }
    this.#f0 = this.sampleRate / period;
  }
}

/**
 * One-shot pitch tracking (builds a {@link PitchTracker}; keep one instead when tracking often).
 *
 * ### Examples
 * ```ts
 * const { f0 } = estimatePitch(samples, { sampleRate: 8000 });
 * const voiced = f0.filter((hz) => hz > 0);
 * ```
 */
export function estimatePitch(samples: Float32Array, options: PitchOptions = {}): PitchTrack {
  return new PitchTracker(options).track(samples);
}
