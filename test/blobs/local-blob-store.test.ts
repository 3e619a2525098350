/**
 * LocalBlobStore (the default backend, `blobBackend` local): the common cases, then what only
 * a directory has — keys that would leave their bucket's directory or alias another key never
 * resolve, keys the directory cannot hold beside others are refused, no temporary files stay
 * behind, and files copied into the directory by hand are objects.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { InvalidBlobKey, LocalBlobStore, type S3Uri } from '../../src/blobs/index.js';
import { blobStoreCases, freshKey } from './blob-store.case.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'voxgate-blobs-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const root = path.join(scratch, 'blobs');
const store = new LocalBlobStore(root);

blobStoreCases('local directory', () => ({ store, buckets: ['input-bucket', 'output-bucket'] }));

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

const isInvalidKey = (uri: S3Uri) => (e: unknown) => {
  assert.ok(e instanceof InvalidBlobKey, `expected InvalidBlobKey, got ${String(e)}`);
  assert.deepEqual(e.uri, uri);
  assert.ok(e.message.includes(`s3://${uri.bucket}/${uri.key}`), e.message);
  return true;
};

describe('LocalBlobStore: the directory', () => {
  test('s3://bucket/key is the file <root>/bucket/key, and files copied in are objects', async () => {
    const key = `${freshKey('layout')}/nested/manifest.json`;
    await store.put({ bucket: 'layout-bucket', key }, Buffer.from('{"Version":"1.0"}'));
    assert.ok(filesUnder(path.join(root, 'layout-bucket')).includes(key));

    const copied = path.join(root, 'copied-bucket', 'by-hand', 'a.wav');
    mkdirSync(path.dirname(copied), { recursive: true });
    writeFileSync(copied, Buffer.from([1, 2, 3]));
    assert.deepEqual(
      [...((await store.get({ bucket: 'copied-bucket', key: 'by-hand/a.wav' })) ?? [])],
      [1, 2, 3],
    );
  });

  test('keys that would leave the bucket directory, or alias another key, never resolve', async () => {
    // A file beside the bucket directories and one in another bucket: targets of an escape.
    writeFileSync(path.join(scratch, 'outside.txt'), 'outside the blob directory');
    await store.put({ bucket: 'other-bucket', key: 'secret.txt' }, Buffer.from('other bucket'));
    await store.put({ bucket: 'escape-bucket', key: 'a/b' }, Buffer.from('a/b'));
    const before = filesUnder(scratch);
    const escapes = [
      '../../outside.txt',
      '../other-bucket/secret.txt',
      'a/../../other-bucket/secret.txt',
      '/etc/passwd',
      '//etc/passwd',
      'a/../a/b',
      './a/b',
      'a/./b',
      'a//b',
      'a/b/',
      '..',
      '.',
      'nul\0byte',
    ];
    for (const key of escapes) {
      const uri = { bucket: 'escape-bucket', key };
      assert.equal(await store.get(uri), undefined, `get ${JSON.stringify(key)}`);
      await assert.rejects(
        store.put(uri, Buffer.from('should not be written')),
        isInvalidKey(uri),
        `put ${JSON.stringify(key)}`,
      );
    }
    for (const bucket of ['..', '.', 'a/b'])
      await assert.rejects(
        store.put({ bucket, key: 'k' }, Buffer.from('x')),
        InvalidBlobKey,
        `bucket ${JSON.stringify(bucket)}`,
      );
    assert.deepEqual(filesUnder(scratch), before, 'nothing was written anywhere');
  });

  test('a key the directory cannot hold beside the others is InvalidBlobKey, and nothing is left behind', async () => {
    const base = freshKey('clash');
    const file = { bucket: 'clash-bucket', key: `${base}/a` };
    await store.put(file, Buffer.from('a file'));
    // S3 would hold both `a` and `a/b`; a directory cannot.
    const under = { bucket: 'clash-bucket', key: `${base}/a/b` };
    await assert.rejects(store.put(under, Buffer.from('x')), isInvalidKey(under));
    await store.put({ bucket: 'clash-bucket', key: `${base}/d/e` }, Buffer.from('in a folder'));
    const folder = { bucket: 'clash-bucket', key: `${base}/d` };
    await assert.rejects(store.put(folder, Buffer.from('x')), isInvalidKey(folder));
    const long = { bucket: 'clash-bucket', key: `${base}/${'x'.repeat(300)}` };
    await assert.rejects(store.put(long, Buffer.from('x')), isInvalidKey(long));
    assert.equal(await store.get(long), undefined);
    assert.equal((await store.get(file))?.toString(), 'a file', 'the first object is intact');
    assert.deepEqual(
      filesUnder(path.join(root, 'clash-bucket', base)),
      ['a', path.join('d', 'e')],
      'no temporary files',
    );
  });

  test('puts leave no temporary files', async () => {
    const bucket = `tmp-${freshKey()}`;
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.put({ bucket, key: `k/${i % 3}` }, Buffer.alloc(1000 * (i + 1), i)),
      ),
    );
    assert.deepEqual(filesUnder(path.join(root, bucket)), ['k/0', 'k/1', 'k/2']);
  });
});
