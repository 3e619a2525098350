/**
 * The spoofing commands end to end: `--help` through the real CLI entry, and `voxgate train
 * spoofing` on a three-speaker corpus (the test fixtures) with a tiny configuration: the same
 * seed gives the same model in a fresh work directory, a second run in the same one resumes
 * from its checkpoints, and `voxgate eval spoofing --json` measures the trained model on its
 * test speaker.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { hasTool } from '../../src/engines/spoofing/attacks/run-tool.js';
import { repoRoot } from '../support/shared-dir.js';

const run = promisify(execFile);
const ENTRY = path.join(repoRoot, 'test', 'spoofing', 'spoofing-cli.ts');
const MAIN = path.join(repoRoot, 'src', 'cli', 'main.ts');
const FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'corpus');
const tools =
  (await hasTool('sox')) && (await hasTool('ffmpeg', ['-version'])) && (await hasTool('espeak-ng'));

async function cli(entry: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: repoRoot,
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  });
}

describe('spoofing commands --help', () => {
  for (const [top, sub, flags] of [
    ['train', 'spoofing', ['--corpus', '--out', '--work-dir', '--seed', '--test-speakers']],
    ['eval', 'spoofing', ['--corpus', '--model', '--held-out', '--json']],
  ] as const)
    test(`voxgate ${top} ${sub} --help (the real entry)`, async () => {
      const { stdout } = await cli(MAIN, [top, sub, '--help']);
      assert.match(stdout, new RegExp(`Usage: voxgate ${top} ${sub}`));
      for (const flag of flags) assert.ok(stdout.includes(flag), `${flag} in:\n${stdout}`);
    });

  test('voxgate train --help lists spoofing next to speaker', async () => {
    const { stdout } = await cli(MAIN, ['train', '--help']);
    assert.match(stdout, /spoofing/);
    assert.match(stdout, /speaker/);
  });
});

describe('voxgate train spoofing', { skip: !tools && 'sox, ffmpeg or espeak-ng missing' }, () => {
  let dir: string;
  let corpus: string;
  const TINY = ['--calibration-speakers', '1', '--test-speakers', '1', '--components', '2'];
  const tiny = [...TINY, '--frames-per-class', '3000', '--seed', '5', '--json'];

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'voxgate-spoof-cli-'));
    corpus = path.join(dir, 'corpus');
    await mkdir(path.join(corpus, 'audio'), { recursive: true });
    const text = await readFile(path.join(FIXTURES, 'text'), 'utf8');
    const ids = text
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/)[0]!);
    for (const id of ids)
      await copyFile(
        path.join(FIXTURES, 'audio', `${id}.flac`),
        path.join(corpus, 'audio', `${id}.flac`),
      );
    await writeFile(path.join(corpus, 'text'), text);
    await writeFile(path.join(corpus, 'utt2spk'), ids.map((id) => `${id} s${id}\n`).join(''));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('seeded, resumable, and its model evaluates on the held-out speaker', async () => {
    const train = async (work: string, out: string) => {
      const { stdout, stderr } = await cli(ENTRY, [
        'train',
        'spoofing',
        '--corpus',
        corpus,
        '--out',
        path.join(dir, out),
        '--work-dir',
        path.join(dir, work),
        ...tiny,
      ]);
      assert.match(stderr, /train spoofing: /, 'progress on stderr');
      const lines = stdout.trim().split('\n');
      assert.equal(lines.length, 1, `one line of JSON on stdout, got: ${stdout}`);
      return JSON.parse(lines[0]!) as {
        version: string;
        split: { train: string[]; calibration: string[]; test: string[] };
      };
    };
    const first = await train('work-a', 'model-a');
    assert.match(first.version, /^spoof-[0-9a-f]{12}$/);
    assert.equal(first.split.test.length, 1);
    const fresh = await train('work-b', 'model-b');
    assert.equal(fresh.version, first.version, 'same seed, same model');
    const started = Date.now();
    const resumed = await train('work-a', 'model-c');
    assert.equal(resumed.version, first.version, 'resumed from the checkpoints');
    assert.ok(Date.now() - started < 60_000);

    const { stdout } = await cli(ENTRY, [
      'eval',
      'spoofing',
      '--corpus',
      corpus,
      '--model',
      path.join(dir, 'model-a'),
      '--work-dir',
      path.join(dir, 'work-a'),
      '--json',
    ]);
    const result = JSON.parse(stdout) as {
      model: string;
      speakers: number;
      utterances: number;
      all: {
        conditions: Record<string, { bonafide: number; families: Record<string, unknown> }>;
      };
    };
    assert.equal(result.model, first.version);
    assert.equal(result.speakers, 1);
    assert.equal(result.utterances, 1);
    for (const c of ['16k', '8k', 'codecs']) {
      assert.ok(result.all.conditions[c]!.bonafide >= 1, c);
      for (const f of ['espeak', 'replay', 'lpc-vocoder', 'griffin-lim', 'espeak-held-out'])
        assert.ok(f in result.all.conditions[c]!.families, `${f} in ${c}`);
    }
  });
});
