/**
 * Identity Store conflicts end to end (docs/identitystore.md, "Uniqueness" and "Concurrency"):
 * ConflictException UNIQUENESS_CONSTRAINT_VIOLATION for every uniqueness claim, also under
 * concurrent creates; CONCURRENT_MODIFICATION only when optimistic-locking retries run out, and
 * never a silently lost or half-applied update; deletes racing updates never answer a 500.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  CreateUserCommand,
  DeleteUserCommand,
  DescribeGroupCommand,
  DescribeUserCommand,
  GetUserIdCommand,
  ListGroupMembershipsCommand,
  ListGroupsCommand,
  ListUsersCommand,
  UpdateGroupCommand,
  UpdateUserCommand,
  type AttributeOperation,
  type IdentitystoreClient,
} from '@aws-sdk/client-identitystore';
import { identityStoreClient } from '../support/aws-clients.js';
import {
  ENTERPRISE,
  HOOK_TIMEOUT,
  RACE_TIMEOUT,
  TEST_TIMEOUT,
  assertConflict,
  assertNotFound,
  createGroup,
  createStore,
  createUser,
  minimalUserInput,
  rejection,
  serverLog,
  settledError,
  startIdentityStoreServer,
  uniqueName,
  type IdentityStoreServer,
} from '../support/identitystore-fixtures.js';
import { ServerProcess } from '../support/server-process.js';
import { testDatabaseKinds } from '../support/test-databases.js';

const UNIQUE = 'UNIQUENESS_CONSTRAINT_VIOLATION';
const CONCURRENT = 'CONCURRENT_MODIFICATION';

/** Helpers bound to one client and store. */
function storeOps(client: IdentitystoreClient, storeId: string) {
  return {
    describeUser: (userId: string) =>
      client.send(
        new DescribeUserCommand({
          IdentityStoreId: storeId,
          UserId: userId,
          Extensions: [ENTERPRISE],
        }),
      ),
    updateUser: (userId: string, operations: AttributeOperation[]) =>
      client.send(
        new UpdateUserCommand({ IdentityStoreId: storeId, UserId: userId, Operations: operations }),
      ),
    updateGroup: (groupId: string, operations: AttributeOperation[]) =>
      client.send(
        new UpdateGroupCommand({
          IdentityStoreId: storeId,
          GroupId: groupId,
          Operations: operations,
        }),
      ),
    usersNamed: async (userName: string) =>
      (
        await client.send(
          new ListUsersCommand({
            IdentityStoreId: storeId,
            Filters: [{ AttributePath: 'UserName', AttributeValue: userName }],
          }),
        )
      ).Users ?? [],
    join: (groupId: string, userId: string) =>
      client.send(
        new CreateGroupMembershipCommand({
          IdentityStoreId: storeId,
          GroupId: groupId,
          MemberId: { UserId: userId },
        }),
      ),
  };
}

/**
 * `n` concurrent UpdateUser calls, call i setting both `enterprise.employeeNumber` and `title` to
 * its own value, for 3 rounds. With at least n - 1 retries every call must succeed (each lost race
 * is another call's commit), and the final state must come whole from one call.
 */
async function allConcurrentUpdatesApply(
  client: IdentitystoreClient,
  storeId: string,
  n: number,
): Promise<void> {
  const ops = storeOps(client, storeId);
  const userId = await createUser(client, storeId, uniqueName('contended'), {
    Extensions: { [ENTERPRISE]: { costCenter: 'CC-1', department: 'Speech' } },
  });
  for (let round = 0; round < 3; round++) {
    const values = Array.from({ length: n }, (_, i) => `r${round}-e${i}`);
    const results = await Promise.allSettled(
      values.map((v) =>
        ops.updateUser(userId, [
          { AttributePath: `${ENTERPRISE}.employeeNumber`, AttributeValue: v },
          { AttributePath: 'title', AttributeValue: v },
        ]),
      ),
    );
    for (const r of results) {
      if (r.status === 'rejected') {
        const e = settledError(r);
        assert.fail(`round ${round}: an update failed: ${e.name} ${e.Reason ?? ''} ${e.message}`);
      }
    }
    const user = await ops.describeUser(userId);
    const enterprise = user.Extensions?.[ENTERPRISE] as Record<string, unknown> | undefined;
    assert.ok(enterprise, 'the enterprise extension is still there');
    assert.ok(values.includes(user.Title ?? ''), `final title ${user.Title} is this round's`);
    assert.equal(enterprise.employeeNumber, user.Title, 'both operations of one call applied');
    assert.equal(enterprise.costCenter, 'CC-1', 'untouched attributes survive');
    assert.equal(enterprise.department, 'Speech');
  }
}

for (const kind of testDatabaseKinds()) {
  describe(`Identity Store uniqueness and races (${kind})`, () => {
    let ctx: IdentityStoreServer;
    let client: IdentitystoreClient;
    let storeId: string;
    let ops: ReturnType<typeof storeOps>;

    before(
      async () => {
        ctx = await startIdentityStoreServer(kind);
        client = ctx.client;
        storeId = await createStore(ctx.server);
        ops = storeOps(client, storeId);
      },
      { timeout: HOOK_TIMEOUT },
    );
    after(() => ctx?.server.stopAndDrop(), { timeout: HOOK_TIMEOUT });

    test(
      'CreateUser with a UserName differing only in case (or normalization) conflicts',
      { timeout: TEST_TIMEOUT },
      async () => {
        const userName = uniqueName('JDoe');
        const userId = await createUser(client, storeId, userName);
        const e = await rejection(
          client.send(new CreateUserCommand(minimalUserInput(storeId, userName.toLowerCase()))),
        );
        assertConflict(
          e,
          UNIQUE,
          /^Duplicate UserName: another user in this identity store already has it$/,
        );
        assert.deepEqual(
          (await ops.usersNamed(userName)).map((u) => u.UserId),
          [userId],
        );

        // NFC: a precomposed and a decomposed "ë" are the same name.
        const suffix = uniqueName('');
        await createUser(client, storeId, `ZOË${suffix}`);
        assertConflict(
          await rejection(
            client.send(new CreateUserCommand(minimalUserInput(storeId, `zoe\u0308${suffix}`))),
          ),
          UNIQUE,
          /UserName/,
        );
      },
    );

    test(
      'a group DisplayName is unique per store, case-insensitively, on create and update',
      { timeout: TEST_TIMEOUT },
      async () => {
        const displayName = uniqueName('Engineering');
        const groupId = await createGroup(client, storeId, displayName);
        assertConflict(
          await rejection(
            client.send(
              new CreateGroupCommand({
                IdentityStoreId: storeId,
                DisplayName: displayName.toUpperCase(),
              }),
            ),
          ),
          UNIQUE,
          /DisplayName/,
        );
        const listed = await client.send(
          new ListGroupsCommand({
            IdentityStoreId: storeId,
            Filters: [{ AttributePath: 'DisplayName', AttributeValue: displayName }],
          }),
        );
        assert.deepEqual(
          listed.Groups?.map((g) => g.GroupId),
          [groupId],
        );

        const otherName = uniqueName('Marketing');
        const otherId = await createGroup(client, storeId, otherName);
        assertConflict(
          await rejection(
            ops.updateGroup(otherId, [
              { AttributePath: 'description', AttributeValue: 'renamed' },
              { AttributePath: 'displayName', AttributeValue: displayName.toLowerCase() },
            ]),
          ),
          UNIQUE,
          /DisplayName/,
        );
        const other = await client.send(
          new DescribeGroupCommand({ IdentityStoreId: storeId, GroupId: otherId }),
        );
        assert.equal(other.DisplayName, otherName);
        assert.equal(other.Description, undefined, 'the failed update changed nothing');

        // A group may change the case of its own name.
        await ops.updateGroup(otherId, [
          { AttributePath: 'displayName', AttributeValue: otherName.toUpperCase() },
        ]);
        const recased = await client.send(
          new DescribeGroupCommand({ IdentityStoreId: storeId, GroupId: otherId }),
        );
        assert.equal(recased.DisplayName, otherName.toUpperCase());
      },
    );

    test(
      'UpdateUser renaming to an existing userName conflicts and changes nothing',
      { timeout: TEST_TIMEOUT },
      async () => {
        const taken = uniqueName('Taken');
        const takenId = await createUser(client, storeId, taken);
        const mine = uniqueName('mine');
        const mineId = await createUser(client, storeId, mine);
        const e = await rejection(
          ops.updateUser(mineId, [
            { AttributePath: 'title', AttributeValue: 'should not stick' },
            { AttributePath: 'userName', AttributeValue: taken.toUpperCase() },
          ]),
        );
        assertConflict(e, UNIQUE, /UserName/);
        const me = await ops.describeUser(mineId);
        assert.equal(me.UserName, mine);
        assert.equal(me.Title, undefined);
        assert.equal((await ops.describeUser(takenId)).UserName, taken);

        // Changing the case of one's own name is not a conflict.
        await ops.updateUser(mineId, [
          { AttributePath: 'userName', AttributeValue: mine.toUpperCase() },
        ]);
        assert.equal((await ops.describeUser(mineId)).UserName, mine.toUpperCase());
        // The old spelling's claim moved with it: the old name (any case) is still taken...
        assertConflict(
          await rejection(client.send(new CreateUserCommand(minimalUserInput(storeId, mine)))),
          UNIQUE,
          /UserName/,
        );
        // ...and a real rename frees it.
        await ops.updateUser(mineId, [{ AttributePath: 'userName', AttributeValue: `${mine}-2` }]);
        await createUser(client, storeId, mine);
      },
    );

    test(
      'emails.value is unique per store by default, case-insensitively',
      { timeout: TEST_TIMEOUT },
      async () => {
        const email = `${uniqueName('shared')}@example.com`;
        const ownerId = await createUser(client, storeId, uniqueName('owner'), {
          Emails: [{ Value: email, Type: 'work', Primary: true }],
        });
        const userName = uniqueName('copycat');
        assertConflict(
          await rejection(
            client.send(
              new CreateUserCommand(
                minimalUserInput(storeId, userName, {
                  Emails: [{ Value: email.toUpperCase(), Type: 'home' }],
                }),
              ),
            ),
          ),
          UNIQUE,
          /email/i,
        );
        assert.deepEqual(await ops.usersNamed(userName), []);

        const otherId = await createUser(client, storeId, uniqueName('other'), {
          Emails: [{ Value: `${uniqueName('own')}@example.com` }],
        });
        const before = await ops.describeUser(otherId);
        assertConflict(
          await rejection(
            ops.updateUser(otherId, [
              { AttributePath: 'emails', AttributeValue: [{ value: email, primary: true }] },
            ]),
          ),
          UNIQUE,
          /email/i,
        );
        assert.deepEqual((await ops.describeUser(otherId)).Emails, before.Emails);

        const found = await client.send(
          new GetUserIdCommand({
            IdentityStoreId: storeId,
            AlternateIdentifier: {
              UniqueAttribute: { AttributePath: 'emails.value', AttributeValue: email },
            },
          }),
        );
        assert.equal(found.UserId, ownerId);
      },
    );

    test(
      'an ExternalId is unique across the users and groups of a store, case-sensitively',
      { timeout: TEST_TIMEOUT },
      async () => {
        const store = await createStore(ctx.server);
        const local = storeOps(client, store);
        const userId = await createUser(client, store, uniqueName('ext-user'));
        const otherUserId = await createUser(client, store, uniqueName('ext-other'));
        const groupId = await createGroup(client, store, uniqueName('ext group'));
        await local.updateUser(userId, [
          { AttributePath: 'externalIds', AttributeValue: [{ issuer: 'okta', id: 'shared-1' }] },
        ]);

        assertConflict(
          await rejection(
            local.updateGroup(groupId, [
              {
                AttributePath: 'externalIds',
                AttributeValue: [{ issuer: 'okta', id: 'shared-1' }],
              },
            ]),
          ),
          UNIQUE,
          /ExternalId/,
        );
        const group = await client.send(
          new DescribeGroupCommand({ IdentityStoreId: store, GroupId: groupId }),
        );
        assert.equal(group.ExternalIds, undefined);
        assertConflict(
          await rejection(
            local.updateUser(otherUserId, [
              {
                AttributePath: 'externalIds',
                AttributeValue: [{ Issuer: 'okta', Id: 'shared-1' }],
              },
            ]),
          ),
          UNIQUE,
          /ExternalId/,
        );

        // Ids are opaque: another case, or another issuer, is another id.
        await local.updateGroup(groupId, [
          { AttributePath: 'externalIds', AttributeValue: [{ issuer: 'okta', id: 'SHARED-1' }] },
        ]);
        await local.updateUser(otherUserId, [
          { AttributePath: 'externalIds', AttributeValue: [{ issuer: 'azure', id: 'shared-1' }] },
        ]);
        assert.deepEqual(
          (
            await client.send(
              new DescribeGroupCommand({ IdentityStoreId: store, GroupId: groupId }),
            )
          ).ExternalIds,
          [{ Issuer: 'okta', Id: 'SHARED-1' }],
        );
      },
    );

    test('a duplicate group membership conflicts', { timeout: TEST_TIMEOUT }, async () => {
      const userId = await createUser(client, storeId, uniqueName('twice'));
      const groupId = await createGroup(client, storeId, uniqueName('twice group'));
      const first = await ops.join(groupId, userId);
      assertConflict(await rejection(ops.join(groupId, userId)), UNIQUE);
      const listed = await client.send(
        new ListGroupMembershipsCommand({ IdentityStoreId: storeId, GroupId: groupId }),
      );
      assert.deepEqual(
        listed.GroupMemberships?.map((m) => m.MembershipId),
        [first.MembershipId],
      );
    });

    test(
      '20 concurrent CreateUser with the same UserName: exactly one wins',
      { timeout: RACE_TIMEOUT },
      async () => {
        const userName = uniqueName('Racer');
        const variants = Array.from({ length: 20 }, (_, i) =>
          i % 2 === 0 ? userName : userName.toLowerCase(),
        );
        const results = await Promise.allSettled(
          variants.map((name) =>
            client.send(new CreateUserCommand(minimalUserInput(storeId, name))),
          ),
        );
        const winners = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        const losers = results.filter((r) => r.status === 'rejected').map(settledError);
        assert.equal(winners.length, 1, 'exactly one CreateUser succeeds');
        assert.equal(losers.length, 19);
        for (const e of losers) assertConflict(e, UNIQUE, /UserName/);
        assert.deepEqual(
          (await ops.usersNamed(userName)).map((u) => u.UserId),
          [winners[0]!.UserId],
        );
      },
    );

    test(
      'concurrent CreateGroup with one DisplayName and concurrent joins of one pair: one wins',
      { timeout: RACE_TIMEOUT },
      async () => {
        const displayName = uniqueName('Race Group');
        const groupResults = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) =>
            client.send(
              new CreateGroupCommand({
                IdentityStoreId: storeId,
                DisplayName: i % 2 === 0 ? displayName : displayName.toUpperCase(),
              }),
            ),
          ),
        );
        const groups = groupResults.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        assert.equal(groups.length, 1, 'exactly one CreateGroup succeeds');
        for (const r of groupResults.filter((r) => r.status === 'rejected')) {
          assertConflict(settledError(r), UNIQUE, /DisplayName/);
        }

        const groupId = groups[0]!.GroupId!;
        const userId = await createUser(client, storeId, uniqueName('race-member'));
        const joinResults = await Promise.allSettled(
          Array.from({ length: 20 }, () => ops.join(groupId, userId)),
        );
        const joined = joinResults.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        assert.equal(joined.length, 1, 'exactly one CreateGroupMembership succeeds');
        for (const r of joinResults.filter((r) => r.status === 'rejected')) {
          assertConflict(settledError(r), UNIQUE);
        }
        const listed = await client.send(
          new ListGroupMembershipsCommand({ IdentityStoreId: storeId, GroupId: groupId }),
        );
        assert.deepEqual(
          listed.GroupMemberships?.map((m) => m.MembershipId),
          [joined[0]!.MembershipId],
        );
      },
    );

    test(
      'with default retries (5), 6 concurrent UpdateUser calls all succeed, none half-applied',
      { timeout: RACE_TIMEOUT },
      // 6 writers: each can lose at most 5 races (one per other writer's commit), so the
      // default of 5 retries must absorb them all.
      () => allConcurrentUpdatesApply(client, storeId, 6),
    );

    test(
      'DeleteUser racing UpdateUser: updates succeed or find no user, never a 500',
      { timeout: RACE_TIMEOUT },
      async () => {
        const groupId = await createGroup(client, storeId, uniqueName('race delete group'));
        for (let round = 0; round < 3; round++) {
          const users = await Promise.all(
            Array.from({ length: 6 }, async (_, k) => {
              const userName = uniqueName(`doomed-${round}-${k}`);
              const userId = await createUser(client, storeId, userName);
              await ops.join(groupId, userId);
              return { userName, userId, renamed: `${userName}-renamed` };
            }),
          );
          // Per user: three updates and a delete, all in flight at once.
          const calls: { userId: string; op: 'update' | 'delete'; p: Promise<unknown> }[] = [];
          for (const { userId, renamed } of users) {
            const update = (operations: AttributeOperation[]) =>
              calls.push({ userId, op: 'update', p: ops.updateUser(userId, operations) });
            update([{ AttributePath: 'title', AttributeValue: 't' }]);
            update([{ AttributePath: 'userName', AttributeValue: renamed }]);
            calls.push({
              userId,
              op: 'delete',
              p: client.send(new DeleteUserCommand({ IdentityStoreId: storeId, UserId: userId })),
            });
            update([{ AttributePath: 'nickName', AttributeValue: 'n' }]);
          }
          const settled = await Promise.allSettled(calls.map((c) => c.p));
          settled.forEach((r, i) => {
            if (r.status === 'fulfilled') return;
            const { userId, op } = calls[i]!;
            const e = settledError(r);
            const log = serverLog(ctx.server, e);
            assert.equal(op, 'update', `DeleteUser failed: ${e.name} ${e.message}\n${log}`);
            assert.equal(e.name, 'ResourceNotFoundException', `${e.name}: ${e.message}\n${log}`);
            assertNotFound(e, 'USER', userId);
          });

          for (const { userName, userId, renamed } of users) {
            assertNotFound(await rejection(ops.describeUser(userId)), 'USER', userId);
            // No claim outlived its user, whichever way the race went.
            await createUser(client, storeId, renamed);
            await createUser(client, storeId, userName);
          }
          const left = await client.send(
            new ListGroupMembershipsCommand({ IdentityStoreId: storeId, GroupId: groupId }),
          );
          assert.deepEqual(left.GroupMemberships, [], 'no membership outlived its user');
        }
      },
    );
  });

  describe(`Identity Store with --identitystore-unique-emails false (${kind})`, () => {
    let ctx: IdentityStoreServer;

    before(
      async () => {
        ctx = await startIdentityStoreServer(kind, ['--identitystore-unique-emails', 'false']);
      },
      { timeout: HOOK_TIMEOUT },
    );
    after(() => ctx?.server.stopAndDrop(), { timeout: HOOK_TIMEOUT });

    test(
      'users may share an address; GetUserId answers the oldest',
      { timeout: TEST_TIMEOUT },
      async () => {
        const client = ctx.client;
        const storeId = await createStore(ctx.server);
        const email = `${uniqueName('team')}@example.com`;
        // Several sharers, created one after the other, so that "oldest" is not "smallest id"
        // by luck; every other one spells the address in upper case.
        const sharers: string[] = [];
        for (let i = 0; i < 7; i++) {
          sharers.push(
            await createUser(client, storeId, uniqueName(`sharer-${i}`), {
              Emails: [
                { Value: i % 2 === 0 ? email : email.toUpperCase(), Type: 'work', Primary: true },
              ],
            }),
          );
        }
        // One more gets the address later, by UpdateUser.
        const thirdName = uniqueName('late');
        const late = await createUser(client, storeId, thirdName);
        await storeOps(client, storeId).updateUser(late, [
          { AttributePath: 'emails', AttributeValue: [{ value: email }] },
        ]);
        assert.equal(new Set([...sharers, late]).size, 8);

        const found = await client.send(
          new GetUserIdCommand({
            IdentityStoreId: storeId,
            AlternateIdentifier: {
              UniqueAttribute: { AttributePath: 'emails.value', AttributeValue: email },
            },
          }),
        );
        assert.equal(found.UserId, sharers[0], 'the oldest user with the address');

        // UserName stays unique.
        assertConflict(
          await rejection(
            client.send(new CreateUserCommand(minimalUserInput(storeId, thirdName.toUpperCase()))),
          ),
          UNIQUE,
          /UserName/,
        );
      },
    );
  });

  describe(`Identity Store with --identitystore-update-retries 29 (${kind})`, () => {
    let ctx: IdentityStoreServer;

    before(
      async () => {
        ctx = await startIdentityStoreServer(kind, ['--identitystore-update-retries', '29']);
      },
      { timeout: HOOK_TIMEOUT },
    );
    after(() => ctx?.server.stopAndDrop(), { timeout: HOOK_TIMEOUT });

    test(
      '30 concurrent UpdateUser calls all succeed and none is half-applied',
      { timeout: RACE_TIMEOUT },
      async () => allConcurrentUpdatesApply(ctx.client, await createStore(ctx.server), 30),
    );
  });

  describe(`Identity Store with --identitystore-update-retries 0 (${kind})`, () => {
    // Two nodes on one database: on SQLite a single process runs each update to completion
    // before it reads the next request, so only a second process can make a write lose a race.
    let ctx: IdentityStoreServer;
    let second: ServerProcess | undefined;

    before(
      async () => {
        ctx = await startIdentityStoreServer(kind, ['--identitystore-update-retries', '0'], {
          process: true,
        });
        second = await ServerProcess.start(
          kind,
          ['--identitystore-update-retries', '0'],
          ctx.server.database,
        );
      },
      { timeout: HOOK_TIMEOUT },
    );
    after(
      async () => {
        await second?.stop();
        await ctx?.server.stopAndDrop();
      },
      { timeout: HOOK_TIMEOUT },
    );

    test(
      'concurrent UpdateUser: losers answer CONCURRENT_MODIFICATION, the final value is a winner’s',
      { timeout: RACE_TIMEOUT },
      async () => {
        const clients = [ctx.client, identityStoreClient(second!, ctx.creds)];
        const storeId = await createStore(ctx.server);
        const ops = storeOps(ctx.client, storeId);
        const userId = await createUser(ctx.client, storeId, uniqueName('hot'));
        const N = 30;
        let observed = 0;
        for (let round = 0; round < 10 && observed === 0; round++) {
          const values = Array.from({ length: N }, (_, i) => `r${round}-n${i}`);
          const results = await Promise.allSettled(
            values.map((v, i) =>
              storeOps(clients[i % 2]!, storeId).updateUser(userId, [
                { AttributePath: 'nickName', AttributeValue: v },
              ]),
            ),
          );
          const succeeded: string[] = [];
          let conflicts = 0;
          results.forEach((r, i) => {
            if (r.status === 'fulfilled') {
              succeeded.push(values[i]!);
              return;
            }
            assertConflict(settledError(r), CONCURRENT);
            conflicts++;
          });
          assert.equal(succeeded.length + conflicts, N);
          assert.ok(succeeded.length >= 1, `round ${round}: at least one update succeeds`);
          const user = await ops.describeUser(userId);
          assert.ok(
            succeeded.includes(user.NickName ?? ''),
            `round ${round}: final nickName ${user.NickName} comes from a successful call`,
          );
          observed += conflicts;
        }
        assert.ok(observed > 0, 'CONCURRENT_MODIFICATION was observed within 10 rounds');

        // The user is still consistent and writable.
        await ops.updateUser(userId, [{ AttributePath: 'nickName', AttributeValue: 'calm' }]);
        assert.equal((await ops.describeUser(userId)).NickName, 'calm');
      },
    );
  });
}
