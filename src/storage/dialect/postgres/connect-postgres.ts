import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../../database.js';
import { driverErrorCode, type StorageDialect } from '../storage-dialect.js';

const INT8_OID = 20;
const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

/**
 * Opens a PostgreSQL pool. Timestamps are epoch milliseconds in `bigint` columns: parse them as
 * numbers (exact up to 2^53 ms, far beyond any date we store) for this pool only, not globally.
 */
export function connectPostgres(url: string): StorageDialect {
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'),
  };
  const pool = new pg.Pool({ connectionString: url, max: 10, types });
  const safe = new URL(url);
  if (safe.password) safe.password = '***';
  return {
    kind: 'postgres',
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    capabilities: { supportsSkipLocked: true, supportsReturning: true, supportsRowLocks: true },
    isUniqueViolation: (e) => driverErrorCode(e) === UNIQUE_VIOLATION,
    isForeignKeyViolation: (e) => driverErrorCode(e) === FOREIGN_KEY_VIOLATION,
    description: safe.toString(),
  };
}
