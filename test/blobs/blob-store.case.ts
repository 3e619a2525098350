/**
 * The cases every BlobStore backend runs (hono's common.case.test.ts idea): the local directory
 * and S3 (moto) answer the same way for round trips of binary bytes, missing objects and
 * buckets, nested keys, the maxBytes cap and URIs that are not s3://bucket/key. What differs
 * by design (path escapes on disk, a put into a missing bucket, the service failing) is in
 * each backend's own file.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  BlobTooLarge,
  DEFAULT_MAX_BLOB_BYTES,
  parseS3Uri,
  type BlobStore,
  type S3Uri,
} from '../../src/blobs/index.js';

export interface BlobStoreUnderTest {
  readonly store: BlobStore;
  /** Buckets that exist (a directory store has every bucket; an S3 one those created). */
  readonly buckets: readonly [string, string];
}

/** A key no other case (or earlier run) has used. */
export const freshKey = (prefix = 'case'): string => `${prefix}-${randomBytes(6).toString('hex')}`;

const isBlobTooLarge =
  (uri: S3Uri, maxBytes: number, size: number | undefined) =>
  (e: unknown): boolean => {
    assert.ok(e instanceof BlobTooLarge, `expected BlobTooLarge, got ${String(e)}`);
    assert.deepEqual(e.uri, uri);
    assert.equal(e.maxBytes, maxBytes);
    assert.equal(e.size, size);
    assert.ok(e.message.includes(`s3://${uri.bucket}/${uri.key}`), e.message);
    return true;
  };

export function blobStoreCases(name: string, open: () => BlobStoreUnderTest): void {
  describe(`BlobStore cases (${name})`, () => {
    test('binary bytes round-trip exactly; a second put replaces the object whole', async () => {
      const { store, buckets } = open();
      const uri = { bucket: buckets[0], key: `${freshKey()}.bin` };
      const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const bytes = Buffer.concat([every, randomBytes(300_000), every]);
      await store.put(uri, bytes);
      const got = await store.get(uri);
      assert.ok(got, 'the object is there');
      assert.ok(Buffer.isBuffer(got), 'get answers a Buffer');
      assert.equal(got.length, bytes.length);
      assert.ok(got.equals(bytes), 'the same bytes');

      const smaller = new Uint8Array([0, 255, 0, 13, 10, 26]);
      await store.put(uri, smaller);
      assert.deepEqual([...((await store.get(uri)) ?? [])], [...smaller], 'the new bytes only');

      const empty = { bucket: buckets[0], key: freshKey('empty') };
      await store.put(empty, new Uint8Array(0));
      assert.deepEqual(await store.get(empty), Buffer.alloc(0), 'an empty object is not missing');
    });

    test('missing objects, missing buckets and key prefixes read as undefined', async () => {
      const { store, buckets } = open();
      const prefix = freshKey('dir');
      await store.put(
        { bucket: buckets[0], key: `${prefix}/inner/object.json` },
        Buffer.from('{}'),
      );
      for (const uri of [
        { bucket: buckets[0], key: freshKey('never-put') },
        { bucket: buckets[1], key: `${prefix}/inner/object.json` },
        { bucket: `no-such-bucket-${randomBytes(4).toString('hex')}`, key: 'manifest.json' },
        { bucket: buckets[0], key: prefix },
        { bucket: buckets[0], key: `${prefix}/inner` },
        { bucket: buckets[0], key: `${prefix}/inner/object.json/more` },
      ])
        assert.equal(await store.get(uri), undefined, `s3://${uri.bucket}/${uri.key}`);
    });

    test('nested keys, and keys with spaces and non-ASCII, are objects of their own', async () => {
      const { store, buckets } = open();
      const base = freshKey('nested');
      const keys = [
        `${base}/a.wav`,
        `${base}/a/b/c/d.wav`,
        `${base}/a/b/c/e.wav`,
        `${base}/x y/ünïcödé – ☎.json`,
        `${base}/a/b.c/d-e_f+g=h,i;j@k`,
      ];
      for (const [i, key] of keys.entries())
        await store.put({ bucket: buckets[0], key }, Buffer.from(`object ${i}`));
      await store.put({ bucket: buckets[1], key: keys[1]! }, Buffer.from('the other bucket'));
      for (const [i, key] of keys.entries())
        assert.equal(
          (await store.get({ bucket: buckets[0], key }))?.toString(),
          `object ${i}`,
          key,
        );
      assert.equal(
        (await store.get({ bucket: buckets[1], key: keys[1]! }))?.toString(),
        'the other bucket',
      );
    });

    test('maxBytes: an object of exactly the cap is read; a larger one is BlobTooLarge', async () => {
      const { store, buckets } = open();
      const uri = { bucket: buckets[0], key: freshKey('cap') };
      const bytes = randomBytes(10_000);
      await store.put(uri, bytes);
      assert.ok((await store.get(uri, { maxBytes: 10_000 }))?.equals(bytes), 'at the cap');
      assert.ok((await store.get(uri, { maxBytes: 10_001 }))?.equals(bytes), 'under the cap');
      await assert.rejects(store.get(uri, { maxBytes: 9_999 }), isBlobTooLarge(uri, 9_999, 10_000));
      await assert.rejects(store.get(uri, { maxBytes: 0 }), isBlobTooLarge(uri, 0, 10_000));

      const empty = { bucket: buckets[0], key: freshKey('cap-empty') };
      await store.put(empty, new Uint8Array(0));
      assert.deepEqual(await store.get(empty, { maxBytes: 0 }), Buffer.alloc(0));
      assert.equal(
        await store.get({ bucket: buckets[0], key: freshKey('cap-missing') }, { maxBytes: 0 }),
        undefined,
        'a missing object is missing whatever the cap',
      );
      assert.ok(
        (await store.get(uri, {}))?.equals(bytes),
        `the default cap ${DEFAULT_MAX_BLOB_BYTES}`,
      );
    });

    test('maxBytes refuses a large object from its size, not by reading it', async () => {
      const { store, buckets } = open();
      const uri = { bucket: buckets[0], key: freshKey('large') };
      const size = 8 * 1024 * 1024;
      await store.put(uri, Buffer.alloc(size, 7));
      const started = process.hrtime.bigint();
      // `size` in the error is what the backend said the object's size is (stat, Content-Length):
      // an object refused after reading would not know it.
      await assert.rejects(store.get(uri, { maxBytes: 1024 }), isBlobTooLarge(uri, 1024, size));
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      assert.ok(ms < 2_000, `refused in ${ms.toFixed(0)} ms`);
      assert.equal(
        (await store.get(uri, { maxBytes: size }))?.length,
        size,
        'and read at its size',
      );
    });

    test('a maxBytes that is not a non-negative integer is a programming error', async () => {
      const { store, buckets } = open();
      const uri = { bucket: buckets[0], key: freshKey('bad-cap') };
      for (const maxBytes of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
        await assert.rejects(store.get(uri, { maxBytes }), RangeError, String(maxBytes));
    });

    test('concurrent puts of one key leave one of them, whole', async () => {
      const { store, buckets } = open();
      const uri = { bucket: buckets[0], key: freshKey('race') };
      const versions = Array.from({ length: 8 }, (_, i) => Buffer.alloc(50_000 + i, i));
      await Promise.all(versions.map((v) => store.put(uri, v)));
      const got = await store.get(uri);
      assert.ok(got && versions.some((v) => v.equals(got)), 'one version, not a mix');
    });

    test('URIs that are not s3://bucket/key do not parse (and so never reach the store)', () => {
      for (const bad of [
        '',
        's3://',
        's3://bucket',
        's3://bucket/',
        's3:/bucket/key',
        'S3://bucket/key',
        'https://bucket.s3.amazonaws.com/key',
        'file:///etc/passwd',
        's3://Bucket/key',
        's3://bu/key',
        `s3://${'b'.repeat(64)}/key`,
        's3://-bucket/key',
        's3://bucket-/key',
        's3://bucket_name/key',
        '/bucket/key',
        'bucket/key',
      ])
        assert.equal(parseS3Uri(bad), undefined, JSON.stringify(bad));
      assert.deepEqual(parseS3Uri('s3://input-bucket/enroll/2024/manifest.json'), {
        bucket: 'input-bucket',
        key: 'enroll/2024/manifest.json',
      });
      assert.deepEqual(parseS3Uri(`s3://${'b'.repeat(63)}/k`), {
        bucket: 'b'.repeat(63),
        key: 'k',
      });
      assert.deepEqual(parseS3Uri('s3://my.bucket.1/a b/ü'), {
        bucket: 'my.bucket.1',
        key: 'a b/ü',
      });
    });
  });
}
