/**
 * An acknowledged async job is never lost: the server is killed with SIGKILL right after the
 * 202s, while jobs are still queued or running; restarted on the same database, it runs them
 * (a running job once its lease has lapsed) and charges each job's minutes exactly once.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpeechJobsRepository, openStorage } from '../../src/storage/index.js';
import { ServerProcess } from '../support/server-process.js';
import {
  createTestDatabase,
  databaseUrlOf,
  testDatabaseKinds,
  type TestDatabase,
} from '../support/test-databases.js';
import { Operator, UTTERANCES, ended, submitted } from './support/speech-jobs-fixtures.js';

// One job at a time and a short lease: several jobs are still waiting when the server dies, and
// the one it was running is taken over a second after the restart.
const ARGS = [
  '--asr-workers',
  '2',
  '--speech-job-concurrency',
  '1',
  '--speech-job-lease-ms',
  '1000',
];

for (const kind of testDatabaseKinds()) {
  describe(`speech jobs: restart (${kind})`, () => {
    let database: TestDatabase;
    let server: ServerProcess | undefined;
    after(async () => {
      await server?.stop();
      await database?.drop();
    });

    test('jobs acknowledged before a kill -9 complete after the restart, charged once', async () => {
      database = await createTestDatabase(kind);
      server = await ServerProcess.start(kind, ARGS, database);
      const operator = await Operator.of(server);
      const { clientId, token } = await operator.client(5);
      const jobs = [];
      for (const utterance of [...UTTERANCES, ...UTTERANCES])
        jobs.push(await submitted(server, token, utterance));
      await server.stop('SIGKILL');

      // What the killed server left behind: every job durable, some not yet done.
      const { dialect } = await openStorage(databaseUrlOf(database));
      try {
        const repo = new SpeechJobsRepository(dialect);
        const rows = await Promise.all(jobs.map((j) => repo.get(j.job_id)));
        assert.ok(rows.every((r) => r !== undefined));
        const unfinished = rows.filter((r) => r!.status === 'queued' || r!.status === 'running');
        assert.ok(unfinished.length > 0, 'the kill came before every job had ended');
        for (const r of unfinished) assert.ok(await repo.audio(r!.jobId), 'its audio is stored');
      } finally {
        await dialect.db.destroy();
      }

      server = await ServerProcess.start(kind, ARGS, database);
      let chargedMs = 0;
      for (const job of jobs) {
        const done = await ended(server, token, job.job_id, 30_000);
        assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
        assert.ok(done.result!.utterance[0]!.words.length > 0);
        chargedMs += Math.round(job.audio_duration * 1000);
      }
      const balance = await (await Operator.of(server)).balance(clientId);
      assert.equal(balance.usedMs, chargedMs);
      assert.equal(balance.balanceMs, 5 * 60_000 - chargedMs);
      assert.equal(balance.reservedMs, 0);

      // Finished jobs keep no audio (speechJobKeepAudio is false by default).
      const reopened = (await openStorage(databaseUrlOf(database))).dialect;
      try {
        const repo = new SpeechJobsRepository(reopened);
        for (const job of jobs) assert.equal(await repo.audio(job.job_id), undefined);
      } finally {
        await reopened.db.destroy();
      }
    });
  });
}
