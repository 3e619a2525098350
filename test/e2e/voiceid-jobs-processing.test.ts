/**
 * Voice ID batch jobs that process their manifests (docs/voiceid.md, "Batch jobs and the blob
 * store"), through the official SDK with real speech: the 8 kHz µ-law call fixtures of
 * speechocean762 speakers 0482 and 0594 (test/fixtures/voiceid) and a 16 kHz stereo PCM WAV made
 * from them (speech on channel 1 only). Speakers enrolled (NEW_ENROLLMENT, SKIP, OVERWRITE),
 * per-item errors (silence, a missing file, a missing channel, an invalid request) in a
 * COMPLETED_WITH_ERRORS job, the output file in the blob store, fraudsters registered and a
 * second registration of the same voice skipped as a duplicate, FraudDetectionAction FAIL
 * refusing a known fraudster's voice, one active job per kind (402), a job run a second time (as
 * after a kill -9) registering no fraudster twice, a malformed manifest FAILED.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DescribeFraudsterCommand,
  DescribeSpeakerCommand,
  ListFraudstersCommand,
  type VoiceIDClient,
} from '@aws-sdk/client-voice-id';
import { decodeAudio, DEFAULT_AUDIO_LIMITS } from '../../src/audio/index.js';
import { loadSpeakerModel } from '../../src/engines/speaker/index.js';
import type { QueueEntry } from '../../src/storage/index.js';
import {
  batchFraudsterId,
  VoiceIdBatchJobHandler,
  VoiceprintBook,
} from '../../src/voiceid/index.js';
import { TestApp } from '../support/test-app.js';
import { testDatabaseKinds } from '../support/test-databases.js';
import {
  HOOK_TIMEOUT,
  TEST_TIMEOUT,
  assertRecentDate,
  createDomain,
  createKey,
  rejection,
  startVoiceIdServer,
  type VoiceIdServer,
} from '../support/voiceid-fixtures.js';
import {
  OUTPUT_URI,
  VOICEID_FIXTURES,
  getBlob,
  jobApi,
  manifest,
  manifestUri,
  pcm16Wav,
  putBlob,
  waitForJobEnd,
  type AnyJob,
  type JobKind,
} from '../support/voiceid-jobs-fixtures.js';

const ENROLL_0482 = readFileSync(path.join(VOICEID_FIXTURES, '0482-enroll.wav'));
const VERIFY_0594 = readFileSync(path.join(VOICEID_FIXTURES, '0594-verify.wav'));

interface Output {
  Version: string;
  Errors: { RequestId: string; ErrorCode: number; ErrorMessage: string }[];
  SuccessfulEnrollments?: Record<string, unknown>[];
  SuccessfulRegistrations?: Record<string, unknown>[];
}

for (const kind of testDatabaseKinds()) {
  describe(`Voice ID batch jobs processing real audio (${kind})`, () => {
    let ctx: VoiceIdServer;
    let client: VoiceIDClient;
    let keyId: string;
    const audio = {} as Record<'enroll0482' | 'verify0594' | 'stereo16k' | 'silence', string>;

    before(
      async () => {
        ctx = await startVoiceIdServer(kind, ['--voiceid-enrollment-speech-seconds', '10']);
        client = ctx.client;
        keyId = (await createKey(ctx.server, 'batch')).KeyId;
        const base = manifestUri('audio').replace(/manifest\.json$/, '');
        audio.enroll0482 = `${base}0482-enroll.wav`;
        audio.verify0594 = `${base}0594-verify.wav`;
        audio.stereo16k = `${base}0594-stereo-16k.wav`;
        audio.silence = `${base}silence.wav`;
        await putBlob(ctx.server, audio.enroll0482, ENROLL_0482);
        await putBlob(ctx.server, audio.verify0594, VERIFY_0594);
        // 16 kHz PCM-16, two channels: silence on 0, speaker 0594 on 1.
        const speech = (await decodeAudio(VERIFY_0594, { limits: DEFAULT_AUDIO_LIMITS })).samples;
        await putBlob(
          ctx.server,
          audio.stereo16k,
          pcm16Wav(16_000, [new Float32Array(speech.length), speech]),
        );
        await putBlob(ctx.server, audio.silence, pcm16Wav(8000, [new Float32Array(8000 * 20)]));
      },
      { timeout: HOOK_TIMEOUT },
    );
    after(() => ctx?.server.stopAndDrop(), { timeout: HOOK_TIMEOUT });

    const newDomain = async () => (await createDomain(client, keyId)).DomainId;

    /** Starts a job on a manifest of `requests`, waits for its end, reads its output file. */
    async function runJob(
      k: JobKind,
      domainId: string,
      requests: Record<string, unknown>[],
      config: Record<string, unknown> = {},
    ): Promise<{ job: AnyJob; output: Output; seen: string[] }> {
      const uri = manifestUri(`run-${k}`);
      await putBlob(ctx.server, uri, manifest(k, requests));
      const api = jobApi(client, domainId, k);
      const started = await api.start({ InputDataConfig: { S3Uri: uri }, ...config });
      const { job, seen } = await waitForJobEnd(api, started.JobId!, 90_000);
      const outUri = `${OUTPUT_URI}/${started.JobId}/manifest.json.out`;
      const bytes = await getBlob(ctx.server, outUri);
      assert.ok(bytes, `${k}: the output file is at ${outUri} (job ${JSON.stringify(job)})`);
      return { job, output: JSON.parse(bytes.toString('utf8')) as Output, seen };
    }

    const speaker = async (domainId: string, id: string) =>
      (await client.send(new DescribeSpeakerCommand({ DomainId: domainId, SpeakerId: id })))
        .Speaker;

    const enrollRequest = (requestId: string, speakerId: string, s3Uri: string, channel = 0) => ({
      RequestId: requestId,
      SpeakerId: speakerId,
      AudioSpecifications: [{ S3Uri: s3Uri, ChannelId: channel }],
    });
    const registerRequest = (requestId: string, s3Uri: string, channel = 0) => ({
      RequestId: requestId,
      AudioSpecifications: [{ S3Uri: s3Uri, ChannelId: channel }],
    });

    test(
      'an enrollment job enrolls speakers from 8 kHz µ-law and 16 kHz stereo WAV; bad items are item errors',
      { timeout: TEST_TIMEOUT },
      async () => {
        const domainId = await newDomain();
        const { job, output } = await runJob('enrollment', domainId, [
          enrollRequest('r1', 'cust-0482', audio.enroll0482),
          enrollRequest('r2', 'cust-0594', audio.stereo16k, 1),
          enrollRequest('r3', 'cust-silent', audio.silence),
          enrollRequest('r4', 'cust-missing', audio.enroll0482.replace(/[^/]+$/, 'none.wav')),
          enrollRequest('r5', 'cust-channel', audio.enroll0482, 1),
          { RequestId: 'r6', SpeakerId: 'id#notacustomerid', AudioSpecifications: [] },
        ]);
        assert.equal(job.JobStatus, 'COMPLETED_WITH_ERRORS', JSON.stringify(output));
        assert.deepEqual(job.JobProgress, { PercentComplete: 100 });
        assert.equal(job.FailureDetails, undefined, 'no FailureDetails: the job did not fail');
        assertRecentDate(job.EndedAt, 'EndedAt');
        assert.equal(output.Version, '1.0');
        assert.deepEqual(
          output.SuccessfulEnrollments?.map((s) => [
            s.RequestId,
            s.CustomerSpeakerId,
            s.EnrollmentStatus,
          ]),
          [
            ['r1', 'cust-0482', 'NEW_ENROLLMENT'],
            ['r2', 'cust-0594', 'NEW_ENROLLMENT'],
          ],
        );
        const errors = new Map(output.Errors.map((e) => [e.RequestId, e]));
        assert.deepEqual([...errors.keys()], ['r3', 'r4', 'r5', 'r6']);
        for (const e of errors.values()) assert.equal(e.ErrorCode, 400, JSON.stringify(e));
        assert.match(errors.get('r3')!.ErrorMessage, /Not enough speech/);
        assert.match(errors.get('r4')!.ErrorMessage, /none\.wav does not exist/);
        assert.match(errors.get('r5')!.ErrorMessage, /channel 1 does not exist/);
        assert.match(errors.get('r6')!.ErrorMessage, /malformed.*SpeakerId/);

        for (const [id, generated] of [
          ['cust-0482', output.SuccessfulEnrollments![0]!.GeneratedSpeakerId],
          ['cust-0594', output.SuccessfulEnrollments![1]!.GeneratedSpeakerId],
        ] as const) {
          const s = await speaker(domainId, id);
          assert.equal(s?.Status, 'ENROLLED', id);
          assert.equal(s?.GeneratedSpeakerId, generated);
          assertRecentDate(s?.LastAccessedAt, `${id}: LastAccessedAt`);
        }
        // Never an invented voiceprint: the silent and missing speakers were not enrolled.
        for (const id of ['cust-silent', 'cust-missing', 'cust-channel']) {
          const e = await rejection(speaker(domainId, id));
          assert.equal(e.name, 'ResourceNotFoundException', `${id}: ${e.message}`);
        }
      },
    );

    test(
      'ExistingEnrollmentAction: SKIP keeps an enrolled speaker, OVERWRITE enrolls it again',
      { timeout: TEST_TIMEOUT },
      async () => {
        const domainId = await newDomain();
        const first = await runJob('enrollment', domainId, [
          enrollRequest('a', 'cust-0482', audio.enroll0482),
        ]);
        assert.equal(first.job.JobStatus, 'COMPLETED', JSON.stringify(first.output));
        const generated = first.output.SuccessfulEnrollments![0]!.GeneratedSpeakerId;
        const before = await speaker(domainId, 'cust-0482');

        const skip = await runJob('enrollment', domainId, [
          enrollRequest('b', 'cust-0482', audio.enroll0482),
        ]);
        assert.equal(skip.job.JobStatus, 'COMPLETED');
        assert.deepEqual(skip.output.SuccessfulEnrollments, [
          {
            RequestId: 'b',
            GeneratedSpeakerId: generated,
            CustomerSpeakerId: 'cust-0482',
            EnrollmentStatus: 'DUPLICATE_SKIPPED',
          },
        ]);
        assert.deepEqual(
          (await speaker(domainId, 'cust-0482'))?.LastAccessedAt,
          before?.LastAccessedAt,
          'a skipped enrollment leaves the speaker as it was',
        );

        const overwrite = await runJob(
          'enrollment',
          domainId,
          [enrollRequest('c', 'cust-0482', audio.stereo16k, 1)],
          { EnrollmentConfig: { ExistingEnrollmentAction: 'OVERWRITE' } },
        );
        assert.equal(overwrite.job.JobStatus, 'COMPLETED', JSON.stringify(overwrite.output));
        assert.deepEqual(overwrite.output.SuccessfulEnrollments, [
          {
            RequestId: 'c',
            GeneratedSpeakerId: generated,
            CustomerSpeakerId: 'cust-0482',
            EnrollmentStatus: 'ENROLLMENT_OVERWRITE',
          },
        ]);
        const after = await speaker(domainId, 'cust-0482');
        assert.equal(after?.Status, 'ENROLLED');
        assert.ok(
          after!.LastAccessedAt!.getTime() >= before!.LastAccessedAt!.getTime(),
          'OVERWRITE updates LastAccessedAt',
        );
      },
    );

    test(
      'fraudsters: registered, a second registration of the same voice is DUPLICATE_SKIPPED, FAIL refuses enrolling that voice',
      { timeout: TEST_TIMEOUT },
      async () => {
        const domainId = await newDomain();
        const reg = await runJob('registration', domainId, [
          registerRequest('f1', audio.verify0594),
          registerRequest('f2', audio.silence),
        ]);
        assert.equal(reg.job.JobStatus, 'COMPLETED_WITH_ERRORS', JSON.stringify(reg.output));
        assert.equal(reg.output.SuccessfulRegistrations?.length, 1);
        const registered = reg.output.SuccessfulRegistrations![0]!;
        assert.equal(registered.RequestId, 'f1');
        assert.equal(registered.RegistrationStatus, 'NEW_REGISTRATION');
        const fraudsterId = registered.GeneratedFraudsterId as string;
        assert.match(fraudsterId, /^id#[a-zA-Z0-9]{22}$/);
        assert.deepEqual(
          reg.output.Errors.map((e) => [e.RequestId, e.ErrorCode]),
          [['f2', 400]],
        );
        const listed = await client.send(new ListFraudstersCommand({ DomainId: domainId }));
        assert.deepEqual(
          listed.FraudsterSummaries?.map((f) => f.GeneratedFraudsterId),
          [fraudsterId],
          'ListFraudsters shows the registered fraudster, and only it',
        );
        const described = await client.send(
          new DescribeFraudsterCommand({ DomainId: domainId, FraudsterId: fraudsterId }),
        );
        assert.equal(described.Fraudster?.GeneratedFraudsterId, fraudsterId);

        // The same voice again (as 16 kHz stereo, channel 1): a duplicate, skipped.
        const again = await runJob('registration', domainId, [
          registerRequest('f3', audio.stereo16k, 1),
        ]);
        assert.equal(again.job.JobStatus, 'COMPLETED', JSON.stringify(again.output));
        const dup = again.output.SuccessfulRegistrations![0]!;
        assert.equal(dup.RegistrationStatus, 'DUPLICATE_SKIPPED', JSON.stringify(dup));
        assert.equal(dup.GeneratedFraudsterId, fraudsterId, 'the closest existing fraudster');
        assert.ok(
          typeof dup.FraudsterSimilarityScore === 'number' && dup.FraudsterSimilarityScore >= 50,
        );
        const after = await client.send(new ListFraudstersCommand({ DomainId: domainId }));
        assert.equal(after.FraudsterSummaries?.length, 1, 'no second fraudster');

        // Another voice is not a duplicate of it.
        const other = await runJob('registration', domainId, [
          registerRequest('f4', audio.enroll0482),
        ]);
        assert.equal(
          other.output.SuccessfulRegistrations![0]!.RegistrationStatus,
          'NEW_REGISTRATION',
          JSON.stringify(other.output),
        );

        // Enrolling the first fraudster's voice: FAIL refuses it, IGNORE enrolls it.
        const refused = await runJob(
          'enrollment',
          domainId,
          [enrollRequest('e1', 'cust-imposter', audio.verify0594)],
          {
            EnrollmentConfig: {
              FraudDetectionConfig: { FraudDetectionAction: 'FAIL', RiskThreshold: 50 },
            },
          },
        );
        assert.equal(refused.job.JobStatus, 'COMPLETED_WITH_ERRORS');
        assert.deepEqual(refused.output.Errors, [
          {
            RequestId: 'e1',
            ErrorCode: 400,
            ErrorMessage: 'Fraud verification checks failed for the given speaker',
          },
        ]);
        const e = await rejection(speaker(domainId, 'cust-imposter'));
        assert.equal(e.name, 'ResourceNotFoundException');
        const ignored = await runJob(
          'enrollment',
          domainId,
          [enrollRequest('e2', 'cust-imposter', audio.verify0594)],
          { EnrollmentConfig: { FraudDetectionConfig: { FraudDetectionAction: 'IGNORE' } } },
        );
        assert.equal(ignored.job.JobStatus, 'COMPLETED', JSON.stringify(ignored.output));
        assert.equal((await speaker(domainId, 'cust-imposter'))?.Status, 'ENROLLED');
      },
    );

    test(
      'one active job of each kind per domain: a second Start*Job is ServiceQuotaExceededException 402',
      { timeout: TEST_TIMEOUT },
      async () => {
        const domainId = await newDomain();
        const uri = manifestUri('busy');
        await putBlob(
          ctx.server,
          uri,
          manifest(
            'enrollment',
            Array.from({ length: 10 }, (_, i) =>
              enrollRequest(`r${i}`, `cust-busy-${i}`, audio.enroll0482),
            ),
          ),
        );
        const enrollment = jobApi(client, domainId, 'enrollment');
        const first = await enrollment.start({ InputDataConfig: { S3Uri: uri } });
        const e = await rejection(enrollment.start({ InputDataConfig: { S3Uri: uri } }));
        assert.equal(e.name, 'ServiceQuotaExceededException', `${e.name}: ${e.message}`);
        assert.equal(e.$metadata.httpStatusCode, 402);
        assert.match(e.message, /active speaker enrollment jobs per domain quota of 1/);
        // The other kind has its own slot; another domain too.
        const registration = jobApi(client, domainId, 'registration');
        const reg = await registration.start({ InputDataConfig: { S3Uri: uri } });
        const elsewhere = jobApi(client, await newDomain(), 'enrollment');
        const other = await elsewhere.start({ InputDataConfig: { S3Uri: uri } });

        // PercentComplete moves while it runs; once the job ended, the next one starts.
        const seen = new Set<number>();
        for (;;) {
          const job = await enrollment.describe(first.JobId!);
          seen.add(job.JobProgress?.PercentComplete ?? -1);
          if (job.JobStatus === 'COMPLETED' || job.JobStatus === 'COMPLETED_WITH_ERRORS') break;
          assert.notEqual(job.JobStatus, 'FAILED', JSON.stringify(job));
          await new Promise((r) => setTimeout(r, 20));
        }
        assert.ok(seen.has(100), `PercentComplete reached 100: ${[...seen].join(', ')}`);
        assert.ok(
          [...seen].some((p) => p > 0 && p < 100),
          `PercentComplete was seen in between: ${[...seen].join(', ')}`,
        );
        const next = await enrollment.start({ InputDataConfig: { S3Uri: uri } });
        assert.equal(next.JobStatus, 'SUBMITTED');
        for (const [api, id] of [
          [enrollment, next.JobId!],
          [registration, reg.JobId!],
          [elsewhere, other.JobId!],
        ] as const)
          await waitForJobEnd(api, id, 90_000);
        const listed = await enrollment.listAll();
        assert.deepEqual(
          listed.map((j) => j.JobId).sort(),
          [first.JobId, next.JobId].sort(),
          'the refused start recorded no job',
        );
      },
    );

    test(
      'a job run again (as the queue does after a kill -9) registers no fraudster twice',
      { timeout: TEST_TIMEOUT },
      async () => {
        const domainId = await newDomain();
        const first = await runJob('registration', domainId, [
          registerRequest('f1', audio.verify0594),
        ]);
        const id = first.output.SuccessfulRegistrations![0]!.GeneratedFraudsterId;
        assert.equal(id, batchFraudsterId(first.job.JobId!, 0), 'the id is derived');
        // The same job once more, through a handler of its own over the same storage.
        assert.ok(ctx.server instanceof TestApp);
        const rt = ctx.server.app.runtime;
        const handler = new VoiceIdBatchJobHandler({
          jobs: rt.voiceIdStores.jobs,
          domains: rt.voiceIdStores.domains,
          people: rt.voiceIdStores.people,
          blobs: rt.blobs,
          book: new VoiceprintBook(
            await loadSpeakerModel(),
            rt.voiceDataVault,
            rt.voiceIdStores.people,
          ),
          log: { info: () => {}, error: () => {} },
          speechSeconds: 10,
        });
        await handler.run({ jobId: first.job.JobId! } as QueueEntry, {
          owner: 'a-second-runner',
          progress: () => Promise.resolve(true),
          signal: new AbortController().signal,
          held: () => true,
        });
        const bytes = await getBlob(
          ctx.server,
          `${OUTPUT_URI}/${first.job.JobId}/manifest.json.out`,
        );
        const again = JSON.parse(bytes!.toString('utf8')) as Output;
        assert.deepEqual(again.SuccessfulRegistrations, [
          { RequestId: 'f1', GeneratedFraudsterId: id, RegistrationStatus: 'NEW_REGISTRATION' },
        ]);
        const listed = await client.send(new ListFraudstersCommand({ DomainId: domainId }));
        assert.deepEqual(
          listed.FraudsterSummaries?.map((f) => f.GeneratedFraudsterId),
          [id],
          'still one fraudster',
        );
        assert.equal(
          (await jobApi(client, domainId, 'registration').describe(first.job.JobId!)).JobStatus,
          'COMPLETED',
        );
      },
    );

    test(
      'a malformed manifest fails the job (400); no output file',
      { timeout: TEST_TIMEOUT },
      async () => {
        const domainId = await newDomain();
        const uri = manifestUri('malformed');
        await putBlob(ctx.server, uri, '{"Version":"1.0","SpeakerEnrollmentRequests":');
        const api = jobApi(client, domainId, 'enrollment');
        const started = await api.start({ InputDataConfig: { S3Uri: uri } });
        const { job } = await waitForJobEnd(api, started.JobId!);
        assert.equal(job.JobStatus, 'FAILED');
        assert.equal(job.FailureDetails?.StatusCode, 400);
        assert.match(job.FailureDetails?.Message ?? '', /malformed.*not valid JSON/);
        assert.equal(
          await getBlob(ctx.server, `${OUTPUT_URI}/${started.JobId}/manifest.json.out`),
          undefined,
        );
      },
    );
  });
}
