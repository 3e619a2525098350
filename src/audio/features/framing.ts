/**
 * Framing shared by every feature: frame sizes in samples, the frame count, analysis windows and
 * 16-bit PCM conversion. Frame t covers samples [t·shift, t·shift + length) ("snip edges": only
 * whole frames, no padding), so MFCC, VAD and pitch frames of the same length/shift line up.
 */

/** Default analysis frame length, milliseconds. */
export const DEFAULT_FRAME_LENGTH_MS = 25;
/** Default frame shift (hop), milliseconds. */
export const DEFAULT_FRAME_SHIFT_MS = 10;
/** Default sample rate, Hz. */
export const DEFAULT_SAMPLE_RATE = 16000;

/** Shape of an analysis window; `povey` is Kaldi's (Hann to the power 0.85). */
export type WindowType = 'hamming' | 'hann' | 'povey' | 'rectangular';

/** Frame length and shift in samples, validated. */
export interface FrameGeometry {
  readonly sampleRate: number;
  /** Samples per frame. */
  readonly frameLength: number;
  /** Samples between frame starts. */
  readonly frameShift: number;
}

/**
 * Frame length/shift in samples for a sample rate and millisecond durations (rounded to the
 * nearest sample), with validation.
 */
export function frameGeometry(
  sampleRate: number,
  lengthMs: number,
  shiftMs: number,
): FrameGeometry {
  if (!Number.isFinite(sampleRate) || sampleRate <= 0) {
    throw new RangeError(`sampleRate must be a positive number, got ${sampleRate}`);
  }
  const frameLength = Math.round((lengthMs * sampleRate) / 1000);
  const frameShift = Math.round((shiftMs * sampleRate) / 1000);
  if (!(frameLength >= 2)) throw new RangeError(`frame length too short: ${lengthMs} ms`);
  if (!(frameShift >= 1)) throw new RangeError(`frame shift too short: ${shiftMs} ms`);
  return { sampleRate, frameLength, frameShift };
}

/**
 * Number of whole frames in `numSamples` samples: 0 when shorter than one frame, otherwise
 * 1 + ⌊(numSamples − frameLength) / frameShift⌋.
 *
 * ### Examples
 * ```ts
 * frameCount(16000, 400, 160); // 98 (1 s at 16 kHz, 25 ms frames, 10 ms hop)
 * ```
 */
export function frameCount(numSamples: number, frameLength: number, frameShift: number): number {
  if (numSamples < frameLength) return 0;
  return 1 + Math.floor((numSamples - frameLength) / frameShift);
}

/**
 * Symmetric analysis window of `length` samples (Hamming: 0.54 − 0.46·cos(2πi/(N−1))).
 *
 * ### Examples
 * ```ts
 * const w = createWindow('hamming', 400); // w[0] = 0.08, w[199] ≈ 1
 * ```
 */
export function createWindow(type: WindowType, length: number): Float64Array {
  const w = new Float64Array(length);
  const denom = length > 1 ? length - 1 : 1;
  for (let i = 0; i < length; i++) {
    const c = Math.cos((2 * Math.PI * i) / denom);
    switch (type) {
      case 'hamming':
        w[i] = 0.54 - 0.46 * c;
        break;
      case 'hann':
        w[i] = 0.5 - 0.5 * c;
        break;
      case 'povey':
        w[i] = Math.pow(0.5 - 0.5 * c, 0.85);
        break;
      case 'rectangular':
        w[i] = 1;
        break;
      default:
        throw new RangeError(`unknown window type: ${String(type)}`);
    }
  }
  return w;
}

/**
 * 16-bit signed PCM to floats in [-1, 1) (divided by 32768), the input the extractors expect.
 *
 * ### Examples
 * ```ts
 * const samples = pcm16ToFloat32(pcm); // pcm: Int16Array from the request
 * ```
 */
export function pcm16ToFloat32(pcm: Int16Array, out?: Float32Array): Float32Array {
  const result = out ?? new Float32Array(pcm.length);
  if (result.length < pcm.length) throw new RangeError('output buffer too short');
  for (let i = 0; i < pcm.length; i++) result[i] = pcm[i]! / 32768;
  return result;
}
