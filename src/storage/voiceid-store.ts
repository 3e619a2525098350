/**
 * The storage interfaces of Voice ID (what the domain in `voiceid/` needs) and the records they
 * speak in: camelCase, booleans and numbers, null for absent. `VoiceIdRepository` and
 * `VoiceIdPeopleRepository` implement them over Kysely; rows, JSON and driver errors stay there.
 */

// ---- domains, watchlists, tags

export type DomainStatus = 'ACTIVE' | 'PENDING' | 'SUSPENDED';
export type EncryptionUpdateStatus = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

/** The last change of a domain's key and how far re-encrypting its voice data has got. */
export interface EncryptionUpdateRecord {
  readonly status: EncryptionUpdateStatus;
  readonly oldKmsKeyId: string | null;
  readonly message: string | null;
}

export interface DomainRecord {
  readonly domainId: string;
  readonly name: string;
  readonly description: string | null;
  /** As the caller named it (key id, ARN or alias). */
  readonly kmsKeyId: string;
  /** The key id it resolved to: the key the domain's voice data is (being) encrypted under. */
  readonly keyRef: string;
  readonly status: DomainStatus;
  /** Whether that key is enabled now (read with the domain: a disabled key suspends it). */
  readonly keyEnabled: boolean;
  readonly encryptionUpdate: EncryptionUpdateRecord | null;
  readonly defaultWatchlistId: string;
  readonly clientToken: string | null;
  /** Hash of the creating request's parameters (a repeated ClientToken must match it). */
  readonly requestFingerprint: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly version: number;
}

export type NewDomain = Omit<DomainRecord, 'keyEnabled' | 'version'>;

/** UpdateDomain's full replace; `encryptionUpdate` only when the key (or a retry) changes it. */
export interface DomainChange {
  readonly name: string;
  readonly description: string | null;
  readonly kmsKeyId: string;
  readonly keyRef: string;
  readonly updatedAt: number;
  readonly encryptionUpdate?: EncryptionUpdateRecord;
}

export interface WatchlistRecord {
  readonly watchlistId: string;
  readonly domainId: string;
  readonly name: string;
  readonly description: string | null;
  readonly isDefault: boolean;
  readonly clientToken: string | null;
  readonly requestFingerprint: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly version: number;
}

export type NewWatchlist = Omit<WatchlistRecord, 'version'>;

export interface WatchlistChange {
  readonly name: string;
  readonly description: string | null;
  readonly updatedAt: number;
}

export interface TagRecord {
  readonly key: string;
  readonly value: string;
}

/** A write raced with another that used the same ClientToken (the other won). */
export class ClientTokenTaken extends Error {}
/** The domain was deleted while this write ran. */
export class DomainGone extends Error {}

export interface VoiceIdDomainsStore {
  getDomain(domainId: string): Promise<DomainRecord | undefined>;
  findDomainByClientToken(token: string): Promise<DomainRecord | undefined>;
  /** Ordered by domain id, after `afterId`. */
  listDomains(afterId: string | undefined, limit: number): Promise<DomainRecord[]>;
  /** The domain, its default watchlist and its tags, together; ClientTokenTaken on a race. */
  insertDomain(
    domain: NewDomain,
    defaultWatchlist: NewWatchlist,
    tags: readonly TagRecord[],
  ): Promise<void>;
  /**
   * Replaces the domain if it still has `expectedVersion` (false: another write won). With
   * `startReencryption`, the domain's re-encryption job is queued in the same transaction.
   */
  updateDomain(
    domainId: string,
    expectedVersion: number,
    change: DomainChange,
    startReencryption: boolean,
  ): Promise<boolean>;
  /**
   * Ends an encryption update, only if it is still the update toward `keyRef` (a newer key
   * change restarts it instead), with the end of its queue entry under `owner`'s lease.
   */
  finishEncryptionUpdate(
    domainId: string,
    keyRef: string,
    status: 'COMPLETED' | 'FAILED',
    message: string | null,
    owner: string,
  ): Promise<void>;
  /** The domain and everything in it. */
  deleteDomain(domainId: string): Promise<boolean>;

  getWatchlist(domainId: string, watchlistId: string): Promise<WatchlistRecord | undefined>;
  findWatchlistByClientToken(domainId: string, token: string): Promise<WatchlistRecord | undefined>;
  /** ClientTokenTaken on a race; DomainGone if the domain was deleted meanwhile. */
  insertWatchlist(watchlist: NewWatchlist): Promise<void>;
  updateWatchlist(
    domainId: string,
    watchlistId: string,
    expectedVersion: number,
    change: WatchlistChange,
  ): Promise<boolean>;
  /** A custom watchlist, unless fraudsters are on it (also when one is being added meanwhile). */
  deleteWatchlist(
    domainId: string,
    watchlistId: string,
  ): Promise<'deleted' | 'not-empty' | 'missing'>;
  listWatchlists(
    domainId: string,
    afterId: string | undefined,
    limit: number,
  ): Promise<WatchlistRecord[]>;

  /** Ordered by key. */
  listTags(domainId: string): Promise<TagRecord[]>;
  /** Upserts, refusing to leave more than `maxTags` on the domain; DomainGone if it went. */
  putTags(
    domainId: string,
    tags: readonly TagRecord[],
    maxTags: number,
  ): Promise<'ok' | 'too-many'>;
  deleteTags(domainId: string, keys: readonly string[]): Promise<void>;
}

// ---- fraudsters, speakers, voice data

export type SpeakerStatus = 'ENROLLED' | 'EXPIRED' | 'OPTED_OUT' | 'PENDING';
/** AUDIO, VOICEPRINT: a speaker's or fraudster's; SESSION: a call's accumulated speech. */
export type VoiceDataKind = 'AUDIO' | 'VOICEPRINT' | 'SESSION';

export interface FraudsterRecord {
  readonly fraudsterId: string;
  readonly domainId: string;
  readonly createdAt: number;
  /** Ordered by id. */
  readonly watchlistIds: readonly string[];
}

export interface SpeakerRecord {
  /** `id#…`, Voxgate's. */
  readonly generatedId: string;
  readonly domainId: string;
  readonly customerSpeakerId: string | null;
  readonly status: SpeakerStatus;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly lastAccessedAt: number | null;
  readonly version: number;
}

export type NewSpeaker = Omit<SpeakerRecord, 'version'>;

/** One encrypted piece of a speaker's or fraudster's voice data, as `VoiceDataVault` seals it. */
export interface VoiceDataRecord {
  readonly recordId: string;
  readonly domainId: string;
  /** The speaker's generated id or the fraudster's id. */
  readonly ownerId: string;
  readonly kind: VoiceDataKind;
  /** The KMS key its data key is wrapped under. */
  readonly keyRef: string;
  readonly wrappedKey: string;
  /** base64: IV, GCM tag, body. */
  readonly ciphertext: string;
  readonly createdAt: number;
}

/** The watchlist was deleted (or never existed) while this write ran. */
export class WatchlistGone extends Error {}

export interface VoiceIdPeopleStore {
  /** The fraudster on one watchlist with its voice data, together; WatchlistGone on a race. */
  insertFraudster(
    domainId: string,
    fraudsterId: string,
    watchlistId: string,
    createdAt: number,
    voiceData: readonly VoiceDataRecord[],
  ): Promise<void>;
  getFraudster(domainId: string, fraudsterId: string): Promise<FraudsterRecord | undefined>;
  /** Ordered by id; only those on `watchlistId` when given. */
  listFraudsters(
    domainId: string,
    watchlistId: string | undefined,
    afterId: string | undefined,
    limit: number,
  ): Promise<FraudsterRecord[]>;
  /** A repeated association is a no-op; WatchlistGone on a race. */
  associate(fraudsterId: string, watchlistId: string): Promise<void>;
  /** Unless it is the fraudster's last watchlist (also against a concurrent removal). */
  disassociate(
    fraudsterId: string,
    watchlistId: string,
  ): Promise<'removed' | 'last' | 'not-associated'>;
  /** The fraudster and its voice data. */
  deleteFraudster(domainId: string, fraudsterId: string): Promise<boolean>;

  /** By generated id (`id#…`) or customer speaker id. */
  findSpeaker(domainId: string, speakerId: string): Promise<SpeakerRecord | undefined>;
  /** Ordered by generated id. */
  listSpeakers(
    domainId: string,
    afterId: string | undefined,
    limit: number,
  ): Promise<SpeakerRecord[]>;
  /** False when a speaker with that customer id appeared meanwhile. */
  insertSpeaker(speaker: NewSpeaker): Promise<boolean>;
  /**
   * A batch enrollment: the speaker's voiceprints replaced by `voiceprint`, the speaker ENROLLED
   * with LastAccessedAt `at`, in one transaction (as a session enrollment does); nothing when
   * the speaker opted out or was deleted meanwhile.
   */
  enrollSpeaker(
    generatedId: string,
    voiceprint: VoiceDataRecord,
    at: number,
  ): Promise<'enrolled' | 'opted-out' | 'speaker-gone'>;
  /** Sets LastAccessedAt to `at` unless it is already later than `unlessAfter`. */
  touchSpeaker(generatedId: string, at: number, unlessAfter: number): Promise<void>;
  /** Marks the speaker OPTED_OUT and deletes its voice data, together. */
  optOut(domainId: string, generatedId: string, at: number): Promise<void>;
  /** The speaker and its voice data. */
  deleteSpeaker(domainId: string, generatedId: string): Promise<boolean>;

  /** Oldest first. */
  voiceDataOf(ownerId: string): Promise<VoiceDataRecord[]>;
  /** The voiceprints of the fraudsters on a watchlist, by fraudster id. */
  watchlistVoiceprints(
    domainId: string,
    watchlistId: string,
  ): Promise<{ fraudsterId: string; record: VoiceDataRecord }[]>;
  countVoiceData(domainId: string): Promise<number>;
  /** Records of the domain whose data key is not yet under `keyRef`, by record id. */
  recordsNotUnder(domainId: string, keyRef: string, limit: number): Promise<VoiceDataRecord[]>;
  /** Moves one record's data key to another KMS key; a no-op if someone already did. */
  rewrap(recordId: string, fromKeyRef: string, toKeyRef: string, wrappedKey: string): Promise<void>;
}
