/**
 * Table types for Kysely. Timestamps are epoch milliseconds (`bigint` in PostgreSQL, read back
 * as numbers); every mutable row carries `version` for optimistic concurrency. These types never
 * leave `storage/`.
 */
import type { Generated } from 'kysely';

export interface AccessKeysTable {
  readonly access_key_id: string;
  /** The secret sealed with the master key (SigV4 needs the secret itself, so it cannot be a hash). */
  readonly secret_sealed: string;
  readonly description: string | null;
  readonly created_at: number;
  readonly revoked_at: number | null;
  readonly version: Generated<number>;
}

export interface ServerSecretsTable {
  readonly name: string;
  readonly value_sealed: string;
  /** sha256 hex of the secret, compared in constant time to authenticate. */
  readonly value_hash: string;
  readonly created_at: number;
  readonly version: Generated<number>;
}

export interface Database {
  readonly access_keys: AccessKeysTable;
  readonly server_secrets: ServerSecretsTable;
}
