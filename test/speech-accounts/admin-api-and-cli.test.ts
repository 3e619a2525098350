/**
 * The operator's side of speech accounts through a real `voxgate serve` process: the admin API
 * under /admin/v1/speech and the `voxgate admin clients|tokens` commands on the same data, with
 * the domain (opened on the server's database from this process) as the speech door would use it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SpeechAccounts, type SpeechClient } from '../../src/speech/accounts/index.js';
import {
  SpeechAccountsRepository,
  openStorage,
  type StorageDialect,
} from '../../src/storage/index.js';
import { CLI } from '../support/server-process.js';
import { TestApp } from '../support/test-app.js';
import { testDatabaseKinds } from '../support/test-databases.js';
import { catalogued, databaseUrlOf } from './support/accounts-fixtures.js';

const run = promisify(execFile);

for (const kind of testDatabaseKinds()) {
  describe(`speech accounts: admin API and CLI (${kind})`, () => {
    let server: TestApp;
    let adminToken: string;
    let dialect: StorageDialect;
    let accounts: SpeechAccounts;

    before(async () => {
      server = await TestApp.start(kind);
      adminToken = (await server.credentials()).adminToken;
      dialect = (await openStorage(databaseUrlOf(server.database))).dialect;
      accounts = new SpeechAccounts(new SpeechAccountsRepository(dialect));
    });
    after(async () => {
      await dialect?.db.destroy();
      await server?.stop();
      await server?.database.drop();
    });

    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}/admin/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${adminToken}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const cliJson = async <T>(...args: string[]): Promise<T> =>
      JSON.parse(await server.cli('admin', ...args, '--json')) as T;
    /** Runs the CLI expecting failure; returns its exit code and stderr. */
    const cliFails = async (...args: string[]) => {
      try {
        await run(process.execPath, [CLI, 'admin', ...args, ...server.storageArgs], {
          env: { ...process.env, VOXGATE_CONFIG: undefined },
        });
      } catch (e) {
        const err = e as { code: number; stderr: string };
        return { code: err.code, stderr: err.stderr };
      }
      assert.fail(`voxgate admin ${args.join(' ')} succeeded`);
    };

    test('the speech admin routes need the admin token', async () => {
      const res = await fetch(`${server.url}/admin/v1/speech/clients`);
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as { error: string }).error, 'AdminTokenRequired');
    });

    test('a NUL or an unpaired surrogate in a name or description: AdminBadRequest, not 500', async () => {
      const client = await api('POST', '/speech/clients', { name: 'texts', minutes: 1, apis: [] });
      assert.equal(client.status, 201);
      const clientId = client.body.clientId as string;
      for (const [method, path, body] of [
        ['POST', '/speech/clients', { name: 'a\u0000b', minutes: 1, apis: [] }],
        ['POST', '/speech/clients', { name: 'lone \ud800 surrogate', minutes: 1, apis: [] }],
        ['POST', '/speech/clients', { name: 'two\nlines', minutes: 1, apis: [] }],
        ['PATCH', `/speech/clients/${clientId}`, { name: 'x\u0000' }],
        ['POST', `/speech/clients/${clientId}/tokens`, { description: 'nul \u0000 here' }],
        ['POST', '/credentials', { description: 'nul \u0000 here' }],
      ] as const) {
        const answer = await api(method, path, body);
        assert.equal(answer.status, 400, `${method} ${path}: ${JSON.stringify(answer.body)}`);
        assert.equal(answer.body.error, 'AdminBadRequest');
      }
      const token = await api('POST', `/speech/clients/${clientId}/tokens`, {
        description: 'two\nlines\tare fine',
      });
      assert.equal(token.status, 201, JSON.stringify(token.body));
    });

    test('clients: create, list, show and update through the API', async () => {
      const created = await api('POST', '/speech/clients', {
        name: 'Acme Learning',
        minutes: 12.5,
        apis: ['scripted'],
      });
      assert.equal(created.status, 201);
      const client = created.body as unknown as SpeechClient;
      assert.match(client.clientId, /^vxc_[0-9a-f]{20}$/);
      assert.deepEqual(
        [client.name, client.active, client.apis, client.minutes, client.balanceMs],
        ['Acme Learning', true, ['scripted'], 12.5, 750_000],
      );
      const listed = await api('GET', '/speech/clients');
      assert.ok(
        (listed.body.clients as SpeechClient[]).some((c) => c.clientId === client.clientId),
      );
      const shown = await api('GET', `/speech/clients/${client.clientId}`);
      assert.deepEqual(shown.body, created.body);

      const updated = await api('PATCH', `/speech/clients/${client.clientId}`, {
        active: false,
        apis: ['unscripted', 'scripted'],
        minutes: 1,
        addMinutes: 0.5,
        name: 'Acme',
      });
      assert.equal(updated.status, 200);
      assert.deepEqual(
        [updated.body.active, updated.body.apis, updated.body.balanceMs, updated.body.name],
        [false, ['scripted', 'unscripted'], 90_000, 'Acme'],
      );
      const topUp = await api('PATCH', `/speech/clients/${client.clientId}`, { addMinutes: 2 });
      assert.equal(topUp.body.balanceMs, 210_000);
    });

    test('clients: bad input is AdminBadRequest, unknown ids AdminNotFound', async () => {
      for (const body of [
        { name: 'x', minutes: 1, apis: ['voice'] },
        { name: 'x', minutes: -1, apis: [] },
        { name: '', minutes: 1, apis: [] },
        { name: 'x', minutes: '1', apis: [] },
        { name: 'x', apis: [] },
      ]) {
        const res = await api('POST', '/speech/clients', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.body.error, 'AdminBadRequest');
      }
      const c = (await api('POST', '/speech/clients', { name: 'ok', minutes: 0, apis: [] })).body;
      const empty = await api('PATCH', `/speech/clients/${String(c.clientId)}`, {});
      assert.equal(empty.status, 400);
      const missing = await api('PATCH', '/speech/clients/vxc_nope', { active: true });
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error, 'AdminNotFound');
      assert.equal(missing.body.message, 'Speech client vxc_nope does not exist');
      assert.equal((await api('GET', '/speech/clients/vxc_nope')).status, 404);
      assert.equal((await api('GET', '/speech/clients/vxc_nope/tokens')).status, 404);
      assert.equal((await api('POST', '/speech/clients/vxc_nope/tokens', {})).status, 404);
      assert.equal((await api('GET', '/speech/clients/vxc_nope/usage')).status, 404);
      const badDay = await api('GET', `/speech/clients/${String(c.clientId)}/usage?from=yesterday`);
      assert.equal(badDay.status, 400);
    });

    test('end users and tokens through the API; the token works until revoked', async () => {
      const c = (
        await api('POST', '/speech/clients', { name: 'App', minutes: 5, apis: ['scripted'] })
      ).body as unknown as SpeechClient;
      const base = `/speech/clients/${c.clientId}`;
      assert.equal((await api('PUT', `${base}/end-users/learner-7`)).status, 201);
      const again = await api('PUT', `${base}/end-users/learner-7`);
      assert.deepEqual([again.status, again.body.created], [200, false]);
      assert.equal((await api('PUT', `${base}/end-users/bad%20id`)).status, 400);
      const endUsers = (await api('GET', `${base}/end-users`)).body.endUsers as {
        endUserId: string;
      }[];
      assert.deepEqual(
        endUsers.map((u) => u.endUserId),
        ['learner-7'],
      );

      const created = await api('POST', `${base}/tokens`, {
        expiresInSeconds: 3600,
        endUserId: 'learner-7',
        description: 'tablet app',
      });
      assert.equal(created.status, 201);
      const token = String(created.body.token);
      assert.match(token, /^vxs_[A-Za-z0-9_-]{43}$/);
      assert.equal(created.body.status, 'active');
      const unknownUser = await api('POST', `${base}/tokens`, { endUserId: 'nobody' });
      assert.equal(unknownUser.status, 404);

      const caller = await accounts.authenticate({
        token: token,
        api: 'scripted',
      });
      assert.deepEqual([caller.clientId, caller.endUserId], [c.clientId, 'learner-7']);
      const held = await accounts.reserve(caller, 'scripted', 4000);
      await accounts.settle(held, 3000);

      const endUser = await api('GET', `${base}/end-users/learner-7`);
      assert.deepEqual(endUser.body.usage, { requests: 1, chargedMs: 3000, minutes: 0.05 });
      const usage = await api('GET', `${base}/usage`);
      assert.deepEqual(usage.body.total, { requests: 1, chargedMs: 3000, minutes: 0.05 });
      assert.deepEqual(
        (usage.body.byEndUser as { endUserId: string }[]).map((u) => u.endUserId),
        ['learner-7'],
      );
      assert.equal((await api('GET', base)).body.usedMs, 3000);

      const tokens = await api('GET', `${base}/tokens`);
      assert.ok(!JSON.stringify(tokens.body).includes(token));
      assert.equal((tokens.body.tokens as unknown[]).length, 1);

      const revoked = await api('DELETE', `/speech/tokens/${String(created.body.tokenId)}`);
      assert.deepEqual([revoked.status, revoked.body.status], [200, 'revoked']);
      await catalogued(
        accounts.authenticate({ token: token, api: 'scripted' }),
        'InvalidSessionToken',
      );
      const second = String((await api('POST', `${base}/tokens`, null)).body.token);
      const bySecret = await api('POST', '/speech/tokens/revoke', { token: second });
      assert.equal(bySecret.body.status, 'revoked');
      assert.ok(!JSON.stringify(bySecret.body).includes(second));
      assert.equal((await api('DELETE', '/speech/tokens/vxt_nope')).status, 404);

      assert.equal((await api('DELETE', `${base}/end-users/learner-7`)).status, 200);
      assert.equal((await api('DELETE', `${base}/end-users/learner-7`)).status, 404);
    });

    test('the CLI: clients create/update/list/show/usage and tokens create/list/revoke', async () => {
      const created = await cliJson<SpeechClient>(
        'clients',
        'create',
        '--name',
        'CLI Co',
        '--minutes',
        '2.5',
        '--apis',
        'scripted,unscripted',
      );
      assert.match(created.clientId, /^vxc_/);
      assert.deepEqual([created.balanceMs, created.apis], [150_000, ['scripted', 'unscripted']]);
      // What the CLI wrote, the running server serves.
      assert.equal((await api('GET', `/speech/clients/${created.clientId}`)).body.name, 'CLI Co');
      const plain = (
        await server.cli(
          'admin',
          'clients',
          'create',
          '--name',
          'Plain',
          '--minutes',
          '1',
          '--apis',
          'scripted',
        )
      ).trim();
      assert.match(plain, /^vxc_[0-9a-f]{20}$/);

      await server.cli('admin', 'clients', 'add-end-user', created.clientId, 'pupil');
      const endUsers = await cliJson<{ endUsers: { endUserId: string }[] }>(
        'clients',
        'end-users',
        created.clientId,
      );
      assert.deepEqual(
        endUsers.endUsers.map((u) => u.endUserId),
        ['pupil'],
      );

      const issued = await cliJson<{ token: string; tokenId: string; expiresAt: string }>(
        'tokens',
        'create',
        '--client',
        created.clientId,
        '--expires-in',
        '600',
        '--end-user',
        'pupil',
      );
      assert.match(issued.token, /^vxs_/);
      assert.ok(Date.parse(issued.expiresAt) > Date.now() + 590_000);
      const caller = await accounts.authenticate({
        token: issued.token,
        api: 'unscripted',
      });
      assert.equal(caller.endUserId, 'pupil');
      await accounts.settle(await accounts.reserve(caller, 'unscripted', 6000), 6000);

      const shown = await cliJson<
        SpeechClient & { usage: { requests: number; chargedMs: number } }
      >('clients', 'show', created.clientId);
      assert.deepEqual(
        [shown.balanceMs, shown.usage.requests, shown.usage.chargedMs],
        [144_000, 1, 6000],
      );
      const usage = await cliJson<{ byEndUser: { endUserId: string; chargedMs: number }[] }>(
        'clients',
        'usage',
        created.clientId,
        '--end-user',
        'pupil',
      );
      assert.deepEqual(usage.byEndUser, [
        { endUserId: 'pupil', requests: 1, chargedMs: 6000, minutes: 0.1 },
      ]);

      const off = await cliJson<SpeechClient>(
        'clients',
        'update',
        created.clientId,
        '--active',
        'false',
      );
      assert.equal(off.active, false);
      await catalogued(
        accounts.authenticate({ token: issued.token, api: 'scripted' }),
        'ClientIsNotActive',
      );
      const on = await cliJson<SpeechClient>(
        'clients',
        'update',
        created.clientId,
        '--active',
        'true',
        '--minutes',
        '0',
        '--apis',
        'unscripted',
      );
      assert.deepEqual([on.active, on.balanceMs, on.apis], [true, 0, ['unscripted']]);
      const noMinutes = await accounts.authenticate({
        token: issued.token,
        api: 'unscripted',
      });
      await catalogued(accounts.reserve(noMinutes, 'unscripted', 1), 'ClientHasNoMoreMinutes');
      const list = await cliJson<{ clients: SpeechClient[] }>('clients', 'list');
      assert.ok(list.clients.some((c) => c.clientId === created.clientId && c.balanceMs === 0));

      const tokens = await cliJson<{ tokens: { tokenId: string; status: string }[] }>(
        'tokens',
        'list',
        '--client',
        created.clientId,
      );
      assert.deepEqual(
        tokens.tokens.map((t) => [t.tokenId, t.status]),
        [[issued.tokenId, 'active']],
      );
      const revoked = await cliJson<{ status: string }>('tokens', 'revoke', issued.token);
      assert.equal(revoked.status, 'revoked');
      await catalogued(
        accounts.authenticate({ token: issued.token, api: 'unscripted' }),
        'InvalidSessionToken',
      );
      const other = await cliJson<{ token: string; tokenId: string }>(
        'tokens',
        'create',
        '--client',
        plain,
      );
      assert.equal(
        (await server.cli('admin', 'tokens', 'revoke', other.tokenId)).trim(),
        `revoked ${other.tokenId}`,
      );
    });

    test('the CLI answers mistakes with catalogued errors and exit code 2', async () => {
      const unknown = await cliFails('clients', 'update', 'vxc_nope', '--active', 'false');
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /AdminNotFound: Speech client vxc_nope does not exist/);
      const apis = await cliFails(
        'clients',
        'create',
        '--name',
        'x',
        '--minutes',
        '1',
        '--apis',
        'voice',
      );
      assert.match(apis.stderr, /AdminBadRequest: unknown API "voice"/);
      const minutes = await cliFails(
        'clients',
        'create',
        '--name',
        'x',
        '--minutes',
        'lots',
        '--apis',
        '',
      );
      assert.match(minutes.stderr, /AdminBadRequest: minutes must be a number of minutes/);
      const c = (
        await server.cli(
          'admin',
          'clients',
          'create',
          '--name',
          'y',
          '--minutes',
          '1',
          '--apis',
          '',
        )
      ).trim();
      const active = await cliFails('clients', 'update', c, '--active', 'maybe');
      assert.match(active.stderr, /--active must be true or false/);
      const nothing = await cliFails('clients', 'update', c);
      assert.match(nothing.stderr, /nothing to change/);
      const expiry = await cliFails('tokens', 'create', '--client', c, '--expires-in', 'soon');
      assert.match(expiry.stderr, /expiresInSeconds must be a whole number/);
      const secret = 'vxs_' + 'Z'.repeat(43);
      const revoke = await cliFails('tokens', 'revoke', secret);
      assert.equal(revoke.code, 2);
      assert.ok(!revoke.stderr.includes(secret));
    });
  });
}
