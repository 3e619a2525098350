/**
 * `voxgate serve` as an operator meets it: first start, admin commands beside a running
 * server, the admin API, request ids, metrics, readiness, bad configuration, graceful shutdown.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import { ListUsersCommand } from '@aws-sdk/client-identitystore';
import { identityStoreClient } from '../support/aws-clients.js';
import { CLI, ServerProcess } from '../support/server-process.js';
import { testDatabaseKinds } from '../support/test-databases.js';

const run = promisify(execFile);

async function failureName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'none';
  } catch (e) {
    return (e as Error).name;
  }
}

for (const kind of testDatabaseKinds()) {
  describe(`server lifecycle (${kind})`, () => {
    let server: ServerProcess;
    before(async () => {
      server = await ServerProcess.start(kind, ['--log-level', 'info']);
    });
    after(() => server.stopAndDrop());

    test('first start generates an admin token and one key pair, retrievable, never logged', async () => {
      const creds = await server.credentials();
      assert.match(creds.adminToken, /^vxa_[A-Za-z0-9_-]{43}$/);
      assert.equal(creds.accessKeys.length, 1);
      assert.match(creds.accessKeys[0]!.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
      assert.equal(creds.accessKeys[0]!.secretAccessKey.length, 40);
      const log = server.stderr.join('\n');
      assert.ok(!log.includes(creds.adminToken), 'admin token not in the logs');
      assert.ok(!log.includes(creds.accessKeys[0]!.secretAccessKey), 'secret not in the logs');
      assert.match(log, /voxgate admin credentials/);
    });

    test('admin CLI beside the running server: create, use, revoke a key', async () => {
      const created = JSON.parse(
        await server.cli('admin', 'credentials', 'create', '--description', 'ci', '--json'),
      ) as { accessKeyId: string; secretAccessKey: string };
      const client = identityStoreClient(server, created);
      assert.equal(
        await failureName(client.send(new ListUsersCommand({ IdentityStoreId: 'd-1234567890' }))),
        'ResourceNotFoundException',
      );
      const listed = JSON.parse(await server.cli('admin', 'credentials', 'list', '--json')) as {
        accessKeys: { accessKeyId: string; revokedAt: string | null }[];
      };
      assert.ok(
        listed.accessKeys.some(
          (k) => k.accessKeyId === created.accessKeyId && k.revokedAt === null,
        ),
      );
      assert.ok(!JSON.stringify(listed).includes(created.secretAccessKey), 'list shows no secrets');
      const revoked = JSON.parse(
        await server.cli('admin', 'credentials', 'revoke', created.accessKeyId, '--json'),
      ) as { revoked: boolean };
      assert.equal(revoked.revoked, true);
      // Another process revoked it: the server's secret cache lets it through for at most 5 s.
      const deadline = Date.now() + 8000;
      let name = '';
      while (Date.now() < deadline) {
        name = await failureName(
          client.send(new ListUsersCommand({ IdentityStoreId: 'd-1234567890' })),
        );
        if (name === 'UnrecognizedClientException') break;
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.equal(name, 'UnrecognizedClientException');
    });

    test('admin API: token required, wrong token refused, keys created and revoked at once', async () => {
      const { adminToken } = await server.credentials();
      const none = await fetch(`${server.url}/admin/v1/credentials`);
      assert.equal(none.status, 401);
      assert.equal(((await none.json()) as { error: string }).error, 'AdminTokenRequired');
      const wrong = await fetch(`${server.url}/admin/v1/credentials`, {
        headers: { authorization: 'Bearer vxa_wrong' },
      });
      assert.equal(((await wrong.json()) as { error: string }).error, 'AdminTokenInvalid');
      const auth = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
      const bad = await fetch(`${server.url}/admin/v1/credentials`, {
        method: 'POST',
        headers: auth,
        body: '{"description": 5}',
      });
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as { error: string }).error, 'AdminBadRequest');
      const res = await fetch(`${server.url}/admin/v1/credentials`, {
        method: 'POST',
        headers: auth,
        body: '{"description":"api"}',
      });
      assert.equal(res.status, 201);
      const key = (await res.json()) as { accessKeyId: string; secretAccessKey: string };
      const client = identityStoreClient(server, key);
      assert.equal(
        await failureName(client.send(new ListUsersCommand({ IdentityStoreId: 'd-1234567890' }))),
        'ResourceNotFoundException',
      );
      const del = await fetch(`${server.url}/admin/v1/credentials/${key.accessKeyId}`, {
        method: 'DELETE',
        headers: { authorization: auth.authorization },
      });
      assert.equal(del.status, 200);
      assert.equal(
        await failureName(client.send(new ListUsersCommand({ IdentityStoreId: 'd-1234567890' }))),
        'UnrecognizedClientException',
      );
      const again = await fetch(`${server.url}/admin/v1/credentials/${key.accessKeyId}`, {
        method: 'DELETE',
        headers: { authorization: auth.authorization },
      });
      assert.equal(((await again.json()) as { error: string }).error, 'AdminNotFound');
    });

    test('health, readiness and request ids', async () => {
      const health = await fetch(`${server.url}/health`);
      assert.deepEqual(await health.json(), { status: 'ok' });
      assert.match(health.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
      const ready = await fetch(`${server.url}/ready`);
      assert.equal(ready.status, 200);
      // The speech engine starts lazily in tests (VOXGATE_ASR_PRELOAD=false): not started is ok.
      assert.deepEqual(((await ready.json()) as { checks: unknown }).checks, {
        storage: 'ok',
        'speech-engine': 'ok',
      });
    });

    test('metrics count requests, latency and errors by API, operation and error name', async () => {
      const creds = (await server.credentials()).accessKeys[0]!;
      const client = identityStoreClient(server, {
        accessKeyId: creds.accessKeyId,
        secretAccessKey: 'y'.repeat(40),
      });
      await failureName(client.send(new ListUsersCommand({ IdentityStoreId: 'd-1234567890' })));
      const text = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(
        text,
        /voxgate_requests_total\{api="identitystore",operation="ListUsers",status="400"\} [1-9]/,
      );
      assert.match(
        text,
        /voxgate_errors_total\{api="identitystore",operation="ListUsers",error="InvalidSignatureException"\} [1-9]/,
      );
      assert.match(
        text,
        /voxgate_request_duration_seconds_bucket\{le="0.005",api="ops",operation="\/health"\}/,
      );
    });
  });
}

describe('process behaviour', () => {
  test('graceful shutdown finishes a request that is in flight', async () => {
    const server = await ServerProcess.start('sqlite');
    try {
      const { adminToken } = await server.credentials();
      const socket = net.connect(server.port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      const response = new Promise<string>((resolve) => {
        let data = '';
        socket.on('data', (d) => (data += d.toString()));
        socket.on('close', () => resolve(data));
      });
      // Headers and half the body now; the rest after SIGTERM has been received.
      const body = '{"description":"late"}';
      socket.write(
        `POST /admin/v1/credentials HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${adminToken}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 5)}`,
      );
      await new Promise((r) => setTimeout(r, 200));
      const exited = new Promise<number | null>((resolve) =>
        server.child.once('exit', (code) => resolve(code)),
      );
      server.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(server.child.exitCode, null, 'still running while a request is in flight');
      socket.write(body.slice(5));
      const text = await response;
      assert.match(text, /^HTTP\/1\.1 201 /, 'the in-flight request was answered');
      assert.match(text, /"description":"late"/);
      assert.equal(await exited, 0);
    } finally {
      await server.database.drop();
    }
  });

  test('an invalid configuration stops start-up with InvalidConfiguration', async () => {
    const err = await run(process.execPath, [CLI, 'serve', '--port', 'seventy'], {
      env: { ...process.env },
    }).then(
      () => assert.fail('should not start'),
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(err.code, 2);
    assert.match(
      err.stderr,
      /InvalidConfiguration: Invalid configuration port from flag --port: expected an integer/,
    );
  });

  test('--help describes every command', async () => {
    const { stdout } = await run(process.execPath, [CLI, '--help']);
    assert.match(stdout, /serve/);
    assert.match(stdout, /admin/);
    const serve = await run(process.execPath, [CLI, 'serve', '--help']);
    assert.match(serve.stdout, /--database-url/);
    const creds = await run(process.execPath, [CLI, 'admin', 'credentials', '--help']);
    assert.match(creds.stdout, /revoke/);
  });
});
