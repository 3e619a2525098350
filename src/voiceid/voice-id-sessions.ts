import { createHash, randomBytes } from 'node:crypto';
import { catalog, voxError, type VoxgateError } from '../errors/index.js';
import {
  SessionTaken,
  type EnrollmentRequestStatus,
  type SessionChange,
  type SessionRecord,
  type StreamingStatus,
  type VoiceIdDomainsStore,
  type VoiceIdSessionsStore,
} from '../storage/index.js';
import { newGeneratedId } from './ids.js';
import { notFound, type VoiceIdControlPlane } from './voice-id-control-plane.js';
import type { VoiceIdPeople } from './voice-id-people.js';

export type { EnrollmentRequestStatus, StreamingStatus };

/** Voice ID's defaults for a session (Amazon Connect's). */
export const DEFAULT_ACCEPTANCE_THRESHOLD = 90;
export const DEFAULT_RISK_THRESHOLD = 50;
export const DEFAULT_MIN_AUTH_SPEECH_SECONDS = 10;

export interface SessionOptions {
  /** How long a stream URL accepts its stream. */
  readonly streamTokenTtlMs: number;
  /** Sessions per domain with a stream pending or running. */
  readonly maxActiveSessions: number;
  readonly now?: () => number;
}

/** What StartSession and UpdateSession set; absent members keep (or default) their values. */
export interface SessionSettingsInput {
  readonly speakerId?: string | undefined;
  readonly acceptanceThreshold?: number | undefined;
  readonly riskThreshold?: number | undefined;
  readonly watchlistId?: string | undefined;
  readonly minAuthSpeechSeconds?: number | undefined;
}

export interface SessionView {
  readonly domainId: string;
  readonly sessionId: string;
  readonly sessionName: string;
  readonly customerSpeakerId: string | undefined;
  readonly generatedSpeakerId: string | undefined;
  readonly streamingStatus: StreamingStatus;
  readonly acceptanceThreshold: number;
  readonly riskThreshold: number;
  readonly watchlistId: string;
  readonly minAuthSpeechSeconds: number;
  readonly enrollment:
    { readonly status: EnrollmentRequestStatus; readonly message?: string } | undefined;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A started stream: where to send the call's audio, until when. */
export interface StartedSession {
  readonly session: SessionView;
  /** The one-time token of the stream URL; the protocol builds the URL around it. */
  readonly streamToken: string;
  readonly streamTokenExpiresAt: Date;
}

/** Completes enrollment requests once the call has enough speech (see VoiceIdSessionEnrollment). */
export interface EnrollmentCompletion {
  completeIfReady(session: SessionRecord): Promise<EnrollmentRequestStatus | undefined>;
}

const STREAM_TOKEN_PREFIX = 'vxv_';
/** The stream token a URL carries: `vxv_` + 32 random bytes, base64url. */
export const newStreamToken = (): string =>
  `${STREAM_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
export const streamTokenHash = (token: string): string =>
  createHash('sha256').update(token).digest('hex');
const fingerprint = (value: unknown): string =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex');

const invalid = (detail: string): VoxgateError => voxError(catalog.VoiceIdValidation, { detail });

/**
 * Voice ID sessions: a call's session (name = the call's id) with its speaker, thresholds and
 * stream, as Amazon Connect drove them — StartSession, UpdateSession, EnrollBySession,
 * DescribeSession. Every call needs an ACTIVE domain. The ConflictTypes of sessions are raised
 * here: ANOTHER_ACTIVE_STREAM (StartSession while the call's stream runs),
 * CANNOT_CHANGE_SPEAKER_AFTER_ENROLLMENT, ENROLLMENT_ALREADY_EXISTS, SPEAKER_NOT_SET,
 * SPEAKER_OPTED_OUT, CONCURRENT_CHANGES (a lost race on the session).
 */
export class VoiceIdSessions {
  readonly #domains: VoiceIdControlPlane;
  readonly #watchlists: VoiceIdDomainsStore;
  readonly #people: VoiceIdPeople;
  readonly #store: VoiceIdSessionsStore;
  readonly #options: SessionOptions;
  readonly #now: () => number;
  #enrollment: EnrollmentCompletion | undefined;

  constructor(
    domains: VoiceIdControlPlane,
    watchlists: VoiceIdDomainsStore,
    people: VoiceIdPeople,
    store: VoiceIdSessionsStore,
    options: SessionOptions,
  ) {
    this.#domains = domains;
    this.#watchlists = watchlists;
    this.#people = people;
    this.#store = store;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Wires the enrollment machinery (it needs the speaker engine; sessions work without it). */
  useEnrollment(enrollment: EnrollmentCompletion): void {
    this.#enrollment = enrollment;
  }

  /**
   * StartSession: a new session for the call, or a new stream for the call's session whose
   * last stream ended (the speaker, thresholds and enrollment request carry over; settings
   * given apply as in UpdateSession). A repeated ClientToken with the same parameters is the
   * same StartSession: while its stream has not started, it answers a fresh stream URL (the
   * earlier one stops working).
   */
  async start(
    domainId: string,
    sessionName: string,
    input: SessionSettingsInput & { readonly clientToken?: string | undefined },
  ): Promise<StartedSession> {
    const domain = await this.#domains.requireActiveDomain(domainId);
    const { clientToken, ...settings } = input;
    const print = fingerprint([sessionName, settings]);
    if (clientToken) {
      const earlier = await this.#store.findSessionByClientToken(domainId, clientToken);
      if (earlier) {
        if (earlier.requestFingerprint !== print)
          throw invalid(
            `The ClientToken '${clientToken}' was already used with different parameters`,
          );
        return this.newStream(earlier, {});
      }
    }
    const existing = await this.#store.findSessionByName(domainId, sessionName);
    if (existing) return this.newStream(existing, settings);

    const active = await this.#store.countActiveSessions(domainId, this.#now());
    if (active >= this.#options.maxActiveSessions)
      throw voxError(catalog.VoiceIdServiceQuotaExceeded, {
        quota: 'concurrent active sessions per domain',
        limit: this.#options.maxActiveSessions,
      });
    const watchlistId = settings.watchlistId ?? domain.defaultWatchlistId;
    await this.requireWatchlist(domainId, watchlistId);
    const speaker =
      settings.speakerId === undefined
        ? undefined
        : await this.#people.resolveSessionSpeaker(domainId, settings.speakerId);
    const now = this.#now();
    const token = newStreamToken();
    const expiresAt = now + this.#options.streamTokenTtlMs;
    try {
      await this.#store.insertSession({
        sessionId: newGeneratedId(),
        domainId,
        sessionName,
        generatedSpeakerId: speaker?.generatedId ?? null,
        acceptanceThreshold: settings.acceptanceThreshold ?? DEFAULT_ACCEPTANCE_THRESHOLD,
        riskThreshold: settings.riskThreshold ?? DEFAULT_RISK_THRESHOLD,
        watchlistId,
        minAuthSpeechSeconds: settings.minAuthSpeechSeconds ?? DEFAULT_MIN_AUTH_SPEECH_SECONDS,
        configEpoch: 0,
        streamingStatus: 'PENDING_CONFIGURATION',
        streamGeneration: 1,
        streamTokenHash: streamTokenHash(token),
        streamTokenExpiresAt: expiresAt,
        streamOwner: null,
        streamStartedAt: null,
        streamEndedAt: null,
        enrollment: null,
        clientToken: clientToken ?? null,
        requestFingerprint: print,
        createdAt: now,
        updatedAt: now,
      });
    } catch (e) {
      // A concurrent StartSession for the same call (or ClientToken) won: start on its session.
      if (e instanceof SessionTaken) return this.start(domainId, sessionName, input);
      throw e;
    }
    const session = await this.requireSession(domainId, sessionName);
    return {
      session: await this.view(session),
      streamToken: token,
      streamTokenExpiresAt: new Date(expiresAt),
    };
  }

  /** UpdateSession: a new speaker (PENDING if new) and thresholds; absent members are kept. */
  async update(
    domainId: string,
    nameOrId: string,
    input: SessionSettingsInput,
  ): Promise<SessionView> {
    await this.#domains.requireActiveDomain(domainId);
    const session = await this.requireSession(domainId, nameOrId);
    const change = await this.settingsChange(session, input);
    if (change && !(await this.#store.updateSession(session.sessionId, session.version, change)))
      throw voxError(catalog.VoiceIdConflictConcurrentChanges);
    return this.view(await this.requireSession(domainId, session.sessionId));
  }

  /**
   * EnrollBySession: requests the enrollment of the session's speaker from the call's speech.
   * NOT_ENOUGH_SPEECH until the call has enough, COMPLETED once the voiceprint is stored.
   */
  async enroll(domainId: string, nameOrId: string): Promise<EnrollmentRequestStatus> {
    await this.#domains.requireActiveDomain(domainId);
    const session = await this.requireSession(domainId, nameOrId);
    if (session.enrollment !== null) throw voxError(catalog.VoiceIdConflictEnrollmentExists);
    const speaker =
      session.generatedSpeakerId === null
        ? undefined
        : await this.#people.speakerById(domainId, session.generatedSpeakerId);
    // A speaker deleted since it was set is no speaker: set it again (a new PENDING speaker).
    if (!speaker) throw voxError(catalog.VoiceIdConflictSpeakerNotSet);
    if (speaker.status === 'OPTED_OUT') throw voxError(catalog.VoiceIdConflictSpeakerOptedOut);
    const requested = await this.#store.updateSession(session.sessionId, session.version, {
      enrollment: { status: 'NOT_ENOUGH_SPEECH', message: null },
      updatedAt: this.#now(),
    });
    if (!requested) throw voxError(catalog.VoiceIdConflictConcurrentChanges);
    const now = await this.requireSession(domainId, session.sessionId);
    return (await this.#enrollment?.completeIfReady(now)) ?? 'NOT_ENOUGH_SPEECH';
  }

  /** DescribeSession (an enrollment with enough speech completes on the way). */
  async describe(domainId: string, nameOrId: string): Promise<SessionView> {
    await this.#domains.requireActiveDomain(domainId);
    let session = await this.requireSession(domainId, nameOrId);
    if (session.enrollment?.status === 'NOT_ENOUGH_SPEECH' && this.#enrollment) {
      if ((await this.#enrollment.completeIfReady(session)) !== 'NOT_ENOUGH_SPEECH')
        session = await this.requireSession(domainId, session.sessionId);
    }
    return this.view(session);
  }

  /** DOMAIN_NOT_ACTIVE (ConflictException) unless the domain is ACTIVE. */
  async requireActive(domainId: string): Promise<void> {
    await this.#domains.requireActiveDomain(domainId);
  }

  /** By `id#…` session id or by name; ResourceNotFound (SESSION) otherwise. */
  async requireSession(domainId: string, nameOrId: string): Promise<SessionRecord> {
    const session = nameOrId.startsWith('id#')
      ? await this.#store.getSession(domainId, nameOrId)
      : await this.#store.findSessionByName(domainId, nameOrId);
    if (!session) throw notFound('SESSION', nameOrId);
    return session;
  }

  // ---- mechanics

  private async newStream(
    session: SessionRecord,
    settings: SessionSettingsInput,
  ): Promise<StartedSession> {
    if (session.streamOwner !== null || session.streamingStatus === 'ONGOING')
      throw voxError(catalog.VoiceIdConflictAnotherActiveStream);
    const change = await this.settingsChange(session, settings);
    const token = newStreamToken();
    const now = this.#now();
    const expiresAt = now + this.#options.streamTokenTtlMs;
    let version = session.version;
    if (change) {
      if (!(await this.#store.updateSession(session.sessionId, version, change)))
        throw voxError(catalog.VoiceIdConflictConcurrentChanges);
      version += 1;
    }
    // PENDING and unclaimed: the same stream, with a fresh URL; ENDED: the next stream.
    const restarted = await this.#store.restartStream(session.sessionId, version, {
      streamGeneration:
        session.streamingStatus === 'ENDED'
          ? session.streamGeneration + 1
          : session.streamGeneration,
      streamTokenHash: streamTokenHash(token),
      streamTokenExpiresAt: expiresAt,
      updatedAt: now,
    });
    if (!restarted) {
      const latest = await this.requireSession(session.domainId, session.sessionId);
      if (latest.streamOwner !== null) throw voxError(catalog.VoiceIdConflictAnotherActiveStream);
      throw voxError(catalog.VoiceIdConflictConcurrentChanges);
    }
    const latest = await this.requireSession(session.domainId, session.sessionId);
    return {
      session: await this.view(latest),
      streamToken: token,
      streamTokenExpiresAt: new Date(expiresAt),
    };
  }

  /** The change `input` makes to the session, or undefined when it changes nothing. */
  private async settingsChange(
    session: SessionRecord,
    input: SessionSettingsInput,
  ): Promise<SessionChange | undefined> {
    const change: {
      -readonly [K in keyof SessionChange]: SessionChange[K];
    } = { updatedAt: this.#now() };
    if (input.speakerId !== undefined) {
      const speaker = await this.#people.resolveSessionSpeaker(session.domainId, input.speakerId);
      if (speaker.generatedId !== session.generatedSpeakerId) {
        if (session.enrollment !== null) throw voxError(catalog.VoiceIdConflictCannotChangeSpeaker);
        change.generatedSpeakerId = speaker.generatedId;
      }
    }
    if (input.watchlistId !== undefined && input.watchlistId !== session.watchlistId) {
      await this.requireWatchlist(session.domainId, input.watchlistId);
      change.watchlistId = input.watchlistId;
    }
    if (
      input.acceptanceThreshold !== undefined &&
      input.acceptanceThreshold !== session.acceptanceThreshold
    )
      change.acceptanceThreshold = input.acceptanceThreshold;
    if (input.riskThreshold !== undefined && input.riskThreshold !== session.riskThreshold)
      change.riskThreshold = input.riskThreshold;
    if (
      input.minAuthSpeechSeconds !== undefined &&
      input.minAuthSpeechSeconds !== session.minAuthSpeechSeconds
    )
      change.minAuthSpeechSeconds = input.minAuthSpeechSeconds;
    if (Object.keys(change).length === 1) return undefined;
    change.configEpoch = session.configEpoch + 1;
    return change;
  }

  private async requireWatchlist(domainId: string, watchlistId: string): Promise<void> {
    if (!(await this.#watchlists.getWatchlist(domainId, watchlistId)))
      throw notFound('WATCHLIST', watchlistId);
  }

  private async view(s: SessionRecord): Promise<SessionView> {
    const speaker =
      s.generatedSpeakerId === null
        ? undefined
        : await this.#people.speakerById(s.domainId, s.generatedSpeakerId);
    return {
      domainId: s.domainId,
      sessionId: s.sessionId,
      sessionName: s.sessionName,
      customerSpeakerId: speaker?.customerSpeakerId ?? undefined,
      generatedSpeakerId: s.generatedSpeakerId ?? undefined,
      streamingStatus: s.streamingStatus,
      acceptanceThreshold: s.acceptanceThreshold,
      riskThreshold: s.riskThreshold,
      watchlistId: s.watchlistId,
      minAuthSpeechSeconds: s.minAuthSpeechSeconds,
      enrollment:
        s.enrollment === null
          ? undefined
          : {
              status: s.enrollment.status,
              ...(s.enrollment.message !== null && { message: s.enrollment.message }),
            },
      createdAt: new Date(s.createdAt),
      updatedAt: new Date(s.updatedAt),
    };
  }
}
