import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../../database.js';
import { driverErrorCode, type StorageDialect } from '../storage-dialect.js';

/** How long a writer waits for another process's write lock (admin CLI beside a running server). */
const BUSY_TIMEOUT_MS = 5000;

/** Prepared statements kept per SQL text; past this many distinct texts the cache starts over. */
const STATEMENT_CACHE_SIZE = 512;

/**
 * Kysely's SQLite driver prepares every query anew, which costs more than running it. Queries
 * are built from a small set of shapes, so statements are cached by their SQL text and reused
 * (safe: better-sqlite3 runs a statement to completion before returning, and nothing here
 * iterates a statement while another query runs).
 */
function withStatementCache(database: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = (source: string): SQLite.Statement => {
    let statement = cache.get(source);
    if (!statement) {
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
      statement = database.prepare(source);
      cache.set(source, statement);
    }
    return statement;
  };
  return new Proxy(database, {
    get(target, property) {
      if (property === 'prepare') return prepare;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

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
    db: new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(database) }),
    }),
    // SQLite has one writer at a time: there is nothing to skip, a job claim is a plain UPDATE.
    capabilities: { supportsSkipLocked: false, supportsReturning: true, supportsRowLocks: false },
    isUniqueViolation: (e) => {
      const code = driverErrorCode(e);
      return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
    },
    isForeignKeyViolation: (e) => driverErrorCode(e) === 'SQLITE_CONSTRAINT_FOREIGNKEY',
    description: `sqlite:${file}`,
  };
}
