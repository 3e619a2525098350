import type { Kysely, Selectable } from 'kysely';
import type { Database, VoiceIdDomainsTable, VoiceIdWatchlistsTable } from './database.js';
import type { StorageDialect } from './dialect/storage-dialect.js';
import { completeWithin, enqueueWithin } from './job-queue-repository.js';

/** The queue kind of a domain's re-encryption after its key changed. */
export const VOICEID_REENCRYPT_JOB_KIND = 'voiceid.reencrypt';
/** The queue entry of a domain's re-encryption (one per domain, queued again on a new key). */
export const reencryptionJobId = (domainId: string): string => `reencrypt-${domainId}`;
/** The domain a re-encryption entry is for. */
export const domainOfReencryptionJob = (jobId: string): string => jobId.slice('reencrypt-'.length);

export type DomainRow = Selectable<VoiceIdDomainsTable> & {
  /** The state of the domain's current key, joined in. */
  readonly key_state: 'Enabled' | 'Disabled';
};
export type WatchlistRow = Selectable<VoiceIdWatchlistsTable>;

export class ClientTokenTaken extends Error {}
/** The domain was deleted while this write ran (a foreign key said so). */
export class DomainGone extends Error {}

/**
 * Voice ID control-plane persistence. Domain reads join the key's state, so a disabled key
 * shows as a suspended domain in the same single query.
 */
export class VoiceIdRepository {
  readonly #db: Kysely<Database>;
  readonly #dialect: StorageDialect;

  constructor(dialect: StorageDialect) {
    this.#db = dialect.db;
    this.#dialect = dialect;
  }

  private domains() {
    return this.#db
      .selectFrom('voiceid_domains as d')
      .innerJoin('kms_keys as k', 'k.key_id', 'd.key_ref')
      .selectAll('d')
      .select('k.state as key_state');
  }

  async getDomain(domainId: string): Promise<DomainRow | undefined> {
    return normaliseDomain(
      await this.domains().where('d.domain_id', '=', domainId).executeTakeFirst(),
    );
  }

  async findDomainByClientToken(token: string): Promise<DomainRow | undefined> {
    return normaliseDomain(
      await this.domains().where('d.client_token', '=', token).executeTakeFirst(),
    );
  }

  async listDomains(afterId: string | undefined, limit: number): Promise<DomainRow[]> {
    let q = this.domains();
    if (afterId !== undefined) q = q.where('d.domain_id', '>', afterId);
    const rows = await q.orderBy('d.domain_id').limit(limit).execute();
    return rows.map((r) => normaliseDomain(r)!);
  }

  /** The domain, its default watchlist and its tags, in one transaction. */
  async insertDomain(
    domain: Omit<Selectable<VoiceIdDomainsTable>, 'version'>,
    defaultWatchlist: Omit<WatchlistRow, 'version'>,
    tags: readonly { key: string; value: string }[],
  ): Promise<void> {
    try {
      await this.#db.transaction().execute(async (trx) => {
        await trx.insertInto('voiceid_domains').values(domain).execute();
        await trx.insertInto('voiceid_watchlists').values(defaultWatchlist).execute();
        if (tags.length > 0) {
          await trx
            .insertInto('voiceid_tags')
            .values(
              tags.map((t) => ({
                domain_id: domain.domain_id,
                tag_key: t.key,
                tag_value: t.value,
              })),
            )
            .execute();
        }
      });
    } catch (e) {
      if (this.#dialect.isUniqueViolation(e)) throw new ClientTokenTaken();
      throw e;
    }
  }

  /**
   * Full replace if the row still has `expectedVersion`; false when another write won. With
   * `startReencryption`, the domain's re-encryption job is queued in the same transaction.
   */
  async updateDomain(
    domainId: string,
    expectedVersion: number,
    change: Partial<
      Pick<
        Selectable<VoiceIdDomainsTable>,
        | 'name'
        | 'description'
        | 'kms_key_id'
        | 'key_ref'
        | 'sse_update_status'
        | 'sse_old_kms_key_id'
        | 'sse_message'
        | 'updated_at'
      >
    >,
    startReencryption = false,
  ): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('voiceid_domains')
        .set({ ...change, version: expectedVersion + 1 })
        .where('domain_id', '=', domainId)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      if (r.numUpdatedRows === 0n) return false;
      if (startReencryption)
        await enqueueWithin(trx, {
          jobId: reencryptionJobId(domainId),
          kind: VOICEID_REENCRYPT_JOB_KIND,
          // Resumable batch by batch: every restart is an attempt, none is a failure.
          maxAttempts: 1_000_000,
          now: Date.now(),
        });
      return true;
    });
  }

  /**
   * Ends an encryption update, only if it is still the update toward `keyRef` (a newer key
   * change restarts it instead), with the end of its queue entry under `owner`'s lease.
   */
  async finishEncryptionUpdate(
    domainId: string,
    keyRef: string,
    status: 'COMPLETED' | 'FAILED',
    message: string | null,
    owner: string,
  ): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      if (!(await completeWithin(trx, reencryptionJobId(domainId), owner, Date.now()))) return;
      await trx
        .updateTable('voiceid_domains')
        .set((eb) => ({
          sse_update_status: status,
          sse_message: message,
          version: eb('version', '+', 1),
        }))
        .where('domain_id', '=', domainId)
        .where('key_ref', '=', keyRef)
        .where('sse_update_status', '=', 'IN_PROGRESS')
        .execute();
    });
  }

  async deleteDomain(domainId: string): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('voiceid_tags').where('domain_id', '=', domainId).execute();
      await trx.deleteFrom('voiceid_voice_data').where('domain_id', '=', domainId).execute();
      await trx.deleteFrom('voiceid_speakers').where('domain_id', '=', domainId).execute();
      // Fraudsters first: their watchlist associations go with them (cascade).
      await trx.deleteFrom('voiceid_fraudsters').where('domain_id', '=', domainId).execute();
      await trx.deleteFrom('voiceid_watchlists').where('domain_id', '=', domainId).execute();
      const r = await trx
        .deleteFrom('voiceid_domains')
        .where('domain_id', '=', domainId)
        .executeTakeFirst();
      return r.numDeletedRows > 0n;
    });
  }

  // ---- watchlists

  async getWatchlist(domainId: string, watchlistId: string): Promise<WatchlistRow | undefined> {
    return this.#db
      .selectFrom('voiceid_watchlists')
      .selectAll()
      .where('watchlist_id', '=', watchlistId)
      .where('domain_id', '=', domainId)
      .executeTakeFirst();
  }

  async findWatchlistByClientToken(
    domainId: string,
    token: string,
  ): Promise<WatchlistRow | undefined> {
    return this.#db
      .selectFrom('voiceid_watchlists')
      .selectAll()
      .where('domain_id', '=', domainId)
      .where('client_token', '=', token)
      .executeTakeFirst();
  }

  async insertWatchlist(row: Omit<WatchlistRow, 'version'>): Promise<void> {
    try {
      await this.#db.insertInto('voiceid_watchlists').values(row).execute();
    } catch (e) {
      if (this.#dialect.isUniqueViolation(e)) throw new ClientTokenTaken();
      if (isForeignKeyViolation(e)) throw new DomainGone();
      throw e;
    }
  }

  async updateWatchlist(
    domainId: string,
    watchlistId: string,
    expectedVersion: number,
    change: { name: string; description: string | null; updated_at: number },
  ): Promise<boolean> {
    const r = await this.#db
      .updateTable('voiceid_watchlists')
      .set({ ...change, version: expectedVersion + 1 })
      .where('watchlist_id', '=', watchlistId)
      .where('domain_id', '=', domainId)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  /**
   * Deletes a custom watchlist unless fraudsters belong to it. The foreign key from the
   * associations decides a race with a concurrent AssociateFraudster: the delete then fails.
   */
  async deleteWatchlist(
    domainId: string,
    watchlistId: string,
  ): Promise<'deleted' | 'not-empty' | 'missing'> {
    try {
      return await this.#db.transaction().execute(async (trx) => {
        const member = await trx
          .selectFrom('voiceid_fraudster_watchlists')
          .select('fraudster_id')
          .where('watchlist_id', '=', watchlistId)
          .limit(1)
          .executeTakeFirst();
        if (member) return 'not-empty' as const;
        const r = await trx
          .deleteFrom('voiceid_watchlists')
          .where('watchlist_id', '=', watchlistId)
          .where('domain_id', '=', domainId)
          .where('is_default', '=', 0)
          .executeTakeFirst();
        return r.numDeletedRows > 0n ? ('deleted' as const) : ('missing' as const);
      });
    } catch (e) {
      if (isForeignKeyViolation(e)) return 'not-empty';
      throw e;
    }
  }

  async listWatchlists(
    domainId: string,
    afterId: string | undefined,
    limit: number,
  ): Promise<WatchlistRow[]> {
    let q = this.#db.selectFrom('voiceid_watchlists').selectAll().where('domain_id', '=', domainId);
    if (afterId !== undefined) q = q.where('watchlist_id', '>', afterId);
    return q.orderBy('watchlist_id').limit(limit).execute();
  }

  // ---- tags

  async listTags(domainId: string): Promise<{ key: string; value: string }[]> {
    const rows = await this.#db
      .selectFrom('voiceid_tags')
      .select(['tag_key', 'tag_value'])
      .where('domain_id', '=', domainId)
      .orderBy('tag_key')
      .execute();
    return rows.map((r) => ({ key: r.tag_key, value: r.tag_value }));
  }

  /**
   * Upserts tags, refusing to exceed `maxTags` on the domain. The domain row is locked first
   * where the database has row locks, so concurrent taggers count one after another (SQLite
   * serialises writers anyway); the upsert makes a concurrent write of the same key a
   * last-writer-wins, not a duplicate-key failure.
   */
  async putTags(
    domainId: string,
    tags: readonly { key: string; value: string }[],
    maxTags: number,
  ): Promise<'ok' | 'too-many'> {
    try {
      return await this.#db.transaction().execute(async (trx) => {
        if (this.#dialect.capabilities.supportsRowLocks) {
          const locked = await trx
            .selectFrom('voiceid_domains')
            .select('domain_id')
            .where('domain_id', '=', domainId)
            .forUpdate()
            .executeTakeFirst();
          if (!locked) throw new DomainGone();
        }
        for (const t of tags) {
          await trx
            .insertInto('voiceid_tags')
            .values({ domain_id: domainId, tag_key: t.key, tag_value: t.value })
            .onConflict((oc) =>
              oc.columns(['domain_id', 'tag_key']).doUpdateSet({ tag_value: t.value }),
            )
            .execute();
        }
        const n = await trx
          .selectFrom('voiceid_tags')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('domain_id', '=', domainId)
          .executeTakeFirstOrThrow();
        if (Number(n.n) > maxTags) throw new TooManyTags();
        return 'ok' as const;
      });
    } catch (e) {
      if (e instanceof TooManyTags) return 'too-many';
      if (isForeignKeyViolation(e)) throw new DomainGone();
      throw e;
    }
  }

  async deleteTags(domainId: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.#db
      .deleteFrom('voiceid_tags')
      .where('domain_id', '=', domainId)
      .where('tag_key', 'in', [...keys])
      .execute();
  }
}

class TooManyTags extends Error {}

export function isForeignKeyViolation(e: unknown): boolean {
  if (typeof e !== 'object' || e === null || !('code' in e)) return false;
  return e.code === '23503' || e.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

function normaliseDomain<
  T extends { created_at: number; updated_at: number; version: number } | undefined,
>(row: T): T {
  if (!row) return row;
  return {
    ...row,
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
    version: Number(row.version),
  };
}
