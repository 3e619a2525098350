import { catalog, voxError } from '../errors/index.js';
import { KeysetPager, type Page, type PageTokens } from '../pagination/index.js';
import {
  WatchlistGone,
  type FraudsterRecord,
  type SpeakerRecord,
  type SpeakerStatus,
  type VoiceIdDomainsStore,
  type VoiceIdPeopleStore,
} from '../storage/index.js';
import { newGeneratedId } from './ids.js';
import { notFound, type PageRequest, type VoiceIdControlPlane } from './voice-id-control-plane.js';
import type { VoiceDataVault } from './voice-data-vault.js';

export type { SpeakerStatus };

export interface FraudsterView {
  readonly domainId: string;
  readonly fraudsterId: string;
  readonly createdAt: Date;
  readonly watchlistIds: readonly string[];
}

export interface SpeakerView {
  readonly domainId: string;
  readonly customerSpeakerId: string | undefined;
  readonly generatedSpeakerId: string;
  readonly status: SpeakerStatus;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly lastAccessedAt: Date | undefined;
}

const fraudsterView = (r: FraudsterRecord): FraudsterView => ({
  domainId: r.domainId,
  fraudsterId: r.fraudsterId,
  createdAt: new Date(r.createdAt),
  watchlistIds: r.watchlistIds,
});

const speakerView = (r: SpeakerRecord): SpeakerView => ({
  domainId: r.domainId,
  customerSpeakerId: r.customerSpeakerId ?? undefined,
  generatedSpeakerId: r.generatedId,
  status: r.status,
  createdAt: new Date(r.createdAt),
  updatedAt: new Date(r.updatedAt),
  lastAccessedAt: r.lastAccessedAt === null ? undefined : new Date(r.lastAccessedAt),
});

/**
 * Fraudsters (on watchlists) and speakers of a domain, with their voice data encrypted under
 * the domain's key. Every call requires an ACTIVE domain.
 */
export class VoiceIdPeople {
  readonly #domains: VoiceIdControlPlane;
  readonly #watchlists: VoiceIdDomainsStore;
  readonly #repo: VoiceIdPeopleStore;
  readonly #vault: VoiceDataVault;
  readonly #pager: KeysetPager;

  constructor(
    domains: VoiceIdControlPlane,
    watchlists: VoiceIdDomainsStore,
    repo: VoiceIdPeopleStore,
    vault: VoiceDataVault,
    tokens: PageTokens,
  ) {
    this.#domains = domains;
    this.#watchlists = watchlists;
    this.#repo = repo;
    this.#vault = vault;
    this.#pager = new KeysetPager(tokens, () =>
      voxError(catalog.VoiceIdValidation, {
        detail: 'The NextToken is invalid or belongs to another request',
      }),
    );
  }

  // ---- fraudsters

  /**
   * An operator tool until registration jobs process audio: a fraudster on a watchlist (the
   * default one when none is given), its audio stored encrypted for the voiceprint to come.
   */
  async createFraudster(
    domainId: string,
    watchlistId: string | undefined,
    audio: readonly Uint8Array[],
  ): Promise<FraudsterView> {
    const domain = await this.#domains.requireActiveDomain(domainId);
    const listId = watchlistId ?? domain.defaultWatchlistId;
    await this.requireWatchlist(domainId, listId);
    const fraudsterId = newGeneratedId();
    const sealed = [];
    for (const bytes of audio)
      sealed.push(await this.#vault.seal(domainId, domain.keyRef, fraudsterId, 'AUDIO', bytes));
    try {
      await this.#repo.insertFraudster(domainId, fraudsterId, listId, Date.now(), sealed);
    } catch (e) {
      if (e instanceof WatchlistGone) throw notFound('WATCHLIST', listId);
      throw e;
    }
    return this.describeFraudster(domainId, fraudsterId);
  }

  async describeFraudster(domainId: string, fraudsterId: string): Promise<FraudsterView> {
    await this.#domains.requireActiveDomain(domainId);
    return fraudsterView(await this.fraudster(domainId, fraudsterId));
  }

  async deleteFraudster(domainId: string, fraudsterId: string): Promise<void> {
    await this.#domains.requireActiveDomain(domainId);
    if (!(await this.#repo.deleteFraudster(domainId, fraudsterId)))
      throw notFound('FRAUDSTER', fraudsterId);
  }

  async listFraudsters(
    domainId: string,
    watchlistId: string | undefined,
    page: PageRequest,
  ): Promise<Page<FraudsterView>> {
    await this.#domains.requireActiveDomain(domainId);
    if (watchlistId !== undefined) await this.requireWatchlist(domainId, watchlistId);
    return this.#pager.page(page, {
      scope: `ListFraudsters|${domainId}|${watchlistId ?? ''}`,
      fetch: (after, limit) => this.#repo.listFraudsters(domainId, watchlistId, after, limit),
      keyOf: (f) => f.fraudsterId,
      map: fraudsterView,
    });
  }

  async associateFraudster(
    domainId: string,
    watchlistId: string,
    fraudsterId: string,
  ): Promise<FraudsterView> {
    await this.#domains.requireActiveDomain(domainId);
    await this.requireWatchlist(domainId, watchlistId);
    await this.fraudster(domainId, fraudsterId);
    try {
      await this.#repo.associate(fraudsterId, watchlistId);
    } catch (e) {
      if (e instanceof WatchlistGone) throw notFound('WATCHLIST', watchlistId);
      throw e;
    }
    return this.describeFraudster(domainId, fraudsterId);
  }

  async disassociateFraudster(
    domainId: string,
    watchlistId: string,
    fraudsterId: string,
  ): Promise<FraudsterView> {
    await this.#domains.requireActiveDomain(domainId);
    await this.requireWatchlist(domainId, watchlistId);
    await this.fraudster(domainId, fraudsterId);
    const outcome = await this.#repo.disassociate(fraudsterId, watchlistId);
    if (outcome === 'last') throw voxError(catalog.VoiceIdConflictFraudsterNeedsWatchlist);
    if (outcome === 'not-associated') {
      throw voxError(catalog.VoiceIdValidation, {
        detail: `The fraudster ${fraudsterId} is not on the watchlist ${watchlistId}`,
      });
    }
    return this.describeFraudster(domainId, fraudsterId);
  }

  // ---- speakers

  async describeSpeaker(domainId: string, speakerId: string): Promise<SpeakerView> {
    await this.#domains.requireActiveDomain(domainId);
    return speakerView(await this.speaker(domainId, speakerId));
  }

  async deleteSpeaker(domainId: string, speakerId: string): Promise<void> {
    await this.#domains.requireActiveDomain(domainId);
    const row = await this.speaker(domainId, speakerId);
    if (!(await this.#repo.deleteSpeaker(domainId, row.generatedId)))
      throw notFound('SPEAKER', speakerId);
  }

  async listSpeakers(domainId: string, page: PageRequest): Promise<Page<SpeakerView>> {
    await this.#domains.requireActiveDomain(domainId);
    return this.#pager.page(page, {
      scope: `ListSpeakers|${domainId}`,
      fetch: (after, limit) => this.#repo.listSpeakers(domainId, after, limit),
      keyOf: (sp) => sp.generatedId,
      map: speakerView,
    });
  }

  /**
   * Opts a speaker out: creates an OPTED_OUT speaker for an unknown customer speaker id, and
   * deletes every voiceprint and audio kept for the speaker.
   */
  async optOutSpeaker(domainId: string, speakerId: string): Promise<SpeakerView> {
    await this.#domains.requireActiveDomain(domainId);
    const now = Date.now();
    let row = await this.#repo.findSpeaker(domainId, speakerId);
    if (!row) {
      if (speakerId.startsWith('id#')) throw notFound('SPEAKER', speakerId);
      const created = await this.#repo.insertSpeaker({
        generatedId: newGeneratedId(),
        domainId,
        customerSpeakerId: speakerId,
        status: 'OPTED_OUT',
        createdAt: now,
        updatedAt: now,
        lastAccessedAt: null,
      });
      row = await this.#repo.findSpeaker(domainId, speakerId);
      if (created && row) return speakerView(row);
      if (!row) throw notFound('SPEAKER', speakerId);
    }
    await this.#repo.optOut(domainId, row.generatedId, now);
    return speakerView(await this.speaker(domainId, row.generatedId));
  }

  /**
   * The speaker a session names: found by generated or customer id; a customer id seen for the
   * first time creates a PENDING speaker (Voice ID's "the speaker id has been created in the
   * backend"). An unknown generated id is ResourceNotFound.
   */
  async resolveSessionSpeaker(domainId: string, speakerId: string): Promise<SpeakerRecord> {
    const found = await this.#repo.findSpeaker(domainId, speakerId);
    if (found) return found;
    if (speakerId.startsWith('id#')) throw notFound('SPEAKER', speakerId);
    const now = Date.now();
    await this.#repo.insertSpeaker({
      generatedId: newGeneratedId(),
      domainId,
      customerSpeakerId: speakerId,
      status: 'PENDING',
      createdAt: now,
      updatedAt: now,
      lastAccessedAt: null,
    });
    // Ours, or a concurrent caller's that won the customer id: the same speaker either way.
    return this.speaker(domainId, speakerId);
  }

  /** The speaker by generated id, if it still exists. */
  async speakerById(domainId: string, generatedId: string): Promise<SpeakerRecord | undefined> {
    return this.#repo.findSpeaker(domainId, generatedId);
  }

  // ---- mechanics

  private async fraudster(domainId: string, fraudsterId: string): Promise<FraudsterRecord> {
    const row = await this.#repo.getFraudster(domainId, fraudsterId);
    if (!row) throw notFound('FRAUDSTER', fraudsterId);
    return row;
  }

  private async speaker(domainId: string, speakerId: string): Promise<SpeakerRecord> {
    const row = await this.#repo.findSpeaker(domainId, speakerId);
    if (!row) throw notFound('SPEAKER', speakerId);
    return row;
  }

  private async requireWatchlist(domainId: string, watchlistId: string): Promise<void> {
    if (!(await this.#watchlists.getWatchlist(domainId, watchlistId)))
      throw notFound('WATCHLIST', watchlistId);
  }
}
