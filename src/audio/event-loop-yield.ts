/**
 * Decoding and resampling are CPU work in the server's own thread: a 10-minute 48 kHz file takes
 * seconds. Decoders check `due` between blocks and `await now()` when a slice is used up, so
 * requests in flight keep being served; short clips never reach a slice and pay nothing.
 * @internal
 */
export class EventLoopYield {
  readonly sliceMs: number;
  #sliceStart = performance.now();

  constructor(sliceMs = 10) {
    this.sliceMs = sliceMs;
  }

  get due(): boolean {
    return performance.now() - this.#sliceStart >= this.sliceMs;
  }

  /** Lets timers and I/O run (a macrotask, not a microtask), then starts a new slice. */
  async now(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.#sliceStart = performance.now();
  }
}
