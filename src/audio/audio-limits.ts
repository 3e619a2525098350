import { AudioLimitExceeded } from './audio-limit-exceeded.js';

/** Bounds on one piece of audio, checked while it is read and decoded, not afterwards. */
export interface AudioLimits {
  /** Encoded size: request bodies, downloads and files. */
  readonly maxBytes: number;
  /** Duration of the source audio, in seconds. */
  readonly maxDurationSec: number;
  /** Decoded samples at 16 kHz mono (what the engines receive). */
  readonly maxSamples: number;
}

/** 50 MB, 10 minutes, and the samples of 10 minutes at 16 kHz. */
export const DEFAULT_AUDIO_LIMITS: AudioLimits = Object.freeze({
  maxBytes: 50 * 1024 * 1024,
  maxDurationSec: 600,
  maxSamples: 600 * 16_000,
});

/** Throws {@link AudioLimitExceeded} when `byteLength` is over `limits.maxBytes`. */
export function checkByteLimit(byteLength: number, limits: AudioLimits): void {
  if (byteLength > limits.maxBytes)
    throw new AudioLimitExceeded('maxBytes', byteLength, limits.maxBytes);
}

/**
 * Throws {@link AudioLimitExceeded} when `frames` of audio at `sampleRate` are longer than
 * `limits.maxDurationSec` or would resample to more than `limits.maxSamples` at 16 kHz.
 */
export function checkFrameLimit(frames: number, sampleRate: number, limits: AudioLimits): void {
  const durationSec = frames / sampleRate;
  if (durationSec > limits.maxDurationSec)
    throw new AudioLimitExceeded('maxDurationSec', durationSec, limits.maxDurationSec);
  const samples = Math.ceil(durationSec * 16_000);
  if (samples > limits.maxSamples)
    throw new AudioLimitExceeded('maxSamples', samples, limits.maxSamples);
}
