/**
 * Migration 0008 re-keys the uniqueness claims stored under the old fold (NFC, lower case), so
 * names stored before it are found, and conflict, under the new one; a pair that only the new
 * fold makes equal keeps both users, untouched.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Migrator } from 'kysely';
import { connectByUrl } from '../../src/storage/open-storage.js';
import { MIGRATIONS } from '../../src/storage/migrations/index.js';
import { userNameLookup } from '../../src/identitystore/claims.js';
import { createTestDatabase, databaseUrlOf, testDatabaseKinds } from '../support/test-databases.js';

const oldKey = (prefix: string, v: string) =>
  createHash('sha256')
    .update(`${prefix}:${v.normalize('NFC').toLowerCase()}`)
    .digest('hex');

for (const kind of testDatabaseKinds()) {
  describe(`migration 0008: claims under the new fold (${kind})`, () => {
    test('old keys are re-keyed; a collision keeps the old key', async () => {
      const database = await createTestDatabase(kind);
      const dialect = await connectByUrl(databaseUrlOf(database));
      try {
        const migrator = new Migrator({
          db: dialect.db,
          provider: { getMigrations: async () => MIGRATIONS },
        });
        assert.equal((await migrator.migrateTo('0007-speech-jobs')).error, undefined);
        const db = dialect.db;
        await db
          .insertInto('identity_stores')
          .values({ store_id: 'd-0000000001', created_at: 0 })
          .execute();
        const users = [
          ['u1', 'ｊdoe'], // fullwidth j: a different key before, 'jdoe' after
          ['u2', 'mallory'],
          ['u3', 'mallory\u3164'], // collides with u2 under the new fold
          ['u4', 'plain'],
        ] as const;
        for (const [id, name] of users) {
          await db
            .insertInto('identity_resources')
            .values({
              resource_id: id,
              store_id: 'd-0000000001',
              kind: 'USER',
              attributes: JSON.stringify({ userName: name }),
              created_at: 0,
              updated_at: 0,
              created_by: 't',
              updated_by: 't',
            })
            .execute();
          const key = oldKey('u', name);
          await db
            .insertInto('identity_claims')
            .values({
              store_id: 'd-0000000001',
              kind: 'userName',
              claim_key: key,
              lookup_key: key,
              resource_id: id,
            })
            .execute();
        }
        assert.equal((await migrator.migrateToLatest()).error, undefined);
        const keys = new Map(
          (
            await db.selectFrom('identity_claims').select(['resource_id', 'lookup_key']).execute()
          ).map((r) => [r.resource_id, r.lookup_key]),
        );
        assert.equal(keys.get('u1'), userNameLookup('jdoe'));
        assert.equal(keys.get('u2'), userNameLookup('mallory'));
        assert.equal(
          keys.get('u3'),
          oldKey('u', 'mallory\u3164'),
          'the later of a pair keeps its key',
        );
        assert.equal(keys.get('u4'), userNameLookup('plain'));
      } finally {
        await dialect.db.destroy();
        await database.drop();
      }
    });
  });
}
