/**
 * A fixed-size uniform sample of feature frames from a stream of unknown length (reservoir
 * sampling, Algorithm R, seeded): the GMMs train on a few hundred thousand frames of each
 * class without the millions they come from being held in memory.
 */
import type { SeededRandom } from '../speaker-engine-parts.js';

export class FrameReservoir {
  readonly capacity: number;
  readonly dims: number;
  readonly data: Float32Array;
  readonly #random: SeededRandom;
  #seen = 0;

  constructor(capacity: number, dims: number, random: SeededRandom) {
    this.capacity = capacity;
    this.dims = dims;
    this.data = new Float32Array(capacity * dims);
    this.#random = random;
  }

  /** Frames offered so far. */
  get seen(): number {
    return this.#seen;
  }

  /** Frames held (≤ capacity). */
  get frames(): number {
    return Math.min(this.#seen, this.capacity);
  }

  /** Offers one frame (`dims` values; copied when kept). */
  offer(frame: ArrayLike<number>): void {
    const d = this.dims;
    let slot = this.#seen;
    if (slot >= this.capacity) {
      slot = Math.floor(this.#random.next() * (this.#seen + 1));
      if (slot >= this.capacity) {
        this.#seen++;
        return;
      }
    }
    for (let j = 0; j < d; j++) this.data[slot * d + j] = frame[j]!;
    this.#seen++;
  }
}
