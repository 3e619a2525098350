/**
 * Runs a background pass over durable work: on start, every `pollMs` (to pick up work left by a
 * restart or written by another process), and whenever `kick()` says there is new work. Passes
 * never overlap; a kick during a pass schedules one more pass right after it. A failing pass is
 * reported and retried at the next tick. All state lives in the database, not here.
 *
 * ### Examples
 * ```ts
 * const loop = new PollingLoop(() => runPendingJobs(), (e) => log.error({ err: e }, 'pass failed'), 2000);
 * loop.start();
 * loop.kick(); // after enqueuing
 * await loop.stop();
 * ```
 */
export class PollingLoop {
  readonly #pass: () => Promise<void>;
  readonly #onError: (error: unknown) => void;
  readonly #pollMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(pass: () => Promise<void>, onError: (error: unknown) => void, pollMs: number) {
    this.#pass = pass;
    this.#onError = onError;
    this.#pollMs = pollMs;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  start(): void {
    this.#timer = setInterval(() => this.kick(), this.#pollMs);
    this.#timer.unref();
    this.kick();
  }

  kick(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#pass()
      .catch((e: unknown) => this.#onError(e))
      .finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.kick();
        }
      });
  }

  /** Stops after the pass in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
  }

  /** Resolves when no pass is running. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }
}
