import type { JobContext, JobHandler } from '../jobs/index.js';
import { KeyDisabled, KeyNotFound } from '../keys/index.js';
import {
  domainOfReencryptionJob,
  type QueueEntry,
  type VoiceIdDomainsStore,
  type VoiceIdPeopleStore,
} from '../storage/index.js';
import type { VoiceDataVault } from './voice-data-vault.js';

export interface ReencryptionOptions {
  /** Records re-wrapped per batch. */
  readonly batchSize: number;
  /** Pause between batches (throttling; tests use it to observe IN_PROGRESS). */
  readonly pauseMs: number;
}

interface Logger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Re-encrypts a domain's voice data after its key changed, as a job of the job queue (kind
 * `voiceid.reencrypt`, queued by UpdateDomain with the key change): record by record, the data
 * key is unwrapped with the record's current key and wrapped under the domain's new key, each in
 * one atomic UPDATE guarded by the old key reference. All state is in the database, so a process
 * killed (or stopped) half-way leaves every record readable with exactly one key, and the next
 * node to claim the job resumes where it stopped. Unreadable records (the old key disabled) end
 * the update as FAILED with a message saying what to do.
 */
export class ReencryptionHandler implements JobHandler {
  readonly #domains: VoiceIdDomainsStore;
  readonly #people: VoiceIdPeopleStore;
  readonly #vault: VoiceDataVault;
  readonly #options: ReencryptionOptions;
  readonly #log: Logger;

  constructor(
    domains: VoiceIdDomainsStore,
    people: VoiceIdPeopleStore,
    vault: VoiceDataVault,
    options: ReencryptionOptions,
    log: Logger,
  ) {
    this.#domains = domains;
    this.#people = people;
    this.#vault = vault;
    this.#options = options;
    this.#log = log;
  }

  async run(entry: QueueEntry, ctx: JobContext): Promise<void> {
    const domainId = domainOfReencryptionJob(entry.jobId);
    for (;;) {
      if (ctx.signal.aborted) return; // stopping or lease lost: the next claim resumes
      // Re-read each batch: the target key may have changed (after a FAILED retry with a new key).
      const domain = await this.#domains.getDomain(domainId);
      const target = domain?.keyRef ?? '';
      if (!domain || domain.encryptionUpdate?.status !== 'IN_PROGRESS') {
        await this.#domains.finishEncryptionUpdate(domainId, target, 'COMPLETED', null, ctx.owner);
        return;
      }
      const batch = await this.#people.recordsNotUnder(domainId, target, this.#options.batchSize);
      if (batch.length === 0) {
        await this.#domains.finishEncryptionUpdate(domainId, target, 'COMPLETED', null, ctx.owner);
        this.#log.info({ domainId }, 're-encryption completed');
        return;
      }
      for (const record of batch) {
        if (ctx.signal.aborted) return;
        try {
          await this.#people.rewrap(
            record.recordId,
            record.keyRef,
            target,
            await this.#vault.rewrap(record, target),
          );
        } catch (e) {
          if (e instanceof KeyDisabled || e instanceof KeyNotFound) {
            const message = `Voice data could not be re-encrypted: ${e.message}. Enable the key, then call UpdateDomain again with the same ServerSideEncryptionConfiguration to retry.`;
            await this.#domains.finishEncryptionUpdate(
              domainId,
              target,
              'FAILED',
              message,
              ctx.owner,
            );
            this.#log.error({ domainId, keyRef: record.keyRef }, 're-encryption failed');
            return;
          }
          throw e;
        }
      }
      if (this.#options.pauseMs > 0) await pause(this.#options.pauseMs, ctx.signal);
    }
  }

  /** Never given up: every batch is kept, so each new claim makes progress. */
  async giveUp(entry: QueueEntry, ctx: JobContext): Promise<void> {
    await this.run(entry, ctx);
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
