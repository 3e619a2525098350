import type { BlobStore } from '../blobs/index.js';
import type { JobContext, JobHandler } from '../jobs/index.js';
import type { QueueEntry, VoiceIdJobRecord, VoiceIdJobsStore } from '../storage/index.js';
import { checkManifest, readManifest, type JobSpec } from './voice-id-jobs.js';

interface Logger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** FailureDetails.StatusCode of a job whose manifest is valid but whose audio cannot be processed yet. */
export const NO_SPEAKER_ENGINE_STATUS = 501;

/**
 * Runs one Voice ID batch job for the job queue (kind `voiceid.batch`): reads and checks the
 * manifest from the blob store. Processing audio needs the speaker engine, which this version
 * does not wire yet: a job with a valid manifest ends FAILED with FailureDetails saying so,
 * never with invented results. Each job runs once, on the node holding its lease.
 */
export class VoiceIdBatchJobHandler implements JobHandler {
  readonly #repo: VoiceIdJobsStore;
  readonly #blobs: BlobStore;
  readonly #log: Logger;

  constructor(repo: VoiceIdJobsStore, blobs: BlobStore, log: Logger) {
    this.#repo = repo;
    this.#blobs = blobs;
    this.#log = log;
  }

  async run(entry: QueueEntry, ctx: JobContext): Promise<void> {
    const job = await this.#repo.byId(entry.jobId);
    if (!job) {
      this.#log.error({ jobId: entry.jobId }, 'queued voice id job has no job row');
      return;
    }
    await this.#repo.markInProgress(job.jobId);
    const spec = job.spec as JobSpec;
    const manifest = await readManifest(this.#blobs, spec);
    if (!manifest) {
      await this.#fail(
        job,
        ctx,
        400,
        `The manifest ${spec.inputS3Uri} does not exist in Voxgate's blob store; put it there with \`voxgate admin blobs put ${spec.inputS3Uri} <file>\` and start a new job`,
      );
      return;
    }
    const checked = checkManifest(job.type, manifest);
    if (!checked.ok) {
      await this.#fail(
        job,
        ctx,
        400,
        `The manifest ${spec.inputS3Uri} is malformed: ${checked.problem}`,
      );
      return;
    }
    await this.#fail(
      job,
      ctx,
      NO_SPEAKER_ENGINE_STATUS,
      `The manifest is valid (${checked.requests} ${checked.requests === 1 ? 'request' : 'requests'}), but this Voxgate version has no speaker verification engine yet, so no audio was processed and no ${job.type === 'SPEAKER_ENROLLMENT' ? 'speaker was enrolled' : 'fraudster was registered'}.`,
    );
  }

  async giveUp(entry: QueueEntry, ctx: JobContext): Promise<void> {
    const job = await this.#repo.byId(entry.jobId);
    if (job)
      await this.#fail(
        job,
        ctx,
        500,
        'The job was interrupted too often (its runner stopped each time) and was given up; start it again.',
      );
  }

  async #fail(
    job: VoiceIdJobRecord,
    ctx: JobContext,
    statusCode: number,
    message: string,
  ): Promise<void> {
    const written = await this.#repo.finish(
      job.jobId,
      ctx.owner,
      { status: 'FAILED', percentComplete: 0, failure: { statusCode, message } },
      Date.now(),
    );
    this.#log.info({ jobId: job.jobId, statusCode, written }, 'voice id job failed');
  }
}
