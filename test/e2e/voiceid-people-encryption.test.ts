/**
 * Voice ID fraudsters, speakers and encryption at rest end to end (docs/voiceid.md): fraudsters
 * (seeded with `voxgate admin fraudsters create`) on watchlists through the SDK, speakers opted
 * out, DOMAIN_NOT_ACTIVE while the domain's key is disabled, the voice data rows read straight
 * from the database (no plaintext, every row under the domain's key), and the background
 * re-encryption after a key change: IN_PROGRESS → COMPLETED, the lock against a second change,
 * a process killed half-way and resumed by the next one, FAILED while the old key is disabled and
 * the retry.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import {
  AssociateFraudsterCommand,
  CreateWatchlistCommand,
  DeleteDomainCommand,
  DeleteFraudsterCommand,
  DeleteSpeakerCommand,
  DeleteWatchlistCommand,
  DescribeFraudsterCommand,
  DescribeSpeakerCommand,
  DescribeWatchlistCommand,
  DisassociateFraudsterCommand,
  ListFraudstersCommand,
  OptOutSpeakerCommand,
  UpdateDomainCommand,
  paginateListFraudsters,
  paginateListSpeakers,
  type Domain,
  type Fraudster,
  type FraudsterSummary,
  type Speaker,
  type SpeakerSummary,
  type VoiceIDClient,
} from '@aws-sdk/client-voice-id';
import { testDatabaseKinds } from '../support/test-databases.js';
import {
  GENERATED_ID_PATTERN,
  HOOK_TIMEOUT,
  MARKER,
  TEST_TIMEOUT,
  assertConflict,
  assertNotFound,
  assertValidation,
  countByKey,
  createDomain,
  createFraudster,
  createFraudsters,
  createKey,
  describeDomain,
  openInspector,
  randomGeneratedId,
  randomUniqueId,
  rejection,
  setKeyEnabled,
  settledEncryptionUpdate,
  startPeopleServer,
  uniqueName,
  waitFor,
  writeAudioFiles,
  type AudioFiles,
  type PeopleServer,
  type TestKey,
  type VoiceDataDbRow,
  type VoiceDataInspector,
} from '../support/voiceid-people-fixtures.js';

/** Slow background re-encryption: 2 records per batch, 150 ms between batches. */
const SLOW_REENCRYPTION = [
  '--voiceid-reencrypt-pause-ms',
  '150',
  '--voiceid-reencrypt-batch-size',
  '2',
];

const sorted = (ids: readonly string[] | undefined): string[] => [...(ids ?? [])].sort();

/** Calls bound to one client and domain. */
function domainOps(client: VoiceIDClient, domainId: string) {
  return {
    describeFraudster: async (fraudsterId: string): Promise<Fraudster> => {
      const out = await client.send(
        new DescribeFraudsterCommand({ DomainId: domainId, FraudsterId: fraudsterId }),
      );
      assert.ok(out.Fraudster, 'DescribeFraudster returns the fraudster');
      return out.Fraudster;
    },
    deleteFraudster: (fraudsterId: string) =>
      client.send(new DeleteFraudsterCommand({ DomainId: domainId, FraudsterId: fraudsterId })),
    associate: async (watchlistId: string, fraudsterId: string): Promise<Fraudster> => {
      const out = await client.send(
        new AssociateFraudsterCommand({
          DomainId: domainId,
          WatchlistId: watchlistId,
          FraudsterId: fraudsterId,
        }),
      );
      assert.ok(out.Fraudster, 'AssociateFraudster returns the fraudster');
      return out.Fraudster;
    },
    disassociate: async (watchlistId: string, fraudsterId: string): Promise<Fraudster> => {
      const out = await client.send(
        new DisassociateFraudsterCommand({
          DomainId: domainId,
          WatchlistId: watchlistId,
          FraudsterId: fraudsterId,
        }),
      );
      assert.ok(out.Fraudster, 'DisassociateFraudster returns the fraudster');
      return out.Fraudster;
    },
    /** Every page of ListFraudsters (optionally of one watchlist) with `pageSize`. */
    fraudsterPages: async (
      watchlistId: string | undefined,
      pageSize?: number,
    ): Promise<FraudsterSummary[][]> => {
      const pages: FraudsterSummary[][] = [];
      for await (const page of paginateListFraudsters(
        { client, ...(pageSize ? { pageSize } : {}) },
        { DomainId: domainId, WatchlistId: watchlistId },
      )) {
        pages.push(page.FraudsterSummaries ?? []);
        assert.ok(pages.length < 100, 'the paginator stops');
      }
      return pages;
    },
    fraudsterIds: async (watchlistId?: string): Promise<string[]> => {
      const out = await client.send(
        new ListFraudstersCommand({ DomainId: domainId, WatchlistId: watchlistId }),
      );
      return sorted((out.FraudsterSummaries ?? []).map((f) => f.GeneratedFraudsterId ?? ''));
    },
    createWatchlist: async (): Promise<string> => {
      const out = await client.send(
        new CreateWatchlistCommand({ DomainId: domainId, Name: uniqueName('list') }),
      );
      assert.ok(out.Watchlist?.WatchlistId, 'CreateWatchlist returns the watchlist id');
      return out.Watchlist.WatchlistId;
    },
    deleteWatchlist: (watchlistId: string) =>
      client.send(new DeleteWatchlistCommand({ DomainId: domainId, WatchlistId: watchlistId })),
    describeWatchlist: (watchlistId: string) =>
      client.send(new DescribeWatchlistCommand({ DomainId: domainId, WatchlistId: watchlistId })),
    optOut: async (speakerId: string): Promise<Speaker> => {
      const out = await client.send(
        new OptOutSpeakerCommand({ DomainId: domainId, SpeakerId: speakerId }),
      );
      assert.ok(out.Speaker, 'OptOutSpeaker returns the speaker');
      return out.Speaker;
    },
    describeSpeaker: async (speakerId: string): Promise<Speaker> => {
      const out = await client.send(
        new DescribeSpeakerCommand({ DomainId: domainId, SpeakerId: speakerId }),
      );
      assert.ok(out.Speaker, 'DescribeSpeaker returns the speaker');
      return out.Speaker;
    },
    deleteSpeaker: (speakerId: string) =>
      client.send(new DeleteSpeakerCommand({ DomainId: domainId, SpeakerId: speakerId })),
    speakers: async (pageSize?: number): Promise<SpeakerSummary[][]> => {
      const pages: SpeakerSummary[][] = [];
      for await (const page of paginateListSpeakers(
        { client, ...(pageSize ? { pageSize } : {}) },
        { DomainId: domainId },
      )) {
        pages.push(page.SpeakerSummaries ?? []);
        assert.ok(pages.length < 100, 'the paginator stops');
      }
      return pages;
    },
    updateDomainKey: async (name: string, kmsKeyId: string): Promise<Domain> => {
      const out = await client.send(
        new UpdateDomainCommand({
          DomainId: domainId,
          Name: name,
          ServerSideEncryptionConfiguration: { KmsKeyId: kmsKeyId },
        }),
      );
      assert.ok(out.Domain, 'UpdateDomain returns the domain');
      return out.Domain;
    },
  };
}

function assertRecentDate(value: Date | undefined, what: string): void {
  assert.ok(value instanceof Date && !Number.isNaN(value.getTime()), `${what} is a valid Date`);
  assert.ok(
    Math.abs(value.getTime() - Date.now()) < 10 * 60_000,
    `${what} (${value.toISOString()}) is within 10 minutes of now (epoch seconds, not ms)`,
  );
}

function assertSpeaker(
  speaker: Speaker | SpeakerSummary,
  domainId: string,
  customerSpeakerId: string,
): string {
  assert.equal(speaker.DomainId, domainId);
  assert.equal(speaker.CustomerSpeakerId, customerSpeakerId);
  assert.equal(speaker.Status, 'OPTED_OUT');
  assert.match(speaker.GeneratedSpeakerId ?? '', GENERATED_ID_PATTERN);
  assertRecentDate(speaker.CreatedAt, 'Speaker.CreatedAt');
  assertRecentDate(speaker.UpdatedAt, 'Speaker.UpdatedAt');
  return speaker.GeneratedSpeakerId ?? '';
}

const byRecord = (rows: readonly VoiceDataDbRow[]): Map<string, VoiceDataDbRow> =>
  new Map(rows.map((r) => [r.record_id, r]));

/** Every row's key_ref is one of `keyIds`; returns the counts per key. */
function assertRowsUnder(
  rows: readonly VoiceDataDbRow[],
  keyIds: readonly string[],
  what: string,
): Map<string, number> {
  const counts = countByKey(rows);
  for (const keyRef of counts.keys())
    assert.ok(
      keyIds.includes(keyRef),
      `${what}: a row is under ${keyRef}, not ${keyIds.join('|')}`,
    );
  return counts;
}

/**
 * After a key change: the same records, the ciphertext untouched (only data keys are
 * re-wrapped), and every record now under `newKeyId` has a different wrapped key.
 */
function assertRewrapped(
  before: readonly VoiceDataDbRow[],
  now: readonly VoiceDataDbRow[],
  oldKeyId: string,
  newKeyId: string,
): void {
  const earlier = byRecord(before);
  assert.deepEqual(
    sorted(now.map((r) => r.record_id)),
    sorted([...earlier.keys()]),
    'the same voice data records, none lost or added',
  );
  for (const row of now) {
    const was = earlier.get(row.record_id);
    assert.ok(was);
    assert.equal(row.ciphertext, was.ciphertext, 'the ciphertext never changes on a key change');
    assert.equal(row.owner_id, was.owner_id);
    if (row.key_ref === newKeyId) {
      assert.equal(was.key_ref, oldKeyId);
      assert.notEqual(row.wrapped_key, was.wrapped_key, 'the data key is wrapped anew');
    } else {
      assert.equal(row.key_ref, oldKeyId);
      assert.equal(row.wrapped_key, was.wrapped_key, 'a record not yet moved is untouched');
    }
  }
}

for (const kind of testDatabaseKinds()) {
  describe(`Voice ID fraudsters, speakers and voice data at rest (${kind})`, () => {
    let ctx: PeopleServer;
    let client: VoiceIDClient;
    let key: TestKey;
    let inspector: VoiceDataInspector | undefined;
    let audio: AudioFiles | undefined;

    before(
      async () => {
        ctx = await startPeopleServer(kind);
        client = ctx.client;
        key = await createKey(ctx.server, 'people');
        inspector = await openInspector(ctx.server.database);
        audio = writeAudioFiles();
      },
      { timeout: HOOK_TIMEOUT },
    );
    after(
      async () => {
        audio?.remove();
        await inspector?.close();
        await ctx?.server.stopAndDrop();
      },
      { timeout: HOOK_TIMEOUT },
    );

    test(
      'DescribeFraudster, ListFraudsters (all, per watchlist, paginated), Associate and Disassociate',
      { timeout: TEST_TIMEOUT },
      async () => {
        const domain = await createDomain(client, key.KeyId);
        const ops = domainOps(client, domain.DomainId);
        const defaultList = domain.defaultWatchlistId;
        const second = await ops.createWatchlist();

        const onDefault = await Promise.all(
          [0, 1, 2].map(() => createFraudster(ctx.server, domain.DomainId)),
        );
        for (const f of onDefault)
          assert.deepEqual(f.WatchlistIds, [defaultList], 'no --watchlist: the default watchlist');
        const onSecond = await Promise.all(
          [0, 1].map(() => createFraudster(ctx.server, domain.DomainId, { watchlistId: second })),
        );
        for (const f of onSecond) assert.deepEqual(f.WatchlistIds, [second]);
        const all = [...onDefault, ...onSecond].map((f) => f.GeneratedFraudsterId);
        const [first] = onDefault;
        assert.ok(first);
        const fraudsterId = first.GeneratedFraudsterId;

        const described = await ops.describeFraudster(fraudsterId);
        assert.equal(described.DomainId, domain.DomainId);
        assert.equal(described.GeneratedFraudsterId, fraudsterId);
        assert.deepEqual(described.WatchlistIds, [defaultList]);
        assertRecentDate(described.CreatedAt, 'Fraudster.CreatedAt');

        // All of the domain's fraudsters, two per page over five.
        const pages = await ops.fraudsterPages(undefined, 2);
        assert.deepEqual(
          pages.map((p) => p.length),
          [2, 2, 1],
          'pages of 2, 2 and 1',
        );
        const listed = pages.flat();
        assert.deepEqual(sorted(listed.map((f) => f.GeneratedFraudsterId ?? '')), sorted(all));
        for (const summary of listed) {
          assert.equal(summary.DomainId, domain.DomainId);
          assertRecentDate(summary.CreatedAt, 'FraudsterSummary.CreatedAt');
          const expected = onSecond.some(
            (f) => f.GeneratedFraudsterId === summary.GeneratedFraudsterId,
          )
            ? [second]
            : [defaultList];
          assert.deepEqual(summary.WatchlistIds, expected, 'the summary names its watchlists');
        }
        assert.deepEqual(await ops.fraudsterIds(), sorted(all), 'one page without MaxResults');

        // Per watchlist.
        assert.deepEqual(
          await ops.fraudsterIds(defaultList),
          sorted(onDefault.map((f) => f.GeneratedFraudsterId)),
        );
        assert.deepEqual(
          await ops.fraudsterIds(second),
          sorted(onSecond.map((f) => f.GeneratedFraudsterId)),
        );

        // Associate with a second watchlist; repeating it is a no-op.
        const associated = await ops.associate(second, fraudsterId);
        assert.deepEqual(sorted(associated.WatchlistIds), sorted([defaultList, second]));
        const again = await ops.associate(second, fraudsterId);
        assert.deepEqual(sorted(again.WatchlistIds), sorted([defaultList, second]));
        assert.deepEqual(
          await ops.fraudsterIds(second),
          sorted([fraudsterId, ...onSecond.map((f) => f.GeneratedFraudsterId)]),
          'listed once on the second watchlist',
        );

        // A third watchlist with all five, listed two at a time.
        const third = await ops.createWatchlist();
        for (const id of all) await ops.associate(third, id);
        const thirdPages = await ops.fraudsterPages(third, 2);
        assert.deepEqual(
          thirdPages.map((p) => p.length),
          [2, 2, 1],
        );
        assert.deepEqual(
          sorted(thirdPages.flat().map((f) => f.GeneratedFraudsterId ?? '')),
          sorted(all),
        );
        for (const id of all) await ops.disassociate(third, id);
        assert.deepEqual(await ops.fraudsterIds(third), []);

        // Disassociate from the default watchlist: it stays on the second one.
        const moved = await ops.disassociate(defaultList, fraudsterId);
        assert.deepEqual(moved.WatchlistIds, [second]);
        assert.deepEqual((await ops.describeFraudster(fraudsterId)).WatchlistIds, [second]);
        assert.ok(!(await ops.fraudsterIds(defaultList)).includes(fraudsterId));

        // Its only watchlist: refused, nothing changes.
        const last = await rejection(ops.disassociate(second, fraudsterId));
        assertConflict(last, 'FRAUDSTER_MUST_BELONG_TO_AT_LEAST_ONE_WATCHLIST');
        assert.deepEqual((await ops.describeFraudster(fraudsterId)).WatchlistIds, [second]);

        // A watchlist it is not on.
        assertValidation(await rejection(ops.disassociate(defaultList, fraudsterId)));
        assert.deepEqual((await ops.describeFraudster(fraudsterId)).WatchlistIds, [second]);
      },
    );

    test(
      'DeleteWatchlist with fraudsters is CANNOT_DELETE_NON_EMPTY_WATCHLIST until they leave; DeleteFraudster',
      { timeout: TEST_TIMEOUT },
      async () => {
        const domain = await createDomain(client, key.KeyId);
        const ops = domainOps(client, domain.DomainId);
        const list = await ops.createWatchlist();
        const onList = await createFraudster(ctx.server, domain.DomainId, { watchlistId: list });
        const visitor = await createFraudster(ctx.server, domain.DomainId);
        await ops.associate(list, visitor.GeneratedFraudsterId);
        /** DeleteWatchlist must fail; if it answers 200, say what became of the watchlist. */
        const refusedDelete = async (watchlistId: string, members: number) => {
          try {
            await ops.deleteWatchlist(watchlistId);
          } catch (e) {
            return rejection(Promise.reject(e));
          }
          const still = await ops.describeWatchlist(watchlistId).then(
            () => 'still exists',
            (e: Error) => `is gone (${e.name})`,
          );
          return assert.fail(
            `DeleteWatchlist of a watchlist with ${members} fraudster(s) answered 200; the watchlist ${still}`,
          );
        };

        assertConflict(await refusedDelete(list, 2), 'CANNOT_DELETE_NON_EMPTY_WATCHLIST');
        assert.equal((await ops.describeWatchlist(list)).Watchlist?.WatchlistId, list);
        assert.deepEqual(
          await ops.fraudsterIds(list),
          sorted([onList.GeneratedFraudsterId, visitor.GeneratedFraudsterId]),
          'the refused delete left the associations',
        );

        // One fraudster leaves; the other is still there.
        await ops.disassociate(list, visitor.GeneratedFraudsterId);
        assertConflict(await refusedDelete(list, 1), 'CANNOT_DELETE_NON_EMPTY_WATCHLIST');

        // Delete the last one: the watchlist can go.
        await ops.deleteFraudster(onList.GeneratedFraudsterId);
        assertNotFound(
          await rejection(ops.describeFraudster(onList.GeneratedFraudsterId)),
          'FRAUDSTER',
        );
        assertNotFound(
          await rejection(ops.deleteFraudster(onList.GeneratedFraudsterId)),
          'FRAUDSTER',
        );
        await ops.deleteWatchlist(list);
        assertNotFound(await rejection(ops.describeWatchlist(list)), 'WATCHLIST');

        // The other fraudster is unaffected, and can be deleted too.
        assert.deepEqual((await ops.describeFraudster(visitor.GeneratedFraudsterId)).WatchlistIds, [
          domain.defaultWatchlistId,
        ]);
        await ops.deleteFraudster(visitor.GeneratedFraudsterId);
        assertNotFound(
          await rejection(ops.describeFraudster(visitor.GeneratedFraudsterId)),
          'FRAUDSTER',
        );
        assert.deepEqual(await ops.fraudsterIds(), []);
      },
    );

    test(
      'unknown fraudster, watchlist and domain ids are ResourceNotFoundException; malformed FraudsterIds ValidationException',
      { timeout: TEST_TIMEOUT },
      async () => {
        const domain = await createDomain(client, key.KeyId);
        const other = await createDomain(client, key.KeyId);
        const ops = domainOps(client, domain.DomainId);
        const otherOps = domainOps(client, other.DomainId);
        const fraudster = (await createFraudster(ctx.server, domain.DomainId)).GeneratedFraudsterId;
        const unknown = randomGeneratedId();
        const defaultList = domain.defaultWatchlistId;

        assertNotFound(await rejection(ops.describeFraudster(unknown)), 'FRAUDSTER');
        assertNotFound(await rejection(ops.deleteFraudster(unknown)), 'FRAUDSTER');
        assertNotFound(await rejection(ops.associate(defaultList, unknown)), 'FRAUDSTER');
        assertNotFound(await rejection(ops.disassociate(defaultList, unknown)), 'FRAUDSTER');
        assertNotFound(await rejection(ops.associate(randomUniqueId(), fraudster)), 'WATCHLIST');
        assertNotFound(await rejection(ops.disassociate(randomUniqueId(), fraudster)), 'WATCHLIST');
        assertNotFound(await rejection(ops.fraudsterIds(randomUniqueId())), 'WATCHLIST');

        // Unknown domain.
        const nowhere = domainOps(client, randomUniqueId());
        assertNotFound(await rejection(nowhere.describeFraudster(fraudster)), 'DOMAIN');
        assertNotFound(await rejection(nowhere.fraudsterIds()), 'DOMAIN');
        assertNotFound(await rejection(nowhere.deleteFraudster(fraudster)), 'DOMAIN');

        // Another domain's fraudster and watchlist are unknown here.
        assertNotFound(await rejection(otherOps.describeFraudster(fraudster)), 'FRAUDSTER');
        assertNotFound(await rejection(otherOps.deleteFraudster(fraudster)), 'FRAUDSTER');
        assertNotFound(
          await rejection(otherOps.associate(other.defaultWatchlistId, fraudster)),
          'FRAUDSTER',
        );
        assertNotFound(
          await rejection(ops.associate(other.defaultWatchlistId, fraudster)),
          'WATCHLIST',
        );
        assertNotFound(await rejection(ops.fraudsterIds(other.defaultWatchlistId)), 'WATCHLIST');
        assert.deepEqual(
          (await ops.describeFraudster(fraudster)).WatchlistIds,
          [defaultList],
          'the fraudster is untouched by the other domain',
        );

        // Malformed FraudsterId (the model: ^id#[a-zA-Z0-9]{22}$).
        for (const bad of [
          'not-a-fraudster',
          'id#short',
          `id#${'a'.repeat(21)}!`,
          `xx#${'a'.repeat(22)}`,
        ]) {
          assertValidation(await rejection(ops.describeFraudster(bad)), /FraudsterId|fraudster/i);
          assertValidation(await rejection(ops.deleteFraudster(bad)));
          assertValidation(await rejection(ops.associate(defaultList, bad)));
          assertValidation(await rejection(ops.disassociate(defaultList, bad)));
        }

        // The operator tool refuses an unknown watchlist or domain.
        await assert.rejects(
          createFraudster(ctx.server, domain.DomainId, { watchlistId: randomUniqueId() }),
        );
        await assert.rejects(createFraudster(ctx.server, randomUniqueId()));
        assert.deepEqual(await ops.fraudsterIds(), [fraudster], 'no fraudster was half-created');
      },
    );

    test(
      'speakers: OptOutSpeaker creates an OPTED_OUT speaker; Describe by either id; List; Delete',
      { timeout: TEST_TIMEOUT },
      async () => {
        const domain = await createDomain(client, key.KeyId);
        const other = await createDomain(client, key.KeyId);
        const ops = domainOps(client, domain.DomainId);
        const customer = uniqueName('customer');

        const speaker = await ops.optOut(customer);
        const generated = assertSpeaker(speaker, domain.DomainId, customer);
        assert.equal(speaker.LastAccessedAt, undefined);

        const byCustomer = await ops.describeSpeaker(customer);
        const byGenerated = await ops.describeSpeaker(generated);
        assert.equal(assertSpeaker(byCustomer, domain.DomainId, customer), generated);
        assert.equal(assertSpeaker(byGenerated, domain.DomainId, customer), generated);
        assert.equal(byCustomer.CreatedAt?.getTime(), speaker.CreatedAt?.getTime());

        // Opting out again (by either id) keeps the same speaker.
        assert.equal((await ops.optOut(customer)).GeneratedSpeakerId, generated);
        assert.equal((await ops.optOut(generated)).GeneratedSpeakerId, generated);

        // More speakers, listed two at a time.
        const others = [uniqueName('customer'), uniqueName('customer')];
        const otherIds = [];
        for (const c of others)
          otherIds.push(assertSpeaker(await ops.optOut(c), domain.DomainId, c));
        const pages = await ops.speakers(2);
        assert.deepEqual(
          pages.map((p) => p.length),
          [2, 1],
        );
        const listed = pages.flat();
        assert.deepEqual(
          sorted(listed.map((s) => s.GeneratedSpeakerId ?? '')),
          sorted([generated, ...otherIds]),
        );
        for (const s of listed) assert.equal(s.Status, 'OPTED_OUT');
        assert.deepEqual(
          sorted(listed.map((s) => s.CustomerSpeakerId ?? '')),
          sorted([customer, ...others]),
        );

        // The speaker does not exist in another domain.
        const otherOps = domainOps(client, other.DomainId);
        assertNotFound(await rejection(otherOps.describeSpeaker(generated)), 'SPEAKER');
        assertNotFound(await rejection(otherOps.describeSpeaker(customer)), 'SPEAKER');
        assertNotFound(await rejection(otherOps.deleteSpeaker(generated)), 'SPEAKER');
        assert.deepEqual(await otherOps.speakers(), [[]]);

        // Delete by customer id; both ids are gone.
        await ops.deleteSpeaker(customer);
        assertNotFound(await rejection(ops.describeSpeaker(customer)), 'SPEAKER');
        assertNotFound(await rejection(ops.describeSpeaker(generated)), 'SPEAKER');
        assertNotFound(await rejection(ops.deleteSpeaker(customer)), 'SPEAKER');
        assertNotFound(await rejection(ops.deleteSpeaker(generated)), 'SPEAKER');
        // Delete by generated id.
        const [secondId] = otherIds;
        assert.ok(secondId);
        await ops.deleteSpeaker(secondId);
        assertNotFound(await rejection(ops.describeSpeaker(secondId)), 'SPEAKER');
        assert.deepEqual(
          (await ops.speakers()).flat().map((s) => s.GeneratedSpeakerId),
          [otherIds[1]],
        );

        // A generated id that was never issued cannot be opted out (nor described).
        const unknown = randomGeneratedId();
        assertNotFound(await rejection(ops.optOut(unknown)), 'SPEAKER');
        assertNotFound(await rejection(ops.describeSpeaker(unknown)), 'SPEAKER');
        assertNotFound(await rejection(ops.optOut(generated)), 'SPEAKER');
        assertNotFound(await rejection(ops.describeSpeaker(uniqueName('never'))), 'SPEAKER');
        assert.equal((await ops.speakers()).flat().length, 1, 'no speaker was created by them');

        // Unknown domain; malformed SpeakerId.
        assertNotFound(
          await rejection(domainOps(client, randomUniqueId()).optOut(customer)),
          'DOMAIN',
        );
        for (const bad of ['bad speaker', 'id#short', '-leading-dash', 'x'.repeat(257)])
          assertValidation(await rejection(ops.optOut(bad)));
      },
    );

    test(
      '10 concurrent OptOutSpeaker calls for one new customer id create one speaker',
      { timeout: TEST_TIMEOUT },
      async () => {
        const domain = await createDomain(client, key.KeyId);
        const ops = domainOps(client, domain.DomainId);
        const customers = [uniqueName('race'), uniqueName('race'), uniqueName('race')];
        for (const customer of customers) {
          const results = await Promise.allSettled(
            Array.from({ length: 10 }, () => ops.optOut(customer)),
          );
          const ids = new Set<string>();
          for (const r of results) {
            if (r.status === 'rejected') {
              const e = r.reason as Error;
              assert.fail(`a concurrent OptOutSpeaker failed: ${e.name}: ${e.message}`);
            }
            ids.add(assertSpeaker(r.value, domain.DomainId, customer));
          }
          assert.equal(ids.size, 1, `one GeneratedSpeakerId, got ${[...ids].join(', ')}`);
          assert.equal((await ops.describeSpeaker(customer)).GeneratedSpeakerId, [...ids][0]);
        }
        const listed = (await ops.speakers()).flat();
        assert.equal(listed.length, customers.length, 'exactly one speaker per customer id');
        assert.deepEqual(sorted(listed.map((s) => s.CustomerSpeakerId ?? '')), sorted(customers));
      },
    );

    test(
      'fraudster and speaker calls are DOMAIN_NOT_ACTIVE while the domain key is disabled',
      { timeout: TEST_TIMEOUT },
      async () => {
        assert.ok(audio);
        const own = await createKey(ctx.server, 'suspend');
        const domain = await createDomain(client, own.KeyId);
        const ops = domainOps(client, domain.DomainId);
        const list = await ops.createWatchlist();
        const fraudster = (
          await createFraudster(ctx.server, domain.DomainId, { audio: [audio.text] })
        ).GeneratedFraudsterId;
        await ops.associate(list, fraudster);
        const customer = uniqueName('suspended');
        const speaker = (await ops.optOut(customer)).GeneratedSpeakerId ?? '';

        await setKeyEnabled(ctx.server, own.Alias, false);
        try {
          assert.equal((await describeDomain(client, domain.DomainId)).DomainStatus, 'SUSPENDED');
          const calls: [string, () => Promise<unknown>][] = [
            ['DescribeFraudster', () => ops.describeFraudster(fraudster)],
            ['DescribeFraudster (unknown id)', () => ops.describeFraudster(randomGeneratedId())],
            ['ListFraudsters', () => ops.fraudsterIds()],
            ['ListFraudsters (watchlist)', () => ops.fraudsterIds(list)],
            ['AssociateFraudster', () => ops.associate(domain.defaultWatchlistId, fraudster)],
            ['DisassociateFraudster', () => ops.disassociate(list, fraudster)],
            ['DeleteFraudster', () => ops.deleteFraudster(fraudster)],
            ['DescribeSpeaker', () => ops.describeSpeaker(customer)],
            ['DescribeSpeaker (generated id)', () => ops.describeSpeaker(speaker)],
            ['ListSpeakers', () => ops.speakers()],
            ['OptOutSpeaker', () => ops.optOut(customer)],
            ['OptOutSpeaker (new customer)', () => ops.optOut(uniqueName('new'))],
            ['DeleteSpeaker', () => ops.deleteSpeaker(speaker)],
          ];
          for (const [name, call] of calls) {
            const e = await rejection(call());
            assert.equal(e.ConflictType, 'DOMAIN_NOT_ACTIVE', `${name}: ${e.name} ${e.message}`);
            assertConflict(e, 'DOMAIN_NOT_ACTIVE');
          }
          await assert.rejects(
            createFraudster(ctx.server, domain.DomainId, { audio: [audio.text] }),
            /DOMAIN_NOT_ACTIVE|not active/i,
            'the operator tool cannot seal voice data under a disabled key',
          );
        } finally {
          await setKeyEnabled(ctx.server, own.Alias, true);
        }

        // Enabled again: nothing the refused calls asked for happened.
        assert.equal((await describeDomain(client, domain.DomainId)).DomainStatus, 'ACTIVE');
        assert.deepEqual(
          sorted((await ops.describeFraudster(fraudster)).WatchlistIds),
          sorted([domain.defaultWatchlistId, list]),
        );
        assert.deepEqual(await ops.fraudsterIds(), [fraudster]);
        const speakers = (await ops.speakers()).flat();
        assert.deepEqual(
          speakers.map((s) => s.GeneratedSpeakerId),
          [speaker],
          'no speaker was created or deleted while suspended',
        );
        const rows = await inspector!.rows(domain.DomainId);
        assert.equal(rows.length, 1, 'the fraudster audio is still stored');
      },
    );

    test(
      'voice data at rest: no plaintext in the rows, every row under the domain key id',
      { timeout: TEST_TIMEOUT },
      async () => {
        assert.ok(audio && inspector);
        const own = await createKey(ctx.server, 'atrest');
        // Named by alias: the rows must still carry the key id.
        const domain = await createDomain(client, own.Alias);
        const ops = domainOps(client, domain.DomainId);
        const files = [audio.wav, audio.text];
        const withAudio = await createFraudsters(ctx.server, domain.DomainId, 3, files);
        const silent = await createFraudster(ctx.server, domain.DomainId);

        const rows = await inspector.rows(domain.DomainId);
        assert.equal(rows.length, withAudio.length * files.length, 'one row per audio file');
        const owners = new Map<string, number>();
        for (const row of rows) owners.set(row.owner_id, (owners.get(row.owner_id) ?? 0) + 1);
        assert.deepEqual(
          sorted([...owners.keys()]),
          sorted(withAudio.map((f) => f.GeneratedFraudsterId)),
        );
        for (const n of owners.values()) assert.equal(n, files.length);
        assert.ok(!owners.has(silent.GeneratedFraudsterId), 'no audio, no voice data');

        const marker = Buffer.from(MARKER);
        const plainSizes = files.map((f) => audio!.contents.get(f)!.length);
        // The leading bytes of each file as base64 (what plaintext stored as base64 would start with).
        const plainBase64 = files.map((f) =>
          audio!.contents.get(f)!.subarray(0, 48).toString('base64'),
        );
        for (const row of rows) {
          assert.equal(row.domain_id, domain.DomainId);
          assert.equal(row.kind, 'AUDIO');
          assert.equal(row.key_ref, own.KeyId, 'key_ref is the key id, not the alias');
          assert.ok(!row.ciphertext.includes(MARKER), 'no marker in the stored text');
          assert.ok(!row.wrapped_key.includes(MARKER));
          for (const b64 of plainBase64)
            assert.ok(!row.ciphertext.includes(b64), 'the ciphertext is not the audio in base64');
          const bytes = Buffer.from(row.ciphertext, 'base64');
          assert.equal(bytes.toString('base64'), row.ciphertext, 'the ciphertext is base64');
          assert.equal(bytes.indexOf(marker), -1, 'no marker in the decoded ciphertext');
          assert.equal(bytes.indexOf(audio.pcmWindow), -1, 'no PCM samples in the ciphertext');
          assert.ok(
            plainSizes.map((n) => n + 28).includes(bytes.length),
            `ciphertext of ${bytes.length} bytes is IV + tag + one whole file (${plainSizes.join(', ')})`,
          );
        }
        const distinct = (values: string[]) => new Set(values).size;
        assert.equal(
          distinct(rows.map((r) => r.ciphertext)),
          rows.length,
          'fresh key and IV per record',
        );
        assert.equal(
          distinct(rows.map((r) => r.wrapped_key)),
          rows.length,
          'one data key per record',
        );

        if (inspector.files) {
          // SQLite: the marker and the samples are nowhere in the database file or its WAL.
          for (const file of inspector.files.filter((f) => existsSync(f))) {
            const bytes = readFileSync(file);
            assert.equal(bytes.indexOf(marker), -1, `no marker in ${file}`);
            assert.equal(bytes.indexOf(audio.pcmWindow), -1, `no PCM samples in ${file}`);
          }
        }

        // Deleting a fraudster deletes its voice data; deleting the domain deletes all of it.
        const [gone] = withAudio;
        assert.ok(gone);
        await ops.deleteFraudster(gone.GeneratedFraudsterId);
        const left = await inspector.rows(domain.DomainId);
        assert.equal(left.length, rows.length - files.length);
        assert.ok(left.every((r) => r.owner_id !== gone.GeneratedFraudsterId));
        await client.send(new DeleteDomainCommand({ DomainId: domain.DomainId }));
        assert.deepEqual(await inspector.rows(domain.DomainId), []);
      },
    );
  });

  describe(`Voice ID key rotation re-encrypts voice data (${kind})`, () => {
    let ctx: PeopleServer;
    let client: VoiceIDClient;
    let inspector: VoiceDataInspector | undefined;
    let audio: AudioFiles | undefined;

    before(
      async () => {
        ctx = await startPeopleServer(kind, SLOW_REENCRYPTION);
        client = ctx.client;
        inspector = await openInspector(ctx.server.database);
        audio = writeAudioFiles();
      },
      { timeout: HOOK_TIMEOUT },
    );
    after(
      async () => {
        audio?.remove();
        await inspector?.close();
        await ctx?.server.stopAndDrop();
      },
      { timeout: HOOK_TIMEOUT },
    );

    test(
      'UpdateDomain to a new key: IN_PROGRESS, locked against another key, COMPLETED, all rows under the new key',
      { timeout: TEST_TIMEOUT },
      async () => {
        assert.ok(audio && inspector);
        const [a, b, c] = await Promise.all([
          createKey(ctx.server, 'rot-a'),
          createKey(ctx.server, 'rot-b'),
          createKey(ctx.server, 'rot-c'),
        ]);
        const domain = await createDomain(client, a.Arn);
        const name = domain.Name ?? '';
        const ops = domainOps(client, domain.DomainId);
        // 5 fraudsters × 4 audio files = 20 records.
        const fraudsters = await createFraudsters(ctx.server, domain.DomainId, 5, [
          audio.wav,
          audio.text,
          audio.wav,
          audio.text,
        ]);
        const before = await inspector.rows(domain.DomainId);
        assert.equal(before.length, 20);
        assertRowsUnder(before, [a.KeyId], 'before the update');

        const updating = await ops.updateDomainKey(name, b.Alias);
        assert.equal(updating.ServerSideEncryptionConfiguration?.KmsKeyId, b.Alias);
        assert.equal(updating.DomainStatus, 'ACTIVE');
        assert.deepEqual(
          {
            UpdateStatus: updating.ServerSideEncryptionUpdateDetails?.UpdateStatus,
            OldKmsKeyId: updating.ServerSideEncryptionUpdateDetails?.OldKmsKeyId,
          },
          { UpdateStatus: 'IN_PROGRESS', OldKmsKeyId: a.Arn },
        );

        // A second key change while the first runs is refused and changes nothing.
        const locked = await rejection(ops.updateDomainKey(name, c.KeyId));
        assertConflict(locked, 'DOMAIN_LOCKED_FROM_ENCRYPTION_UPDATES');
        const during = await describeDomain(client, domain.DomainId);
        assert.equal(during.ServerSideEncryptionConfiguration?.KmsKeyId, b.Alias);
        assert.equal(during.DomainStatus, 'ACTIVE', 'the domain works during the update');
        assert.ok(
          ['IN_PROGRESS', 'COMPLETED'].includes(
            during.ServerSideEncryptionUpdateDetails?.UpdateStatus ?? '',
          ),
        );
        // The domain keeps working meanwhile: new voice data goes under the new key.
        assert.equal((await ops.fraudsterIds()).length, 5);
        const late = await createFraudster(ctx.server, domain.DomainId, { audio: [audio.text] });
        const lateRows = (await inspector.rows(domain.DomainId)).filter(
          (r) => r.owner_id === late.GeneratedFraudsterId,
        );
        assert.equal(lateRows.length, 1);
        assert.equal(lateRows[0]?.key_ref, b.KeyId, 'new voice data is sealed under the new key');

        const done = await settledEncryptionUpdate(client, domain.DomainId);
        assert.equal(done.ServerSideEncryptionUpdateDetails?.UpdateStatus, 'COMPLETED');
        assert.equal(done.ServerSideEncryptionUpdateDetails?.OldKmsKeyId, a.Arn);
        assert.equal(done.ServerSideEncryptionUpdateDetails?.Message, undefined);
        assert.equal(done.ServerSideEncryptionConfiguration?.KmsKeyId, b.Alias);

        const after = (await inspector.rows(domain.DomainId)).filter(
          (r) => r.owner_id !== late.GeneratedFraudsterId,
        );
        assertRowsUnder(after, [b.KeyId], 'after COMPLETED');
        assertRewrapped(before, after, a.KeyId, b.KeyId);

        // The old key is no longer needed: disabling it changes nothing.
        const settled = await inspector.rows(domain.DomainId);
        await setKeyEnabled(ctx.server, a.KeyId, false);
        const withOldDisabled = await describeDomain(client, domain.DomainId);
        assert.equal(withOldDisabled.DomainStatus, 'ACTIVE', 'its current key is enabled');
        assert.equal(withOldDisabled.ServerSideEncryptionUpdateDetails?.UpdateStatus, 'COMPLETED');
        assert.deepEqual(await inspector.rows(domain.DomainId), settled, 'the rows are unchanged');
        assert.deepEqual(
          await ops.fraudsterIds(),
          sorted([...fraudsters, late].map((f) => f.GeneratedFraudsterId)),
        );
        for (const f of fraudsters)
          assert.equal(
            (await ops.describeFraudster(f.GeneratedFraudsterId)).GeneratedFraudsterId,
            f.GeneratedFraudsterId,
          );
        // And the now-unlocked domain accepts another key change.
        const next = await ops.updateDomainKey(name, c.KeyId);
        assert.equal(next.ServerSideEncryptionUpdateDetails?.OldKmsKeyId, b.Alias);
        const third = await settledEncryptionUpdate(client, domain.DomainId);
        assert.equal(third.ServerSideEncryptionUpdateDetails?.UpdateStatus, 'COMPLETED');
        assertRowsUnder(await inspector.rows(domain.DomainId), [c.KeyId], 'after the third key');
      },
    );

    test(
      'the old key disabled during the update: FAILED with a message, the domain ACTIVE; enable and retry → COMPLETED',
      { timeout: TEST_TIMEOUT },
      async () => {
        assert.ok(audio && inspector);
        const [a, b] = await Promise.all([
          createKey(ctx.server, 'fail-a'),
          createKey(ctx.server, 'fail-b'),
        ]);
        const domain = await createDomain(client, a.KeyId);
        const name = domain.Name ?? '';
        const ops = domainOps(client, domain.DomainId);
        // 6 fraudsters × 4 audio files = 24 records, 12 batches.
        const fraudsters = await createFraudsters(ctx.server, domain.DomainId, 6, [
          audio.wav,
          audio.text,
          audio.wav,
          audio.text,
        ]);
        const before = await inspector.rows(domain.DomainId);
        assert.equal(before.length, 24);

        const updating = await ops.updateDomainKey(name, b.KeyId);
        assert.equal(updating.ServerSideEncryptionUpdateDetails?.UpdateStatus, 'IN_PROGRESS');

        // Some records moved: disable the old key under the worker.
        await waitFor(
          'the first records under the new key',
          async () =>
            (countByKey(await inspector!.rows(domain.DomainId)).get(b.KeyId) ?? 0) > 0
              ? true
              : undefined,
          15_000,
          20,
        );
        await setKeyEnabled(ctx.server, a.KeyId, false);

        const failed = await settledEncryptionUpdate(client, domain.DomainId);
        const details = failed.ServerSideEncryptionUpdateDetails;
        assert.equal(
          details?.UpdateStatus,
          'FAILED',
          `the update cannot finish without the old key (got ${details?.UpdateStatus}; did it complete before the key was disabled?)`,
        );
        assert.equal(details?.OldKmsKeyId, a.KeyId);
        assert.match(details?.Message ?? '', new RegExp(a.KeyId), 'the message names the key');
        assert.match(details?.Message ?? '', /disabled/i);
        assert.equal(failed.DomainStatus, 'ACTIVE', 'its current key is enabled');
        assert.equal(failed.ServerSideEncryptionConfiguration?.KmsKeyId, b.KeyId);

        const stuck = await inspector.rows(domain.DomainId);
        const counts = assertRowsUnder(stuck, [a.KeyId, b.KeyId], 'after FAILED');
        assert.ok((counts.get(b.KeyId) ?? 0) > 0, 'the records moved before stay moved');
        assert.ok((counts.get(a.KeyId) ?? 0) > 0, 'the rest wait under the old key');
        assertRewrapped(before, stuck, a.KeyId, b.KeyId);
        // Still ACTIVE: the domain answers.
        assert.equal((await ops.fraudsterIds()).length, fraudsters.length);

        // Enable the old key and repeat the same update: it resumes and completes.
        await setKeyEnabled(ctx.server, a.KeyId, true);
        const retried = await ops.updateDomainKey(name, b.KeyId);
        assert.equal(retried.ServerSideEncryptionUpdateDetails?.UpdateStatus, 'IN_PROGRESS');
        assert.equal(retried.ServerSideEncryptionUpdateDetails?.OldKmsKeyId, a.KeyId);
        assert.equal(retried.ServerSideEncryptionUpdateDetails?.Message, undefined);
        const done = await settledEncryptionUpdate(client, domain.DomainId);
        assert.equal(done.ServerSideEncryptionUpdateDetails?.UpdateStatus, 'COMPLETED');
        assert.equal(done.ServerSideEncryptionUpdateDetails?.Message, undefined);
        const after = await inspector.rows(domain.DomainId);
        assertRowsUnder(after, [b.KeyId], 'after the retry');
        assertRewrapped(before, after, a.KeyId, b.KeyId);
      },
    );
  });

  describe(`Voice ID re-encryption survives kill -9 (${kind})`, () => {
    let first: PeopleServer | undefined;
    let second: PeopleServer | undefined;
    let inspector: VoiceDataInspector | undefined;
    let audio: AudioFiles | undefined;

    before(
      async () => {
        first = await startPeopleServer(kind, SLOW_REENCRYPTION, undefined, { process: true });
        inspector = await openInspector(first.server.database);
        audio = writeAudioFiles();
      },
      { timeout: HOOK_TIMEOUT },
    );
    after(
      async () => {
        audio?.remove();
        await inspector?.close();
        if (second) {
          await first?.server.stop();
          await second.server.stopAndDrop();
        } else {
          await first?.server.stopAndDrop();
        }
      },
      { timeout: HOOK_TIMEOUT },
    );

    test(
      'a server killed half-way leaves every record under the old or the new key; the next one finishes',
      { timeout: TEST_TIMEOUT },
      async () => {
        assert.ok(first && audio && inspector);
        const [a, b] = await Promise.all([
          createKey(first.server, 'kill-a'),
          createKey(first.server, 'kill-b'),
        ]);
        const domain = await createDomain(first.client, a.KeyId);
        const name = domain.Name ?? '';
        // 6 fraudsters × 4 audio files = 24 records.
        const fraudsters = await createFraudsters(first.server, domain.DomainId, 6, [
          audio.wav,
          audio.text,
          audio.wav,
          audio.text,
        ]);
        const before = await inspector.rows(domain.DomainId);
        assert.equal(before.length, 24);

        const updating = await domainOps(first.client, domain.DomainId).updateDomainKey(
          name,
          b.KeyId,
        );
        assert.equal(updating.ServerSideEncryptionUpdateDetails?.UpdateStatus, 'IN_PROGRESS');

        // Kill it once some, at most half, of the records are under the new key.
        const moved = await waitFor(
          'some records under the new key',
          async () => {
            const n = countByKey(await inspector!.rows(domain.DomainId)).get(b.KeyId) ?? 0;
            return n > 0 && n <= before.length / 2 ? n : undefined;
          },
          15_000,
          10,
        );
        assert.equal(await first.server.stop('SIGKILL'), null, 'killed, not exited');

        const halfway = await inspector.rows(domain.DomainId);
        const counts = assertRowsUnder(halfway, [a.KeyId, b.KeyId], 'after kill -9');
        assert.ok((counts.get(b.KeyId) ?? 0) >= moved, 'moved records stay moved');
        assert.ok((counts.get(a.KeyId) ?? 0) > 0, 'not all records moved before the kill');
        assertRewrapped(before, halfway, a.KeyId, b.KeyId);
        const stored = await inspector.domain(domain.DomainId);
        assert.deepEqual(stored, { key_ref: b.KeyId, sse_update_status: 'IN_PROGRESS' });

        // A new process on the same database resumes the update.
        second = await startPeopleServer(kind, SLOW_REENCRYPTION, first.server.database);
        const done = await settledEncryptionUpdate(second.client, domain.DomainId);
        assert.equal(done.ServerSideEncryptionUpdateDetails?.UpdateStatus, 'COMPLETED');
        assert.equal(done.ServerSideEncryptionUpdateDetails?.OldKmsKeyId, a.KeyId);
        assert.equal(done.DomainStatus, 'ACTIVE');

        const after = await inspector.rows(domain.DomainId);
        assert.equal(after.length, before.length, 'the row count is unchanged');
        assertRowsUnder(after, [b.KeyId], 'after the restart');
        assertRewrapped(before, after, a.KeyId, b.KeyId);
        assert.deepEqual(
          await domainOps(second.client, domain.DomainId).fraudsterIds(),
          sorted(fraudsters.map((f) => f.GeneratedFraudsterId)),
        );
      },
    );
  });
}
