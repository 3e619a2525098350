import { createHash } from 'node:crypto';
import path from 'node:path';
import { parseS3Uri, type BlobStore, type S3Uri } from '../blobs/index.js';
import type { JobContext, JobHandler } from '../jobs/index.js';
import type {
  DomainRecord,
  QueueEntry,
  VoiceIdDomainsStore,
  VoiceIdJobRecord,
  VoiceIdJobsStore,
  VoiceIdPeopleStore,
} from '../storage/index.js';
import { itemStatistics, ItemFailure } from './batch/batch-audio.js';
import { parseManifest, type ManifestItem } from './batch/batch-manifest.js';
import { newGeneratedId } from './ids.js';
import { DEFAULT_RISK_THRESHOLD } from './voice-id-sessions.js';
import {
  readManifest,
  type EnrollmentConfig,
  type JobSpec,
  type RegistrationConfig,
} from './voice-id-jobs.js';
import type { VoiceprintBook } from './voiceprint-book.js';

interface Logger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * FraudsterSimilarityThreshold when the job gives none: a new fraudster scoring this (0–100)
 * or more against one on the watchlists is a duplicate.
 */
export const DEFAULT_FRAUDSTER_SIMILARITY_THRESHOLD = 50;

/** What a batch job needs besides its own records. */
export interface BatchJobDeps {
  readonly jobs: VoiceIdJobsStore;
  readonly domains: VoiceIdDomainsStore;
  readonly people: VoiceIdPeopleStore;
  readonly blobs: BlobStore;
  readonly book: VoiceprintBook;
  readonly log: Logger;
  /** Net speech an item needs before a voiceprint is made of it (the session enrollment's). */
  readonly speechSeconds: number;
  readonly now?: () => number;
}

interface ItemError {
  readonly RequestId: string;
  readonly ErrorCode: number;
  readonly ErrorMessage: string;
}

type ItemSuccess = Record<string, string | number>;

/** The fraudster id of item `index` of job `jobId`: the same on every run of the job. */
export function batchFraudsterId(jobId: string, index: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const digest = createHash('sha256').update(`voxgate.batch-fraudster/${jobId}/${index}`).digest();
  let id = '';
  for (let i = 0; i < 22; i++) id += alphabet[digest[i]! % 62];
  return `id#${id}`;
}

/**
 * Runs one Voice ID batch job for the job queue (kind `voiceid.batch`): reads the manifest from
 * the blob store, processes its requests one by one (audio → pooled speaker statistics →
 * voiceprint sealed under the domain's key), reports JobProgress as it goes, writes the output
 * file to `<OutputDataConfig.S3Uri>/<JobId>/<manifest file name>.out` and ends the job
 * COMPLETED, COMPLETED_WITH_ERRORS (some requests are item errors) or FAILED (the manifest is
 * missing or malformed, or the output cannot be written).
 *
 * A job may run again after its runner died (the queue's takeover): enrolling again replaces
 * the voiceprint with the same one; a fraudster's id is derived from the job id and the
 * request's position (`batchFraudsterId`), so a second run finds the fraudster it registered
 * and never registers it twice.
 */
export class VoiceIdBatchJobHandler implements JobHandler {
  readonly #deps: BatchJobDeps;
  readonly #now: () => number;

  constructor(deps: BatchJobDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  async run(entry: QueueEntry, ctx: JobContext): Promise<void> {
    const { jobs, blobs, log } = this.#deps;
    const job = await jobs.byId(entry.jobId);
    if (!job) {
      log.error({ jobId: entry.jobId }, 'queued voice id job has no job row');
      return;
    }
    await jobs.markInProgress(job.jobId);
    const spec = job.spec as JobSpec;
    const manifest = await readManifest(blobs, spec);
    if (!manifest) {
      await this.#fail(
        job,
        ctx,
        400,
        `The manifest ${spec.inputS3Uri} does not exist in Voxgate's blob store; put it there with \`voxgate admin blobs put ${spec.inputS3Uri} <file>\` and start a new job`,
      );
      return;
    }
    const parsed = parseManifest(job.type, manifest);
    if (!parsed.ok) {
      await this.#fail(
        job,
        ctx,
        400,
        `The manifest ${spec.inputS3Uri} is malformed: ${parsed.problem}`,
      );
      return;
    }
    const domain = await this.#deps.domains.getDomain(job.domainId);
    if (!domain) {
      await this.#fail(job, ctx, 404, 'The domain was deleted while the job ran.');
      return;
    }
    const errors: ItemError[] = [];
    const successes: ItemSuccess[] = [];
    const items = parsed.items;
    for (const item of items) {
      try {
        if (item.problem !== undefined)
          throw new ItemFailure(400, `The input JSON file is malformed: ${item.problem}`);
        successes.push(
          job.type === 'SPEAKER_ENROLLMENT'
            ? await this.#enroll(domain, spec.enrollment!, item)
            : await this.#register(job, domain, spec.registration!, item),
        );
      } catch (e) {
        if (!(e instanceof ItemFailure))
          log.error(
            { jobId: job.jobId, requestId: item.requestId, err: e },
            'voice id batch item failed',
          );
        errors.push({
          RequestId: item.requestId,
          ErrorCode: e instanceof ItemFailure ? e.errorCode : 500,
          ErrorMessage:
            e instanceof ItemFailure
              ? e.message
              : 'Internal error: the request could not be processed; start a new job for it.',
        });
      }
      const done = Math.floor(((item.index + 1) * 100) / items.length);
      if (item.index + 1 < items.length) await jobs.setProgress(job.jobId, done);
    }
    const output = {
      Version: '1.0',
      Errors: errors,
      [job.type === 'SPEAKER_ENROLLMENT' ? 'SuccessfulEnrollments' : 'SuccessfulRegistrations']:
        successes,
    };
    const outUri = outputUri(spec, job.jobId);
    try {
      await blobs.put(outUri, Buffer.from(JSON.stringify(output, null, 2)));
    } catch (e) {
      await this.#fail(
        job,
        ctx,
        500,
        `The output file s3://${outUri.bucket}/${outUri.key} could not be written: ${(e as Error).message}`,
      );
      return;
    }
    const status = errors.length === 0 ? 'COMPLETED' : 'COMPLETED_WITH_ERRORS';
    const written = await jobs.finish(
      job.jobId,
      ctx.owner,
      { status, percentComplete: 100 },
      this.#now(),
    );
    log.info(
      { jobId: job.jobId, status, errors: errors.length, successes: successes.length, written },
      'voice id job ended',
    );
  }

  async giveUp(entry: QueueEntry, ctx: JobContext): Promise<void> {
    const job = await this.#deps.jobs.byId(entry.jobId);
    if (job)
      await this.#fail(
        job,
        ctx,
        500,
        'The job was interrupted too often (its runner stopped each time) and was given up; start it again.',
      );
  }

  async #voiceprintOf(item: ManifestItem) {
    const { book, blobs, speechSeconds } = this.#deps;
    const stats = await itemStatistics(blobs, book.model, item.audio);
    if (stats.netSpeechSeconds < speechSeconds)
      throw new ItemFailure(
        400,
        `Not enough speech: the audio has ${stats.netSpeechSeconds.toFixed(1)} s of net speech, ${speechSeconds} s are needed`,
      );
    return { stats, ...book.model.enrollStatistics([stats]) };
  }

  async #enroll(
    domain: DomainRecord,
    config: EnrollmentConfig,
    item: ManifestItem,
  ): Promise<ItemSuccess> {
    const { people, book } = this.#deps;
    const customerId = item.speakerId!;
    let speaker = await people.findSpeaker(domain.domainId, customerId);
    if (speaker?.status === 'OPTED_OUT')
      throw new ItemFailure(
        409,
        'Conflicting action: You cannot request an enrollment for an opted out speaker.',
      );
    const already = speaker?.status === 'ENROLLED' || speaker?.status === 'EXPIRED';
    if (already && config.existingEnrollmentAction === 'SKIP')
      return successOf(item, speaker!.generatedId, customerId, 'DUPLICATE_SKIPPED');
    const { stats, voiceprint } = await this.#voiceprintOf(item);
    if (config.fraudDetection.action === 'FAIL') {
      const threshold = config.fraudDetection.riskThreshold ?? DEFAULT_RISK_THRESHOLD;
      const embedding = book.model.embedStatistics(stats);
      for (const watchlistId of config.fraudDetection.watchlistIds) {
        const list = await book.watchlist(domain.domainId, watchlistId);
        const hit = list.index ? book.model.search(embedding, list.index, 1)[0] : undefined;
        if (hit && Math.round(hit.score0to100) >= threshold)
          throw new ItemFailure(400, 'Fraud verification checks failed for the given speaker');
      }
    }
    const at = this.#now();
    if (!speaker) {
      const generatedId = newGeneratedId();
      const inserted = await people.insertSpeaker({
        generatedId,
        domainId: domain.domainId,
        customerSpeakerId: customerId,
        status: 'PENDING',
        createdAt: at,
        updatedAt: at,
        lastAccessedAt: null,
      });
      speaker = inserted
        ? await people.findSpeaker(domain.domainId, generatedId)
        : await people.findSpeaker(domain.domainId, customerId);
      if (!speaker) throw new Error('the speaker could not be created');
    }
    const record = await book.seal(domain.domainId, domain.keyRef, speaker.generatedId, voiceprint);
    const outcome = await people.enrollSpeaker(speaker.generatedId, record, at);
    if (outcome === 'opted-out')
      throw new ItemFailure(
        409,
        'Conflicting action: You cannot request an enrollment for an opted out speaker.',
      );
    if (outcome === 'speaker-gone')
      throw new ItemFailure(500, 'The speaker was deleted while it was being enrolled.');
    return successOf(
      item,
      speaker.generatedId,
      customerId,
      already ? 'ENROLLMENT_OVERWRITE' : 'NEW_ENROLLMENT',
    );
  }

  async #register(
    job: VoiceIdJobRecord,
    domain: DomainRecord,
    config: RegistrationConfig,
    item: ManifestItem,
  ): Promise<ItemSuccess> {
    const { people, book } = this.#deps;
    const fraudsterId = batchFraudsterId(job.jobId, item.index);
    // A run before this one (its runner died) registered it already.
    if (await people.getFraudster(domain.domainId, fraudsterId)) {
      for (const w of config.watchlistIds) await people.associate(fraudsterId, w);
      return {
        RequestId: item.requestId,
        GeneratedFraudsterId: fraudsterId,
        RegistrationStatus: 'NEW_REGISTRATION',
      };
    }
    const { stats, voiceprint } = await this.#voiceprintOf(item);
    if (config.duplicateRegistrationAction === 'SKIP') {
      const threshold = config.similarityThreshold ?? DEFAULT_FRAUDSTER_SIMILARITY_THRESHOLD;
      const embedding = book.model.embedStatistics(stats);
      let best: { id: string; score: number } | undefined;
      for (const watchlistId of config.watchlistIds) {
        const list = await book.watchlist(domain.domainId, watchlistId);
        const hit = list.index ? book.model.search(embedding, list.index, 1)[0] : undefined;
        const score = hit ? Math.round(hit.score0to100) : 0;
        if (hit && (!best || score > best.score))
          best = { id: list.fraudsterIds[hit.index]!, score };
      }
      if (best && best.score >= threshold)
        return {
          RequestId: item.requestId,
          GeneratedFraudsterId: best.id,
          RegistrationStatus: 'DUPLICATE_SKIPPED',
          FraudsterSimilarityScore: best.score,
        };
    }
    const [first, ...rest] = config.watchlistIds;
    const record = await book.seal(domain.domainId, domain.keyRef, fraudsterId, voiceprint);
    await people.insertFraudster(domain.domainId, fraudsterId, first!, this.#now(), [record]);
    for (const w of rest) await people.associate(fraudsterId, w);
    return {
      RequestId: item.requestId,
      GeneratedFraudsterId: fraudsterId,
      RegistrationStatus: 'NEW_REGISTRATION',
    };
  }

  async #fail(
    job: VoiceIdJobRecord,
    ctx: JobContext,
    statusCode: number,
    message: string,
  ): Promise<void> {
    const written = await this.#deps.jobs.finish(
      job.jobId,
      ctx.owner,
      { status: 'FAILED', percentComplete: 0, failure: { statusCode, message } },
      this.#now(),
    );
    this.#deps.log.info({ jobId: job.jobId, statusCode, written }, 'voice id job failed');
  }
}

function successOf(
  item: ManifestItem,
  generatedId: string,
  customerId: string,
  status: string,
): ItemSuccess {
  return {
    RequestId: item.requestId,
    GeneratedSpeakerId: generatedId,
    CustomerSpeakerId: customerId,
    EnrollmentStatus: status,
  };
}

/** `<OutputDataConfig.S3Uri>/<JobId>/<input file name>.out`. */
export function outputUri(spec: JobSpec, jobId: string): S3Uri {
  const input = parseS3Uri(spec.inputS3Uri);
  const name = `${path.posix.basename(input?.key ?? 'manifest')}.out`;
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(spec.outputS3Uri);
  const bucket = m?.[1] ?? '';
  const prefix = (m?.[2] ?? '').replace(/\/+$/, '');
  return { bucket, key: prefix === '' ? `${jobId}/${name}` : `${prefix}/${jobId}/${name}` };
}
