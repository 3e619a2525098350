import type { Alignment, AsrEngine, Recognition, TimedSegment } from './asr/asr-engine.js';
import { AsrPool, type AsrCallOptions, type AsrPoolOptions } from './asr/asr-pool.js';

/**
 * An ASR pool started on first use (or by `start()`): the server can listen at once, and
 * servers that never score speech never spawn engine workers.
 *
 * ### Examples
 * ```ts
 * const engine = new LazyAsrEngine({ workers: 2 });
 * engine.start(); // optional: warm up now instead of on the first request
 * await engine.align(pcm, ['hello']);
 * ```
 */
export class LazyAsrEngine implements AsrEngine {
  readonly #options: AsrPoolOptions;
  #pool: AsrPool | null = null;
  #closed = false;

  constructor(options: AsrPoolOptions) {
    this.#options = options;
  }

  /** Spawns the workers now (idempotent). */
  start(): AsrPool {
    if (this.#closed) throw new Error('the ASR engine is closed');
    this.#pool ??= new AsrPool(this.#options);
    return this.#pool;
  }

  get started(): boolean {
    return this.#pool !== null;
  }

  align(pcm: Int16Array, words: readonly string[], options?: AsrCallOptions): Promise<Alignment> {
    return this.start().align(pcm, words, options);
  }

  phoneLoop(pcm: Int16Array, options?: AsrCallOptions): Promise<readonly TimedSegment[]> {
    return this.start().phoneLoop(pcm, options);
  }

  recognize(pcm: Int16Array, options?: AsrCallOptions): Promise<Recognition> {
    return this.start().recognize(pcm, options);
  }

  chooseSentence(
    pcm: Int16Array,
    sentences: readonly (readonly string[])[],
    options?: AsrCallOptions,
  ): Promise<{ readonly index: number; readonly alignment: Alignment }> {
    return this.start().chooseSentence(pcm, sentences, options);
  }

  ping(): Promise<void> {
    return this.start().ping();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#pool?.close();
  }
}
