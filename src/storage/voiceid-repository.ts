import type { Kysely, Selectable } from 'kysely';
import type { Database, VoiceIdDomainsTable, VoiceIdWatchlistsTable } from './database.js';
import type { StorageDialect } from './dialect/storage-dialect.js';
import { completeWithin, enqueueWithin } from './job-queue-repository.js';
import {
  ClientTokenTaken,
  DomainGone,
  type DomainChange,
  type DomainRecord,
  type NewDomain,
  type NewWatchlist,
  type TagRecord,
  type VoiceIdDomainsStore,
  type WatchlistChange,
  type WatchlistRecord,
} from './voiceid-store.js';

/** The queue kind of a domain's re-encryption after its key changed. */
export const VOICEID_REENCRYPT_JOB_KIND = 'voiceid.reencrypt';
/** The queue entry of a domain's re-encryption (one per domain, queued again on a new key). */
export const reencryptionJobId = (domainId: string): string => `reencrypt-${domainId}`;
/** The domain a re-encryption entry is for. */
export const domainOfReencryptionJob = (jobId: string): string => jobId.slice('reencrypt-'.length);

type DomainRow = Selectable<VoiceIdDomainsTable> & { readonly key_state: 'Enabled' | 'Disabled' };
type WatchlistRow = Selectable<VoiceIdWatchlistsTable>;

/**
 * Voice ID control-plane persistence. Domain reads join the key's state, so a disabled key
 * shows as a suspended domain in the same single query.
 */
export class VoiceIdRepository implements VoiceIdDomainsStore {
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

  async getDomain(domainId: string): Promise<DomainRecord | undefined> {
    const row = await this.domains().where('d.domain_id', '=', domainId).executeTakeFirst();
    return row && domainRecord(row);
  }

  async findDomainByClientToken(token: string): Promise<DomainRecord | undefined> {
    const row = await this.domains().where('d.client_token', '=', token).executeTakeFirst();
    return row && domainRecord(row);
  }

  async listDomains(afterId: string | undefined, limit: number): Promise<DomainRecord[]> {
    let q = this.domains();
    if (afterId !== undefined) q = q.where('d.domain_id', '>', afterId);
    const rows = await q.orderBy('d.domain_id').limit(limit).execute();
    return rows.map(domainRecord);
  }

  async insertDomain(
    domain: NewDomain,
    defaultWatchlist: NewWatchlist,
    tags: readonly TagRecord[],
  ): Promise<void> {
    try {
      await this.#db.transaction().execute(async (trx) => {
        await trx
          .insertInto('voiceid_domains')
          .values({
            domain_id: domain.domainId,
            name: domain.name,
            description: domain.description,
            kms_key_id: domain.kmsKeyId,
            key_ref: domain.keyRef,
            status: domain.status,
            ...encryptionColumns(domain.encryptionUpdate),
            default_watchlist_id: domain.defaultWatchlistId,
            client_token: domain.clientToken,
            request_fingerprint: domain.requestFingerprint,
            created_at: domain.createdAt,
            updated_at: domain.updatedAt,
          })
          .execute();
        await trx.insertInto('voiceid_watchlists').values(watchlistRow(defaultWatchlist)).execute();
        if (tags.length > 0) {
          await trx
            .insertInto('voiceid_tags')
            .values(
              tags.map((t) => ({
                domain_id: domain.domainId,
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

  async updateDomain(
    domainId: string,
    expectedVersion: number,
    change: DomainChange,
    startReencryption: boolean,
  ): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('voiceid_domains')
        .set({
          name: change.name,
          description: change.description,
          kms_key_id: change.kmsKeyId,
          key_ref: change.keyRef,
          updated_at: change.updatedAt,
          ...(change.encryptionUpdate && encryptionColumns(change.encryptionUpdate)),
          version: expectedVersion + 1,
        })
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

  async getWatchlist(domainId: string, watchlistId: string): Promise<WatchlistRecord | undefined> {
    const row = await this.#db
      .selectFrom('voiceid_watchlists')
      .selectAll()
      .where('watchlist_id', '=', watchlistId)
      .where('domain_id', '=', domainId)
      .executeTakeFirst();
    return row && watchlistRecord(row);
  }

  async findWatchlistByClientToken(
    domainId: string,
    token: string,
  ): Promise<WatchlistRecord | undefined> {
    const row = await this.#db
      .selectFrom('voiceid_watchlists')
      .selectAll()
      .where('domain_id', '=', domainId)
      .where('client_token', '=', token)
      .executeTakeFirst();
    return row && watchlistRecord(row);
  }

  async insertWatchlist(watchlist: NewWatchlist): Promise<void> {
    try {
      await this.#db.insertInto('voiceid_watchlists').values(watchlistRow(watchlist)).execute();
    } catch (e) {
      if (this.#dialect.isUniqueViolation(e)) throw new ClientTokenTaken();
      if (this.#dialect.isForeignKeyViolation(e)) throw new DomainGone();
      throw e;
    }
  }

  async updateWatchlist(
    domainId: string,
    watchlistId: string,
    expectedVersion: number,
    change: WatchlistChange,
  ): Promise<boolean> {
    const r = await this.#db
      .updateTable('voiceid_watchlists')
      .set({
        name: change.name,
        description: change.description,
        updated_at: change.updatedAt,
        version: expectedVersion + 1,
      })
      .where('watchlist_id', '=', watchlistId)
      .where('domain_id', '=', domainId)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  /**
   * The foreign key from the associations decides a race with a concurrent AssociateFraudster:
   * the delete then fails.
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
      if (this.#dialect.isForeignKeyViolation(e)) return 'not-empty';
      throw e;
    }
  }

  async listWatchlists(
    domainId: string,
    afterId: string | undefined,
    limit: number,
  ): Promise<WatchlistRecord[]> {
    let q = this.#db.selectFrom('voiceid_watchlists').selectAll().where('domain_id', '=', domainId);
    if (afterId !== undefined) q = q.where('watchlist_id', '>', afterId);
    return (await q.orderBy('watchlist_id').limit(limit).execute()).map(watchlistRecord);
  }

  // ---- tags

  async listTags(domainId: string): Promise<TagRecord[]> {
    const rows = await this.#db
      .selectFrom('voiceid_tags')
      .select(['tag_key', 'tag_value'])
      .where('domain_id', '=', domainId)
      .orderBy('tag_key')
      .execute();
    return rows.map((r) => ({ key: r.tag_key, value: r.tag_value }));
  }

  /**
   * The domain row is locked first where the database has row locks, so concurrent taggers count one after another (SQLite
   * serialises writers anyway); the upsert makes a concurrent write of the same key a
   * last-writer-wins, not a duplicate-key failure.
   */
  async putTags(
    domainId: string,
    tags: readonly TagRecord[],
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
      if (this.#dialect.isForeignKeyViolation(e)) throw new DomainGone();
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

function domainRecord(r: DomainRow): DomainRecord {
  return {
    domainId: r.domain_id,
    name: r.name,
    description: r.description,
    kmsKeyId: r.kms_key_id,
    keyRef: r.key_ref,
    status: r.status,
    keyEnabled: r.key_state === 'Enabled',
    encryptionUpdate:
      r.sse_update_status === null
        ? null
        : {
            status: r.sse_update_status,
            oldKmsKeyId: r.sse_old_kms_key_id,
            message: r.sse_message,
          },
    defaultWatchlistId: r.default_watchlist_id,
    clientToken: r.client_token,
    requestFingerprint: r.request_fingerprint,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    version: Number(r.version),
  };
}

function encryptionColumns(update: DomainRecord['encryptionUpdate']) {
  return {
    sse_update_status: update?.status ?? null,
    sse_old_kms_key_id: update?.oldKmsKeyId ?? null,
    sse_message: update?.message ?? null,
  };
}

function watchlistRecord(r: WatchlistRow): WatchlistRecord {
  return {
    watchlistId: r.watchlist_id,
    domainId: r.domain_id,
    name: r.name,
    description: r.description,
    isDefault: r.is_default === 1,
    clientToken: r.client_token,
    requestFingerprint: r.request_fingerprint,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    version: Number(r.version),
  };
}

function watchlistRow(w: NewWatchlist) {
  return {
    watchlist_id: w.watchlistId,
    domain_id: w.domainId,
    name: w.name,
    description: w.description,
    is_default: w.isDefault ? 1 : 0,
    client_token: w.clientToken,
    request_fingerprint: w.requestFingerprint,
    created_at: w.createdAt,
    updated_at: w.updatedAt,
  };
}
