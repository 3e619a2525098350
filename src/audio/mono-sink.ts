import { checkFrameLimit, type AudioLimits } from './audio-limits.js';
import { Resampler } from './resampler.js';
import { SampleBuffer } from './sample-buffer.js';

/** The one output format: what the engines take. */
export const OUTPUT_SAMPLE_RATE = 16_000;

/**
 * Where decoders put their audio: mixes channels down to mono, resamples to 16 kHz as blocks
 * arrive, and enforces the duration and sample limits before a block is kept, so a file that
 * lies about its length (or a decompression bomb) fails after one block over the limit, never
 * after buffering all of it. Only the 16 kHz mono output is ever held in full.
 * @internal
 */
export class MonoSink {
  readonly sourceRate: number;
  readonly #limits: AudioLimits;
  readonly #out: SampleBuffer;
  readonly #resampler: Resampler | undefined;
  #mix = new Float32Array(0);
  #frames = 0;

  /** `expectedFrames`, when the header tells, sizes the output once. */
  constructor(sourceRate: number, limits: AudioLimits, expectedFrames = 0) {
    this.sourceRate = sourceRate;
    this.#limits = limits;
    this.#resampler =
      sourceRate === OUTPUT_SAMPLE_RATE ? undefined : new Resampler(sourceRate, OUTPUT_SAMPLE_RATE);
    const expected = Math.ceil((expectedFrames * OUTPUT_SAMPLE_RATE) / sourceRate);
    // Exactly the expected length, so a truthful header costs no copy at the end; a lying one
    // is never trusted beyond what the limits allow.
    this.#out = new SampleBuffer(Math.min(expected, limits.maxSamples));
  }

  /** Source frames received so far. */
  get frames(): number {
    return this.#frames;
  }

  /** Appends `count` frames given as one array per channel; they are averaged to mono. */
  pushPlanar(channels: readonly Float32Array[], count: number): void {
    if (count <= 0 || channels.length === 0) return;
    if (channels.length === 1) {
      this.pushMono(channels[0]!, count);
      return;
    }
    this.#admit(count);
    const mix = this.scratch(count);
    mix.set(channels[0]!.subarray(0, count));
    for (let c = 1; c < channels.length; c++) {
      const channel = channels[c]!;
      for (let i = 0; i < count; i++) mix[i] = mix[i]! + channel[i]!;
    }
    const scale = 1 / channels.length;
    for (let i = 0; i < count; i++) mix[i] = mix[i]! * scale;
    this.#write(mix, count);
  }

  /** Appends `count` mono frames. */
  pushMono(samples: Float32Array, count: number): void {
    if (count <= 0) return;
    this.#admit(count);
    this.#write(samples, count);
  }

  /**
   * A reusable block of at least `count` samples for a decoder to fill before `pushMono`; it is
   * overwritten by the next call.
   */
  scratch(count: number): Float32Array {
    if (this.#mix.length < count) this.#mix = new Float32Array(Math.max(count, 4096));
    return this.#mix;
  }

  /** The 16 kHz mono samples, clamped to [-1, 1] (NaN becomes 0). */
  finish(): Float32Array {
    this.#resampler?.finish(this.#out);
    const samples = this.#out.take();
    for (let i = 0; i < samples.length; i++) {
      const v = samples[i]!;
      // Written so NaN fails both comparisons and lands on 0.
      samples[i] = v > 1 ? 1 : v < -1 ? -1 : v === v ? v : 0;
    }
    return samples;
  }

  #admit(count: number): void {
    checkFrameLimit(this.#frames + count, this.sourceRate, this.#limits);
    this.#frames += count;
  }

  #write(samples: Float32Array, count: number): void {
    if (this.#resampler === undefined) this.#out.append(samples, count);
    else this.#resampler.push(samples, count, this.#out);
  }
}
