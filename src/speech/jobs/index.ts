/**
 * Durable async scoring jobs of the speech API (`POST /api/v2/score_audio` with `mode=async`):
 * `SpeechJobs` is the door's `ScriptedJobs` (submit, get), `SpeechJobRunner` scores the queued
 * jobs in the background. Jobs, their requests and their audio live in the database; they
 * survive restarts and are shared by every node of a PostgreSQL deployment.
 *
 * ### Examples
 * ```ts
 * const repo = new SpeechJobsRepository(runtime.storage);
 * const runner = new SpeechJobRunner(
 *   { repo, accounts: runtime.speechAccounts, engine, model, log },
 *   { concurrency: 2, engineDeadlineMs: config.asrDeadlineMs },
 * );
 * const jobs = new SpeechJobs(repo, runtime.speechAccounts, () => runner.kick());
 * runner.start();
 * ```
 */
export {
  SpeechJobs,
  DEFAULT_JOB_RESERVATION_TTL_MS,
  audioMsOf,
  jobView,
  type SpeechJobsOptions,
} from './speech-jobs.js';
export {
  SpeechJobRunner,
  DEFAULT_JOB_LEASE_MS,
  DEFAULT_JOB_POLL_MS,
  MAX_JOB_ATTEMPTS,
  type SpeechJobRunnerDeps,
  type SpeechJobRunnerOptions,
} from './speech-job-runner.js';
export { samplesToPcm16, pcm16ToSamples } from './pcm16.js';
