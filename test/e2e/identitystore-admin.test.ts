/**
 * The operator's side of the Identity Store: stores through the admin API and CLI, external ids
 * written as an IdP sync would, and a second official client (boto3) against the same server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  DescribeGroupCommand,
  GetGroupIdCommand,
  GetUserIdCommand,
} from '@aws-sdk/client-identitystore';
import {
  createGroup,
  createUser,
  rejection,
  startIdentityStoreServer,
  STORE_ID_PATTERN,
  uniqueName,
  type IdentityStoreServer,
} from '../support/identitystore-fixtures.js';
import { testDatabaseKinds } from '../support/test-databases.js';

const run = promisify(execFile);

for (const kind of testDatabaseKinds()) {
  describe(`Identity Store administration (${kind})`, () => {
    let ctx: IdentityStoreServer;
    let auth: Record<string, string>;
    before(async () => {
      ctx = await startIdentityStoreServer(kind);
      auth = {
        authorization: `Bearer ${(await ctx.server.credentials()).adminToken}`,
        'content-type': 'application/json',
      };
    });
    after(() => ctx.server.stopAndDrop());

    test('stores are created and listed through the admin API and the CLI', async () => {
      const res = await fetch(`${ctx.server.url}/admin/v1/identitystores`, {
        method: 'POST',
        headers: { authorization: auth.authorization! },
      });
      assert.equal(res.status, 201);
      const { IdentityStoreId } = (await res.json()) as { IdentityStoreId: string };
      assert.match(IdentityStoreId, STORE_ID_PATTERN);
      const fromCli = (
        JSON.parse(await ctx.server.cli('admin', 'identitystore', 'create', '--json')) as {
          IdentityStoreId: string;
        }
      ).IdentityStoreId;
      const listed = JSON.parse(
        await ctx.server.cli('admin', 'identitystore', 'list', '--json'),
      ) as { identityStores: { storeId: string }[] };
      const ids = listed.identityStores.map((s) => s.storeId);
      assert.ok(ids.includes(IdentityStoreId) && ids.includes(fromCli));
      const api = (await (
        await fetch(`${ctx.server.url}/admin/v1/identitystores`, { headers: auth })
      ).json()) as { identityStores: { storeId: string }[] };
      assert.deepEqual(api.identityStores.map((s) => s.storeId).sort(), [...ids].sort());
    });

    test('external ids written by the admin route resolve through GetUserId and GetGroupId', async () => {
      const storeId = (
        JSON.parse(await ctx.server.cli('admin', 'identitystore', 'create', '--json')) as {
          IdentityStoreId: string;
        }
      ).IdentityStoreId;
      const userId = await createUser(ctx.client, storeId, uniqueName('synced'));
      const groupId = await createGroup(ctx.client, storeId, uniqueName('synced group'));
      const put = (path: string, body: unknown) =>
        fetch(`${ctx.server.url}/admin/v1/identitystores/${storeId}/${path}/external-ids`, {
          method: 'PUT',
          headers: auth,
          body: JSON.stringify(body),
        });
      assert.equal(
        (await put(`users/${userId}`, { externalIds: [{ issuer: 'okta', id: 'u-1' }] })).status,
        200,
      );
      assert.equal(
        (await put(`groups/${groupId}`, { externalIds: [{ issuer: 'okta', id: 'g-1' }] })).status,
        200,
      );
      const u = await ctx.client.send(
        new GetUserIdCommand({
          IdentityStoreId: storeId,
          AlternateIdentifier: { ExternalId: { Issuer: 'okta', Id: 'u-1' } },
        }),
      );
      assert.equal(u.UserId, userId);
      const g = await ctx.client.send(
        new GetGroupIdCommand({
          IdentityStoreId: storeId,
          AlternateIdentifier: { ExternalId: { Issuer: 'okta', Id: 'g-1' } },
        }),
      );
      assert.equal(g.GroupId, groupId);
      const described = await ctx.client.send(
        new DescribeGroupCommand({ IdentityStoreId: storeId, GroupId: groupId }),
      );
      assert.deepEqual(described.ExternalIds, [{ Issuer: 'okta', Id: 'g-1' }]);
      // The same external id on another resource is a uniqueness conflict, answered in the admin shape.
      const other = await createUser(ctx.client, storeId, uniqueName('other'));
      const clash = await put(`users/${other}`, { externalIds: [{ issuer: 'okta', id: 'u-1' }] });
      assert.equal(clash.status, 409);
      // A malformed body is refused by the route's schema.
      const bad = await put(`users/${userId}`, { externalIds: [{ issuer: 'okta' }] });
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as { error: string }).error, 'AdminBadRequest');
      // Clearing them releases the lookup.
      assert.equal((await put(`users/${userId}`, { externalIds: [] })).status, 200);
      const gone = await rejection(
        ctx.client.send(
          new GetUserIdCommand({
            IdentityStoreId: storeId,
            AlternateIdentifier: { ExternalId: { Issuer: 'okta', Id: 'u-1' } },
          }),
        ),
      );
      assert.equal(gone.name, 'ResourceNotFoundException');
    });

    test('boto3, a second official client, gets the same answers and typed errors', async (t) => {
      const probe = await run('python3', ['-c', 'import boto3']).then(
        () => true,
        () => false,
      );
      if (!probe) return t.skip('boto3 is not installed');
      const storeId = (
        JSON.parse(await ctx.server.cli('admin', 'identitystore', 'create', '--json')) as {
          IdentityStoreId: string;
        }
      ).IdentityStoreId;
      const script = `
import boto3, json, sys
c = boto3.client('identitystore', endpoint_url=sys.argv[1], region_name='eu-central-1',
                 aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
s = sys.argv[4]
uid = c.create_user(IdentityStoreId=s, UserName='bo', DisplayName='Bo', Name={'GivenName': 'B', 'FamilyName': 'O'})['UserId']
out = {'uid': uid, 'name': c.describe_user(IdentityStoreId=s, UserId=uid)['UserName']}
try:
    c.create_user(IdentityStoreId=s, UserName='BO', DisplayName='Bo', Name={'GivenName': 'B', 'FamilyName': 'O'})
except c.exceptions.ConflictException as e:
    out['conflict'] = e.response['Reason']
    out['requestIdMatches'] = e.response['RequestId'] == e.response['ResponseMetadata']['RequestId']
pages = c.get_paginator('list_users').paginate(IdentityStoreId=s, PaginationConfig={'PageSize': 1})
out['listed'] = sum(len(p['Users']) for p in pages)
print(json.dumps(out))
`;
      const { stdout } = await run('python3', [
        '-c',
        script,
        ctx.server.url,
        ctx.creds.accessKeyId,
        ctx.creds.secretAccessKey,
        storeId,
      ]);
      const out = JSON.parse(stdout) as {
        uid: string;
        name: string;
        conflict: string;
        requestIdMatches: boolean;
        listed: number;
      };
      assert.equal(out.name, 'bo');
      assert.equal(out.conflict, 'UNIQUENESS_CONSTRAINT_VIOLATION');
      assert.equal(out.requestIdMatches, true);
      assert.equal(out.listed, 1);
    });
  });
}
