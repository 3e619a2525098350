/**
 * What a hostile client probe found at the AWS doors, caused from outside and answered right:
 * an operation swapped under a valid signature, 500s from deep nesting and `null` tokens, and
 * members the model does not have (ids among them) stored and echoed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DescribeGroupCommand,
  DescribeUserCommand,
  ListUsersCommand,
} from '@aws-sdk/client-identitystore';
import type { ClientCredentials } from '../support/aws-clients.js';
import { signedFetch, type RawRequest } from '../support/signed-fetch.js';
import { testDatabaseKinds } from '../support/test-databases.js';
import {
  ENTERPRISE,
  HOOK_TIMEOUT,
  assertConflict,
  createStore,
  createUser,
  rejection,
  startIdentityStoreServer,
  uniqueName,
  type IdentityStoreServer,
} from '../support/identitystore-fixtures.js';

const JSON11 = 'application/x-amz-json-1.1';
const JSON10 = 'application/x-amz-json-1.0';

interface Answer {
  readonly status: number;
  readonly type: string | null;
  readonly body: Record<string, unknown>;
}

for (const kind of testDatabaseKinds()) {
  describe(`AWS door hardening (${kind})`, () => {
    let s: IdentityStoreServer;
    let storeId: string;
    before(
      async () => {
        s = await startIdentityStoreServer(kind);
        storeId = await createStore(s.server);
      },
      { timeout: HOOK_TIMEOUT },
    );
    after(async () => {
      try {
        assert.equal((await fetch(`${s.server.url}/health`)).status, 200, 'still up');
      } finally {
        await s.server.stopAndDrop();
      }
    });

    const call = async (
      target: string,
      input: unknown,
      extra: Partial<RawRequest> = {},
    ): Promise<Answer> => {
      const voiceId = target.startsWith('VoiceID.');
      const res = await signedFetch(s.server.url, s.creds as ClientCredentials, {
        target,
        contentType: voiceId ? JSON10 : JSON11,
        service: voiceId ? 'voiceid' : 'identitystore',
        body: typeof input === 'string' ? input : JSON.stringify(input),
        ...extra,
      });
      const text = await res.text();
      return {
        status: res.status,
        type: res.headers.get('x-amzn-errortype'),
        body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
      };
    };

    describe('SigV4: a request cannot be turned into another operation', () => {
      test('DescribeUser signed without X-Amz-Target, replayed as DeleteUser: refused, the user stays', async () => {
        const userId = await createUser(s.client, storeId, uniqueName('victim'));
        const input = { IdentityStoreId: storeId, UserId: userId };
        const replay = await call('AWSIdentityStore.DescribeUser', input, {
          unsigned: ['x-amz-target', 'content-type', 'x-amz-content-sha256'],
          afterSigning: { 'x-amz-target': 'AWSIdentityStore.DeleteUser' },
        });
        assert.equal(replay.status, 400);
        assert.equal(replay.type, 'IncompleteSignatureException');
        assert.match(
          String(replay.body.message),
          /must be a 'SignedHeader' in the AWS Authorization/,
        );
        const still = await s.client.send(new DescribeUserCommand(input));
        assert.equal(still.UserId, userId);
      });

      test('each header that changes a request must be signed, on both doors', async () => {
        const cases: [string, string[], Record<string, string>][] = [
          ['AWSIdentityStore.ListUsers', ['x-amz-target'], {}],
          ['AWSIdentityStore.ListUsers', ['content-type'], {}],
          ['AWSIdentityStore.ListUsers', ['x-amz-content-sha256'], {}],
          ['AWSIdentityStore.ListUsers', [], { 'x-amz-security-token': 'injected' }],
          ['AWSIdentityStore.ListUsers', [], { 'x-amz-anything': 'injected' }],
          ['VoiceID.ListDomains', ['x-amz-target'], {}],
          ['VoiceID.ListDomains', ['content-type'], {}],
        ];
        for (const [target, unsigned, afterSigning] of cases) {
          const a = await call(
            target,
            target.startsWith('VoiceID') ? {} : { IdentityStoreId: storeId },
            {
              unsigned,
              afterSigning,
            },
          );
          assert.equal(
            a.type,
            'IncompleteSignatureException',
            `${target} ${unsigned} ${JSON.stringify(afterSigning)}`,
          );
          assert.equal(a.status, 400);
        }
        // Signed in full, the same requests succeed; unsigned headers outside x-amz-* are fine.
        const ok = await call(
          'AWSIdentityStore.ListUsers',
          { IdentityStoreId: storeId },
          {
            afterSigning: {
              'x-amzn-trace-id': 'Root=1-5759e988-bd862e3fe1be46a994272793',
              'user-agent': 'other',
            },
          },
        );
        assert.equal(ok.status, 200, JSON.stringify(ok.body));
      });
    });

    describe('no input answers 500', () => {
      test('NextToken null on ListUsers, ListGroups, ListDomains is no token', async () => {
        for (const [target, input] of [
          ['AWSIdentityStore.ListUsers', { IdentityStoreId: storeId, NextToken: null }],
          ['AWSIdentityStore.ListGroups', { IdentityStoreId: storeId, NextToken: null }],
          ['VoiceID.ListDomains', { NextToken: null }],
        ] as const) {
          const a = await call(target, input);
          assert.equal(a.status, 200, `${target}: ${JSON.stringify(a.body)}`);
        }
      });

      test('100,000-deep Extensions, emails and enterprise.manager: SerializationException', async () => {
        const deepArray = '['.repeat(100_000) + ']'.repeat(100_000);
        const deepObject = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
        const bodies = [
          `{"IdentityStoreId":"${storeId}","UserName":"deep","DisplayName":"D","Name":{"GivenName":"a","FamilyName":"b"},"Extensions":{"${ENTERPRISE}":${deepObject}}}`,
          `{"IdentityStoreId":"${storeId}","UserId":"x","Operations":[{"AttributePath":"emails","AttributeValue":${deepArray}}]}`,
          `{"IdentityStoreId":"${storeId}","UserId":"x","Operations":[{"AttributePath":"${ENTERPRISE}.manager","AttributeValue":${deepObject}}]}`,
        ];
        for (const [i, body] of bodies.entries()) {
          const a = await call(
            i === 0 ? 'AWSIdentityStore.CreateUser' : 'AWSIdentityStore.UpdateUser',
            body,
          );
          assert.equal(a.status, 400);
          assert.equal(a.type, 'SerializationException');
          assert.match(String(a.body.message), /nest deeper than 32 levels/);
        }
      });
    });

    describe('members the model does not have are dropped, and no caller sets an id', () => {
      test("CreateUser with another user's UserId gets its own id; the listing is not spoofed", async () => {
        const victim = await createUser(s.client, storeId, uniqueName('alice'));
        const name = uniqueName('mallory');
        const created = await call('AWSIdentityStore.CreateUser', {
          IdentityStoreId: storeId,
          UserName: name,
          DisplayName: 'Mallory',
          Name: { GivenName: 'M', FamilyName: 'X' },
          UserId: victim,
          CreatedBy: 'root',
          Junk: 'j'.repeat(500_000),
          Nested: { deeper: { id: victim } },
          ExternalIds: 7,
          Emails: [{ Value: null, Type: 'work', Bogus: { a: 1 } }],
        });
        assert.equal(created.status, 200, JSON.stringify(created.body).slice(0, 300));
        const malloryId = created.body.UserId as string;
        assert.notEqual(malloryId, victim);
        const described = await s.client.send(
          new DescribeUserCommand({ IdentityStoreId: storeId, UserId: malloryId }),
        );
        assert.equal(described.UserId, malloryId);
        assert.equal(described.CreatedBy, s.creds.accessKeyId);
        assert.equal(described.ExternalIds, undefined);
        assert.deepEqual(described.Emails, [{ Type: 'work' }]);
        const raw = await call('AWSIdentityStore.DescribeUser', {
          IdentityStoreId: storeId,
          UserId: malloryId,
        });
        assert.deepEqual(
          Object.keys(raw.body).filter((k) => ['Junk', 'Nested'].includes(k)),
          [],
          'unknown members are not stored',
        );
        const listed = await s.client.send(
          new ListUsersCommand({
            IdentityStoreId: storeId,
            Filters: [{ AttributePath: 'UserName', AttributeValue: name }],
          }),
        );
        assert.deepEqual(
          listed.Users?.map((u) => u.UserId),
          [malloryId],
        );
      });

      test("CreateGroup with GroupId: DescribeGroup answers the group's own id", async () => {
        const created = await call('AWSIdentityStore.CreateGroup', {
          IdentityStoreId: storeId,
          DisplayName: uniqueName('group'),
          GroupId: 'spoofed-group',
        });
        assert.equal(created.status, 200);
        assert.notEqual(created.body.GroupId, 'spoofed-group');
        const g = await s.client.send(
          new DescribeGroupCommand({
            IdentityStoreId: storeId,
            GroupId: created.body.GroupId as string,
          }),
        );
        assert.equal(g.GroupId, created.body.GroupId);
      });

      test('the enterprise extension keeps exactly its documented members and types', async () => {
        const userId = await createUser(s.client, storeId, uniqueName('emp'));
        const update = (path: string, value: unknown) =>
          call('AWSIdentityStore.UpdateUser', {
            IdentityStoreId: storeId,
            UserId: userId,
            Operations: [{ AttributePath: path, AttributeValue: value }],
          });
        for (const [path, value, message] of [
          [ENTERPRISE, { costCenter: { nested: true }, bogusAttribute: 12 }, /costCenter/],
          [ENTERPRISE, { costCenter: '42', bogusAttribute: 12 }, /bogusAttribute/],
          [ENTERPRISE, { manager: { value: 'u', $ref: 'x' } }, /manager has only 'value'/],
          [`${ENTERPRISE}.costCenter`, { object: 1 }, /string/],
        ] as const) {
          const a = await update(path, value);
          assert.equal(a.type, 'ValidationException', `${path}: ${JSON.stringify(a.body)}`);
          assert.match(String(a.body.message), message);
        }
        const ok = await update(ENTERPRISE, { costCenter: '42', manager: { value: userId } });
        assert.equal(ok.status, 200, JSON.stringify(ok.body));
        const d = await s.client.send(
          new DescribeUserCommand({
            IdentityStoreId: storeId,
            UserId: userId,
            Extensions: [ENTERPRISE],
          }),
        );
        assert.deepEqual(d.Extensions, {
          [ENTERPRISE]: { costCenter: '42', manager: { value: userId } },
        });
        // The same rule on CreateUser.
        const create = await call('AWSIdentityStore.CreateUser', {
          IdentityStoreId: storeId,
          UserName: uniqueName('emp'),
          DisplayName: 'E',
          Name: { GivenName: 'a', FamilyName: 'b' },
          Extensions: { [ENTERPRISE]: { bogusAttribute: 12 } },
        });
        assert.equal(create.type, 'ValidationException');
      });

      test('ExternalIds 7, [null] and a null email value: catalogued 4xx or dropped, never 500', async () => {
        const userId = await createUser(s.client, storeId, uniqueName('ext'));
        for (const value of [7, [null], [{ Issuer: null, Id: 'x' }]]) {
          const a = await call('AWSIdentityStore.UpdateUser', {
            IdentityStoreId: storeId,
            UserId: userId,
            Operations: [{ AttributePath: 'externalIds', AttributeValue: value }],
          });
          assert.equal(a.type, 'ValidationException', JSON.stringify(a.body));
        }
        const emails = await call('AWSIdentityStore.UpdateUser', {
          IdentityStoreId: storeId,
          UserId: userId,
          Operations: [
            { AttributePath: 'emails', AttributeValue: [{ value: null, type: 'home' }] },
          ],
        });
        assert.equal(emails.status, 200, JSON.stringify(emails.body));
      });
    });

    test('a user name that only looks like another (U+3164 appended) is the same name', async () => {
      const name = uniqueName('mallory');
      await createUser(s.client, storeId, name);
      for (const lookalike of [
        `${name}\u3164`,
        `${name}\uffa0`,
        `\u115f${name}`,
        name.toUpperCase(),
        `ｍ${name.slice(1)}`,
      ]) {
        const e = await rejection(createUser(s.client, storeId, lookalike));
        assertConflict(e, 'UNIQUENESS_CONSTRAINT_VIOLATION');
      }
    });
  });
}
