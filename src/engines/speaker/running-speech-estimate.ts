/**
 * Net speech of a stretch of audio that is still growing, frame by frame: the same decision as
 * the speaker features' energy VAD (`detectSpeech` of src/audio/features: threshold
 * max(−55 dBFS, 10th-percentile frame energy + 12 dB), gaps shorter than 200 ms between speech
 * bridged, bursts shorter than 100 ms dropped), kept incrementally so that asking costs
 * microseconds instead of a pass over the audio.
 *
 * Frames are 25 ms every 10 ms from the start of the stretch, as the feature extractor frames
 * it, and the arithmetic is the VAD's, so on a stretch that is then analysed whole the count is
 * exactly the extractor's own. Memory and
 * the cost of {@link RunningSpeechEstimate.speechFrames} grow with the stretch: the accumulator
 * keeps one per segment (a few hundred frames).
 */
import {
  DEFAULT_VAD_ABSOLUTE_FLOOR_DB,
  DEFAULT_VAD_MARGIN_DB,
  DEFAULT_VAD_MIN_SILENCE_MS,
  DEFAULT_VAD_MIN_SPEECH_MS,
  DEFAULT_VAD_NOISE_PERCENTILE,
  VAD_ENERGY_FLOOR_DB,
} from '../../audio/features/index.js';

const FRAME_LENGTH = 400;
const FRAME_SHIFT = 160;
const FRAME_MS = 10;
const POWER_FLOOR = Math.pow(10, VAD_ENERGY_FLOOR_DB / 10);
const EMPTY = new Float32Array(0);

/**
 * Incremental energy-VAD net speech over 16 kHz samples written into a caller-owned buffer.
 *
 * ### Examples
 * ```ts
 * const estimate = new RunningSpeechEstimate(300);
 * estimate.advance(segment, filled); // after writing samples into segment[0 .. filled)
 * estimate.speechFrames() * 0.01; // net speech so far, seconds
 * ```
 */
export class RunningSpeechEstimate {
  #energies: Float32Array;
  #frames = 0;
  #cached = -1;
  #sorted: Float32Array;
  #flags: Uint8Array;

  /** `capacityFrames`: frames expected (grows when exceeded). */
  constructor(capacityFrames: number) {
    this.#energies = new Float32Array(Math.max(1, capacityFrames));
    this.#sorted = new Float32Array(this.#energies.length);
    this.#flags = new Uint8Array(this.#energies.length);
  }

  /** Frames measured so far. */
  get frames(): number {
    return this.#frames;
  }

  /** Measures every whole frame of `samples[0 .. length)` not measured yet. */
  advance(samples: Float32Array, length: number): void {
    this.advanceJoined(EMPTY, samples, length);
  }

  /**
   * Measures every whole frame not measured yet of the stretch `head` followed by
   * `tail[0 .. tailLength)` (frames may straddle the two).
   */
  advanceJoined(head: Float32Array, tail: Float32Array, tailLength: number): void {
    const h = head.length;
    while (this.#frames * FRAME_SHIFT + FRAME_LENGTH <= h + tailLength) {
      const start = this.#frames * FRAME_SHIFT;
      let sum = 0;
      let sumSq = 0;
      for (let i = start; i < start + FRAME_LENGTH; i++) {
        const v = i < h ? head[i]! : tail[i - h]!;
        sum += v;
        sumSq += v * v;
      }
      const mean = sum / FRAME_LENGTH;
      const power = sumSq / FRAME_LENGTH - mean * mean;
      if (this.#frames === this.#energies.length) this.#grow();
      this.#energies[this.#frames++] = 10 * Math.log10(power > POWER_FLOOR ? power : POWER_FLOOR);
      this.#cached = -1;
    }
  }

  /** Takes over `other`'s frames (the stretch continues from where `other` stands). */
  copyFrom(other: RunningSpeechEstimate): void {
    while (this.#energies.length < other.#frames) this.#grow();
    this.#energies.set(other.#energies.subarray(0, other.#frames));
    this.#frames = other.#frames;
    this.#cached = -1;
  }

  /** Forgets every frame (a new stretch starts). */
  reset(): void {
    this.#frames = 0;
    this.#cached = -1;
  }

  /** Speech frames among those measured, by the energy VAD's rules. */
  speechFrames(): number {
    if (this.#cached >= 0) return this.#cached;
    const n = this.#frames;
    if (n === 0) return (this.#cached = 0);
    const sorted = this.#sorted.subarray(0, n);
    sorted.set(this.#energies.subarray(0, n));
    sorted.sort();
    const rank = (DEFAULT_VAD_NOISE_PERCENTILE / 100) * (n - 1);
    const lo = Math.floor(rank);
    const hi = Math.min(lo + 1, n - 1);
    const floor = sorted[lo]! + (rank - lo) * (sorted[hi]! - sorted[lo]!);
    const threshold = Math.max(DEFAULT_VAD_ABSOLUTE_FLOOR_DB, floor + DEFAULT_VAD_MARGIN_DB);
    const flags = this.#flags;
    for (let t = 0; t < n; t++) flags[t] = this.#energies[t]! > threshold ? 1 : 0;
    const minSilence = Math.round(DEFAULT_VAD_MIN_SILENCE_MS / FRAME_MS);
    const minSpeech = Math.round(DEFAULT_VAD_MIN_SPEECH_MS / FRAME_MS);
    // Silence runs between speech that are too short become speech; then speech runs that are
    // too short become silence (the order matters, as in the batch VAD).
    forEachRun(flags, n, (value, start, end) => {
      if (value === 0 && start > 0 && end < n && end - start < minSilence)
        flags.fill(1, start, end);
    });
    let speech = 0;
    forEachRun(flags, n, (value, start, end) => {
      if (value === 1 && end - start >= minSpeech) speech += end - start;
    });
    return (this.#cached = speech);
  }

  #grow(): void {
    const energies = new Float32Array(this.#energies.length * 2);
    energies.set(this.#energies);
    this.#energies = energies;
    this.#sorted = new Float32Array(energies.length);
    this.#flags = new Uint8Array(energies.length);
  }
}

function forEachRun(
  flags: Uint8Array,
  n: number,
  fn: (value: number, start: number, end: number) => void,
): void {
  let start = 0;
  for (let t = 1; t <= n; t++) {
    if (t === n || flags[t] !== flags[start]) {
      fn(flags[start]!, start, t);
      start = t;
    }
  }
}
