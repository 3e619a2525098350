/**
 * Voice ID batch jobs whose manifests live in S3 (docs/voiceid.md, "Manifests and audio in
 * S3"): a Voxgate server configured with `--blob-backend s3` on moto's S3 server, started here,
 * the official @aws-sdk/client-voice-id client starting jobs, and the manifests put there the
 * two ways a migrating user does — `voxgate admin blobs put` (the CLI, through the same blob
 * store factory as the server) and their own S3 tools (a plain S3 client). What the job's
 * FailureDetails say proves where the manifest was read: the manifest's own problem for one in
 * S3, the missing-manifest failure for one that is only in the local blob directory.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeSpeakerCommand, type VoiceIDClient } from '@aws-sdk/client-voice-id';
import { startMotoS3, type MotoS3 } from '../support/moto-s3.js';
import { repoRoot } from '../support/shared-dir.js';
import { testDatabaseKinds } from '../support/test-databases.js';
import {
  HOOK_TIMEOUT,
  TEST_TIMEOUT,
  createDomain,
  createKey,
  startVoiceIdServer,
  type VoiceIdServer,
} from '../support/voiceid-fixtures.js';
import {
  JOB_KINDS,
  VOICEID_FIXTURES,
  jobApi,
  manifest,
  manifestRequest,
  waitForJobEnd,
  type AnyJob,
  type JobKind,
} from '../support/voiceid-jobs-fixtures.js';

const run = promisify(execFile);
const BUCKET = 'voxgate-voiceid-input';
const NO_ENGINE = /no speaker verification engine/;

/** A fresh manifest URI in the moto bucket. */
const s3ManifestUri = (prefix: string): string =>
  `s3://${BUCKET}/${prefix}-${Math.random().toString(36).slice(2, 10)}/manifest.json`;

const keyOf = (uri: string): string => uri.slice(`s3://${BUCKET}/`.length);

/**
 * `voxgate <args…>` from the sources (the CLI exactly as src/cli/main.ts registers it, through
 * tsx, so the suite needs no build); returns stdout.
 */
async function voxgateFromSource(args: readonly string[]): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'src', 'cli', 'main.ts'), ...args],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        VOXGATE_CONFIG: undefined,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    },
  );
  return stdout;
}

/** An ended job: FAILED with `statusCode` and a message; returns the message. */
function failedWith(job: AnyJob, statusCode: number, what: string): string {
  assert.equal(job.JobStatus, 'FAILED', `${what}: ${JSON.stringify(job.FailureDetails)}`);
  assert.equal(
    job.FailureDetails?.StatusCode,
    statusCode,
    `${what}: FailureDetails ${JSON.stringify(job.FailureDetails)}`,
  );
  const message = job.FailureDetails?.Message ?? '';
  assert.match(message, /\S/, `${what}: FailureDetails.Message is present`);
  assert.ok(job.EndedAt instanceof Date, `${what}: EndedAt`);
  return message;
}

for (const kind of testDatabaseKinds()) {
  describe(`Voice ID batch jobs with manifests in S3 (${kind})`, () => {
    let moto: MotoS3;
    let ctx: VoiceIdServer;
    let client: VoiceIDClient;
    let domainId: string;

    before(
      async () => {
        moto = await startMotoS3({ buckets: [BUCKET] });
        ctx = await startVoiceIdServer(kind, [
          ...moto.serveArgs,
          '--voiceid-enrollment-speech-seconds',
          '20',
        ]);
        client = ctx.client;
        const key = await createKey(ctx.server, 'jobs-s3');
        domainId = (await createDomain(client, key.KeyId)).DomainId;
      },
      { timeout: HOOK_TIMEOUT },
    );
    after(
      async () => {
        await ctx?.server.stopAndDrop();
        await moto?.stop();
      },
      { timeout: HOOK_TIMEOUT },
    );

    /** The local blob directory's file for `uri` (where blobBackend local would look). */
    const localFile = (uri: string): string =>
      path.join(ctx.server.database.dataDir, 'blobs', BUCKET, keyOf(uri));

    const runJob = async (k: JobKind, uri: string): Promise<AnyJob> => {
      const jobs = jobApi(client, domainId, k);
      const started = await jobs.start({ InputDataConfig: { S3Uri: uri } });
      assert.ok(started.JobId, `${jobs.startOp} answers a JobId`);
      return (await waitForJobEnd(jobs, started.JobId)).job;
    };

    test(
      'a manifest put with `voxgate admin blobs put` lands in S3, and the job reads it from there',
      { timeout: TEST_TIMEOUT },
      async () => {
        for (const [k, content, problem] of [
          ['enrollment', '{"Version": "1.0", ', /not valid JSON/],
          [
            'registration',
            JSON.stringify({ ...manifest('registration'), Version: '2.0' }),
            /Version must be "1\.0"/,
          ],
        ] as const) {
          const uri = s3ManifestUri(`cli-${k}`);
          const file = path.join(ctx.server.database.dataDir, `upload-${k}.json`);
          writeFileSync(file, content);
          const out = JSON.parse(
            await voxgateFromSource([
              'admin',
              'blobs',
              'put',
              uri,
              file,
              '--json',
              ...ctx.server.storageArgs,
              ...moto.serveArgs,
            ]),
          ) as unknown;
          assert.deepEqual(out, { uri, bytes: Buffer.byteLength(content) });
          const stored = await moto.client.send(
            new GetObjectCommand({ Bucket: BUCKET, Key: keyOf(uri) }),
          );
          assert.equal(await stored.Body?.transformToString(), content, 'the object is in S3');
          assert.equal(existsSync(localFile(uri)), false, 'and not in the local blob directory');

          const message = failedWith(
            await runJob(k, uri),
            400,
            `${k} job, manifest put by the CLI`,
          );
          assert.ok(message.includes(uri), `the message names ${uri}: ${message}`);
          assert.match(message, /is malformed/);
          assert.match(message, problem);
          assert.doesNotMatch(message, NO_ENGINE);
        }
      },
    );

    test(
      "manifests put by the user's own S3 tools are read: each job fails with its manifest's problem",
      { timeout: TEST_TIMEOUT },
      async () => {
        const cases: [JobKind, unknown, RegExp][] = [
          ['enrollment', '[]', /must be a JSON object/],
          [
            'enrollment',
            manifest('enrollment', [
              manifestRequest('enrollment', 'r1'),
              manifestRequest('enrollment', 'r1'),
            ]),
            /SpeakerEnrollmentRequests\[1\]\.RequestId 'r1' is not unique/,
          ],
          ['registration', manifest('enrollment'), /non-empty FraudsterRegistrationRequests/],
        ];
        for (const [k, content, problem] of cases) {
          const uri = s3ManifestUri(`sdk-${k}`);
          const body = typeof content === 'string' ? content : JSON.stringify(content);
          await moto.client.send(
            new PutObjectCommand({ Bucket: BUCKET, Key: keyOf(uri), Body: body }),
          );
          const message = failedWith(await runJob(k, uri), 400, `${k} job (${problem})`);
          assert.ok(message.includes(uri), `the message names ${uri}: ${message}`);
          assert.match(message, problem);
          assert.doesNotMatch(message, NO_ENGINE);
        }
      },
    );

    test(
      'audio and manifest in S3: the job enrolls the speaker and writes its output file to S3',
      { timeout: TEST_TIMEOUT },
      async () => {
        const audioUri = s3ManifestUri('audio').replace(/manifest\.json$/, '0482-enroll.wav');
        await moto.client.send(
          new PutObjectCommand({
            Bucket: BUCKET,
            Key: keyOf(audioUri),
            Body: readFileSync(path.join(VOICEID_FIXTURES, '0482-enroll.wav')),
          }),
        );
        const uri = s3ManifestUri('real');
        const body = JSON.stringify(
          manifest('enrollment', [
            manifestRequest('enrollment', 'r1', [{ S3Uri: audioUri, ChannelId: 0 }]),
            {
              ...manifestRequest('enrollment', 'r2', [{ S3Uri: `s3://${BUCKET}/none.wav` }]),
              SpeakerId: 'cust-2',
            },
          ]),
        );
        await moto.client.send(
          new PutObjectCommand({ Bucket: BUCKET, Key: keyOf(uri), Body: body }),
        );
        const jobs = jobApi(client, domainId, 'enrollment');
        const started = await jobs.start({
          InputDataConfig: { S3Uri: uri },
          OutputDataConfig: { S3Uri: `s3://${BUCKET}/results/` },
        });
        const { job } = await waitForJobEnd(jobs, started.JobId!, 60_000);
        assert.equal(job.JobStatus, 'COMPLETED_WITH_ERRORS', JSON.stringify(job));
        const out = await moto.client.send(
          new GetObjectCommand({
            Bucket: BUCKET,
            Key: `results/${started.JobId}/manifest.json.out`,
          }),
        );
        const output = JSON.parse(await out.Body!.transformToString()) as {
          Errors: { RequestId: string; ErrorCode: number }[];
          SuccessfulEnrollments: { RequestId: string; EnrollmentStatus: string }[];
        };
        assert.deepEqual(
          output.SuccessfulEnrollments.map((e) => [e.RequestId, e.EnrollmentStatus]),
          [['r1', 'NEW_ENROLLMENT']],
        );
        assert.deepEqual(
          output.Errors.map((e) => [e.RequestId, e.ErrorCode]),
          [['r2', 400]],
        );
        const speaker = await client.send(
          new DescribeSpeakerCommand({ DomainId: domainId, SpeakerId: 'cust-1' }),
        );
        assert.equal(speaker.Speaker?.Status, 'ENROLLED');
      },
    );

    test(
      'a manifest that is not in S3 fails with the missing-manifest failure, even when the local blob directory has it',
      { timeout: TEST_TIMEOUT },
      async () => {
        for (const k of JOB_KINDS) {
          const uri = s3ManifestUri(`local-only-${k}`);
          // A valid manifest where blobBackend local would find it: the S3 store must not.
          mkdirSync(path.dirname(localFile(uri)), { recursive: true });
          writeFileSync(localFile(uri), JSON.stringify(manifest(k)));
          const message = failedWith(await runJob(k, uri), 400, `${k} job, manifest only on disk`);
          assert.ok(message.includes(uri), `the message names ${uri}: ${message}`);
          assert.match(message, /does not exist/);
          assert.ok(message.includes('voxgate admin blobs put'), message);
          assert.doesNotMatch(message, NO_ENGINE);
        }
        // A bucket the S3 service does not have is missing too.
        const noBucket = 's3://voxgate-no-such-bucket/manifest.json';
        const message = failedWith(await runJob('enrollment', noBucket), 400, 'a missing bucket');
        assert.ok(message.includes(noBucket), message);
        assert.match(message, /does not exist/);
      },
    );
  });
}
