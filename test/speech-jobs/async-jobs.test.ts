/**
 * Async scoring (mode=async) end to end through a real `voxgate serve`: 202 with a result link,
 * the job polled until it succeeds, minutes charged for the audio's duration; jobs of other
 * clients (and of other end users, for a token bound to one) are SpeechJobNotFound; an engine
 * failure ends the job failed with the catalogued error and the minutes refunded.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FAULT_FILE_ENV } from '../../src/engines/asr/asr-protocol.js';
import { TestApp } from '../support/test-app.js';
import { testDatabaseKinds } from '../support/test-databases.js';
import {
  Operator,
  UTTERANCES,
  ended,
  getJob,
  submit,
  submitted,
} from './support/speech-jobs-fixtures.js';

// The engine workers' test-only fault hook (asr-worker.ts): the server passes its environment
// to its workers, and a missing file means no fault.
const faultDir = mkdtempSync(path.join(os.tmpdir(), 'voxgate-jobs-fault-'));
const faultFile = path.join(faultDir, 'fault');
process.env[FAULT_FILE_ENV] = faultFile;
after(() => rmSync(faultDir, { recursive: true, force: true }));

const [WE_CALL_IT_BEAR, RACE] = UTTERANCES as [
  (typeof UTTERANCES)[number],
  (typeof UTTERANCES)[number],
];

for (const kind of testDatabaseKinds()) {
  describe(`speech jobs: async scoring (${kind})`, () => {
    let server: TestApp;
    let operator: Operator;

    before(async () => {
      server = await TestApp.start(kind, ['--asr-workers', '2']);
      operator = await Operator.of(server);
    });
    after(async () => {
      await server?.stopAndDrop();
    });

    test('mode=async answers 202 with a result link; the job succeeds and is charged its audio', async () => {
      const { clientId, token } = await operator.client(5);
      const before = await operator.balance(clientId);
      const answer = await submit(server, token, WE_CALL_IT_BEAR, { api_plan: 'premium' });
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      const job = answer.body as { job_id: string; status: string; result_link: string };
      assert.match(job.job_id, /^vxj_[0-9a-f]{24}$/);
      assert.ok(['queued', 'running', 'succeeded'].includes(job.status), job.status);
      assert.equal(job.result_link, `/api/v2/score_audio/jobs/${job.job_id}`);
      assert.equal(answer.location, job.result_link);
      assert.equal(answer.body.audio_duration, 2.58);
      assert.ok(!Number.isNaN(Date.parse(String(answer.body.created_at))));

      const done = await ended(server, token, job.job_id);
      assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
      assert.equal(done.error, undefined);
      const result = done.result!;
      assert.equal(result.api_plan, 'premium');
      assert.equal(result.total_time, 2.58);
      const utterance = result.utterance[0]!;
      assert.equal(utterance.sentence, WE_CALL_IT_BEAR.sentence);
      assert.deepEqual(
        utterance.words.map((w) => w.text.toLowerCase()),
        ['we', 'call', 'it', 'bear'],
      );
      assert.ok(utterance.words.every((w) => w.phonemes.length > 0));
      assert.ok(utterance.fluency, 'premium adds fluency');
      assert.ok(Date.parse(done.updated_at) >= Date.parse(done.created_at));

      const after = await operator.balance(clientId);
      assert.equal(after.balanceMs, before.balanceMs - 2580);
      assert.equal(after.usedMs, 2580);
      assert.equal(after.reservedMs, 0);
    });

    test('a job is visible to its own client only: others get SpeechJobNotFound', async () => {
      const owner = await operator.client(5);
      const other = await operator.client(5);
      const job = await submitted(server, owner.token, RACE);
      await ended(server, owner.token, job.job_id);

      const foreign = await getJob(server, other.token, job.job_id);
      assert.equal(foreign.status, 404);
      assert.equal(foreign.body.error, 'SpeechJobNotFound');
      assert.equal(foreign.body.job_id, job.job_id);
      assert.equal(foreign.body.message, `No scoring job ${job.job_id} for this client`);
      assert.equal(foreign.body.result, undefined);

      const unknown = await getJob(server, owner.token, 'vxj_000000000000000000000000');
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.error, 'SpeechJobNotFound');
      const junk = await getJob(server, owner.token, 'x'.repeat(60));
      assert.equal(junk.status, 404);
      assert.equal(junk.body.error, 'SpeechJobNotFound');

      const noToken = await fetch(`${server.url}${job.result_link}`);
      assert.equal(noToken.status, 401);
      assert.equal(((await noToken.json()) as { error: string }).error, 'NoTokenProvided');
    });

    test("a token bound to an end user sees that end user's jobs, the client's token all of them", async () => {
      const client = await operator.client(5, ['ann', 'bob']);
      const annToken = await operator.token(client.clientId, 'ann');
      const bobToken = await operator.token(client.clientId, 'bob');
      const annJob = await submitted(server, annToken, WE_CALL_IT_BEAR);
      assert.equal((await getJob(server, bobToken, annJob.job_id)).body.error, 'SpeechJobNotFound');
      assert.equal((await ended(server, annToken, annJob.job_id)).status, 'succeeded');
      assert.equal((await ended(server, client.token, annJob.job_id)).status, 'succeeded');
    });

    test('no minutes for the audio: ClientHasNoMoreMinutes at submission, no job', async () => {
      const poor = await operator.client(0.02); // 1.2 s, the audio is 2.58 s
      const answer = await submit(server, poor.token, WE_CALL_IT_BEAR);
      assert.equal(answer.status, 402, JSON.stringify(answer.body));
      assert.equal(answer.body.error, 'ClientHasNoMoreMinutes');
      assert.equal(answer.body.job_id, undefined);
      const after = await operator.balance(poor.clientId);
      assert.equal(after.reservedMs, 0);
      assert.equal(after.balanceMs, 1200);
    });

    test('an engine failure ends the job failed with the catalogued error; its minutes are refunded', async () => {
      const { clientId, token } = await operator.client(5);
      // The next engine call a worker takes kills that worker: the job's alignment or phone loop.
      writeFileSync(faultFile, 'exit');
      const job = await submitted(server, token, RACE);
      const done = await ended(server, token, job.job_id);
      assert.equal(existsSync(faultFile), false, 'a worker took the fault');
      assert.equal(done.status, 'failed');
      assert.equal(done.result, undefined);
      assert.equal(done.error?.error, 'ASRInterProcessException');
      assert.equal(done.error?.status, 'error');
      assert.match(String(done.error?.message), /^exception in ASR: /);
      const balance = await operator.balance(clientId);
      assert.equal(balance.balanceMs, 5 * 60_000);
      assert.equal(balance.usedMs, 0);
      assert.equal(balance.reservedMs, 0);

      // The pool replaced the worker: the next job succeeds.
      const next = await submitted(server, token, RACE);
      assert.equal((await ended(server, token, next.job_id)).status, 'succeeded');
    });
  });
}
