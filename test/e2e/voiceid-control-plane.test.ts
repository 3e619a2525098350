/**
 * The Voice ID control plane end to end (docs/voiceid.md): domains and their keys, suspension
 * when a key is disabled (ConflictException DOMAIN_NOT_ACTIVE), full-replace updates and
 * ServerSideEncryptionUpdateDetails, deletion, pagination with signed NextTokens, watchlists,
 * tags, and real races between two servers on one database: CONCURRENT_CHANGES for lost
 * UpdateDomain/UpdateWatchlist races, one domain per ClientToken, the tag limit under concurrent
 * TagResource, and calls racing DeleteDomain (never an InternalServerException).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateDomainCommand,
  CreateWatchlistCommand,
  DeleteDomainCommand,
  DeleteWatchlistCommand,
  DescribeDomainCommand,
  DescribeWatchlistCommand,
  ListDomainsCommand,
  ListTagsForResourceCommand,
  ListWatchlistsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateDomainCommand,
  UpdateWatchlistCommand,
  paginateListDomains,
  paginateListWatchlists,
  type Domain,
  type Tag,
  type VoiceIDClient,
  type Watchlist,
} from '@aws-sdk/client-voice-id';
import { voiceIdClient } from '../support/aws-clients.js';
import { testDatabaseKinds } from '../support/test-databases.js';
import {
  ACCOUNT,
  HOOK_TIMEOUT,
  RACE_TIMEOUT,
  REGION,
  TEST_TIMEOUT,
  UNIQUE_ID_PATTERN,
  aliasArn,
  allPages,
  assertConflict,
  assertDomainId,
  assertNotFound,
  assertRecentDate,
  assertValidation,
  clientToken,
  createDomain,
  createKey,
  disableKey,
  domainArn,
  enableKey,
  randomUniqueId,
  rejection,
  serverLog,
  settledError,
  startVoiceIdServer,
  tamper,
  uniqueName,
  type VoiceIdServer,
} from '../support/voiceid-fixtures.js';

const NOT_ACTIVE = 'The domain is not active.';
const INVALID_TOKEN = /NextToken/;
/** The model validator's wording (AWS: "1 validation error detected: Value ... at 'member' ..."). */
const modelViolation = (member: string): RegExp =>
  new RegExp(`^\\d+ validation errors? detected: .*at '${member}' failed to satisfy constraint`);

/** Tags sorted by key, for order-independent comparison. */
const byKey = (tags: readonly Tag[] | undefined): Tag[] =>
  [...(tags ?? [])].sort((a, b) => (a.Key ?? '').localeCompare(b.Key ?? ''));

/** Every domain id ListDomains shows, over all pages. */
async function allDomainIds(client: VoiceIDClient): Promise<string[]> {
  const pages = await allPages(paginateListDomains({ client }, {}));
  return pages.flatMap((p) => (p.DomainSummaries ?? []).map((d) => d.DomainId ?? ''));
}

/** Helpers bound to one client and domain. */
function watchlistOps(client: VoiceIDClient, domainId: string) {
  return {
    create: async (name: string, extra: { Description?: string; ClientToken?: string } = {}) => {
      const out = await client.send(
        new CreateWatchlistCommand({ DomainId: domainId, Name: name, ...extra }),
      );
      assert.ok(out.Watchlist, 'CreateWatchlist returns the Watchlist');
      assert.match(out.Watchlist.WatchlistId ?? '', UNIQUE_ID_PATTERN);
      return out.Watchlist as Watchlist & { WatchlistId: string };
    },
    describe: async (watchlistId: string) =>
      (
        await client.send(
          new DescribeWatchlistCommand({ DomainId: domainId, WatchlistId: watchlistId }),
        )
      ).Watchlist,
    update: async (watchlistId: string, change: { Name?: string; Description?: string }) =>
      (
        await client.send(
          new UpdateWatchlistCommand({ DomainId: domainId, WatchlistId: watchlistId, ...change }),
        )
      ).Watchlist,
    delete: (watchlistId: string) =>
      client.send(new DeleteWatchlistCommand({ DomainId: domainId, WatchlistId: watchlistId })),
    list: (maxResults?: number, nextToken?: string) =>
      client.send(
        new ListWatchlistsCommand({
          DomainId: domainId,
          ...(maxResults === undefined ? {} : { MaxResults: maxResults }),
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }),
      ),
  };
}

const describeDomain = async (client: VoiceIDClient, domainId: string): Promise<Domain> => {
  const out = await client.send(new DescribeDomainCommand({ DomainId: domainId }));
  assert.ok(out.Domain, 'DescribeDomain returns the Domain');
  return out.Domain;
};

const listTags = async (client: VoiceIDClient, domainId: string): Promise<Tag[]> =>
  byKey(
    (await client.send(new ListTagsForResourceCommand({ ResourceArn: domainArn(domainId) }))).Tags,
  );

for (const kind of testDatabaseKinds()) {
  describe(`Voice ID control plane (${kind})`, () => {
    let ctx: VoiceIdServer;
    let client: VoiceIDClient;

    before(
      async () => {
        ctx = await startVoiceIdServer(kind);
        client = ctx.client;
      },
      { timeout: HOOK_TIMEOUT },
    );
    after(() => ctx?.server.stopAndDrop(), { timeout: HOOK_TIMEOUT });

    // ---- CreateDomain and keys

    test(
      'CreateDomain accepts the key by key id, key ARN, alias name and alias ARN',
      { timeout: TEST_TIMEOUT },
      async () => {
        const key = await createKey(ctx.server, 'names');
        for (const kmsKeyId of [key.KeyId, key.Arn, key.Alias, aliasArn(key.Alias)]) {
          const name = uniqueName('by-key');
          const created = await createDomain(client, kmsKeyId, {
            Name: name,
            Description: 'Fraud desk',
          });
          assert.equal(created.DomainStatus, 'ACTIVE', `created with ${kmsKeyId}`);
          assert.equal(created.Arn, domainArn(created.DomainId));
          assert.match(
            created.Arn ?? '',
            /^arn:aws:voiceid:us-east-1:000000000000:domain\/[a-zA-Z0-9]{22}$/,
          );
          assert.equal(created.Description, 'Fraud desk');
          assert.deepEqual(created.ServerSideEncryptionConfiguration, { KmsKeyId: kmsKeyId });
          assert.equal(created.ServerSideEncryptionUpdateDetails, undefined);
          const createdAt = assertRecentDate(created.CreatedAt, 'CreatedAt');
          const updatedAt = assertRecentDate(created.UpdatedAt, 'UpdatedAt');
          assert.ok(updatedAt.getTime() >= createdAt.getTime(), 'UpdatedAt >= CreatedAt');

          const defaultId = created.WatchlistDetails?.DefaultWatchlistId;
          assert.match(defaultId ?? '', UNIQUE_ID_PATTERN, 'DefaultWatchlistId');
          const wl = await watchlistOps(client, created.DomainId).describe(defaultId!);
          assert.equal(wl?.DefaultWatchlist, true);
          assert.equal(wl?.DomainId, created.DomainId);
          assert.equal(wl?.WatchlistId, defaultId);
          assert.equal(wl?.Name, 'Default');
          assertRecentDate(wl?.CreatedAt, 'default watchlist CreatedAt');

          const described = await describeDomain(client, created.DomainId);
          assert.deepEqual(described, created, 'DescribeDomain answers what CreateDomain did');
        }
      },
    );

    test(
      'CreateDomain with an unknown or a disabled key is a ValidationException naming the key',
      { timeout: TEST_TIMEOUT },
      async () => {
        const unknownKeys = [
          '4f1c2d3e-0000-4000-8000-000000000000',
          `arn:aws:kms:${REGION}:${ACCOUNT}:key/4f1c2d3e-0000-4000-8000-000000000001`,
          `alias/${uniqueName('nope')}`,
        ];
        for (const kmsKeyId of unknownKeys) {
          const e = await rejection(createDomain(client, kmsKeyId));
          assertValidation(e);
          assert.ok(e.message.includes(kmsKeyId), `the message names ${kmsKeyId}: ${e.message}`);
          assert.match(e.message, /not exist|unknown|not found/i);
        }

        const key = await createKey(ctx.server, 'disabled');
        await disableKey(ctx.server, key.KeyId);
        for (const kmsKeyId of [key.KeyId, key.Alias]) {
          const name = uniqueName('on-disabled');
          const e = await rejection(createDomain(client, kmsKeyId, { Name: name }));
          assertValidation(e, /disabled/i);
          assert.ok(e.message.includes(kmsKeyId), `the message names ${kmsKeyId}: ${e.message}`);
        }
        // Nothing was created.
        const listed = await allPages(paginateListDomains({ client }, {}));
        const keys = listed.flatMap((p) =>
          (p.DomainSummaries ?? []).map((d) => d.ServerSideEncryptionConfiguration?.KmsKeyId),
        );
        assert.ok(!keys.includes(key.KeyId) && !keys.includes(key.Alias));
      },
    );

    test(
      'CreateDomain is idempotent on ClientToken; another request with it is a ValidationException',
      { timeout: TEST_TIMEOUT },
      async () => {
        const key = await createKey(ctx.server, 'idem');
        const token = clientToken();
        const input = {
          Name: uniqueName('idem'),
          Description: 'first',
          ServerSideEncryptionConfiguration: { KmsKeyId: key.KeyId },
          ClientToken: token,
          Tags: [{ Key: 'team', Value: 'fraud' }],
        };
        const first = (await client.send(new CreateDomainCommand(input))).Domain;
        assertDomainId(first?.DomainId);
        const again = (await client.send(new CreateDomainCommand(input))).Domain;
        assert.equal(again?.DomainId, first.DomainId, 'the same token answers the same domain');
        assert.equal(
          again?.WatchlistDetails?.DefaultWatchlistId,
          first.WatchlistDetails?.DefaultWatchlistId,
        );

        for (const changed of [
          { ...input, Name: uniqueName('other') },
          { ...input, Description: 'second' },
          { ...input, Tags: [{ Key: 'team', Value: 'other' }] },
        ]) {
          assertValidation(
            await rejection(client.send(new CreateDomainCommand(changed))),
            /ClientToken/,
          );
        }
        const ids = await allDomainIds(client);
        assert.equal(ids.filter((id) => id === first.DomainId).length, 1);
        const named = (await allPages(paginateListDomains({ client }, {}))).flatMap((p) =>
          (p.DomainSummaries ?? []).filter((d) => d.Name === input.Name),
        );
        assert.equal(named.length, 1, 'one domain with that name');
      },
    );

    test(
      '10 concurrent CreateDomain with one ClientToken create one domain',
      { timeout: TEST_TIMEOUT },
      async () => {
        const key = await createKey(ctx.server, 'concurrent');
        const input = {
          Name: uniqueName('together'),
          ServerSideEncryptionConfiguration: { KmsKeyId: key.KeyId },
          ClientToken: clientToken(),
        };
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, () => client.send(new CreateDomainCommand(input))),
        );
        const ids = results.map((r) => {
          if (r.status === 'rejected') {
            const e = settledError(r);
            assert.fail(
              `a CreateDomain failed: ${e.name} ${e.message}\n${serverLog(ctx.server, e)}`,
            );
          }
          return r.value.Domain?.DomainId;
        });
        const distinct = new Set(ids);
        assert.equal(distinct.size, 1, `one DomainId for all: ${[...distinct].join(', ')}`);
        const domainId = ids[0];
        assertDomainId(domainId);
        const listed = await allDomainIds(client);
        assert.equal(listed.filter((id) => id === domainId).length, 1, 'listed once');
        const named = (await allPages(paginateListDomains({ client }, {}))).flatMap((p) =>
          (p.DomainSummaries ?? []).filter((d) => d.Name === input.Name),
        );
        assert.equal(named.length, 1, 'exactly one domain has that name');
        const { WatchlistSummaries } = await watchlistOps(client, domainId).list();
        assert.equal(WatchlistSummaries?.length, 1, 'one default watchlist');
      },
    );

    // ---- DescribeDomain

    test(
      'DescribeDomain of an unknown id is ResourceNotFoundException DOMAIN; a malformed id is a ValidationException',
      { timeout: TEST_TIMEOUT },
      async () => {
        const unknown = randomUniqueId();
        assertNotFound(
          await rejection(client.send(new DescribeDomainCommand({ DomainId: unknown }))),
          'DOMAIN',
          new RegExp(unknown),
        );
        for (const bad of ['short', 'x'.repeat(23), 'abcdefghijklmnopqrstu!']) {
          assertValidation(
            await rejection(client.send(new DescribeDomainCommand({ DomainId: bad }))),
            modelViolation('domainId'),
          );
        }
      },
    );

    // ---- UpdateDomain

    test(
      'UpdateDomain is a full replace and records a key change',
      { timeout: TEST_TIMEOUT },
      async () => {
        const keyA = await createKey(ctx.server, 'upd-a');
        const keyB = await createKey(ctx.server, 'upd-b');
        const created = await createDomain(client, keyA.Alias, { Description: 'to be removed' });

        const renamed = uniqueName('renamed');
        const updated = (
          await client.send(
            new UpdateDomainCommand({
              DomainId: created.DomainId,
              Name: renamed,
              ServerSideEncryptionConfiguration: { KmsKeyId: keyA.Alias },
            }),
          )
        ).Domain;
        assert.equal(updated?.DomainId, created.DomainId);
        assert.equal(updated?.Name, renamed);
        assert.equal(updated?.Description, undefined, 'the omitted Description is removed');
        assert.equal(updated?.DomainStatus, 'ACTIVE');
        assert.equal(
          updated?.ServerSideEncryptionUpdateDetails,
          undefined,
          'the same key is no key change',
        );
        assert.deepEqual(updated?.CreatedAt, created.CreatedAt, 'CreatedAt unchanged');
        assert.ok(updated!.UpdatedAt!.getTime() >= created.UpdatedAt!.getTime());
        assert.deepEqual(updated?.WatchlistDetails, created.WatchlistDetails);
        assert.deepEqual(await describeDomain(client, created.DomainId), updated);

        const rekeyed = (
          await client.send(
            new UpdateDomainCommand({
              DomainId: created.DomainId,
              Name: renamed,
              Description: 'new key',
              ServerSideEncryptionConfiguration: { KmsKeyId: keyB.Arn },
            }),
          )
        ).Domain;
        assert.equal(rekeyed?.Description, 'new key');
        assert.deepEqual(rekeyed?.ServerSideEncryptionConfiguration, { KmsKeyId: keyB.Arn });
        assert.equal(rekeyed?.ServerSideEncryptionUpdateDetails?.OldKmsKeyId, keyA.Alias);
        assert.equal(rekeyed?.ServerSideEncryptionUpdateDetails?.UpdateStatus, 'COMPLETED');
        assert.deepEqual(await describeDomain(client, created.DomainId), rekeyed);

        // To a disabled key: ValidationException, nothing changes.
        const keyC = await createKey(ctx.server, 'upd-c');
        await disableKey(ctx.server, keyC.KeyId);
        const e = await rejection(
          client.send(
            new UpdateDomainCommand({
              DomainId: created.DomainId,
              Name: uniqueName('never'),
              ServerSideEncryptionConfiguration: { KmsKeyId: keyC.KeyId },
            }),
          ),
        );
        assertValidation(e, /disabled/i);
        assert.ok(e.message.includes(keyC.KeyId), e.message);
        // ...and to an unknown key.
        const unknownAlias = `alias/${uniqueName('gone')}`;
        const e2 = await rejection(
          client.send(
            new UpdateDomainCommand({
              DomainId: created.DomainId,
              Name: uniqueName('never'),
              ServerSideEncryptionConfiguration: { KmsKeyId: unknownAlias },
            }),
          ),
        );
        assertValidation(e2);
        assert.ok(e2.message.includes(unknownAlias), e2.message);
        assert.deepEqual(await describeDomain(client, created.DomainId), rekeyed);

        // Unknown domain.
        assertNotFound(
          await rejection(
            client.send(
              new UpdateDomainCommand({
                DomainId: randomUniqueId(),
                Name: 'x',
                ServerSideEncryptionConfiguration: { KmsKeyId: keyA.KeyId },
              }),
            ),
          ),
          'DOMAIN',
        );
      },
    );

    // ---- Suspension

    test(
      'disabling a key suspends its domains: watchlist calls are DOMAIN_NOT_ACTIVE until it is enabled',
      { timeout: TEST_TIMEOUT },
      async () => {
        const key = await createKey(ctx.server, 'suspend');
        const domain = await createDomain(client, key.KeyId, { Tags: [{ Key: 'k', Value: 'v' }] });
        const sibling = await createDomain(client, key.Alias);
        const doomed = await createDomain(client, key.KeyId);
        const ops = watchlistOps(client, domain.DomainId);
        const custom = await ops.create(uniqueName('custom'));
        const defaultId = domain.WatchlistDetails!.DefaultWatchlistId!;

        await disableKey(ctx.server, key.KeyId);
        assert.equal((await describeDomain(client, domain.DomainId)).DomainStatus, 'SUSPENDED');
        assert.equal(
          (await describeDomain(client, sibling.DomainId)).DomainStatus,
          'SUSPENDED',
          'every domain on the key is suspended',
        );

        const calls: [string, () => Promise<unknown>][] = [
          ['CreateWatchlist', () => ops.create(uniqueName('while-suspended'))],
          ['DescribeWatchlist', () => ops.describe(custom.WatchlistId)],
          ['DescribeWatchlist (default)', () => ops.describe(defaultId)],
          ['UpdateWatchlist', () => ops.update(custom.WatchlistId, { Description: 'x' })],
          ['DeleteWatchlist', () => ops.delete(custom.WatchlistId)],
          ['ListWatchlists', () => ops.list()],
        ];
        for (const [what, call] of calls) {
          const e = await rejection(call());
          assert.equal(e.name, 'ConflictException', `${what}: ${e.name} ${e.message}`);
          assertConflict(e, 'DOMAIN_NOT_ACTIVE', NOT_ACTIVE);
        }

        // Domain-level calls still work on a suspended domain.
        const summaries = (await allPages(paginateListDomains({ client }, {}))).flatMap(
          (p) => p.DomainSummaries ?? [],
        );
        assert.equal(
          summaries.find((d) => d.DomainId === domain.DomainId)?.DomainStatus,
          'SUSPENDED',
          'ListDomains shows the status',
        );
        await client.send(
          new TagResourceCommand({
            ResourceArn: domainArn(domain.DomainId),
            Tags: [{ Key: 'k2', Value: 'v2' }],
          }),
        );
        assert.deepEqual(await listTags(client, domain.DomainId), [
          { Key: 'k', Value: 'v' },
          { Key: 'k2', Value: 'v2' },
        ]);

        await client.send(new DeleteDomainCommand({ DomainId: doomed.DomainId }));
        assertNotFound(
          await rejection(client.send(new DescribeDomainCommand({ DomainId: doomed.DomainId }))),
          'DOMAIN',
        );

        await enableKey(ctx.server, key.KeyId);
        assert.equal((await describeDomain(client, domain.DomainId)).DomainStatus, 'ACTIVE');
        assert.equal((await describeDomain(client, sibling.DomainId)).DomainStatus, 'ACTIVE');
        assert.equal((await ops.describe(custom.WatchlistId))?.Name, custom.Name);
        await ops.update(custom.WatchlistId, { Description: 'back' });
        await ops.create(uniqueName('after'));
        assert.equal((await ops.list()).WatchlistSummaries?.length, 3);
        await ops.delete(custom.WatchlistId);
        assert.equal((await ops.list()).WatchlistSummaries?.length, 2);
      },
    );

    test(
      'UpdateDomain moves a suspended domain to an enabled key and makes it ACTIVE',
      { timeout: TEST_TIMEOUT },
      async () => {
        const oldKey = await createKey(ctx.server, 'rescue-old');
        const newKey = await createKey(ctx.server, 'rescue-new');
        const domain = await createDomain(client, oldKey.KeyId);
        await disableKey(ctx.server, oldKey.Alias);
        assert.equal((await describeDomain(client, domain.DomainId)).DomainStatus, 'SUSPENDED');
        const moved = (
          await client.send(
            new UpdateDomainCommand({
              DomainId: domain.DomainId,
              Name: domain.Name,
              ServerSideEncryptionConfiguration: { KmsKeyId: newKey.KeyId },
            }),
          )
        ).Domain;
        assert.equal(moved?.DomainStatus, 'ACTIVE');
        assert.equal(moved?.ServerSideEncryptionUpdateDetails?.OldKmsKeyId, oldKey.KeyId);
        assert.equal(moved?.ServerSideEncryptionUpdateDetails?.UpdateStatus, 'COMPLETED');
        const { WatchlistSummaries } = await watchlistOps(client, domain.DomainId).list();
        assert.equal(WatchlistSummaries?.length, 1);
      },
    );

    // ---- DeleteDomain

    test(
      'DeleteDomain removes the domain, its watchlists and tags; a second delete is not found',
      { timeout: TEST_TIMEOUT },
      async () => {
        const key = await createKey(ctx.server, 'delete');
        const domain = await createDomain(client, key.KeyId, { Tags: [{ Key: 'a', Value: 'b' }] });
        const ops = watchlistOps(client, domain.DomainId);
        const custom = await ops.create(uniqueName('doomed'));
        await client.send(new DeleteDomainCommand({ DomainId: domain.DomainId }));

        assertNotFound(
          await rejection(client.send(new DescribeDomainCommand({ DomainId: domain.DomainId }))),
          'DOMAIN',
        );
        assertNotFound(await rejection(ops.list()), 'DOMAIN');
        assertNotFound(await rejection(ops.describe(custom.WatchlistId)), 'DOMAIN');
        assertNotFound(await rejection(ops.create(uniqueName('late'))), 'DOMAIN');
        assertNotFound(
          await rejection(
            client.send(
              new ListTagsForResourceCommand({ ResourceArn: domainArn(domain.DomainId) }),
            ),
          ),
          'DOMAIN',
        );
        assertNotFound(
          await rejection(
            client.send(
              new UpdateDomainCommand({
                DomainId: domain.DomainId,
                Name: 'x',
                ServerSideEncryptionConfiguration: { KmsKeyId: key.KeyId },
              }),
            ),
          ),
          'DOMAIN',
        );
        assertNotFound(
          await rejection(client.send(new DeleteDomainCommand({ DomainId: domain.DomainId }))),
          'DOMAIN',
        );
        assert.ok(!(await allDomainIds(client)).includes(domain.DomainId), 'not listed');
        assertNotFound(
          await rejection(client.send(new DeleteDomainCommand({ DomainId: randomUniqueId() }))),
          'DOMAIN',
        );
      },
    );

    // ---- ListDomains

    test(
      'ListDomains pages with paginateListDomains (pageSize 3) and bounds MaxResults to 1..10',
      { timeout: TEST_TIMEOUT },
      async () => {
        const key = await createKey(ctx.server, 'pages');
        const before = new Set(await allDomainIds(client));
        const mine: string[] = [];
        for (let i = 0; i < 8; i++) mine.push((await createDomain(client, key.KeyId)).DomainId);

        const pages = await allPages(paginateListDomains({ client, pageSize: 3 }, {}));
        const ids = pages.flatMap((p) => (p.DomainSummaries ?? []).map((d) => d.DomainId!));
        const total = before.size + 8;
        assert.equal(ids.length, total, 'every domain once');
        assert.equal(new Set(ids).size, ids.length, 'no duplicates across pages');
        for (const id of mine) assert.ok(ids.includes(id), `${id} listed`);
        assert.equal(pages.length, Math.ceil(total / 3));
        pages.forEach((p, i) => {
          const expected = i < pages.length - 1 ? 3 : total - 3 * (pages.length - 1);
          assert.equal(p.DomainSummaries?.length, expected, `page ${i} size`);
          if (i < pages.length - 1) assert.ok(p.NextToken, `page ${i} has a NextToken`);
        });
        assert.ok(!pages.at(-1)!.NextToken, 'the last page has no NextToken');
        const summary = pages
          .flatMap((p) => p.DomainSummaries ?? [])
          .find((d) => d.DomainId === mine[0]);
        assert.equal(summary?.DomainStatus, 'ACTIVE');
        assert.equal(summary?.Arn, domainArn(mine[0]!));
        assert.deepEqual(summary?.ServerSideEncryptionConfiguration, { KmsKeyId: key.KeyId });
        assert.match(summary?.WatchlistDetails?.DefaultWatchlistId ?? '', UNIQUE_ID_PATTERN);
        assertRecentDate(summary?.CreatedAt, 'summary CreatedAt');

        // Default page size 10.
        const first = await client.send(new ListDomainsCommand({}));
        assert.equal(first.DomainSummaries?.length, Math.min(10, total));
        assert.equal(Boolean(first.NextToken), total > 10);

        for (const max of [0, 11, 100]) {
          assertValidation(
            await rejection(client.send(new ListDomainsCommand({ MaxResults: max }))),
            modelViolation('maxResults'),
          );
        }
        for (const max of [1, 10]) {
          const out = await client.send(new ListDomainsCommand({ MaxResults: max }));
          assert.equal(out.DomainSummaries?.length, max);
        }
      },
    );

    test(
      'a tampered, forged or foreign NextToken is a ValidationException',
      { timeout: TEST_TIMEOUT },
      async () => {
        const key = await createKey(ctx.server, 'tokens');
        for (let i = 0; i < 3; i++) await createDomain(client, key.KeyId);
        const page = await client.send(new ListDomainsCommand({ MaxResults: 1 }));
        const token = page.NextToken;
        assert.ok(token, 'a first page of 1 has a NextToken');
        // The genuine token works.
        const next = await client.send(new ListDomainsCommand({ MaxResults: 1, NextToken: token }));
        assert.notEqual(next.DomainSummaries?.[0]?.DomainId, page.DomainSummaries?.[0]?.DomainId);

        for (const bad of [
          tamper(token),
          token.slice(0, -2),
          `${token}x`,
          'forged',
          'eyJhZnRlciI6IiJ9',
        ]) {
          assertValidation(
            await rejection(client.send(new ListDomainsCommand({ MaxResults: 1, NextToken: bad }))),
            INVALID_TOKEN,
          );
        }

        // A ListWatchlists token is foreign to ListDomains and to another domain's watchlists.
        const a = await createDomain(client, key.KeyId);
        const b = await createDomain(client, key.KeyId);
        await watchlistOps(client, a.DomainId).create(uniqueName('w'));
        const wlPage = await watchlistOps(client, a.DomainId).list(1);
        assert.ok(wlPage.NextToken, 'a first watchlist page of 1 out of 2 has a NextToken');
        assertValidation(
          await rejection(
            client.send(new ListDomainsCommand({ MaxResults: 1, NextToken: wlPage.NextToken })),
          ),
          INVALID_TOKEN,
        );
        assertValidation(
          await rejection(watchlistOps(client, b.DomainId).list(1, wlPage.NextToken)),
          INVALID_TOKEN,
        );
        assertValidation(
          await rejection(watchlistOps(client, a.DomainId).list(1, token)),
          INVALID_TOKEN,
        );
        await watchlistOps(client, a.DomainId).list(1, wlPage.NextToken);
      },
    );

    // ---- Watchlists

    test(
      'watchlists: create (idempotent on ClientToken), describe, update, delete',
      { timeout: TEST_TIMEOUT },
      async () => {
        const key = await createKey(ctx.server, 'wl');
        const domain = await createDomain(client, key.KeyId);
        const other = await createDomain(client, key.KeyId);
        const ops = watchlistOps(client, domain.DomainId);

        const token = clientToken();
        const name = uniqueName('vip');
        const created = await ops.create(name, {
          Description: 'Known fraudsters',
          ClientToken: token,
        });
        assert.equal(created.DomainId, domain.DomainId);
        assert.equal(created.Name, name);
        assert.equal(created.Description, 'Known fraudsters');
        assert.equal(created.DefaultWatchlist, false);
        assertRecentDate(created.CreatedAt, 'CreatedAt');
        assertRecentDate(created.UpdatedAt, 'UpdatedAt');
        assert.notEqual(created.WatchlistId, domain.WatchlistDetails?.DefaultWatchlistId);

        const again = await ops.create(name, {
          Description: 'Known fraudsters',
          ClientToken: token,
        });
        assert.equal(again.WatchlistId, created.WatchlistId, 'same token, same watchlist');
        assertValidation(
          await rejection(
            ops.create(uniqueName('other'), {
              Description: 'Known fraudsters',
              ClientToken: token,
            }),
          ),
          /ClientToken/,
        );
        assertValidation(
          await rejection(ops.create(name, { Description: 'changed', ClientToken: token })),
          /ClientToken/,
        );
        // The token is per domain.
        const elsewhere = await watchlistOps(client, other.DomainId).create(name, {
          Description: 'Known fraudsters',
          ClientToken: token,
        });
        assert.notEqual(elsewhere.WatchlistId, created.WatchlistId);
        assert.equal(elsewhere.DomainId, other.DomainId);
        assert.equal((await ops.list()).WatchlistSummaries?.length, 2, 'default + one');

        assert.deepEqual(await ops.describe(created.WatchlistId), created);

        const renamed = uniqueName('renamed');
        const u1 = await ops.update(created.WatchlistId, { Name: renamed });
        assert.equal(u1?.Name, renamed);
        assert.equal(u1?.Description, 'Known fraudsters', 'an omitted Description is kept');
        assert.deepEqual(u1?.CreatedAt, created.CreatedAt);
        const u2 = await ops.update(created.WatchlistId, { Description: 'Repeat callers' });
        assert.equal(u2?.Name, renamed, 'an omitted Name is kept');
        assert.equal(u2?.Description, 'Repeat callers');
        assert.ok(u2!.UpdatedAt!.getTime() >= created.UpdatedAt!.getTime());
        assert.deepEqual(await ops.describe(created.WatchlistId), u2);

        // A watchlist of another domain is not found through this one.
        assertNotFound(await rejection(ops.describe(elsewhere.WatchlistId)), 'WATCHLIST');

        await ops.delete(created.WatchlistId);
        assertNotFound(await rejection(ops.describe(created.WatchlistId)), 'WATCHLIST');
        assertNotFound(await rejection(ops.delete(created.WatchlistId)), 'WATCHLIST');
        assert.deepEqual(
          (await ops.list()).WatchlistSummaries?.map((w) => w.WatchlistId),
          [domain.WatchlistDetails?.DefaultWatchlistId],
        );
      },
    );

    test(
      'the default watchlist cannot be updated or deleted; unknown watchlists are not found',
      { timeout: TEST_TIMEOUT },
      async () => {
        const key = await createKey(ctx.server, 'wl-default');
        const domain = await createDomain(client, key.KeyId);
        const ops = watchlistOps(client, domain.DomainId);
        const defaultId = domain.WatchlistDetails!.DefaultWatchlistId!;
        const original = await ops.describe(defaultId);

        for (const change of [{ Name: uniqueName('x') }, { Description: 'changed' }]) {
          assertValidation(await rejection(ops.update(defaultId, change)), /default/i);
        }
        assertValidation(await rejection(ops.delete(defaultId)), /default/i);
        assert.deepEqual(await ops.describe(defaultId), original, 'unchanged');

        const unknown = randomUniqueId();
        assertNotFound(await rejection(ops.describe(unknown)), 'WATCHLIST', new RegExp(unknown));
        assertNotFound(await rejection(ops.update(unknown, { Name: 'x' })), 'WATCHLIST');
        assertNotFound(await rejection(ops.delete(unknown)), 'WATCHLIST');
        // An unknown domain is DOMAIN.
        assertNotFound(
          await rejection(watchlistOps(client, randomUniqueId()).describe(defaultId)),
          'DOMAIN',
        );
        assertNotFound(await rejection(watchlistOps(client, randomUniqueId()).list()), 'DOMAIN');
      },
    );

    test(
      'watchlist inputs are validated against the model',
      { timeout: TEST_TIMEOUT },
      async () => {
        const key = await createKey(ctx.server, 'wl-model');
        const domain = await createDomain(client, key.KeyId);
        const ops = watchlistOps(client, domain.DomainId);
        const wl = await ops.create(uniqueName('ok'));
        for (const bad of ['bad name!', '-leading-dash', '', 'x'.repeat(257)]) {
          assertValidation(await rejection(ops.create(bad)), modelViolation('name'));
          assertValidation(
            await rejection(ops.update(wl.WatchlistId, { Name: bad })),
            modelViolation('name'),
          );
        }
        assertValidation(
          await rejection(ops.create(uniqueName('ok'), { Description: 'no <html> here' })),
          modelViolation('description'),
        );
        assertValidation(
          await rejection(ops.create(uniqueName('ok'), { ClientToken: 'bad token!' })),
          modelViolation('clientToken'),
        );
        assertValidation(await rejection(ops.describe('short')), modelViolation('watchlistId'));
        for (const max of [0, 101]) {
          assertValidation(await rejection(ops.list(max)), modelViolation('maxResults'));
        }
        assert.equal((await ops.list()).WatchlistSummaries?.length, 2, 'nothing else was created');
        // Domain names follow the same pattern.
        assertValidation(
          await rejection(createDomain(client, key.KeyId, { Name: 'bad name!' })),
          modelViolation('name'),
        );
      },
    );

    test(
      '10 concurrent CreateWatchlist with one ClientToken create one watchlist',
      { timeout: TEST_TIMEOUT },
      async () => {
        const key = await createKey(ctx.server, 'wl-concurrent');
        const domain = await createDomain(client, key.KeyId);
        const ops = watchlistOps(client, domain.DomainId);
        const token = clientToken();
        const name = uniqueName('together');
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, () => ops.create(name, { ClientToken: token })),
        );
        const ids = results.map((r) => {
          if (r.status === 'rejected') {
            const e = settledError(r);
            assert.fail(
              `a CreateWatchlist failed: ${e.name} ${e.message}\n${serverLog(ctx.server, e)}`,
            );
          }
          return r.value.WatchlistId;
        });
        assert.equal(
          new Set(ids).size,
          1,
          `one WatchlistId for all: ${[...new Set(ids)].join(', ')}`,
        );
        const listed = (await ops.list()).WatchlistSummaries ?? [];
        assert.equal(listed.length, 2, 'the default watchlist and one more');
        assert.equal(listed.filter((w) => w.WatchlistId === ids[0]).length, 1);
      },
    );

    test(
      'ListWatchlists pages with paginateListWatchlists (pageSize 2)',
      { timeout: TEST_TIMEOUT },
      async () => {
        const key = await createKey(ctx.server, 'wl-pages');
        const domain = await createDomain(client, key.KeyId);
        const ops = watchlistOps(client, domain.DomainId);
        const mine: string[] = [];
        for (let i = 0; i < 5; i++) mine.push((await ops.create(uniqueName(`w${i}`))).WatchlistId);
        const pages = await allPages(
          paginateListWatchlists({ client, pageSize: 2 }, { DomainId: domain.DomainId }),
        );
        // 5 + the default watchlist.
        assert.deepEqual(
          pages.map((p) => p.WatchlistSummaries?.length),
          [2, 2, 2],
        );
        const summaries = pages.flatMap((p) => p.WatchlistSummaries ?? []);
        const ids = summaries.map((w) => w.WatchlistId!);
        assert.equal(new Set(ids).size, 6);
        assert.deepEqual(
          [...ids].sort(),
          [...mine, domain.WatchlistDetails!.DefaultWatchlistId!].sort(),
        );
        assert.equal(summaries.filter((w) => w.DefaultWatchlist).length, 1);
        for (const w of summaries) assert.equal(w.DomainId, domain.DomainId);
        assert.ok(!pages.at(-1)!.NextToken);
        // Default MaxResults is 100: one page.
        const all = await ops.list();
        assert.equal(all.WatchlistSummaries?.length, 6);
        assert.equal(all.NextToken, undefined);
      },
    );

    // ---- Tags

    test(
      'tags: CreateDomain with Tags, TagResource adds and overwrites, UntagResource removes',
      { timeout: TEST_TIMEOUT },
      async () => {
        const key = await createKey(ctx.server, 'tags');
        const domain = await createDomain(client, key.KeyId, {
          Tags: [
            { Key: 'team', Value: 'fraud' },
            { Key: 'cost-center', Value: 'CC-1' },
          ],
        });
        const arn = domainArn(domain.DomainId);
        assert.deepEqual(await listTags(client, domain.DomainId), [
          { Key: 'cost-center', Value: 'CC-1' },
          { Key: 'team', Value: 'fraud' },
        ]);

        await client.send(
          new TagResourceCommand({
            ResourceArn: arn,
            Tags: [
              { Key: 'team', Value: 'risk' },
              { Key: 'env', Value: '' },
            ],
          }),
        );
        assert.deepEqual(await listTags(client, domain.DomainId), [
          { Key: 'cost-center', Value: 'CC-1' },
          { Key: 'env', Value: '' },
          { Key: 'team', Value: 'risk' },
        ]);

        await client.send(
          new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['cost-center', 'not-there'] }),
        );
        assert.deepEqual(await listTags(client, domain.DomainId), [
          { Key: 'env', Value: '' },
          { Key: 'team', Value: 'risk' },
        ]);
        await client.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['env', 'team'] }));
        assert.deepEqual(await listTags(client, domain.DomainId), []);

        // Reserved keys.
        for (const reserved of ['aws:owner', 'AWS:owner']) {
          assertValidation(
            await rejection(
              client.send(
                new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: reserved, Value: 'x' }] }),
              ),
            ),
            /aws:/i,
          );
        }
        assertValidation(
          await rejection(
            createDomain(client, key.KeyId, { Tags: [{ Key: 'aws:cloudformation', Value: 'x' }] }),
          ),
          /aws:/i,
        );
        assert.deepEqual(await listTags(client, domain.DomainId), []);

        // Another account or region, an unknown domain, a malformed ARN.
        for (const other of [
          domainArn(domain.DomainId, REGION, '123456789012'),
          domainArn(domain.DomainId, 'eu-west-1'),
          domainArn(randomUniqueId()),
        ]) {
          assertNotFound(
            await rejection(client.send(new ListTagsForResourceCommand({ ResourceArn: other }))),
            'DOMAIN',
          );
          assertNotFound(
            await rejection(
              client.send(
                new TagResourceCommand({ ResourceArn: other, Tags: [{ Key: 'a', Value: 'b' }] }),
              ),
            ),
            'DOMAIN',
          );
          assertNotFound(
            await rejection(
              client.send(new UntagResourceCommand({ ResourceArn: other, TagKeys: ['a'] })),
            ),
            'DOMAIN',
          );
        }
        assertValidation(
          await rejection(
            client.send(new ListTagsForResourceCommand({ ResourceArn: 'not-an-arn' })),
          ),
          modelViolation('resourceArn'),
        );
      },
    );
  });

  describe(`Voice ID tag limit (${kind}, --voiceid-max-tags 3)`, () => {
    let ctx: VoiceIdServer;

    before(
      async () => {
        ctx = await startVoiceIdServer(kind, ['--voiceid-max-tags', '3']);
      },
      { timeout: HOOK_TIMEOUT },
    );
    after(() => ctx?.server.stopAndDrop(), { timeout: HOOK_TIMEOUT });

    test(
      'more than 3 tags on a domain is a ValidationException',
      { timeout: TEST_TIMEOUT },
      async () => {
        const { client } = ctx;
        const key = await createKey(ctx.server, 'limit');
        const four = [1, 2, 3, 4].map((i) => ({ Key: `k${i}`, Value: `v${i}` }));
        const name = uniqueName('too-many');
        assertValidation(
          await rejection(createDomain(client, key.KeyId, { Name: name, Tags: four })),
          /3/,
        );
        const listed = (await allPages(paginateListDomains({ client }, {}))).flatMap(
          (p) => p.DomainSummaries ?? [],
        );
        assert.ok(!listed.some((d) => d.Name === name), 'the domain was not created');

        const domain = await createDomain(client, key.KeyId, { Tags: four.slice(0, 2) });
        const arn = domainArn(domain.DomainId);
        // 2 + 2 new = 4 > 3: refused, nothing applied.
        assertValidation(
          await rejection(
            client.send(new TagResourceCommand({ ResourceArn: arn, Tags: four.slice(2) })),
          ),
          /3/,
        );
        assert.deepEqual(await listTags(client, domain.DomainId), four.slice(0, 2));
        // Up to the limit, and overwriting at the limit, are fine.
        await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: [four[2]!] }));
        await client.send(
          new TagResourceCommand({
            ResourceArn: arn,
            Tags: [
              { Key: 'k1', Value: 'new' },
              { Key: 'k3', Value: 'new' },
            ],
          }),
        );
        assert.deepEqual(await listTags(client, domain.DomainId), [
          { Key: 'k1', Value: 'new' },
          { Key: 'k2', Value: 'v2' },
          { Key: 'k3', Value: 'new' },
        ]);
        assertValidation(
          await rejection(
            client.send(new TagResourceCommand({ ResourceArn: arn, Tags: [four[3]!] })),
          ),
          /3/,
        );
        // Removing one makes room.
        await client.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['k2'] }));
        await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: [four[3]!] }));
        assert.equal((await listTags(client, domain.DomainId)).length, 3);
      },
    );
  });

  describe(`Voice ID races between two servers on one database (${kind})`, () => {
    const MAX_TAGS = ['--voiceid-max-tags', '3'];
    let first: VoiceIdServer;
    let second: VoiceIdServer;
    let clients: VoiceIDClient[];

    before(
      async () => {
        // Two processes: one process runs each SQLite write to completion, so only a second
        // process makes two writes race.
        first = await startVoiceIdServer(kind, MAX_TAGS, undefined, { process: true });
        second = await startVoiceIdServer(kind, MAX_TAGS, first.server.database, { process: true });
        // The second server shares the first's database, hence its credentials.
        clients = [first.client, voiceIdClient(second.server, first.creds)];
      },
      { timeout: HOOK_TIMEOUT },
    );
    after(
      async () => {
        await second?.server.stop();
        await first?.server.stopAndDrop();
      },
      { timeout: HOOK_TIMEOUT },
    );

    test(
      'concurrent UpdateDomain calls: each succeeds or is CONCURRENT_CHANGES, and the winner is whole',
      { timeout: RACE_TIMEOUT },
      async () => {
        const key = await createKey(first.server, 'race');
        const domain = await createDomain(first.client, key.KeyId);
        // Both servers see it.
        assert.equal((await describeDomain(clients[1]!, domain.DomainId)).Name, domain.Name);
        const N = 20;
        let successes = 0;
        let conflicts = 0;
        for (let round = 0; round < 10 && (successes === 0 || conflicts === 0); round++) {
          const names = Array.from({ length: N }, (_, i) => `r${round}-n${i}`);
          const results = await Promise.allSettled(
            names.map((name, i) =>
              clients[i % 2]!.send(
                new UpdateDomainCommand({
                  DomainId: domain.DomainId,
                  Name: name,
                  Description: `description of ${name}`,
                  ServerSideEncryptionConfiguration: { KmsKeyId: key.KeyId },
                }),
              ),
            ),
          );
          const succeeded: string[] = [];
          results.forEach((r, i) => {
            if (r.status === 'fulfilled') {
              assert.equal(r.value.Domain?.Name, names[i]);
              succeeded.push(names[i]!);
              return;
            }
            const e = settledError(r);
            const log = serverLog(i % 2 === 0 ? first.server : second.server, e);
            assert.equal(e.name, 'ConflictException', `${e.name}: ${e.message}\n${log}`);
            assertConflict(
              e,
              'CONCURRENT_CHANGES',
              'The request could not be processed as the resource was modified by another request during execution.',
            );
            conflicts++;
          });
          assert.ok(succeeded.length >= 1, `round ${round}: at least one update succeeds`);
          successes += succeeded.length;
          for (const c of clients) {
            const final = await describeDomain(c, domain.DomainId);
            assert.ok(
              succeeded.includes(final.Name ?? ''),
              `round ${round}: final Name ${final.Name} comes from a successful call`,
            );
            assert.equal(final.Description, `description of ${final.Name}`, 'one call, whole');
            assert.equal(final.DomainStatus, 'ACTIVE');
          }
        }
        assert.ok(successes > 0, 'some updates succeeded');
        assert.ok(conflicts > 0, 'CONCURRENT_CHANGES was observed within 10 rounds');

        // The domain is still consistent and writable.
        const calm = await clients[1]!.send(
          new UpdateDomainCommand({
            DomainId: domain.DomainId,
            Name: 'calm',
            ServerSideEncryptionConfiguration: { KmsKeyId: key.KeyId },
          }),
        );
        assert.equal(calm.Domain?.Name, 'calm');
        assert.equal((await describeDomain(clients[0]!, domain.DomainId)).Name, 'calm');
      },
    );

    test(
      '10 concurrent CreateDomain with one ClientToken on two servers create one domain',
      { timeout: RACE_TIMEOUT },
      async () => {
        const key = await createKey(first.server, 'token-race');
        for (let round = 0; round < 3; round++) {
          const input = {
            Name: uniqueName(`together-r${round}`),
            ServerSideEncryptionConfiguration: { KmsKeyId: key.KeyId },
            ClientToken: clientToken(),
          };
          const results = await Promise.allSettled(
            Array.from({ length: 10 }, (_, i) =>
              clients[i % 2]!.send(new CreateDomainCommand(input)),
            ),
          );
          const ids = results.map((r, i) => {
            if (r.status === 'rejected') {
              const e = settledError(r);
              const log = serverLog(i % 2 === 0 ? first.server : second.server, e);
              assert.fail(`round ${round}: a CreateDomain failed: ${e.name} ${e.message}\n${log}`);
            }
            return r.value.Domain?.DomainId;
          });
          assert.equal(new Set(ids).size, 1, `round ${round}: one DomainId for all`);
          const named = (await allPages(paginateListDomains({ client: clients[1]! }, {}))).flatMap(
            (p) => (p.DomainSummaries ?? []).filter((d) => d.Name === input.Name),
          );
          assert.deepEqual(
            named.map((d) => d.DomainId),
            [ids[0]],
            `round ${round}: exactly one domain has that name`,
          );
        }
      },
    );

    test(
      'concurrent TagResource calls never take a domain over --voiceid-max-tags',
      { timeout: RACE_TIMEOUT },
      async () => {
        const key = await createKey(first.server, 'tag-race');
        for (let round = 0; round < 5; round++) {
          const domain = await createDomain(first.client, key.KeyId, {
            Tags: [
              { Key: 'a', Value: '1' },
              { Key: 'b', Value: '2' },
            ],
          });
          const arn = domainArn(domain.DomainId);
          const newKeys = Array.from({ length: 10 }, (_, i) => `new${i}`);
          const results = await Promise.allSettled(
            newKeys.map((k, i) =>
              clients[i % 2]!.send(
                new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: k, Value: k }] }),
              ),
            ),
          );
          const applied: string[] = [];
          results.forEach((r, i) => {
            if (r.status === 'fulfilled') {
              applied.push(newKeys[i]!);
              return;
            }
            const e = settledError(r);
            const log = serverLog(i % 2 === 0 ? first.server : second.server, e);
            assert.ok(
              e.name === 'ValidationException' ||
                (e.name === 'ConflictException' && e.ConflictType === 'CONCURRENT_CHANGES'),
              `round ${round}: ${e.name} ${e.ConflictType ?? ''}: ${e.message}\n${log}`,
            );
          });
          const tags = await listTags(clients[0]!, domain.DomainId);
          assert.ok(
            tags.length <= 3,
            `round ${round}: ${tags.length} tags (${tags.map((t) => t.Key).join(', ')}) after ` +
              `${applied.length} successful TagResource calls; the limit is 3`,
          );
          assert.deepEqual(
            tags.map((t) => t.Key),
            ['a', 'b', ...applied].sort(),
            `round ${round}: exactly the successful calls' tags were applied`,
          );
        }
      },
    );

    test(
      'concurrent TagResource calls on one key: each succeeds or is CONCURRENT_CHANGES, never a 500',
      { timeout: RACE_TIMEOUT },
      async () => {
        const key = await createKey(first.server, 'tag-same');
        for (let round = 0; round < 5; round++) {
          const domain = await createDomain(first.client, key.KeyId);
          const arn = domainArn(domain.DomainId);
          const values = Array.from({ length: 10 }, (_, i) => `r${round}-v${i}`);
          const results = await Promise.allSettled(
            values.map((v, i) =>
              clients[i % 2]!.send(
                new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'owner', Value: v }] }),
              ),
            ),
          );
          const succeeded: string[] = [];
          results.forEach((r, i) => {
            if (r.status === 'fulfilled') {
              succeeded.push(values[i]!);
              return;
            }
            const e = settledError(r);
            const log = serverLog(i % 2 === 0 ? first.server : second.server, e);
            assert.equal(
              e.name,
              'ConflictException',
              `round ${round}: TagResource answered ${e.name} (${e.$metadata.httpStatusCode}): ${e.message}\n${log}`,
            );
            assertConflict(e, 'CONCURRENT_CHANGES');
          });
          assert.ok(succeeded.length >= 1, `round ${round}: at least one TagResource succeeds`);
          const tags = await listTags(clients[1]!, domain.DomainId);
          assert.equal(tags.length, 1, `round ${round}: one tag`);
          assert.ok(
            succeeded.includes(tags[0]?.Value ?? ''),
            `round ${round}: the value ${tags[0]?.Value} comes from a successful call`,
          );
        }
      },
    );

    test(
      'calls racing DeleteDomain succeed or find no domain, never a 500',
      { timeout: RACE_TIMEOUT },
      async () => {
        const key = await createKey(first.server, 'delete-race');
        for (let round = 0; round < 10; round++) {
          const domain = await createDomain(first.client, key.KeyId);
          const ops = ['CreateWatchlist', 'TagResource', 'UpdateDomain'] as const;
          const calls = Array.from({ length: 12 }, (_, i) => {
            const c = clients[i % 2]!;
            if (i === 5)
              return {
                op: 'DeleteDomain',
                call: c.send(new DeleteDomainCommand({ DomainId: domain.DomainId })),
              };
            const op = ops[i % 3]!;
            const call =
              op === 'CreateWatchlist'
                ? watchlistOps(c, domain.DomainId).create(uniqueName(`w${i}`))
                : op === 'TagResource'
                  ? c.send(
                      new TagResourceCommand({
                        ResourceArn: domainArn(domain.DomainId),
                        Tags: [{ Key: `k${i}`, Value: 'v' }],
                      }),
                    )
                  : c.send(
                      new UpdateDomainCommand({
                        DomainId: domain.DomainId,
                        Name: `n${i}`,
                        ServerSideEncryptionConfiguration: { KmsKeyId: key.KeyId },
                      }),
                    );
            return { op, call };
          });
          const results = await Promise.allSettled(calls.map((c) => c.call));
          results.forEach((r, i) => {
            const { op } = calls[i]!;
            if (op === 'DeleteDomain') {
              assert.equal(r.status, 'fulfilled', `round ${round}: the only DeleteDomain succeeds`);
              return;
            }
            if (r.status === 'fulfilled') return;
            const e = settledError(r);
            const log = serverLog(i % 2 === 0 ? first.server : second.server, e);
            const what = `round ${round}: ${op} answered ${e.name} (${e.$metadata.httpStatusCode}) ${e.ResourceType ?? e.ConflictType ?? ''}: ${e.message}\n${log}`;
            if (e.name === 'ResourceNotFoundException') {
              assert.equal(e.ResourceType, 'DOMAIN', what);
              assertNotFound(e, 'DOMAIN');
            } else if (e.name === 'ConflictException') {
              assert.equal(e.ConflictType, 'CONCURRENT_CHANGES', what);
              assertConflict(e, 'CONCURRENT_CHANGES');
            } else if (op === 'TagResource' && e.name === 'ValidationException') {
              // These servers allow 3 tags: the racing taggers past the third are refused.
              assert.match(e.message, /at most 3 tags/, what);
            } else {
              assert.fail(what);
            }
          });
          assertNotFound(
            await rejection(
              clients[0]!.send(new DescribeDomainCommand({ DomainId: domain.DomainId })),
            ),
            'DOMAIN',
          );
          assertNotFound(
            await rejection(
              clients[1]!.send(
                new ListTagsForResourceCommand({ ResourceArn: domainArn(domain.DomainId) }),
              ),
            ),
            'DOMAIN',
          );
        }
      },
    );

    test(
      'concurrent UpdateWatchlist calls: each succeeds or is CONCURRENT_CHANGES',
      { timeout: RACE_TIMEOUT },
      async () => {
        const key = await createKey(first.server, 'wl-race');
        const domain = await createDomain(first.client, key.KeyId);
        const wl = await watchlistOps(first.client, domain.DomainId).create(uniqueName('hot'));
        const N = 20;
        let conflicts = 0;
        for (let round = 0; round < 10 && conflicts === 0; round++) {
          const names = Array.from({ length: N }, (_, i) => `r${round}-w${i}`);
          const results = await Promise.allSettled(
            names.map((name, i) =>
              watchlistOps(clients[i % 2]!, domain.DomainId).update(wl.WatchlistId, {
                Name: name,
                Description: `about ${name}`,
              }),
            ),
          );
          const succeeded: string[] = [];
          results.forEach((r, i) => {
            if (r.status === 'fulfilled') {
              succeeded.push(names[i]!);
              return;
            }
            const e = settledError(r);
            const log = serverLog(i % 2 === 0 ? first.server : second.server, e);
            assert.equal(e.name, 'ConflictException', `${e.name}: ${e.message}\n${log}`);
            assertConflict(e, 'CONCURRENT_CHANGES');
            conflicts++;
          });
          assert.ok(succeeded.length >= 1, `round ${round}: at least one update succeeds`);
          const final = await watchlistOps(clients[1]!, domain.DomainId).describe(wl.WatchlistId);
          assert.ok(succeeded.includes(final?.Name ?? ''), `round ${round}: final ${final?.Name}`);
          assert.equal(final?.Description, `about ${final?.Name}`, 'one call, whole');
        }
        assert.ok(conflicts > 0, 'CONCURRENT_CHANGES was observed within 10 rounds');
      },
    );
  });
}
