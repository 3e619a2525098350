/** `voxgate audio inspect FILE [--json] [--strict]` as a process: output and exit codes. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../support/shared-dir.js';
import { openWorkshop, type AudioWorkshop } from './audio-fixtures.js';

const ENTRY = path.join(repoRoot, 'test', 'audio', 'audio-inspect-cli.ts');

interface Outcome {
  readonly code: number;
  readonly stdout: string;
}

async function inspect(args: readonly string[]): Promise<Outcome> {
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', ENTRY, 'audio', 'inspect', ...args],
      { cwd: repoRoot, timeout: 60_000 },
    );
    return { code: 0, stdout };
  } catch (e) {
    const failed = e as { code?: number; stdout?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '' };
  }
}

describe('voxgate audio inspect', () => {
  let w: AudioWorkshop;
  before(async () => {
    w = await openWorkshop();
    await w.sox([
      '-n',
      '-r',
      '44100',
      '-c',
      '2',
      '-b',
      '16',
      'ok.flac',
      'synth',
      '1.5',
      'sine',
      '440',
    ]);
    await w.sox([
      '-n',
      '-r',
      '16000',
      '-c',
      '1',
      '-b',
      '16',
      'ok.wav',
      'synth',
      '1',
      'sine',
      '440',
    ]);
    const wav = await w.sox([
      '-n',
      '-r',
      '16000',
      '-c',
      '1',
      '-b',
      '16',
      'bad.wav',
      'synth',
      '1',
      'sine',
      '440',
    ]);
    await writeFile(path.join(w.dir, 'bad.wav'), wav.subarray(0, 30));
  });
  after(() => w.close());

  test('--json on an accepted file: format, rate, channels, duration; exit 0', async () => {
    const { code, stdout } = await inspect([path.join(w.dir, 'ok.flac'), '--json']);
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(stdout), {
      format: 'flac',
      sampleRate: 44100,
      channels: 2,
      durationSec: 1.5,
    });
  });

  test('--json on a refused file: the catalogued error; exit 1', async () => {
    const { code, stdout } = await inspect([path.join(w.dir, 'bad.wav'), '--json']);
    assert.equal(code, 1);
    assert.deepEqual(JSON.parse(stdout), {
      error: 'FailedToParseAudioHeader',
      message: 'Failed to parse audio header',
    });
    const strict = await inspect([path.join(w.dir, 'ok.flac'), '--json', '--strict']);
    assert.equal(strict.code, 1);
    assert.equal((JSON.parse(strict.stdout) as { error: string }).error, 'InvalidAudioFormat');
  });

  test('the human form', async () => {
    const accepted = await inspect([path.join(w.dir, 'ok.wav')]);
    assert.equal(accepted.code, 0);
    assert.match(accepted.stdout, /^format\s+wav$/m);
    assert.match(accepted.stdout, /^sample rate\s+16000 Hz$/m);
    assert.match(accepted.stdout, /^channels\s+1$/m);
    assert.match(accepted.stdout, /^duration\s+1\.000 s$/m);
    const refused = await inspect([path.join(w.dir, 'bad.wav')]);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /FailedToParseAudioHeader/);
  });
});
