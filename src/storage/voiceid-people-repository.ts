import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, VoiceIdSpeakersTable, VoiceIdVoiceDataTable } from './database.js';
import type { StorageDialect } from './dialect/storage-dialect.js';
import {
  WatchlistGone,
  type FraudsterRecord,
  type NewSpeaker,
  type SpeakerRecord,
  type VoiceDataRecord,
  type VoiceIdPeopleStore,
} from './voiceid-store.js';

type SpeakerRow = Selectable<VoiceIdSpeakersTable>;
type VoiceDataRow = Selectable<VoiceIdVoiceDataTable>;

/**
 * Voice ID speakers and fraudsters with their encrypted voice data. A resource and its voice
 * data are written and deleted in one transaction.
 */
export class VoiceIdPeopleRepository implements VoiceIdPeopleStore {
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
    voiceData: readonly VoiceDataRecord[],
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
        await insertVoiceDataWithin(trx, voiceData);
      });
    } catch (e) {
      if (this.#dialect.isForeignKeyViolation(e)) throw new WatchlistGone();
      throw e;
    }
  }

  async getFraudster(domainId: string, fraudsterId: string): Promise<FraudsterRecord | undefined> {
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
  ): Promise<FraudsterRecord[]> {
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

  async associate(fraudsterId: string, watchlistId: string): Promise<void> {
    try {
      await this.#db
        .insertInto('voiceid_fraudster_watchlists')
        .values({ fraudster_id: fraudsterId, watchlist_id: watchlistId })
        .execute();
    } catch (e) {
      if (this.#dialect.isUniqueViolation(e)) return;
      if (this.#dialect.isForeignKeyViolation(e)) throw new WatchlistGone();
      throw e;
    }
  }

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
  ): Promise<FraudsterRecord[]> {
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

  async findSpeaker(domainId: string, speakerId: string): Promise<SpeakerRecord | undefined> {
    const column = speakerId.startsWith('id#') ? 'generated_id' : 'customer_speaker_id';
    const row = await this.#db
      .selectFrom('voiceid_speakers')
      .selectAll()
      .where('domain_id', '=', domainId)
      .where(column, '=', speakerId)
      .executeTakeFirst();
    return row && speakerRecord(row);
  }

  async listSpeakers(
    domainId: string,
    afterId: string | undefined,
    limit: number,
  ): Promise<SpeakerRecord[]> {
    let q = this.#db.selectFrom('voiceid_speakers').selectAll().where('domain_id', '=', domainId);
    if (afterId !== undefined) q = q.where('generated_id', '>', afterId);
    return (await q.orderBy('generated_id').limit(limit).execute()).map(speakerRecord);
  }

  async insertSpeaker(speaker: NewSpeaker): Promise<boolean> {
    try {
      await this.#db
        .insertInto('voiceid_speakers')
        .values({
          generated_id: speaker.generatedId,
          domain_id: speaker.domainId,
          customer_speaker_id: speaker.customerSpeakerId,
          status: speaker.status,
          created_at: speaker.createdAt,
          updated_at: speaker.updatedAt,
          last_accessed_at: speaker.lastAccessedAt,
          version: 1,
        })
        .execute();
      return true;
    } catch (e) {
      if (this.#dialect.isUniqueViolation(e)) return false;
      throw e;
    }
  }

  async enrollSpeaker(
    generatedId: string,
    voiceprint: VoiceDataRecord,
    at: number,
  ): Promise<'enrolled' | 'opted-out' | 'speaker-gone'> {
    return this.#db.transaction().execute(async (trx) => {
      const speaker = await trx
        .selectFrom('voiceid_speakers')
        .select('status')
        .where('generated_id', '=', generatedId)
        .executeTakeFirst();
      if (!speaker) return 'speaker-gone' as const;
      if (speaker.status === 'OPTED_OUT') return 'opted-out' as const;
      await enrollWithin(trx, generatedId, voiceprint, at);
      return 'enrolled' as const;
    });
  }

  async touchSpeaker(generatedId: string, at: number, unlessAfter: number): Promise<void> {
    await this.#db
      .updateTable('voiceid_speakers')
      .set({ last_accessed_at: at })
      .where('generated_id', '=', generatedId)
      .where((eb) =>
        eb.or([eb('last_accessed_at', 'is', null), eb('last_accessed_at', '<=', unlessAfter)]),
      )
      .execute();
  }

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

  async voiceDataOf(ownerId: string): Promise<VoiceDataRecord[]> {
    return (
      await this.#db
        .selectFrom('voiceid_voice_data')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .orderBy('created_at')
        .execute()
    ).map(voiceDataRecord);
  }

  async watchlistVoiceprints(
    domainId: string,
    watchlistId: string,
  ): Promise<{ fraudsterId: string; record: VoiceDataRecord }[]> {
    const rows = await this.#db
      .selectFrom('voiceid_voice_data as v')
      .innerJoin('voiceid_fraudster_watchlists as fw', 'fw.fraudster_id', 'v.owner_id')
      .selectAll('v')
      .where('v.domain_id', '=', domainId)
      .where('fw.watchlist_id', '=', watchlistId)
      .where('v.kind', '=', 'VOICEPRINT')
      .orderBy('v.owner_id')
      .orderBy('v.created_at')
      .execute();
    return rows.map((r) => ({ fraudsterId: r.owner_id, record: voiceDataRecord(r) }));
  }

  async countVoiceData(domainId: string): Promise<number> {
    const r = await this.#db
      .selectFrom('voiceid_voice_data')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('domain_id', '=', domainId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async recordsNotUnder(
    domainId: string,
    keyRef: string,
    limit: number,
  ): Promise<VoiceDataRecord[]> {
    return (
      await this.#db
        .selectFrom('voiceid_voice_data')
        .selectAll()
        .where('domain_id', '=', domainId)
        .where('key_ref', '!=', keyRef)
        .orderBy('record_id')
        .limit(limit)
        .execute()
    ).map(voiceDataRecord);
  }

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

const voiceDataRow = (r: VoiceDataRecord) => ({
  record_id: r.recordId,
  domain_id: r.domainId,
  owner_id: r.ownerId,
  kind: r.kind,
  key_ref: r.keyRef,
  wrapped_key: r.wrappedKey,
  ciphertext: r.ciphertext,
  created_at: r.createdAt,
});

/** A transaction of any repository (their table sets differ; voice data is in all of them). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type AnyTrx = Transaction<any>;

/** Inserts voice data records inside another repository's transaction. */
export async function insertVoiceDataWithin(
  trx: AnyTrx,
  records: readonly VoiceDataRecord[],
): Promise<void> {
  if (records.length > 0)
    await (trx as Transaction<Database>)
      .insertInto('voiceid_voice_data')
      .values(records.map(voiceDataRow))
      .execute();
}

/** Writes a record that is replaced in place (a session checkpoint), inside a transaction. */
/**
 * The speaker ENROLLED with `voiceprint` replacing its voiceprints (enrollment audio is kept),
 * LastAccessedAt `at`: what a batch enrollment and a session enrollment both write.
 */
export async function enrollWithin(
  trx: AnyTrx,
  generatedId: string,
  voiceprint: VoiceDataRecord,
  at: number,
): Promise<void> {
  const t = trx as Transaction<Database>;
  await t
    .deleteFrom('voiceid_voice_data')
    .where('owner_id', '=', generatedId)
    .where('kind', '=', 'VOICEPRINT')
    .execute();
  await insertVoiceDataWithin(trx, [voiceprint]);
  await t
    .updateTable('voiceid_speakers')
    .set((eb) => ({
      status: 'ENROLLED' as const,
      updated_at: at,
      last_accessed_at: at,
      version: eb('version', '+', 1),
    }))
    .where('generated_id', '=', generatedId)
    .execute();
}

export async function upsertVoiceDataWithin(trx: AnyTrx, record: VoiceDataRecord): Promise<void> {
  const { record_id: _id, ...rest } = voiceDataRow(record);
  await (trx as Transaction<Database>)
    .insertInto('voiceid_voice_data')
    .values(voiceDataRow(record))
    .onConflict((oc) => oc.column('record_id').doUpdateSet(rest))
    .execute();
}

function speakerRecord(r: SpeakerRow): SpeakerRecord {
  return {
    generatedId: r.generated_id,
    domainId: r.domain_id,
    customerSpeakerId: r.customer_speaker_id,
    status: r.status,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    lastAccessedAt: r.last_accessed_at === null ? null : Number(r.last_accessed_at),
    version: Number(r.version),
  };
}

function voiceDataRecord(r: VoiceDataRow): VoiceDataRecord {
  return {
    recordId: r.record_id,
    domainId: r.domain_id,
    ownerId: r.owner_id,
    kind: r.kind,
    keyRef: r.key_ref,
    wrappedKey: r.wrapped_key,
    ciphertext: r.ciphertext,
    createdAt: Number(r.created_at),
  };
}
