/**
 * `SpeechAccounts.authenticate`: every authentication error of the speech seed, under exactly
 * its condition, on every storage backend.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testDatabaseKinds } from '../support/test-databases.js';
import { catalogued, openAccounts, type AccountsContext } from './support/accounts-fixtures.js';
import { sessionTokenOf } from '../../src/protocols/speech/speech-authorization.js';

for (const kind of testDatabaseKinds()) {
  describe(`speech accounts: authenticate (${kind})`, () => {
    let ctx: AccountsContext;
    let clientId: string;
    let token: string;
    /** As the speech door does: the header's token (or its error), then the accounts. */
    const auth = async (
      authorization: string | undefined,
      api: 'scripted' | 'unscripted' = 'scripted',
    ) => ctx.accounts.authenticate({ token: sessionTokenOf(authorization, api), api });

    before(async () => {
      ctx = await openAccounts(kind);
      clientId = (
        await ctx.accounts.admin.createClient({ name: 'Acme', minutes: 10, apis: ['scripted'] })
      ).clientId;
      token = (await ctx.accounts.admin.createToken(clientId)).token;
    });
    after(() => ctx.close());

    test('ELSA and Bearer are accepted, scheme in any case, and name the caller', async () => {
      for (const header of [
        `ELSA ${token}`,
        `Bearer ${token}`,
        `elsa ${token}`,
        `  BEARER   ${token} `,
      ]) {
        const caller = await auth(header);
        assert.equal(caller.clientId, clientId);
        assert.equal(caller.clientName, 'Acme');
        assert.equal(caller.endUserId, null);
        assert.match(caller.tokenId, /^vxt_[0-9a-f]{20}$/);
      }
    });

    test('no header, or a blank one, is NoTokenProvided on both APIs', async () => {
      for (const api of ['scripted', 'unscripted'] as const) {
        await catalogued(auth(undefined, api), 'NoTokenProvided');
        await catalogued(auth('', api), 'NoTokenProvided');
        await catalogued(auth('   ', api), 'NoTokenProvided');
      }
    });

    test('a malformed or unsupported header is InvalidHeaderParameter (scripted), NoTokenProvided (unscripted)', async () => {
      const unscriptedClient = await ctx.accounts.admin.createClient({
        name: 'Both',
        minutes: 1,
        apis: ['scripted', 'unscripted'],
      });
      const both = (await ctx.accounts.admin.createToken(unscriptedClient.clientId)).token;
      for (const header of [
        `Basic ${both}`,
        both,
        'ELSA',
        'Bearer   ',
        `ELSA ${both} extra`,
        `Token ${both}`,
        `ELSA:${both}`,
      ]) {
        await catalogued(auth(header, 'scripted'), 'InvalidHeaderParameter');
        await catalogued(auth(header, 'unscripted'), 'NoTokenProvided');
      }
      // The same token, well formed, is fine on both.
      assert.equal((await auth(`ELSA ${both}`, 'unscripted')).clientId, unscriptedClient.clientId);
    });

    test('an unknown token is InvalidSessionToken, rendered safely', async () => {
      const unknown = `vxs_${'A'.repeat(43)}`;
      const e = await catalogued(auth(`ELSA ${unknown}`), 'InvalidSessionToken', {
        token: 'vxs_AAAA…',
      });
      assert.ok(!e.message.includes(unknown));
      assert.equal(e.message, 'Invalid session token: vxs_AAAA…');
      // Short garbage shows at most a quarter of itself.
      await catalogued(auth('ELSA abcdefgh'), 'InvalidSessionToken', { token: 'ab…' });
      await catalogued(auth('ELSA xyz'), 'InvalidSessionToken', { token: '…' });
      // A real token with one character changed is unknown too.
      const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
      const t = await catalogued(auth(`Bearer ${tampered}`), 'InvalidSessionToken');
      assert.equal(t.params.token, `${token.slice(0, 8)}…`);
    });

    test('an expired token is InvalidSessionToken from its expiry on', async () => {
      const short = await ctx.accounts.admin.createToken(clientId, { expiresInSeconds: 60 });
      assert.equal((await auth(`ELSA ${short.token}`)).tokenId, short.tokenId);
      const start = ctx.clock.now;
      try {
        ctx.clock.now = start + 59_999;
        await auth(`ELSA ${short.token}`);
        ctx.clock.now = start + 60_000;
        await catalogued(auth(`ELSA ${short.token}`), 'InvalidSessionToken');
        const listed = await ctx.accounts.admin.listTokens(clientId);
        assert.equal(listed.find((t) => t.tokenId === short.tokenId)?.status, 'expired');
      } finally {
        ctx.clock.now = start;
      }
    });

    test('a revoked token is InvalidSessionToken, revoked by id or by the token itself', async () => {
      const byId = await ctx.accounts.admin.createToken(clientId);
      const bySecret = await ctx.accounts.admin.createToken(clientId);
      await auth(`ELSA ${byId.token}`);
      await auth(`ELSA ${bySecret.token}`);
      const r1 = await ctx.accounts.admin.revokeToken(byId.tokenId);
      assert.equal(r1.status, 'revoked');
      const r2 = await ctx.accounts.admin.revokeToken(bySecret.token);
      assert.equal(r2.tokenId, bySecret.tokenId);
      await catalogued(auth(`ELSA ${byId.token}`), 'InvalidSessionToken');
      await catalogued(auth(`Bearer ${bySecret.token}`), 'InvalidSessionToken');
      // Revoking again changes nothing (the first revocation time stays).
      const again = await ctx.accounts.admin.revokeToken(byId.tokenId);
      assert.equal(again.revokedAt, r1.revokedAt);
      // The original token still works.
      assert.equal((await auth(`ELSA ${token}`)).clientId, clientId);
    });

    test('a token whose client row is gone is UserDoesNotExist client', async () => {
      const doomed = await ctx.accounts.admin.createClient({
        name: 'Doomed',
        minutes: 1,
        apis: ['scripted'],
      });
      const t = await ctx.accounts.admin.createToken(doomed.clientId);
      await sql`DELETE FROM speech_clients WHERE client_id = ${doomed.clientId}`.execute(
        ctx.dialect.db,
      );
      await catalogued(auth(`ELSA ${t.token}`), 'UserDoesNotExist', { user_type: 'client' });
      const e = await catalogued(auth(`ELSA ${t.token}`, 'unscripted'), 'UserDoesNotExist');
      assert.equal(e.message, 'Could not find client ID');
    });

    test('an inactive client is ClientIsNotActive with its id; reactivated it works again', async () => {
      const c = await ctx.accounts.admin.createClient({
        name: 'Sleepy',
        minutes: 1,
        apis: ['scripted'],
        active: false,
      });
      const t = await ctx.accounts.admin.createToken(c.clientId);
      const e = await catalogued(auth(`ELSA ${t.token}`), 'ClientIsNotActive', {
        user_id: c.clientId,
      });
      assert.equal(e.message, `Client with ${c.clientId} is not active`);
      await ctx.accounts.admin.updateClient(c.clientId, { active: true });
      assert.equal((await auth(`ELSA ${t.token}`)).clientId, c.clientId);
      await ctx.accounts.admin.updateClient(c.clientId, { active: false });
      await catalogued(auth(`ELSA ${t.token}`), 'ClientIsNotActive');
    });

    test('an API the client may not use is ClientDoesNotHaveAccess with its id', async () => {
      const e = await catalogued(auth(`ELSA ${token}`, 'unscripted'), 'ClientDoesNotHaveAccess', {
        user_id: clientId,
      });
      assert.equal(e.message, `User ${clientId} does not have access for this API`);
      const none = await ctx.accounts.admin.createClient({ name: 'None', minutes: 1, apis: [] });
      const t = await ctx.accounts.admin.createToken(none.clientId);
      await catalogued(auth(`ELSA ${t.token}`, 'scripted'), 'ClientDoesNotHaveAccess');
      await ctx.accounts.admin.updateClient(none.clientId, { apis: ['unscripted'] });
      await catalogued(auth(`ELSA ${t.token}`, 'scripted'), 'ClientDoesNotHaveAccess');
      assert.equal((await auth(`ELSA ${t.token}`, 'unscripted')).clientId, none.clientId);
    });

    test('end users: named ones must exist under the client; UserDoesNotExist user otherwise', async () => {
      const c = await ctx.accounts.admin.createClient({
        name: 'App',
        minutes: 1,
        apis: ['scripted'],
      });
      const other = await ctx.accounts.admin.createClient({
        name: 'Other',
        minutes: 1,
        apis: ['scripted'],
      });
      await ctx.accounts.admin.addEndUser(c.clientId, 'learner-1');
      await ctx.accounts.admin.addEndUser(other.clientId, 'learner-2');
      const t = (await ctx.accounts.admin.createToken(c.clientId)).token;
      const named = (endUser: string | undefined) =>
        ctx.accounts.authenticate({ token: t, api: 'scripted', endUser });
      assert.equal((await named('learner-1')).endUserId, 'learner-1');
      assert.equal((await named(undefined)).endUserId, null);
      assert.equal((await named('')).endUserId, null);
      const e = await catalogued(named('nobody'), 'UserDoesNotExist', { user_type: 'user' });
      assert.equal(e.message, 'Could not find user ID');
      // Another client's end user does not exist for this one.
      await catalogued(named('learner-2'), 'UserDoesNotExist', { user_type: 'user' });
      // Removed, it is gone.
      await ctx.accounts.admin.addEndUser(c.clientId, 'leaver');
      await named('leaver');
      await ctx.accounts.admin.removeEndUser(c.clientId, 'leaver');
      await catalogued(named('leaver'), 'UserDoesNotExist', { user_type: 'user' });
    });

    test('a token bound to an end user speaks for it, and for no other', async () => {
      const c = await ctx.accounts.admin.createClient({
        name: 'Bound',
        minutes: 1,
        apis: ['scripted'],
      });
      await ctx.accounts.admin.addEndUser(c.clientId, 'kid-1');
      await ctx.accounts.admin.addEndUser(c.clientId, 'kid-2');
      const t = await ctx.accounts.admin.createToken(c.clientId, { endUserId: 'kid-1' });
      assert.equal(t.endUserId, 'kid-1');
      const as = (endUser?: string) =>
        ctx.accounts.authenticate({ token: t.token, api: 'scripted', endUser });
      assert.equal((await as()).endUserId, 'kid-1');
      assert.equal((await as('kid-1')).endUserId, 'kid-1');
      await catalogued(as('kid-2'), 'UserDoesNotExist', { user_type: 'user' });
      await ctx.accounts.admin.removeEndUser(c.clientId, 'kid-1');
      await catalogued(as(), 'UserDoesNotExist', { user_type: 'user' });
    });

    test('client checks come before end-user checks', async () => {
      const c = await ctx.accounts.admin.createClient({
        name: 'Order',
        minutes: 1,
        apis: ['scripted'],
        active: false,
      });
      const t = (await ctx.accounts.admin.createToken(c.clientId)).token;
      await catalogued(
        ctx.accounts.authenticate({
          token: t,
          api: 'scripted',
          endUser: 'ghost',
        }),
        'ClientIsNotActive',
      );
      await ctx.accounts.admin.updateClient(c.clientId, { active: true, apis: [] });
      await catalogued(
        ctx.accounts.authenticate({
          token: t,
          api: 'scripted',
          endUser: 'ghost',
        }),
        'ClientDoesNotHaveAccess',
      );
    });

    test('tokens are stored only as hashes', async () => {
      const t = await ctx.accounts.admin.createToken(clientId, { description: 'hash check' });
      assert.match(t.token, /^vxs_[A-Za-z0-9_-]{43}$/);
      const rows = await sql<Record<string, unknown>>`SELECT * FROM speech_tokens`.execute(
        ctx.dialect.db,
      );
      const dump = JSON.stringify(rows.rows);
      assert.ok(!dump.includes(t.token) && !dump.includes(t.token.slice(4)));
      assert.ok(!JSON.stringify(await ctx.accounts.admin.listTokens(clientId)).includes(t.token));
    });
  });
}
