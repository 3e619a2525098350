/**
 * The storage contracts, case by case, on every backend: each repository through the interface
 * its domain uses. Driver errors become the domain's outcomes (unique and foreign-key violations
 * → ClaimTaken, ClientTokenTaken, DomainGone, WatchlistGone, …), documents and booleans come
 * back as they went in, optimistic versions refuse stale writes. A backend that answers any of
 * these differently fails here, not in an end-to-end test three layers up.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AliasTaken,
  ClaimTaken,
  ClientTokenTaken,
  CredentialRepository,
  DomainGone,
  IdentityStoreRepository,
  JobQueueRepository,
  KmsKeyRepository,
  MembershipExists,
  QuotaReached,
  ResourceGone,
  SpeechAccountsRepository,
  SpeechJobsRepository,
  VoiceIdPeopleRepository,
  VoiceIdRepository,
  WatchlistGone,
  openStorage,
  type CredentialStore,
  type IdentityResourcesStore,
  type KmsKeysStore,
  type NewDomain,
  type NewWatchlist,
  type SpeechJobsStore,
  type StorageDialect,
  type VoiceDataRecord,
  type VoiceIdDomainsStore,
  type VoiceIdPeopleStore,
} from '../../src/storage/index.js';
import { createTestDatabase, databaseUrlOf, testDatabaseKinds } from '../support/test-databases.js';
import type { TestDatabase } from '../support/test-databases.js';

const T = 1_700_000_000_000;

async function rejectsWith(promise: Promise<unknown>, type: new (...a: never[]) => Error) {
  await assert.rejects(promise, (e: unknown) => e instanceof type);
}

for (const kind of testDatabaseKinds()) {
  describe(`repository cases (${kind})`, () => {
    let database: TestDatabase;
    let dialect: StorageDialect;
    let keys: KmsKeysStore;
    let credentials: CredentialStore;
    let identity: IdentityResourcesStore;
    let domains: VoiceIdDomainsStore;
    let people: VoiceIdPeopleStore;
    let speechJobs: SpeechJobsStore;

    before(async () => {
      database = await createTestDatabase(kind);
      ({ dialect } = await openStorage(databaseUrlOf(database)));
      keys = new KmsKeyRepository(dialect);
      credentials = new CredentialRepository(dialect);
      identity = new IdentityStoreRepository(dialect);
      domains = new VoiceIdRepository(dialect);
      people = new VoiceIdPeopleRepository(dialect);
      speechJobs = new SpeechJobsRepository(dialect);
    });
    after(async () => {
      await dialect.db.destroy();
      await database.drop();
    });

    const key = (keyId: string, alias: string | null = null) =>
      keys.insert({
        keyId,
        alias,
        description: null,
        state: 'Enabled',
        materialSealed: 'sealed',
        createdAt: T,
      });

    test('the dialect tells unique from foreign-key violations', async () => {
      await key('k-dialect');
      const unique = await dialect.db
        .insertInto('kms_keys')
        .values({
          key_id: 'k-dialect',
          alias: null,
          description: null,
          state: 'Enabled',
          material_sealed: 'x',
          created_at: T,
        })
        .execute()
        .catch((e: unknown) => e);
      assert.ok(dialect.isUniqueViolation(unique));
      assert.ok(!dialect.isForeignKeyViolation(unique));
      const orphan = await dialect.db
        .insertInto('voiceid_watchlists')
        .values({
          watchlist_id: 'w-orphan',
          domain_id: 'no-such-domain',
          name: 'x',
          description: null,
          is_default: 0,
          client_token: null,
          request_fingerprint: null,
          created_at: T,
          updated_at: T,
        })
        .execute()
        .catch((e: unknown) => e);
      assert.ok(dialect.isForeignKeyViolation(orphan));
      assert.ok(!dialect.isUniqueViolation(orphan));
      assert.ok(!dialect.isUniqueViolation(new Error('other')));
      assert.ok(!dialect.isForeignKeyViolation(undefined));
    });

    describe('keys and credentials', () => {
      test('a taken alias is AliasTaken; state changes report missing keys', async () => {
        await key('k-1', 'alias/one');
        await rejectsWith(key('k-2', 'alias/one'), AliasTaken);
        assert.equal((await keys.findByAlias('alias/one'))?.keyId, 'k-1');
        assert.equal(await keys.setState('k-1', 'Disabled'), true);
        assert.equal((await keys.findById('k-1'))?.state, 'Disabled');
        assert.equal(await keys.setState('k-none', 'Enabled'), false);
      });

      test('access keys revoke once; a server secret is created by exactly one caller', async () => {
        await credentials.insertAccessKey({
          accessKeyId: 'AKIATEST',
          secretSealed: 's',
          description: null,
          createdAt: new Date(T),
        });
        assert.equal((await credentials.findActiveAccessKey('AKIATEST'))?.revokedAt, null);
        assert.equal(await credentials.revokeAccessKey('AKIATEST', new Date(T + 1)), true);
        assert.equal(await credentials.revokeAccessKey('AKIATEST', new Date(T + 2)), false);
        assert.equal(await credentials.findActiveAccessKey('AKIATEST'), undefined);
        const secret = { name: 'case-secret', valueSealed: 'v', valueHash: 'h' };
        const created = await Promise.all([
          credentials.createServerSecret(secret, new Date(T)),
          credentials.createServerSecret({ ...secret, valueSealed: 'w' }, new Date(T)),
        ]);
        assert.deepEqual(created.sort(), [false, true]);
      });
    });

    describe('identity store', () => {
      const store = 'd-case000001';
      const resource = (id: string, kind: 'USER' | 'GROUP', attributes: object) => ({
        resourceId: id,
        storeId: store,
        kind,
        attributes,
        createdAt: T,
        updatedAt: T,
        createdBy: 'me',
        updatedBy: 'me',
      });

      before(async () => {
        assert.equal(await identity.createStore(store, T), true);
      });

      test('a store id is created once', async () => {
        assert.equal(await identity.createStore(store, T), false);
        assert.ok((await identity.listStores()).some((s) => s.storeId === store));
      });

      test('the attribute document comes back as it went in', async () => {
        const document = {
          userName: 'Zoë',
          name: { givenName: 'Zoë', familyName: '𝔘nicode' },
          emails: [{ value: 'z@example.com', primary: true }],
          nickName: 'a "quoted" \\ back\nslash',
        };
        await identity.insertResource(resource('u-doc', 'USER', document), [], 100);
        const stored = await identity.getResource('USER', 'u-doc');
        assert.deepEqual(stored?.attributes, document);
        assert.equal(stored?.version, 1);
        assert.equal(
          await identity.getResource('GROUP', 'u-doc'),
          undefined,
          'kind is part of the key',
        );
      });

      test('a taken claim is ClaimTaken with its kind; nothing of the write stays', async () => {
        const claim = { kind: 'userName', claimKey: 'k-taken', lookupKey: 'l-taken' };
        await identity.insertResource(resource('u-a', 'USER', {}), [claim], 100);
        await assert.rejects(
          identity.insertResource(resource('u-b', 'USER', {}), [claim], 100),
          (e: unknown) => e instanceof ClaimTaken && e.kind === 'userName',
        );
        assert.equal(await identity.getResource('USER', 'u-b'), undefined);
        assert.equal(
          (await identity.findOldestByClaim(store, 'userName', 'l-taken'))?.resourceId,
          'u-a',
        );
      });

      test('quotas and missing stores are refused inside the write', async () => {
        const other = 'd-case000002';
        await identity.createStore(other, T);
        const inOther = (id: string) => ({ ...resource(id, 'GROUP', {}), storeId: other });
        await identity.insertResource(inOther('g-q1'), [], 1);
        await assert.rejects(
          identity.insertResource(inOther('g-q2'), [], 1),
          (e: unknown) => e instanceof QuotaReached && e.quota === 'groups' && e.limit === 1,
        );
        await assert.rejects(
          identity.insertResource({ ...inOther('g-q3'), storeId: 'd-nostore000' }, [], 10),
          (e: unknown) => e instanceof ResourceGone && e.kind === 'STORE',
        );
      });

      test('a stale version is refused; a missing resource says so', async () => {
        await identity.insertResource(resource('u-v', 'USER', { v: 1 }), [], 100);
        const change = {
          attributes: { v: 2 },
          updatedAt: T + 1,
          updatedBy: 'you',
          claims: undefined,
        };
        assert.equal(await identity.updateResource('USER', 'u-v', 1, change), 'updated');
        assert.equal(await identity.updateResource('USER', 'u-v', 1, change), 'stale');
        assert.equal(await identity.updateResource('USER', 'u-none', 1, change), 'missing');
        const now = await identity.getResource('USER', 'u-v');
        assert.deepEqual([now?.attributes, now?.version, now?.updatedBy], [{ v: 2 }, 2, 'you']);
        if (identity.supportsRowLocks) {
          const locked = await identity.updateResourceLocked('USER', 'u-v', (r) => ({
            ...change,
            attributes: { v: (r.attributes as { v: number }).v + 1 },
          }));
          assert.equal(locked, 'updated');
          assert.deepEqual((await identity.getResource('USER', 'u-v'))?.attributes, { v: 3 });
        }
      });

      test('memberships: duplicates, deleted members, both directions', async () => {
        await identity.insertResource(resource('g-m', 'GROUP', {}), [], 100);
        await identity.insertResource(resource('u-m', 'USER', {}), [], 100);
        await identity.insertResource(resource('u-gone', 'USER', {}), [], 100);
        const membership = (id: string, userId: string) => ({
          membershipId: id,
          storeId: store,
          groupId: 'g-m',
          userId,
          createdAt: T,
          updatedAt: T,
          createdBy: 'me',
          updatedBy: 'me',
        });
        await identity.insertMembership(membership('m-1', 'u-m'), 10);
        await rejectsWith(
          identity.insertMembership(membership('m-2', 'u-m'), 10),
          MembershipExists,
        );
        await assert.rejects(
          identity.insertMembership(membership('m-3', 'u-doc'), 0),
          (e: unknown) => e instanceof QuotaReached && e.quota === 'groupsPerUser',
        );
        assert.equal(await identity.deleteResource('USER', store, 'u-gone'), true);
        await assert.rejects(
          identity.insertMembership(membership('m-4', 'u-gone'), 10),
          (e: unknown) => e instanceof ResourceGone && e.kind === 'USER',
        );
        const ofGroup = await identity.listMemberships('group', 'g-m', undefined, 10);
        const ofMember = await identity.listMemberships('member', 'u-m', undefined, 10);
        assert.deepEqual(
          ofGroup.map((m) => m.membershipId),
          ['m-1'],
        );
        assert.deepEqual(
          ofMember.map((m) => m.membershipId),
          ['m-1'],
        );
        const status = await identity.membershipStatus(store, 'u-m', ['g-m', 'g-none', 'u-doc']);
        assert.deepEqual([...status], [['g-m', true]]);
        assert.equal(await identity.deleteResource('GROUP', store, 'g-m'), true);
        assert.equal(
          await identity.getMembership('m-1'),
          undefined,
          'memberships go with the group',
        );
      });
    });

    describe('voice id', () => {
      const newDomain = (
        domainId: string,
        keyRef: string,
        clientToken: string | null,
      ): NewDomain => ({
        domainId,
        name: `domain ${domainId}`,
        description: null,
        kmsKeyId: `alias/${keyRef}`,
        keyRef,
        status: 'ACTIVE',
        encryptionUpdate: null,
        defaultWatchlistId: `${domainId}-w0`,
        clientToken,
        requestFingerprint: 'fp',
        createdAt: T,
        updatedAt: T,
      });
      const defaultList = (domainId: string): NewWatchlist => ({
        watchlistId: `${domainId}-w0`,
        domainId,
        name: 'Default',
        description: 'd',
        isDefault: true,
        clientToken: null,
        requestFingerprint: null,
        createdAt: T,
        updatedAt: T,
      });
      const customList = (domainId: string, watchlistId: string): NewWatchlist => ({
        ...defaultList(domainId),
        watchlistId,
        name: watchlistId,
        isDefault: false,
      });
      const voiceData = (domainId: string, ownerId: string, recordId: string): VoiceDataRecord => ({
        recordId,
        domainId,
        ownerId,
        kind: 'VOICEPRINT',
        keyRef: 'vk-1',
        wrappedKey: 'wrapped',
        ciphertext: 'AAAA',
        createdAt: T,
      });

      before(async () => {
        await key('vk-1');
        await key('vk-2');
        await domains.insertDomain(newDomain('dom-a', 'vk-1', 'token-a'), defaultList('dom-a'), [
          { key: 'team', value: 'fraud' },
        ]);
      });

      test('a domain reads back with its key state, encryption update and default watchlist', async () => {
        const d = await domains.getDomain('dom-a');
        assert.equal(d?.keyEnabled, true);
        assert.equal(d?.encryptionUpdate, null);
        assert.equal(d?.version, 1);
        assert.equal((await domains.getWatchlist('dom-a', 'dom-a-w0'))?.isDefault, true);
        assert.deepEqual(await domains.listTags('dom-a'), [{ key: 'team', value: 'fraud' }]);
        await keys.setState('vk-1', 'Disabled');
        assert.equal((await domains.getDomain('dom-a'))?.keyEnabled, false);
        await keys.setState('vk-1', 'Enabled');
      });

      test('a used ClientToken is ClientTokenTaken and leaves nothing behind', async () => {
        await rejectsWith(
          domains.insertDomain(newDomain('dom-b', 'vk-1', 'token-a'), defaultList('dom-b'), []),
          ClientTokenTaken,
        );
        assert.equal(await domains.getDomain('dom-b'), undefined);
        assert.equal(await domains.getWatchlist('dom-b', 'dom-b-w0'), undefined);
        assert.equal((await domains.findDomainByClientToken('token-a'))?.domainId, 'dom-a');
      });

      test('updates are optimistic; the encryption update round-trips and finishes once', async () => {
        const change = {
          name: 'renamed',
          description: 'new',
          kmsKeyId: 'alias/vk-2',
          keyRef: 'vk-2',
          updatedAt: T + 5,
          encryptionUpdate: {
            status: 'IN_PROGRESS' as const,
            oldKmsKeyId: 'alias/vk-1',
            message: null,
          },
        };
        assert.equal(await domains.updateDomain('dom-a', 1, change, false), true);
        assert.equal(await domains.updateDomain('dom-a', 1, change, false), false, 'stale');
        const d = await domains.getDomain('dom-a');
        assert.deepEqual(d?.encryptionUpdate, change.encryptionUpdate);
        assert.deepEqual([d?.name, d?.keyRef, d?.version], ['renamed', 'vk-2', 2]);
        const keepsUpdate = { ...change, encryptionUpdate: undefined, name: 'again' };
        assert.equal(await domains.updateDomain('dom-a', 2, keepsUpdate, false), true);
        assert.equal((await domains.getDomain('dom-a'))?.encryptionUpdate?.status, 'IN_PROGRESS');
      });

      test('watchlists: FK races are DomainGone; a non-empty list is not deleted', async () => {
        await rejectsWith(domains.insertWatchlist(customList('dom-none', 'w-x')), DomainGone);
        await domains.insertWatchlist({ ...customList('dom-a', 'w-1'), clientToken: 'wt' });
        await rejectsWith(
          domains.insertWatchlist({ ...customList('dom-a', 'w-2'), clientToken: 'wt' }),
          ClientTokenTaken,
        );
        assert.equal((await domains.getWatchlist('dom-a', 'w-1'))?.isDefault, false);
        assert.equal(
          await domains.updateWatchlist('dom-a', 'w-1', 1, {
            name: 'n',
            description: null,
            updatedAt: T,
          }),
          true,
        );
        assert.equal(
          await domains.updateWatchlist('dom-a', 'w-1', 1, {
            name: 'n',
            description: null,
            updatedAt: T,
          }),
          false,
        );
        await people.insertFraudster('dom-a', 'f-1', 'w-1', T, [voiceData('dom-a', 'f-1', 'r-f1')]);
        assert.equal(await domains.deleteWatchlist('dom-a', 'w-1'), 'not-empty');
        assert.equal(
          await domains.deleteWatchlist('dom-a', 'dom-a-w0'),
          'missing',
          'not the default',
        );
        const lists = await domains.listWatchlists('dom-a', undefined, 10);
        assert.deepEqual(lists.map((w) => w.watchlistId).sort(), ['dom-a-w0', 'w-1']);
      });

      test('tags: upserts, a cap, a deleted domain', async () => {
        assert.equal(await domains.putTags('dom-a', [{ key: 'team', value: 'risk' }], 2), 'ok');
        assert.equal(
          await domains.putTags(
            'dom-a',
            [
              { key: 'a', value: '1' },
              { key: 'b', value: '2' },
            ],
            2,
          ),
          'too-many',
        );
        assert.deepEqual(await domains.listTags('dom-a'), [{ key: 'team', value: 'risk' }]);
        await rejectsWith(domains.putTags('dom-none', [{ key: 'a', value: '1' }], 5), DomainGone);
      });

      test('fraudsters: missing watchlists are WatchlistGone; the last watchlist stays', async () => {
        await rejectsWith(people.insertFraudster('dom-a', 'f-2', 'w-none', T, []), WatchlistGone);
        assert.equal(await people.getFraudster('dom-a', 'f-2'), undefined);
        await people.associate('f-1', 'dom-a-w0');
        await people.associate('f-1', 'dom-a-w0');
        assert.deepEqual((await people.getFraudster('dom-a', 'f-1'))?.watchlistIds, [
          'dom-a-w0',
          'w-1',
        ]);
        await rejectsWith(people.associate('f-1', 'w-none'), WatchlistGone);
        assert.equal(await people.disassociate('f-1', 'w-1'), 'removed');
        assert.equal(await people.disassociate('f-1', 'dom-a-w0'), 'last');
        assert.equal(await people.disassociate('f-1', 'w-1'), 'not-associated');
        const listed = await people.listFraudsters('dom-a', 'dom-a-w0', undefined, 10);
        assert.deepEqual(
          listed.map((f) => f.fraudsterId),
          ['f-1'],
        );
      });

      test('speakers and voice data: opt-out races, deletion with data, re-wrapping', async () => {
        const speaker = {
          generatedId: 'id#s1',
          domainId: 'dom-a',
          customerSpeakerId: 'cust-1',
          status: 'OPTED_OUT' as const,
          createdAt: T,
          updatedAt: T,
          lastAccessedAt: null,
        };
        assert.equal(await people.insertSpeaker(speaker), true);
        assert.equal(await people.insertSpeaker({ ...speaker, generatedId: 'id#s2' }), false);
        const byCustomer = await people.findSpeaker('dom-a', 'cust-1');
        const byGenerated = await people.findSpeaker('dom-a', 'id#s1');
        assert.deepEqual(byCustomer, byGenerated);
        assert.deepEqual([byCustomer?.status, byCustomer?.lastAccessedAt], ['OPTED_OUT', null]);

        const data = await people.voiceDataOf('f-1');
        assert.deepEqual(data, [voiceData('dom-a', 'f-1', 'r-f1')]);
        assert.deepEqual(
          (await people.recordsNotUnder('dom-a', 'vk-2', 10)).map((r) => r.recordId),
          ['r-f1'],
        );
        await people.rewrap('r-f1', 'vk-1', 'vk-2', 'rewrapped');
        await people.rewrap('r-f1', 'vk-1', 'vk-2', 'late'); // already moved: a no-op
        assert.deepEqual(
          (await people.voiceDataOf('f-1')).map((r) => [r.keyRef, r.wrappedKey]),
          [['vk-2', 'rewrapped']],
        );
        assert.equal(await people.countVoiceData('dom-a'), 1);
        assert.equal(await people.deleteFraudster('dom-a', 'f-1'), true);
        assert.equal(await people.countVoiceData('dom-a'), 0, 'voice data goes with its owner');
        assert.equal(await people.deleteFraudster('dom-a', 'f-1'), false);
      });

      test('deleting a domain takes everything in it', async () => {
        await domains.finishEncryptionUpdate('dom-a', 'vk-2', 'COMPLETED', null, 'nobody');
        assert.equal(
          (await domains.getDomain('dom-a'))?.encryptionUpdate?.status,
          'IN_PROGRESS',
          'only the holder of the queue entry ends the update',
        );
        assert.equal(await domains.deleteDomain('dom-a'), true);
        assert.equal(await domains.getDomain('dom-a'), undefined);
        assert.equal(await people.findSpeaker('dom-a', 'id#s1'), undefined);
        assert.deepEqual(await domains.listTags('dom-a'), []);
        assert.equal(await domains.deleteDomain('dom-a'), false);
      });
    });

    test('speech jobs: parameters, results and failures come back as documents', async () => {
      const accounts = new SpeechAccountsRepository(dialect);
      await accounts.insertClient({
        clientId: 'sc-1',
        name: 'c',
        active: true,
        apis: ['scripted'],
        balanceMs: 0,
        createdAt: T,
        updatedAt: T,
      });
      const job = {
        jobId: 'sj-1',
        clientId: 'sc-1',
        endUserId: null,
        parameters: { sentences: ['We call it bear'], plan: 'premium' },
        audioMs: 1000,
        reservationId: 'r-1',
        reservedMs: 1000,
        reservationExpiresAt: T,
        createdAt: T,
      };
      await speechJobs.insert(job, new Uint8Array([1, 2, 3, 4]));
      const queued = await speechJobs.get('sj-1');
      assert.deepEqual(
        [queued?.status, queued?.parameters, queued?.result],
        ['queued', job.parameters, null],
      );
      assert.deepEqual([...((await speechJobs.audio('sj-1')) ?? [])], [1, 2, 3, 4]);
      // Not claimed by 'nobody': nothing is written.
      const failure = { name: 'ASRSocketTimeout', message: 'ASR timeout', params: {} };
      assert.equal(
        await speechJobs.finish('sj-1', 'nobody', { status: 'failed', failure }, T, false),
        false,
      );
      assert.equal((await speechJobs.get('sj-1'))?.failure, null);
      assert.ok(await new JobQueueRepository(dialect).claim('sj-1', 'runner', T, T + 60_000));
      assert.equal(
        await speechJobs.finish('sj-1', 'runner', { status: 'failed', failure }, T + 1, false),
        true,
      );
      const failed = await speechJobs.get('sj-1');
      assert.deepEqual(
        [failed?.status, failed?.failure, failed?.result],
        ['failed', failure, null],
      );
      assert.equal(await speechJobs.audio('sj-1'), undefined, 'the audio goes with the outcome');
    });
  });
}
