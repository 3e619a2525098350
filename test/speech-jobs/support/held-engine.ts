/**
 * An AsrEngine whose calls wait until the test lets them fail: it shows how many jobs the runner
 * scores at once (one phone loop per job) without the real engine's timing.
 */
import type {
  Alignment,
  AsrEngine,
  Recognition,
  TimedSegment,
} from '../../../src/engines/index.js';
import { catalog, voxError } from '../../../src/errors/index.js';

export class HeldEngine implements AsrEngine {
  /** Phone loops in progress: jobs being scored. */
  loops = 0;
  maxLoops = 0;
  calls = 0;
  #failAtOnce = false;
  readonly #held: (() => void)[] = [];
  readonly #waiters: { n: number; resolve: () => void }[] = [];

  align(): Promise<Alignment> {
    return this.#hold(false);
  }

  phoneLoop(): Promise<readonly TimedSegment[]> {
    return this.#hold(true);
  }

  chooseSentence(): Promise<{ readonly index: number; readonly alignment: Alignment }> {
    return this.#hold(false);
  }

  recognize(): Promise<Recognition> {
    return this.#hold(false);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Resolves once `n` phone loops are in progress at the same time. */
  whenLoops(n: number): Promise<void> {
    if (this.loops >= n) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ n, resolve }));
  }

  /** Fails every held call, and every later one at once, with ASRSocketTimeout. */
  failAll(): void {
    this.#failAtOnce = true;
    for (const fail of this.#held.splice(0)) fail();
  }

  #hold<T>(loop: boolean): Promise<T> {
    this.calls++;
    if (this.#failAtOnce) return Promise.reject(voxError(catalog.ASRSocketTimeout));
    if (loop) {
      this.loops++;
      this.maxLoops = Math.max(this.maxLoops, this.loops);
      for (const w of this.#waiters.filter((w) => this.loops >= w.n)) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve();
      }
    }
    return new Promise<T>((_, reject) => {
      this.#held.push(() => {
        if (loop) this.loops--;
        reject(voxError(catalog.ASRSocketTimeout));
      });
    });
  }
}
