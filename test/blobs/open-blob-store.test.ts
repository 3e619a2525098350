/**
 * Choosing the blob store from the configuration: the options' defaults and environment
 * variables, combinations that do not make one store (refused before anything is opened, with
 * a message saying what to change and never the secret), the runtime and the CLI reporting them
 * as InvalidConfiguration, and the S3 SDK staying unloaded unless S3 is configured.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, describe, test } from 'node:test';
import {
  InvalidBlobStoreSettings,
  LocalBlobStore,
  checkBlobStoreSettings,
  openBlobStore,
  type BlobStoreSettings,
} from '../../src/blobs/index.js';
import { loadConfig } from '../../src/config/index.js';
import { isVoxgateError } from '../../src/errors/index.js';
import { openRuntime } from '../../src/runtime/open-runtime.js';
import { repoRoot } from '../support/shared-dir.js';

const run = promisify(execFile);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'voxgate-blob-config-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const dataDir = (name: string): string => path.join(scratch, name);

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const LOCAL: BlobStoreSettings = {
  blobBackend: 'local',
  blobDir: '/var/lib/voxgate/blobs',
  s3Endpoint: undefined,
  s3Region: 'us-east-1',
  s3AccessKeyId: undefined,
  s3SecretAccessKey: undefined,
  s3ForcePathStyle: false,
};
const S3: BlobStoreSettings = {
  ...LOCAL,
  blobBackend: 's3',
  s3Endpoint: 'http://127.0.0.1:9000',
  s3AccessKeyId: 'AKIAEXAMPLE',
  s3SecretAccessKey: SECRET,
  s3ForcePathStyle: true,
};

function refused(settings: BlobStoreSettings, key: keyof BlobStoreSettings, advice: RegExp): void {
  assert.throws(
    () => checkBlobStoreSettings(settings),
    (e: unknown) => {
      assert.ok(e instanceof InvalidBlobStoreSettings, String(e));
      assert.equal(e.key, key, e.message);
      assert.match(e.message, advice);
      assert.ok(!e.message.includes(SECRET), `the secret is not shown: ${e.message}`);
      return true;
    },
  );
}

describe('blob store options', () => {
  test('defaults: the local directory under the data directory; path style follows s3Endpoint', () => {
    const dir = dataDir('defaults');
    const c = loadConfig({ flags: { dataDir: dir }, env: {} });
    assert.equal(c.blobBackend, 'local');
    assert.equal(c.blobDir, path.join(dir, 'blobs'));
    assert.equal(c.s3Endpoint, undefined);
    assert.equal(c.s3Region, 'us-east-1');
    assert.equal(c.s3AccessKeyId, undefined);
    assert.equal(c.s3SecretAccessKey, undefined);
    assert.equal(c.s3ForcePathStyle, false, 'Amazon S3: virtual-hosted buckets');
    assert.deepEqual(checkBlobStoreSettings(c), {
      backend: 'local',
      root: path.join(dir, 'blobs'),
    });

    const env = {
      VOXGATE_BLOB_BACKEND: 's3',
      VOXGATE_S3_ENDPOINT: 'http://minio.internal:9000',
      VOXGATE_S3_REGION: 'eu-west-1',
      VOXGATE_S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      VOXGATE_S3_SECRET_ACCESS_KEY: SECRET,
    };
    const s3 = loadConfig({ flags: { dataDir: dir }, env });
    assert.equal(s3.s3ForcePathStyle, true, 'an S3-compatible endpoint: path style');
    assert.deepEqual(checkBlobStoreSettings(s3), {
      backend: 's3',
      options: {
        endpoint: 'http://minio.internal:9000',
        region: 'eu-west-1',
        credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: SECRET },
        forcePathStyle: true,
      },
    });
    const virtual = loadConfig({
      flags: { dataDir: dir },
      env: { ...env, VOXGATE_S3_FORCE_PATH_STYLE: 'false' },
    });
    assert.equal(virtual.s3ForcePathStyle, false, 'an explicit false stays false');
  });

  test('S3 without keys uses the AWS default credential chain; without an endpoint, Amazon S3', () => {
    const checked = checkBlobStoreSettings({
      ...S3,
      s3Endpoint: undefined,
      s3AccessKeyId: undefined,
      s3SecretAccessKey: undefined,
      s3ForcePathStyle: false,
    });
    assert.deepEqual(checked, {
      backend: 's3',
      options: {
        endpoint: undefined,
        region: 'us-east-1',
        credentials: undefined,
        forcePathStyle: false,
      },
    });
  });

  test('combinations that make no store are refused, saying what to change', () => {
    refused({ ...LOCAL, blobBackend: 'S3' }, 'blobBackend', /expected local .* or s3 .*got "S3"/);
    refused({ ...LOCAL, blobBackend: 'minio' }, 'blobBackend', /expected local/);
    refused(
      { ...LOCAL, s3Endpoint: 'http://127.0.0.1:9000' },
      's3Endpoint',
      /s3Endpoint is set but blobBackend is local.*set blobBackend to s3 \(--blob-backend s3, VOXGATE_BLOB_BACKEND=s3\)/,
    );
    refused(
      { ...LOCAL, s3AccessKeyId: 'AKIAEXAMPLE', s3SecretAccessKey: SECRET },
      's3AccessKeyId',
      /s3AccessKeyId, s3SecretAccessKey are set but blobBackend is local/,
    );
    refused(
      { ...S3, s3AccessKeyId: undefined },
      's3AccessKeyId',
      /s3SecretAccessKey is set without s3AccessKeyId: set both, or neither to use the AWS default credential chain/,
    );
    refused(
      { ...S3, s3SecretAccessKey: undefined },
      's3SecretAccessKey',
      /s3AccessKeyId is set without s3SecretAccessKey/,
    );
    refused({ ...S3, s3Endpoint: '127.0.0.1:9000' }, 's3Endpoint', /http:\/\/ or https:\/\/ URL/);
    refused({ ...S3, s3Endpoint: 'not a url' }, 's3Endpoint', /not a URL/);
    refused(
      { ...S3, s3Endpoint: 'ftp://files.internal' },
      's3Endpoint',
      /scheme ftp: is not http: or https:/,
    );
    refused({ ...S3, s3Endpoint: 'http://h:9000/?x-id=1' }, 's3Endpoint', /query or a fragment/);
    // Credentials in the URL: refused, and the URL (with them) is not repeated.
    const inUrl = `http://AKIAEXAMPLE:${encodeURIComponent(SECRET)}@127.0.0.1:9000`;
    refused(
      { ...S3, s3Endpoint: inUrl },
      's3Endpoint',
      /user info: give the credentials as s3AccessKeyId and s3SecretAccessKey/,
    );
    assert.throws(
      () => checkBlobStoreSettings({ ...S3, s3Endpoint: inUrl }),
      (e: Error) => !e.message.includes(encodeURIComponent(SECRET)) && !e.message.includes('@127'),
    );
  });

  test('openBlobStore: local is the directory store', async () => {
    assert.ok((await openBlobStore(LOCAL)) instanceof LocalBlobStore);
  });

  test('the runtime answers InvalidConfiguration before it opens storage', async () => {
    const dir = dataDir('runtime');
    const config = loadConfig({
      flags: { dataDir: dir },
      env: { VOXGATE_BLOB_BACKEND: 's3', VOXGATE_S3_SECRET_ACCESS_KEY: SECRET },
    });
    await assert.rejects(openRuntime(config), (e: unknown) => {
      assert.ok(isVoxgateError(e), String(e));
      assert.equal(e.definition.name, 'InvalidConfiguration');
      assert.match(
        e.message,
        /^Invalid configuration s3AccessKeyId from configuration: s3SecretAccessKey is set without s3AccessKeyId/,
      );
      assert.ok(!e.message.includes(SECRET));
      return true;
    });
    assert.equal(existsSync(path.join(dir, 'voxgate.db')), false, 'no database was opened');
  });

  test('`voxgate admin blobs put` reports the same, exit code 2, without the secret', async () => {
    const dir = dataDir('cli');
    const { code, stdout, stderr } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(repoRoot, 'src', 'cli', 'main.ts'),
        'admin',
        'blobs',
        'put',
        's3://input-bucket/manifest.json',
        path.join(repoRoot, 'package.json'),
        '--data-dir',
        dir,
        '--s3-endpoint',
        'http://127.0.0.1:9000',
      ],
      {
        cwd: repoRoot,
        env: { ...process.env, VOXGATE_CONFIG: undefined, VOXGATE_S3_SECRET_ACCESS_KEY: SECRET },
      },
    ).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    assert.equal(code, 2, stderr);
    assert.equal(stdout, '');
    assert.match(
      stderr,
      /^voxgate: InvalidConfiguration: Invalid configuration s3Endpoint from configuration: s3Endpoint, s3SecretAccessKey are set but blobBackend is local/,
    );
    assert.ok(!stderr.includes(SECRET), stderr);
  });

  test('the S3 SDK is loaded only when the S3 store is opened', async () => {
    const script = `
      import { createRequire } from 'node:module';
      const loaded = () =>
        Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes('client-s3'));
      const blobs = await import('./src/blobs/index.ts');
      const settings = ${JSON.stringify(LOCAL)};
      await blobs.openBlobStore(settings);
      const afterLocal = loaded();
      (await blobs.openBlobStore({ ...settings, ...${JSON.stringify({
        blobBackend: 's3',
        s3Endpoint: 'http://127.0.0.1:9',
        s3AccessKeyId: 'AKIAEXAMPLE',
        s3SecretAccessKey: 'x',
      })} })).destroy();
      console.log(JSON.stringify({ afterLocal, afterS3: loaded() }));
    `;
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: repoRoot,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      },
    );
    assert.deepEqual(JSON.parse(stdout), { afterLocal: false, afterS3: true });
  });
});
