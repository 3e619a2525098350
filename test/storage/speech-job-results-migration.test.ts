/**
 * Migration 0011 rewrites async job results and errors stored in the wire shape into the speech
 * domain's shapes: a job finished before the upgrade reads, and answers on the wire, exactly as
 * it did before.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Migrator, type Kysely } from 'kysely';
import { connectByUrl } from '../../src/storage/open-storage.js';
import { MIGRATIONS } from '../../src/storage/migrations/index.js';
import { SpeechJobsRepository } from '../../src/storage/index.js';
import { jobView } from '../../src/speech/jobs/index.js';
import type { ScriptedAssessment } from '../../src/speech/scripted/index.js';
import {
  scriptedJobToElsa,
  scriptedResultToElsa,
} from '../../src/protocols/speech/elsa-scripted.js';
import { createTestDatabase, databaseUrlOf, testDatabaseKinds } from '../support/test-databases.js';

const ASSESSMENT: ScriptedAssessment = {
  plan: 'premium',
  totalTime: 2.58,
  modelVersion: 'gop-2026.11',
  utterances: [
    {
      sentence: 'We call it bear',
      sentenceId: 0,
      totalTime: 2.58,
      initialSilence: true,
      attemptType: 'COMPLETE',
      score: 71,
      decision: 'almost',
      startTime: 0.31,
      endTime: 2.2,
      words: [
        {
          text: 'We',
          startIndex: 0,
          endIndex: 1,
          startTime: 0.31,
          endTime: 0.52,
          pronunciation: 'W IY',
          score: 88,
          decision: 'correct',
          omitted: false,
          phonemes: [
            { phone: 'W', startTime: 0.31, endTime: 0.4, score: 90, decision: 'correct' },
            { phone: 'IY', startTime: 0.4, endTime: 0.52, score: 86, decision: 'correct' },
          ],
          stress: null,
        },
        {
          text: 'bear',
          startIndex: 11,
          endIndex: 14,
          startTime: 1.7,
          endTime: 2.2,
          pronunciation: 'B EH R',
          score: 40,
          decision: 'incorrect',
          omitted: false,
          phonemes: [
            { phone: 'B', startTime: 1.7, endTime: 1.8, score: 60, decision: 'almost' },
            { phone: 'EH', startTime: 1.8, endTime: 2.0, score: 30, decision: 'incorrect' },
            { phone: 'R', startTime: 2.0, endTime: 2.2, score: 35, decision: 'incorrect' },
          ],
          stress: {
            syllables: 2,
            expectedStressedSyllable: 0,
            detectedStressedSyllable: 1,
            decision: 'incorrect',
          },
        },
      ],
      insertedSpeech: [{ startTime: 1.1, endTime: 1.3 }],
      fluency: {
        score: 64,
        speechRateWpm: 127,
        articulationRate: 9.5,
        pauses: [{ startTime: 0.9, endTime: 1.25 }],
        pauseTime: 0.35,
      },
    },
  ],
};

/**
 * A failed job's error as stored before 0011: the error body without a request id (the
 * exception name had overwritten ASRInterProcessException's `error` parameter; its message
 * still carries the detail).
 */
const OLD_ERROR = {
  status: 'error',
  error: 'ASRInterProcessException',
  message: 'exception in ASR: worker exited',
};

for (const kind of testDatabaseKinds()) {
  describe(`migration 0011: speech job results in the domain's shape (${kind})`, () => {
    test('wire-shaped results and errors read back as the domain and map to the same wire', async () => {
      const database = await createTestDatabase(kind);
      const dialect = await connectByUrl(databaseUrlOf(database));
      try {
        const migrator = new Migrator({
          db: dialect.db,
          provider: { getMigrations: async () => MIGRATIONS },
        });
        assert.equal((await migrator.migrateTo('0010-job-queue')).error, undefined);
        const row = (id: string, status: string, result: unknown, error: unknown) => ({
          job_id: id,
          client_id: 'c1',
          end_user_id: null,
          status,
          parameters: '{}',
          audio_ms: 2580,
          reservation_id: `r-${id}`,
          reserved_ms: 2580,
          reservation_expires_at: 0,
          result: result === null ? null : JSON.stringify(result),
          error: error === null ? null : JSON.stringify(error),
          created_at: 1,
          updated_at: 2,
          version: 1,
        });
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tables of 0010, not of today's Database type
        const old = dialect.db as unknown as Kysely<any>;
        await old
          .insertInto('speech_clients')
          .values({
            client_id: 'c1',
            name: 'c',
            active: 1,
            apis: 'scripted',
            created_at: 0,
            updated_at: 0,
          })
          .execute();
        const wire = scriptedResultToElsa(ASSESSMENT);
        await old
          .insertInto('speech_jobs')
          .values([
            row('j-ok', 'succeeded', wire, null),
            row('j-failed', 'failed', null, OLD_ERROR),
            row('j-queued', 'queued', null, null),
          ])
          .execute();

        const { error } = await migrator.migrateToLatest();
        assert.equal(error, undefined);

        const repo = new SpeechJobsRepository(dialect);
        const ok = jobView((await repo.get('j-ok'))!);
        assert.deepEqual(ok.result, ASSESSMENT);
        assert.deepEqual(scriptedResultToElsa(ok.result!), wire);
        const failed = jobView((await repo.get('j-failed'))!);
        assert.deepEqual(failed.failure, {
          name: 'ASRInterProcessException',
          message: 'exception in ASR: worker exited',
          params: {},
        });
        assert.deepEqual(scriptedJobToElsa(failed).error, OLD_ERROR);
        const queued = jobView((await repo.get('j-queued'))!);
        assert.equal(queued.status, 'queued');
        assert.equal(queued.result, undefined);
        assert.equal(queued.failure, undefined);
      } finally {
        await dialect.db.destroy();
        await database.drop();
      }
    });
  });
}
