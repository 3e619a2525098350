import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SecretBox, loadMasterKey } from '../../src/secrets/index.js';

test('sealed secrets open with the same key and purpose only', () => {
  const box = new SecretBox(randomBytes(32));
  const sealed = box.seal('s3cr3t-value', 'access-key:AKIA1');
  assert.ok(!sealed.includes('s3cr3t'));
  assert.notEqual(sealed, box.seal('s3cr3t-value', 'access-key:AKIA1'), 'a fresh IV each time');
  assert.equal(box.open(sealed, 'access-key:AKIA1'), 's3cr3t-value');
  assert.throws(() => box.open(sealed, 'access-key:AKIA2'), 'bound to its purpose');
  assert.throws(
    () => new SecretBox(randomBytes(32)).open(sealed, 'access-key:AKIA1'),
    'another key fails',
  );
  const [v, iv, tag, body] = sealed.split('.');
  const flipped = Buffer.from(body!, 'base64url');
  flipped[0] = flipped[0]! ^ 1;
  assert.throws(
    () => box.open([v, iv, tag, flipped.toString('base64url')].join('.'), 'access-key:AKIA1'),
    'tampering detected',
  );
});

test('the master key file is created once with mode 0600', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'voxgate-key-'));
  const a = loadMasterKey(dir, undefined);
  const b = loadMasterKey(dir, undefined);
  assert.deepEqual(a, b);
  assert.equal(statSync(path.join(dir, 'master.key')).mode & 0o777, 0o600);
  const configured = randomBytes(32);
  assert.deepEqual(loadMasterKey(dir, configured.toString('base64')), configured);
  assert.throws(() => loadMasterKey(dir, 'c2hvcnQ='), /32 bytes/);
});
