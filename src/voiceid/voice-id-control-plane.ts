import { createHash } from 'node:crypto';
import { catalog, voxError, type VoxgateError } from '../errors/index.js';
import type { KeyService } from '../keys/index.js';
import { KeysetPager, type Page, type PageRequest, type PageTokens } from '../pagination/index.js';

import {
  ClientTokenTaken,
  DomainGone,
  type DomainChange,
  type DomainRecord,
  type DomainStatus,
  type EncryptionUpdateStatus,
  type VoiceIdDomainsStore,
  type WatchlistRecord,
} from '../storage/index.js';
import { newUniqueId } from './ids.js';

export type { DomainStatus, PageRequest };

export interface DomainView {
  readonly domainId: string;
  readonly arn: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly status: DomainStatus;
  readonly kmsKeyId: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly sseUpdate:
    | {
        readonly oldKmsKeyId: string | undefined;
        readonly status: EncryptionUpdateStatus;
        readonly message: string | undefined;
      }
    | undefined;
  readonly defaultWatchlistId: string;
  /** The key the domain's voice data is (being) encrypted under. Internal, not on the wire. */
  readonly keyRef: string;
}

/** What the control plane needs from the re-encryption machinery. */
export interface EncryptionUpdates {
  hasVoiceData(domainId: string): Promise<boolean>;
  /** Wakes the job queue (a re-encryption was queued). */
  kick(): void;
}

export interface WatchlistView {
  readonly domainId: string;
  readonly watchlistId: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly isDefault: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface Tag {
  readonly key: string;
  readonly value: string;
}

export interface VoiceIdOptions {
  readonly region: string;
  readonly accountId: string;
  readonly maxTagsPerResource: number;
}

const DEFAULT_WATCHLIST_NAME = 'Default';
const DEFAULT_WATCHLIST_DESCRIPTION = 'The default watchlist of the domain';

const invalid = (detail: string): VoxgateError => voxError(catalog.VoiceIdValidation, { detail });
const TYPE_TEXT = {
  DOMAIN: 'Domain',
  WATCHLIST: 'Watchlist',
  FRAUDSTER: 'Fraudster',
  SPEAKER: 'Speaker',
  BATCH_JOB: 'Job',
  SESSION: 'Session',
} as const;
export const notFound = (resourceType: keyof typeof TYPE_TEXT, resourceId: string): VoxgateError =>
  voxError(catalog.VoiceIdResourceNotFound, {
    resourceType,
    resourceTypeText: TYPE_TEXT[resourceType],
    resourceId,
  });

const fingerprint = (value: unknown): string =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex');

/**
 * The Voice ID control plane: domains (with their KMS key and default watchlist), watchlists and
 * tags. A domain is ACTIVE while its key is enabled and SUSPENDED while it is disabled (the key's
 * state is read with the domain, so disabling a key suspends its domains at once); every
 * domain-scoped call on a domain that is not ACTIVE is ConflictException DOMAIN_NOT_ACTIVE.
 */
export class VoiceIdControlPlane {
  readonly #repo: VoiceIdDomainsStore;
  readonly #keys: KeyService;
  readonly #pager: KeysetPager;
  readonly #options: VoiceIdOptions;
  readonly #encryption: EncryptionUpdates;

  constructor(
    repo: VoiceIdDomainsStore,
    keys: KeyService,
    tokens: PageTokens,
    options: VoiceIdOptions,
    encryption: EncryptionUpdates,
  ) {
    this.#repo = repo;
    this.#keys = keys;
    this.#pager = new KeysetPager(tokens, () =>
      invalid('The NextToken is invalid or belongs to another request'),
    );
    this.#options = options;
    this.#encryption = encryption;
  }

  // ---- domains

  async createDomain(input: {
    name: string;
    description?: string | undefined;
    kmsKeyId: string;
    clientToken?: string | undefined;
    tags: readonly Tag[];
  }): Promise<DomainView> {
    const print = fingerprint([input.name, input.description ?? null, input.kmsKeyId, input.tags]);
    if (input.clientToken) {
      const existing = await this.#repo.findDomainByClientToken(input.clientToken);
      if (existing) return this.sameRequest(existing, print, input.clientToken);
    }
    const key = await this.usableKey(input.kmsKeyId);
    checkTags(input.tags, this.#options.maxTagsPerResource);
    const now = Date.now();
    const domainId = newUniqueId();
    const watchlistId = newUniqueId();
    try {
      await this.#repo.insertDomain(
        {
          domainId,
          name: input.name,
          description: input.description ?? null,
          kmsKeyId: input.kmsKeyId,
          keyRef: key,
          status: 'ACTIVE',
          encryptionUpdate: null,
          defaultWatchlistId: watchlistId,
          clientToken: input.clientToken ?? null,
          requestFingerprint: print,
          createdAt: now,
          updatedAt: now,
        },
        {
          watchlistId,
          domainId,
          name: DEFAULT_WATCHLIST_NAME,
          description: DEFAULT_WATCHLIST_DESCRIPTION,
          isDefault: true,
          clientToken: null,
          requestFingerprint: null,
          createdAt: now,
          updatedAt: now,
        },
        input.tags,
      );
    } catch (e) {
      // A concurrent request with the same ClientToken won: answer what it created.
      if (e instanceof ClientTokenTaken && input.clientToken) {
        const winner = await this.#repo.findDomainByClientToken(input.clientToken);
        if (winner) return this.sameRequest(winner, print, input.clientToken);
      }
      throw e;
    }
    return this.describeDomain(domainId);
  }

  async describeDomain(domainId: string): Promise<DomainView> {
    return this.view(await this.domainRow(domainId));
  }

  /**
   * Full replace (the API's "clobber" semantics): an omitted Description is removed. A new key
   * must exist and be enabled. Changing the key starts a durable re-encryption of the domain's
   * voice data (IN_PROGRESS → COMPLETED | FAILED, run by the re-encryption worker); while it
   * runs, another key change is DOMAIN_LOCKED_FROM_ENCRYPTION_UPDATES. After FAILED, repeating
   * the update with the same key retries it.
   */
  async updateDomain(
    domainId: string,
    input: { name: string; description?: string | undefined; kmsKeyId: string },
  ): Promise<DomainView> {
    const row = await this.domainRow(domainId);
    const key = await this.usableKey(input.kmsKeyId);
    const keyChanged = key !== row.keyRef;
    const previous = row.encryptionUpdate;
    if (keyChanged && previous?.status === 'IN_PROGRESS')
      throw voxError(catalog.VoiceIdConflictEncryptionLocked);
    const retry = !keyChanged && previous?.status === 'FAILED';
    // A key change (or a retry after FAILED) re-encrypts the voice data there is, if any.
    const reencrypt = (keyChanged || retry) && (await this.#encryption.hasVoiceData(domainId));
    const change: DomainChange = {
      name: input.name,
      description: input.description ?? null,
      kmsKeyId: input.kmsKeyId,
      keyRef: key,
      updatedAt: Date.now(),
      ...((keyChanged || retry) && {
        encryptionUpdate: {
          status: reencrypt ? 'IN_PROGRESS' : 'COMPLETED',
          oldKmsKeyId: keyChanged ? row.kmsKeyId : (previous?.oldKmsKeyId ?? null),
          message: null,
        },
      }),
    };
    const updated = await this.#repo.updateDomain(domainId, row.version, change, reencrypt);
    if (!updated) throw voxError(catalog.VoiceIdConflictConcurrentChanges);
    if (reencrypt) this.#encryption.kick();
    // Answer with what this call wrote: a later writer may already have replaced it.
    return this.view({
      ...row,
      ...change,
      encryptionUpdate: change.encryptionUpdate ?? row.encryptionUpdate,
      version: row.version + 1,
      keyEnabled: true,
    });
  }

  async deleteDomain(domainId: string): Promise<void> {
    if (!(await this.#repo.deleteDomain(domainId))) throw notFound('DOMAIN', domainId);
  }

  async listDomains(page: PageRequest): Promise<Page<DomainView>> {
    return this.#pager.page(page, {
      scope: 'ListDomains',
      defaultSize: 10,
      fetch: (after, limit) => this.#repo.listDomains(after, limit),
      keyOf: (r) => r.domainId,
      map: (r) => this.view(r),
    });
  }

  /** The domain if it is ACTIVE; the guard of every domain-scoped operation. */
  async requireActiveDomain(domainId: string): Promise<DomainView> {
    const domain = await this.describeDomain(domainId);
    if (domain.status !== 'ACTIVE') throw voxError(catalog.VoiceIdConflictDomainNotActive);
    return domain;
  }

  // ---- watchlists

  async createWatchlist(
    domainId: string,
    input: { name: string; description?: string | undefined; clientToken?: string | undefined },
  ): Promise<WatchlistView> {
    await this.requireActiveDomain(domainId);
    const print = fingerprint([input.name, input.description ?? null]);
    if (input.clientToken) {
      const existing = await this.#repo.findWatchlistByClientToken(domainId, input.clientToken);
      if (existing) return this.sameWatchlist(existing, print, input.clientToken);
    }
    const now = Date.now();
    const watchlist = {
      watchlistId: newUniqueId(),
      domainId,
      name: input.name,
      description: input.description ?? null,
      isDefault: false,
      clientToken: input.clientToken ?? null,
      requestFingerprint: print,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.#repo.insertWatchlist(watchlist);
    } catch (e) {
      if (e instanceof ClientTokenTaken && input.clientToken) {
        const winner = await this.#repo.findWatchlistByClientToken(domainId, input.clientToken);
        if (winner) return this.sameWatchlist(winner, print, input.clientToken);
      }
      if (e instanceof DomainGone) throw notFound('DOMAIN', domainId);
      throw e;
    }
    // Answer from what was written: a concurrent DeleteDomain may already have removed it.
    return watchlistView({ ...watchlist, version: 1 });
  }

  async describeWatchlist(domainId: string, watchlistId: string): Promise<WatchlistView> {
    await this.requireActiveDomain(domainId);
    return watchlistView(await this.watchlistRow(domainId, watchlistId));
  }

  async updateWatchlist(
    domainId: string,
    watchlistId: string,
    input: { name?: string | undefined; description?: string | undefined },
  ): Promise<WatchlistView> {
    await this.requireActiveDomain(domainId);
    const row = await this.watchlistRow(domainId, watchlistId);
    if (row.isDefault) throw invalid('The default watchlist cannot be renamed or changed');
    const change = {
      name: input.name ?? row.name,
      description: input.description ?? row.description,
      updatedAt: Date.now(),
    };
    const updated = await this.#repo.updateWatchlist(domainId, watchlistId, row.version, change);
    if (!updated) throw voxError(catalog.VoiceIdConflictConcurrentChanges);
    return watchlistView({ ...row, ...change, version: row.version + 1 });
  }

  async deleteWatchlist(domainId: string, watchlistId: string): Promise<void> {
    await this.requireActiveDomain(domainId);
    const row = await this.watchlistRow(domainId, watchlistId);
    if (row.isDefault) throw invalid('The default watchlist cannot be deleted');
    const outcome = await this.#repo.deleteWatchlist(domainId, watchlistId);
    if (outcome === 'not-empty') throw voxError(catalog.VoiceIdConflictNonEmptyWatchlist);
    if (outcome === 'missing') throw notFound('WATCHLIST', watchlistId);
  }

  async listWatchlists(domainId: string, page: PageRequest): Promise<Page<WatchlistView>> {
    await this.requireActiveDomain(domainId);
    return this.#pager.page(page, {
      scope: `ListWatchlists|${domainId}`,
      fetch: (after, limit) => this.#repo.listWatchlists(domainId, after, limit),
      keyOf: (w) => w.watchlistId,
      map: watchlistView,
    });
  }

  // ---- tags

  async tagResource(arn: string, tags: readonly Tag[]): Promise<void> {
    const domainId = await this.domainOfArn(arn);
    checkTags(tags, this.#options.maxTagsPerResource);
    let outcome: 'ok' | 'too-many';
    try {
      outcome = await this.#repo.putTags(domainId, tags, this.#options.maxTagsPerResource);
    } catch (e) {
      if (e instanceof DomainGone) throw notFound('DOMAIN', arn);
      throw e;
    }
    if (outcome === 'too-many') {
      throw invalid(`A resource can have at most ${this.#options.maxTagsPerResource} tags`);
    }
  }

  async untagResource(arn: string, keys: readonly string[]): Promise<void> {
    const domainId = await this.domainOfArn(arn);
    await this.#repo.deleteTags(domainId, keys);
  }

  async listTags(arn: string): Promise<Tag[]> {
    return this.#repo.listTags(await this.domainOfArn(arn));
  }

  // ---- mechanics

  domainArn(domainId: string): string {
    return `arn:aws:voiceid:${this.#options.region}:${this.#options.accountId}:domain/${domainId}`;
  }

  private async domainOfArn(arn: string): Promise<string> {
    const prefix = `arn:aws:voiceid:${this.#options.region}:${this.#options.accountId}:domain/`;
    const domainId = arn.startsWith(prefix) ? arn.slice(prefix.length) : undefined;
    if (!domainId) throw notFound('DOMAIN', arn);
    await this.domainRow(domainId);
    return domainId;
  }

  private async domainRow(domainId: string): Promise<DomainRecord> {
    const row = await this.#repo.getDomain(domainId);
    if (!row) throw notFound('DOMAIN', domainId);
    return row;
  }

  private async watchlistRow(domainId: string, watchlistId: string): Promise<WatchlistRecord> {
    const row = await this.#repo.getWatchlist(domainId, watchlistId);
    if (!row) throw notFound('WATCHLIST', watchlistId);
    return row;
  }

  /** The key id a KmsKeyId names, if it exists and is enabled; otherwise a ValidationException saying which. */
  private async usableKey(kmsKeyId: string): Promise<string> {
    const key = await this.#keys.resolve(kmsKeyId);
    if (!key)
      throw invalid(
        `The KMS key '${kmsKeyId}' does not exist (create one with \`voxgate admin keys create\`)`,
      );
    if (key.state !== 'Enabled') throw invalid(`The KMS key '${kmsKeyId}' is disabled`);
    return key.keyId;
  }

  private sameRequest(existing: DomainRecord, print: string, token: string): DomainView {
    if (existing.requestFingerprint !== print)
      throw invalid(`The ClientToken '${token}' was already used with different parameters`);
    return this.view(existing);
  }

  private async sameWatchlist(
    existing: WatchlistRecord,
    print: string,
    token: string,
  ): Promise<WatchlistView> {
    if (existing.requestFingerprint !== print)
      throw invalid(`The ClientToken '${token}' was already used with different parameters`);
    return watchlistView(existing);
  }

  private view(row: DomainRecord): DomainView {
    const update = row.encryptionUpdate;
    return {
      domainId: row.domainId,
      arn: this.domainArn(row.domainId),
      name: row.name,
      description: row.description ?? undefined,
      status: row.keyEnabled ? row.status : 'SUSPENDED',
      kmsKeyId: row.kmsKeyId,
      createdAt: new Date(row.createdAt),
      updatedAt: new Date(row.updatedAt),
      sseUpdate: update
        ? {
            oldKmsKeyId: update.oldKmsKeyId ?? undefined,
            status: update.status,
            message: update.message ?? undefined,
          }
        : undefined,
      defaultWatchlistId: row.defaultWatchlistId,
      keyRef: row.keyRef,
    };
  }
}

function checkTags(tags: readonly Tag[], max: number): void {
  if (tags.length > max) throw invalid(`A resource can have at most ${max} tags`);
  const keys = new Set<string>();
  for (const t of tags) {
    if (t.key.toLowerCase().startsWith('aws:'))
      throw invalid(`Tag keys starting with 'aws:' are reserved: '${t.key}'`);
    if (keys.has(t.key)) throw invalid(`Duplicate tag key '${t.key}'`);
    keys.add(t.key);
  }
}

function watchlistView(row: WatchlistRecord): WatchlistView {
  return {
    domainId: row.domainId,
    watchlistId: row.watchlistId,
    name: row.name,
    description: row.description ?? undefined,
    isDefault: row.isDefault,
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
  };
}
