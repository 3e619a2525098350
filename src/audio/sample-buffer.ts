/**
 * A growable Float32Array for decoded audio: capacity doubles, so appending n samples in any
 * number of pieces copies O(n) in total. Writers reserve space and write into `data` directly.
 * @internal
 */
export class SampleBuffer {
  data: Float32Array;
  length = 0;

  constructor(initialCapacity: number) {
    this.data = new Float32Array(Math.max(16, Math.ceil(initialCapacity)));
  }

  /** Makes room for `count` more samples after `length`. */
  reserve(count: number): void {
    const needed = this.length + count;
    if (needed <= this.data.length) return;
    const grown = new Float32Array(Math.max(needed, this.data.length * 2));
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }

  append(samples: Float32Array, count: number): void {
    this.reserve(count);
    this.data.set(samples.subarray(0, count), this.length);
    this.length += count;
  }

  /** The samples, without spare capacity (copied only when there is spare capacity). */
  take(): Float32Array {
    return this.length === this.data.length ? this.data : this.data.slice(0, this.length);
  }
}
