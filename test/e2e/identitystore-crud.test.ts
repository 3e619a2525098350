/**
 * The Identity Store API end to end (docs/identitystore.md): every one of the 19 operations through
 * @aws-sdk/client-identitystore against a real `voxgate serve`, on every storage backend. Users,
 * groups and memberships round-trip verbatim; UpdateUser applies its operations in order and
 * atomically; deletes take memberships and uniqueness claims with them; missing ids, unknown
 * stores, invalid input and quotas answer the documented typed errors; `--identitystore-auto-create`
 * makes stores on first use.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  CreateUserCommand,
  DeleteGroupCommand,
  DeleteGroupMembershipCommand,
  DeleteUserCommand,
  DescribeGroupCommand,
  DescribeGroupMembershipCommand,
  DescribeUserCommand,
  GetGroupIdCommand,
  GetGroupMembershipIdCommand,
  GetUserIdCommand,
  IsMemberInGroupsCommand,
  ListGroupMembershipsCommand,
  ListGroupMembershipsForMemberCommand,
  ListGroupsCommand,
  ListUsersCommand,
  UpdateGroupCommand,
  UpdateUserCommand,
  type AttributeOperation,
  type CreateUserCommandInput,
  type IdentitystoreClient,
} from '@aws-sdk/client-identitystore';
import { identityStoreClient, type ClientCredentials } from '../support/aws-clients.js';
import {
  ENTERPRISE,
  HOOK_TIMEOUT,
  TEST_TIMEOUT,
  USER_ATTRIBUTES,
  assertNotFound,
  assertQuotaExceeded,
  assertRecentDate,
  assertResourceId,
  assertValidation,
  createGroup,
  createStore,
  createUser,
  fullUserInput,
  minimalUserInput,
  pick,
  randomResourceId,
  randomStoreId,
  rejection,
  startIdentityStoreServer,
  uniqueName,
  type IdentityStoreServer,
} from '../support/identitystore-fixtures.js';
import { testDatabaseKinds } from '../support/test-databases.js';

const MEMBERSHIP_FIELDS = ['IdentityStoreId', 'MembershipId', 'GroupId', 'MemberId'] as const;

for (const kind of testDatabaseKinds()) {
  describe(`Identity Store CRUD (${kind})`, () => {
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

    const describeUser = (userId: string, extensions = true) =>
      client.send(
        new DescribeUserCommand({
          IdentityStoreId: storeId,
          UserId: userId,
          ...(extensions ? { Extensions: [ENTERPRISE] } : {}),
        }),
      );
    const updateUser = (userId: string, operations: AttributeOperation[], c = client) =>
      c.send(
        new UpdateUserCommand({ IdentityStoreId: storeId, UserId: userId, Operations: operations }),
      );
    const usersNamed = async (userName: string) =>
      (
        await client.send(
          new ListUsersCommand({
            IdentityStoreId: storeId,
            Filters: [{ AttributePath: 'UserName', AttributeValue: userName }],
          }),
        )
      ).Users ?? [];

    test(
      'CreateUser with every member; DescribeUser and ListUsers return it verbatim',
      { timeout: TEST_TIMEOUT },
      async () => {
        const managerId = await createUser(client, storeId, uniqueName('manager'));
        const input = fullUserInput(storeId, uniqueName('zoe'), managerId);
        const created = await client.send(new CreateUserCommand(input));
        assert.equal(created.IdentityStoreId, storeId);
        const userId = assertResourceId(created.UserId, storeId, 'user');
        assert.notEqual(userId, managerId);

        const described = await describeUser(userId);
        assert.equal(described.IdentityStoreId, storeId);
        assert.equal(described.UserId, userId);
        assert.deepEqual(pick(described, USER_ATTRIBUTES), pick(input, USER_ATTRIBUTES));
        assert.deepEqual(described.Extensions, input.Extensions);
        assert.equal(described.UserStatus, 'ENABLED');
        assert.equal(described.ExternalIds, undefined, 'CreateUser has no ExternalIds input');
        const createdAt = assertRecentDate(described.CreatedAt, 'CreatedAt');
        const updatedAt = assertRecentDate(described.UpdatedAt, 'UpdatedAt');
        assert.ok(updatedAt.getTime() >= createdAt.getTime(), 'UpdatedAt >= CreatedAt');
        assert.equal(described.CreatedBy, ctx.creds.accessKeyId);

        // Extensions are returned only when asked for by name.
        const plain = await describeUser(userId, false);
        assert.equal(plain.Extensions, undefined);
        assert.deepEqual(pick(plain, USER_ATTRIBUTES), pick(input, USER_ATTRIBUTES));

        // ListUsers returns complete User objects, with the same rule for Extensions.
        const listed = await client.send(
          new ListUsersCommand({
            IdentityStoreId: storeId,
            Filters: [{ AttributePath: 'UserName', AttributeValue: input.UserName }],
            Extensions: [ENTERPRISE],
          }),
        );
        assert.equal(listed.Users?.length, 1);
        const user = listed.Users?.[0];
        assert.ok(user);
        assert.equal(user.UserId, userId);
        assert.equal(user.IdentityStoreId, storeId);
        assert.equal(user.UserStatus, 'ENABLED');
        assert.deepEqual(pick(user, USER_ATTRIBUTES), pick(input, USER_ATTRIBUTES));
        assert.deepEqual(user.Extensions, input.Extensions);
        const listedPlain = await usersNamed(input.UserName!);
        assert.equal(listedPlain.length, 1);
        assert.equal(listedPlain[0]!.Extensions, undefined);
      },
    );

    test(
      'CreateUser without a required attribute is a ValidationException and creates nothing',
      { timeout: TEST_TIMEOUT },
      async () => {
        const cases: [string, Partial<CreateUserCommandInput>, RegExp][] = [
          [
            'DisplayName',
            { DisplayName: undefined },
            /^1 validation error detected: Value at 'displayName' failed to satisfy constraint: Member must not be null$/,
          ],
          [
            'Name.FamilyName',
            { Name: { GivenName: 'Only' } },
            /familyName' failed to satisfy constraint: Member must not be null/,
          ],
          [
            'Name.GivenName',
            { Name: { FamilyName: 'Only' } },
            /givenName' failed to satisfy constraint: Member must not be null/,
          ],
          ['Name', { Name: undefined }, /name/i],
        ];
        for (const [what, override, message] of cases) {
          const userName = uniqueName('incomplete');
          const e = await rejection(
            client.send(new CreateUserCommand(minimalUserInput(storeId, userName, override))),
          );
          assertValidation(e, message);
          assert.deepEqual(await usersNamed(userName), [], `no user created without ${what}`);
        }
        const noUserName = minimalUserInput(storeId, 'unused', { UserName: undefined });
        const e = await rejection(client.send(new CreateUserCommand(noUserName)));
        assertValidation(e, /userName/);
      },
    );

    test(
      'CreateUser with an extension other than aws:identitystore:enterprise is a ValidationException',
      { timeout: TEST_TIMEOUT },
      async () => {
        const userName = uniqueName('ext');
        const e = await rejection(
          client.send(
            new CreateUserCommand(
              minimalUserInput(storeId, userName, {
                Extensions: { 'aws:identitystore:custom': { employeeNumber: '1' } },
              }),
            ),
          ),
        );
        assertValidation(e);
        assert.deepEqual(await usersNamed(userName), []);
      },
    );

    test(
      'UpdateUser applies several operations at once, signed by another access key',
      { timeout: TEST_TIMEOUT },
      async () => {
        const managerId = await createUser(client, storeId, uniqueName('boss'));
        const input = fullUserInput(storeId, uniqueName('upd'), managerId);
        const userId = assertResourceId(
          (await client.send(new CreateUserCommand(input))).UserId,
          storeId,
          'user',
        );
        const beforeUpdate = await describeUser(userId);

        // UpdatedBy is the access key that signed the update, not the creator's.
        const other = JSON.parse(
          await ctx.server.cli('admin', 'credentials', 'create', '--json'),
        ) as ClientCredentials;
        assert.notEqual(other.accessKeyId, ctx.creds.accessKeyId);
        const newEmail = `${input.UserName}.new@example.com`;
        await updateUser(
          userId,
          [
            { AttributePath: 'displayName', AttributeValue: 'Zoë A.' },
            { AttributePath: 'name.givenName', AttributeValue: 'Zoé' },
            {
              AttributePath: 'emails',
              AttributeValue: [{ value: newEmail, type: 'home', primary: true }],
            },
            { AttributePath: 'nickName' },
            { AttributePath: `${ENTERPRISE}.costCenter`, AttributeValue: 'CC-42' },
            { AttributePath: 'userStatus', AttributeValue: 'DISABLED' },
          ],
          identityStoreClient(ctx.server, other),
        );

        const updated = await describeUser(userId);
        assert.deepEqual(pick(updated, USER_ATTRIBUTES), {
          ...pick(input, USER_ATTRIBUTES),
          DisplayName: 'Zoë A.',
          Name: { ...input.Name, GivenName: 'Zoé' },
          Emails: [{ Value: newEmail, Type: 'home', Primary: true }],
          NickName: undefined,
        });
        assert.deepEqual(updated.Extensions, {
          [ENTERPRISE]: {
            employeeNumber: '701',
            costCenter: 'CC-42',
            organization: 'Voxgate',
            division: 'R&D',
            department: 'Speech',
            manager: { value: managerId },
          },
        });
        assert.equal(updated.UserStatus, 'DISABLED');
        assert.equal(updated.UserId, userId);
        assert.equal(updated.CreatedBy, ctx.creds.accessKeyId);
        assert.equal(updated.UpdatedBy, other.accessKeyId);
        assert.equal(updated.CreatedAt?.getTime(), beforeUpdate.CreatedAt?.getTime());
        assert.ok(
          assertRecentDate(updated.UpdatedAt, 'UpdatedAt').getTime() >=
            beforeUpdate.UpdatedAt!.getTime(),
        );

        await updateUser(userId, [{ AttributePath: 'userStatus', AttributeValue: 'ENABLED' }]);
        const enabled = await describeUser(userId);
        assert.equal(enabled.UserStatus, 'ENABLED');
        assert.equal(enabled.UpdatedBy, ctx.creds.accessKeyId);
      },
    );

    test(
      'UpdateUser paths match case-insensitively and document keys may be PascalCase',
      { timeout: TEST_TIMEOUT },
      async () => {
        const userId = await createUser(client, storeId, uniqueName('casing'));
        await updateUser(userId, [
          { AttributePath: 'DisplayName', AttributeValue: 'Upper Path' },
          { AttributePath: 'NAME.FAMILYNAME', AttributeValue: 'Shouty' },
          {
            AttributePath: 'phoneNumbers',
            AttributeValue: [{ Value: '+1 555 0100', Type: 'work', Primary: true }],
          },
          {
            AttributePath: 'addresses',
            AttributeValue: [
              { streetAddress: '2 Main St', locality: 'Springfield', primary: true },
            ],
          },
          { AttributePath: `${ENTERPRISE}.manager.value`, AttributeValue: userId },
        ]);
        const user = await describeUser(userId);
        assert.equal(user.DisplayName, 'Upper Path');
        assert.deepEqual(user.Name, { GivenName: 'Given', FamilyName: 'Shouty' });
        assert.deepEqual(user.PhoneNumbers, [
          { Value: '+1 555 0100', Type: 'work', Primary: true },
        ]);
        assert.deepEqual(user.Addresses, [
          { StreetAddress: '2 Main St', Locality: 'Springfield', Primary: true },
        ]);
        assert.deepEqual(user.Extensions, { [ENTERPRISE]: { manager: { value: userId } } });
      },
    );

    test(
      'UpdateUser is all or nothing: an invalid last operation changes nothing',
      { timeout: TEST_TIMEOUT },
      async () => {
        const userId = await createUser(client, storeId, uniqueName('atomic'), {
          NickName: 'Nick',
          Title: 'Engineer',
        });
        const original = await describeUser(userId);
        const batches: [AttributeOperation[], RegExp][] = [
          [
            [
              { AttributePath: 'displayName', AttributeValue: 'Changed' },
              { AttributePath: 'title', AttributeValue: 'Changed' },
              { AttributePath: 'nickName' },
              { AttributePath: 'nickname.first', AttributeValue: 'x' },
            ],
            /nickname\.first/,
          ],
          [
            [
              { AttributePath: 'title', AttributeValue: 'Changed' },
              { AttributePath: 'emails', AttributeValue: 'not-a-list-of-emails' },
            ],
            /emails/,
          ],
          [
            [
              { AttributePath: 'nickName', AttributeValue: 'Changed' },
              { AttributePath: `${ENTERPRISE}.shoeSize`, AttributeValue: '44' },
            ],
            /shoeSize/,
          ],
        ];
        for (const [operations, message] of batches) {
          const e = await rejection(updateUser(userId, operations));
          assertValidation(e, message);
          const now = await describeUser(userId);
          assert.deepEqual(pick(now, USER_ATTRIBUTES), pick(original, USER_ATTRIBUTES));
          assert.deepEqual(now.Extensions, original.Extensions);
          assert.equal(now.UpdatedAt?.getTime(), original.UpdatedAt?.getTime());
        }
      },
    );

    test(
      'UpdateUser removing a required attribute is a ValidationException naming the path',
      { timeout: TEST_TIMEOUT },
      async () => {
        const userId = await createUser(client, storeId, uniqueName('required'));
        const original = await describeUser(userId);
        for (const [path, message] of [
          ['displayName', /displayName/],
          ['userName', /userName/],
          ['name.givenName', /name\.givenName/],
          ['name.familyName', /name\.familyName/],
        ] as const) {
          const e = await rejection(
            updateUser(userId, [
              { AttributePath: 'title', AttributeValue: 'Set first' },
              { AttributePath: path },
            ]),
          );
          assertValidation(e, message);
        }
        const now = await describeUser(userId);
        assert.deepEqual(pick(now, USER_ATTRIBUTES), pick(original, USER_ATTRIBUTES));
      },
    );

    test(
      'groups: CreateGroup, DescribeGroup, UpdateGroup, ListGroups, DeleteGroup',
      { timeout: TEST_TIMEOUT },
      async () => {
        const displayName = uniqueName('Speech Team');
        const groupId = await createGroup(client, storeId, displayName, 'People who ship speech');
        const describeGroup = () =>
          client.send(new DescribeGroupCommand({ IdentityStoreId: storeId, GroupId: groupId }));

        const group = await describeGroup();
        assert.equal(group.GroupId, groupId);
        assert.equal(group.IdentityStoreId, storeId);
        assert.equal(group.DisplayName, displayName);
        assert.equal(group.Description, 'People who ship speech');
        assert.equal(group.ExternalIds, undefined);
        const createdAt = assertRecentDate(group.CreatedAt, 'CreatedAt');
        assertRecentDate(group.UpdatedAt, 'UpdatedAt');
        assert.equal(group.CreatedBy, ctx.creds.accessKeyId);

        const renamed = uniqueName('Voice Team');
        await client.send(
          new UpdateGroupCommand({
            IdentityStoreId: storeId,
            GroupId: groupId,
            Operations: [
              { AttributePath: 'displayName', AttributeValue: renamed },
              { AttributePath: 'description', AttributeValue: 'People who ship voices' },
            ],
          }),
        );
        const updated = await describeGroup();
        assert.equal(updated.DisplayName, renamed);
        assert.equal(updated.Description, 'People who ship voices');
        assert.equal(updated.UpdatedBy, ctx.creds.accessKeyId);
        assert.ok(updated.UpdatedAt!.getTime() >= createdAt.getTime());

        const listed = await client.send(
          new ListGroupsCommand({
            IdentityStoreId: storeId,
            Filters: [{ AttributePath: 'DisplayName', AttributeValue: renamed }],
          }),
        );
        assert.deepEqual(
          listed.Groups?.map((g) => [g.GroupId, g.DisplayName, g.Description, g.IdentityStoreId]),
          [[groupId, renamed, 'People who ship voices', storeId]],
        );
        const byName = await client.send(
          new GetGroupIdCommand({
            IdentityStoreId: storeId,
            AlternateIdentifier: {
              UniqueAttribute: { AttributePath: 'displayName', AttributeValue: renamed },
            },
          }),
        );
        assert.equal(byName.GroupId, groupId);

        // No value removes; a group's displayName is required; unknown paths are rejected.
        await client.send(
          new UpdateGroupCommand({
            IdentityStoreId: storeId,
            GroupId: groupId,
            Operations: [{ AttributePath: 'description' }],
          }),
        );
        assert.equal((await describeGroup()).Description, undefined);
        for (const [operations, message] of [
          [[{ AttributePath: 'displayName' }], /displayName/],
          [
            [
              { AttributePath: 'description', AttributeValue: 'never stored' },
              { AttributePath: 'title', AttributeValue: 'x' },
            ],
            /title/,
          ],
        ] as const) {
          const e = await rejection(
            client.send(
              new UpdateGroupCommand({
                IdentityStoreId: storeId,
                GroupId: groupId,
                Operations: [...operations],
              }),
            ),
          );
          assertValidation(e, message);
        }
        const unchanged = await describeGroup();
        assert.equal(unchanged.DisplayName, renamed);
        assert.equal(unchanged.Description, undefined);

        await client.send(new DeleteGroupCommand({ IdentityStoreId: storeId, GroupId: groupId }));
        assertNotFound(await rejection(describeGroup()), 'GROUP', groupId);
        assertNotFound(
          await rejection(
            client.send(new DeleteGroupCommand({ IdentityStoreId: storeId, GroupId: groupId })),
          ),
          'GROUP',
          groupId,
        );
      },
    );

    test('CreateGroup without DisplayName is a ValidationException', async () => {
      const e = await rejection(
        client.send(new CreateGroupCommand({ IdentityStoreId: storeId, Description: 'nameless' })),
      );
      assertValidation(e, /displayName/);
    });

    test(
      'memberships: create, describe, get id, list both ways, IsMemberInGroups, delete',
      { timeout: TEST_TIMEOUT },
      async () => {
        const userId = await createUser(client, storeId, uniqueName('member'));
        const [g1, g2, g3] = [
          await createGroup(client, storeId, uniqueName('g1')),
          await createGroup(client, storeId, uniqueName('g2')),
          await createGroup(client, storeId, uniqueName('g3')),
        ];
        const join = async (groupId: string) => {
          const out = await client.send(
            new CreateGroupMembershipCommand({
              IdentityStoreId: storeId,
              GroupId: groupId,
              MemberId: { UserId: userId },
            }),
          );
          assert.equal(out.IdentityStoreId, storeId);
          return assertResourceId(out.MembershipId, storeId, 'membership');
        };
        const m1 = await join(g1);
        const m2 = await join(g2);
        assert.notEqual(m1, m2);

        const described = await client.send(
          new DescribeGroupMembershipCommand({ IdentityStoreId: storeId, MembershipId: m1 }),
        );
        assert.deepEqual(pick(described, MEMBERSHIP_FIELDS), {
          IdentityStoreId: storeId,
          MembershipId: m1,
          GroupId: g1,
          MemberId: { UserId: userId },
        });

        const getId = (groupId: string) =>
          client.send(
            new GetGroupMembershipIdCommand({
              IdentityStoreId: storeId,
              GroupId: groupId,
              MemberId: { UserId: userId },
            }),
          );
        const found = await getId(g1);
        assert.equal(found.MembershipId, m1);
        assert.equal(found.IdentityStoreId, storeId);
        const missing = await rejection(getId(g3));
        assertNotFound(missing, 'GROUP_MEMBERSHIP');
        assert.equal(missing.ResourceId, undefined, 'a pair is not an id: no ResourceId');

        const ofGroup = await client.send(
          new ListGroupMembershipsCommand({ IdentityStoreId: storeId, GroupId: g1 }),
        );
        assert.deepEqual(
          ofGroup.GroupMemberships?.map((m) => pick(m, MEMBERSHIP_FIELDS)),
          [
            {
              IdentityStoreId: storeId,
              MembershipId: m1,
              GroupId: g1,
              MemberId: { UserId: userId },
            },
          ],
        );
        assert.equal(ofGroup.NextToken, undefined);

        const ofMember = await client.send(
          new ListGroupMembershipsForMemberCommand({
            IdentityStoreId: storeId,
            MemberId: { UserId: userId },
          }),
        );
        assert.deepEqual(
          (ofMember.GroupMemberships ?? [])
            .map((m) => pick(m, MEMBERSHIP_FIELDS))
            .sort((a, b) => (a.MembershipId! < b.MembershipId! ? -1 : 1)),
          [
            {
              IdentityStoreId: storeId,
              MembershipId: m1,
              GroupId: g1,
              MemberId: { UserId: userId },
            },
            {
              IdentityStoreId: storeId,
              MembershipId: m2,
              GroupId: g2,
              MemberId: { UserId: userId },
            },
          ].sort((a, b) => (a.MembershipId < b.MembershipId ? -1 : 1)),
        );

        const isMember = (groupIds: string[], memberId = userId) =>
          client.send(
            new IsMemberInGroupsCommand({
              IdentityStoreId: storeId,
              MemberId: { UserId: memberId },
              GroupIds: groupIds,
            }),
          );
        const results = await isMember([g2, g3, g1]);
        assert.deepEqual(results.Results, [
          { GroupId: g2, MemberId: { UserId: userId }, MembershipExists: true },
          { GroupId: g3, MemberId: { UserId: userId }, MembershipExists: false },
          { GroupId: g1, MemberId: { UserId: userId }, MembershipExists: true },
        ]);

        await client.send(
          new DeleteGroupMembershipCommand({ IdentityStoreId: storeId, MembershipId: m1 }),
        );
        assertNotFound(
          await rejection(
            client.send(
              new DescribeGroupMembershipCommand({ IdentityStoreId: storeId, MembershipId: m1 }),
            ),
          ),
          'GROUP_MEMBERSHIP',
          m1,
        );
        assertNotFound(
          await rejection(
            client.send(
              new DeleteGroupMembershipCommand({ IdentityStoreId: storeId, MembershipId: m1 }),
            ),
          ),
          'GROUP_MEMBERSHIP',
          m1,
        );
        assertNotFound(await rejection(getId(g1)), 'GROUP_MEMBERSHIP');
        assert.deepEqual(
          (await isMember([g1, g2])).Results?.map((r) => r.MembershipExists),
          [false, true],
        );
        assert.deepEqual(
          (
            await client.send(
              new ListGroupMembershipsCommand({ IdentityStoreId: storeId, GroupId: g1 }),
            )
          ).GroupMemberships,
          [],
        );

        // Missing users and groups are named as such.
        const missingUser = randomResourceId(storeId);
        const missingGroup = randomResourceId(storeId);
        assertNotFound(
          await rejection(
            client.send(
              new CreateGroupMembershipCommand({
                IdentityStoreId: storeId,
                GroupId: g1,
                MemberId: { UserId: missingUser },
              }),
            ),
          ),
          'USER',
          missingUser,
        );
        assertNotFound(
          await rejection(
            client.send(
              new CreateGroupMembershipCommand({
                IdentityStoreId: storeId,
                GroupId: missingGroup,
                MemberId: { UserId: userId },
              }),
            ),
          ),
          'GROUP',
          missingGroup,
        );
        assertNotFound(await rejection(isMember([g1], missingUser)), 'USER', missingUser);
        assertNotFound(await rejection(isMember([g1, missingGroup])), 'GROUP', missingGroup);
        assertNotFound(
          await rejection(
            client.send(
              new ListGroupMembershipsForMemberCommand({
                IdentityStoreId: storeId,
                MemberId: { UserId: missingUser },
              }),
            ),
          ),
          'USER',
          missingUser,
        );
      },
    );

    test(
      'DeleteUser removes the user, its memberships and its uniqueness claims',
      { timeout: TEST_TIMEOUT },
      async () => {
        const userName = uniqueName('leaver');
        const userId = await createUser(client, storeId, userName);
        const stayerId = await createUser(client, storeId, uniqueName('stayer'));
        const groupId = await createGroup(client, storeId, uniqueName('team'));
        const memberships: string[] = [];
        for (const member of [userId, stayerId]) {
          const out = await client.send(
            new CreateGroupMembershipCommand({
              IdentityStoreId: storeId,
              GroupId: groupId,
              MemberId: { UserId: member },
            }),
          );
          memberships.push(out.MembershipId!);
        }
        const [leaverMembership, stayerMembership] = memberships as [string, string];

        await client.send(new DeleteUserCommand({ IdentityStoreId: storeId, UserId: userId }));

        assertNotFound(await rejection(describeUser(userId)), 'USER', userId);
        assertNotFound(
          await rejection(
            client.send(new DeleteUserCommand({ IdentityStoreId: storeId, UserId: userId })),
          ),
          'USER',
          userId,
        );
        const left = await client.send(
          new ListGroupMembershipsCommand({ IdentityStoreId: storeId, GroupId: groupId }),
        );
        assert.deepEqual(
          left.GroupMemberships?.map((m) => m.MembershipId),
          [stayerMembership],
        );
        assertNotFound(
          await rejection(
            client.send(
              new DescribeGroupMembershipCommand({
                IdentityStoreId: storeId,
                MembershipId: leaverMembership,
              }),
            ),
          ),
          'GROUP_MEMBERSHIP',
          leaverMembership,
        );
        assertNotFound(
          await rejection(
            client.send(
              new GetUserIdCommand({
                IdentityStoreId: storeId,
                AlternateIdentifier: {
                  UniqueAttribute: { AttributePath: 'userName', AttributeValue: userName },
                },
              }),
            ),
          ),
          'USER',
        );
        // The UserName claim went with the user.
        const again = await createUser(client, storeId, userName);
        assert.notEqual(again, userId);
      },
    );

    test(
      'DeleteGroup removes the group, its memberships and its uniqueness claims',
      { timeout: TEST_TIMEOUT },
      async () => {
        const displayName = uniqueName('Doomed Group');
        const groupId = await createGroup(client, storeId, displayName);
        const keptGroupId = await createGroup(client, storeId, uniqueName('Kept Group'));
        const userId = await createUser(client, storeId, uniqueName('orphan'));
        const doomed = await client.send(
          new CreateGroupMembershipCommand({
            IdentityStoreId: storeId,
            GroupId: groupId,
            MemberId: { UserId: userId },
          }),
        );
        const kept = await client.send(
          new CreateGroupMembershipCommand({
            IdentityStoreId: storeId,
            GroupId: keptGroupId,
            MemberId: { UserId: userId },
          }),
        );

        await client.send(new DeleteGroupCommand({ IdentityStoreId: storeId, GroupId: groupId }));

        assertNotFound(
          await rejection(
            client.send(new DescribeGroupCommand({ IdentityStoreId: storeId, GroupId: groupId })),
          ),
          'GROUP',
          groupId,
        );
        const forMember = await client.send(
          new ListGroupMembershipsForMemberCommand({
            IdentityStoreId: storeId,
            MemberId: { UserId: userId },
          }),
        );
        assert.deepEqual(
          forMember.GroupMemberships?.map((m) => [m.MembershipId, m.GroupId]),
          [[kept.MembershipId, keptGroupId]],
        );
        assertNotFound(
          await rejection(
            client.send(
              new DescribeGroupMembershipCommand({
                IdentityStoreId: storeId,
                MembershipId: doomed.MembershipId,
              }),
            ),
          ),
          'GROUP_MEMBERSHIP',
          doomed.MembershipId,
        );
        // The user is untouched; the DisplayName claim went with the group.
        assert.equal((await describeUser(userId)).UserId, userId);
        const again = await createGroup(client, storeId, displayName);
        assert.notEqual(again, groupId);
      },
    );

    test(
      'a missing user, group or membership id is ResourceNotFoundException naming it',
      { timeout: TEST_TIMEOUT },
      async () => {
        const id = randomResourceId(storeId);
        const Operations = [{ AttributePath: 'displayName', AttributeValue: 'x' }];
        const cases: [string, () => Promise<unknown>, 'USER' | 'GROUP' | 'GROUP_MEMBERSHIP'][] = [
          [
            'DescribeUser',
            () => client.send(new DescribeUserCommand({ IdentityStoreId: storeId, UserId: id })),
            'USER',
          ],
          [
            'UpdateUser',
            () =>
              client.send(
                new UpdateUserCommand({ IdentityStoreId: storeId, UserId: id, Operations }),
              ),
            'USER',
          ],
          [
            'DeleteUser',
            () => client.send(new DeleteUserCommand({ IdentityStoreId: storeId, UserId: id })),
            'USER',
          ],
          [
            'DescribeGroup',
            () => client.send(new DescribeGroupCommand({ IdentityStoreId: storeId, GroupId: id })),
            'GROUP',
          ],
          [
            'UpdateGroup',
            () =>
              client.send(
                new UpdateGroupCommand({ IdentityStoreId: storeId, GroupId: id, Operations }),
              ),
            'GROUP',
          ],
          [
            'DeleteGroup',
            () => client.send(new DeleteGroupCommand({ IdentityStoreId: storeId, GroupId: id })),
            'GROUP',
          ],
          [
            'DescribeGroupMembership',
            () =>
              client.send(
                new DescribeGroupMembershipCommand({ IdentityStoreId: storeId, MembershipId: id }),
              ),
            'GROUP_MEMBERSHIP',
          ],
          [
            'DeleteGroupMembership',
            () =>
              client.send(
                new DeleteGroupMembershipCommand({ IdentityStoreId: storeId, MembershipId: id }),
              ),
            'GROUP_MEMBERSHIP',
          ],
        ];
        for (const [operation, call, resourceType] of cases) {
          const e = await rejection(call());
          assert.equal(e.name, 'ResourceNotFoundException', `${operation}: ${e.name}`);
          assertNotFound(e, resourceType, id);
        }
      },
    );

    test(
      'users and groups of one store do not exist in another',
      { timeout: TEST_TIMEOUT },
      async () => {
        const otherStore = await createStore(ctx.server);
        assert.notEqual(otherStore, storeId);
        const userId = await createUser(client, storeId, uniqueName('homebody'));
        const groupId = await createGroup(client, storeId, uniqueName('home group'));
        assertNotFound(
          await rejection(
            client.send(new DescribeUserCommand({ IdentityStoreId: otherStore, UserId: userId })),
          ),
          'USER',
          userId,
        );
        assertNotFound(
          await rejection(
            client.send(
              new DescribeGroupCommand({ IdentityStoreId: otherStore, GroupId: groupId }),
            ),
          ),
          'GROUP',
          groupId,
        );
        const listed = await client.send(new ListUsersCommand({ IdentityStoreId: otherStore }));
        assert.deepEqual(listed.Users, []);
      },
    );

    test(
      'an unknown identity store is ResourceNotFoundException IDENTITY_STORE',
      { timeout: TEST_TIMEOUT },
      async () => {
        for (const unknown of [randomStoreId(), randomUUID()]) {
          const calls: [string, () => Promise<unknown>][] = [
            ['ListUsers', () => client.send(new ListUsersCommand({ IdentityStoreId: unknown }))],
            [
              'CreateUser',
              () =>
                client.send(new CreateUserCommand(minimalUserInput(unknown, uniqueName('ghost')))),
            ],
            [
              'DescribeUser',
              () =>
                client.send(
                  new DescribeUserCommand({
                    IdentityStoreId: unknown,
                    UserId: randomResourceId(storeId),
                  }),
                ),
            ],
            [
              'CreateGroup',
              () =>
                client.send(
                  new CreateGroupCommand({ IdentityStoreId: unknown, DisplayName: 'ghosts' }),
                ),
            ],
            ['ListGroups', () => client.send(new ListGroupsCommand({ IdentityStoreId: unknown }))],
            [
              'GetUserId',
              () =>
                client.send(
                  new GetUserIdCommand({
                    IdentityStoreId: unknown,
                    AlternateIdentifier: {
                      UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'ghost' },
                    },
                  }),
                ),
            ],
            // The failed writes did not create the store on the way.
            [
              'ListUsers again',
              () => client.send(new ListUsersCommand({ IdentityStoreId: unknown })),
            ],
          ];
          for (const [operation, call] of calls) {
            const e = await rejection(call());
            assert.equal(e.ResourceType, 'IDENTITY_STORE', `${operation} on ${unknown}`);
            // A d- store id is not of the model's ResourceId form: the member is left out;
            // a store id in UUID form is.
            assertNotFound(e, 'IDENTITY_STORE', unknown.startsWith('d-') ? undefined : unknown);
            if (unknown.startsWith('d-')) assert.equal(e.ResourceId, undefined);
            assert.match(e.message, new RegExp(`^Identity store ${unknown} does not exist$`));
          }
        }
      },
    );
  });

  describe(`Identity Store quotas (${kind})`, () => {
    let ctx: IdentityStoreServer;
    let client: IdentitystoreClient;

    before(
      async () => {
        ctx = await startIdentityStoreServer(kind, [
          '--identitystore-max-users',
          '2',
          '--identitystore-max-groups-per-user',
          '1',
        ]);
        client = ctx.client;
      },
      { timeout: HOOK_TIMEOUT },
    );
    after(() => ctx?.server.stopAndDrop(), { timeout: HOOK_TIMEOUT });

    test(
      '--identitystore-max-users 2: the third CreateUser is ServiceQuotaExceededException',
      { timeout: TEST_TIMEOUT },
      async () => {
        const storeId = await createStore(ctx.server);
        const first = await createUser(client, storeId, uniqueName('q1'));
        await createUser(client, storeId, uniqueName('q2'));
        const thirdName = uniqueName('q3');
        assertQuotaExceeded(
          await rejection(client.send(new CreateUserCommand(minimalUserInput(storeId, thirdName)))),
        );
        const listed = await client.send(new ListUsersCommand({ IdentityStoreId: storeId }));
        assert.equal(listed.Users?.length, 2);

        // The quota is per store...
        const otherStore = await createStore(ctx.server);
        await createUser(client, otherStore, uniqueName('elsewhere'));
        // ...and counts the users that exist.
        await client.send(new DeleteUserCommand({ IdentityStoreId: storeId, UserId: first }));
        await createUser(client, storeId, thirdName);
      },
    );

    test(
      '--identitystore-max-groups-per-user 1: a second membership is ServiceQuotaExceededException',
      { timeout: TEST_TIMEOUT },
      async () => {
        const storeId = await createStore(ctx.server);
        const userId = await createUser(client, storeId, uniqueName('joiner'));
        const otherUserId = await createUser(client, storeId, uniqueName('other'));
        const g1 = await createGroup(client, storeId, uniqueName('first'));
        const g2 = await createGroup(client, storeId, uniqueName('second'));
        const join = (groupId: string, member: string) =>
          client.send(
            new CreateGroupMembershipCommand({
              IdentityStoreId: storeId,
              GroupId: groupId,
              MemberId: { UserId: member },
            }),
          );
        const m1 = await join(g1, userId);
        assertQuotaExceeded(await rejection(join(g2, userId)));
        const forMember = await client.send(
          new ListGroupMembershipsForMemberCommand({
            IdentityStoreId: storeId,
            MemberId: { UserId: userId },
          }),
        );
        assert.deepEqual(
          forMember.GroupMemberships?.map((m) => m.GroupId),
          [g1],
        );
        // Per user: someone else may still join; leaving frees the slot.
        await join(g2, otherUserId);
        await client.send(
          new DeleteGroupMembershipCommand({
            IdentityStoreId: storeId,
            MembershipId: m1.MembershipId,
          }),
        );
        await join(g2, userId);
      },
    );
  });

  describe(`Identity Store with --identitystore-auto-create (${kind})`, () => {
    let ctx: IdentityStoreServer;

    before(
      async () => {
        ctx = await startIdentityStoreServer(kind, ['--identitystore-auto-create', 'true']);
      },
      { timeout: HOOK_TIMEOUT },
    );
    after(() => ctx?.server.stopAndDrop(), { timeout: HOOK_TIMEOUT });

    test('a never-created d- store works on first use', { timeout: TEST_TIMEOUT }, async () => {
      const client = ctx.client;
      const storeId = randomStoreId();
      const empty = await client.send(new ListUsersCommand({ IdentityStoreId: storeId }));
      assert.deepEqual(empty.Users, []);

      const otherStore = randomStoreId();
      const userId = await createUser(client, otherStore, uniqueName('lazy'));
      const user = await client.send(
        new DescribeUserCommand({ IdentityStoreId: otherStore, UserId: userId }),
      );
      assert.equal(user.IdentityStoreId, otherStore);
      assert.equal(user.UserId, userId);
      const groupId = await createGroup(client, otherStore, uniqueName('lazy group'));
      const membership = await client.send(
        new CreateGroupMembershipCommand({
          IdentityStoreId: otherStore,
          GroupId: groupId,
          MemberId: { UserId: userId },
        }),
      );
      assertResourceId(membership.MembershipId, otherStore, 'membership');
      const listed = await client.send(new ListUsersCommand({ IdentityStoreId: otherStore }));
      assert.deepEqual(
        listed.Users?.map((u) => u.UserId),
        [userId],
      );
    });
  });
}
