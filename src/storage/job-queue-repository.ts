import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database.js';
import type { StorageDialect } from './dialect/storage-dialect.js';

/** Table of migration 0010: the execution state of every durable job, whatever its kind. */
interface JobQueueTable {
  readonly job_id: string;
  readonly kind: string;
  readonly state: QueueState;
  readonly attempts: number;
  readonly max_attempts: number;
  readonly lease_owner: string | null;
  readonly lease_expires_at: number | null;
  readonly progress: number | null;
  readonly created_at: number;
  readonly updated_at: number;
  readonly finished_at: number | null;
}

type QueueTables = { readonly job_queue: JobQueueTable };
type Db = Kysely<Database & QueueTables>;
/** A transaction of any repository (they all share the database). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- helpers below run in other repositories' transactions
type AnyTrx = Transaction<any>;

export type QueueState = 'queued' | 'running' | 'done';

/** One job as the queue sees it: what it is, who runs it, how far it got. */
export interface QueueEntry {
  readonly jobId: string;
  readonly kind: string;
  readonly state: QueueState;
  /** Claims so far, this one included. */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: number | null;
  /** 0–100, as the job last reported it. */
  readonly progress: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly finishedAt: number | null;
}

export interface NewQueueEntry {
  readonly jobId: string;
  readonly kind: string;
  readonly maxAttempts: number;
  readonly now: number;
}

/** What the job queue (`jobs/`) needs from storage. */
export interface JobQueueStore {
  /** Ids a runner may take at `now`, oldest first: queued, or running with a lapsed lease. */
  claimable(kind: string, now: number, limit: number): Promise<string[]>;
  /** Takes the job for `owner` until `leaseUntil`, counting the attempt; undefined if taken. */
  claim(
    jobId: string,
    owner: string,
    now: number,
    leaseUntil: number,
  ): Promise<QueueEntry | undefined>;
  /** Extends the leases `owner` still holds; returns the ids it holds. */
  renew(jobIds: readonly string[], owner: string, leaseUntil: number): Promise<string[]>;
  /** Records progress if `owner` holds the job; false when it lost the lease. */
  progress(jobId: string, owner: string, percent: number, now: number): Promise<boolean>;
  /** Ends the job if `owner` holds it (for kinds whose outcome is not written elsewhere). */
  complete(jobId: string, owner: string, now: number): Promise<boolean>;
  get(jobId: string): Promise<QueueEntry | undefined>;
  /** Leases held by server instances that are no longer registered lapse at once. */
  releaseOrphanedLeases(now: number): Promise<number>;
  /** Deletes entries of `kind` done before `before`; returns their ids. */
  purgeDone(kind: string, before: number, limit: number): Promise<string[]>;
}

/**
 * The queue's rows. A claim is one conditional UPDATE (queued, or running under a lapsed lease);
 * PostgreSQL re-checks its WHERE against the latest committed row after waiting for a competing
 * UPDATE's lock (READ COMMITTED) and SQLite has one writer at a time, so exactly one runner wins
 * on both. Renewals, progress and completion are guarded by the lease owner: a runner that lost
 * its lease changes nothing.
 */
export class JobQueueRepository implements JobQueueStore {
  readonly #db: Db;

  constructor(dialect: StorageDialect) {
    this.#db = dialect.db.withTables<QueueTables>();
  }

  async claimable(kind: string, now: number, limit: number): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('job_queue')
      .select('job_id')
      .where('kind', '=', kind)
      .where((eb) =>
        eb.or([
          eb('state', '=', 'queued'),
          eb.and([eb('state', '=', 'running'), eb('lease_expires_at', '<', now)]),
        ]),
      )
      .orderBy('created_at')
      .orderBy('job_id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.job_id);
  }

  async claim(
    jobId: string,
    owner: string,
    now: number,
    leaseUntil: number,
  ): Promise<QueueEntry | undefined> {
    const row = await this.#db
      .updateTable('job_queue')
      .set((eb) => ({
        state: 'running' as const,
        lease_owner: owner,
        lease_expires_at: leaseUntil,
        attempts: eb('attempts', '+', 1),
        updated_at: now,
      }))
      .where('job_id', '=', jobId)
      .where((eb) =>
        eb.or([
          eb('state', '=', 'queued'),
          eb.and([eb('state', '=', 'running'), eb('lease_expires_at', '<', now)]),
        ]),
      )
      .returningAll()
      .executeTakeFirst();
    return row && toEntry(row);
  }

  async renew(jobIds: readonly string[], owner: string, leaseUntil: number): Promise<string[]> {
    if (jobIds.length === 0) return [];
    const rows = await this.#db
      .updateTable('job_queue')
      .set({ lease_expires_at: leaseUntil })
      .where('job_id', 'in', [...jobIds])
      .where('state', '=', 'running')
      .where('lease_owner', '=', owner)
      .returning('job_id')
      .execute();
    return rows.map((r) => r.job_id);
  }

  async progress(jobId: string, owner: string, percent: number, now: number): Promise<boolean> {
    const r = await this.#db
      .updateTable('job_queue')
      .set({ progress: percent, updated_at: now })
      .where('job_id', '=', jobId)
      .where('state', '=', 'running')
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async complete(jobId: string, owner: string, now: number): Promise<boolean> {
    return completeWithin(this.#db, jobId, owner, now);
  }

  async get(jobId: string): Promise<QueueEntry | undefined> {
    const row = await this.#db
      .selectFrom('job_queue')
      .selectAll()
      .where('job_id', '=', jobId)
      .executeTakeFirst();
    return row && toEntry(row);
  }

  async releaseOrphanedLeases(now: number): Promise<number> {
    const r = await this.#db
      .updateTable('job_queue')
      .set({ lease_expires_at: 0, updated_at: now })
      .where('state', '=', 'running')
      .where('lease_expires_at', '>', 0)
      .where('lease_owner', 'not in', (eb) =>
        eb.selectFrom('server_instances').select('instance_id'),
      )
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async purgeDone(kind: string, before: number, limit: number): Promise<string[]> {
    const ids = (
      await this.#db
        .selectFrom('job_queue')
        .select('job_id')
        .where('kind', '=', kind)
        .where('state', '=', 'done')
        .where('finished_at', '<', before)
        .orderBy('finished_at')
        .limit(limit)
        .execute()
    ).map((r) => r.job_id);
    if (ids.length > 0) await this.#db.deleteFrom('job_queue').where('job_id', 'in', ids).execute();
    return ids;
  }
}

/**
 * Queues a job inside another repository's transaction, so that a job's own row and its queue
 * entry are durable together. An entry that ended is queued again (a retried re-encryption).
 */
export async function enqueueWithin(trx: AnyTrx | Db, entry: NewQueueEntry): Promise<void> {
  const values = {
    job_id: entry.jobId,
    kind: entry.kind,
    state: 'queued' as const,
    attempts: 0,
    max_attempts: entry.maxAttempts,
    lease_owner: null,
    lease_expires_at: null,
    progress: null,
    created_at: entry.now,
    updated_at: entry.now,
    finished_at: null,
  };
  await (trx as unknown as Db)
    .insertInto('job_queue')
    .values(values)
    .onConflict((oc) =>
      oc
        .column('job_id')
        .doUpdateSet({
          state: 'queued',
          attempts: 0,
          lease_owner: null,
          lease_expires_at: null,
          progress: null,
          updated_at: entry.now,
          finished_at: null,
        })
        .where('job_queue.state', '=', 'done'),
    )
    .execute();
}

/**
 * Ends the job inside another repository's transaction if `owner` still holds it: the job's
 * outcome and the end of its execution commit together, and a runner that lost its lease
 * writes nothing (the caller rolls back when this returns false).
 */
export async function completeWithin(
  trx: AnyTrx | Db,
  jobId: string,
  owner: string,
  now: number,
): Promise<boolean> {
  const r = await (trx as unknown as Db)
    .updateTable('job_queue')
    .set({
      state: 'done',
      lease_owner: null,
      lease_expires_at: null,
      finished_at: now,
      updated_at: now,
    })
    .where('job_id', '=', jobId)
    .where('state', '=', 'running')
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

function toEntry(r: JobQueueTable): QueueEntry {
  return {
    jobId: r.job_id,
    kind: r.kind,
    state: r.state,
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    leaseOwner: r.lease_owner,
    leaseExpiresAt: r.lease_expires_at === null ? null : Number(r.lease_expires_at),
    progress: r.progress === null ? null : Number(r.progress),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
  };
}
