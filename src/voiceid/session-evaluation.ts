import { createHash } from 'node:crypto';
import type { UtteranceEmbedding } from '../engines/speaker/index.js';
import type {
  SessionRecord,
  SessionResultKind,
  SpeakerRecord,
  StreamingStatus,
  VoiceIdPeopleStore,
  VoiceIdSessionsStore,
} from '../storage/index.js';
import { SPEECH_EPSILON } from './call-stream.js';
import { newUniqueId } from './ids.js';
import type { SessionCheckpoints, SessionSpeech } from './session-checkpoints.js';
import type { VoiceIdSessions } from './voice-id-sessions.js';
import type { VoiceprintBook } from './voiceprint-book.js';

export type AuthenticationDecision =
  | 'ACCEPT'
  | 'REJECT'
  | 'NOT_ENOUGH_SPEECH'
  | 'SPEAKER_NOT_ENROLLED'
  | 'SPEAKER_OPTED_OUT'
  | 'SPEAKER_ID_NOT_PROVIDED'
  | 'SPEAKER_EXPIRED';
export type FraudDetectionDecision = 'HIGH_RISK' | 'LOW_RISK' | 'NOT_ENOUGH_SPEECH';
export type FraudDetectionReason = 'KNOWN_FRAUDSTER' | 'VOICE_SPOOFING';

/** Voice ID: a speaker neither enrolled nor authenticated for three years is EXPIRED. */
export const SPEAKER_EXPIRY_MS = 3 * 365.25 * 24 * 3600 * 1000;
/** LastAccessedAt moves on a successful authentication at most this often. */
export const LAST_ACCESS_GRANULARITY_MS = 3600 * 1000;

export interface AuthenticationOutcome {
  readonly resultId: string;
  readonly aggregationStartedAt: Date | undefined;
  readonly aggregationEndedAt: Date | undefined;
  readonly customerSpeakerId: string | undefined;
  readonly generatedSpeakerId: string | undefined;
  readonly decision: AuthenticationDecision;
  /** 0–100, only for ACCEPT and REJECT. */
  readonly score: number | undefined;
  readonly acceptanceThreshold: number;
}

export interface FraudOutcome {
  readonly resultId: string;
  readonly aggregationStartedAt: Date | undefined;
  readonly aggregationEndedAt: Date | undefined;
  readonly riskThreshold: number;
  readonly watchlistId: string;
  readonly decision: FraudDetectionDecision;
  readonly reasons: readonly FraudDetectionReason[];
  /** Undefined with NOT_ENOUGH_SPEECH. */
  readonly knownFraudsterRisk:
    { readonly riskScore: number; readonly generatedFraudsterId: string | undefined } | undefined;
  /** Undefined with NOT_ENOUGH_SPEECH, or when the server runs without a spoofing detector. */
  readonly voiceSpoofingRisk: { readonly riskScore: number } | undefined;
}

export interface SessionEvaluation {
  readonly domainId: string;
  readonly sessionId: string;
  readonly sessionName: string;
  readonly streamingStatus: StreamingStatus;
  readonly authentication: AuthenticationOutcome;
  readonly fraudDetection: FraudOutcome;
}

/** The stored form of an outcome (dates as epoch ms). */
type Stored<T> = {
  [K in keyof T]: T[K] extends Date | undefined ? number | null : T[K];
};

const hash = (parts: readonly unknown[]): string =>
  createHash('sha256').update(JSON.stringify(parts)).digest('hex');

/**
 * EvaluateSession: who is speaking and whether they are a known fraudster, from the speech the
 * session's stream has checkpointed (any node can answer: the checkpoint is in the database).
 *
 * Authentication decides in this order: SPEAKER_ID_NOT_PROVIDED (no speaker on the session),
 * SPEAKER_NOT_ENROLLED (unknown, PENDING, or enrolled with another speaker-model version),
 * SPEAKER_OPTED_OUT, SPEAKER_EXPIRED (three years without enrollment or authentication),
 * NOT_ENOUGH_SPEECH (less net speech than AuthenticationMinimumSpeechInSeconds), then ACCEPT
 * when the score reaches AcceptanceThreshold, else REJECT. Fraud detection searches the
 * session's watchlist by voiceprint and takes the spoofing detector's risk; HIGH_RISK when
 * either reaches RiskThreshold, with the reasons.
 *
 * Result ids are stable while nothing they depend on changed (the speech, the session's
 * configuration, the speaker's voiceprint and status, the watchlist's fraudsters): the first
 * evaluation of a state stores its result and later ones answer it.
 */
export class VoiceIdSessionEvaluator {
  readonly #sessions: VoiceIdSessions;
  readonly #store: VoiceIdSessionsStore;
  readonly #people: VoiceIdPeopleStore;
  readonly #checkpoints: SessionCheckpoints;
  readonly #book: VoiceprintBook;
  readonly #now: () => number;

  constructor(
    sessions: VoiceIdSessions,
    store: VoiceIdSessionsStore,
    people: VoiceIdPeopleStore,
    checkpoints: SessionCheckpoints,
    book: VoiceprintBook,
    options: { readonly now?: () => number } = {},
  ) {
    this.#sessions = sessions;
    this.#store = store;
    this.#people = people;
    this.#checkpoints = checkpoints;
    this.#book = book;
    this.#now = options.now ?? Date.now;
  }

  async evaluate(domainId: string, nameOrId: string): Promise<SessionEvaluation> {
    await this.#sessions.requireActive(domainId);
    const session = await this.#sessions.requireSession(domainId, nameOrId);
    const speech = await this.#checkpoints.load(session.sessionId, 'AUTHENTICATION');
    const enough =
      speech !== undefined &&
      speech.netSpeechSeconds >= session.minAuthSpeechSeconds - SPEECH_EPSILON
        ? speech
        : undefined;
    let embedding: UtteranceEmbedding | undefined;
    const embed = (s: SessionSpeech): UtteranceEmbedding =>
      (embedding ??= this.#book.model.embedStatistics(s.statistics));
    const authentication = await this.authenticate(session, speech, enough, embed);
    const fraudDetection = await this.detectFraud(session, speech, enough, embed);
    return {
      domainId,
      sessionId: session.sessionId,
      sessionName: session.sessionName,
      streamingStatus: session.streamingStatus,
      authentication,
      fraudDetection,
    };
  }

  private async authenticate(
    session: SessionRecord,
    speech: SessionSpeech | undefined,
    enough: SessionSpeech | undefined,
    embed: (s: SessionSpeech) => UtteranceEmbedding,
  ): Promise<AuthenticationOutcome> {
    const now = this.#now();
    const speaker =
      session.generatedSpeakerId === null
        ? undefined
        : await this.#people.findSpeaker(session.domainId, session.generatedSpeakerId);
    const voiceprint =
      speaker?.status === 'ENROLLED' || speaker?.status === 'EXPIRED'
        ? await this.#book.speakerVoiceprint(speaker.generatedId)
        : undefined;
    const base = {
      aggregationStartedAt: speech?.aggregationStartedAt ?? null,
      aggregationEndedAt: speech?.aggregationEndedAt ?? null,
      customerSpeakerId: speaker?.customerSpeakerId ?? undefined,
      generatedSpeakerId: speaker?.generatedId ?? session.generatedSpeakerId ?? undefined,
      acceptanceThreshold: session.acceptanceThreshold,
    };
    const decide = (): Omit<Stored<AuthenticationOutcome>, 'resultId' | keyof typeof base> => {
      if (session.generatedSpeakerId === null)
        return { decision: 'SPEAKER_ID_NOT_PROVIDED', score: undefined };
      if (!speaker) return { decision: 'SPEAKER_NOT_ENROLLED', score: undefined };
      if (speaker.status === 'OPTED_OUT')
        return { decision: 'SPEAKER_OPTED_OUT', score: undefined };
      if (!voiceprint) return { decision: 'SPEAKER_NOT_ENROLLED', score: undefined };
      if (isExpired(speaker, now)) return { decision: 'SPEAKER_EXPIRED', score: undefined };
      if (!enough) return { decision: 'NOT_ENOUGH_SPEECH', score: undefined };
      const score = Math.round(
        this.#book.model.compare(voiceprint.voiceprint, embed(enough)).score0to100,
      );
      return { decision: score >= session.acceptanceThreshold ? 'ACCEPT' : 'REJECT', score };
    };
    const key = hash([
      speech?.watermark ?? 0,
      session.configEpoch,
      session.generatedSpeakerId,
      speaker?.status ?? null,
      voiceprint?.recordId ?? null,
      speaker ? isExpired(speaker, now) : null,
    ]);
    const outcome = await this.cached<AuthenticationOutcome>(
      session,
      'AUTHENTICATION',
      key,
      () => ({
        ...base,
        ...decide(),
      }),
    );
    if (outcome.decision === 'ACCEPT' && speaker)
      await this.#people.touchSpeaker(speaker.generatedId, now, now - LAST_ACCESS_GRANULARITY_MS);
    return outcome;
  }

  private async detectFraud(
    session: SessionRecord,
    speech: SessionSpeech | undefined,
    enough: SessionSpeech | undefined,
    embed: (s: SessionSpeech) => UtteranceEmbedding,
  ): Promise<FraudOutcome> {
    const watchlist = enough
      ? await this.#book.watchlist(session.domainId, session.watchlistId)
      : undefined;
    const key = hash([
      speech?.watermark ?? 0,
      session.configEpoch,
      enough ? 'speech' : 'none',
      watchlist ? hash([watchlist.stateKey]) : null,
    ]);
    return this.cached<FraudOutcome>(session, 'FRAUD_DETECTION', key, () => {
      const base = {
        aggregationStartedAt: speech?.aggregationStartedAt ?? null,
        aggregationEndedAt: speech?.aggregationEndedAt ?? null,
        riskThreshold: session.riskThreshold,
        watchlistId: session.watchlistId,
      };
      if (!enough || !watchlist)
        return {
          ...base,
          decision: 'NOT_ENOUGH_SPEECH' as const,
          reasons: [],
          knownFraudsterRisk: undefined,
          voiceSpoofingRisk: undefined,
        };
      const hit = watchlist.index
        ? this.#book.model.search(embed(enough), watchlist.index, 1)[0]
        : undefined;
      const known = {
        riskScore: hit ? Math.round(hit.score0to100) : 0,
        generatedFraudsterId: hit ? watchlist.fraudsterIds[hit.index] : undefined,
      };
      const spoofing =
        enough.spoofingRisk === null ? undefined : { riskScore: enough.spoofingRisk };
      const reasons: FraudDetectionReason[] = [];
      if (known.riskScore >= session.riskThreshold) reasons.push('KNOWN_FRAUDSTER');
      if (spoofing && spoofing.riskScore >= session.riskThreshold) reasons.push('VOICE_SPOOFING');
      return {
        ...base,
        decision: reasons.length > 0 ? ('HIGH_RISK' as const) : ('LOW_RISK' as const),
        reasons,
        knownFraudsterRisk: known,
        voiceSpoofingRisk: spoofing,
      };
    });
  }

  /** The stored result of this state, or `compute`'s stored as it (the first writer's wins). */
  private async cached<T extends AuthenticationOutcome | FraudOutcome>(
    session: SessionRecord,
    kind: SessionResultKind,
    cacheKey: string,
    compute: () => Omit<Stored<T>, 'resultId'>,
  ): Promise<T> {
    const hit = await this.#store.getResult(session.sessionId, kind, cacheKey);
    if (hit) return revive<T>(hit.resultId, hit.result);
    const computed = compute();
    const stored = await this.#store.putResult({
      sessionId: session.sessionId,
      kind,
      cacheKey,
      resultId: newUniqueId(),
      result: computed,
      createdAt: this.#now(),
    });
    return revive<T>(stored.resultId, stored.result);
  }
}

function isExpired(speaker: SpeakerRecord, now: number): boolean {
  if (speaker.status === 'EXPIRED') return true;
  const last = speaker.lastAccessedAt ?? speaker.updatedAt;
  return now - last > SPEAKER_EXPIRY_MS;
}

/** A stored outcome with its id, its epoch-ms times as Dates and nulls as absent. */
function revive<T>(resultId: string, stored: object): T {
  const out: Record<string, unknown> = { resultId };
  for (const [k, v] of Object.entries(stored)) {
    if (k === 'aggregationStartedAt' || k === 'aggregationEndedAt')
      out[k] = typeof v === 'number' ? new Date(v) : undefined;
    else out[k] = v === null ? undefined : v;
  }
  return out as T;
}
