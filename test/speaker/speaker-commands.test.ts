/**
 * `voxgate eval speaker-lists` and `voxgate eval speaker --json` end to end on a corpus of
 * espeak-ng voices generated at test time (four "speakers", six sentences each), with the
 * shipped model; and `voxgate train speaker` on the same corpus with a tiny configuration:
 * the same seed gives the same model, and the trained model directory loads and evaluates.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../support/shared-dir.js';
import { hasEspeak, SENTENCES, speak, VOICES } from './espeak-voices.js';

const run = promisify(execFile);
const ENTRY = path.join(repoRoot, 'test', 'speaker', 'speaker-cli.ts');
const espeak = await hasEspeak();

async function cli(args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    cwd: repoRoot,
    timeout: 120_000,
  });
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 1, `one line of JSON on stdout, got: ${stdout}`);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

describe('voxgate eval speaker', { skip: !espeak && 'espeak-ng not installed' }, () => {
  let dir: string;
  let corpus: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'voxgate-speaker-cli-'));
    corpus = path.join(dir, 'corpus');
    await mkdir(path.join(corpus, 'audio'), { recursive: true });
    const text: string[] = [];
    const utt2spk: string[] = [];
    await Promise.all(
      VOICES.flatMap((voice, v) =>
        SENTENCES.map((sentence, s) => {
          const id = `spk${v}_utt${s}`;
          text.push(`${id} ${sentence.toUpperCase()}`);
          utt2spk.push(`${id} spk${v}`);
          return speak(voice, sentence, path.join(corpus, 'audio', `${id}.wav`));
        }),
      ),
    );
    await writeFile(path.join(corpus, 'text'), text.sort().join('\n') + '\n');
    await writeFile(path.join(corpus, 'utt2spk'), utt2spk.sort().join('\n') + '\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('lists, then EER and minDCF as one JSON object', async () => {
    const enroll = path.join(dir, 'enroll');
    const trials = path.join(dir, 'trials');
    const lists = await cli([
      'eval',
      'speaker-lists',
      '--corpus',
      corpus,
      '--enroll',
      enroll,
      '--trials',
      trials,
      '--nontargets',
      '3',
      '--json',
    ]);
    assert.deepEqual(lists, { models: 4, trials: 4 * 3 * 4, targets: 12 });
    const enrollLines = (await readFile(enroll, 'utf8')).trim().split('\n');
    assert.equal(enrollLines.length, 4);
    assert.match(enrollLines[0]!, /^spk0 spk0_utt\d spk0_utt\d spk0_utt\d$/);
    const result = await cli([
      'eval',
      'speaker',
      '--corpus',
      corpus,
      '--enroll',
      enroll,
      '--trials',
      trials,
      '--json',
    ]);
    // The documented keys (`--help`, docs/speaker.md), no more and no fewer.
    assert.deepEqual(Object.keys(result).sort(), [
      'channel',
      'eer',
      'eer_ci95',
      'enroll_seconds_median',
      'false_accepts',
      'false_rejects',
      'far',
      'far_ci95',
      'frr',
      'frr_ci95',
      'groups',
      'min_dcf',
      'model',
      'nontargets',
      'rtf',
      'speakers',
      'targets',
      'test_seconds_median',
      'threshold',
      'trials',
    ]);
    assert.equal(result.trials, 48);
    assert.equal(result.targets, 12);
    assert.equal(result.nontargets, 36);
    assert.equal(result.speakers, 4);
    assert.equal(result.channel, '16k');
    assert.deepEqual(result.groups, {}, 'no spk2age, no groups');
    for (const key of ['eer', 'min_dcf', 'far', 'frr']) {
      const v = result[key] as number;
      assert.ok(v >= 0 && v <= 1, `${key} = ${v}`);
    }
    for (const key of ['eer', 'far', 'frr']) {
      const [low, high] = result[`${key}_ci95`] as [number, number];
      assert.ok(0 <= low && low <= high && high <= 1, `${key} interval [${low}, ${high}]`);
    }
    assert.ok((result.eer as number) <= 0.25, `EER ${String(result.eer)} on four espeak voices`);
    assert.ok((result.enroll_seconds_median as number) > 4);
    assert.ok((result.rtf as number) > 0 && (result.rtf as number) < 0.2);
  });

  test('train speaker: resuming from a checkpoint gives the same model, which evaluates', async () => {
    const work = path.join(dir, 'train-work');
    const out = path.join(dir, 'train-out');
    const args = [
      'train',
      'speaker',
      '--corpus',
      corpus,
      '--out',
      out,
      '--work-dir',
      work,
      '--seed',
      '3',
      // Four speakers: two train, two calibrate, none held out for testing.
      '--calibration-speakers',
      '2',
      '--test-speakers',
      '0',
      '--components',
      '4',
      '--ivector-dim',
      '4',
      '--embedding-dim',
      '3',
      '--tv-iterations',
      '2',
      '--json',
    ];
    const first = await cli(args);
    assert.match(String(first.version), /^ivec-[0-9a-f]{12}$/);
    await rm(path.join(work, 'tv-2'), { recursive: true });
    await rm(out, { recursive: true });
    const resumed = await cli(args);
    assert.equal(resumed.version, first.version, 'same seed, same model after resuming');
    const enroll = path.join(dir, 'enroll-trained');
    const trials = path.join(dir, 'trials-trained');
    await cli([
      'eval',
      'speaker-lists',
      '--corpus',
      corpus,
      '--enroll',
      enroll,
      '--trials',
      trials,
      '--nontargets',
      '3',
      '--json',
    ]);
    const result = await cli([
      'eval',
      'speaker',
      '--corpus',
      corpus,
      '--enroll',
      enroll,
      '--trials',
      trials,
      '--model',
      out,
      '--json',
    ]);
    assert.equal(result.trials, 48);
  });

  test('a trial naming an utterance the corpus lacks is refused with the line', async () => {
    const enroll = path.join(dir, 'enroll-bad');
    const trials = path.join(dir, 'trials-bad');
    await writeFile(enroll, 'spk0 spk0_utt0 spk0_utt1\n');
    await writeFile(trials, 'spk0 nope target\n');
    await assert.rejects(
      cli([
        'eval',
        'speaker',
        '--corpus',
        corpus,
        '--enroll',
        enroll,
        '--trials',
        trials,
        '--json',
      ]),
      (e: Error & { stderr?: string }) => /nope/.test(e.stderr ?? ''),
    );
  });
});
