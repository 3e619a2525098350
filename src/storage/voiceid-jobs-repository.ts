import type { Kysely, Selectable } from 'kysely';
import type { Database, VoiceIdJobsTable } from './database.js';
import type { StorageDialect } from './dialect/storage-dialect.js';
import { completeWithin, enqueueWithin } from './job-queue-repository.js';

/** The queue kind of Voice ID batch jobs (speaker enrollment and fraudster registration). */
export const VOICEID_BATCH_JOB_KIND = 'voiceid.batch';
const MAX_BATCH_JOB_ATTEMPTS = 3;

export type JobType = 'SPEAKER_ENROLLMENT' | 'FRAUDSTER_REGISTRATION';
export type JobStatus =
  'SUBMITTED' | 'IN_PROGRESS' | 'COMPLETED' | 'COMPLETED_WITH_ERRORS' | 'FAILED';
export type JobEndStatus = Extract<JobStatus, 'COMPLETED' | 'COMPLETED_WITH_ERRORS' | 'FAILED'>;

/** A batch job as the Voice ID domain keeps it. */
export interface VoiceIdJobRecord {
  readonly jobId: string;
  readonly domainId: string;
  readonly type: JobType;
  /** What the job was started with: the domain's document, stored as JSON. */
  readonly spec: object;
  readonly status: JobStatus;
  readonly clientToken: string | null;
  /** Hash of the start request without its ClientToken: a repeated token must repeat it. */
  readonly fingerprint: string;
  readonly percentComplete: number;
  readonly failure: { readonly statusCode: number; readonly message: string } | null;
  readonly createdAt: number;
  readonly endedAt: number | null;
}

export interface JobOutcome {
  readonly status: JobEndStatus;
  readonly percentComplete: number;
  readonly failure?: { readonly statusCode: number; readonly message: string };
}

/** What the Voice ID jobs domain needs from storage. */
export interface VoiceIdJobsStore {
  /** The job and its queue entry, together; `JobClientTokenTaken` when the token is used. */
  insert(job: Omit<VoiceIdJobRecord, 'percentComplete' | 'failure' | 'endedAt'>): Promise<void>;
  /**
   * {@link insert}, unless the domain has a job of this type SUBMITTED or IN_PROGRESS ('active':
   * nothing is recorded). Starts in one domain are serialized (a row lock on the domain in
   * PostgreSQL; SQLite has one writer), so two concurrent starts cannot both pass.
   */
  insertUnlessActive(
    job: Omit<VoiceIdJobRecord, 'percentComplete' | 'failure' | 'endedAt'>,
  ): Promise<'inserted' | 'active'>;
  get(domainId: string, type: JobType, jobId: string): Promise<VoiceIdJobRecord | undefined>;
  /** By id alone, for the runner. */
  byId(jobId: string): Promise<VoiceIdJobRecord | undefined>;
  findByClientToken(
    domainId: string,
    type: JobType,
    token: string,
  ): Promise<VoiceIdJobRecord | undefined>;
  list(
    domainId: string,
    type: JobType,
    status: JobStatus | undefined,
    afterId: string | undefined,
    limit: number,
  ): Promise<VoiceIdJobRecord[]>;
  /** SUBMITTED → IN_PROGRESS (the runner took it). */
  markInProgress(jobId: string): Promise<void>;
  setProgress(jobId: string, percent: number): Promise<void>;
  /** The outcome, with the end of the queue entry under `owner`'s lease; false if lost. */
  finish(jobId: string, owner: string, outcome: JobOutcome, now: number): Promise<boolean>;
}

export class JobClientTokenTaken extends Error {}

/** Voice ID batch jobs; their execution is the job queue's (`job_queue`, kind voiceid.batch). */
export class VoiceIdJobsRepository implements VoiceIdJobsStore {
  readonly #db: Kysely<Database>;
  readonly #dialect: StorageDialect;

  constructor(dialect: StorageDialect) {
    this.#db = dialect.db;
    this.#dialect = dialect;
  }

  async insert(job: Omit<VoiceIdJobRecord, 'percentComplete' | 'failure' | 'endedAt'>) {
    await this.#insert(job, false);
  }

  async insertUnlessActive(
    job: Omit<VoiceIdJobRecord, 'percentComplete' | 'failure' | 'endedAt'>,
  ): Promise<'inserted' | 'active'> {
    return this.#insert(job, true);
  }

  async #insert(
    job: Omit<VoiceIdJobRecord, 'percentComplete' | 'failure' | 'endedAt'>,
    unlessActive: boolean,
  ): Promise<'inserted' | 'active'> {
    try {
      return await this.#db.transaction().execute(async (trx) => {
        if (unlessActive) {
          if (this.#dialect.capabilities.supportsRowLocks)
            await trx
              .selectFrom('voiceid_domains')
              .select('domain_id')
              .where('domain_id', '=', job.domainId)
              .forUpdate()
              .executeTakeFirst();
          const active = await trx
            .selectFrom('voiceid_jobs')
            .select('job_id')
            .where('domain_id', '=', job.domainId)
            .where('job_type', '=', job.type)
            .where('status', 'in', ['SUBMITTED', 'IN_PROGRESS'])
            .limit(1)
            .executeTakeFirst();
          if (active) return 'active' as const;
        }
        await trx
          .insertInto('voiceid_jobs')
          .values({
            job_id: job.jobId,
            domain_id: job.domainId,
            job_type: job.type,
            spec: JSON.stringify(job.spec),
            status: job.status,
            client_token: job.clientToken,
            request_fingerprint: job.fingerprint,
            failure_status_code: null,
            failure_message: null,
            created_at: job.createdAt,
            ended_at: null,
          })
          .execute();
        await enqueueWithin(trx, {
          jobId: job.jobId,
          kind: VOICEID_BATCH_JOB_KIND,
          maxAttempts: MAX_BATCH_JOB_ATTEMPTS,
          now: job.createdAt,
        });
        return 'inserted' as const;
      });
    } catch (e) {
      if (this.#dialect.isUniqueViolation(e)) throw new JobClientTokenTaken();
      throw e;
    }
  }

  async get(domainId: string, type: JobType, jobId: string) {
    const row = await this.#db
      .selectFrom('voiceid_jobs')
      .selectAll()
      .where('job_id', '=', jobId)
      .where('domain_id', '=', domainId)
      .where('job_type', '=', type)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async byId(jobId: string) {
    const row = await this.#db
      .selectFrom('voiceid_jobs')
      .selectAll()
      .where('job_id', '=', jobId)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async findByClientToken(domainId: string, type: JobType, token: string) {
    const row = await this.#db
      .selectFrom('voiceid_jobs')
      .selectAll()
      .where('domain_id', '=', domainId)
      .where('job_type', '=', type)
      .where('client_token', '=', token)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async list(
    domainId: string,
    type: JobType,
    status: JobStatus | undefined,
    afterId: string | undefined,
    limit: number,
  ) {
    let q = this.#db
      .selectFrom('voiceid_jobs')
      .selectAll()
      .where('domain_id', '=', domainId)
      .where('job_type', '=', type);
    if (status !== undefined) q = q.where('status', '=', status);
    if (afterId !== undefined) q = q.where('job_id', '>', afterId);
    return (await q.orderBy('job_id').limit(limit).execute()).map(toRecord);
  }

  async markInProgress(jobId: string): Promise<void> {
    await this.#db
      .updateTable('voiceid_jobs')
      .set((eb) => ({ status: 'IN_PROGRESS' as const, version: eb('version', '+', 1) }))
      .where('job_id', '=', jobId)
      .where('status', '=', 'SUBMITTED')
      .execute();
  }

  async setProgress(jobId: string, percent: number): Promise<void> {
    await this.#db
      .updateTable('voiceid_jobs')
      .set({ percent_complete: percent })
      .where('job_id', '=', jobId)
      .where('status', 'in', ['SUBMITTED', 'IN_PROGRESS'])
      .execute();
  }

  async finish(jobId: string, owner: string, outcome: JobOutcome, now: number): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      if (!(await completeWithin(trx, jobId, owner, now))) return false;
      await trx
        .updateTable('voiceid_jobs')
        .set((eb) => ({
          status: outcome.status,
          percent_complete: outcome.percentComplete,
          failure_status_code: outcome.failure?.statusCode ?? null,
          failure_message: outcome.failure?.message ?? null,
          ended_at: now,
          version: eb('version', '+', 1),
        }))
        .where('job_id', '=', jobId)
        .where('status', 'in', ['SUBMITTED', 'IN_PROGRESS'])
        .execute();
      return true;
    });
  }
}

function toRecord(r: Selectable<VoiceIdJobsTable>): VoiceIdJobRecord {
  return {
    jobId: r.job_id,
    domainId: r.domain_id,
    type: r.job_type,
    spec: JSON.parse(r.spec) as object,
    status: r.status,
    clientToken: r.client_token,
    fingerprint: r.request_fingerprint,
    percentComplete: Number(r.percent_complete),
    failure:
      r.failure_status_code === null
        ? null
        : { statusCode: Number(r.failure_status_code), message: r.failure_message ?? '' },
    createdAt: Number(r.created_at),
    endedAt: r.ended_at === null ? null : Number(r.ended_at),
  };
}
