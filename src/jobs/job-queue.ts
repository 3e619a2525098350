import type { JobQueueStore, QueueEntry } from '../storage/index.js';
import { PollingLoop } from './polling-loop.js';

/** How long a claim holds a job without renewal; running jobs are renewed every third of it. */
export const DEFAULT_LEASE_MS = 60_000;
/** How often the queue looks for work it was not told about (other nodes, a restart). */
export const DEFAULT_POLL_MS = 2000;
/** Finished entries are kept this long (for operators), then purged. */
export const DEFAULT_RETENTION_MS = 7 * 24 * 3600_000;

interface Logger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What a handler gets besides the entry: its lease, for progress and for guarded writes. */
export interface JobContext {
  /** The server instance holding the lease: pass it to the guarded writes of the outcome. */
  readonly owner: string;
  /** Records progress (0–100); false when the lease was lost (stop working, write nothing). */
  progress(percent: number): Promise<boolean>;
  /** Aborted when the lease is lost or the queue stops: long work should check it. */
  readonly signal: AbortSignal;
  /** Whether the lease is still held (as far as the last renewal knows). */
  held(): boolean;
}

/**
 * The work of one kind of job. `run` does the work and writes its outcome, ending the queue
 * entry in the same transaction (`completeWithin` in storage) under the lease; throwing leaves
 * the entry to be claimed again after the lease lapses. `giveUp` writes the failure of a job
 * claimed more than `maxAttempts` times (one that keeps killing its runner).
 */
export interface JobHandler {
  run(entry: QueueEntry, ctx: JobContext): Promise<void>;
  giveUp(entry: QueueEntry, ctx: JobContext): Promise<void>;
}

export interface JobKindOptions {
  /** Jobs of this kind run at once by this process. */
  readonly concurrency: number;
  /** Purge this kind's finished entries after this long (default DEFAULT_RETENTION_MS). */
  readonly retentionMs?: number;
  /** Called with the ids of purged entries (to delete the jobs' own rows, if the kind does). */
  readonly onPurge?: (jobIds: readonly string[]) => Promise<void>;
}

export interface JobQueueOptions {
  readonly leaseMs?: number;
  readonly pollMs?: number;
  readonly now?: () => number;
}

interface Kind {
  readonly handler: JobHandler;
  readonly options: JobKindOptions;
  readonly running: Map<string, AbortController>;
}

/**
 * One durable job queue for every kind of background work, over `job_queue`: leased claims (an
 * instance id owns each running job), heartbeats (one renewal for all running jobs every third
 * of the lease), takeover of jobs whose lease lapsed (their node died; leases of instances the
 * registry removed lapse at once), an attempt limit, a concurrency cap per kind, progress, and
 * retention of finished entries. Submitters write their job and its entry in one transaction and
 * `kick()` the queue; every node also polls, so work left by a dead node is picked up.
 *
 * ### Examples
 * ```ts
 * const queue = new JobQueue(store, instanceId, log);
 * queue.register('speech.scripted', handler, { concurrency: 2 });
 * queue.start();
 * await queue.stop(); // running jobs finish first
 * ```
 */
export class JobQueue {
  readonly #store: JobQueueStore;
  readonly #owner: string;
  readonly #log: Logger;
  readonly #leaseMs: number;
  readonly #now: () => number;
  readonly #kinds = new Map<string, Kind>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #loop: PollingLoop;
  #renewTimer: NodeJS.Timeout | null = null;
  #lastPurge = 0;

  constructor(store: JobQueueStore, owner: string, log: Logger, options: JobQueueOptions = {}) {
    this.#store = store;
    this.#owner = owner;
    this.#log = log;
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.#now = options.now ?? Date.now;
    this.#loop = new PollingLoop(
      () => this.#pass(),
      (e) => log.error({ err: e }, 'job queue pass failed; it will be retried'),
      options.pollMs ?? DEFAULT_POLL_MS,
    );
  }

  register(kind: string, handler: JobHandler, options: JobKindOptions): void {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
      throw new RangeError(`concurrency of ${kind} must be a positive integer`);
    this.#kinds.set(kind, { handler, options, running: new Map() });
  }

  start(): void {
    this.#loop.start();
    this.#renewTimer = setInterval(
      () => void this.#renew(),
      Math.max(50, Math.floor(this.#leaseMs / 3)),
    );
    this.#renewTimer.unref();
  }

  /** There may be new work (a job was submitted). */
  kick(): void {
    this.#loop.kick();
  }

  /**
   * Takes no new jobs, tells the running ones to stop (their `signal` aborts: long jobs return
   * early and are resumed by the next node to claim them) and resolves once they have ended.
   */
  async stop(): Promise<void> {
    await this.#loop.stop();
    for (const k of this.#kinds.values())
      for (const controller of k.running.values()) controller.abort();
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    if (this.#renewTimer !== null) clearInterval(this.#renewTimer);
    this.#renewTimer = null;
  }

  /** Resolves once no pass runs and no job is in progress (tests). */
  async idle(): Promise<void> {
    await this.#loop.idle();
    while (this.#inFlight.size > 0) {
      await Promise.allSettled([...this.#inFlight]);
      await this.#loop.idle();
    }
  }

  async #pass(): Promise<void> {
    for (const [kind, k] of this.#kinds) {
      const free = k.options.concurrency - k.running.size;
      if (free <= 0) continue;
      // A few more ids than slots: some may be taken by another node between read and claim.
      for (const jobId of await this.#store.claimable(kind, this.#now(), free + 4)) {
        if (this.#loop.stopped || k.running.size >= k.options.concurrency) break;
        const now = this.#now();
        const entry = await this.#store.claim(jobId, this.#owner, now, now + this.#leaseMs);
        if (entry) this.#start(k, entry);
      }
    }
    await this.#purge();
  }

  #start(k: Kind, entry: QueueEntry): void {
    const controller = new AbortController();
    k.running.set(entry.jobId, controller);
    const ctx: JobContext = {
      owner: this.#owner,
      signal: controller.signal,
      held: () => !controller.signal.aborted,
      progress: async (percent) => {
        const held = await this.#store.progress(entry.jobId, this.#owner, percent, this.#now());
        if (!held) controller.abort();
        return held;
      },
    };
    const work =
      entry.attempts > entry.maxAttempts
        ? (this.#log.error(
            { jobId: entry.jobId, kind: entry.kind, attempts: entry.attempts },
            'job was interrupted too often; failing it',
          ),
          k.handler.giveUp(entry, ctx))
        : k.handler.run(entry, ctx);
    const running: Promise<void> = work
      .catch((e: unknown) =>
        // Storage unreachable, a bug: the entry is not ended, its lease lapses and it runs again.
        this.#log.error(
          { err: e, jobId: entry.jobId, kind: entry.kind },
          'job interrupted; it will run again',
        ),
      )
      .finally(() => {
        k.running.delete(entry.jobId);
        this.#inFlight.delete(running);
        this.kick();
      });
    this.#inFlight.add(running);
  }

  /** One renewal for every running job; a job whose lease was lost is told to stop. */
  async #renew(): Promise<void> {
    const running = [...this.#kinds.values()].flatMap((k) => [...k.running]);
    if (running.length === 0) return;
    try {
      const held = new Set(
        await this.#store.renew(
          running.map(([id]) => id),
          this.#owner,
          this.#now() + this.#leaseMs,
        ),
      );
      for (const [id, controller] of running) if (!held.has(id)) controller.abort();
    } catch (e) {
      this.#log.error({ err: e }, 'job lease renewal failed');
    }
  }

  /** At most once a minute: entries finished longer ago than their kind keeps them. */
  async #purge(): Promise<void> {
    const now = this.#now();
    if (now - this.#lastPurge < 60_000) return;
    this.#lastPurge = now;
    for (const [kind, k] of this.#kinds) {
      const ids = await this.#store.purgeDone(
        kind,
        now - (k.options.retentionMs ?? DEFAULT_RETENTION_MS),
        500,
      );
      if (ids.length > 0) {
        await k.options.onPurge?.(ids);
        this.#log.info({ kind, purged: ids.length }, 'finished jobs purged');
      }
    }
  }
}
