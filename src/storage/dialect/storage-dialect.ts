import type { Kysely } from 'kysely';
import type { Database } from '../database.js';

/**
 * What differs between the databases, as capabilities rather than names (STYLE §8): repository
 * code asks `capabilities.supportsSkipLocked`, never which database it is on.
 */
export interface StorageCapabilities {
  readonly supportsSkipLocked: boolean;
  readonly supportsReturning: boolean;
  /** `SELECT … FOR UPDATE` row locks (PostgreSQL). SQLite has one writer at a time instead. */
  readonly supportsRowLocks: boolean;
}

export interface StorageDialect {
  readonly kind: 'sqlite' | 'postgres';
  readonly db: Kysely<Database>;
  readonly capabilities: StorageCapabilities;
  /** Whether a driver error is a unique-constraint violation (mapped to domain conflicts). */
  isUniqueViolation(error: unknown): boolean;
  /** Whether a driver error is a foreign-key violation (a parent row is gone, or still has children). */
  isForeignKeyViolation(error: unknown): boolean;
  /** A description safe to log: no password. */
  readonly description: string;
}

/** The driver's error code (`pg` and `better-sqlite3` both put it in `code`), if any. */
export function driverErrorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}
