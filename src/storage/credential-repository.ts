import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import type { StorageDialect } from './dialect/storage-dialect.js';

export interface AccessKeyRow {
  readonly accessKeyId: string;
  readonly secretSealed: string;
  readonly description: string | null;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

export interface ServerSecretRow {
  readonly name: string;
  readonly valueSealed: string;
  readonly valueHash: string;
}

export interface NewAccessKey {
  readonly accessKeyId: string;
  readonly secretSealed: string;
  readonly description: string | null;
  readonly createdAt: Date;
}

/** Access keys and server secrets (the admin token), as `credentials/` needs them. Sealed by the caller. */
export interface CredentialStore {
  insertAccessKey(key: NewAccessKey): Promise<void>;
  /** The key if it exists and is not revoked. */
  findActiveAccessKey(accessKeyId: string): Promise<AccessKeyRow | undefined>;
  /** Oldest first. */
  listAccessKeys(): Promise<AccessKeyRow[]>;
  revokeAccessKey(accessKeyId: string, at: Date): Promise<boolean>;
  getServerSecret(name: string): Promise<ServerSecretRow | undefined>;
  /** Creates the secret unless one of that name exists; whether this call created it. */
  createServerSecret(secret: ServerSecretRow, at: Date): Promise<boolean>;
  /** Resolves when the database answers (readiness). */
  ping(): Promise<void>;
}

export class CredentialRepository implements CredentialStore {
  readonly #db: Kysely<Database>;
  readonly #dialect: StorageDialect;

  constructor(dialect: StorageDialect) {
    this.#db = dialect.db;
    this.#dialect = dialect;
  }

  async insertAccessKey(row: NewAccessKey): Promise<void> {
    await this.#db
      .insertInto('access_keys')
      .values({
        access_key_id: row.accessKeyId,
        secret_sealed: row.secretSealed,
        description: row.description,
        created_at: row.createdAt.getTime(),
        revoked_at: null,
      })
      .execute();
  }

  /** One primary-key lookup. */
  async findActiveAccessKey(accessKeyId: string): Promise<AccessKeyRow | undefined> {
    const row = await this.#db
      .selectFrom('access_keys')
      .selectAll()
      .where('access_key_id', '=', accessKeyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row && toAccessKey(row);
  }

  async listAccessKeys(): Promise<AccessKeyRow[]> {
    const rows = await this.#db
      .selectFrom('access_keys')
      .selectAll()
      .orderBy('created_at')
      .orderBy('access_key_id')
      .execute();
    return rows.map(toAccessKey);
  }

  async revokeAccessKey(accessKeyId: string, at: Date): Promise<boolean> {
    const result = await this.#db
      .updateTable('access_keys')
      .set((eb) => ({ revoked_at: at.getTime(), version: eb('version', '+', 1) }))
      .where('access_key_id', '=', accessKeyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async getServerSecret(name: string): Promise<ServerSecretRow | undefined> {
    const row = await this.#db
      .selectFrom('server_secrets')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row && { name: row.name, valueSealed: row.value_sealed, valueHash: row.value_hash };
  }

  /**
   * The primary key decides between concurrent first starts, not a read-then-write.
   */
  async createServerSecret(row: ServerSecretRow, at: Date): Promise<boolean> {
    try {
      await this.#db
        .insertInto('server_secrets')
        .values({
          name: row.name,
          value_sealed: row.valueSealed,
          value_hash: row.valueHash,
          created_at: at.getTime(),
        })
        .execute();
      return true;
    } catch (e) {
      if (this.#dialect.isUniqueViolation(e)) return false;
      throw e;
    }
  }

  async ping(): Promise<void> {
    await this.#db.selectFrom('server_secrets').select('name').limit(1).execute();
  }
}

function toAccessKey(row: {
  access_key_id: string;
  secret_sealed: string;
  description: string | null;
  created_at: number;
  revoked_at: number | null;
}): AccessKeyRow {
  return {
    accessKeyId: row.access_key_id,
    secretSealed: row.secret_sealed,
    description: row.description,
    createdAt: new Date(Number(row.created_at)),
    revokedAt: row.revoked_at === null ? null : new Date(Number(row.revoked_at)),
  };
}
