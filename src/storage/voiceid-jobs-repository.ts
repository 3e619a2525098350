import type { Kysely, Selectable } from 'kysely';
import type { Database, VoiceIdJobsTable } from './database.js';
import type { StorageDialect } from './dialect/storage-dialect.js';

export type JobRow = Selectable<VoiceIdJobsTable>;
export type JobType = JobRow['job_type'];
export type JobStatus = JobRow['status'];

export class JobClientTokenTaken extends Error {}

/** Voice ID batch jobs. Claims and completions are guarded by the status they expect. */
export class VoiceIdJobsRepository {
  readonly #db: Kysely<Database>;
  readonly #dialect: StorageDialect;

  constructor(dialect: StorageDialect) {
    this.#db = dialect.db;
    this.#dialect = dialect;
  }

  async insert(row: Omit<JobRow, 'version' | 'percent_complete'>): Promise<void> {
    try {
      await this.#db.insertInto('voiceid_jobs').values(row).execute();
    } catch (e) {
      if (this.#dialect.isUniqueViolation(e)) throw new JobClientTokenTaken();
      throw e;
    }
  }

  async get(domainId: string, type: JobType, jobId: string): Promise<JobRow | undefined> {
    const row = await this.#db
      .selectFrom('voiceid_jobs')
      .selectAll()
      .where('job_id', '=', jobId)
      .where('domain_id', '=', domainId)
      .where('job_type', '=', type)
      .executeTakeFirst();
    return row && normalise(row);
  }

  async findByClientToken(
    domainId: string,
    type: JobType,
    token: string,
  ): Promise<JobRow | undefined> {
    const row = await this.#db
      .selectFrom('voiceid_jobs')
      .selectAll()
      .where('domain_id', '=', domainId)
      .where('job_type', '=', type)
      .where('client_token', '=', token)
      .executeTakeFirst();
    return row && normalise(row);
  }

  async list(
    domainId: string,
    type: JobType,
    status: JobStatus | undefined,
    afterId: string | undefined,
    limit: number,
  ): Promise<JobRow[]> {
    let q = this.#db
      .selectFrom('voiceid_jobs')
      .selectAll()
      .where('domain_id', '=', domainId)
      .where('job_type', '=', type);
    if (status !== undefined) q = q.where('status', '=', status);
    if (afterId !== undefined) q = q.where('job_id', '>', afterId);
    return (await q.orderBy('job_id').limit(limit).execute()).map(normalise);
  }

  /** Jobs submitted or interrupted mid-run (a restart resumes them), oldest first. */
  async unfinished(limit: number): Promise<JobRow[]> {
    return (
      await this.#db
        .selectFrom('voiceid_jobs')
        .selectAll()
        .where('status', 'in', ['SUBMITTED', 'IN_PROGRESS'])
        .orderBy('created_at')
        .limit(limit)
        .execute()
    ).map(normalise);
  }

  /** SUBMITTED → IN_PROGRESS; false when another runner claimed it first. */
  async claim(jobId: string): Promise<boolean> {
    const r = await this.#db
      .updateTable('voiceid_jobs')
      .set((eb) => ({ status: 'IN_PROGRESS' as const, version: eb('version', '+', 1) }))
      .where('job_id', '=', jobId)
      .where('status', '=', 'SUBMITTED')
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async finish(
    jobId: string,
    outcome: {
      status: 'COMPLETED' | 'COMPLETED_WITH_ERRORS' | 'FAILED';
      percentComplete: number;
      failure?: { statusCode: number; message: string };
    },
  ): Promise<void> {
    await this.#db
      .updateTable('voiceid_jobs')
      .set((eb) => ({
        status: outcome.status,
        percent_complete: outcome.percentComplete,
        failure_status_code: outcome.failure?.statusCode ?? null,
        failure_message: outcome.failure?.message ?? null,
        ended_at: Date.now(),
        version: eb('version', '+', 1),
      }))
      .where('job_id', '=', jobId)
      .where('status', 'in', ['SUBMITTED', 'IN_PROGRESS'])
      .execute();
  }
}

function normalise(r: JobRow): JobRow {
  return {
    ...r,
    created_at: Number(r.created_at),
    ended_at: r.ended_at === null ? null : Number(r.ended_at),
    percent_complete: Number(r.percent_complete),
    failure_status_code: r.failure_status_code === null ? null : Number(r.failure_status_code),
    version: Number(r.version),
  };
}
