import type { BlobStore } from '../blobs/index.js';
import { PollingLoop } from '../jobs/index.js';
import type { JobRow, VoiceIdJobsRepository } from '../storage/index.js';
import { checkManifest, readManifest, type JobSpec } from './voice-id-jobs.js';

interface Logger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** FailureDetails.StatusCode of a job whose manifest is valid but whose audio cannot be processed yet. */
export const NO_SPEAKER_ENGINE_STATUS = 501;

/**
 * Runs Voice ID batch jobs from the database: claims SUBMITTED jobs, resumes IN_PROGRESS ones
 * after a restart, reads and checks the manifest from the blob store. Processing audio needs the
 * speaker engine, which this version does not have: a job with a valid manifest ends FAILED with
 * FailureDetails saying so, never with invented results.
 */
export class VoiceIdJobRunner {
  readonly #repo: VoiceIdJobsRepository;
  readonly #blobs: BlobStore;
  readonly #log: Logger;
  readonly #loop: PollingLoop;

  constructor(repo: VoiceIdJobsRepository, blobs: BlobStore, log: Logger, pollMs = 2000) {
    this.#repo = repo;
    this.#blobs = blobs;
    this.#log = log;
    this.#loop = new PollingLoop(
      () => this.runAll(),
      (e) => this.#log.error({ err: e }, 'job runner pass failed; it will be retried'),
      pollMs,
    );
  }

  start(): void {
    this.#loop.start();
  }

  kick(): void {
    this.#loop.kick();
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
  }

  private async runAll(): Promise<void> {
    for (const job of await this.#repo.unfinished(50)) {
      if (this.#loop.stopped) return;
      if (job.status === 'SUBMITTED' && !(await this.#repo.claim(job.job_id))) continue;
      await this.run(job);
    }
  }

  private async run(job: JobRow): Promise<void> {
    const spec = JSON.parse(job.spec) as JobSpec;
    const manifest = await readManifest(this.#blobs, spec);
    if (!manifest) {
      await this.fail(
        job,
        400,
        `The manifest ${spec.inputS3Uri} does not exist in Voxgate's blob store; put it there with \`voxgate admin blobs put ${spec.inputS3Uri} <file>\` and start a new job`,
      );
      return;
    }
    const checked = checkManifest(job.job_type, manifest);
    if (!checked.ok) {
      await this.fail(job, 400, `The manifest ${spec.inputS3Uri} is malformed: ${checked.problem}`);
      return;
    }
    await this.fail(
      job,
      NO_SPEAKER_ENGINE_STATUS,
      `The manifest is valid (${checked.requests} ${checked.requests === 1 ? 'request' : 'requests'}), but this Voxgate version has no speaker verification engine yet, so no audio was processed and no ${job.job_type === 'SPEAKER_ENROLLMENT' ? 'speaker was enrolled' : 'fraudster was registered'}.`,
    );
  }

  private async fail(job: JobRow, statusCode: number, message: string): Promise<void> {
    await this.#repo.finish(job.job_id, {
      status: 'FAILED',
      percentComplete: 0,
      failure: { statusCode, message },
    });
    this.#log.info({ jobId: job.job_id, statusCode }, 'voice id job failed');
  }
}
