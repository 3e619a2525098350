import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import type { StorageDialect } from './dialect/storage-dialect.js';
import { completeWithin, enqueueWithin } from './job-queue-repository.js';

/** The queue kind of async scoring jobs. */
export const SPEECH_JOB_KIND = 'speech.scripted';
/** Claims of one job before it is failed instead of run again (a job that keeps killing its runner). */
export const MAX_SPEECH_JOB_ATTEMPTS = 3;

/** Table types of migration 0007; only this repository reads them (see `withTables`). */
interface SpeechJobsTable {
  readonly job_id: string;
  readonly client_id: string;
  readonly end_user_id: string | null;
  readonly status: SpeechJobStatus;
  readonly parameters: string;
  readonly audio_ms: number;
  readonly reservation_id: string;
  readonly reserved_ms: number;
  readonly reservation_expires_at: number;
  readonly result: string | null;
  readonly error: string | null;
  readonly created_at: number;
  readonly updated_at: number;
  readonly version: number;
}

interface SpeechJobAudioTable {
  readonly job_id: string;
  readonly pcm: Uint8Array;
}

type SpeechJobTables = {
  readonly speech_jobs: SpeechJobsTable;
  readonly speech_job_audio: SpeechJobAudioTable;
};

export type SpeechJobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/**
 * A job as the speech domain reads it (the audio is read separately, by `audio`). Its
 * parameters, result and failure are the domain's documents, stored as JSON.
 */
export interface SpeechJobRecord {
  readonly jobId: string;
  readonly clientId: string;
  readonly endUserId: string | null;
  readonly status: SpeechJobStatus;
  /** The checked request. */
  readonly parameters: object;
  readonly audioMs: number;
  readonly reservationId: string;
  readonly reservedMs: number;
  readonly reservationExpiresAt: number;
  /** When succeeded. */
  readonly result: object | null;
  /** When failed: the error it failed with. */
  readonly failure: object | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type NewSpeechJob = Omit<SpeechJobRecord, 'status' | 'result' | 'failure' | 'updatedAt'>;

export type SpeechJobOutcome =
  | { readonly status: 'succeeded'; readonly result: object }
  | { readonly status: 'failed'; readonly failure: object };

/** What the speech jobs domain needs from storage. */
export interface SpeechJobsStore {
  /** The job, its audio and its queue entry together: durable once this resolves. */
  insert(job: NewSpeechJob, pcm: Uint8Array): Promise<void>;
  /** Shown as running from its first claim on (until it ends). */
  markRunning(jobId: string, now: number): Promise<void>;
  /** Jobs and their audio (finished jobs past their retention). */
  delete(jobIds: readonly string[]): Promise<void>;
  get(jobId: string): Promise<SpeechJobRecord | undefined>;
  /** 16-bit PCM, or undefined once deleted. */
  audio(jobId: string): Promise<Uint8Array | undefined>;
  /**
   * Records the outcome and ends the job's queue entry if `owner` still holds it, and (unless
   * `keepAudio`) deletes its audio, together. False when the lease was lost: nothing is written.
   */
  finish(
    jobId: string,
    owner: string,
    outcome: SpeechJobOutcome,
    now: number,
    keepAudio: boolean,
  ): Promise<boolean>;
}

/**
 * Async scoring jobs and their audio. Their execution (claims, leases, attempts) is the job
 * queue's (`job_queue`): a job and its queue entry are inserted in one transaction, and its
 * outcome is written in the transaction that ends the entry under the runner's lease, so a
 * runner that lost its lease can never overwrite the job's outcome.
 */
export class SpeechJobsRepository implements SpeechJobsStore {
  readonly #db: Kysely<Database & SpeechJobTables>;

  constructor(dialect: StorageDialect) {
    this.#db = dialect.db.withTables<SpeechJobTables>();
  }

  async insert(job: NewSpeechJob, pcm: Uint8Array): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .insertInto('speech_jobs')
        .values({
          job_id: job.jobId,
          client_id: job.clientId,
          end_user_id: job.endUserId,
          status: 'queued',
          parameters: JSON.stringify(job.parameters),
          audio_ms: job.audioMs,
          reservation_id: job.reservationId,
          reserved_ms: job.reservedMs,
          reservation_expires_at: job.reservationExpiresAt,
          result: null,
          error: null,
          created_at: job.createdAt,
          updated_at: job.createdAt,
          version: 1,
        })
        .execute();
      await trx.insertInto('speech_job_audio').values({ job_id: job.jobId, pcm }).execute();
      await enqueueWithin(trx, {
        jobId: job.jobId,
        kind: SPEECH_JOB_KIND,
        maxAttempts: MAX_SPEECH_JOB_ATTEMPTS,
        now: job.createdAt,
      });
    });
  }

  async markRunning(jobId: string, now: number): Promise<void> {
    await this.#db
      .updateTable('speech_jobs')
      .set({ status: 'running', updated_at: now })
      .where('job_id', '=', jobId)
      .where('status', '=', 'queued')
      .execute();
  }

  async delete(jobIds: readonly string[]): Promise<void> {
    if (jobIds.length === 0) return;
    await this.#db
      .deleteFrom('speech_jobs')
      .where('job_id', 'in', [...jobIds])
      .execute();
  }

  async get(jobId: string): Promise<SpeechJobRecord | undefined> {
    const row = await this.#db
      .selectFrom('speech_jobs')
      .selectAll()
      .where('job_id', '=', jobId)
      .executeTakeFirst();
    return row && toJob(row);
  }

  async audio(jobId: string): Promise<Uint8Array | undefined> {
    const row = await this.#db
      .selectFrom('speech_job_audio')
      .select('pcm')
      .where('job_id', '=', jobId)
      .executeTakeFirst();
    return row?.pcm;
  }

  async finish(
    jobId: string,
    owner: string,
    outcome: SpeechJobOutcome,
    now: number,
    keepAudio: boolean,
  ): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      if (!(await completeWithin(trx, jobId, owner, now))) return false;
      await trx
        .updateTable('speech_jobs')
        .set((eb) => ({
          status: outcome.status,
          result: outcome.status === 'succeeded' ? JSON.stringify(outcome.result) : null,
          error: outcome.status === 'failed' ? JSON.stringify(outcome.failure) : null,
          updated_at: now,
          version: eb('version', '+', 1),
        }))
        .where('job_id', '=', jobId)
        .execute();
      if (!keepAudio)
        await trx.deleteFrom('speech_job_audio').where('job_id', '=', jobId).execute();
      return true;
    });
  }
}

function toJob(r: SpeechJobsTable): SpeechJobRecord {
  return {
    jobId: r.job_id,
    clientId: r.client_id,
    endUserId: r.end_user_id,
    status: r.status,
    parameters: JSON.parse(r.parameters) as object,
    audioMs: Number(r.audio_ms),
    reservationId: r.reservation_id,
    reservedMs: Number(r.reserved_ms),
    reservationExpiresAt: Number(r.reservation_expires_at),
    result: r.result === null ? null : (JSON.parse(r.result) as object),
    failure: r.error === null ? null : (JSON.parse(r.error) as object),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
