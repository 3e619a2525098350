import { catalog, isVoxgateError, voxError, type VoxgateError } from '../../errors/index.js';
import type { JobContext, JobHandler } from '../../jobs/index.js';
import type { QueueEntry, SpeechJobRecord, SpeechJobsStore } from '../../storage/index.js';
import type { MinuteReservation, SpeechAccounts } from '../accounts/index.js';
import {
  assessScripted,
  type ScriptedAssessment,
  type ScriptedAssessmentDeps,
  type ScriptedParameters,
  type SpeechFailure,
} from '../scripted/index.js';
import { pcm16ToSamples } from './pcm16.js';

interface Logger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SpeechJobHandlerDeps {
  readonly repo: SpeechJobsStore;
  readonly accounts: SpeechAccounts;
  readonly scripted: ScriptedAssessmentDeps;
  readonly log: Logger;
}

export interface SpeechJobHandlerOptions {
  /** Per engine call, as in sync mode. */
  readonly engineDeadlineMs: number;
  /** Keep a finished job's audio (default: delete it when the job ends). */
  readonly keepAudio?: boolean;
  readonly now?: () => number;
}

/**
 * Runs one async scoring job for the job queue (kind `speech.scripted`): scores the stored
 * audio, then charges the audio's minutes and records the result — or records the catalogued
 * error and refunds. The outcome is written with the end of the queue entry, under the lease.
 *
 * Crash windows, all safe: killed before the outcome is written, the job runs again (settling
 * twice is a no-op in the accounts, so minutes are charged once); killed between a failure's
 * write and its refund, the hold lapses with its TTL, uncharged.
 *
 * ### Examples
 * ```ts
 * queue.register(SPEECH_JOB_KIND, new SpeechJobHandler({ repo, accounts, scripted, log }, { engineDeadlineMs: 30_000 }), { concurrency: 2 });
 * ```
 */
export class SpeechJobHandler implements JobHandler {
  readonly #deps: SpeechJobHandlerDeps;
  readonly #engineDeadlineMs: number;
  readonly #keepAudio: boolean;
  readonly #now: () => number;

  constructor(deps: SpeechJobHandlerDeps, options: SpeechJobHandlerOptions) {
    this.#deps = deps;
    this.#engineDeadlineMs = options.engineDeadlineMs;
    this.#keepAudio = options.keepAudio ?? false;
    this.#now = options.now ?? Date.now;
  }

  async run(entry: QueueEntry, ctx: JobContext): Promise<void> {
    const { repo, log } = this.#deps;
    const job = await repo.get(entry.jobId);
    if (!job) {
      log.error({ jobId: entry.jobId }, 'queued speech job has no job row');
      return;
    }
    await repo.markRunning(job.jobId, this.#now());
    const scored = await this.#score(job);
    const reservation = reservationOf(job);
    if (scored.ok) {
      // Charge first: killed before the outcome is written, the job runs again and its second
      // settle is a no-op; written first, a kill would leave the job done and never charged.
      await this.#deps.accounts.settle(reservation, job.audioMs);
      const written = await repo.finish(
        job.jobId,
        ctx.owner,
        { status: 'succeeded', result: scored.result },
        this.#now(),
        this.#keepAudio,
      );
      log.info({ jobId: job.jobId, written, audioMs: job.audioMs }, 'speech job succeeded');
    } else {
      await this.#fail(job, ctx, scored.error);
    }
  }

  /** Claimed too often (the job keeps killing its runner): failed and refunded. */
  async giveUp(entry: QueueEntry, ctx: JobContext): Promise<void> {
    const job = await this.#deps.repo.get(entry.jobId);
    if (job) await this.#fail(job, ctx, voxError(catalog.FailedToUseAudio));
  }

  async #fail(job: SpeechJobRecord, ctx: JobContext, error: VoxgateError): Promise<void> {
    const written = await this.#deps.repo.finish(
      job.jobId,
      ctx.owner,
      { status: 'failed', failure: failureOf(error) },
      this.#now(),
      this.#keepAudio,
    );
    // Only the runner that wrote the failure refunds: one that lost its lease may be racing
    // a runner about to succeed and charge.
    if (written) await this.#deps.accounts.refund(reservationOf(job));
    this.#deps.log.info(
      { jobId: job.jobId, written, error: error.definition.name },
      'speech job failed',
    );
  }

  /**
   * The assessment, or the catalogued error the synchronous call would have answered. Storage
   * errors reading the job propagate (the job is retried); anything the engines throw is final.
   */
  async #score(
    job: SpeechJobRecord,
  ): Promise<{ ok: true; result: ScriptedAssessment } | { ok: false; error: VoxgateError }> {
    const { log } = this.#deps;
    const pcm = await this.#deps.repo.audio(job.jobId);
    const parameters = readParameters(job.parameters);
    if (pcm === undefined || parameters === undefined) {
      log.error({ jobId: job.jobId }, 'speech job has no audio or unreadable parameters');
      return { ok: false, error: voxError(catalog.FailedToUseAudio) };
    }
    try {
      const result = await assessScripted(this.#deps.scripted, {
        samples: pcm16ToSamples(pcm),
        sentences: parameters.sentences,
        plan: parameters.plan,
        deadlineMs: this.#engineDeadlineMs,
      });
      return { ok: true, result };
    } catch (e) {
      if (isVoxgateError(e)) return { ok: false, error: e };
      log.error({ err: e, jobId: job.jobId }, 'unexpected error while scoring a speech job');
      return { ok: false, error: voxError(catalog.FailedToUseAudio) };
    }
  }
}

/** The stored error: what the speech API renders as the job's error body. */
function failureOf(error: VoxgateError): SpeechFailure {
  return { name: error.definition.name, message: error.message, params: error.params };
}

function reservationOf(job: SpeechJobRecord): MinuteReservation {
  return {
    id: job.reservationId,
    clientId: job.clientId,
    endUserId: job.endUserId,
    api: 'scripted',
    reservedMs: job.reservedMs,
    expiresAt: job.reservationExpiresAt,
  };
}

/** The stored parameters, if they still read as the domain's (undefined: reported by the caller). */
function readParameters(stored: object): ScriptedParameters | undefined {
  const { sentences, plan } = stored as { sentences?: unknown; plan?: unknown };
  if (
    Array.isArray(sentences) &&
    sentences.every((s) => typeof s === 'string') &&
    (plan === 'standard' || plan === 'premium')
  )
    return { sentences: sentences as string[], plan };
  return undefined;
}
