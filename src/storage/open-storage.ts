import { connectPostgres } from './dialect/postgres/connect-postgres.js';
import { connectSqlite } from './dialect/sqlite/connect-sqlite.js';
import type { StorageDialect } from './dialect/storage-dialect.js';
import { migrateToLatest, type MigrationReport } from './migrate.js';

export class UnsupportedDatabaseUrl extends Error {}

/** Chooses the dialect from the URL scheme: `sqlite:<path>` or `postgres(ql)://…`. */
export function connectByUrl(url: string): StorageDialect {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    return connectSqlite(file);
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return connectPostgres(url);
  throw new UnsupportedDatabaseUrl('expected sqlite:<path> or postgres://user@host:port/database');
}

/** Connects and migrates; the caller owns `dialect.db.destroy()`. */
export async function openStorage(
  url: string,
): Promise<{ dialect: StorageDialect; migrations: MigrationReport }> {
  const dialect = connectByUrl(url);
  try {
    return { dialect, migrations: await migrateToLatest(dialect) };
  } catch (e) {
    await dialect.db.destroy();
    throw e;
  }
}
