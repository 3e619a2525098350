/**
 * Energy voice activity detection: per-frame log energy against an adaptive threshold, then
 * smoothing (short gaps bridged, short bursts dropped), speech segments and the timing measures
 * derived from them (net speech, initial silence, pauses).
 *
 * The threshold is max(absoluteFloorDb, noiseFloorDb + marginDb), where the noise floor is a low
 * percentile of the utterance's frame energies. It assumes some non-speech in the recording (at
 * least `noisePercentile` % of the frames); a recording that is speech from end to end gets a
 * higher threshold and loses its weakest frames.
 */
import {
  DEFAULT_FRAME_LENGTH_MS,
  DEFAULT_FRAME_SHIFT_MS,
  DEFAULT_SAMPLE_RATE,
  frameCount,
  frameGeometry,
} from './framing.js';

/** Default percentile of frame energies taken as the noise floor. */
export const DEFAULT_VAD_NOISE_PERCENTILE = 10;
/** Default margin above the noise floor for speech, dB. */
export const DEFAULT_VAD_MARGIN_DB = 12;
/** Default absolute floor: frames quieter than this (dB re full scale, RMS) are never speech. */
export const DEFAULT_VAD_ABSOLUTE_FLOOR_DB = -55;
/** Default minimum duration of a speech segment; shorter bursts are dropped, ms. */
export const DEFAULT_VAD_MIN_SPEECH_MS = 100;
/** Default minimum duration of a silence between speech; shorter gaps are bridged, ms. */
export const DEFAULT_VAD_MIN_SILENCE_MS = 200;
/** Default padding added to both ends of every speech segment, ms. */
export const DEFAULT_VAD_PADDING_MS = 0;
/** Default minimum gap between speech segments reported by {@link pauses}, ms. */
export const DEFAULT_MIN_PAUSE_MS = 250;
/** Frame energies are floored here (dB), so digital silence has a finite level. */
export const VAD_ENERGY_FLOOR_DB = -120;

/** Options of {@link detectSpeech}; every field has a documented default. */
export interface EnergyVadOptions {
  /** Hz. Default 16000. */
  readonly sampleRate?: number;
  /** Default 25. */
  readonly frameLengthMs?: number;
  /** Default 10. */
  readonly frameShiftMs?: number;
  /** Default {@link DEFAULT_VAD_NOISE_PERCENTILE} (10). */
  readonly noisePercentile?: number;
  /** Default {@link DEFAULT_VAD_MARGIN_DB} (12). */
  readonly marginDb?: number;
  /** Default {@link DEFAULT_VAD_ABSOLUTE_FLOOR_DB} (−55 dBFS). */
  readonly absoluteFloorDb?: number;
  /** Default {@link DEFAULT_VAD_MIN_SPEECH_MS} (100). */
  readonly minSpeechMs?: number;
  /** Default {@link DEFAULT_VAD_MIN_SILENCE_MS} (200). */
  readonly minSilenceMs?: number;
  /** Default {@link DEFAULT_VAD_PADDING_MS} (0). */
  readonly paddingMs?: number;
}

/** A stretch of audio, seconds from the start. */
export interface TimeSegment {
  readonly startSec: number;
  readonly endSec: number;
}

/** What {@link detectSpeech} found. */
export interface VadResult {
  /** Per frame (frame t starts at t·frameShiftSec): speech after smoothing. */
  readonly speech: readonly boolean[];
  /** Speech segments, in order, non-overlapping. */
  readonly segments: readonly TimeSegment[];
  /** Per-frame log energy, dB re full scale (a full-scale sine is −3 dB). */
  readonly energyDb: Float32Array;
  /** The estimated noise floor and the threshold actually used, dB. */
  readonly noiseFloorDb: number;
  readonly thresholdDb: number;
  readonly frameShiftSec: number;
  readonly frameLengthSec: number;
  /** Length of the audio, seconds. */
  readonly durationSec: number;
}

function percentile(values: Float32Array, p: number): number {
  if (values.length === 0) return VAD_ENERGY_FLOOR_DB;
  const sorted = Float64Array.from(values).sort();
  const rank = (Math.min(Math.max(p, 0), 100) / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (rank - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Runs of equal values: [value, start, end) triples. */
function forEachRun(
  flags: Uint8Array,
  fn: (value: number, start: number, end: number) => void,
): void {
  let start = 0;
  for (let t = 1; t <= flags.length; t++) {
    if (t === flags.length || flags[t] !== flags[start]) {
      fn(flags[start]!, start, t);
      start = t;
    }
  }
}

/**
 * Frame log energies of `samples` (DC removed per frame), dB re full scale.
 *
 * ### Examples
 * ```ts
 * const db = frameEnergiesDb(samples, 16000); // one value per 25 ms frame, 10 ms apart
 * ```
 */
export function frameEnergiesDb(
  samples: Float32Array,
  sampleRate: number = DEFAULT_SAMPLE_RATE,
  frameLengthMs: number = DEFAULT_FRAME_LENGTH_MS,
  frameShiftMs: number = DEFAULT_FRAME_SHIFT_MS,
): Float32Array {
  const { frameLength, frameShift } = frameGeometry(sampleRate, frameLengthMs, frameShiftMs);
  const frames = frameCount(samples.length, frameLength, frameShift);
  const out = new Float32Array(frames);
  const floor = Math.pow(10, VAD_ENERGY_FLOOR_DB / 10);
  for (let t = 0; t < frames; t++) {
    const start = t * frameShift;
    let sum = 0;
    let sumSq = 0;
    for (let i = start; i < start + frameLength; i++) {
      const v = samples[i]!;
      sum += v;
      sumSq += v * v;
    }
    const mean = sum / frameLength;
    const power = sumSq / frameLength - mean * mean;
    out[t] = 10 * Math.log10(power > floor ? power : floor);
  }
  return out;
}

/**
 * Energy VAD over one utterance (mono samples in [-1, 1]).
 *
 * ### Examples
 * ```ts
 * const vad = detectSpeech(samples, { sampleRate: 16000 });
 * vad.segments; // [{ startSec: 1.02, endSec: 2.71 }]
 * speechSeconds(vad); // 1.69
 * ```
 */
export function detectSpeech(samples: Float32Array, options: EnergyVadOptions = {}): VadResult {
  const sampleRate = options.sampleRate ?? DEFAULT_SAMPLE_RATE;
  const frameLengthMs = options.frameLengthMs ?? DEFAULT_FRAME_LENGTH_MS;
  const frameShiftMs = options.frameShiftMs ?? DEFAULT_FRAME_SHIFT_MS;
  const { frameLength, frameShift } = frameGeometry(sampleRate, frameLengthMs, frameShiftMs);
  const toFrames = (ms: number): number => Math.round((ms * sampleRate) / 1000 / frameShift);
  const energyDb = frameEnergiesDb(samples, sampleRate, frameLengthMs, frameShiftMs);
  const frames = energyDb.length;
  const noiseFloorDb = percentile(
    energyDb,
    options.noisePercentile ?? DEFAULT_VAD_NOISE_PERCENTILE,
  );
  const thresholdDb = Math.max(
    options.absoluteFloorDb ?? DEFAULT_VAD_ABSOLUTE_FLOOR_DB,
    noiseFloorDb + (options.marginDb ?? DEFAULT_VAD_MARGIN_DB),
  );

  const flags = new Uint8Array(frames);
  for (let t = 0; t < frames; t++) flags[t] = energyDb[t]! > thresholdDb ? 1 : 0;
  // Hangover: bridge short silences between speech, then drop short speech bursts.
  const minSilence = toFrames(options.minSilenceMs ?? DEFAULT_VAD_MIN_SILENCE_MS);
  forEachRun(flags, (value, start, end) => {
    if (value === 0 && start > 0 && end < frames && end - start < minSilence) {
      flags.fill(1, start, end);
    }
  });
  const minSpeech = toFrames(options.minSpeechMs ?? DEFAULT_VAD_MIN_SPEECH_MS);
  forEachRun(flags, (value, start, end) => {
    if (value === 1 && end - start < minSpeech) flags.fill(0, start, end);
  });
  const padding = toFrames(options.paddingMs ?? DEFAULT_VAD_PADDING_MS);
  if (padding > 0) {
    const runs: [number, number][] = [];
    forEachRun(flags, (value, start, end) => {
      if (value === 1) runs.push([start, end]);
    });
    for (const [start, end] of runs) {
      flags.fill(1, Math.max(0, start - padding), Math.min(frames, end + padding));
    }
  }

  // Frame t stands for the hop-long stretch around its centre; the first/last frames reach the
  // ends of the audio.
  const durationSec = samples.length / sampleRate;
  const centreOffset = (frameLength - frameShift) / 2;
  const segments: TimeSegment[] = [];
  forEachRun(flags, (value, start, end) => {
    if (value !== 1) return;
    const startSec = start === 0 ? 0 : (start * frameShift + centreOffset) / sampleRate;
    const endSec =
      end === frames
        ? durationSec
        : ((end - 1) * frameShift + centreOffset + frameShift) / sampleRate;
    segments.push({ startSec, endSec: Math.min(endSec, durationSec) });
  });
  return {
    speech: Array.from(flags, (f) => f === 1),
    segments,
    energyDb,
    noiseFloorDb,
    thresholdDb,
    frameShiftSec: frameShift / sampleRate,
    frameLengthSec: frameLength / sampleRate,
    durationSec,
  };
}

/**
 * Net speech: the summed length of the speech segments, seconds.
 *
 * ### Examples
 * ```ts
 * speechSeconds(detectSpeech(samples)); // e.g. 1.69
 * speechSeconds([{ startSec: 0.5, endSec: 1 }, { startSec: 2, endSec: 2.25 }]); // 0.75
 * ```
 */
export function speechSeconds(vad: VadResult | readonly TimeSegment[]): number {
  const segments = 'segments' in vad ? vad.segments : vad;
  let total = 0;
  for (const s of segments) total += s.endSec - s.startSec;
  return total;
}

/**
 * Silence before the first speech, seconds (the whole duration when there is no speech).
 *
 * ### Examples
 * ```ts
 * initialSilenceSec(detectSpeech(samples)); // e.g. 1.02
 * ```
 */
export function initialSilenceSec(vad: VadResult): number {
  return vad.segments[0]?.startSec ?? vad.durationSec;
}

/**
 * Silence after the last speech, seconds (the whole duration when there is no speech).
 *
 * ### Examples
 * ```ts
 * finalSilenceSec(detectSpeech(samples)); // e.g. 0.98
 * ```
 */
export function finalSilenceSec(vad: VadResult): number {
  const last = vad.segments[vad.segments.length - 1];
  return last === undefined ? vad.durationSec : vad.durationSec - last.endSec;
}

/**
 * Silences between speech segments lasting at least `minPauseMs` (leading and trailing silence
 * are not pauses).
 *
 * ### Examples
 * ```ts
 * pauses(detectSpeech(samples), 300); // [{ startSec: 1.4, endSec: 2.1 }]
 * ```
 */
export function pauses(
  vad: VadResult | readonly TimeSegment[],
  minPauseMs: number = DEFAULT_MIN_PAUSE_MS,
): TimeSegment[] {
  const segments = 'segments' in vad ? vad.segments : vad;
  const result: TimeSegment[] = [];
  for (let i = 1; i < segments.length; i++) {
    const startSec = segments[i - 1]!.endSec;
    const endSec = segments[i]!.startSec;
    if ((endSec - startSec) * 1000 >= minPauseMs) result.push({ startSec, endSec });
  }
  return result;
}
