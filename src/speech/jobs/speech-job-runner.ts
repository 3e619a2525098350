import type { AsrEngine } from '../../engines/index.js';
import type { PronunciationModel } from '../../engines/pronunciation/index.js';
import { catalog, isVoxgateError, voxError, type VoxgateError } from '../../errors/index.js';
import { PollingLoop } from '../../jobs/index.js';
import type { SpeechJobRow, SpeechJobsRepository } from '../../storage/index.js';
import type { MinuteReservation, SpeechAccounts } from '../accounts/index.js';
import { assessScripted, type ScriptedParameters, type ScriptedResult } from '../scripted/index.js';
import { pcm16ToSamples } from './pcm16.js';
import { newRunnerId } from './speech-job-ids.js';

interface Logger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** How long a claim holds a job without renewal; the runner renews it every third of that. */
export const DEFAULT_JOB_LEASE_MS = 60_000;
/** Claims of one job before it is failed instead of run again (a job that keeps killing its runner). */
export const MAX_JOB_ATTEMPTS = 3;
/** How often the runner looks for work it was not told about (other nodes, a restart). */
export const DEFAULT_JOB_POLL_MS = 2000;

export interface SpeechJobRunnerDeps {
  readonly repo: SpeechJobsRepository;
  readonly accounts: SpeechAccounts;
  readonly engine: AsrEngine;
  readonly model: PronunciationModel;
  readonly log: Logger;
}

export interface SpeechJobRunnerOptions {
  /** Jobs scored at once by this runner (each uses two engine workers at a time). */
  readonly concurrency: number;
  /** Per engine call, as in sync mode. */
  readonly engineDeadlineMs: number;
  /** `DEFAULT_JOB_LEASE_MS` unless given. */
  readonly leaseMs?: number;
  /** Keep a finished job's audio (default: delete it when the job ends). */
  readonly keepAudio?: boolean;
  /** `DEFAULT_JOB_POLL_MS` unless given. */
  readonly pollMs?: number;
  readonly now?: () => number;
}

/**
 * Runs async scoring jobs from the database, at most `concurrency` at once: claims queued jobs
 * (and running ones whose lease lapsed: their runner died), scores the stored audio, then
 * charges the audio's minutes and records the result — or records the catalogued error and
 * refunds. A job's lease is renewed while it runs, so a job is only taken over when its runner
 * is gone; every state change is guarded by the lease, so a runner that lost it changes nothing.
 *
 * Crash windows, all safe: killed before the outcome is written, the job runs again after its
 * lease lapses (settling twice is a no-op in the accounts, so minutes are charged once); killed
 * between a failure's write and its refund, the hold lapses with its TTL, uncharged.
 *
 * ### Examples
 * ```ts
 * const runner = new SpeechJobRunner({ repo, accounts, engine, model, log }, { concurrency: 2, engineDeadlineMs: 30_000 });
 * runner.start();
 * // … on shutdown, before closing the engine:
 * await runner.stop();
 * ```
 */
export class SpeechJobRunner {
  readonly #deps: SpeechJobRunnerDeps;
  readonly #concurrency: number;
  readonly #engineDeadlineMs: number;
  readonly #leaseMs: number;
  readonly #keepAudio: boolean;
  readonly #now: () => number;
  readonly #owner = newRunnerId();
  readonly #loop: PollingLoop;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(deps: SpeechJobRunnerDeps, options: SpeechJobRunnerOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
      throw new RangeError(`concurrency must be a positive integer: ${options.concurrency}`);
    this.#deps = deps;
    this.#concurrency = options.concurrency;
    this.#engineDeadlineMs = options.engineDeadlineMs;
    this.#leaseMs = options.leaseMs ?? DEFAULT_JOB_LEASE_MS;
    this.#keepAudio = options.keepAudio ?? false;
    this.#now = options.now ?? Date.now;
    this.#loop = new PollingLoop(
      () => this.#pass(),
      (e) => deps.log.error({ err: e }, 'speech job pass failed; it will be retried'),
      options.pollMs ?? DEFAULT_JOB_POLL_MS,
    );
  }

  start(): void {
    this.#loop.start();
  }

  /** There may be new work (a job was submitted). */
  kick(): void {
    this.#loop.kick();
  }

  /** Takes no new jobs, and resolves once the jobs in progress have ended. */
  async stop(): Promise<void> {
    await this.#loop.stop();
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** Resolves once no pass runs and no job is in progress (tests). */
  async idle(): Promise<void> {
    await this.#loop.idle();
    while (this.#inFlight.size > 0) {
      await Promise.allSettled([...this.#inFlight]);
      await this.#loop.idle();
    }
  }

  /** Claims up to the free slots and starts each job without waiting for it. */
  async #pass(): Promise<void> {
    const free = this.#concurrency - this.#inFlight.size;
    if (free <= 0) return;
    // A few more ids than slots: some may be taken by another runner between read and claim.
    const ids = await this.#deps.repo.claimable(this.#now(), free + 4);
    for (const id of ids) {
      if (this.#loop.stopped || this.#inFlight.size >= this.#concurrency) return;
      const now = this.#now();
      const job = await this.#deps.repo.claim(id, this.#owner, now, now + this.#leaseMs);
      if (!job) continue;
      const running: Promise<void> = this.#run(job).finally(() => {
        this.#inFlight.delete(running);
        this.kick();
      });
      this.#inFlight.add(running);
    }
  }

  async #run(job: SpeechJobRow): Promise<void> {
    const { repo, log } = this.#deps;
    const renew = setInterval(
      () => {
        repo
          .renew(job.jobId, this.#owner, this.#now() + this.#leaseMs)
          .catch((e: unknown) => log.error({ err: e, jobId: job.jobId }, 'lease renewal failed'));
      },
      Math.max(100, Math.floor(this.#leaseMs / 3)),
    );
    renew.unref();
    try {
      const scored = await this.#score(job);
      const reservation = reservationOf(job);
      if (scored.ok) {
        // Charge first: killed before the outcome is written, the job runs again and its second
        // settle is a no-op; written first, a kill would leave the job done and never charged.
        await this.#deps.accounts.settle(reservation, job.audioMs);
        const written = await repo.finish(
          job.jobId,
          this.#owner,
          { status: 'succeeded', result: JSON.stringify(scored.result) },
          this.#now(),
          this.#keepAudio,
        );
        log.info({ jobId: job.jobId, written, audioMs: job.audioMs }, 'speech job succeeded');
      } else {
        const error = scored.error;
        const written = await repo.finish(
          job.jobId,
          this.#owner,
          { status: 'failed', error: JSON.stringify(errorBody(error)) },
          this.#now(),
          this.#keepAudio,
        );
        // Only the runner that wrote the failure refunds: one that lost its lease may be racing
        // a runner about to succeed and charge.
        if (written) await this.#deps.accounts.refund(reservation);
        log.info({ jobId: job.jobId, written, error: error.definition.name }, 'speech job failed');
      }
    } catch (e) {
      // Storage or accounts unreachable: the outcome is not recorded, the lease lapses and the
      // job runs again later.
      log.error({ err: e, jobId: job.jobId }, 'speech job interrupted; it will run again');
    } finally {
      clearInterval(renew);
    }
  }

  /**
   * The assessment, or the catalogued error the synchronous call would have answered. Storage
   * errors reading the job propagate (the job is retried); anything the engines throw is final.
   */
  async #score(
    job: SpeechJobRow,
  ): Promise<{ ok: true; result: ScriptedResult } | { ok: false; error: VoxgateError }> {
    const { log } = this.#deps;
    if (job.attempts > MAX_JOB_ATTEMPTS) {
      log.error(
        { jobId: job.jobId, attempts: job.attempts },
        'speech job was interrupted too often; failing it',
      );
      return { ok: false, error: voxError(catalog.FailedToUseAudio) };
    }
    const pcm = await this.#deps.repo.audio(job.jobId);
    const parameters = readParameters(job.parameters);
    if (pcm === undefined || parameters === undefined) {
      log.error({ jobId: job.jobId }, 'speech job has no audio or unreadable parameters');
      return { ok: false, error: voxError(catalog.FailedToUseAudio) };
    }
    try {
      const result = await assessScripted(
        { engine: this.#deps.engine, model: this.#deps.model },
        {
          samples: pcm16ToSamples(pcm),
          sentences: parameters.sentences,
          plan: parameters.plan,
          deadlineMs: this.#engineDeadlineMs,
        },
      );
      return { ok: true, result };
    } catch (e) {
      if (isVoxgateError(e)) return { ok: false, error: e };
      log.error({ err: e, jobId: job.jobId }, 'unexpected error while scoring a speech job');
      return { ok: false, error: voxError(catalog.FailedToUseAudio) };
    }
  }
}

/**
 * The stored error: the speech API's error body without the per-request `request_id`. The
 * parameters go first so that the exception name wins: ASRInterProcessException has a parameter
 * called `error` (its detail, which the message carries too).
 */
function errorBody(error: VoxgateError): Record<string, unknown> {
  return {
    ...error.params,
    status: 'error',
    error: error.definition.name,
    message: error.message,
  };
}

function reservationOf(job: SpeechJobRow): MinuteReservation {
  return {
    id: job.reservationId,
    clientId: job.clientId,
    endUserId: job.endUserId,
    api: 'scripted',
    reservedMs: job.reservedMs,
    expiresAt: job.reservationExpiresAt,
  };
}

function readParameters(json: string): ScriptedParameters | undefined {
  try {
    const value = JSON.parse(json) as { sentences?: unknown; plan?: unknown };
    const { sentences, plan } = value;
    if (
      Array.isArray(sentences) &&
      sentences.every((s) => typeof s === 'string') &&
      (plan === 'standard' || plan === 'premium')
    )
      return { sentences: sentences as string[], plan };
  } catch {
    // unreadable: reported by the caller
  }
  return undefined;
}
