import type { StorageDialect } from './dialect/storage-dialect.js';
import { migrateToLatest, type MigrationReport } from './migrate.js';

export class UnsupportedDatabaseUrl extends Error {}

/**
 * Chooses the dialect from the URL scheme: `sqlite:<path>` or `postgres(ql)://…`. Each driver is
 * loaded only when its scheme is used (pg costs an admin command a tenth of its start-up).
 */
export async function connectByUrl(url: string): Promise<StorageDialect> {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    return (await import('./dialect/sqlite/connect-sqlite.js')).connectSqlite(file);
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://'))
    return (await import('./dialect/postgres/connect-postgres.js')).connectPostgres(url);
  throw new UnsupportedDatabaseUrl('expected sqlite:<path> or postgres://user@host:port/database');
}

/** Connects and migrates; the caller owns `dialect.db.destroy()`. */
export async function openStorage(
  url: string,
): Promise<{ dialect: StorageDialect; migrations: MigrationReport }> {
  const dialect = await connectByUrl(url);
  try {
    return { dialect, migrations: await migrateToLatest(dialect) };
  } catch (e) {
    await dialect.db.destroy();
    throw e;
  }
}
