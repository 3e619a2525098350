import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import type { StorageDialect } from './dialect/storage-dialect.js';

export interface KmsKeyRow {
  readonly keyId: string;
  readonly alias: string | null;
  readonly description: string | null;
  readonly state: 'Enabled' | 'Disabled';
  readonly materialSealed: string;
  readonly createdAt: number;
}

export class AliasTaken extends Error {}

/** Keys of the local key service, as `keys/` needs them (key material sealed by the caller). */
export interface KmsKeysStore {
  /** AliasTaken when another key has the alias. */
  insert(key: KmsKeyRow): Promise<void>;
  findById(keyId: string): Promise<KmsKeyRow | undefined>;
  findByAlias(alias: string): Promise<KmsKeyRow | undefined>;
  /** Oldest first. */
  list(): Promise<KmsKeyRow[]>;
  /** False when there is no such key. */
  setState(keyId: string, state: 'Enabled' | 'Disabled'): Promise<boolean>;
}

export class KmsKeyRepository implements KmsKeysStore {
  readonly #db: Kysely<Database>;
  readonly #dialect: StorageDialect;

  constructor(dialect: StorageDialect) {
    this.#db = dialect.db;
    this.#dialect = dialect;
  }

  async insert(row: KmsKeyRow): Promise<void> {
    try {
      await this.#db
        .insertInto('kms_keys')
        .values({
          key_id: row.keyId,
          alias: row.alias,
          description: row.description,
          state: row.state,
          material_sealed: row.materialSealed,
          created_at: row.createdAt,
        })
        .execute();
    } catch (e) {
      if (this.#dialect.isUniqueViolation(e)) throw new AliasTaken();
      throw e;
    }
  }

  async findById(keyId: string): Promise<KmsKeyRow | undefined> {
    const r = await this.#db
      .selectFrom('kms_keys')
      .selectAll()
      .where('key_id', '=', keyId)
      .executeTakeFirst();
    return r && toRow(r);
  }

  async findByAlias(alias: string): Promise<KmsKeyRow | undefined> {
    const r = await this.#db
      .selectFrom('kms_keys')
      .selectAll()
      .where('alias', '=', alias)
      .executeTakeFirst();
    return r && toRow(r);
  }

  async list(): Promise<KmsKeyRow[]> {
    return (
      await this.#db
        .selectFrom('kms_keys')
        .selectAll()
        .orderBy('created_at')
        .orderBy('key_id')
        .execute()
    ).map(toRow);
  }

  async setState(keyId: string, state: 'Enabled' | 'Disabled'): Promise<boolean> {
    const r = await this.#db
      .updateTable('kms_keys')
      .set((eb) => ({ state, version: eb('version', '+', 1) }))
      .where('key_id', '=', keyId)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }
}

function toRow(r: {
  key_id: string;
  alias: string | null;
  description: string | null;
  state: 'Enabled' | 'Disabled';
  material_sealed: string;
  created_at: number;
}): KmsKeyRow {
  return {
    keyId: r.key_id,
    alias: r.alias,
    description: r.description,
    state: r.state,
    materialSealed: r.material_sealed,
    createdAt: Number(r.created_at),
  };
}
