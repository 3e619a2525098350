/**
 * Background work over durable state: the durable job queue (every kind of background job) and
 * the polling loop it runs on.
 *
 * ### Examples
 * ```ts
 * const loop = new PollingLoop(pass, onError, 2000);
 * ```
 */
export { PollingLoop } from './polling-loop.js';
export {
  JobQueue,
  DEFAULT_LEASE_MS,
  DEFAULT_POLL_MS,
  DEFAULT_RETENTION_MS,
  type JobContext,
  type JobHandler,
  type JobKindOptions,
  type JobQueueOptions,
} from './job-queue.js';
