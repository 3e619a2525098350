/**
 * Identity Store lookups and list paging end to end (docs/identitystore.md, "Reads"): GetUserId /
 * GetGroupId by unique attribute and ExternalId, the deprecated ListUsers/ListGroups filters, the
 * SDK paginators over several pages in a stable order, and NextTokens that are signed and bound
 * to their operation, store and filter.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateGroupMembershipCommand,
  DescribeGroupCommand,
  DescribeUserCommand,
  GetGroupIdCommand,
  GetUserIdCommand,
  ListGroupMembershipsCommand,
  ListGroupMembershipsForMemberCommand,
  ListGroupsCommand,
  ListUsersCommand,
  UpdateGroupCommand,
  UpdateUserCommand,
  paginateListGroupMemberships,
  paginateListGroupMembershipsForMember,
  paginateListGroups,
  paginateListUsers,
  type AlternateIdentifier,
  type IdentitystoreClient,
} from '@aws-sdk/client-identitystore';
import {
  HOOK_TIMEOUT,
  TEST_TIMEOUT,
  allPages,
  assertNotFound,
  assertValidation,
  createGroup,
  createStore,
  createUser,
  rejection,
  startIdentityStoreServer,
  uniqueName,
  type IdentityStoreServer,
} from '../support/identitystore-fixtures.js';
import { testDatabaseKinds } from '../support/test-databases.js';

const INVALID_TOKEN = /The NextToken is invalid or belongs to another request/;

/** `token` with one significant character changed (same character class, so still well-formed). */
function tamper(token: string): string {
  const chars = [...token];
  const middle = Math.floor(chars.length / 2);
  const order = [
    ...Array.from({ length: chars.length - middle }, (_, k) => middle + k),
    ...Array.from({ length: middle }, (_, k) => middle - 1 - k),
  ];
  for (const i of order) {
    const c = chars[i]!;
    let flipped: string | undefined;
    if (/[0-9]/.test(c)) flipped = c === '0' ? '1' : '0';
    else if (/[a-z]/.test(c)) flipped = c === 'a' ? 'b' : 'a';
    else if (/[A-Z]/.test(c)) flipped = c === 'A' ? 'B' : 'A';
    if (flipped !== undefined) {
      chars[i] = flipped;
      const out = chars.join('');
      assert.notEqual(out, token);
      return out;
    }
  }
  assert.fail(`no alphanumeric character to flip in ${token}`);
}

const byUserName = (storeId: string, value: string) => ({
  IdentityStoreId: storeId,
  AlternateIdentifier: {
    UniqueAttribute: { AttributePath: 'userName', AttributeValue: value },
  } satisfies AlternateIdentifier,
});

for (const kind of testDatabaseKinds()) {
  describe(`Identity Store lookups and pagination (${kind})`, () => {
    let ctx: IdentityStoreServer;
    let client: IdentitystoreClient;
    let storeId: string;

    before(
      async () => {
        ctx = await startIdentityStoreServer(kind);
        client = ctx.client;
        storeId = await createStore(ctx.server);
      },
      { timeout: HOOK_TIMEOUT },
    );
    after(() => ctx?.server.stopAndDrop(), { timeout: HOOK_TIMEOUT });

    const getUserId = (store: string, identifier: AlternateIdentifier) =>
      client.send(
        new GetUserIdCommand({ IdentityStoreId: store, AlternateIdentifier: identifier }),
      );
    const getGroupId = (store: string, identifier: AlternateIdentifier) =>
      client.send(
        new GetGroupIdCommand({ IdentityStoreId: store, AlternateIdentifier: identifier }),
      );
    const unique = (AttributePath: string, AttributeValue: string): AlternateIdentifier => ({
      UniqueAttribute: { AttributePath, AttributeValue },
    });

    test('GetUserId by userName is case-insensitive', { timeout: TEST_TIMEOUT }, async () => {
      const userName = uniqueName('Alice.Lookup');
      const userId = await createUser(client, storeId, userName);
      for (const value of [userName, userName.toLowerCase(), userName.toUpperCase()]) {
        const out = await client.send(new GetUserIdCommand(byUserName(storeId, value)));
        assert.equal(out.UserId, userId, value);
        assert.equal(out.IdentityStoreId, storeId);
      }
    });

    test('GetUserId by emails.value is case-insensitive', { timeout: TEST_TIMEOUT }, async () => {
      const local = uniqueName('Bob.Mail');
      const email = `${local}@Example.COM`;
      const userId = await createUser(client, storeId, uniqueName('bob'), {
        Emails: [{ Value: email, Type: 'work', Primary: true }],
      });
      for (const value of [email, email.toLowerCase(), email.toUpperCase()]) {
        const out = await getUserId(storeId, unique('emails.value', value));
        assert.equal(out.UserId, userId, value);
      }
    });

    test(
      'GetUserId by ExternalId written with UpdateUser; DescribeUser shows ExternalIds',
      { timeout: TEST_TIMEOUT },
      async () => {
        const store = await createStore(ctx.server);
        const userId = await createUser(client, store, uniqueName('ext'));
        await client.send(
          new UpdateUserCommand({
            IdentityStoreId: store,
            UserId: userId,
            Operations: [
              { AttributePath: 'externalIds', AttributeValue: [{ issuer: 'okta', id: 'ext-1' }] },
            ],
          }),
        );
        const described = await client.send(
          new DescribeUserCommand({ IdentityStoreId: store, UserId: userId }),
        );
        assert.deepEqual(described.ExternalIds, [{ Issuer: 'okta', Id: 'ext-1' }]);

        const found = await getUserId(store, { ExternalId: { Issuer: 'okta', Id: 'ext-1' } });
        assert.equal(found.UserId, userId);
        assert.equal(found.IdentityStoreId, store);

        // External ids are opaque: case-sensitive; and they are per store.
        assertNotFound(
          await rejection(getUserId(store, { ExternalId: { Issuer: 'okta', Id: 'EXT-1' } })),
          'USER',
        );
        assertNotFound(
          await rejection(getUserId(store, { ExternalId: { Issuer: 'azure', Id: 'ext-1' } })),
          'USER',
        );
        assertNotFound(
          await rejection(getUserId(storeId, { ExternalId: { Issuer: 'okta', Id: 'ext-1' } })),
          'USER',
        );

        // Removing the attribute releases the lookup.
        await client.send(
          new UpdateUserCommand({
            IdentityStoreId: store,
            UserId: userId,
            Operations: [{ AttributePath: 'externalIds' }],
          }),
        );
        const cleared = await client.send(
          new DescribeUserCommand({ IdentityStoreId: store, UserId: userId }),
        );
        assert.equal(cleared.ExternalIds, undefined);
        assertNotFound(
          await rejection(getUserId(store, { ExternalId: { Issuer: 'okta', Id: 'ext-1' } })),
          'USER',
        );
      },
    );

    test(
      'GetUserId: no match is ResourceNotFoundException USER, another path a ValidationException',
      { timeout: TEST_TIMEOUT },
      async () => {
        const userName = uniqueName('carol');
        await createUser(client, storeId, userName, { NickName: 'Caz' });
        assertNotFound(
          await rejection(getUserId(storeId, unique('userName', uniqueName('nobody')))),
          'USER',
        );
        assertNotFound(
          await rejection(getUserId(storeId, unique('emails.value', 'nobody@example.com'))),
          'USER',
        );
        assertNotFound(
          await rejection(
            getUserId(storeId, { ExternalId: { Issuer: 'okta', Id: uniqueName('none') } }),
          ),
          'USER',
        );
        // A lookup by attribute names no id: no ResourceId, and the value is not echoed.
        const nobody = uniqueName('nobody');
        const e = await rejection(getUserId(storeId, unique('userName', nobody)));
        assert.equal(e.ResourceId, undefined);
        assert.ok(!e.message.includes(nobody), e.message);
        assert.equal(e.message, 'User with this userName does not exist');
        // An empty value is not a lookup that found nothing: it is invalid.
        for (const path of ['userName', 'emails.value'])
          assertValidation(
            await rejection(getUserId(storeId, unique(path, ''))),
            /must not be empty/,
          );
        for (const path of ['nickName', 'displayName', 'title']) {
          assertValidation(await rejection(getUserId(storeId, unique(path, 'Caz'))), /./);
        }
        // The user is found in its own store only.
        const otherStore = await createStore(ctx.server);
        assertNotFound(
          await rejection(client.send(new GetUserIdCommand(byUserName(otherStore, userName)))),
          'USER',
        );
      },
    );

    test(
      'GetGroupId by displayName and by ExternalId; DescribeGroup shows ExternalIds',
      { timeout: TEST_TIMEOUT },
      async () => {
        const store = await createStore(ctx.server);
        const displayName = uniqueName('Support Desk');
        const groupId = await createGroup(client, store, displayName, 'first line');
        const byName = await getGroupId(store, unique('displayName', displayName));
        assert.equal(byName.GroupId, groupId);
        assert.equal(byName.IdentityStoreId, store);

        // Keys inside document values may be PascalCase too.
        await client.send(
          new UpdateGroupCommand({
            IdentityStoreId: store,
            GroupId: groupId,
            Operations: [
              { AttributePath: 'externalIds', AttributeValue: [{ Issuer: 'okta', Id: 'grp-1' }] },
            ],
          }),
        );
        const described = await client.send(
          new DescribeGroupCommand({ IdentityStoreId: store, GroupId: groupId }),
        );
        assert.deepEqual(described.ExternalIds, [{ Issuer: 'okta', Id: 'grp-1' }]);
        assert.equal(described.DisplayName, displayName);
        assert.equal(described.Description, 'first line');

        const byExternal = await getGroupId(store, {
          ExternalId: { Issuer: 'okta', Id: 'grp-1' },
        });
        assert.equal(byExternal.GroupId, groupId);

        assertNotFound(
          await rejection(getGroupId(store, unique('displayName', uniqueName('No Such Group')))),
          'GROUP',
        );
        assertNotFound(
          await rejection(getGroupId(store, { ExternalId: { Issuer: 'okta', Id: 'grp-2' } })),
          'GROUP',
        );
        for (const path of ['description', 'userName']) {
          assertValidation(await rejection(getGroupId(store, unique(path, displayName))), /./);
        }
        // A user's external id does not identify a group.
        const userId = await createUser(client, store, uniqueName('not-a-group'));
        await client.send(
          new UpdateUserCommand({
            IdentityStoreId: store,
            UserId: userId,
            Operations: [
              { AttributePath: 'externalIds', AttributeValue: [{ issuer: 'okta', id: 'usr-1' }] },
            ],
          }),
        );
        assertNotFound(
          await rejection(getGroupId(store, { ExternalId: { Issuer: 'okta', Id: 'usr-1' } })),
          'GROUP',
        );
      },
    );

    test(
      'paginateListUsers: 25 users in 4 pages of at most 7, in a stable order by id',
      { timeout: TEST_TIMEOUT },
      async () => {
        const store = await createStore(ctx.server);
        const created = new Set<string>();
        for (let i = 0; i < 25; i++) {
          created.add(await createUser(client, store, uniqueName(`page-${i}`)));
        }

        const pass = async () => {
          const pages = await allPages(
            paginateListUsers({ client, pageSize: 7 }, { IdentityStoreId: store }),
          );
          for (const page of pages) {
            assert.ok((page.Users?.length ?? 0) <= 7, 'a page holds at most MaxResults users');
            for (const user of page.Users ?? []) assert.equal(user.IdentityStoreId, store);
          }
          return {
            sizes: pages.map((p) => p.Users?.length ?? 0),
            ids: pages.flatMap((p) => (p.Users ?? []).map((u) => u.UserId!)),
          };
        };
        const first = await pass();
        assert.deepEqual(first.sizes, [7, 7, 7, 4]);
        assert.equal(new Set(first.ids).size, 25, 'no user is listed twice');
        assert.deepEqual(new Set(first.ids), created);
        assert.deepEqual(first.ids, [...first.ids].sort(), 'ordered by id');

        const second = await pass();
        assert.deepEqual(second.ids, first.ids, 'the same order on a second pass');

        // Default MaxResults is 100: one page, no NextToken.
        const all = await client.send(new ListUsersCommand({ IdentityStoreId: store }));
        assert.deepEqual(
          all.Users?.map((u) => u.UserId),
          first.ids,
        );
        assert.equal(all.NextToken, undefined);
      },
    );

    test(
      'ListUsers Filters UserName: exact, case-insensitive match',
      { timeout: TEST_TIMEOUT },
      async () => {
        const store = await createStore(ctx.server);
        const userName = uniqueName('Dave.Filter');
        const userId = await createUser(client, store, userName);
        await createUser(client, store, `${userName}x`);
        await createUser(client, store, uniqueName('someone-else'));

        const filtered = (value: string, path = 'UserName') =>
          client.send(
            new ListUsersCommand({
              IdentityStoreId: store,
              Filters: [{ AttributePath: path, AttributeValue: value }],
            }),
          );
        for (const value of [userName.toUpperCase(), userName.toLowerCase()]) {
          const out = await filtered(value);
          assert.deepEqual(
            out.Users?.map((u) => [u.UserId, u.UserName]),
            [[userId, userName]],
            value,
          );
        }
        assert.deepEqual((await filtered(uniqueName('nobody'))).Users, []);
        assertValidation(await rejection(filtered('Engineer', 'Title')), /./);
      },
    );

    test(
      'ListGroups: DisplayName filter and paginateListGroups',
      { timeout: TEST_TIMEOUT },
      async () => {
        const store = await createStore(ctx.server);
        const groups: string[] = [];
        for (let i = 0; i < 9; i++) {
          groups.push(await createGroup(client, store, `Team ${i} ${uniqueName('g')}`));
        }
        const opsName = uniqueName('Ops Team');
        const opsId = await createGroup(client, store, opsName);
        groups.push(opsId);

        const filtered = await client.send(
          new ListGroupsCommand({
            IdentityStoreId: store,
            Filters: [{ AttributePath: 'DisplayName', AttributeValue: opsName.toUpperCase() }],
          }),
        );
        assert.deepEqual(
          filtered.Groups?.map((g) => [g.GroupId, g.DisplayName, g.IdentityStoreId]),
          [[opsId, opsName, store]],
        );
        assertValidation(
          await rejection(
            client.send(
              new ListGroupsCommand({
                IdentityStoreId: store,
                Filters: [{ AttributePath: 'Description', AttributeValue: 'x' }],
              }),
            ),
          ),
          /./,
        );

        const pages = await allPages(
          paginateListGroups({ client, pageSize: 4 }, { IdentityStoreId: store }),
        );
        assert.deepEqual(
          pages.map((p) => p.Groups?.length),
          [4, 4, 2],
        );
        const ids = pages.flatMap((p) => (p.Groups ?? []).map((g) => g.GroupId!));
        assert.deepEqual(new Set(ids), new Set(groups));
        assert.equal(ids.length, groups.length);
        assert.deepEqual(ids, [...ids].sort(), 'ordered by id');
      },
    );

    test(
      'paginateListGroupMemberships and paginateListGroupMembershipsForMember over several pages',
      { timeout: TEST_TIMEOUT },
      async () => {
        const store = await createStore(ctx.server);
        const users: string[] = [];
        const groups: string[] = [];
        for (let i = 0; i < 9; i++) {
          users.push(await createUser(client, store, uniqueName(`mu-${i}`)));
          groups.push(await createGroup(client, store, uniqueName(`mg-${i}`)));
        }
        const [hubUser, hubGroup] = [users[0]!, groups[0]!];
        const join = async (groupId: string, userId: string) =>
          (
            await client.send(
              new CreateGroupMembershipCommand({
                IdentityStoreId: store,
                GroupId: groupId,
                MemberId: { UserId: userId },
              }),
            )
          ).MembershipId!;
        // hubGroup holds every user; hubUser is in every group (one membership shared).
        const groupMemberships = new Map<string, string>(); // membership id -> user id
        const memberMemberships = new Map<string, string>(); // membership id -> group id
        for (const userId of users) {
          const membershipId = await join(hubGroup, userId);
          groupMemberships.set(membershipId, userId);
          if (userId === hubUser) memberMemberships.set(membershipId, hubGroup);
        }
        for (const groupId of groups.slice(1)) {
          memberMemberships.set(await join(groupId, hubUser), groupId);
        }

        const ofGroup = async () => {
          const pages = await allPages(
            paginateListGroupMemberships(
              { client, pageSize: 4 },
              { IdentityStoreId: store, GroupId: hubGroup },
            ),
          );
          assert.deepEqual(
            pages.map((p) => p.GroupMemberships?.length),
            [4, 4, 1],
          );
          const items = pages.flatMap((p) => p.GroupMemberships ?? []);
          for (const m of items) {
            assert.equal(m.GroupId, hubGroup);
            assert.equal(m.IdentityStoreId, store);
            assert.equal(m.MemberId?.UserId, groupMemberships.get(m.MembershipId!));
          }
          return items.map((m) => m.MembershipId!);
        };
        const groupIds1 = await ofGroup();
        assert.deepEqual(new Set(groupIds1), new Set(groupMemberships.keys()));
        assert.equal(groupIds1.length, 9);
        assert.deepEqual(await ofGroup(), groupIds1, 'same order on a second pass');

        const ofMember = async () => {
          const pages = await allPages(
            paginateListGroupMembershipsForMember(
              { client, pageSize: 4 },
              { IdentityStoreId: store, MemberId: { UserId: hubUser } },
            ),
          );
          assert.deepEqual(
            pages.map((p) => p.GroupMemberships?.length),
            [4, 4, 1],
          );
          const items = pages.flatMap((p) => p.GroupMemberships ?? []);
          for (const m of items) {
            assert.equal(m.MemberId?.UserId, hubUser);
            assert.equal(m.GroupId, memberMemberships.get(m.MembershipId!));
          }
          return items.map((m) => m.MembershipId!);
        };
        const memberIds1 = await ofMember();
        assert.deepEqual(new Set(memberIds1), new Set(memberMemberships.keys()));
        assert.equal(memberIds1.length, 9);
        assert.deepEqual(await ofMember(), memberIds1, 'same order on a second pass');
      },
    );

    test(
      'a tampered, forged or foreign NextToken is a ValidationException',
      { timeout: TEST_TIMEOUT },
      async () => {
        const store = await createStore(ctx.server);
        const otherStore = await createStore(ctx.server);
        const names: string[] = [];
        for (let i = 0; i < 5; i++) {
          names.push(uniqueName(`tok-${i}`));
          await createUser(client, store, names[i]!);
          await createUser(client, otherStore, uniqueName(`other-${i}`));
        }
        const groupId = await createGroup(client, store, uniqueName('tok group'));
        await createGroup(client, store, uniqueName('tok group 2'));
        await createGroup(client, store, uniqueName('tok group 3'));

        const firstPage = await client.send(
          new ListUsersCommand({ IdentityStoreId: store, MaxResults: 2 }),
        );
        assert.equal(firstPage.Users?.length, 2);
        const token = firstPage.NextToken;
        assert.ok(token, 'a first page of 2 out of 5 has a NextToken');

        const attempts: [string, () => Promise<unknown>][] = [
          [
            'tampered',
            () =>
              client.send(
                new ListUsersCommand({
                  IdentityStoreId: store,
                  MaxResults: 2,
                  NextToken: tamper(token),
                }),
              ),
          ],
          [
            'forged',
            () =>
              client.send(
                new ListUsersCommand({
                  IdentityStoreId: store,
                  MaxResults: 2,
                  NextToken: Buffer.from('{"offset":2}').toString('base64'),
                }),
              ),
          ],
          [
            'ListUsers token on ListGroups',
            () =>
              client.send(
                new ListGroupsCommand({ IdentityStoreId: store, MaxResults: 2, NextToken: token }),
              ),
          ],
          [
            'ListUsers token on ListGroupMemberships',
            () =>
              client.send(
                new ListGroupMembershipsCommand({
                  IdentityStoreId: store,
                  GroupId: groupId,
                  MaxResults: 2,
                  NextToken: token,
                }),
              ),
          ],
          [
            'token of another store',
            () =>
              client.send(
                new ListUsersCommand({
                  IdentityStoreId: otherStore,
                  MaxResults: 2,
                  NextToken: token,
                }),
              ),
          ],
          [
            'token of another filter',
            () =>
              client.send(
                new ListUsersCommand({
                  IdentityStoreId: store,
                  MaxResults: 2,
                  NextToken: token,
                  Filters: [{ AttributePath: 'UserName', AttributeValue: names[4]! }],
                }),
              ),
          ],
        ];
        for (const [what, call] of attempts) {
          const e = await rejection(call());
          assert.equal(e.name, 'ValidationException', `${what}: ${e.name} ${e.message}`);
          assertValidation(e, INVALID_TOKEN);
        }

        // The genuine token still works and continues where the first page stopped.
        const secondPage = await client.send(
          new ListUsersCommand({ IdentityStoreId: store, MaxResults: 2, NextToken: token }),
        );
        assert.equal(secondPage.Users?.length, 2);
        const firstIds = new Set(firstPage.Users?.map((u) => u.UserId));
        for (const u of secondPage.Users ?? []) assert.ok(!firstIds.has(u.UserId));

        // Tokens of the other list operations are bound the same way.
        const groupPage = await client.send(
          new ListGroupsCommand({ IdentityStoreId: store, MaxResults: 1 }),
        );
        assert.ok(groupPage.NextToken);
        const e = await rejection(
          client.send(
            new ListUsersCommand({ IdentityStoreId: store, NextToken: groupPage.NextToken }),
          ),
        );
        assertValidation(e, INVALID_TOKEN);
      },
    );

    test(
      'MaxResults outside 1..100 is a ValidationException',
      { timeout: TEST_TIMEOUT },
      async () => {
        const groupId = await createGroup(client, storeId, uniqueName('max results'));
        const userId = await createUser(client, storeId, uniqueName('max-results'));
        for (const MaxResults of [0, 101]) {
          const calls: [string, () => Promise<unknown>][] = [
            [
              'ListUsers',
              () => client.send(new ListUsersCommand({ IdentityStoreId: storeId, MaxResults })),
            ],
            [
              'ListGroups',
              () => client.send(new ListGroupsCommand({ IdentityStoreId: storeId, MaxResults })),
            ],
            [
              'ListGroupMemberships',
              () =>
                client.send(
                  new ListGroupMembershipsCommand({
                    IdentityStoreId: storeId,
                    GroupId: groupId,
                    MaxResults,
                  }),
                ),
            ],
            [
              'ListGroupMembershipsForMember',
              () =>
                client.send(
                  new ListGroupMembershipsForMemberCommand({
                    IdentityStoreId: storeId,
                    MemberId: { UserId: userId },
                    MaxResults,
                  }),
                ),
            ],
          ];
          for (const [operation, call] of calls) {
            const e = await rejection(call());
            assert.equal(e.name, 'ValidationException', `${operation} MaxResults ${MaxResults}`);
            assertValidation(e, new RegExp(`Value '${MaxResults}' at 'maxResults'`));
          }
        }
        // The bounds themselves are accepted.
        for (const MaxResults of [1, 100]) {
          await client.send(new ListUsersCommand({ IdentityStoreId: storeId, MaxResults }));
        }
      },
    );
  });
}
