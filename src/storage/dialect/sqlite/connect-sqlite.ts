import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../../database.js';
import type { StorageDialect } from '../storage-dialect.js';

/** How long a writer waits for another process's write lock (admin CLI beside a running server). */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens the embedded database: WAL so readers never block the writer and admin commands work
 * while the server runs; `synchronous=FULL` so an acknowledged write survives a power cut
 * as well as a kill -9.
 */
export function connectSqlite(file: string): StorageDialect {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  database.pragma('foreign_keys = ON');
  return {
    kind: 'sqlite',
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database }) }),
    // SQLite has one writer at a time: there is nothing to skip, a job claim is a plain UPDATE.
    capabilities: { supportsSkipLocked: false, supportsReturning: true, supportsRowLocks: false },
    isUniqueViolation: (e) =>
      typeof e === 'object' &&
      e !== null &&
      'code' in e &&
      (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'),
    description: `sqlite:${file}`,
  };
}
