import { Migrator, type MigrationResult } from 'kysely';
import type { StorageDialect } from './dialect/storage-dialect.js';
import { MIGRATIONS } from './migrations/index.js';

export interface MigrationReport {
  readonly applied: readonly string[];
}

/**
 * Brings the schema up to date under Kysely's migration lock (an advisory lock on PostgreSQL).
 * On SQLite two processes opening a new data directory at once (server and admin CLI) can race;
 * the loser's transaction rolls back whole, so it simply tries again and finds nothing to do.
 */
export async function migrateToLatest(dialect: StorageDialect): Promise<MigrationReport> {
  const migrator = new Migrator({
    db: dialect.db,
    provider: { getMigrations: async () => MIGRATIONS },
  });
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (!error) {
      return {
        applied: (results ?? [])
          .filter((r: MigrationResult) => r.status === 'Success')
          .map((r) => r.migrationName),
      };
    }
    lastError = error;
  }
  throw new Error(`database migration failed: ${String(lastError)}`, { cause: lastError });
}
