/**
 * The storage interface of Voice ID sessions (what `voiceid/` needs for calls) and its records.
 * `VoiceIdSessionsRepository` implements it over Kysely.
 *
 * Who writes what: callers' operations (StartSession, UpdateSession, EnrollBySession) write the
 * session's configuration under its version; the server instance holding the call's stream
 * writes the stream's state and audio checkpoints, guarded by holding the stream instead, so
 * an audio checkpoint never makes a caller's UpdateSession fail as a concurrent change.
 */
import type { VoiceDataRecord } from './voiceid-store.js';

export type StreamingStatus = 'PENDING_CONFIGURATION' | 'ONGOING' | 'ENDED';
export type EnrollmentRequestStatus = 'NOT_ENOUGH_SPEECH' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
export type SessionAudioPurpose = 'AUTHENTICATION' | 'ENROLLMENT';
export type SessionResultKind = 'AUTHENTICATION' | 'FRAUD_DETECTION';

export interface EnrollmentRequestRecord {
  readonly status: EnrollmentRequestStatus;
  readonly message: string | null;
}

/** What callers configure. */
export interface SessionSettings {
  readonly generatedSpeakerId: string | null;
  readonly acceptanceThreshold: number;
  readonly riskThreshold: number;
  readonly watchlistId: string;
  readonly minAuthSpeechSeconds: number;
  /** Bumped by every change of the above: results cached before it are not reused. */
  readonly configEpoch: number;
}

export interface SessionRecord extends SessionSettings {
  readonly sessionId: string;
  readonly domainId: string;
  readonly sessionName: string;
  readonly streamingStatus: StreamingStatus;
  /** 1 for the session's first stream, +1 for each StartSession after one ended. */
  readonly streamGeneration: number;
  /** sha256 of the stream URL's one-time token (kept while the stream it opened runs). */
  readonly streamTokenHash: string | null;
  readonly streamTokenExpiresAt: number | null;
  /** The server instance receiving the stream; null when none is. */
  readonly streamOwner: string | null;
  readonly streamStartedAt: number | null;
  readonly streamEndedAt: number | null;
  readonly enrollment: EnrollmentRequestRecord | null;
  readonly clientToken: string | null;
  readonly requestFingerprint: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly version: number;
}

export type NewSession = Omit<SessionRecord, 'version'>;

/** A caller's change; absent members keep their values. */
export type SessionChange = Partial<SessionSettings> & {
  readonly enrollment?: EnrollmentRequestRecord;
  readonly updatedAt: number;
};

/** A new stream URL for a session (StartSession again). */
export interface StreamRestart {
  readonly streamGeneration: number;
  readonly streamTokenHash: string;
  readonly streamTokenExpiresAt: number;
  readonly updatedAt: number;
}

/** An audio checkpoint: the accumulated speech for one purpose, its biometric part sealed. */
export interface SessionAudioRecord {
  readonly sessionId: string;
  readonly purpose: SessionAudioPurpose;
  readonly streamGeneration: number;
  readonly netSpeechMs: number;
  /** Grows whenever a checkpoint added speech. */
  readonly watermark: number;
  readonly aggregationStartedAt: number;
  readonly aggregationEndedAt: number;
  readonly spoofingRisk: number | null;
  readonly record: VoiceDataRecord;
  readonly updatedAt: number;
}

export interface SessionResultRecord {
  readonly sessionId: string;
  readonly kind: SessionResultKind;
  readonly cacheKey: string;
  readonly resultId: string;
  /** The domain's result document. */
  readonly result: object;
  readonly createdAt: number;
}

/** The speaker a session enrollment writes, with its new voiceprint. */
export interface SessionEnrollment {
  readonly generatedSpeakerId: string;
  readonly voiceprint: VoiceDataRecord;
  readonly at: number;
}

/** Why claiming a stream token failed. */
export type StreamClaim =
  | { readonly claimed: SessionRecord }
  | { readonly refused: 'unknown-token' | 'expired' | 'active' | 'ended' };

/** Session name or ClientToken already used in the domain (a concurrent StartSession won). */
export class SessionTaken extends Error {}

export interface VoiceIdSessionsStore {
  /** SessionTaken on a race for the name or ClientToken. */
  insertSession(session: NewSession): Promise<void>;
  getSession(domainId: string, sessionId: string): Promise<SessionRecord | undefined>;
  findSessionByName(domainId: string, sessionName: string): Promise<SessionRecord | undefined>;
  findSessionByClientToken(domainId: string, token: string): Promise<SessionRecord | undefined>;
  /** Sessions with a stream running, or waiting for one whose URL has not expired at `now`. */
  countActiveSessions(domainId: string, now: number): Promise<number>;
  /** The caller's change if the session still has `expectedVersion`. */
  updateSession(
    sessionId: string,
    expectedVersion: number,
    change: SessionChange,
  ): Promise<boolean>;
  /**
   * A new stream URL (PENDING_CONFIGURATION) if the version holds and no stream runs: for a
   * stream not yet started (a fresh URL for it) or after the last one ended (the next one).
   */
  restartStream(
    sessionId: string,
    expectedVersion: number,
    restart: StreamRestart,
  ): Promise<boolean>;
  /**
   * Takes the stream of the session whose token hashes to `tokenHash` for `owner`, atomically:
   * of two sockets racing with one token, one claims it and the other is refused 'active'.
   */
  claimStream(tokenHash: string, owner: string, now: number): Promise<StreamClaim>;
  /** PENDING_CONFIGURATION → ONGOING on the stream's first audio (only while `owner` holds it). */
  markStreaming(sessionId: string, owner: string, at: number): Promise<boolean>;
  /** ENDED, released by `owner`. */
  endStream(sessionId: string, owner: string, at: number): Promise<boolean>;
  /** Ends the streams held by server instances that are no longer registered; how many. */
  endOrphanedStreams(at: number): Promise<number>;

  /** Stores a checkpoint while `owner` holds the session's stream; false when it does not. */
  putAudio(owner: string, audio: SessionAudioRecord): Promise<boolean>;
  getAudio(
    sessionId: string,
    purpose: SessionAudioPurpose,
  ): Promise<SessionAudioRecord | undefined>;

  getResult(
    sessionId: string,
    kind: SessionResultKind,
    cacheKey: string,
  ): Promise<SessionResultRecord | undefined>;
  /** The stored result for its key: this one, or the one a concurrent evaluation stored first. */
  putResult(result: SessionResultRecord): Promise<SessionResultRecord>;

  /**
   * Completes the session's enrollment request, in one transaction: the speaker's voiceprints
   * replaced by `enrollment.voiceprint`, the speaker ENROLLED (last accessed now), the request
   * COMPLETED — if the session still has `expectedVersion` and the speaker is not OPTED_OUT.
   */
  completeEnrollment(
    sessionId: string,
    expectedVersion: number,
    enrollment: SessionEnrollment,
  ): Promise<'completed' | 'stale' | 'opted-out' | 'speaker-gone'>;
}
