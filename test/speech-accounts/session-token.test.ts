/** Session token format, hashing, redaction and Authorization header parsing (no storage). */
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashSessionToken, redactSessionToken } from '../../src/speech/accounts/index.js';
import { sessionTokenOf as parseAuthorization } from '../../src/protocols/speech/speech-authorization.js';
import { newSessionToken } from '../../src/speech/accounts/session-token.js';
import { isVoxgateError } from '../../src/errors/index.js';

const errorName = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    assert.ok(isVoxgateError(e));
    return e.definition.name;
  }
  return 'none';
};

test('tokens are vxs_ + 256 random bits, url-safe, distinct', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const t = newSessionToken();
    assert.match(t, /^vxs_[A-Za-z0-9_-]{43}$/);
    seen.add(t);
  }
  assert.equal(seen.size, 1000);
});

test('the stored hash is SHA-256 hex of the token', () => {
  assert.equal(hashSessionToken('vxs_test'), createHash('sha256').update('vxs_test').digest('hex'));
  assert.match(hashSessionToken('vxs_test'), /^[0-9a-f]{64}$/);
  assert.notEqual(hashSessionToken('vxs_test'), hashSessionToken('vxs_tesT'));
});

test('redaction shows at most 8 characters and never more than a quarter of the token', () => {
  const t = newSessionToken();
  assert.equal(redactSessionToken(t), `${t.slice(0, 8)}…`);
  for (let n = 0; n <= 64; n++) {
    const s = 'x'.repeat(n);
    const shown = redactSessionToken(s).length - 1;
    assert.ok(shown <= 8 && shown <= n / 4, `${n}: ${shown}`);
  }
  assert.equal(redactSessionToken('ab\u0000\u00ffefgh'), 'ab…');
  assert.equal(redactSessionToken('\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9'), '??…');
});

test('ELSA and Bearer, any case, any whitespace; everything else by API', () => {
  for (const header of ['ELSA tok', 'Elsa tok', 'bearer tok', 'BEARER\ttok', ' ELSA  tok  '])
    assert.equal(parseAuthorization(header, 'scripted'), 'tok');
  for (const header of [undefined, '', ' \t ']) {
    assert.equal(
      errorName(() => parseAuthorization(header, 'scripted')),
      'NoTokenProvided',
    );
    assert.equal(
      errorName(() => parseAuthorization(header, 'unscripted')),
      'NoTokenProvided',
    );
  }
  for (const header of [
    'tok',
    'Basic dXNlcjpwYXNz',
    'ELSA',
    'Bearer a b',
    'ELSAtok',
    'Token tok',
  ]) {
    assert.equal(
      errorName(() => parseAuthorization(header, 'scripted')),
      'InvalidHeaderParameter',
    );
    assert.equal(
      errorName(() => parseAuthorization(header, 'unscripted')),
      'NoTokenProvided',
    );
  }
});
