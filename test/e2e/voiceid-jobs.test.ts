/**
 * Voice ID batch jobs end to end (docs/voiceid.md, "Batch jobs and the blob store"):
 * StartSpeakerEnrollmentJob / StartFraudsterRegistrationJob through the SDK with manifests put
 * in the blob store by `voxgate admin blobs put`: the started job (SUBMITTED, echoed inputs,
 * defaults filled), the background runner ending it (FAILED 400 for a missing or malformed
 * manifest; a valid manifest whose audio is not in the blob store ends COMPLETED_WITH_ERRORS with
 * one item error per request, never an invented voiceprint: real audio is processed in
 * voiceid-jobs-processing.test.ts), idempotency on
 * ClientToken, validation at start (model constraints, watchlists, the output KMS key, an ACTIVE
 * domain), Describe*Job not-found cases, List*Jobs pagination and the JobStatus filter, and a
 * job that survives a SIGKILL of the server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateWatchlistCommand, type VoiceIDClient } from '@aws-sdk/client-voice-id';
import type { TestServer } from '../support/server-process.js';
import { testDatabaseKinds } from '../support/test-databases.js';
import {
  HOOK_TIMEOUT,
  TEST_TIMEOUT,
  assertConflict,
  assertNotFound,
  assertRecentDate,
  assertValidation,
  clientToken,
  createDomain,
  createKey,
  disableKey,
  enableKey,
  randomUniqueId,
  rejection,
  startVoiceIdServer,
  tamper,
  uniqueName,
  type TestKey,
  type VoiceIdServer,
} from '../support/voiceid-fixtures.js';
import {
  AUDIO_URI,
  JOB_ID_PATTERN,
  JOB_KINDS,
  OUTPUT_URI,
  ROLE_ARN,
  assertBatchJobNotFound,
  jobApi,
  manifest,
  manifestRequest,
  manifestUri,
  getBlob,
  plain,
  putBlob,
  storedJobStatuses,
  waitForJobEnd,
  type AnyJob,
  type JobApi,
  type JobKind,
  type StartInput,
} from '../support/voiceid-jobs-fixtures.js';

/** The model validator's wording (AWS: "1 validation error detected: Value ... at 'member' ..."). */
const modelViolation = (member: string): RegExp =>
  new RegExp(`^\\d+ validation errors? detected: .*at '${member}' failed to satisfy constraint`);

const NOT_ACTIVE = 'The domain is not active.';
/** The item error of a request whose audio (AUDIO_URI) is not in the blob store. */
const MISSING_AUDIO = /The audio file s3:\/\/input-bucket\/a\.wav does not exist/;

/** The members a job keeps from start to end (everything but status, end and failure). */
const echoed = (job: AnyJob) =>
  plain({
    JobName: job.JobName,
    JobId: job.JobId,
    DomainId: job.DomainId,
    DataAccessRoleArn: job.DataAccessRoleArn,
    InputDataConfig: job.InputDataConfig,
    OutputDataConfig: job.OutputDataConfig,
    EnrollmentConfig: job.EnrollmentConfig,
    RegistrationConfig: job.RegistrationConfig,
    CreatedAt: job.CreatedAt,
  });

/**
 * A just-started job: a fresh JobId, the domain, CreatedAt. Its status is checked loosely here
 * (the runner may already have claimed or ended it by the time it is read back, see the two
 * "valid manifest" tests, which insist on SUBMITTED): a job that has not ended has no EndedAt
 * and no FailureDetails.
 */
function assertStarted(job: AnyJob, domainId: string, what: string): string {
  assert.match(job.JobId ?? '', JOB_ID_PATTERN, `${what}: JobId is 22 alphanumerics`);
  assert.ok(
    ['SUBMITTED', 'IN_PROGRESS', 'FAILED', 'COMPLETED_WITH_ERRORS'].includes(job.JobStatus ?? ''),
    `${what}: JobStatus ${job.JobStatus}`,
  );
  assert.equal(job.DomainId, domainId, `${what}: DomainId`);
  assertRecentDate(job.CreatedAt, `${what}: CreatedAt`);
  if (job.JobStatus === 'SUBMITTED' || job.JobStatus === 'IN_PROGRESS') {
    assert.equal(job.EndedAt, undefined, `${what}: no EndedAt yet`);
    assert.equal(job.FailureDetails, undefined, `${what}: no FailureDetails yet`);
  }
  return job.JobId!;
}

/** What Start*Job answers: the job as recorded, SUBMITTED, nothing ended or failed yet. */
function assertSubmitted(job: AnyJob, what: string): void {
  assert.equal(
    job.JobStatus,
    'SUBMITTED',
    `${what}: Start*Job answers the new job as SUBMITTED (got ${job.JobStatus}` +
      `${job.FailureDetails ? `, ${JSON.stringify(job.FailureDetails)}` : ''})`,
  );
  assert.equal(job.EndedAt, undefined, `${what}: no EndedAt yet`);
  assert.equal(job.FailureDetails, undefined, `${what}: no FailureDetails yet`);
  assert.deepEqual(job.JobProgress, { PercentComplete: 0 }, `${what}: JobProgress 0`);
}

/** An ended job: FAILED with `statusCode`, EndedAt, JobProgress; the echoed members unchanged. */
function assertFailed(job: AnyJob, started: AnyJob, statusCode: number, what: string): string {
  assert.equal(job.JobStatus, 'FAILED', `${what}: ${JSON.stringify(job.FailureDetails)}`);
  assert.equal(
    job.FailureDetails?.StatusCode,
    statusCode,
    `${what}: FailureDetails ${JSON.stringify(job.FailureDetails)}`,
  );
  const message = job.FailureDetails?.Message ?? '';
  assert.match(message, /\S/, `${what}: FailureDetails.Message is present`);
  const createdAt = assertRecentDate(job.CreatedAt, `${what}: CreatedAt`);
  const endedAt = assertRecentDate(job.EndedAt, `${what}: EndedAt`);
  assert.ok(endedAt.getTime() >= createdAt.getTime(), `${what}: EndedAt >= CreatedAt`);
  assert.ok(job.JobProgress, `${what}: JobProgress is present`);
  assert.equal(typeof job.JobProgress.PercentComplete, 'number', `${what}: PercentComplete`);
  assert.ok(
    job.JobProgress.PercentComplete! >= 0 && job.JobProgress.PercentComplete! <= 100,
    `${what}: PercentComplete within 0..100`,
  );
  assert.deepEqual(echoed(job), echoed(started), `${what}: the job's inputs are unchanged`);
  return message;
}

/**
 * An ended job whose requests all failed as items (their audio is missing):
 * COMPLETED_WITH_ERRORS, no FailureDetails, JobProgress 100, the inputs unchanged; the output
 * file at <OutputDataConfig.S3Uri>/<JobId>/manifest.json.out lists one 400 per request.
 */
async function assertItemErrors(
  server: TestServer,
  job: AnyJob,
  started: AnyJob,
  what: string,
  problem: RegExp = MISSING_AUDIO,
): Promise<void> {
  assert.equal(job.JobStatus, 'COMPLETED_WITH_ERRORS', `${what}: ${JSON.stringify(job)}`);
  assert.equal(job.FailureDetails, undefined, `${what}: no FailureDetails`);
  assert.deepEqual(job.JobProgress, { PercentComplete: 100 }, `${what}: JobProgress`);
  const createdAt = assertRecentDate(job.CreatedAt, `${what}: CreatedAt`);
  const endedAt = assertRecentDate(job.EndedAt, `${what}: EndedAt`);
  assert.ok(endedAt.getTime() >= createdAt.getTime(), `${what}: EndedAt >= CreatedAt`);
  assert.deepEqual(echoed(job), echoed(started), `${what}: the job's inputs are unchanged`);
  const outUri = `${job.OutputDataConfig!.S3Uri!.replace(/\/+$/, '')}/${job.JobId}/manifest.json.out`;
  const bytes = await getBlob(server, outUri);
  assert.ok(bytes, `${what}: the output file ${outUri}`);
  const output = JSON.parse(bytes.toString('utf8')) as {
    Version: string;
    Errors: { RequestId: string; ErrorCode: number; ErrorMessage: string }[];
  };
  assert.equal(output.Version, '1.0');
  assert.ok(output.Errors.length > 0, `${what}: item errors`);
  for (const e of output.Errors) {
    assert.equal(e.ErrorCode, 400, `${what}: ${JSON.stringify(e)}`);
    assert.match(e.ErrorMessage, problem, `${what}: ${JSON.stringify(e)}`);
  }
}

for (const kind of testDatabaseKinds()) {
  describe(`Voice ID batch jobs (${kind})`, () => {
    let ctx: VoiceIdServer;
    let client: VoiceIDClient;
    let key: TestKey;
    let domainId: string;
    let defaultWatchlistId: string;
    /** A valid one-request manifest per job type, put once. */
    const validUri = {} as Record<JobKind, string>;
    // Jobs of one kind run one at a time per domain (402 otherwise): starts wait for the slot.
    const api = (k: JobKind, domain = domainId): JobApi =>
      jobApi(client, domain, k, { waitForSlot: true });

    before(
      async () => {
        ctx = await startVoiceIdServer(kind);
        client = ctx.client;
        key = await createKey(ctx.server, 'jobs');
        const domain = await createDomain(client, key.KeyId);
        domainId = domain.DomainId;
        defaultWatchlistId = domain.WatchlistDetails?.DefaultWatchlistId ?? '';
        assert.match(defaultWatchlistId, /^[a-zA-Z0-9]{22}$/);
        for (const k of JOB_KINDS) {
          validUri[k] = manifestUri(`valid-${k}`);
          await putBlob(ctx.server, validUri[k], manifest(k));
        }
      },
      { timeout: HOOK_TIMEOUT },
    );
    after(() => ctx?.server.stopAndDrop(), { timeout: HOOK_TIMEOUT });

    // ---- a valid manifest: SUBMITTED, then ended with an item error (its audio is missing)

    test(
      'StartSpeakerEnrollmentJob with a valid manifest: SUBMITTED with defaults, then COMPLETED_WITH_ERRORS (its audio is missing)',
      { timeout: TEST_TIMEOUT },
      async () => {
        const jobs = api('enrollment');
        const name = uniqueName('enroll');
        const started = await jobs.start({
          JobName: name,
          ClientToken: clientToken(),
          InputDataConfig: { S3Uri: validUri.enrollment },
          OutputDataConfig: { S3Uri: OUTPUT_URI },
        });
        const jobId = assertStarted(started, domainId, 'StartSpeakerEnrollmentJob');
        assert.equal(started.JobName, name);
        assert.equal(started.DataAccessRoleArn, ROLE_ARN);
        assert.deepEqual(plain(started.InputDataConfig), { S3Uri: validUri.enrollment });
        assert.deepEqual(plain(started.OutputDataConfig), { S3Uri: OUTPUT_URI });
        assert.deepEqual(
          plain(started.EnrollmentConfig),
          {
            ExistingEnrollmentAction: 'SKIP',
            FraudDetectionConfig: {
              FraudDetectionAction: 'FAIL',
              WatchlistIds: [defaultWatchlistId],
            },
          },
          'the defaults: SKIP, FAIL on the default watchlist, no RiskThreshold',
        );
        assert.equal(started.RegistrationConfig, undefined);

        const { job, seen } = await waitForJobEnd(jobs, jobId);
        await assertItemErrors(ctx.server, job, started, `enrollment job (${seen.join(' → ')})`);

        // List*Jobs shows the same job.
        const summary = (await jobs.listAll()).find((s) => s.JobId === jobId);
        assert.ok(summary, 'ListSpeakerEnrollmentJobs lists the job');
        assert.deepEqual(
          plain(summary),
          plain({
            JobName: job.JobName,
            JobId: job.JobId,
            JobStatus: job.JobStatus,
            DomainId: job.DomainId,
            CreatedAt: job.CreatedAt,
            EndedAt: job.EndedAt,
            FailureDetails: job.FailureDetails,
            JobProgress: job.JobProgress,
          }),
          'the summary agrees with Describe',
        );
        // Last, so that everything else above is checked whatever the race below does.
        assertSubmitted(started, 'StartSpeakerEnrollmentJob');
      },
    );

    test(
      'StartFraudsterRegistrationJob with a valid manifest: SUBMITTED with defaults, then COMPLETED_WITH_ERRORS (its audio is missing)',
      { timeout: TEST_TIMEOUT },
      async () => {
        const jobs = api('registration');
        const name = uniqueName('register');
        const started = await jobs.start({
          JobName: name,
          InputDataConfig: { S3Uri: validUri.registration },
          OutputDataConfig: { S3Uri: OUTPUT_URI },
        });
        const jobId = assertStarted(started, domainId, 'StartFraudsterRegistrationJob');
        assert.equal(started.JobName, name);
        assert.equal(started.DataAccessRoleArn, ROLE_ARN);
        assert.deepEqual(plain(started.InputDataConfig), { S3Uri: validUri.registration });
        assert.deepEqual(plain(started.OutputDataConfig), { S3Uri: OUTPUT_URI });
        assert.deepEqual(
          plain(started.RegistrationConfig),
          { DuplicateRegistrationAction: 'SKIP', WatchlistIds: [defaultWatchlistId] },
          'the defaults: SKIP onto the default watchlist, no similarity threshold',
        );
        assert.equal(started.EnrollmentConfig, undefined);

        const { job, seen } = await waitForJobEnd(jobs, jobId);
        await assertItemErrors(ctx.server, job, started, `registration job (${seen.join(' → ')})`);

        const summary = (await jobs.listAll()).find((s) => s.JobId === jobId);
        assert.equal(
          summary?.JobStatus,
          'COMPLETED_WITH_ERRORS',
          'ListFraudsterRegistrationJobs lists the job',
        );
        assert.equal(summary?.FailureDetails, undefined);
        assert.equal(summary?.JobName, name);
        assertSubmitted(started, 'StartFraudsterRegistrationJob');
      },
    );

    test(
      'Start*Job answers every new job as SUBMITTED, never as the runner has already moved it',
      { timeout: TEST_TIMEOUT },
      async () => {
        for (const k of JOB_KINDS) {
          const jobs = api(k);
          const statuses: string[] = [];
          for (let i = 0; i < 10; i++) {
            const job = await jobs.start({ InputDataConfig: { S3Uri: validUri[k] } });
            assertStarted(job, domainId, `${jobs.startOp} #${i}`);
            statuses.push(job.JobStatus ?? '(none)');
          }
          const counts = new Map<string, number>();
          for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
          assert.deepEqual(
            Object.fromEntries(counts),
            { SUBMITTED: 10 },
            `${jobs.startOp}: the JobStatus of 10 responses`,
          );
        }
      },
    );

    test(
      'explicit configurations, a custom watchlist and an output KMS key are echoed as given',
      { timeout: TEST_TIMEOUT },
      async () => {
        const custom = (
          await client.send(
            new CreateWatchlistCommand({ DomainId: domainId, Name: uniqueName('custom') }),
          )
        ).Watchlist?.WatchlistId;
        assert.ok(custom);
        const outputKey = await createKey(ctx.server, 'output');

        const enrollment = await api('enrollment').start({
          InputDataConfig: { S3Uri: validUri.enrollment },
          OutputDataConfig: { S3Uri: 's3://output-bucket/', KmsKeyId: outputKey.KeyId },
          EnrollmentConfig: {
            ExistingEnrollmentAction: 'OVERWRITE',
            FraudDetectionConfig: {
              FraudDetectionAction: 'IGNORE',
              RiskThreshold: 40,
              WatchlistIds: [custom],
            },
          },
        });
        assertStarted(enrollment, domainId, 'enrollment with a configuration');
        assert.equal(enrollment.JobName, undefined, 'no JobName was given');
        assert.deepEqual(plain(enrollment.OutputDataConfig), {
          S3Uri: 's3://output-bucket/',
          KmsKeyId: outputKey.KeyId,
        });
        assert.deepEqual(plain(enrollment.EnrollmentConfig), {
          ExistingEnrollmentAction: 'OVERWRITE',
          FraudDetectionConfig: {
            FraudDetectionAction: 'IGNORE',
            RiskThreshold: 40,
            WatchlistIds: [custom],
          },
        });

        const registration = await api('registration').start({
          InputDataConfig: { S3Uri: validUri.registration },
          OutputDataConfig: { S3Uri: 's3://output-bucket', KmsKeyId: outputKey.Alias },
          RegistrationConfig: {
            DuplicateRegistrationAction: 'REGISTER_AS_NEW',
            FraudsterSimilarityThreshold: 70,
            WatchlistIds: [custom],
          },
        });
        assertStarted(registration, domainId, 'registration with a configuration');
        assert.deepEqual(plain(registration.OutputDataConfig), {
          S3Uri: 's3://output-bucket',
          KmsKeyId: outputKey.Alias,
        });
        assert.deepEqual(plain(registration.RegistrationConfig), {
          DuplicateRegistrationAction: 'REGISTER_AS_NEW',
          FraudsterSimilarityThreshold: 70,
          WatchlistIds: [custom],
        });

        for (const [k, started] of [
          ['enrollment', enrollment],
          ['registration', registration],
        ] as const) {
          const { job } = await waitForJobEnd(api(k), started.JobId!);
          await assertItemErrors(ctx.server, job, started, `${k} with a configuration`);
        }
      },
    );

    // ---- missing and malformed manifests: FAILED 400

    test(
      'a job whose manifest is not in the blob store fails with 400 naming the URI and `voxgate admin blobs put`',
      { timeout: TEST_TIMEOUT },
      async () => {
        for (const k of JOB_KINDS) {
          const jobs = api(k);
          const uri = manifestUri(`missing-${k}`);
          const started = await jobs.start({ InputDataConfig: { S3Uri: uri } });
          const jobId = assertStarted(started, domainId, `${jobs.startOp} (missing manifest)`);
          const { job } = await waitForJobEnd(jobs, jobId);
          const message = assertFailed(job, started, 400, `${k} job with a missing manifest`);
          assert.ok(message.includes(uri), `the message names ${uri}: ${message}`);
          assert.ok(
            message.includes('voxgate admin blobs put'),
            `the message says how to put it: ${message}`,
          );
        }
        // A bucket with no such object, and a "directory" key, are missing too.
        const jobs = api('enrollment');
        const dirUri = validUri.enrollment.replace(/\/manifest\.json$/, '');
        const started = await jobs.start({ InputDataConfig: { S3Uri: dirUri } });
        const { job } = await waitForJobEnd(jobs, started.JobId!);
        const message = assertFailed(job, started, 400, 'a key naming a directory');
        assert.ok(message.includes(dirUri), message);
      },
    );

    test(
      'malformed manifests fail the job with 400 naming the problem; an invalid request is an item error 400',
      { timeout: TEST_TIMEOUT },
      async () => {
        const elevenFiles = Array.from({ length: 11 }, (_, i) => ({
          S3Uri: `s3://input-bucket/audio-${i}.wav`,
          ChannelId: 0,
        }));
        const cases: [JobKind, string, unknown, RegExp][] = [
          ['enrollment', 'not JSON', '{"Version": "1.0", ', /not valid JSON/],
          ['enrollment', 'a JSON array', '[]', /must be a JSON object/],
          [
            'enrollment',
            'Version 2.0',
            { ...manifest('enrollment'), Version: '2.0' },
            /Version must be "1\.0"/,
          ],
          [
            'enrollment',
            'no Version',
            { SpeakerEnrollmentRequests: [manifestRequest('enrollment')] },
            /Version must be "1\.0"/,
          ],
          [
            'enrollment',
            'an empty request list',
            manifest('enrollment', []),
            /non-empty SpeakerEnrollmentRequests/,
          ],
          [
            'enrollment',
            'the registration list',
            manifest('registration'),
            /non-empty SpeakerEnrollmentRequests/,
          ],
          [
            'enrollment',
            'a duplicate RequestId',
            manifest('enrollment', [
              manifestRequest('enrollment', 'r1'),
              manifestRequest('enrollment', 'r2'),
              manifestRequest('enrollment', 'r1'),
            ]),
            /SpeakerEnrollmentRequests\[2\]\.RequestId 'r1' is not unique/,
          ],
          [
            'enrollment',
            'a missing RequestId',
            manifest('enrollment', [{ ...manifestRequest('enrollment'), RequestId: undefined }]),
            /SpeakerEnrollmentRequests\[0\]\.RequestId is required/,
          ],
          [
            'enrollment',
            'a generated speaker id as SpeakerId',
            manifest('enrollment', [
              { ...manifestRequest('enrollment'), SpeakerId: `id#${randomUniqueId()}` },
            ]),
            /SpeakerEnrollmentRequests\[0\]\.SpeakerId/,
          ],
          [
            'enrollment',
            'no SpeakerId',
            manifest('enrollment', [manifestRequest('registration')]),
            /SpeakerEnrollmentRequests\[0\]\.SpeakerId/,
          ],
          [
            'enrollment',
            '11 audio files',
            manifest('enrollment', [manifestRequest('enrollment', 'r1', elevenFiles)]),
            /SpeakerEnrollmentRequests\[0\]\.AudioSpecifications must list 1 to 10 audio files/,
          ],
          [
            'enrollment',
            'no audio files',
            manifest('enrollment', [manifestRequest('enrollment', 'r1', [])]),
            /AudioSpecifications must list 1 to 10 audio files/,
          ],
          [
            'enrollment',
            'ChannelId 2',
            manifest('enrollment', [
              manifestRequest('enrollment', 'r1', [
                { S3Uri: AUDIO_URI, ChannelId: 0 },
                { S3Uri: AUDIO_URI, ChannelId: 2 },
              ]),
            ]),
            /AudioSpecifications\[1\]\.ChannelId must be 0 or 1/,
          ],
          [
            'enrollment',
            'an audio URI without a key',
            manifest('enrollment', [
              manifestRequest('enrollment', 'r1', [{ S3Uri: 's3://input-bucket', ChannelId: 0 }]),
            ]),
            /AudioSpecifications\[0\]\.S3Uri must be s3:\/\/<bucket>\/<key>/,
          ],
          ['registration', 'not JSON', 'Version: 1.0', /not valid JSON/],
          [
            'registration',
            'Version 1',
            { ...manifest('registration'), Version: 1 },
            /Version must be "1\.0"/,
          ],
          [
            'registration',
            'the enrollment list',
            manifest('enrollment'),
            /non-empty FraudsterRegistrationRequests/,
          ],
          [
            'registration',
            'a duplicate RequestId',
            manifest('registration', [
              manifestRequest('registration', 'x'),
              manifestRequest('registration', 'x'),
            ]),
            /FraudsterRegistrationRequests\[1\]\.RequestId 'x' is not unique/,
          ],
          [
            'registration',
            '11 audio files',
            manifest('registration', [manifestRequest('registration', 'r1', elevenFiles)]),
            /FraudsterRegistrationRequests\[0\]\.AudioSpecifications must list 1 to 10 audio files/,
          ],
          [
            'registration',
            'ChannelId "1" (a string)',
            manifest('registration', [
              manifestRequest('registration', 'r1', [
                { S3Uri: AUDIO_URI, ChannelId: '1' as unknown as number },
              ]),
            ]),
            /AudioSpecifications\[0\]\.ChannelId must be 0 or 1/,
          ],
        ];

        const started: { k: JobKind; what: string; uri: string; job: AnyJob; problem: RegExp }[] =
          [];
        for (const [k, what, content, problem] of cases) {
          const uri = manifestUri(`bad-${k}`);
          await putBlob(ctx.server, uri, content);
          const job = await api(k).start({ InputDataConfig: { S3Uri: uri } });
          assertStarted(job, domainId, `${k}: ${what}`);
          started.push({ k, what, uri, job, problem });
        }
        for (const { k, what, uri, job: s, problem } of started) {
          const { job } = await waitForJobEnd(api(k), s.JobId!);
          // A request wrong in itself is an item error; the job completes (with errors).
          if (/SpeakerId|AudioSpecifications/.test(problem.source)) {
            await assertItemErrors(ctx.server, job, s, `${k}: ${what}`, problem);
            continue;
          }
          const message = assertFailed(job, s, 400, `${k}: ${what}`);
          assert.ok(message.includes(uri), `${k}: ${what}: the message names ${uri}: ${message}`);
          assert.match(message, /malformed/, `${k}: ${what}: ${message}`);
          assert.match(message, problem, `${k}: ${what}: ${message}`);
        }
      },
    );

    // ---- idempotency

    test(
      'ClientToken: the same token and parameters answer the same job; different parameters are a ValidationException',
      { timeout: TEST_TIMEOUT },
      async () => {
        for (const k of JOB_KINDS) {
          const jobs = api(k);
          const token = clientToken();
          const input: StartInput = {
            ClientToken: token,
            JobName: uniqueName('idem'),
            InputDataConfig: { S3Uri: validUri[k] },
          };
          const first = await jobs.start(input);
          const jobId = assertStarted(first, domainId, `${jobs.startOp} (first)`);
          const again = await jobs.start(input);
          assert.equal(again.JobId, jobId, `${k}: the retry answers the same job`);
          assert.deepEqual(echoed(again), echoed(first));

          // After the job ended, the retry still answers it (now ended), never a new job.
          await waitForJobEnd(jobs, jobId);
          const late = await jobs.start(input);
          assert.equal(late.JobId, jobId);
          assert.equal(late.JobStatus, 'COMPLETED_WITH_ERRORS');
          const listed = (await jobs.listAll()).filter((s) => s.JobName === input.JobName);
          assert.deepEqual(
            listed.map((s) => s.JobId),
            [jobId],
            `${k}: one job for the token`,
          );

          for (const [what, change] of [
            ['another JobName', { JobName: uniqueName('other') }],
            ['another input', { InputDataConfig: { S3Uri: manifestUri('other') } }],
            ['another output', { OutputDataConfig: { S3Uri: 's3://other-bucket/out' } }],
            ['another role', { DataAccessRoleArn: 'arn:aws:iam::111122223333:role/Other' }],
          ] as const) {
            const e = await rejection(jobs.start({ ...input, ...change }));
            assertValidation(e, /ClientToken/);
            assert.ok(e.message.includes(token), `${k}, ${what}: names the token: ${e.message}`);
          }
          const conflicting = await rejection(
            jobs.start({
              ...input,
              ...(k === 'enrollment'
                ? { EnrollmentConfig: { ExistingEnrollmentAction: 'OVERWRITE' } }
                : { RegistrationConfig: { DuplicateRegistrationAction: 'REGISTER_AS_NEW' } }),
            }),
          );
          assertValidation(conflicting, /ClientToken/);

          // A token is scoped to its job type: the other type starts a job of its own.
          const otherKind: JobKind = k === 'enrollment' ? 'registration' : 'enrollment';
          const other = await api(otherKind).start({
            ClientToken: token,
            InputDataConfig: { S3Uri: validUri[otherKind] },
          });
          assert.notEqual(other.JobId, jobId);
          assert.match(other.JobId ?? '', JOB_ID_PATTERN);
        }
      },
    );

    test(
      'concurrent starts with one ClientToken make one job',
      { timeout: TEST_TIMEOUT },
      async () => {
        for (const k of JOB_KINDS) {
          const input: StartInput = {
            ClientToken: clientToken(),
            JobName: uniqueName('race'),
            InputDataConfig: { S3Uri: validUri[k] },
          };
          const results = await Promise.all(Array.from({ length: 8 }, () => api(k).start(input)));
          const ids = new Set(results.map((j) => j.JobId));
          assert.equal(ids.size, 1, `${k}: every caller got the same job: ${[...ids].join(', ')}`);
          const listed = (await api(k).listAll()).filter((s) => s.JobName === input.JobName);
          assert.equal(listed.length, 1, `${k}: one job recorded`);
        }
      },
    );

    // ---- validation at start

    test(
      'invalid roles, S3 URIs, thresholds, names and tokens are ValidationExceptions and record no job',
      { timeout: TEST_TIMEOUT },
      async () => {
        const before = {
          enrollment: (await api('enrollment').listAll()).length,
          registration: (await api('registration').listAll()).length,
        };
        for (const k of JOB_KINDS) {
          const jobs = api(k);
          const valid: StartInput = { InputDataConfig: { S3Uri: validUri[k] } };
          const cases: [string, StartInput, RegExp][] = [
            [
              'a role ARN with a short account',
              { ...valid, DataAccessRoleArn: 'arn:aws:iam::12345:role/VoiceIdBatch' },
              modelViolation('dataAccessRoleArn'),
            ],
            [
              'a user ARN',
              { ...valid, DataAccessRoleArn: 'arn:aws:iam::111122223333:user/alice' },
              modelViolation('dataAccessRoleArn'),
            ],
            [
              'an S3 bucket ARN as the role',
              { ...valid, DataAccessRoleArn: 'arn:aws:s3:::input-bucket-arn-x' },
              modelViolation('dataAccessRoleArn'),
            ],
            [
              'an https input URI',
              { InputDataConfig: { S3Uri: 'https://input-bucket/manifest.json' } },
              modelViolation('inputDataConfig.s3Uri'),
            ],
            [
              'an upper-case bucket',
              { InputDataConfig: { S3Uri: 's3://Input-Bucket/manifest.json' } },
              modelViolation('inputDataConfig.s3Uri'),
            ],
            [
              'a two-character bucket',
              { InputDataConfig: { S3Uri: 's3://ab/manifest.json' } },
              modelViolation('inputDataConfig.s3Uri'),
            ],
            [
              'an input URI without an object key',
              { InputDataConfig: { S3Uri: 's3://input-bucket' } },
              /InputDataConfig\.S3Uri 's3:\/\/input-bucket' must name a manifest object/,
            ],
            [
              'an input URI with an empty key',
              { InputDataConfig: { S3Uri: 's3://input-bucket/' } },
              /InputDataConfig\.S3Uri 's3:\/\/input-bucket\/' must name a manifest object/,
            ],
            [
              'an https output URI',
              { ...valid, OutputDataConfig: { S3Uri: 'https://output-bucket/out' } },
              modelViolation('outputDataConfig.s3Uri'),
            ],
            ['a bad JobName', { ...valid, JobName: 'bad name!' }, modelViolation('jobName')],
            [
              'a bad ClientToken',
              { ...valid, ClientToken: 'bad token!' },
              modelViolation('clientToken'),
            ],
          ];
          if (k === 'enrollment') {
            for (const riskThreshold of [101, -1]) {
              cases.push([
                `RiskThreshold ${riskThreshold}`,
                {
                  ...valid,
                  EnrollmentConfig: {
                    FraudDetectionConfig: { RiskThreshold: riskThreshold },
                  },
                },
                modelViolation('enrollmentConfig.fraudDetectionConfig.riskThreshold'),
              ]);
            }
            cases.push([
              'an unknown ExistingEnrollmentAction',
              {
                ...valid,
                EnrollmentConfig: { ExistingEnrollmentAction: 'REPLACE' as never },
              },
              modelViolation('enrollmentConfig.existingEnrollmentAction'),
            ]);
          } else {
            cases.push([
              'FraudsterSimilarityThreshold 101',
              { ...valid, RegistrationConfig: { FraudsterSimilarityThreshold: 101 } },
              modelViolation('registrationConfig.fraudsterSimilarityThreshold'),
            ]);
          }
          for (const [what, input, message] of cases) {
            const e = await rejection(jobs.start(input));
            assertValidation(e, message);
            assert.ok(e.message.length < 2000, `${k}, ${what}: a short message`);
          }
        }
        assert.deepEqual(
          {
            enrollment: (await api('enrollment').listAll()).length,
            registration: (await api('registration').listAll()).length,
          },
          before,
          'no job was recorded for a rejected start',
        );
      },
    );

    test(
      'an unknown watchlist is ResourceNotFound WATCHLIST; an unknown or disabled output key is a ValidationException',
      { timeout: TEST_TIMEOUT },
      async () => {
        const otherDomain = await createDomain(client, key.KeyId);
        const foreignWatchlist = otherDomain.WatchlistDetails?.DefaultWatchlistId;
        assert.ok(foreignWatchlist);
        const disabledKey = await createKey(ctx.server, 'disabled-output');
        await disableKey(ctx.server, disabledKey.KeyId);
        const unknownKey = '4f1c2d3e-0000-4000-8000-00000000abcd';

        for (const k of JOB_KINDS) {
          const jobs = api(k);
          const input = { InputDataConfig: { S3Uri: validUri[k] } };
          const watchlists = (ids: string[]): StartInput =>
            k === 'enrollment'
              ? { ...input, EnrollmentConfig: { FraudDetectionConfig: { WatchlistIds: ids } } }
              : { ...input, RegistrationConfig: { WatchlistIds: ids } };
          for (const id of [randomUniqueId(), foreignWatchlist]) {
            const e = await rejection(jobs.start(watchlists([id])));
            assertNotFound(e, 'WATCHLIST');
            assert.ok(e.message.includes(id), `${k}: the message names ${id}: ${e.message}`);
          }
          // The model allows one watchlist per job.
          assertValidation(
            await rejection(jobs.start(watchlists([defaultWatchlistId, randomUniqueId()]))),
            modelViolation(
              k === 'enrollment'
                ? 'enrollmentConfig.fraudDetectionConfig.watchlistIds'
                : 'registrationConfig.watchlistIds',
            ),
          );

          for (const kmsKeyId of [unknownKey, `alias/${uniqueName('nope')}`]) {
            const e = await rejection(
              jobs.start({ ...input, OutputDataConfig: { S3Uri: OUTPUT_URI, KmsKeyId: kmsKeyId } }),
            );
            assertValidation(e, /not exist/);
            assert.ok(e.message.includes(kmsKeyId), `${k}: names ${kmsKeyId}: ${e.message}`);
          }
          const disabled = await rejection(
            jobs.start({
              ...input,
              OutputDataConfig: { S3Uri: OUTPUT_URI, KmsKeyId: disabledKey.KeyId },
            }),
          );
          assertValidation(disabled, /disabled/);
          assert.ok(disabled.message.includes(disabledKey.KeyId), disabled.message);
        }
        assert.equal((await api('enrollment', otherDomain.DomainId).listAll()).length, 0);
      },
    );

    test(
      'a domain whose key is disabled is DOMAIN_NOT_ACTIVE for Start, Describe and List*Jobs; an unknown domain is not found',
      { timeout: TEST_TIMEOUT },
      async () => {
        const ownKey = await createKey(ctx.server, 'suspend-jobs');
        const domain = await createDomain(client, ownKey.KeyId);
        const existing = {} as Record<JobKind, string>;
        for (const k of JOB_KINDS) {
          const job = await api(k, domain.DomainId).start({
            InputDataConfig: { S3Uri: validUri[k] },
          });
          existing[k] = job.JobId!;
          await waitForJobEnd(api(k, domain.DomainId), existing[k]);
        }

        await disableKey(ctx.server, ownKey.KeyId);
        try {
          for (const k of JOB_KINDS) {
            const jobs = api(k, domain.DomainId);
            const calls: [string, () => Promise<unknown>][] = [
              [jobs.startOp, () => jobs.start({ InputDataConfig: { S3Uri: validUri[k] } })],
              [
                `${jobs.startOp} with a ClientToken`,
                () =>
                  jobs.start({
                    ClientToken: clientToken(),
                    InputDataConfig: { S3Uri: validUri[k] },
                  }),
              ],
              [`Describe (${k})`, () => jobs.describe(existing[k])],
              [`List (${k})`, () => jobs.list()],
            ];
            for (const [what, call] of calls) {
              const e = await rejection(call());
              assert.equal(e.name, 'ConflictException', `${what}: ${e.name} ${e.message}`);
              assertConflict(e, 'DOMAIN_NOT_ACTIVE', NOT_ACTIVE);
            }
          }
        } finally {
          await enableKey(ctx.server, ownKey.KeyId);
        }
        for (const k of JOB_KINDS) {
          const jobs = api(k, domain.DomainId);
          assert.equal((await jobs.describe(existing[k])).JobStatus, 'COMPLETED_WITH_ERRORS');
          assert.deepEqual(
            (await jobs.listAll()).map((s) => s.JobId),
            [existing[k]],
            `${k}: no job was recorded while the domain was suspended`,
          );
        }

        const unknownDomain = randomUniqueId();
        for (const k of JOB_KINDS) {
          const jobs = api(k, unknownDomain);
          assertNotFound(
            await rejection(jobs.start({ InputDataConfig: { S3Uri: validUri[k] } })),
            'DOMAIN',
          );
          assertNotFound(await rejection(jobs.describe(randomUniqueId())), 'DOMAIN');
          assertNotFound(await rejection(jobs.list()), 'DOMAIN');
        }
      },
    );

    // ---- Describe*Job

    test(
      'Describe*Job: an unknown JobId, a job of the other type or of another domain is ResourceNotFound BATCH_JOB',
      { timeout: TEST_TIMEOUT },
      async () => {
        const enrollment = api('enrollment');
        const registration = api('registration');
        for (const jobs of [enrollment, registration]) {
          const unknown = randomUniqueId();
          const e = await rejection(jobs.describe(unknown));
          assertBatchJobNotFound(e, unknown);
          assert.equal(e.message, `Job ${unknown} does not exist`);
        }

        const reg = await registration.start({
          InputDataConfig: { S3Uri: validUri.registration },
        });
        const enr = await enrollment.start({ InputDataConfig: { S3Uri: validUri.enrollment } });
        assertBatchJobNotFound(await rejection(enrollment.describe(reg.JobId!)), reg.JobId!);
        assertBatchJobNotFound(await rejection(registration.describe(enr.JobId!)), enr.JobId!);
        assert.equal((await registration.describe(reg.JobId!)).JobId, reg.JobId);
        assert.ok(
          !(await enrollment.listAll()).some((s) => s.JobId === reg.JobId),
          'ListSpeakerEnrollmentJobs does not list a registration job',
        );
        assert.ok(
          !(await registration.listAll()).some((s) => s.JobId === enr.JobId),
          'ListFraudsterRegistrationJobs does not list an enrollment job',
        );

        const other = await createDomain(client, key.KeyId);
        assertBatchJobNotFound(
          await rejection(api('enrollment', other.DomainId).describe(enr.JobId!)),
          enr.JobId!,
        );
        assertBatchJobNotFound(
          await rejection(api('registration', other.DomainId).describe(reg.JobId!)),
          reg.JobId!,
        );

        for (const bad of ['short', `${randomUniqueId()}x`, 'abc-def-ghi-jkl-mno-pqr']) {
          assertValidation(await rejection(enrollment.describe(bad)), modelViolation('jobId'));
        }
      },
    );

    // ---- List*Jobs

    test(
      'List*Jobs: pages of 2 over 5 jobs, signed NextTokens, and the JobStatus filter',
      { timeout: TEST_TIMEOUT },
      async () => {
        const domain = await createDomain(client, key.KeyId);
        const counts: Record<JobKind, number> = { enrollment: 5, registration: 3 };
        const ids = {} as Record<JobKind, string[]>;
        for (const k of JOB_KINDS) {
          const jobs = api(k, domain.DomainId);
          assert.deepEqual((await jobs.list()).JobSummaries, [], `${k}: a new domain has no jobs`);
          ids[k] = [];
          for (let i = 0; i < counts[k]; i++) {
            const job = await jobs.start({
              JobName: `${k}-${i}`,
              InputDataConfig: { S3Uri: validUri[k] },
            });
            ids[k].push(job.JobId!);
          }
        }
        for (const k of JOB_KINDS)
          for (const id of ids[k]) await waitForJobEnd(api(k, domain.DomainId), id);

        for (const k of JOB_KINDS) {
          const jobs = api(k, domain.DomainId);
          const all = [...ids[k]].sort();

          // By hand: MaxResults 2.
          const pages: string[][] = [];
          let token: string | undefined;
          let firstToken: string | undefined;
          do {
            const page = await jobs.list({
              MaxResults: 2,
              ...(token === undefined ? {} : { NextToken: token }),
            });
            pages.push((page.JobSummaries ?? []).map((s) => s.JobId ?? ''));
            token = page.NextToken;
            firstToken ??= token;
            assert.ok(pages.length <= counts[k], `${k}: the pages end`);
          } while (token !== undefined);
          const sizes = k === 'enrollment' ? [2, 2, 1] : [2, 1];
          assert.deepEqual(
            pages.map((p) => p.length),
            sizes,
            `${k}: page sizes`,
          );
          assert.deepEqual([...pages.flat()].sort(), all, `${k}: every job exactly once`);

          // The SDK paginator agrees.
          const paged = await jobs.listAll({ PageSize: 2 });
          assert.deepEqual(paged.map((s) => s.JobId).sort(), all);
          for (const s of paged) {
            assert.equal(s.DomainId, domain.DomainId);
            assert.equal(s.JobStatus, 'COMPLETED_WITH_ERRORS');
            assert.equal(s.FailureDetails, undefined);
            assert.match(s.JobName ?? '', new RegExp(`^${k}-\\d$`));
            assertRecentDate(s.CreatedAt, 'summary CreatedAt');
            assertRecentDate(s.EndedAt, 'summary EndedAt');
            assert.equal(typeof s.JobProgress?.PercentComplete, 'number');
          }

          // The JobStatus filter, once they all ended with item errors.
          assert.deepEqual(
            (await jobs.listAll({ JobStatus: 'COMPLETED_WITH_ERRORS', PageSize: 2 }))
              .map((s) => s.JobId)
              .sort(),
            all,
            `${k}: COMPLETED_WITH_ERRORS lists them all`,
          );
          for (const status of ['SUBMITTED', 'IN_PROGRESS', 'COMPLETED', 'FAILED']) {
            const page = await jobs.list({ JobStatus: status });
            assert.deepEqual(page.JobSummaries, [], `${k}: none is ${status}`);
            assert.equal(page.NextToken, undefined);
          }
          const failedPage = await jobs.list({ JobStatus: 'COMPLETED_WITH_ERRORS', MaxResults: 2 });
          assert.equal(failedPage.JobSummaries?.length, 2);
          assert.ok(failedPage.NextToken, 'a filtered list pages too');

          // NextTokens are bound to their request and cannot be forged.
          assert.ok(firstToken);
          for (const [what, input] of [
            ['a tampered token', { NextToken: tamper(firstToken) }],
            ['a token of another filter', { NextToken: firstToken, JobStatus: 'FAILED' }],
            ['a garbage token', { NextToken: 'not-a-token' }],
          ] as const) {
            const e = await rejection(jobs.list(input));
            assert.equal(e.name, 'ValidationException', `${k}, ${what}: ${e.name} ${e.message}`);
            assertValidation(e, /NextToken/);
          }
          const otherKind: JobKind = k === 'enrollment' ? 'registration' : 'enrollment';
          assertValidation(
            await rejection(api(otherKind, domain.DomainId).list({ NextToken: firstToken })),
            /NextToken/,
          );
          for (const maxResults of [0, 101]) {
            assertValidation(
              await rejection(jobs.list({ MaxResults: maxResults })),
              modelViolation('maxResults'),
            );
          }
          assertValidation(
            await rejection(jobs.list({ JobStatus: 'DONE' })),
            modelViolation('jobStatus'),
          );
        }
      },
    );
  });

  // ---- durability

  describe(`Voice ID batch jobs across a SIGKILL (${kind})`, () => {
    test(
      'jobs started just before a SIGKILL are still there after a restart, and the new server ends them',
      { timeout: TEST_TIMEOUT },
      async (t) => {
        const first = await startVoiceIdServer(kind, [], undefined, { process: true });
        let second: VoiceIdServer | undefined;
        try {
          const key = await createKey(first.server, 'restart');
          const domain = await createDomain(first.client, key.KeyId);
          const uris = {} as Record<JobKind, string>;
          for (const k of JOB_KINDS) {
            uris[k] = manifestUri(`restart-${k}`);
            await putBlob(first.server, uris[k], manifest(k));
          }

          // A start of each kind at once (one active job per kind and domain), then a SIGKILL
          // the moment they have answered.
          const starts = await Promise.all(
            JOB_KINDS.flatMap((k) =>
              Array.from({ length: 1 }, async () => ({
                k,
                job: await jobApi(first.client, domain.DomainId, k).start({
                  ClientToken: clientToken(),
                  InputDataConfig: { S3Uri: uris[k] },
                }),
              })),
            ),
          );
          await first.server.stop('SIGKILL');
          for (const { k, job } of starts) assertStarted(job, domain.DomainId, `${k} start`);

          const stored = await storedJobStatuses(
            first.server.database,
            starts.map((s) => s.job.JobId!),
          );
          assert.equal(stored.size, starts.length, 'every started job was stored durably');
          const unfinished = [...stored.values()].filter(
            (s) => s === 'SUBMITTED' || s === 'IN_PROGRESS',
          ).length;
          t.diagnostic(
            `statuses after the SIGKILL: ${[...stored.values()].join(', ')} (${unfinished} unfinished)`,
          );

          second = await startVoiceIdServer(kind, [], first.server.database);
          for (const { k, job: started } of starts) {
            const jobs = jobApi(second.client, domain.DomainId, k);
            const { job, seen } = await waitForJobEnd(jobs, started.JobId!);
            await assertItemErrors(
              second.server,
              job,
              started,
              `${k} job after the restart (was ${stored.get(started.JobId!)}, then ${seen.join(' → ')})`,
            );
            assert.equal(job.JobId, started.JobId, 'the same JobId');
          }
          for (const k of JOB_KINDS) {
            const listed = await jobApi(second.client, domain.DomainId, k).listAll();
            assert.deepEqual(
              listed.map((s) => s.JobId).sort(),
              starts
                .filter((s) => s.k === k)
                .map((s) => s.job.JobId)
                .sort(),
              `${k}: exactly the started jobs, once each`,
            );
          }
        } finally {
          if (second) await second.server.stopAndDrop();
          else {
            await first.server.stop();
            await first.server.database.drop();
          }
        }
      },
    );
  });
}
