import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, VoiceIdSpeakersTable, VoiceIdVoiceDataTable } from './database.js';
import type { StorageDialect } from './dialect/storage-dialect.js';
import { isForeignKeyViolation } from './voiceid-repository.js';

export type SpeakerRow = Selectable<VoiceIdSpeakersTable>;
export type VoiceDataRow = Selectable<VoiceIdVoiceDataTable>;

export interface FraudsterRow {
  readonly fraudsterId: string;
  readonly domainId: string;
  readonly createdAt: number;
  readonly watchlistIds: readonly string[];
}

export class WatchlistGone extends Error {}

/**
 * Voice ID speakers and fraudsters with their encrypted voice data. A resource and its voice
 * data are written and deleted in one transaction.
 */
export class VoiceIdPeopleRepository {
  readonly #db: Kysely<Database>;
  readonly #dialect: StorageDialect;

  constructor(dialect: StorageDialect) {
    this.#db = dialect.db;
    this.#dialect = dialect;
  }

  // ---- fraudsters

  async insertFraudster(
    domainId: string,
    fraudsterId: string,
    watchlistId: string,
    createdAt: number,
    voiceData: readonly VoiceDataRow[],
  ): Promise<void> {
    try {
      await this.#db.transaction().execute(async (trx) => {
        await trx
          .insertInto('voiceid_fraudsters')
          .values({ fraudster_id: fraudsterId, domain_id: domainId, created_at: createdAt })
          .execute();
        await trx
          .insertInto('voiceid_fraudster_watchlists')
          .values({ fraudster_id: fraudsterId, watchlist_id: watchlistId })
          .execute();
        await insertVoiceData(trx, voiceData);
      });
    } catch (e) {
      if (isForeignKeyViolation(e)) throw new WatchlistGone();
      throw e;
    }
  }

  async getFraudster(domainId: string, fraudsterId: string): Promise<FraudsterRow | undefined> {
    const row = await this.#db
      .selectFrom('voiceid_fraudsters')
      .selectAll()
      .where('fraudster_id', '=', fraudsterId)
      .where('domain_id', '=', domainId)
      .executeTakeFirst();
    if (!row) return undefined;
    const [withLists] = await this.attachWatchlists([row]);
    return withLists;
  }

  async listFraudsters(
    domainId: string,
    watchlistId: string | undefined,
    afterId: string | undefined,
    limit: number,
  ): Promise<FraudsterRow[]> {
    let q = this.#db
      .selectFrom('voiceid_fraudsters as f')
      .selectAll('f')
      .where('f.domain_id', '=', domainId);
    if (watchlistId !== undefined) {
      q = q
        .innerJoin('voiceid_fraudster_watchlists as fw', 'fw.fraudster_id', 'f.fraudster_id')
        .where('fw.watchlist_id', '=', watchlistId);
    }
    if (afterId !== undefined) q = q.where('f.fraudster_id', '>', afterId);
    return this.attachWatchlists(await q.orderBy('f.fraudster_id').limit(limit).execute());
  }

  /** Adds the association; a repeated association is a no-op. */
  async associate(fraudsterId: string, watchlistId: string): Promise<void> {
    try {
      await this.#db
        .insertInto('voiceid_fraudster_watchlists')
        .values({ fraudster_id: fraudsterId, watchlist_id: watchlistId })
        .execute();
    } catch (e) {
      if (this.#dialect.isUniqueViolation(e)) return;
      if (isForeignKeyViolation(e)) throw new WatchlistGone();
      throw e;
    }
  }

  /** Removes the association unless it is the fraudster's last one. */
  async disassociate(
    fraudsterId: string,
    watchlistId: string,
  ): Promise<'removed' | 'last' | 'not-associated'> {
    return this.#db
      .transaction()
      .execute(async (trx) => {
        const lists = await trx
          .selectFrom('voiceid_fraudster_watchlists')
          .select('watchlist_id')
          .where('fraudster_id', '=', fraudsterId)
          .execute();
        if (!lists.some((l) => l.watchlist_id === watchlistId)) return 'not-associated' as const;
        if (lists.length <= 1) return 'last' as const;
        const r = await trx
          .deleteFrom('voiceid_fraudster_watchlists')
          .where('fraudster_id', '=', fraudsterId)
          .where('watchlist_id', '=', watchlistId)
          .executeTakeFirst();
        // Re-check inside the transaction so two concurrent disassociations cannot both leave it empty.
        const left = await trx
          .selectFrom('voiceid_fraudster_watchlists')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('fraudster_id', '=', fraudsterId)
          .executeTakeFirstOrThrow();
        if (Number(left.n) === 0) throw new LastWatchlist();
        return r.numDeletedRows > 0n ? ('removed' as const) : ('not-associated' as const);
      })
      .catch((e: unknown) => {
        if (e instanceof LastWatchlist) return 'last' as const;
        throw e;
      });
  }

  async deleteFraudster(domainId: string, fraudsterId: string): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('voiceid_voice_data')
        .where('owner_id', '=', fraudsterId)
        .where('domain_id', '=', domainId)
        .execute();
      const r = await trx
        .deleteFrom('voiceid_fraudsters')
        .where('fraudster_id', '=', fraudsterId)
        .where('domain_id', '=', domainId)
        .executeTakeFirst();
      return r.numDeletedRows > 0n;
    });
  }

  private async attachWatchlists(
    rows: readonly { fraudster_id: string; domain_id: string; created_at: number }[],
  ): Promise<FraudsterRow[]> {
    if (rows.length === 0) return [];
    const links = await this.#db
      .selectFrom('voiceid_fraudster_watchlists')
      .select(['fraudster_id', 'watchlist_id'])
      .where(
        'fraudster_id',
        'in',
        rows.map((r) => r.fraudster_id),
      )
      .orderBy('watchlist_id')
      .execute();
    return rows.map((r) => ({
      fraudsterId: r.fraudster_id,
      domainId: r.domain_id,
      createdAt: Number(r.created_at),
      watchlistIds: links
        .filter((l) => l.fraudster_id === r.fraudster_id)
        .map((l) => l.watchlist_id),
    }));
  }

  // ---- speakers

  /** By generated id (`id#…`) or customer speaker id. */
  async findSpeaker(domainId: string, speakerId: string): Promise<SpeakerRow | undefined> {
    const column = speakerId.startsWith('id#') ? 'generated_id' : 'customer_speaker_id';
    const row = await this.#db
      .selectFrom('voiceid_speakers')
      .selectAll()
      .where('domain_id', '=', domainId)
      .where(column, '=', speakerId)
      .executeTakeFirst();
    return row && normaliseSpeaker(row);
  }

  async listSpeakers(
    domainId: string,
    afterId: string | undefined,
    limit: number,
  ): Promise<SpeakerRow[]> {
    let q = this.#db.selectFrom('voiceid_speakers').selectAll().where('domain_id', '=', domainId);
    if (afterId !== undefined) q = q.where('generated_id', '>', afterId);
    return (await q.orderBy('generated_id').limit(limit).execute()).map(normaliseSpeaker);
  }

  /** Creates the speaker as OPTED_OUT, unless one with that customer id appeared meanwhile. */
  async insertOptedOutSpeaker(row: SpeakerRow): Promise<boolean> {
    try {
      await this.#db
        .insertInto('voiceid_speakers')
        .values({ ...row, version: 1 })
        .execute();
      return true;
    } catch (e) {
      if (this.#dialect.isUniqueViolation(e)) return false;
      throw e;
    }
  }

  /** Marks the speaker OPTED_OUT and deletes its voice data, in one transaction. */
  async optOut(domainId: string, generatedId: string, at: number): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('voiceid_voice_data')
        .where('owner_id', '=', generatedId)
        .where('domain_id', '=', domainId)
        .execute();
      await trx
        .updateTable('voiceid_speakers')
        .set((eb) => ({
          status: 'OPTED_OUT' as const,
          updated_at: at,
          version: eb('version', '+', 1),
        }))
        .where('generated_id', '=', generatedId)
        .execute();
    });
  }

  async deleteSpeaker(domainId: string, generatedId: string): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('voiceid_voice_data')
        .where('owner_id', '=', generatedId)
        .where('domain_id', '=', domainId)
        .execute();
      const r = await trx
        .deleteFrom('voiceid_speakers')
        .where('generated_id', '=', generatedId)
        .where('domain_id', '=', domainId)
        .executeTakeFirst();
      return r.numDeletedRows > 0n;
    });
  }

  // ---- voice data

  async voiceDataOf(ownerId: string): Promise<VoiceDataRow[]> {
    return (
      await this.#db
        .selectFrom('voiceid_voice_data')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .orderBy('created_at')
        .execute()
    ).map(normaliseData);
  }

  async countVoiceData(domainId: string): Promise<number> {
    const r = await this.#db
      .selectFrom('voiceid_voice_data')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('domain_id', '=', domainId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Records of the domain not yet under `keyRef`. */
  async recordsNotUnder(domainId: string, keyRef: string, limit: number): Promise<VoiceDataRow[]> {
    return (
      await this.#db
        .selectFrom('voiceid_voice_data')
        .selectAll()
        .where('domain_id', '=', domainId)
        .where('key_ref', '!=', keyRef)
        .orderBy('record_id')
        .limit(limit)
        .execute()
    ).map(normaliseData);
  }

  /** Moves one record's data key to another KMS key; a no-op if someone already did. */
  async rewrap(
    recordId: string,
    fromKeyRef: string,
    toKeyRef: string,
    wrappedKey: string,
  ): Promise<void> {
    await this.#db
      .updateTable('voiceid_voice_data')
      .set({ key_ref: toKeyRef, wrapped_key: wrappedKey })
      .where('record_id', '=', recordId)
      .where('key_ref', '=', fromKeyRef)
      .execute();
  }
}

class LastWatchlist extends Error {}

async function insertVoiceData(
  trx: Transaction<Database>,
  rows: readonly VoiceDataRow[],
): Promise<void> {
  if (rows.length > 0)
    await trx
      .insertInto('voiceid_voice_data')
      .values([...rows])
      .execute();
}

function normaliseSpeaker(r: SpeakerRow): SpeakerRow {
  return {
    ...r,
    created_at: Number(r.created_at),
    updated_at: Number(r.updated_at),
    last_accessed_at: r.last_accessed_at === null ? null : Number(r.last_accessed_at),
    version: Number(r.version),
  };
}

function normaliseData(r: VoiceDataRow): VoiceDataRow {
  return { ...r, created_at: Number(r.created_at) };
}
