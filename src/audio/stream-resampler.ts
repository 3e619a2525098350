import { Resampler } from './resampler.js';
import { SampleBuffer } from './sample-buffer.js';

/** The rate every engine reads. */
const ENGINE_RATE = 16_000;

/**
 * Live audio (a phone call at 8 kHz, a stream at any rate) to 16 kHz as it arrives: each `push`
 * returns the 16 kHz samples that its input completes, `finish` the rest. The concatenated
 * output is exactly what resampling the whole recording at once gives.
 *
 * ### Examples
 * ```ts
 * const to16k = new StreamResampler(8000);
 * for (const frame of call) accumulator.push(to16k.push(decodeMuLaw(frame)));
 * accumulator.push(to16k.finish());
 * ```
 */
export class StreamResampler {
  readonly fromRate: number;
  readonly #resampler: Resampler | undefined;
  readonly #out = new SampleBuffer(4096);

  constructor(fromRate: number) {
    this.fromRate = fromRate;
    this.#resampler = fromRate === ENGINE_RATE ? undefined : new Resampler(fromRate, ENGINE_RATE);
  }

  /** The 16 kHz samples `samples` completes (a new array, the caller's to keep). */
  push(samples: Float32Array): Float32Array {
    if (!this.#resampler) return samples.slice();
    this.#out.length = 0;
    this.#resampler.push(samples, samples.length, this.#out);
    return this.#out.data.slice(0, this.#out.length);
  }

  /** The last 16 kHz samples, once the input has ended. */
  finish(): Float32Array {
    if (!this.#resampler) return new Float32Array(0);
    this.#out.length = 0;
    this.#resampler.finish(this.#out);
    return this.#out.data.slice(0, this.#out.length);
  }
}
