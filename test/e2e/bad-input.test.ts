/**
 * Bad input of every kind at the AWS door gets a catalogued error, and the process stays up.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { ClientCredentials } from '../support/aws-clients.js';
import { TestApp } from '../support/test-app.js';
import { signedFetch } from '../support/signed-fetch.js';
import { testDatabaseKinds } from '../support/test-databases.js';

const JSON11 = 'application/x-amz-json-1.1';

async function errorOf(
  res: Response,
): Promise<{ status: number; type: string | null; body: Record<string, unknown> }> {
  const body = (await res.json()) as Record<string, unknown>;
  assert.equal(body.__type, res.headers.get('x-amzn-errortype'), 'same name in header and body');
  return { status: res.status, type: res.headers.get('x-amzn-errortype'), body };
}

for (const kind of testDatabaseKinds()) {
  describe(`bad input at the AWS door (${kind})`, () => {
    let server: TestApp;
    let creds: ClientCredentials;
    before(async () => {
      server = await TestApp.start(kind, [
        '--max-aws-body-bytes',
        '65536',
        '--socket-idle-timeout-ms',
        '1000',
      ]);
      creds = (await server.credentials()).accessKeys[0]!;
    });
    after(async () => {
      try {
        // Whatever came before, the process is still up and healthy.
        const health = await fetch(`${server.url}/health`);
        assert.equal(health.status, 200);
      } finally {
        await server.stopAndDrop();
      }
    });

    test('unsigned request: MissingAuthenticationTokenException', async () => {
      const e = await errorOf(
        await signedFetch(server.url, undefined, {
          target: 'AWSIdentityStore.ListUsers',
          contentType: JSON11,
          body: '{}',
        }),
      );
      assert.equal(e.type, 'MissingAuthenticationTokenException');
      assert.equal(e.status, 403);
    });

    test('garbage Authorization header: IncompleteSignatureException', async () => {
      const e = await errorOf(
        await signedFetch(server.url, undefined, {
          target: 'AWSIdentityStore.ListUsers',
          contentType: JSON11,
          body: '{}',
          headers: { authorization: 'AWS4-HMAC-SHA256 nonsense' },
        }),
      );
      assert.equal(e.type, 'IncompleteSignatureException');
    });

    test('non-JSON body: SerializationException', async () => {
      const e = await errorOf(
        await signedFetch(server.url, creds, {
          target: 'AWSIdentityStore.ListUsers',
          contentType: JSON11,
          body: '{"IdentityStoreId": ',
        }),
      );
      assert.equal(e.type, 'SerializationException');
      assert.equal(e.status, 400);
    });

    test('JSON that is not an object: SerializationException', async () => {
      const e = await errorOf(
        await signedFetch(server.url, creds, {
          target: 'AWSIdentityStore.ListUsers',
          contentType: JSON11,
          body: '[1,2]',
        }),
      );
      assert.equal(e.type, 'SerializationException');
    });

    test('a member of the wrong JSON type: SerializationException naming it', async () => {
      const e = await errorOf(
        await signedFetch(server.url, creds, {
          target: 'AWSIdentityStore.ListUsers',
          contentType: JSON11,
          body: '{"IdentityStoreId":"d-1234567890","MaxResults":"ten"}',
        }),
      );
      assert.equal(e.type, 'SerializationException');
      assert.match(String(e.body.Message), /MaxResults/);
    });

    test('wrong content type: SerializationException saying which is expected', async () => {
      const e = await errorOf(
        await signedFetch(server.url, creds, {
          target: 'AWSIdentityStore.ListUsers',
          contentType: 'application/x-amz-json-1.0',
          body: '{}',
        }),
      );
      assert.equal(e.type, 'SerializationException');
      assert.match(String(e.body.Message), /application\/x-amz-json-1\.1/);
      const v = await errorOf(
        await signedFetch(server.url, creds, {
          target: 'VoiceID.ListDomains',
          contentType: 'text/plain',
          body: '{}',
          service: 'voiceid',
        }),
      );
      assert.match(String(v.body.Message), /application\/x-amz-json-1\.0/);
    });

    test('missing target: UnknownOperationException', async () => {
      const e = await errorOf(
        await signedFetch(server.url, creds, { contentType: JSON11, body: '{}' }),
      );
      assert.equal(e.type, 'UnknownOperationException');
    });

    test('signed for the wrong service: InvalidSignatureException naming the right one', async () => {
      const e = await errorOf(
        await signedFetch(server.url, creds, {
          target: 'AWSIdentityStore.ListUsers',
          contentType: JSON11,
          body: '{}',
          service: 'voiceid',
        }),
      );
      assert.equal(e.type, 'InvalidSignatureException');
      assert.match(String(e.body.Message), /'identitystore'/);
    });

    test('a body over the limit: 413 RequestEntityTooLargeException', async () => {
      const big = JSON.stringify({ IdentityStoreId: 'd-1234567890', pad: 'x'.repeat(200_000) });
      const e = await errorOf(
        await signedFetch(server.url, creds, {
          target: 'AWSIdentityStore.ListUsers',
          contentType: JSON11,
          body: big,
        }),
      );
      assert.equal(e.status, 413);
      assert.equal(e.type, 'RequestEntityTooLargeException');
      assert.match(String(e.body.Message), /65536 bytes/);
    });

    test('a stalled request is cut off and garbage is refused; the server carries on', async () => {
      await new Promise<void>((resolve) => {
        const socket = net.connect(server.port, '127.0.0.1', () => {
          socket.write(
            'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 1000\r\n\r\n{"a":',
          );
          socket.end();
        });
        let answer = '';
        socket.on('data', (d) => (answer += d.toString()));
        socket.on('close', () => assert.match(answer, /^HTTP\/1\.1 400 [^]*MalformedHttpRequest/));
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
      // A client that sends half a request and then goes silent: cut off at the idle timeout.
      const started = Date.now();
      await new Promise<void>((resolve) => {
        const socket = net.connect(server.port, '127.0.0.1', () =>
          socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{'),
        );
        socket.resume();
        socket.on('close', () => resolve());
      });
      assert.ok(Date.now() - started < 5000, 'a stalled connection is closed by the server');
      await new Promise<void>((resolve) => {
        const socket = net.connect(server.port, '127.0.0.1', () => socket.write('GARBAGE\r\n\r\n'));
        socket.on('data', (d) => {
          assert.match(d.toString(), /^HTTP\/1\.1 400 [^]*"error":"MalformedHttpRequest"/);
          socket.destroy();
        });
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
      assert.equal((await fetch(`${server.url}/health`)).status, 200);
    });

    test('unknown routes and methods get RouteNotFound in the plain JSON shape', async () => {
      const res = await fetch(`${server.url}/nowhere`, { method: 'PUT', body: 'x' });
      assert.equal(res.status, 404);
      const body = (await res.json()) as Record<string, unknown>;
      assert.equal(body.error, 'RouteNotFound');
      assert.equal(body.requestId, res.headers.get('x-request-id'));
    });
  });
}
