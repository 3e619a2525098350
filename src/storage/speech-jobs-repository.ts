import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import type { StorageDialect } from './dialect/storage-dialect.js';

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
  readonly attempts: number;
  readonly lease_owner: string | null;
  readonly lease_expires_at: number | null;
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

/** A job as the speech domain reads it (the audio is read separately, by `audio`). */
export interface SpeechJobRow {
  readonly jobId: string;
  readonly clientId: string;
  readonly endUserId: string | null;
  readonly status: SpeechJobStatus;
  /** The checked request, JSON (the domain's to read). */
  readonly parameters: string;
  readonly audioMs: number;
  readonly reservationId: string;
  readonly reservedMs: number;
  readonly reservationExpiresAt: number;
  readonly attempts: number;
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: number | null;
  /** JSON, when succeeded. */
  readonly result: string | null;
  /** JSON, when failed. */
  readonly error: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type NewSpeechJob = Omit<
  SpeechJobRow,
  'status' | 'attempts' | 'leaseOwner' | 'leaseExpiresAt' | 'result' | 'error' | 'updatedAt'
>;

export type SpeechJobOutcome =
  | { readonly status: 'succeeded'; readonly result: string }
  | { readonly status: 'failed'; readonly error: string };

/**
 * Async scoring jobs and their audio.
 *
 * A runner takes a job with one conditional UPDATE — queued, or running under a lease that has
 * expired (its runner crashed or was killed) — that sets itself as the lease owner. PostgreSQL
 * re-checks that WHERE against the latest committed row after waiting for a competing UPDATE's
 * lock (READ COMMITTED) and SQLite has one writer at a time, so exactly one runner wins on both,
 * with no dialect-specific SQL. Renewals and the final write are guarded by the lease owner, so
 * a runner that lost its lease can never overwrite the job's outcome.
 */
export class SpeechJobsRepository {
  readonly #db: Kysely<Database & SpeechJobTables>;

  constructor(dialect: StorageDialect) {
    this.#db = dialect.db.withTables<SpeechJobTables>();
  }

  /** The job and its audio in one transaction: both are durable once this resolves. */
  async insert(job: NewSpeechJob, pcm: Uint8Array): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .insertInto('speech_jobs')
        .values({
          job_id: job.jobId,
          client_id: job.clientId,
          end_user_id: job.endUserId,
          status: 'queued',
          parameters: job.parameters,
          audio_ms: job.audioMs,
          reservation_id: job.reservationId,
          reserved_ms: job.reservedMs,
          reservation_expires_at: job.reservationExpiresAt,
          attempts: 0,
          lease_owner: null,
          lease_expires_at: null,
          result: null,
          error: null,
          created_at: job.createdAt,
          updated_at: job.createdAt,
          version: 1,
        })
        .execute();
      await trx.insertInto('speech_job_audio').values({ job_id: job.jobId, pcm }).execute();
    });
  }

  async get(jobId: string): Promise<SpeechJobRow | undefined> {
    const row = await this.#db
      .selectFrom('speech_jobs')
      .selectAll()
      .where('job_id', '=', jobId)
      .executeTakeFirst();
    return row && toJob(row);
  }

  /** Ids of jobs a runner may take at `now`, oldest first: queued, or running with a lapsed lease. */
  async claimable(now: number, limit: number): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('speech_jobs')
      .select('job_id')
      .where((eb) =>
        eb.or([
          eb('status', '=', 'queued'),
          eb.and([eb('status', '=', 'running'), eb('lease_expires_at', '<', now)]),
        ]),
      )
      .orderBy('created_at')
      .orderBy('job_id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.job_id);
  }

  /**
   * Takes the job for `owner` until `leaseUntil` and counts the attempt; undefined when it is no
   * longer claimable (another runner took it, or it ended).
   */
  async claim(
    jobId: string,
    owner: string,
    now: number,
    leaseUntil: number,
  ): Promise<SpeechJobRow | undefined> {
    const r = await this.#db
      .updateTable('speech_jobs')
      .set((eb) => ({
        status: 'running' as const,
        lease_owner: owner,
        lease_expires_at: leaseUntil,
        attempts: eb('attempts', '+', 1),
        updated_at: now,
        version: eb('version', '+', 1),
      }))
      .where('job_id', '=', jobId)
      .where((eb) =>
        eb.or([
          eb('status', '=', 'queued'),
          eb.and([eb('status', '=', 'running'), eb('lease_expires_at', '<', now)]),
        ]),
      )
      .executeTakeFirst();
    if (r.numUpdatedRows === 0n) return undefined;
    const job = await this.get(jobId);
    return job?.leaseOwner === owner && job.status === 'running' ? job : undefined;
  }

  /** Extends the lease; false when `owner` no longer holds the job. */
  async renew(jobId: string, owner: string, leaseUntil: number): Promise<boolean> {
    const r = await this.#db
      .updateTable('speech_jobs')
      .set({ lease_expires_at: leaseUntil })
      .where('job_id', '=', jobId)
      .where('status', '=', 'running')
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  /** 16-bit PCM, or undefined once deleted. */
  async audio(jobId: string): Promise<Uint8Array | undefined> {
    const row = await this.#db
      .selectFrom('speech_job_audio')
      .select('pcm')
      .where('job_id', '=', jobId)
      .executeTakeFirst();
    return row?.pcm;
  }

  /**
   * Records the outcome if `owner` still holds the job, and (unless `keepAudio`) deletes its
   * audio in the same transaction. False when the lease was lost: the outcome is not written.
   */
  async finish(
    jobId: string,
    owner: string,
    outcome: SpeechJobOutcome,
    now: number,
    keepAudio: boolean,
  ): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('speech_jobs')
        .set((eb) => ({
          status: outcome.status,
          result: outcome.status === 'succeeded' ? outcome.result : null,
          error: outcome.status === 'failed' ? outcome.error : null,
          lease_owner: null,
          lease_expires_at: null,
          updated_at: now,
          version: eb('version', '+', 1),
        }))
        .where('job_id', '=', jobId)
        .where('status', '=', 'running')
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      if (r.numUpdatedRows === 0n) return false;
      if (!keepAudio)
        await trx.deleteFrom('speech_job_audio').where('job_id', '=', jobId).execute();
      return true;
    });
  }
}

function toJob(r: SpeechJobsTable): SpeechJobRow {
  return {
    jobId: r.job_id,
    clientId: r.client_id,
    endUserId: r.end_user_id,
    status: r.status,
    parameters: r.parameters,
    audioMs: Number(r.audio_ms),
    reservationId: r.reservation_id,
    reservedMs: Number(r.reserved_ms),
    reservationExpiresAt: Number(r.reservation_expires_at),
    attempts: Number(r.attempts),
    leaseOwner: r.lease_owner,
    leaseExpiresAt: r.lease_expires_at === null ? null : Number(r.lease_expires_at),
    result: r.result,
    error: r.error,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
