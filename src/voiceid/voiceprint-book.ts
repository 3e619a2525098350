import {
  deserializeVoiceprint,
  VoiceprintIndex,
  type SpeakerModel,
  type Voiceprint,
} from '../engines/speaker/index.js';
import type { VoiceDataRecord, VoiceIdPeopleStore } from '../storage/index.js';
import type { VoiceDataVault } from './voice-data-vault.js';

/** A watchlist's fraudsters ready to search: the index and who each row is. */
export interface WatchlistVoiceprints {
  /** Changes whenever a fraudster's voiceprint joins or leaves the watchlist. */
  readonly stateKey: string;
  readonly fraudsterIds: readonly string[];
  /** Undefined when no fraudster of the list has a voiceprint of the loaded model. */
  readonly index: VoiceprintIndex | undefined;
}

/** Decrypted voiceprints kept in memory, at most this many (≈ 1 KB each). */
const MAX_CACHED_VOICEPRINTS = 200_000;

/**
 * The voiceprints of a domain's speakers and fraudsters: sealed under the domain's key when they
 * are made, opened (and kept, by record id) when they are scored. Records are immutable (a new
 * enrollment writes a new record), so a cached voiceprint is never stale; what belongs to whom
 * is read from the database on every call, so every node sees the same watchlist.
 * Voiceprints of another speaker-model version are not scored (their speakers need enrolling
 * again): `speakerVoiceprint` answers undefined and watchlist search skips them.
 */
export class VoiceprintBook {
  readonly #model: SpeakerModel;
  readonly #vault: VoiceDataVault;
  readonly #people: VoiceIdPeopleStore;
  readonly #opened = new Map<string, Voiceprint>();
  readonly #indexes = new Map<string, WatchlistVoiceprints>();

  constructor(model: SpeakerModel, vault: VoiceDataVault, people: VoiceIdPeopleStore) {
    this.#model = model;
    this.#vault = vault;
    this.#people = people;
  }

  get model(): SpeakerModel {
    return this.#model;
  }

  /** A voiceprint as a record of `ownerId`, sealed under the domain's key. */
  seal(
    domainId: string,
    keyRef: string,
    ownerId: string,
    voiceprint: Voiceprint,
  ): Promise<VoiceDataRecord> {
    return this.#vault.seal(domainId, keyRef, ownerId, 'VOICEPRINT', voiceprint.serialize());
  }

  /** The speaker's current voiceprint of the loaded model (with its record id), or undefined. */
  async speakerVoiceprint(
    generatedSpeakerId: string,
  ): Promise<{ readonly recordId: string; readonly voiceprint: Voiceprint } | undefined> {
    const records = (await this.#people.voiceDataOf(generatedSpeakerId)).filter(
      (r) => r.kind === 'VOICEPRINT',
    );
    const latest = records.at(-1);
    if (!latest) return undefined;
    const voiceprint = await this.open(latest);
    return voiceprint.modelVersion === this.#model.version
      ? { recordId: latest.recordId, voiceprint }
      : undefined;
  }

  /** The fraudsters of a watchlist with voiceprints of the loaded model, indexed for search. */
  async watchlist(domainId: string, watchlistId: string): Promise<WatchlistVoiceprints> {
    const rows = await this.#people.watchlistVoiceprints(domainId, watchlistId);
    const stateKey = `${watchlistId}:${rows.map((r) => r.record.recordId).join(',')}`;
    const cacheKey = `${domainId}/${watchlistId}`;
    const cached = this.#indexes.get(cacheKey);
    if (cached && cached.stateKey === stateKey) return cached;
    const fraudsterIds: string[] = [];
    const voiceprints: Voiceprint[] = [];
    // One voiceprint per fraudster: the latest of the loaded model.
    const latest = new Map<string, VoiceDataRecord>();
    for (const r of rows) latest.set(r.fraudsterId, r.record);
    for (const [fraudsterId, record] of latest) {
      const voiceprint = await this.open(record);
      if (voiceprint.modelVersion !== this.#model.version) continue;
      fraudsterIds.push(fraudsterId);
      voiceprints.push(voiceprint);
    }
    const entry: WatchlistVoiceprints = {
      stateKey,
      fraudsterIds,
      index:
        voiceprints.length === 0
          ? undefined
          : VoiceprintIndex.build(this.#model.version, voiceprints),
    };
    this.#indexes.set(cacheKey, entry);
    return entry;
  }

  private async open(record: VoiceDataRecord): Promise<Voiceprint> {
    const hit = this.#opened.get(record.recordId);
    if (hit) return hit;
    const voiceprint = deserializeVoiceprint(await this.#vault.open(record));
    if (this.#opened.size >= MAX_CACHED_VOICEPRINTS) {
      const oldest = this.#opened.keys().next().value;
      if (oldest !== undefined) this.#opened.delete(oldest);
    }
    this.#opened.set(record.recordId, voiceprint);
    return voiceprint;
  }
}
