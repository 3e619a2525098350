import type { DeleteQueryBuilder, DeleteResult, Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from './database.js';
import type { StorageDialect } from './dialect/storage-dialect.js';
import type {
  SpeechAccountsStore,
  SpeechClientChange,
  SpeechClientRow,
  SpeechEndUserRow,
  SpeechReservationRow,
  SpeechTokenRow,
  SpeechUsageRange,
  SpeechUsageTotal,
} from './speech-accounts-store.js';

/**
 * Table types of migration 0006. They live here rather than in `database.ts` because only this
 * repository reads them; `withTables` adds them to the shared `Database` type.
 */
interface SpeechClientsTable {
  readonly client_id: string;
  readonly name: string;
  readonly active: number;
  readonly apis: string;
  readonly balance_ms: number;
  readonly reserved_ms: number;
  readonly used_ms: number;
  readonly created_at: number;
  readonly updated_at: number;
  readonly version: number;
}

interface SpeechEndUsersTable {
  readonly client_id: string;
  readonly end_user_id: string;
  readonly created_at: number;
}

interface SpeechTokensTable {
  readonly token_id: string;
  readonly token_hash: string;
  readonly client_id: string;
  readonly end_user_id: string | null;
  readonly description: string | null;
  readonly created_at: number;
  readonly expires_at: number | null;
  readonly revoked_at: number | null;
  readonly version: number;
}

interface SpeechReservationsTable {
  readonly reservation_id: string;
  readonly client_id: string;
  readonly end_user_id: string | null;
  readonly api: string;
  readonly reserved_ms: number;
  readonly created_at: number;
  readonly expires_at: number;
  /** The server process whose request holds it (migration 0009); NULL: a job's, durable. */
  readonly holder_instance: string | null;
}

interface SpeechUsageTable {
  readonly client_id: string;
  /** '' when the request named no end user (a primary key column cannot be NULL). */
  readonly end_user_key: string;
  readonly api: string;
  readonly day: string;
  readonly requests: number;
  readonly charged_ms: number;
}

// A type alias, not an interface: `withTables` wants an indexable record type.
type SpeechTables = {
  readonly speech_clients: SpeechClientsTable;
  readonly speech_end_users: SpeechEndUsersTable;
  readonly speech_tokens: SpeechTokensTable;
  readonly speech_reservations: SpeechReservationsTable;
  readonly speech_usage: SpeechUsageTable;
};

type Db = Kysely<Database & SpeechTables>;
type Trx = Transaction<Database & SpeechTables>;

/**
 * Speech API clients, end users, session tokens, minute reservations and usage.
 *
 * Minute accounting never reads a balance and writes it back: every change is arithmetic inside
 * one UPDATE whose WHERE carries the guard (`balance_ms - reserved_ms >= wanted`). PostgreSQL
 * re-checks the WHERE against the latest committed row after waiting for its lock (READ
 * COMMITTED), SQLite has one writer at a time, so the guard holds under any concurrency on both.
 * Transactions start with their write so SQLite takes the write lock first (a read-then-write
 * transaction could fail with SQLITE_BUSY instead of waiting when another process writes).
 * PostgreSQL lock order is always reservation → client → usage row: no deadlock cycle.
 */
export class SpeechAccountsRepository implements SpeechAccountsStore {
  readonly #db: Db;
  readonly #dialect: StorageDialect;

  constructor(dialect: StorageDialect) {
    this.#db = dialect.db.withTables<SpeechTables>();
    this.#dialect = dialect;
  }

  // ---- clients

  async insertClient(row: Omit<SpeechClientRow, 'reservedMs' | 'usedMs' | 'version'>) {
    await this.#db
      .insertInto('speech_clients')
      .values({
        client_id: row.clientId,
        name: row.name,
        active: row.active ? 1 : 0,
        apis: row.apis.join(','),
        balance_ms: row.balanceMs,
        reserved_ms: 0,
        used_ms: 0,
        created_at: row.createdAt,
        updated_at: row.updatedAt,
        version: 1,
      })
      .execute();
  }

  async getClient(clientId: string): Promise<SpeechClientRow | undefined> {
    const row = await this.#db
      .selectFrom('speech_clients')
      .selectAll()
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return row && toClient(row);
  }

  async listClients(): Promise<SpeechClientRow[]> {
    const rows = await this.#db
      .selectFrom('speech_clients')
      .selectAll()
      .orderBy('created_at')
      .orderBy('client_id')
      .execute();
    return rows.map(toClient);
  }

  async updateClient(
    clientId: string,
    change: SpeechClientChange,
    at: number,
  ): Promise<SpeechClientRow | undefined> {
    const updated = await this.#db
      .updateTable('speech_clients')
      .set((eb) => {
        // Both given: set plus add, summed here (PostgreSQL cannot type a `$1 + $2`).
        const balance =
          change.balanceMs !== undefined
            ? { balance_ms: change.balanceMs + (change.addBalanceMs ?? 0) }
            : change.addBalanceMs !== undefined
              ? { balance_ms: eb('balance_ms', '+', change.addBalanceMs) }
              : {};
        return {
          ...(change.name !== undefined && { name: change.name }),
          ...(change.active !== undefined && { active: change.active ? 1 : 0 }),
          ...(change.apis !== undefined && { apis: change.apis.join(',') }),
          ...balance,
          updated_at: at,
          version: eb('version', '+', 1),
        };
      })
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) return undefined;
    return this.getClient(clientId);
  }

  // ---- end users

  async insertEndUser(row: SpeechEndUserRow): Promise<boolean> {
    try {
      await this.#db
        .insertInto('speech_end_users')
        .values({ client_id: row.clientId, end_user_id: row.endUserId, created_at: row.createdAt })
        .execute();
      return true;
    } catch (e) {
      if (this.#dialect.isUniqueViolation(e)) return false;
      throw e;
    }
  }

  async getEndUser(clientId: string, endUserId: string): Promise<SpeechEndUserRow | undefined> {
    const row = await this.#db
      .selectFrom('speech_end_users')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('end_user_id', '=', endUserId)
      .executeTakeFirst();
    return row && toEndUser(row);
  }

  async listEndUsers(clientId: string): Promise<SpeechEndUserRow[]> {
    const rows = await this.#db
      .selectFrom('speech_end_users')
      .selectAll()
      .where('client_id', '=', clientId)
      .orderBy('end_user_id')
      .execute();
    return rows.map(toEndUser);
  }

  async deleteEndUser(clientId: string, endUserId: string): Promise<boolean> {
    const r = await this.#db
      .deleteFrom('speech_end_users')
      .where('client_id', '=', clientId)
      .where('end_user_id', '=', endUserId)
      .executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  // ---- tokens

  async insertToken(row: SpeechTokenRow & { readonly tokenHash: string }): Promise<void> {
    await this.#db
      .insertInto('speech_tokens')
      .values({
        token_id: row.tokenId,
        token_hash: row.tokenHash,
        client_id: row.clientId,
        end_user_id: row.endUserId,
        description: row.description,
        created_at: row.createdAt,
        expires_at: row.expiresAt,
        revoked_at: row.revokedAt,
        version: 1,
      })
      .execute();
  }

  /** The token and its client in one indexed query (the hot path of every speech request). */
  async findTokenByHash(
    tokenHash: string,
  ): Promise<{ token: SpeechTokenRow; client: SpeechClientRow | undefined } | undefined> {
    const row = await this.#db
      .selectFrom('speech_tokens as t')
      .leftJoin('speech_clients as c', 'c.client_id', 't.client_id')
      .select([
        't.token_id',
        't.client_id as token_client_id',
        't.end_user_id',
        't.description',
        't.created_at as token_created_at',
        't.expires_at',
        't.revoked_at',
        'c.client_id',
        'c.name',
        'c.active',
        'c.apis',
        'c.balance_ms',
        'c.reserved_ms',
        'c.used_ms',
        'c.created_at',
        'c.updated_at',
        'c.version',
      ])
      .where('t.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) return undefined;
    const token = toToken({
      token_id: row.token_id,
      client_id: row.token_client_id,
      end_user_id: row.end_user_id,
      description: row.description,
      created_at: row.token_created_at,
      expires_at: row.expires_at,
      revoked_at: row.revoked_at,
    });
    if (row.client_id === null) return { token, client: undefined };
    return {
      token,
      client: toClient({
        client_id: row.client_id,
        name: row.name ?? '',
        active: row.active ?? 0,
        apis: row.apis ?? '',
        balance_ms: row.balance_ms ?? 0,
        reserved_ms: row.reserved_ms ?? 0,
        used_ms: row.used_ms ?? 0,
        created_at: row.created_at ?? 0,
        updated_at: row.updated_at ?? 0,
        version: row.version ?? 0,
      }),
    };
  }

  async getToken(tokenId: string): Promise<SpeechTokenRow | undefined> {
    const row = await this.#db
      .selectFrom('speech_tokens')
      .selectAll()
      .where('token_id', '=', tokenId)
      .executeTakeFirst();
    return row && toToken(row);
  }

  async listTokens(clientId: string): Promise<SpeechTokenRow[]> {
    const rows = await this.#db
      .selectFrom('speech_tokens')
      .selectAll()
      .where('client_id', '=', clientId)
      .orderBy('created_at')
      .orderBy('token_id')
      .execute();
    return rows.map(toToken);
  }

  /** False when the token does not exist or was already revoked (the first revocation time stays). */
  async revokeToken(tokenId: string, at: number): Promise<boolean> {
    const r = await this.#db
      .updateTable('speech_tokens')
      .set((eb) => ({ revoked_at: at, version: eb('version', '+', 1) }))
      .where('token_id', '=', tokenId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  // ---- minutes

  async availableMs(clientId: string): Promise<number | undefined> {
    const row = await this.#db
      .selectFrom('speech_clients')
      .select(['balance_ms', 'reserved_ms'])
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return row && Number(row.balance_ms) - Number(row.reserved_ms);
  }

  /**
   * Holds `reservedMs` of the client's balance; false when the balance minus what is already
   * held cannot cover it (or the client is gone). The guard and the increment are one UPDATE.
   */
  async reserve(row: SpeechReservationRow): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const held = await trx
        .updateTable('speech_clients')
        .set((eb) => ({ reserved_ms: eb('reserved_ms', '+', row.reservedMs) }))
        .where('client_id', '=', row.clientId)
        .where((eb) => eb(eb('balance_ms', '-', eb.ref('reserved_ms')), '>=', row.reservedMs))
        .executeTakeFirst();
      if (held.numUpdatedRows === 0n) return false;
      await trx
        .insertInto('speech_reservations')
        .values({
          reservation_id: row.reservationId,
          client_id: row.clientId,
          end_user_id: row.endUserId,
          api: row.api,
          reserved_ms: row.reservedMs,
          created_at: row.createdAt,
          expires_at: row.expiresAt,
          holder_instance: row.holderInstance,
        })
        .execute();
      return true;
    });
  }

  /**
   * Ends the reservation charging `min(actualMs, reserved)`: the balance goes down by the charge,
   * the hold is released, usage is counted. Deleting the reservation row comes first and decides
   * who settles: a second settle (or a refund, or the expiry sweep) finds no row and does nothing.
   */
  async settle(
    reservationId: string,
    actualMs: number,
    day: string,
  ): Promise<{ chargedMs: number } | undefined> {
    return this.#db.transaction().execute(async (trx) => {
      const ended = await this.#endReservation(trx, reservationId);
      if (!ended) return undefined;
      const charged = Math.max(0, Math.min(actualMs, ended.reservedMs));
      await trx
        .updateTable('speech_clients')
        .set((eb) => ({
          // An operator may have lowered the balance below what was held: never below zero.
          balance_ms: eb
            .case()
            .when('balance_ms', '>=', charged)
            .then(eb('balance_ms', '-', charged))
            .else(0)
            .end(),
          reserved_ms: eb('reserved_ms', '-', ended.reservedMs),
          used_ms: eb('used_ms', '+', charged),
        }))
        .where('client_id', '=', ended.clientId)
        .execute();
      await trx
        .insertInto('speech_usage')
        .values({
          client_id: ended.clientId,
          end_user_key: ended.endUserId ?? '',
          api: ended.api,
          day,
          requests: 1,
          charged_ms: charged,
        })
        .onConflict((oc) =>
          oc.columns(['client_id', 'end_user_key', 'api', 'day']).doUpdateSet((eb) => ({
            requests: eb(eb.ref('speech_usage.requests'), '+', 1),
            charged_ms: eb(eb.ref('speech_usage.charged_ms'), '+', charged),
          })),
        )
        .execute();
      return { chargedMs: charged };
    });
  }

  /** Ends the reservation without charge; false when it was already settled, refunded or expired. */
  async refund(reservationId: string): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const ended = await this.#endReservation(trx, reservationId);
      if (!ended) return false;
      await trx
        .updateTable('speech_clients')
        .set((eb) => ({ reserved_ms: eb('reserved_ms', '-', ended.reservedMs) }))
        .where('client_id', '=', ended.clientId)
        .execute();
      return true;
    });
  }

  /**
   * Releases reservations whose holder never settled them (a crashed process) once they expire:
   * each row deleted here is released exactly once, whoever else sweeps or settles concurrently.
   * Returns how many were released.
   */
  async releaseExpired(now: number, clientId?: string): Promise<number> {
    return this.#release((q) => {
      const expired = q.where('expires_at', '<', now);
      return clientId === undefined ? expired : expired.where('client_id', '=', clientId);
    });
  }

  /**
   * Releases the holds of requests whose server process is gone: a holder that is no longer a
   * registered instance. Job holds (no holder) are left to their jobs.
   */
  async releaseUnheld(): Promise<number> {
    return this.#release((q) =>
      q
        .where('holder_instance', 'is not', null)
        .where('holder_instance', 'not in', (eb) =>
          eb.selectFrom('server_instances').select('instance_id'),
        ),
    );
  }

  /** The hold now belongs to no process (an async job committed with it); false if gone. */
  async adopt(reservationId: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('speech_reservations')
      .set({ holder_instance: null })
      .where('reservation_id', '=', reservationId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Deletes the reservations `filter` selects and gives their holds back, in one transaction. */
  async #release(
    filter: (
      q: DeleteQueryBuilder<Database & SpeechTables, 'speech_reservations', DeleteResult>,
    ) => DeleteQueryBuilder<Database & SpeechTables, 'speech_reservations', DeleteResult>,
  ): Promise<number> {
    return this.#db.transaction().execute(async (trx) => {
      const rows = await filter(trx.deleteFrom('speech_reservations'))
        .returning(['client_id', 'reserved_ms'])
        .execute();
      const byClient = new Map<string, number>();
      for (const r of rows)
        byClient.set(r.client_id, (byClient.get(r.client_id) ?? 0) + Number(r.reserved_ms));
      // Sorted: two sweeps lock client rows in the same order.
      for (const [id, ms] of [...byClient].sort(([a], [b]) => (a < b ? -1 : 1))) {
        await trx
          .updateTable('speech_clients')
          .set((eb) => ({ reserved_ms: eb('reserved_ms', '-', ms) }))
          .where('client_id', '=', id)
          .execute();
      }
      return rows.length;
    });
  }

  async #endReservation(
    trx: Trx,
    reservationId: string,
  ): Promise<
    { clientId: string; endUserId: string | null; api: string; reservedMs: number } | undefined
  > {
    const row = await trx
      .deleteFrom('speech_reservations')
      .where('reservation_id', '=', reservationId)
      .returning(['client_id', 'end_user_id', 'api', 'reserved_ms'])
      .executeTakeFirst();
    return (
      row && {
        clientId: row.client_id,
        endUserId: row.end_user_id,
        api: row.api,
        reservedMs: Number(row.reserved_ms),
      }
    );
  }

  // ---- usage

  async usageByEndUser(
    clientId: string,
    range: SpeechUsageRange,
  ): Promise<(SpeechUsageTotal & { endUserKey: string })[]> {
    const rows = await this.#usage(clientId, range)
      .select((eb) => [
        'end_user_key',
        eb.fn.sum<number | string>('requests').as('requests'),
        eb.fn.sum<number | string>('charged_ms').as('charged_ms'),
      ])
      .groupBy('end_user_key')
      .orderBy('end_user_key')
      .execute();
    return rows.map((r) => ({
      endUserKey: r.end_user_key,
      requests: Number(r.requests),
      chargedMs: Number(r.charged_ms),
    }));
  }

  async usageByDay(
    clientId: string,
    range: SpeechUsageRange,
  ): Promise<(SpeechUsageTotal & { day: string; api: string })[]> {
    const rows = await this.#usage(clientId, range)
      .select((eb) => [
        'day',
        'api',
        eb.fn.sum<number | string>('requests').as('requests'),
        eb.fn.sum<number | string>('charged_ms').as('charged_ms'),
      ])
      .groupBy(['day', 'api'])
      .orderBy('day')
      .orderBy('api')
      .execute();
    return rows.map((r) => ({
      day: r.day,
      api: r.api,
      requests: Number(r.requests),
      chargedMs: Number(r.charged_ms),
    }));
  }

  #usage(clientId: string, range: SpeechUsageRange) {
    let q = this.#db.selectFrom('speech_usage').where('client_id', '=', clientId);
    if (range.fromDay !== undefined) q = q.where('day', '>=', range.fromDay);
    if (range.toDay !== undefined) q = q.where('day', '<=', range.toDay);
    if (range.endUserKey !== undefined) q = q.where('end_user_key', '=', range.endUserKey);
    return q;
  }
}

// PostgreSQL returns bigint columns as numbers through the pool's type parser; SUM() is numeric
// (a string), so every number read here goes through Number().
function toClient(r: Selectable<SpeechClientsTable>): SpeechClientRow {
  return {
    clientId: r.client_id,
    name: r.name,
    active: Number(r.active) === 1,
    apis: r.apis === '' ? [] : r.apis.split(','),
    balanceMs: Number(r.balance_ms),
    reservedMs: Number(r.reserved_ms),
    usedMs: Number(r.used_ms),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    version: Number(r.version),
  };
}

function toEndUser(r: Selectable<SpeechEndUsersTable>): SpeechEndUserRow {
  return { clientId: r.client_id, endUserId: r.end_user_id, createdAt: Number(r.created_at) };
}

function toToken(r: Omit<Selectable<SpeechTokensTable>, 'token_hash' | 'version'>): SpeechTokenRow {
  return {
    tokenId: r.token_id,
    clientId: r.client_id,
    endUserId: r.end_user_id,
    description: r.description,
    createdAt: Number(r.created_at),
    expiresAt: r.expires_at === null ? null : Number(r.expires_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
  };
}
