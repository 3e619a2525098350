import { createHash } from 'node:crypto';
import { parseS3Uri, type BlobStore } from '../blobs/index.js';
import { catalog, voxError } from '../errors/index.js';
import type { KeyService } from '../keys/index.js';
import { KeysetPager, type Page, type PageTokens } from '../pagination/index.js';
import {
  JobClientTokenTaken,
  type JobStatus,
  type JobType,
  type VoiceIdJobRecord,
  type VoiceIdJobsStore,
  type VoiceIdDomainsStore,
} from '../storage/index.js';
import { parseManifest } from './batch/batch-manifest.js';
import { newUniqueId } from './ids.js';
import { notFound, type PageRequest, type VoiceIdControlPlane } from './voice-id-control-plane.js';

export type { JobStatus, JobType };

export interface EnrollmentConfig {
  readonly existingEnrollmentAction: 'SKIP' | 'OVERWRITE';
  readonly fraudDetection: {
    readonly action: 'IGNORE' | 'FAIL';
    readonly riskThreshold: number | undefined;
    readonly watchlistIds: readonly string[];
  };
}

export interface RegistrationConfig {
  readonly duplicateRegistrationAction: 'SKIP' | 'REGISTER_AS_NEW';
  readonly similarityThreshold: number | undefined;
  readonly watchlistIds: readonly string[];
}

/** What a job was started with (stored as its spec). */
export interface JobSpec {
  readonly jobName: string | undefined;
  readonly dataAccessRoleArn: string;
  readonly inputS3Uri: string;
  readonly outputS3Uri: string;
  readonly outputKmsKeyId: string | undefined;
  readonly enrollment?: EnrollmentConfig;
  readonly registration?: RegistrationConfig;
}

export interface JobView {
  readonly jobId: string;
  readonly domainId: string;
  readonly type: JobType;
  readonly status: JobStatus;
  readonly spec: JobSpec;
  readonly createdAt: Date;
  readonly endedAt: Date | undefined;
  readonly percentComplete: number;
  readonly failure: { readonly statusCode: number; readonly message: string } | undefined;
}

export interface StartJobInput {
  readonly clientToken: string | undefined;
  readonly jobName: string | undefined;
  readonly dataAccessRoleArn: string;
  readonly inputS3Uri: string;
  readonly outputS3Uri: string;
  readonly outputKmsKeyId: string | undefined;
  readonly enrollment?: {
    existingEnrollmentAction?: 'SKIP' | 'OVERWRITE';
    fraudDetection?: {
      action?: 'IGNORE' | 'FAIL';
      riskThreshold?: number;
      watchlistIds?: readonly string[];
    };
  };
  readonly registration?: {
    duplicateRegistrationAction?: 'SKIP' | 'REGISTER_AS_NEW';
    similarityThreshold?: number;
    watchlistIds?: readonly string[];
  };
}

/** Voice ID's quota: one active (SUBMITTED or IN_PROGRESS) job of each type per domain. */
export const MAX_ACTIVE_JOBS_PER_DOMAIN = 1;
const ACTIVE_JOB_QUOTA: Record<JobType, string> = {
  SPEAKER_ENROLLMENT: 'active speaker enrollment jobs per domain',
  FRAUDSTER_REGISTRATION: 'active fraudster registration jobs per domain',
};

const invalid = (detail: string) => voxError(catalog.VoiceIdValidation, { detail });

function view(job: VoiceIdJobRecord): JobView {
  return {
    jobId: job.jobId,
    domainId: job.domainId,
    type: job.type,
    status: job.status,
    spec: job.spec as JobSpec,
    createdAt: new Date(job.createdAt),
    endedAt: job.endedAt === null ? undefined : new Date(job.endedAt),
    percentComplete: job.percentComplete,
    failure: job.failure ?? undefined,
  };
}

/**
 * Speaker enrollment and fraudster registration jobs: validated and recorded durably at start,
 * with their queue entry (idempotent on ClientToken), run by the job queue's
 * `VoiceIdBatchJobHandler`.
 */
export class VoiceIdJobs {
  readonly #domains: VoiceIdControlPlane;
  readonly #watchlists: VoiceIdDomainsStore;
  readonly #repo: VoiceIdJobsStore;
  readonly #keys: KeyService;
  readonly #pager: KeysetPager;
  readonly #kick: () => void;

  constructor(
    domains: VoiceIdControlPlane,
    watchlists: VoiceIdDomainsStore,
    repo: VoiceIdJobsStore,
    keys: KeyService,
    tokens: PageTokens,
    kick: () => void,
  ) {
    this.#domains = domains;
    this.#watchlists = watchlists;
    this.#repo = repo;
    this.#keys = keys;
    this.#pager = new KeysetPager(tokens, () =>
      voxError(catalog.VoiceIdValidation, {
        detail: 'The NextToken is invalid or belongs to another request',
      }),
    );
    this.#kick = kick;
  }

  async start(type: JobType, domainId: string, input: StartJobInput): Promise<JobView> {
    const domain = await this.#domains.requireActiveDomain(domainId);
    const print = createHash('sha256')
      .update(JSON.stringify({ ...input, clientToken: undefined }))
      .digest('hex');
    if (input.clientToken) {
      const existing = await this.#repo.findByClientToken(domainId, type, input.clientToken);
      if (existing) return this.same(existing, print, input.clientToken);
    }
    const spec = await this.specOf(type, domainId, domain.defaultWatchlistId, input);
    const jobId = newUniqueId();
    try {
      const inserted = await this.#repo.insertUnlessActive({
        jobId,
        domainId,
        type,
        spec,
        status: 'SUBMITTED',
        clientToken: input.clientToken ?? null,
        fingerprint: print,
        createdAt: Date.now(),
      });
      if (inserted === 'active') {
        // A concurrent start with this ClientToken may be the active job: answer it.
        const winner =
          input.clientToken &&
          (await this.#repo.findByClientToken(domainId, type, input.clientToken));
        if (winner) return this.same(winner, print, input.clientToken!);
        throw voxError(catalog.VoiceIdServiceQuotaExceeded, {
          quota: ACTIVE_JOB_QUOTA[type],
          limit: MAX_ACTIVE_JOBS_PER_DOMAIN,
        });
      }
    } catch (e) {
      if (e instanceof JobClientTokenTaken && input.clientToken) {
        const winner = await this.#repo.findByClientToken(domainId, type, input.clientToken);
        if (winner) return this.same(winner, print, input.clientToken);
      }
      throw e;
    }
    // Answer from the row just recorded: once woken, the runner may move the job on at once.
    const job = await this.describe(type, domainId, jobId);
    this.#kick();
    return job;
  }

  async describe(type: JobType, domainId: string, jobId: string): Promise<JobView> {
    await this.#domains.requireActiveDomain(domainId);
    const row = await this.#repo.get(domainId, type, jobId);
    if (!row) throw notFound('BATCH_JOB', jobId);
    return view(row);
  }

  async list(
    type: JobType,
    domainId: string,
    status: JobStatus | undefined,
    page: PageRequest,
  ): Promise<Page<JobView>> {
    await this.#domains.requireActiveDomain(domainId);
    return this.#pager.page(page, {
      scope: `List${type}|${domainId}|${status ?? ''}`,
      fetch: (after, limit) => this.#repo.list(domainId, type, status, after, limit),
      keyOf: (job) => job.jobId,
      map: view,
    });
  }

  private same(existing: VoiceIdJobRecord, print: string, token: string): JobView {
    if (existing.fingerprint !== print)
      throw invalid(`The ClientToken '${token}' was already used with different parameters`);
    return view(existing);
  }

  private async specOf(
    type: JobType,
    domainId: string,
    defaultWatchlistId: string,
    input: StartJobInput,
  ): Promise<JobSpec> {
    const inputUri = parseS3Uri(input.inputS3Uri);
    if (!inputUri)
      throw invalid(
        `InputDataConfig.S3Uri '${input.inputS3Uri}' must name a manifest object: s3://<bucket>/<key>`,
      );
    if (!/^s3:\/\/[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9](\/.*)?$/.test(input.outputS3Uri)) {
      throw invalid(
        `OutputDataConfig.S3Uri '${input.outputS3Uri}' must be s3://<bucket>[/<prefix>]`,
      );
    }
    if (input.outputKmsKeyId !== undefined) {
      const key = await this.#keys.resolve(input.outputKmsKeyId);
      if (!key)
        throw invalid(`The KMS key '${input.outputKmsKeyId}' of OutputDataConfig does not exist`);
      if (key.state !== 'Enabled')
        throw invalid(`The KMS key '${input.outputKmsKeyId}' of OutputDataConfig is disabled`);
    }
    const base = {
      jobName: input.jobName,
      dataAccessRoleArn: input.dataAccessRoleArn,
      inputS3Uri: input.inputS3Uri,
      outputS3Uri: input.outputS3Uri,
      outputKmsKeyId: input.outputKmsKeyId,
    };
    if (type === 'SPEAKER_ENROLLMENT') {
      const fd = input.enrollment?.fraudDetection;
      const watchlistIds = fd?.watchlistIds ?? [defaultWatchlistId];
      await this.requireWatchlists(domainId, watchlistIds);
      return {
        ...base,
        enrollment: {
          existingEnrollmentAction: input.enrollment?.existingEnrollmentAction ?? 'SKIP',
          fraudDetection: {
            action: fd?.action ?? 'FAIL',
            riskThreshold: fd?.riskThreshold,
            watchlistIds,
          },
        },
      };
    }
    const watchlistIds = input.registration?.watchlistIds ?? [defaultWatchlistId];
    await this.requireWatchlists(domainId, watchlistIds);
    return {
      ...base,
      registration: {
        duplicateRegistrationAction: input.registration?.duplicateRegistrationAction ?? 'SKIP',
        similarityThreshold: input.registration?.similarityThreshold,
        watchlistIds,
      },
    };
  }

  private async requireWatchlists(domainId: string, ids: readonly string[]): Promise<void> {
    for (const id of ids)
      if (!(await this.#watchlists.getWatchlist(domainId, id))) throw notFound('WATCHLIST', id);
  }
}

/**
 * Validates a manifest as a whole (what fails the job); the number of requests it holds, or the
 * problem. A request wrong in itself is an item error of the job (`parseManifest`).
 */
export function checkManifest(
  type: JobType,
  bytes: Buffer,
): { ok: true; requests: number } | { ok: false; problem: string } {
  const parsed = parseManifest(type, bytes);
  return parsed.ok ? { ok: true, requests: parsed.items.length } : parsed;
}

/** Reads a job's manifest from the blob store. */
export async function readManifest(blobs: BlobStore, spec: JobSpec): Promise<Buffer | undefined> {
  const uri = parseS3Uri(spec.inputS3Uri);
  return uri && blobs.get(uri);
}
