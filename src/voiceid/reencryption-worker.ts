import { KeyDisabled, KeyNotFound } from '../keys/index.js';
import type { VoiceIdPeopleRepository, VoiceIdRepository } from '../storage/index.js';
import { PollingLoop } from '../jobs/index.js';
import type { EncryptionUpdates } from './voice-id-control-plane.js';
import type { VoiceDataVault } from './voice-data-vault.js';

export interface ReencryptionOptions {
  /** Records re-wrapped per batch. */
  readonly batchSize: number;
  /** Pause between batches (throttling; tests use it to observe IN_PROGRESS). */
  readonly pauseMs: number;
  /** How often to look for unfinished updates (after a restart, or another process's request). */
  readonly pollMs: number;
}

interface Logger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Re-encrypts a domain's voice data after its key changed: record by record, the data key is
 * unwrapped with the record's current key and wrapped under the domain's new key, each in one
 * atomic UPDATE guarded by the old key reference. All state is in the database, so a process
 * killed half-way leaves every record readable with exactly one key, and the next start (or
 * another node) resumes where it stopped. Unreadable records (the old key disabled) end the
 * update as FAILED with a message saying what to do.
 */
export class ReencryptionWorker implements EncryptionUpdates {
  readonly #domains: VoiceIdRepository;
  readonly #people: VoiceIdPeopleRepository;
  readonly #vault: VoiceDataVault;
  readonly #options: ReencryptionOptions;
  readonly #log: Logger;
  readonly #loop: PollingLoop;

  constructor(
    domains: VoiceIdRepository,
    people: VoiceIdPeopleRepository,
    vault: VoiceDataVault,
    options: ReencryptionOptions,
    log: Logger,
  ) {
    this.#domains = domains;
    this.#people = people;
    this.#vault = vault;
    this.#options = options;
    this.#log = log;
    this.#loop = new PollingLoop(
      () => this.runAll(),
      (e) => this.#log.error({ err: e }, 're-encryption pass failed; it will be retried'),
      options.pollMs,
    );
  }

  async hasVoiceData(domainId: string): Promise<boolean> {
    return (await this.#people.countVoiceData(domainId)) > 0;
  }

  start(): void {
    this.#loop.start();
  }

  kick(): void {
    this.#loop.kick();
  }

  /** Stops after the batch in progress; state stays in the database for the next start. */
  async stop(): Promise<void> {
    await this.#loop.stop();
  }

  /** Resolves when no pass is running. */
  async idle(): Promise<void> {
    await this.#loop.idle();
  }

  private async runAll(): Promise<void> {
    for (const { domainId } of await this.#domains.domainsInEncryptionUpdate()) {
      if (this.#loop.stopped) return;
      await this.runDomain(domainId);
    }
  }

  private async runDomain(domainId: string): Promise<void> {
    for (;;) {
      if (this.#loop.stopped) return;
      // Re-read each batch: the target key may have changed (after a FAILED retry with a new key).
      const domain = await this.#domains.getDomain(domainId);
      if (!domain || domain.sse_update_status !== 'IN_PROGRESS') return;
      const target = domain.key_ref;
      const batch = await this.#people.recordsNotUnder(domainId, target, this.#options.batchSize);
      if (batch.length === 0) {
        await this.#domains.finishEncryptionUpdate(domainId, target, 'COMPLETED', null);
        this.#log.info({ domainId }, 're-encryption completed');
        return;
      }
      for (const record of batch) {
        try {
          await this.#people.rewrap(
            record.record_id,
            record.key_ref,
            target,
            await this.#vault.rewrap(record, target),
          );
        } catch (e) {
          if (e instanceof KeyDisabled || e instanceof KeyNotFound) {
            const message = `Voice data could not be re-encrypted: ${e.message}. Enable the key, then call UpdateDomain again with the same ServerSideEncryptionConfiguration to retry.`;
            await this.#domains.finishEncryptionUpdate(domainId, target, 'FAILED', message);
            this.#log.error({ domainId, keyRef: record.key_ref }, 're-encryption failed');
            return;
          }
          throw e;
        }
      }
      if (this.#options.pauseMs > 0) await new Promise((r) => setTimeout(r, this.#options.pauseMs));
    }
  }
}
