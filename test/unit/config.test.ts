import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { isVoxgateError } from '../../src/errors/index.js';

const dir = (): string => mkdtempSync(path.join(os.tmpdir(), 'voxgate-config-'));

test('defaults: SQLite in the data directory, port 8080, loopback', () => {
  const dataDir = dir();
  const c = loadConfig({ flags: { dataDir }, env: {} });
  assert.equal(c.port, 8080);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.databaseUrl, `sqlite:${path.join(dataDir, 'voxgate.db')}`);
  assert.ok(Object.isFrozen(c));
});

test('precedence: flag > environment > file > default', () => {
  const dataDir = dir();
  writeFileSync(
    path.join(dataDir, 'voxgate.json'),
    JSON.stringify({ port: 1111, logLevel: 'debug', maxAwsBodyBytes: 4096 }),
  );
  const env = { VOXGATE_PORT: '2222', VOXGATE_LOG_LEVEL: 'warn' };
  const c = loadConfig({ flags: { dataDir, port: '3333' }, env });
  assert.equal(c.port, 3333);
  assert.equal(c.logLevel, 'warn');
  assert.equal(c.maxAwsBodyBytes, 4096);
  assert.equal(loadConfig({ flags: { dataDir }, env }).port, 2222);
  assert.equal(loadConfig({ flags: { dataDir }, env: {} }).port, 1111);
});

test('the data directory from the environment locates the file and the database', () => {
  const dataDir = dir();
  const c = loadConfig({
    flags: {},
    env: { VOXGATE_DATA_DIR: dataDir, VOXGATE_DATABASE_URL: 'postgres://u@h/db' },
  });
  assert.equal(c.dataDir, dataDir);
  assert.equal(c.databaseUrl, 'postgres://u@h/db');
});

function invalid(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(isVoxgateError(e));
    assert.equal(e.definition.name, 'InvalidConfiguration');
    return e.message;
  }
  return assert.fail('expected InvalidConfiguration');
}

test('bad values name the option and where they came from', () => {
  const dataDir = dir();
  assert.match(
    invalid(() => loadConfig({ flags: { dataDir, port: '70000' }, env: {} })),
    /port from flag --port: must be <= 65535/,
  );
  assert.match(
    invalid(() => loadConfig({ flags: { dataDir }, env: { VOXGATE_LOG_LEVEL: 'loud' } })),
    /logLevel from environment variable VOXGATE_LOG_LEVEL: expected one of/,
  );
  writeFileSync(path.join(dataDir, 'voxgate.json'), '{"prot": 1}');
  assert.match(
    invalid(() => loadConfig({ flags: { dataDir }, env: {} })),
    /prot from config file .*unknown option/,
  );
  writeFileSync(path.join(dataDir, 'voxgate.json'), '{nope');
  assert.match(
    invalid(() => loadConfig({ flags: { dataDir }, env: {} })),
    /not valid JSON/,
  );
  assert.match(
    invalid(() =>
      loadConfig({ flags: { dataDir }, env: {}, configFile: path.join(dataDir, 'missing.json') }),
    ),
    /cannot read the file/,
  );
});
