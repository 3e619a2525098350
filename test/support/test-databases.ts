/**
 * The storage backends every storage-touching suite runs on (kysely's DIALECTS idea): SQLite
 * always; PostgreSQL when `VOXGATE_TEST_POSTGRES_URL` names a server (`./setup.sh test` sets it
 * when PostgreSQL answers on 127.0.0.1:5432; `.ci/run` always does). Each test gets a database
 * of its own, created here and dropped afterwards (once the connections to it have closed).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export type TestDatabaseKind = 'sqlite' | 'postgres';

export function testDatabaseKinds(): TestDatabaseKind[] {
  return process.env.VOXGATE_TEST_POSTGRES_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

export interface TestDatabase {
  readonly kind: TestDatabaseKind;
  readonly dataDir: string;
  /** undefined for SQLite: the server's default (a file in the data directory) is what is tested. */
  readonly databaseUrl: string | undefined;
  drop(): Promise<void>;
}

export async function createTestDatabase(kind: TestDatabaseKind): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'voxgate-test-'));
  if (kind === 'sqlite') {
    return {
      kind,
      dataDir,
      databaseUrl: undefined,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const adminUrl = process.env.VOXGATE_TEST_POSTGRES_URL ?? '';
  const name = `voxgate_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    kind,
    dataDir,
    databaseUrl: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        // pg's Pool.end() resolves once its clients are told to end, not once their sockets have
        // closed; dropping WITH FORCE before then kills those connections, and their error, with
        // no listener left, would be an uncaught exception. Wait (a little) for them to go.
        for (let i = 0; i < 200; i++) {
          const { rows } = await c.query<{ n: string }>(
            'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1',
            [name],
          );
          if (Number(rows[0]?.n) === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The storage URL of a test database, as `voxgate serve` would derive it for SQLite. */
export function databaseUrlOf(database: TestDatabase): string {
  return database.databaseUrl ?? `sqlite:${path.join(database.dataDir, 'voxgate.db')}`;
}
