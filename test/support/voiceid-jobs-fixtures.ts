/**
 * Shared pieces of the Voice ID batch-job suite (docs/voiceid.md, "Batch jobs and the blob
 * store"): manifests put in the blob store with `voxgate admin blobs put`, one set of calls for
 * either job type (speaker enrollment, fraudster registration), polling a job until it ends, and
 * a read-only look at the `voiceid_jobs` table for the restart test.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DescribeFraudsterRegistrationJobCommand,
  DescribeSpeakerEnrollmentJobCommand,
  ListFraudsterRegistrationJobsCommand,
  ListSpeakerEnrollmentJobsCommand,
  StartFraudsterRegistrationJobCommand,
  StartSpeakerEnrollmentJobCommand,
  paginateListFraudsterRegistrationJobs,
  paginateListSpeakerEnrollmentJobs,
  type EnrollmentConfig,
  type FailureDetails,
  type FraudsterRegistrationJobStatus,
  type InputDataConfig,
  type JobProgress,
  type OutputDataConfig,
  type RegistrationConfig,
  type SpeakerEnrollmentJobStatus,
  type VoiceIDClient,
} from '@aws-sdk/client-voice-id';
import Database from 'better-sqlite3';
import { parseS3Uri } from '../../src/blobs/index.js';
import pg from 'pg';
import type { TestServer } from './server-process.js';
import { TestApp } from './test-app.js';
import type { TestDatabase } from './test-databases.js';
import { allPages, type VoiceIdError } from './voiceid-fixtures.js';

/** JobId (UniqueIdLarge): exactly 22 alphanumerics. */
export const JOB_ID_PATTERN = /^[a-zA-Z0-9]{22}$/;

/** A role ARN matching IamRoleArn. */
export const ROLE_ARN = 'arn:aws:iam::111122223333:role/VoiceIdBatchAccess';
export const OUTPUT_URI = 's3://output-bucket/voiceid-results';
export const AUDIO_URI = 's3://input-bucket/a.wav';

export type JobKind = 'enrollment' | 'registration';
export const JOB_KINDS: readonly JobKind[] = ['enrollment', 'registration'];

/** What both job types have in common (SpeakerEnrollmentJob / FraudsterRegistrationJob). */
export interface AnyJob {
  JobName?: string | undefined;
  JobId?: string | undefined;
  JobStatus?: string | undefined;
  DomainId?: string | undefined;
  DataAccessRoleArn?: string | undefined;
  EnrollmentConfig?: EnrollmentConfig | undefined;
  RegistrationConfig?: RegistrationConfig | undefined;
  InputDataConfig?: InputDataConfig | undefined;
  OutputDataConfig?: OutputDataConfig | undefined;
  CreatedAt?: Date | undefined;
  EndedAt?: Date | undefined;
  FailureDetails?: FailureDetails | undefined;
  JobProgress?: JobProgress | undefined;
}

/** What both job summaries have in common. */
export interface AnyJobSummary {
  JobName?: string | undefined;
  JobId?: string | undefined;
  JobStatus?: string | undefined;
  DomainId?: string | undefined;
  CreatedAt?: Date | undefined;
  EndedAt?: Date | undefined;
  FailureDetails?: FailureDetails | undefined;
  JobProgress?: JobProgress | undefined;
}

/** Start*Job input without DomainId; EnrollmentConfig / RegistrationConfig go in `config`. */
export interface StartInput {
  ClientToken?: string;
  JobName?: string;
  DataAccessRoleArn?: string;
  InputDataConfig?: InputDataConfig;
  OutputDataConfig?: OutputDataConfig;
  EnrollmentConfig?: EnrollmentConfig;
  RegistrationConfig?: RegistrationConfig;
}

export interface ListInput {
  JobStatus?: string;
  MaxResults?: number;
  NextToken?: string;
}

/** The calls of one job type, bound to a client and a domain. */
export interface JobApi {
  readonly kind: JobKind;
  /** The operation names, for messages. */
  readonly startOp: string;
  /** The manifest's request list member. */
  readonly listName: 'SpeakerEnrollmentRequests' | 'FraudsterRegistrationRequests';
  /** What the 501 message says was not done. */
  readonly notDone: RegExp;
  start(input: StartInput): Promise<AnyJob>;
  describe(jobId: string): Promise<AnyJob>;
  list(input?: ListInput): Promise<{ JobSummaries?: AnyJobSummary[]; NextToken?: string }>;
  /** Every summary over all pages (SDK paginator). */
  listAll(input?: { JobStatus?: string; PageSize?: number }): Promise<AnyJobSummary[]>;
}

/**
 * Start*Job again while it is refused with ServiceQuotaExceededException (402: the domain's one
 * active job of the kind has not ended yet), for suites that start many jobs in one domain.
 */
async function whenSlotFree<T>(start: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await start();
    } catch (e) {
      if ((e as Error).name !== 'ServiceQuotaExceededException' || Date.now() > deadline) throw e;
      await sleep(25);
    }
  }
}

export function jobApi(
  client: VoiceIDClient,
  domainId: string,
  kind: JobKind,
  options: { readonly waitForSlot?: boolean } = {},
): JobApi {
  const api = jobApiOf(client, domainId, kind);
  if (!options.waitForSlot) return api;
  return { ...api, start: (input) => whenSlotFree(() => api.start(input)) };
}

function jobApiOf(client: VoiceIDClient, domainId: string, kind: JobKind): JobApi {
  const base = (input: StartInput) => ({
    DomainId: domainId,
    DataAccessRoleArn: input.DataAccessRoleArn ?? ROLE_ARN,
    InputDataConfig: input.InputDataConfig ?? { S3Uri: 's3://input-bucket/unset.json' },
    OutputDataConfig: input.OutputDataConfig ?? { S3Uri: OUTPUT_URI },
    ...(input.ClientToken === undefined ? {} : { ClientToken: input.ClientToken }),
    ...(input.JobName === undefined ? {} : { JobName: input.JobName }),
  });
  if (kind === 'enrollment') {
    return {
      kind,
      startOp: 'StartSpeakerEnrollmentJob',
      listName: 'SpeakerEnrollmentRequests',
      notDone: /no speaker was enrolled/,
      start: async (input) => {
        const out = await client.send(
          new StartSpeakerEnrollmentJobCommand({
            ...base(input),
            ...(input.EnrollmentConfig === undefined
              ? {}
              : { EnrollmentConfig: input.EnrollmentConfig }),
          }),
        );
        assert.ok(out.Job, 'StartSpeakerEnrollmentJob returns the Job');
        return out.Job;
      },
      describe: async (jobId) => {
        const out = await client.send(
          new DescribeSpeakerEnrollmentJobCommand({ DomainId: domainId, JobId: jobId }),
        );
        assert.ok(out.Job, 'DescribeSpeakerEnrollmentJob returns the Job');
        return out.Job;
      },
      list: async (input = {}) =>
        client.send(
          new ListSpeakerEnrollmentJobsCommand({
            DomainId: domainId,
            ...input,
            JobStatus: input.JobStatus as SpeakerEnrollmentJobStatus | undefined,
          }),
        ),
      listAll: async (input = {}) =>
        (
          await allPages(
            paginateListSpeakerEnrollmentJobs(
              { client, ...(input.PageSize === undefined ? {} : { pageSize: input.PageSize }) },
              {
                DomainId: domainId,
                JobStatus: input.JobStatus as SpeakerEnrollmentJobStatus | undefined,
              },
            ),
          )
        ).flatMap((p) => p.JobSummaries ?? []),
    };
  }
  return {
    kind,
    startOp: 'StartFraudsterRegistrationJob',
    listName: 'FraudsterRegistrationRequests',
    notDone: /no fraudster was registered/,
    start: async (input) => {
      const out = await client.send(
        new StartFraudsterRegistrationJobCommand({
          ...base(input),
          ...(input.RegistrationConfig === undefined
            ? {}
            : { RegistrationConfig: input.RegistrationConfig }),
        }),
      );
      assert.ok(out.Job, 'StartFraudsterRegistrationJob returns the Job');
      return out.Job;
    },
    describe: async (jobId) => {
      const out = await client.send(
        new DescribeFraudsterRegistrationJobCommand({ DomainId: domainId, JobId: jobId }),
      );
      assert.ok(out.Job, 'DescribeFraudsterRegistrationJob returns the Job');
      return out.Job;
    },
    list: async (input = {}) =>
      client.send(
        new ListFraudsterRegistrationJobsCommand({
          DomainId: domainId,
          ...input,
          JobStatus: input.JobStatus as FraudsterRegistrationJobStatus | undefined,
        }),
      ),
    listAll: async (input = {}) =>
      (
        await allPages(
          paginateListFraudsterRegistrationJobs(
            { client, ...(input.PageSize === undefined ? {} : { pageSize: input.PageSize }) },
            {
              DomainId: domainId,
              JobStatus: input.JobStatus as FraudsterRegistrationJobStatus | undefined,
            },
          ),
        )
      ).flatMap((p) => p.JobSummaries ?? []),
  };
}

// ---- manifests and the blob store

/** One manifest request for `kind` (enrollment requests carry a SpeakerId). */
export function manifestRequest(
  kind: JobKind,
  requestId = 'r1',
  audio: readonly { S3Uri: string; ChannelId?: number }[] = [{ S3Uri: AUDIO_URI, ChannelId: 0 }],
): Record<string, unknown> {
  return kind === 'enrollment'
    ? { RequestId: requestId, SpeakerId: 'cust-1', AudioSpecifications: audio }
    : { RequestId: requestId, AudioSpecifications: audio };
}

/** A valid manifest (as a JSON document) for `kind` with `requests` (default: one request). */
export function manifest(
  kind: JobKind,
  requests: readonly Record<string, unknown>[] = [manifestRequest(kind)],
): Record<string, unknown> {
  const listName =
    kind === 'enrollment' ? 'SpeakerEnrollmentRequests' : 'FraudsterRegistrationRequests';
  return { Version: '1.0', [listName]: requests };
}

/** A fresh manifest URI in the input bucket. */
export const manifestUri = (prefix: string): string =>
  `s3://input-bucket/${prefix}-${randomBytes(4).toString('hex')}/manifest.json`;

/**
 * `voxgate admin blobs put <uri> <file> --json` against the server's storage; `content` is
 * written as is (a string or bytes) or as JSON (anything else).
 */
export async function putBlob(server: TestServer, uri: string, content: unknown): Promise<void> {
  const bytes =
    typeof content === 'string' || content instanceof Uint8Array
      ? Buffer.from(content)
      : Buffer.from(JSON.stringify(content));
  if (server instanceof TestApp) {
    await server.admin.putBlob(uri, bytes);
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'voxgate-blob-'));
  try {
    const file = path.join(dir, 'blob');
    writeFileSync(file, bytes);
    const out = JSON.parse(await server.cli('admin', 'blobs', 'put', uri, file, '--json')) as {
      uri?: unknown;
      bytes?: unknown;
    };
    assert.deepEqual(out, { uri, bytes: bytes.length }, 'blobs put --json reports the object');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- waiting and assertions

const ENDED = new Set(['COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED']);

/**
 * Describe*Job until the job has ended (a deadline, never forever); returns the ended job and
 * every status seen on the way.
 */
export async function waitForJobEnd(
  api: JobApi,
  jobId: string,
  timeoutMs = 30_000,
): Promise<{ job: AnyJob; seen: string[] }> {
  const deadline = Date.now() + timeoutMs;
  const seen: string[] = [];
  for (;;) {
    const job = await api.describe(jobId);
    const status = job.JobStatus ?? '(none)';
    if (seen[seen.length - 1] !== status) seen.push(status);
    if (ENDED.has(status)) return { job, seen };
    if (Date.now() > deadline)
      assert.fail(
        `${api.kind} job ${jobId} did not end in ${timeoutMs} ms (statuses seen: ${seen.join(' → ')})`,
      );
    await sleep(100);
  }
}

/** A JSON round trip: drops members the SDK left undefined, for deepEqual. */
export const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function assertBatchJobNotFound(e: VoiceIdError, jobId: string): void {
  assert.equal(e.name, 'ResourceNotFoundException', `${e.name}: ${e.message}`);
  assert.equal(e.$metadata.httpStatusCode, 404);
  assert.equal(e.ResourceType, 'BATCH_JOB', e.message);
  assert.ok(e.message.includes(jobId), `the message names the job ${jobId}: ${e.message}`);
  assert.match(e.$metadata.requestId ?? '', /\S/, 'x-amzn-RequestId is present');
}

// ---- the database, read-only

/** The stored statuses of `jobIds` (job_id → status), read straight from the database. */
export async function storedJobStatuses(
  database: TestDatabase,
  jobIds: readonly string[],
): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  if (jobIds.length === 0) return result;
  if (database.databaseUrl === undefined) {
    const db = new Database(path.join(database.dataDir, 'voxgate.db'), {
      readonly: true,
      fileMustExist: true,
    });
    try {
      const rows = db
        .prepare<string[], { job_id: string; status: string }>(
          `SELECT job_id, status FROM voiceid_jobs WHERE job_id IN (${jobIds.map(() => '?').join(',')})`,
        )
        .all(...jobIds);
      for (const r of rows) result.set(r.job_id, r.status);
    } finally {
      db.close();
    }
    return result;
  }
  const client = new pg.Client({ connectionString: database.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ job_id: string; status: string }>(
      'SELECT job_id, status FROM voiceid_jobs WHERE job_id = ANY($1)',
      [jobIds],
    );
    for (const r of rows) result.set(r.job_id, r.status);
  } finally {
    await client.end();
  }
  return result;
}

// ---- real audio and output files

/** The fixtures of call audio (8 kHz µ-law WAV) and the 16 kHz corpus FLAC files. */
export const VOICEID_FIXTURES = path.resolve(import.meta.dirname, '../fixtures/voiceid');
export const CORPUS_AUDIO = path.resolve(import.meta.dirname, '../fixtures/corpus/audio');

/** `voxgate admin blobs get <uri>` (in-process: the app's blob store); undefined if missing. */
export async function getBlob(server: TestServer, uri: string): Promise<Buffer | undefined> {
  if (server instanceof TestApp) {
    const parsed = parseS3Uri(uri);
    assert.ok(parsed, uri);
    return server.app.runtime.blobs.get(parsed);
  }
  try {
    return Buffer.from(await server.cli('admin', 'blobs', 'get', uri), 'latin1');
  } catch {
    return undefined;
  }
}

/** A PCM-16 WAV of `channels` (each a Float32Array of the same length) at `sampleRate`. */
export function pcm16Wav(sampleRate: number, channels: readonly Float32Array[]): Buffer {
  const frames = channels[0]?.length ?? 0;
  const n = channels.length;
  const data = Buffer.alloc(frames * n * 2);
  for (let i = 0; i < frames; i++)
    for (let c = 0; c < n; c++) {
      const v = Math.max(-1, Math.min(1, channels[c]![i]!));
      data.writeInt16LE(Math.round(v * 32767), (i * n + c) * 2);
    }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(n, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * n * 2, 28);
  header.writeUInt16LE(n * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
