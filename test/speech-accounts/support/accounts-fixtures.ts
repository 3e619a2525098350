/**
 * Speech accounts over a real database of each backend: a fresh database per suite, the same
 * repository and domain objects `voxgate serve` wires, and a clock the test can move.
 */
import assert from 'node:assert/strict';
import { SpeechAccounts, type SpeechAccountsOptions } from '../../../src/speech/accounts/index.js';
import {
  SpeechAccountsRepository,
  openStorage,
  type StorageDialect,
} from '../../../src/storage/index.js';
import { isVoxgateError } from '../../../src/errors/index.js';
import {
  createTestDatabase,
  databaseUrlOf,
  type TestDatabase,
  type TestDatabaseKind,
} from '../../support/test-databases.js';

export { databaseUrlOf };

export interface AccountsContext {
  readonly accounts: SpeechAccounts;
  readonly dialect: StorageDialect;
  readonly database: TestDatabase;
  readonly databaseUrl: string;
  /** The accounts' clock, epoch ms; tests move it forward. */
  readonly clock: { now: number };
  /** Another SpeechAccounts over its own connection (pool) to the same database. */
  openAnother(options?: SpeechAccountsOptions): Promise<{
    accounts: SpeechAccounts;
    close(): Promise<void>;
  }>;
  close(): Promise<void>;
}

export async function openAccounts(
  kind: TestDatabaseKind,
  options: Omit<SpeechAccountsOptions, 'now'> = {},
): Promise<AccountsContext> {
  const database = await createTestDatabase(kind);
  const databaseUrl = databaseUrlOf(database);
  const { dialect } = await openStorage(databaseUrl);
  const clock = { now: Date.now() };
  const accounts = new SpeechAccounts(new SpeechAccountsRepository(dialect), {
    ...options,
    now: () => clock.now,
  });
  const others: StorageDialect[] = [];
  return {
    accounts,
    dialect,
    database,
    databaseUrl,
    clock,
    openAnother: async (more = {}) => {
      const other = (await openStorage(databaseUrl)).dialect;
      others.push(other);
      return {
        accounts: new SpeechAccounts(new SpeechAccountsRepository(other), {
          ...options,
          now: () => clock.now,
          ...more,
        }),
        close: () => other.db.destroy(),
      };
    },
    close: async () => {
      await Promise.allSettled(others.map((o) => o.db.destroy()));
      await dialect.db.destroy();
      await database.drop();
    },
  };
}

/** Asserts `promise` rejects with the catalogued error `name` and returns it. */
export async function catalogued(
  promise: Promise<unknown>,
  name: string,
  params?: Readonly<Record<string, string | number>>,
) {
  try {
    await promise;
  } catch (e) {
    assert.ok(isVoxgateError(e), `expected ${name}, got ${String(e)}`);
    assert.equal(e.definition.name, name, e.message);
    if (params) assert.deepEqual(e.params, params);
    return e;
  }
  assert.fail(`expected ${name}, but it resolved`);
}
