/**
 * The durable job queue and the speech job handler on each storage backend, without a server:
 * one claim wins under a race, a lapsed lease is taken over and the old holder can change
 * nothing, leases of a server instance that is gone lapse at once, at most `concurrency` jobs
 * of a kind run at once, failures refund, a job interrupted too often is failed instead of run
 * again, stopping aborts running jobs, and finished entries are purged after their retention.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_AUDIO_LIMITS, decodeAudio } from '../../src/audio/index.js';
import type { PronunciationModel } from '../../src/engines/pronunciation/index.js';
import type { SpeechCaller } from '../../src/speech/accounts/index.js';
import { JobQueue, type JobHandler } from '../../src/jobs/index.js';
import {
  SpeechJobHandler,
  SpeechJobs,
  pcm16ToSamples,
  samplesToPcm16,
} from '../../src/speech/jobs/index.js';
import { StressDictionary } from '../../src/speech/scripted/index.js';
import {
  JobQueueRepository,
  MAX_SPEECH_JOB_ATTEMPTS,
  SPEECH_JOB_KIND,
  ServerInstancesRepository,
  SpeechJobsRepository,
  openStorage,
  type QueueEntry,
} from '../../src/storage/index.js';
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
    let queueRepo: JobQueueRepository;
    let samples: Float32Array;

    before(async () => {
      ctx = await openAccounts(kind);
      repo = new SpeechJobsRepository(ctx.dialect);
      queueRepo = new JobQueueRepository(ctx.dialect);
      samples = (
        await decodeAudio(fixtureAudio(UTTERANCES[0]!.id), { limits: DEFAULT_AUDIO_LIMITS })
      ).samples;
    });
    after(() => ctx.close());

    async function caller(minutes = 5): Promise<SpeechCaller> {
      const c = await ctx.accounts.admin.createClient({ name: 'r', minutes, apis: ['scripted'] });
      const t = await ctx.accounts.admin.createToken(c.clientId);
      return ctx.accounts.authenticate({ token: t.token, api: 'scripted' });
    }

    /** A queue of this process as instance `owner`, with the speech handler over `engine`. */
    /**
     * A queue of this process as instance `owner`, with the speech handler over `engine`; the
     * jobs earlier tests left in the queue are ended first, so it runs only this test's.
     */
    const speechQueue = async (
      owner: string,
      engine: HeldEngine,
      concurrency: number,
      keepAudio = false,
    ) => {
      await ctx.dialect.db
        .withTables<{ job_queue: { state: string } }>()
        .updateTable('job_queue')
        .set({ state: 'done' })
        .execute();
      const queue = new JobQueue(queueRepo, owner, SILENT, { pollMs: 60_000 });
      queue.register(
        SPEECH_JOB_KIND,
        new SpeechJobHandler(
          {
            repo,
            accounts: ctx.accounts,
            scripted: { engine, model: NO_MODEL, stress: new StressDictionary() },
            log: SILENT,
          },
          { engineDeadlineMs: 1000, keepAudio },
        ),
        { concurrency },
      );
      return queue;
    };

    test('of two runners racing for a job, exactly one claims it', async () => {
      const jobs = new SpeechJobs(repo, ctx.accounts, () => undefined);
      const other = (await openStorage(ctx.databaseUrl)).dialect;
      try {
        const otherRepo = new JobQueueRepository(other);
        for (let i = 0; i < 5; i++) {
          const { jobId: job_id } = await jobs.submit(await caller(), PARAMETERS, samples);
          const now = Date.now();
          const [a, b] = await Promise.all([
            queueRepo.claim(job_id, 'vxi_a', now, now + 60_000),
            otherRepo.claim(job_id, 'vxi_b', now, now + 60_000),
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
      const { jobId: job_id } = await jobs.submit(await caller(), PARAMETERS, samples);
      const t = Date.now();
      assert.ok(await queueRepo.claim(job_id, 'vxi_a', t, t + 1000));
      assert.equal(await queueRepo.claim(job_id, 'vxi_b', t + 999, t + 2000), undefined);
      assert.ok(!(await queueRepo.claimable(SPEECH_JOB_KIND, t + 999, 1000)).includes(job_id));
      assert.ok((await queueRepo.claimable(SPEECH_JOB_KIND, t + 1001, 1000)).includes(job_id));
      const taken = await queueRepo.claim(job_id, 'vxi_b', t + 1001, t + 61_000);
      assert.equal(taken?.leaseOwner, 'vxi_b');
      assert.equal(taken?.attempts, 2);
      assert.deepEqual(await queueRepo.renew([job_id], 'vxi_a', t + 5000), []);
      assert.equal(await queueRepo.progress(job_id, 'vxi_a', 50, t), false);
      const late = await repo.finish(job_id, 'vxi_a', { status: 'failed', failure: {} }, t, false);
      assert.equal(late, false);
      assert.equal((await repo.get(job_id))?.status, 'queued', 'the old holder wrote nothing');
      assert.ok(await repo.audio(job_id), 'the audio stays while the job runs');
      const done = await repo.finish(
        job_id,
        'vxi_b',
        { status: 'succeeded', result: {} },
        t,
        false,
      );
      assert.equal(done, true);
      assert.equal((await repo.get(job_id))?.status, 'succeeded');
      assert.equal(await repo.audio(job_id), undefined);
      assert.equal((await queueRepo.get(job_id))?.state, 'done');
    });

    test('the leases of a server instance that is no longer registered lapse at once', async () => {
      const jobs = new SpeechJobs(repo, ctx.accounts, () => undefined);
      const { jobId: job_id } = await jobs.submit(await caller(), PARAMETERS, samples);
      const instances = new ServerInstancesRepository(ctx.dialect);
      const t = Date.now();
      await instances.upsert({
        instanceId: 'vxi_live',
        host: 'h',
        pid: 1,
        startedAt: t,
        heartbeatAt: t,
      });
      assert.ok(await queueRepo.claim(job_id, 'vxi_live', t, t + 3_600_000));
      await queueRepo.releaseOrphanedLeases(t);
      assert.ok(
        !(await queueRepo.claimable(SPEECH_JOB_KIND, t + 1, 1000)).includes(job_id),
        'a live holder keeps it',
      );
      await instances.remove(['vxi_live']);
      assert.ok((await queueRepo.releaseOrphanedLeases(t)) >= 1);
      assert.ok((await queueRepo.claimable(SPEECH_JOB_KIND, t + 1, 1000)).includes(job_id));
    });

    test('at most `concurrency` jobs are scored at once; failed jobs refund their minutes', async () => {
      const engine = new HeldEngine();
      const runner = await speechQueue('vxi_runner', engine, 2, true);
      const jobs = new SpeechJobs(repo, ctx.accounts, () => runner.kick());
      const me = await caller(1);
      const submitted = [];
      for (let i = 0; i < 5; i++) submitted.push(await jobs.submit(me, PARAMETERS, samples));
      const held = await ctx.accounts.admin.getClient(me.clientId);
      assert.equal(held.reservedMs, 5 * 2580);
      runner.start();
      try {
        await engine.whenLoops(2);
        const statuses = await Promise.all(submitted.map((j) => jobs.get(me, j.jobId)));
        assert.equal(statuses.filter((j) => j.status === 'running').length, 2);
        assert.equal(statuses.filter((j) => j.status === 'queued').length, 3);
        engine.failAll();
        await runner.idle();
      } finally {
        await runner.stop();
      }
      assert.equal(engine.maxLoops, 2);
      for (const { jobId: job_id } of submitted) {
        const job = await jobs.get(me, job_id);
        assert.equal(job.status, 'failed');
        assert.equal(job.failure?.name, 'ASRSocketTimeout');
        assert.equal(job.failure?.message, 'ASR timeout');
        assert.ok(await repo.audio(job_id), 'keepAudio keeps it');
      }
      const after = await ctx.accounts.admin.getClient(me.clientId);
      assert.equal(after.reservedMs, 0);
      assert.equal(after.balanceMs, 60_000);
      assert.equal(after.usedMs, 0);
    });

    test(`a job interrupted ${MAX_SPEECH_JOB_ATTEMPTS} times is failed, not run again`, async () => {
      const engine = new HeldEngine();
      const runner = await speechQueue('vxi_runner2', engine, 1);
      const jobs = new SpeechJobs(repo, ctx.accounts, () => undefined);
      const me = await caller();
      const { jobId: job_id } = await jobs.submit(me, PARAMETERS, samples);
      // Three runners that died holding it (their leases lapsed long ago).
      const t = Date.now() - 3_600_000;
      for (let i = 0; i < MAX_SPEECH_JOB_ATTEMPTS; i++)
        assert.ok(await queueRepo.claim(job_id, `vxi_dead${i}`, t + 10 * i, t + 10 * i + 1));
      runner.start();
      await runner.idle();
      await runner.stop();
      const job = await jobs.get(me, job_id);
      assert.equal(job.status, 'failed');
      assert.equal(job.failure?.name, 'FailedToUseAudio');
      assert.equal(engine.calls, 0);
      assert.equal((await ctx.accounts.admin.getClient(me.clientId)).reservedMs, 0);
    });

    test('stopping aborts the jobs in progress; the next claim resumes them', async () => {
      const kind_ = 'test.resumable';
      const done: string[] = [];
      let started = 0;
      const handler: JobHandler = {
        run: async (entry: QueueEntry, jobCtx) => {
          started++;
          // A long job: it works until told to stop, then returns without ending the entry.
          await new Promise<void>((resolve) =>
            jobCtx.signal.addEventListener('abort', () => resolve()),
          );
          if (!jobCtx.signal.aborted) done.push(entry.jobId);
        },
        giveUp: async () => undefined,
      };
      const queue = new JobQueue(queueRepo, 'vxi_stopper', SILENT, { pollMs: 60_000 });
      queue.register(kind_, handler, { concurrency: 3 });
      const t = Date.now();
      const { enqueueWithin } = await import('../../src/storage/job-queue-repository.js');
      for (let i = 0; i < 2; i++)
        await enqueueWithin(ctx.dialect.db.withTables(), {
          jobId: `resume-${t}-${i}`,
          kind: kind_,
          maxAttempts: 5,
          now: t,
        });
      queue.start();
      for (let i = 0; i < 100 && started < 2; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(started, 2);
      await queue.stop();
      assert.deepEqual(done, []);
      for (let i = 0; i < 2; i++) {
        const entry = await queueRepo.get(`resume-${t}-${i}`);
        assert.equal(entry?.state, 'running', 'not ended: still to do');
      }
      // The stopped process's instance is gone: its leases lapse, another claims the jobs.
      assert.ok((await queueRepo.releaseOrphanedLeases(Date.now())) >= 2);
      assert.ok(
        (await queueRepo.claim(`resume-${t}-0`, 'vxi_next', Date.now(), Date.now() + 1000))
          ?.attempts === 2,
      );
    });

    test('finished entries are purged after their retention, with the kind told', async () => {
      const kind_ = 'test.purged';
      const purged: string[] = [];
      let now = Date.now();
      const queue = new JobQueue(queueRepo, 'vxi_purger', SILENT, {
        pollMs: 60_000,
        now: () => now,
      });
      queue.register(
        kind_,
        {
          run: async (entry, jobCtx) => {
            await queueRepo.complete(entry.jobId, jobCtx.owner, now);
          },
          giveUp: async () => undefined,
        },
        {
          concurrency: 1,
          retentionMs: 3_600_000,
          onPurge: async (ids) => void purged.push(...ids),
        },
      );
      const { enqueueWithin } = await import('../../src/storage/job-queue-repository.js');
      const id = `purge-${now}`;
      await enqueueWithin(ctx.dialect.db.withTables(), {
        jobId: id,
        kind: kind_,
        maxAttempts: 1,
        now,
      });
      queue.start();
      await queue.idle();
      assert.equal((await queueRepo.get(id))?.state, 'done');
      now += 3_600_000 + 61_000;
      queue.kick();
      await queue.idle();
      await queue.stop();
      assert.deepEqual(purged, [id]);
      assert.equal(await queueRepo.get(id), undefined);
    });
  });
}
