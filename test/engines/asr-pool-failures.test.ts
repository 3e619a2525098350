/**
 * How the real worker pool fails and recovers: killed, hung, unstartable and garbage-speaking
 * workers (through the worker's test-only fault hook, asr-worker.ts), back-pressure, close.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isVoxgateError } from '../../src/errors/index.js';
import { AsrPool, createAsrPool } from '../../src/engines/index.js';
import { FAULT_FILE_ENV } from '../../src/engines/asr/asr-protocol.js';
import { loadFixtures, type FixtureUtterance } from './support/corpus-fixtures.js';

/** Asserts `promise` rejects with the catalogued error `name` (and `error` param, if given). */
async function rejectsWith(
  promise: Promise<unknown>,
  name: string,
  detail?: RegExp,
): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(isVoxgateError(e), `a catalogued error, got ${String(e)}`);
    assert.equal(e.name, name);
    if (detail) assert.match(String(e.params.error), detail);
    return true;
  });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (condition()) return;
    await sleep(25);
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('worker pool failures (real workers)', () => {
  let dir: string;
  let faultFile: string;
  let pool: AsrPool;
  let utterance: FixtureUtterance;

  /** Arms the fault for the next request some worker takes. */
  function arm(fault: 'hang' | 'exit' | 'kill' | 'garbage'): void {
    writeFileSync(faultFile, fault);
  }

  async function worksAgain(): Promise<void> {
    const alignment = await pool.align(utterance.pcm, utterance.words);
    assert.equal(alignment.words.length, utterance.words.length);
  }

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'voxgate-asr-'));
    faultFile = path.join(dir, 'fault');
    [utterance] = loadFixtures() as [FixtureUtterance];
    pool = await createAsrPool({ workers: 1, workerEnv: { [FAULT_FILE_ENV]: faultFile } });
  });
  after(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a worker killed with SIGKILL mid-request: ASRInterProcessException, then replaced', async () => {
    arm('hang');
    const request = pool.align(utterance.pcm, utterance.words);
    await until(() => !existsSync(faultFile), 'the worker to take the request');
    const pid = pool.stats().workers[0]?.pid;
    assert.ok(pid);
    process.kill(pid, 'SIGKILL');
    await rejectsWith(request, 'ASRInterProcessException', /^worker exited with signal SIGKILL$/);
    await worksAgain();
    assert.notEqual(pool.stats().workers[0]?.pid, pid);
  });

  test('a worker that kills itself mid-request, or exits: same error, then replaced', async () => {
    arm('kill');
    await rejectsWith(pool.recognize(utterance.pcm), 'ASRInterProcessException', /SIGKILL/);
    arm('exit');
    await rejectsWith(pool.phoneLoop(utterance.pcm), 'ASRInterProcessException', /code 3/);
    await worksAgain();
  });

  test('a worker that stops answering: ASRSocketTimeout within the deadline, then replaced', async () => {
    arm('hang');
    const pid = pool.stats().workers[0]?.pid;
    const started = Date.now();
    await rejectsWith(
      pool.align(utterance.pcm, utterance.words, { deadlineMs: 1_000 }),
      'ASRSocketTimeout',
    );
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 1_000 && elapsed < 2_000, `answered after ${elapsed} ms`);
    await worksAgain();
    assert.notEqual(pool.stats().workers[0]?.pid, pid, 'the hung worker was killed');
    assert.throws(() => process.kill(pid ?? 0, 0), 'and is gone');
  });

  test('a worker that answers garbage: ASRInterProcessException, then replaced', async () => {
    arm('garbage');
    await rejectsWith(
      pool.recognize(utterance.pcm),
      'ASRInterProcessException',
      /unparseable frame/,
    );
    await worksAgain();
  });

  test('requests waiting in the queue time out without killing anyone', async () => {
    arm('hang');
    const stuck = pool.recognize(utterance.pcm, { deadlineMs: 1_500 });
    const waiting = pool.recognize(utterance.pcm, { deadlineMs: 500 });
    await rejectsWith(waiting, 'ASRSocketTimeout');
    await rejectsWith(stuck, 'ASRSocketTimeout');
    await worksAgain();
  });
});

describe('worker pool back-pressure and lifecycle (real workers)', () => {
  let utterance: FixtureUtterance;
  before(() => {
    [utterance] = loadFixtures() as [FixtureUtterance];
  });

  test('8 concurrent requests on a pool of 2 all succeed', async () => {
    const pool = await createAsrPool({ workers: 2 });
    try {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          i % 2 === 0
            ? pool
                .align(utterance.pcm, utterance.words)
                .then((a) => a.words.map((w) => w.label).join(' '))
            : pool.recognize(utterance.pcm).then((r) => r.text),
        ),
      );
      assert.equal(results.length, 8);
      for (const [i, text] of results.entries()) {
        if (i % 2 === 0) assert.equal(text, utterance.words.join(' '));
        else assert.ok(text.length > 0);
      }
      assert.deepEqual(new Set(results.filter((_, i) => i % 2 === 1)).size, 1, 'workers agree');
      assert.equal(pool.stats().queued, 0);
    } finally {
      await pool.close();
    }
  });

  test('a full queue turns requests away at once (ASRSocketTimeout)', async () => {
    const pool = await createAsrPool({ workers: 1, maxQueue: 1 });
    try {
      const running = pool.recognize(utterance.pcm);
      const queued = pool.recognize(utterance.pcm);
      const started = Date.now();
      await rejectsWith(pool.recognize(utterance.pcm), 'ASRSocketTimeout');
      assert.ok(Date.now() - started < 100);
      await Promise.all([running, queued]);
    } finally {
      await pool.close();
    }
  });

  test('a worker that cannot start (no program, bad model, exits): ASRConnectionFailed', async () => {
    await rejectsWith(
      createAsrPool({
        workers: 2,
        workerCommand: { command: '/nonexistent/voxgate-asr', args: [] },
      }),
      'ASRConnectionFailed',
    );
    const warnings: string[] = [];
    await rejectsWith(
      createAsrPool({
        workers: 1,
        model: { hmmDir: '/nonexistent/model' },
        logger: { warn: (fields) => warnings.push(String(fields.detail)) },
      }),
      'ASRConnectionFailed',
    );
    assert.match(warnings.join('\n'), /worker exited with code 1/);
    const exitsAtOnce = new AsrPool({
      workers: 1,
      workerCommand: { command: process.execPath, args: ['-e', 'process.exit(1)'] },
    });
    try {
      await rejectsWith(exitsAtOnce.recognize(utterance.pcm), 'ASRConnectionFailed');
      // Tried again on the next request, and refused again: no spawn loop in between.
      assert.equal(exitsAtOnce.stats().workers.length, 0);
      await rejectsWith(exitsAtOnce.ping(), 'ASRConnectionFailed');
    } finally {
      await exitsAtOnce.close();
    }
  });

  test('close lets running requests finish and turns the rest away', async () => {
    const pool = await createAsrPool({ workers: 1 });
    const running = pool.recognize(utterance.pcm);
    const queued = pool.recognize(utterance.pcm);
    const closing = pool.close();
    await rejectsWith(queued, 'ASRConnectionFailed');
    assert.ok((await running).text.length > 0);
    await closing;
    await rejectsWith(pool.ping(), 'ASRConnectionFailed');
    assert.equal(pool.stats().workers.length, 0);
  });
});
