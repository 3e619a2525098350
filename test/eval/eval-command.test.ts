/**
 * `voxgate eval align|asr --json --limit 3` end to end: a tiny corpus copied from the shared
 * train split (or the committed fixtures), the real engine pool, the JSON each prints.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, sharedDir } from '../support/shared-dir.js';

const run = promisify(execFile);
const ENTRY = path.join(repoRoot, 'test', 'eval', 'eval-cli.ts');
const FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'corpus');
const source = existsSync(path.join(FIXTURES, 'text'))
  ? FIXTURES
  : sharedDir && path.join(sharedDir, 'corpus', 'speechocean762-train');

async function evalJson(args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', ENTRY, 'eval', ...args], {
    cwd: repoRoot,
    timeout: 240_000,
  });
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 1, `one line of JSON on stdout, got: ${stdout}`);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

function assertFraction(value: unknown, name: string): void {
  assert.equal(typeof value, 'number', `${name} is a number`);
  assert.ok((value as number) >= 0 && (value as number) <= 1, `${name} = ${String(value)}`);
}

function assertRtf(value: unknown): void {
  assert.equal(typeof value, 'number', 'rtf is a number');
  assert.ok((value as number) > 0 && (value as number) < 50, `rtf = ${String(value)}`);
}

describe('voxgate eval', { skip: source ? false : 'no corpus (../shared absent)' }, () => {
  let corpus: string;
  let copied: string | undefined;
  before(async () => {
    if (source === FIXTURES) {
      corpus = FIXTURES;
      return;
    }
    copied = corpus = await mkdtemp(path.join(os.tmpdir(), 'voxgate-eval-'));
    await mkdir(path.join(corpus, 'audio'));
    const lines = (await readFile(path.join(source!, 'text'), 'utf8'))
      .split('\n')
      .filter((line) => line.trim() !== '')
      .slice(0, 4);
    const ids = lines.map((line) => line.split(/\s+/)[0]!);
    for (const id of ids)
      await copyFile(
        path.join(source!, 'audio', `${id}.flac`),
        path.join(corpus, 'audio', `${id}.flac`),
      );
    await writeFile(path.join(corpus, 'text'), `${lines.join('\n')}\n`);
    await writeFile(path.join(corpus, 'utt2spk'), ids.map((id) => `${id} s1\n`).join(''));
    await writeFile(path.join(corpus, 'spk2utt'), `s1 ${ids.join(' ')}\n`);
  });
  after(() => (copied ? rm(copied, { recursive: true, force: true }) : undefined));

  test('eval align --json --limit 3', { timeout: 300_000 }, async () => {
    const result = await evalJson([
      'align',
      '--corpus',
      corpus,
      '--json',
      '--limit',
      '3',
      '--workers',
      '2',
    ]);
    assert.deepEqual(Object.keys(result).sort(), [
      'aligned',
      'rtf',
      'utterances',
      'wrong_text_auc',
    ]);
    assert.equal(result.utterances, 3);
    assert.ok(Number.isInteger(result.aligned) && (result.aligned as number) <= 3);
    assertFraction(result.wrong_text_auc, 'wrong_text_auc');
    assertRtf(result.rtf);
  });

  test('eval asr --json --limit 3', { timeout: 300_000 }, async () => {
    const result = await evalJson(['asr', '--corpus', corpus, '--json', '--limit', '3']);
    assert.deepEqual(Object.keys(result).sort(), ['rtf', 'utterances', 'wer']);
    assert.equal(result.utterances, 3);
    assert.equal(typeof result.wer, 'number');
    assert.ok((result.wer as number) >= 0 && (result.wer as number) <= 3, `wer = ${result.wer}`);
    assertRtf(result.rtf);
  });

  test('a corpus with a missing audio file is refused, naming the utterance', async () => {
    const broken = await mkdtemp(path.join(os.tmpdir(), 'voxgate-eval-broken-'));
    try {
      await mkdir(path.join(broken, 'audio'));
      await writeFile(path.join(broken, 'text'), 'u1 HELLO WORLD\n');
      await assert.rejects(
        run(process.execPath, ['--import', 'tsx', ENTRY, 'eval', 'asr', '--corpus', broken]),
        (e: Error & { code?: number; stderr?: string }) => {
          assert.equal(e.code, 1);
          assert.match(e.stderr ?? '', /u1/);
          assert.match(e.stderr ?? '', /no audio file/);
          return true;
        },
      );
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });
});
