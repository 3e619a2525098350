import { catalog, voxError } from '../../errors/index.js';
import type { SpeechJobRecord, SpeechJobsStore } from '../../storage/index.js';
import type { SpeechAccounts, SpeechCaller } from '../accounts/index.js';
import type {
  ScriptedAssessment,
  ScriptedJob,
  ScriptedJobs,
  ScriptedParameters,
  SpeechFailure,
} from '../scripted/index.js';
import { samplesToPcm16 } from './pcm16.js';
import { MAX_JOB_ID_LENGTH, newSpeechJobId } from './speech-job-ids.js';

/**
 * How long the minutes of a queued job stay held if it is never settled: a job waits in the
 * queue for as long as the server is down or busy, so far longer than a synchronous request's
 * hold. A job whose hold lapsed (a day of downtime) still runs; it is simply not charged.
 */
export const DEFAULT_JOB_RESERVATION_TTL_MS = 24 * 60 * 60_000;

export interface SpeechJobsOptions {
  /** `DEFAULT_JOB_RESERVATION_TTL_MS` unless given. */
  readonly reservationTtlMs?: number;
  /** The clock (epoch ms). */
  readonly now?: () => number;
}

/** Audio milliseconds of 16 kHz samples, rounded up: what a job holds and, on success, charges. */
export function audioMsOf(samples: Float32Array): number {
  // samples / 16 is exact in floating point; (samples / 16000) * 1000 is not.
  return Math.ceil(samples.length / 16);
}

/**
 * Durable async scoring (`mode=async`): `submit` holds the audio's minutes, stores the job, its
 * request and its audio (16-bit PCM) in one transaction, and wakes the runner; the job is durable
 * before the caller can answer 202. `get` shows a job to the client that submitted it — and,
 * for a token bound to an end user, only that end user's jobs; anyone else gets
 * SpeechJobNotFound, as for an id that does not exist.
 *
 * ### Examples
 * ```ts
 * const jobs = new SpeechJobs(new SpeechJobsRepository(runtime.storage), runtime.speechAccounts, () => runner.kick());
 * const job = await jobs.submit(caller, { sentences: ['We call it bear'], plan: 'standard' }, samples);
 * // later, with the same client's token:
 * const view = await jobs.get(caller, job.jobId); // view.status: queued | running | succeeded | failed
 * ```
 */
export class SpeechJobs implements ScriptedJobs {
  readonly #repo: SpeechJobsStore;
  readonly #accounts: SpeechAccounts;
  readonly #kick: () => void;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(
    repo: SpeechJobsStore,
    accounts: SpeechAccounts,
    kick: () => void,
    options: SpeechJobsOptions = {},
  ) {
    this.#repo = repo;
    this.#accounts = accounts;
    this.#kick = kick;
    this.#ttlMs = options.reservationTtlMs ?? DEFAULT_JOB_RESERVATION_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Throws the accounts' catalogued errors (ClientHasNoMoreMinutes, …) before storing anything. */
  async submit(
    caller: SpeechCaller,
    parameters: ScriptedParameters,
    samples: Float32Array,
  ): Promise<ScriptedJob> {
    const audioMs = audioMsOf(samples);
    const pcm = samplesToPcm16(samples);
    const reservation = await this.#accounts.reserve(caller, 'scripted', Math.max(1, audioMs), {
      ttlMs: this.#ttlMs,
    });
    const now = this.#now();
    const job: SpeechJobRecord = {
      jobId: newSpeechJobId(),
      clientId: caller.clientId,
      endUserId: caller.endUserId,
      status: 'queued',
      parameters: { sentences: parameters.sentences, plan: parameters.plan },
      audioMs,
      reservationId: reservation.id,
      reservedMs: reservation.reservedMs,
      reservationExpiresAt: reservation.expiresAt,
      result: null,
      failure: null,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.#repo.insert(job, pcm);
    } catch (e) {
      await this.#accounts.refund(reservation).catch(() => undefined);
      throw e;
    }
    // From here the job owns the hold: it outlives this process and whoever runs the job settles
    // it. A crash between the insert and this line releases the hold at restart; the job then
    // runs uncharged (never charged twice, never over the balance).
    await this.#accounts.adopt(reservation);
    this.#kick();
    return jobView(job);
  }

  async get(caller: SpeechCaller, jobId: string): Promise<ScriptedJob> {
    const job = jobId.length <= MAX_JOB_ID_LENGTH ? await this.#repo.get(jobId) : undefined;
    if (
      !job ||
      job.clientId !== caller.clientId ||
      (caller.endUserId !== null && job.endUserId !== caller.endUserId)
    )
      throw voxError(catalog.SpeechJobNotFound, { job_id: jobId.slice(0, 100) });
    return jobView(job);
  }
}

/** A stored job as its owner sees it. */
export function jobView(job: SpeechJobRecord): ScriptedJob {
  return {
    jobId: job.jobId,
    status: job.status,
    createdAt: new Date(job.createdAt),
    updatedAt: new Date(job.updatedAt),
    audioSeconds: job.audioMs / 1000,
    ...(job.status === 'succeeded' &&
      job.result !== null && { result: job.result as ScriptedAssessment }),
    ...(job.status === 'failed' &&
      job.failure !== null && { failure: job.failure as SpeechFailure }),
  };
}
