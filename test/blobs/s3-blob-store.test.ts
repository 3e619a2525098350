/**
 * S3BlobStore (`blobBackend` s3) against moto's S3 server, started here: the common cases, then
 * what only a service has — objects written by other S3 tools are read and ours are plain S3
 * objects, keys are opaque, a put into a missing bucket, and a service that cannot be reached
 * or refuses the credentials failing with BlobStoreUnavailable that says what to check and
 * never shows the secret.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  BlobStoreUnavailable,
  openBlobStore,
  type BlobStoreFailure,
  type S3Uri,
} from '../../src/blobs/index.js';
import { S3BlobStore } from '../../src/blobs/s3-blob-store.js';
import { startMotoS3, type MotoS3 } from '../support/moto-s3.js';
import { blobStoreCases, freshKey } from './blob-store.case.js';

const BUCKETS = ['voxgate-blobs-in', 'voxgate-blobs-out'] as const;
const HOOK_TIMEOUT = 60_000;

let moto: MotoS3;
let store: S3BlobStore;
before(
  async () => {
    moto = await startMotoS3({ buckets: BUCKETS });
    store = new S3BlobStore({
      endpoint: moto.endpoint,
      region: moto.region,
      credentials: moto.credentials,
      forcePathStyle: true,
    });
  },
  { timeout: HOOK_TIMEOUT },
);
after(
  async () => {
    store?.destroy();
    await moto?.stop();
  },
  { timeout: HOOK_TIMEOUT },
);

blobStoreCases('S3 on moto', () => ({ store, buckets: BUCKETS }));

/** A port nothing listens on (it was just free, and nothing here binds it). */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  assert.ok(address && typeof address === 'object');
  return address.port;
}

const isUnavailable =
  (reason: BlobStoreFailure, code: string | RegExp, uri: S3Uri, secrets: readonly string[]) =>
  (e: unknown): boolean => {
    assert.ok(e instanceof BlobStoreUnavailable, `expected BlobStoreUnavailable, got ${String(e)}`);
    assert.equal(e.reason, reason, e.message);
    if (typeof code === 'string') assert.equal(e.code, code, e.message);
    else assert.match(e.code, code, e.message);
    assert.deepEqual(e.uri, uri);
    assert.ok(e.message.includes(`s3://${uri.bucket}/${uri.key}`), e.message);
    assert.equal(e.cause, undefined, 'no SDK error attached');
    const shown = `${e.message} ${JSON.stringify(e)} ${e.stack}`;
    for (const secret of secrets)
      assert.ok(!shown.includes(secret), `the secret is not shown: ${shown}`);
    return true;
  };

describe('S3BlobStore: the service', () => {
  test('objects written by other S3 tools are read, and ours are plain S3 objects', async () => {
    const theirs = { bucket: BUCKETS[0], key: `${freshKey('aws-cli')}/manifest.json` };
    const bytes = randomBytes(4096);
    await moto.client.send(
      new PutObjectCommand({ Bucket: theirs.bucket, Key: theirs.key, Body: bytes }),
    );
    assert.ok((await store.get(theirs))?.equals(bytes), 'what `aws s3 cp` put is read');

    const ours = { bucket: BUCKETS[1], key: `${freshKey('voxgate')}/out.json` };
    await store.put(ours, Buffer.from('{"ok":true}'));
    const out = await moto.client.send(
      new GetObjectCommand({ Bucket: ours.bucket, Key: ours.key }),
    );
    assert.equal(await out.Body?.transformToString(), '{"ok":true}');
    assert.equal(out.ContentLength, 11);
  });

  test('keys are opaque: dots, doubled and trailing slashes name objects of their own', async () => {
    const base = freshKey('opaque');
    const keys = [`${base}/b`, `${base}/a/../b`, `${base}//b`, `${base}/b/`, `${base}/./b`];
    for (const [i, key] of keys.entries())
      await store.put({ bucket: BUCKETS[0], key }, Buffer.from(String(i)));
    for (const [i, key] of keys.entries())
      assert.equal((await store.get({ bucket: BUCKETS[0], key }))?.toString(), String(i), key);
    assert.equal(await store.get({ bucket: BUCKETS[1], key: `${base}/b` }), undefined);
  });

  test('a put into a bucket that does not exist says to create it (buckets are not created)', async () => {
    const uri = { bucket: `missing-${randomBytes(4).toString('hex')}`, key: 'out.json' };
    await assert.rejects(
      store.put(uri, Buffer.from('x')),
      isUnavailable('no-such-bucket', 'NoSuchBucket', uri, [moto.credentials.secretAccessKey]),
    );
    await assert.rejects(store.put(uri, Buffer.from('x')), /create the bucket missing-/);
    assert.equal(await store.get(uri), undefined, 'and reading from it finds nothing');
  });

  test('an endpoint nobody answers on: BlobStoreUnavailable unreachable, naming s3Endpoint', async () => {
    const secret = `unreachable-secret-${randomBytes(8).toString('hex')}`;
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const dead = new S3BlobStore({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIADEADENDPOINT', secretAccessKey: secret },
      forcePathStyle: true,
    });
    try {
      const uri = { bucket: BUCKETS[0], key: 'manifest.json' };
      for (const attempt of [() => dead.get(uri), () => dead.put(uri, Buffer.from('x'))])
        await assert.rejects(attempt(), (e) => {
          isUnavailable('unreachable', 'ECONNREFUSED', uri, [secret])(e);
          const message = (e as Error).message;
          assert.ok(message.includes(endpoint), `names the endpoint: ${message}`);
          assert.match(message, /check s3Endpoint/);
          return true;
        });
    } finally {
      dead.destroy();
    }
  });

  describe('a service that checks credentials', () => {
    let strict: MotoS3;
    before(async () => (strict = await startMotoS3({ checkCredentials: true })), {
      timeout: HOOK_TIMEOUT,
    });
    after(() => strict?.stop(), { timeout: HOOK_TIMEOUT });

    test('unknown keys: BlobStoreUnavailable credentials, naming the options, never the secret', async () => {
      // Through the same factory the server uses, as the configuration would give it.
      const secret = `wrong-secret-${randomBytes(8).toString('hex')}`;
      const blobs = await openBlobStore({
        blobBackend: 's3',
        blobDir: '/nonexistent',
        s3Endpoint: strict.endpoint,
        s3Region: 'us-east-1',
        s3AccessKeyId: 'AKIANOTISSUEDBYMOTO',
        s3SecretAccessKey: secret,
        s3ForcePathStyle: true,
      });
      const uri = { bucket: 'voxgate-blobs-in', key: 'enroll/manifest.json' };
      for (const attempt of [() => blobs.get(uri), () => blobs.put(uri, Buffer.from('x'))])
        await assert.rejects(attempt(), (e) => {
          isUnavailable('credentials', 'InvalidAccessKeyId', uri, [secret])(e);
          assert.match((e as Error).message, /check s3AccessKeyId and s3SecretAccessKey/);
          return true;
        });
    });
  });
});

describe('openBlobStore', () => {
  test('blobBackend s3 opens the S3 store: objects land in the service', async () => {
    const blobs = await openBlobStore({
      blobBackend: 's3',
      blobDir: '/nonexistent',
      s3Endpoint: moto.endpoint,
      s3Region: moto.region,
      s3AccessKeyId: moto.credentials.accessKeyId,
      s3SecretAccessKey: moto.credentials.secretAccessKey,
      s3ForcePathStyle: true,
    });
    const uri = { bucket: BUCKETS[0], key: freshKey('factory') };
    await blobs.put(uri, Buffer.from('via the factory'));
    const out = await moto.client.send(new GetObjectCommand({ Bucket: uri.bucket, Key: uri.key }));
    assert.equal(await out.Body?.transformToString(), 'via the factory');
  });
});
