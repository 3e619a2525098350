/**
 * Durable async scoring jobs of the speech API (`POST /api/v2/score_audio` with `mode=async`):
 * `SpeechJobs` is the door's `ScriptedJobs` (submit, get), `SpeechJobHandler` scores them when
 * the job queue runs them. Jobs, their requests and their audio live in the database; they
 * survive restarts and are shared by every node of a PostgreSQL deployment.
 *
 * ### Examples
 * ```ts
 * const repo = new SpeechJobsRepository(runtime.storage);
 * queue.register(SPEECH_JOB_KIND, new SpeechJobHandler(
 *   { repo, accounts: runtime.speechAccounts, scripted, log },
 *   { engineDeadlineMs: config.asrDeadlineMs },
 * ), { concurrency: 2, onPurge: (ids) => repo.delete(ids) });
 * const jobs = new SpeechJobs(repo, runtime.speechAccounts, () => queue.kick());
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
  SpeechJobHandler,
  type SpeechJobHandlerDeps,
  type SpeechJobHandlerOptions,
} from './speech-job-handler.js';
export { samplesToPcm16, pcm16ToSamples } from './pcm16.js';
