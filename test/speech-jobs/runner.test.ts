/**
 * The job runner and its repository on each storage backend, without a server: one claim wins
 * under a race, a lapsed lease is taken over and the old holder can change nothing, at most
 * `concurrency` jobs are scored at once, failures refund, and a job interrupted too often is
 * failed instead of run again.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_AUDIO_LIMITS, decodeAudio } from '../../src/audio/index.js';
import type { PronunciationModel } from '../../src/engines/pronunciation/index.js';
import type { SpeechCaller } from '../../src/speech/accounts/index.js';
import {
  MAX_JOB_ATTEMPTS,
  SpeechJobRunner,
  SpeechJobs,
  pcm16ToSamples,
  samplesToPcm16,
} from '../../src/speech/jobs/index.js';
import { SpeechJobsRepository, openStorage } from '../../src/storage/index.js';
import { testDatabaseKinds } from '../support/test-databases.js';
import {
  openAccounts,
  type AccountsContext,
} from '../speech-accounts/support/accounts-fixtures.js';
import { HeldEngine } from './support/held-engine.js';
import { UTTERANCES, fixtureAudio } from './support/speech-jobs-fixtures.js';

const SILENT = { info: () => undefined, error: () => undefined };
// Never reached: every engine call of these tests fails before anything is scored.
const NO_MODEL = { version: 'unused' } as unknown as PronunciationModel;
const PARAMETERS = { sentences: [UTTERANCES[0]!.sentence], plan: 'standard' as const };

test('16-bit PCM round trip gives back exactly what the engines would be sent', async () => {
  const { samples } = await decodeAudio(fixtureAudio(UTTERANCES[0]!.id), {
    limits: DEFAULT_AUDIO_LIMITS,
  });
  const back = pcm16ToSamples(samplesToPcm16(samples));
  assert.equal(back.length, samples.length);
  assert.deepEqual(samplesToPcm16(back), samplesToPcm16(samples));
});

for (const kind of testDatabaseKinds()) {
  describe(`speech jobs: runner and repository (${kind})`, () => {
    let ctx: AccountsContext;
    let repo: SpeechJobsRepository;
    let samples: Float32Array;

    before(async () => {
      ctx = await openAccounts(kind);
      repo = new SpeechJobsRepository(ctx.dialect);
      samples = (
        await decodeAudio(fixtureAudio(UTTERANCES[0]!.id), { limits: DEFAULT_AUDIO_LIMITS })
      ).samples;
    });
    after(() => ctx.close());

    async function caller(minutes = 5): Promise<SpeechCaller> {
      const c = await ctx.accounts.admin.createClient({ name: 'r', minutes, apis: ['scripted'] });
      const t = await ctx.accounts.admin.createToken(c.clientId);
      return ctx.accounts.authenticate({ authorization: `ELSA ${t.token}`, api: 'scripted' });
    }

    test('of two runners racing for a job, exactly one claims it', async () => {
      const jobs = new SpeechJobs(repo, ctx.accounts, () => undefined);
      const other = (await openStorage(ctx.databaseUrl)).dialect;
      try {
        const otherRepo = new SpeechJobsRepository(other);
        for (let i = 0; i < 5; i++) {
          const { job_id } = await jobs.submit(await caller(), PARAMETERS, samples);
          const now = Date.now();
          const [a, b] = await Promise.all([
            repo.claim(job_id, 'vxw_a', now, now + 60_000),
            otherRepo.claim(job_id, 'vxw_b', now, now + 60_000),
          ]);
          assert.equal([a, b].filter((c) => c !== undefined).length, 1);
          assert.equal((a ?? b)!.attempts, 1);
        }
      } finally {
        await other.db.destroy();
      }
    });

    test('a lapsed lease is taken over; the old holder can neither renew nor finish', async () => {
      const jobs = new SpeechJobs(repo, ctx.accounts, () => undefined);
      const { job_id } = await jobs.submit(await caller(), PARAMETERS, samples);
      const t = Date.now();
      assert.ok(await repo.claim(job_id, 'vxw_a', t, t + 1000));
      assert.equal(await repo.claim(job_id, 'vxw_b', t + 999, t + 2000), undefined);
      assert.ok(!(await repo.claimable(t + 999, 1000)).includes(job_id));
      assert.ok((await repo.claimable(t + 1001, 1000)).includes(job_id));
      const taken = await repo.claim(job_id, 'vxw_b', t + 1001, t + 61_000);
      assert.equal(taken?.leaseOwner, 'vxw_b');
      assert.equal(taken?.attempts, 2);
      assert.equal(await repo.renew(job_id, 'vxw_a', t + 5000), false);
      const late = await repo.finish(job_id, 'vxw_a', { status: 'failed', error: '{}' }, t, false);
      assert.equal(late, false);
      assert.ok(await repo.audio(job_id), 'the audio stays while the job runs');
      const done = await repo.finish(
        job_id,
        'vxw_b',
        { status: 'succeeded', result: '{}' },
        t,
        false,
      );
      assert.equal(done, true);
      assert.equal((await repo.get(job_id))?.status, 'succeeded');
      assert.equal(await repo.audio(job_id), undefined);
    });

    test('at most `concurrency` jobs are scored at once; failed jobs refund their minutes', async () => {
      const engine = new HeldEngine();
      const runner = new SpeechJobRunner(
        { repo, accounts: ctx.accounts, engine, model: NO_MODEL, log: SILENT },
        { concurrency: 2, engineDeadlineMs: 1000, keepAudio: true, pollMs: 60_000 },
      );
      const jobs = new SpeechJobs(repo, ctx.accounts, () => runner.kick());
      const me = await caller(1);
      const submitted = [];
      for (let i = 0; i < 5; i++) submitted.push(await jobs.submit(me, PARAMETERS, samples));
      const held = await ctx.accounts.admin.getClient(me.clientId);
      assert.equal(held.reservedMs, 5 * 2580);
      runner.start();
      try {
        await engine.whenLoops(2);
        const statuses = await Promise.all(submitted.map((j) => jobs.get(me, j.job_id)));
        assert.equal(statuses.filter((j) => j.status === 'running').length, 2);
        assert.equal(statuses.filter((j) => j.status === 'queued').length, 3);
        engine.failAll();
        await runner.idle();
      } finally {
        await runner.stop();
      }
      assert.equal(engine.maxLoops, 2);
      for (const { job_id } of submitted) {
        const job = await jobs.get(me, job_id);
        assert.equal(job.status, 'failed');
        assert.equal(job.error?.error, 'ASRSocketTimeout');
        assert.equal(job.error?.message, 'ASR timeout');
        assert.ok(await repo.audio(job_id), 'keepAudio keeps it');
      }
      const after = await ctx.accounts.admin.getClient(me.clientId);
      assert.equal(after.reservedMs, 0);
      assert.equal(after.balanceMs, 60_000);
      assert.equal(after.usedMs, 0);
    });

    test(`a job interrupted ${MAX_JOB_ATTEMPTS} times is failed, not run again`, async () => {
      const engine = new HeldEngine();
      const jobs = new SpeechJobs(repo, ctx.accounts, () => undefined);
      const me = await caller();
      const { job_id } = await jobs.submit(me, PARAMETERS, samples);
      // Three runners that died holding it (their leases lapsed long ago).
      const t = Date.now() - 3_600_000;
      for (let i = 0; i < MAX_JOB_ATTEMPTS; i++)
        assert.ok(await repo.claim(job_id, `vxw_dead${i}`, t + 10 * i, t + 10 * i + 1));
      const runner = new SpeechJobRunner(
        { repo, accounts: ctx.accounts, engine, model: NO_MODEL, log: SILENT },
        { concurrency: 1, engineDeadlineMs: 1000, pollMs: 60_000 },
      );
      runner.start();
      await runner.idle();
      await runner.stop();
      const job = await jobs.get(me, job_id);
      assert.equal(job.status, 'failed');
      assert.equal(job.error?.error, 'FailedToUseAudio');
      assert.equal(engine.calls, 0);
      assert.equal((await ctx.accounts.admin.getClient(me.clientId)).reservedMs, 0);
    });
  });
}
