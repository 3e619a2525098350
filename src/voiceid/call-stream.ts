import {
  poolStatistics,
  type SpeakerAccumulator,
  type UtteranceStatistics,
} from '../engines/speaker/index.js';
import { catalog, voxError } from '../errors/index.js';
import type { SessionRecord, VoiceIdDomainsStore, VoiceIdSessionsStore } from '../storage/index.js';
import type { SessionCheckpoints } from './session-checkpoints.js';
import type { SessionEnrollment } from './session-enrollment.js';
import { streamTokenHash } from './voice-id-sessions.js';
import type { VoiceprintBook } from './voiceprint-book.js';

/** A presentation-attack detector over a call's audio (16 kHz mono), scored on demand. */
export interface SpoofingDetector {
  createAccumulator(): SpoofingAccumulator;
}
export interface SpoofingAccumulator {
  push(samples: Float32Array): void;
  /** VoiceSpoofingRisk 0–100 of everything pushed; undefined while there is too little. */
  riskScore(): number | undefined;
}

/**
 * Net speech (seconds of this stream) at which authentication checkpoints are written: every
 * AuthenticationMinimumSpeechInSeconds a session may have (5–10), so a result is ready as soon
 * as the configured minimum arrives, whatever UpdateSession set meanwhile; then every 5 s.
 */
const AUTH_TARGETS = [5, 6, 7, 8, 9, 10];
const LATER_EVERY_SECONDS = 5;
/** When a checkpoint's exact net speech fell short of its target, look again this much later. */
const RETRY_AFTER_SECONDS = 0.2;
/** Net speech compares with this tolerance (sums of 10 ms frames in floating point). */
export const SPEECH_EPSILON = 1e-6;

export interface CallStreamDeps {
  readonly sessions: VoiceIdSessionsStore;
  readonly domains: VoiceIdDomainsStore;
  readonly checkpoints: SessionCheckpoints;
  readonly book: VoiceprintBook;
  readonly enrollment: SessionEnrollment;
  readonly spoofing: SpoofingDetector | undefined;
  /** This server instance: the stream's owner while it runs. */
  readonly owner: string;
  readonly log: {
    warn(obj: object, msg: string): void;
    info(obj: object, msg: string): void;
  };
  readonly now?: () => number;
}

/**
 * Live call streams of Voice ID sessions. `open` claims a session's stream by its URL's
 * one-time token (one socket wins; a second is ANOTHER_ACTIVE_STREAM); the stream then takes
 * the call's audio as it arrives.
 */
export class CallStreams {
  readonly #deps: CallStreamDeps;

  constructor(deps: CallStreamDeps) {
    this.#deps = deps;
  }

  /**
   * Claims the stream of the session whose URL carries `token`. Throws VoiceIdStreamTokenInvalid
   * (unknown or expired), ConflictException ANOTHER_ACTIVE_STREAM (its stream runs),
   * VoiceIdStreamEnded, or DOMAIN_NOT_ACTIVE.
   */
  async open(token: string): Promise<CallStream> {
    const d = this.#deps;
    const now = (d.now ?? Date.now)();
    const claim = await d.sessions.claimStream(streamTokenHash(token), d.owner, now);
    if ('refused' in claim) {
      switch (claim.refused) {
        case 'unknown-token':
        case 'expired':
          throw voxError(catalog.VoiceIdStreamTokenInvalid);
        case 'active':
          throw voxError(catalog.VoiceIdConflictAnotherActiveStream);
        case 'ended':
          throw voxError(catalog.VoiceIdStreamEnded);
      }
    }
    const session = claim.claimed;
    try {
      const domain = await d.domains.getDomain(session.domainId);
      if (!domain || domain.status !== 'ACTIVE' || !domain.keyEnabled)
        throw voxError(catalog.VoiceIdConflictDomainNotActive);
      const earlier = await d.checkpoints.load(session.sessionId, 'ENROLLMENT');
      const authBefore = await d.checkpoints.peek(session.sessionId, 'AUTHENTICATION');
      return new CallStream(d, session, domain.keyRef, {
        enrollmentBefore:
          earlier && earlier.streamGeneration < session.streamGeneration
            ? earlier.statistics
            : undefined,
        watermark: Math.max(authBefore?.watermark ?? 0, earlier?.watermark ?? 0),
      });
    } catch (e) {
      await d.sessions.endStream(session.sessionId, d.owner, (d.now ?? Date.now)());
      throw e;
    }
  }
}

/** Why a stream ended, for the log. */
export type StreamEnd = 'stop' | 'closed' | 'idle' | 'invalid' | 'shutdown' | 'lost';

/**
 * One session's stream: audio in (16 kHz mono, any chunking) → the speaker statistics of this
 * stream (authentication) and of the whole session (enrollment), checkpointed to the database
 * as soon as they reach what a decision needs. Pushes are synchronous; checkpoints are written
 * in order behind them. Not re-entrant (one socket feeds one stream).
 */
export class CallStream {
  readonly session: SessionRecord;
  readonly #deps: CallStreamDeps;
  readonly #keyRef: string;
  readonly #accumulator: SpeakerAccumulator;
  readonly #spoofing: SpoofingAccumulator | undefined;
  readonly #enrollmentBefore: UtteranceStatistics | undefined;
  readonly #now: () => number;
  #watermark: number;
  #startedAt: number | undefined;
  #lastAudioAt = 0;
  #nextTarget = AUTH_TARGETS[0]!;
  #checkpointedSeconds = 0;
  #writes: Promise<void> = Promise.resolve();
  #lost = false;
  #ended = false;
  /**
   * Told each checkpoint once it is stored: net speech of this stream and of the session, and
   * the milliseconds from the audio that reached it to its being stored (readable anywhere).
   */
  onCheckpoint: ((stream: number, session: number, storedAfterMs: number) => void) | undefined;

  constructor(
    deps: CallStreamDeps,
    session: SessionRecord,
    keyRef: string,
    before: { enrollmentBefore: UtteranceStatistics | undefined; watermark: number },
  ) {
    this.#deps = deps;
    this.session = session;
    this.#keyRef = keyRef;
    this.#accumulator = deps.book.model.createAccumulator();
    this.#spoofing = deps.spoofing?.createAccumulator();
    this.#enrollmentBefore = before.enrollmentBefore;
    this.#watermark = before.watermark;
    this.#now = deps.now ?? Date.now;
  }

  /** False once another node or the orphan sweep ended this stream: stop sending. */
  get held(): boolean {
    return !this.#lost;
  }

  /** Net speech of this stream so far, seconds. */
  netSpeechSeconds(): number {
    return this.#accumulator.netSpeechSeconds();
  }

  /** Takes audio; writes a checkpoint when the speech reaches the next target. */
  push(samples: Float32Array): void {
    if (this.#ended || samples.length === 0) return;
    const now = this.#now();
    if (this.#startedAt === undefined) {
      this.#startedAt = now;
      this.#enqueue(async () => {
        await this.#deps.sessions.markStreaming(this.session.sessionId, this.#deps.owner, now);
      });
    }
    this.#lastAudioAt = now;
    this.#accumulator.push(samples);
    this.#spoofing?.push(samples);
    if (this.#accumulator.netSpeechSeconds() >= this.#nextTarget - SPEECH_EPSILON)
      this.#checkpoint();
  }

  /** Ends the stream: a last checkpoint of what arrived since the previous one, then ENDED. */
  async end(reason: StreamEnd): Promise<void> {
    if (this.#ended) return this.#writes;
    this.#ended = true;
    if (!this.#lost && this.#accumulator.netSpeechSeconds() > this.#checkpointedSeconds)
      this.#checkpoint();
    this.#enqueue(async () => {
      if (this.#lost) return;
      await this.#deps.sessions.endStream(this.session.sessionId, this.#deps.owner, this.#now());
    });
    await this.#writes;
    this.#deps.log.info(
      {
        sessionId: this.session.sessionId,
        reason,
        netSpeechSeconds: Math.round(this.#accumulator.netSpeechSeconds() * 100) / 100,
      },
      'voice id stream ended',
    );
  }

  /** Waits for the checkpoints written so far (tests, shutdown). */
  settled(): Promise<void> {
    return this.#writes;
  }

  #checkpoint(): void {
    const reachedAt = performance.now();
    const stream = this.#accumulator.snapshot();
    const net = stream.netSpeechSeconds;
    this.#checkpointedSeconds = net;
    // The next target above what this checkpoint holds; never sooner than a little later (the
    // running figure and the snapshot's exact one can differ by float rounding).
    const next =
      AUTH_TARGETS.find((t) => t > net + SPEECH_EPSILON) ??
      (Math.floor(net / LATER_EVERY_SECONDS + SPEECH_EPSILON) + 1) * LATER_EVERY_SECONDS;
    this.#nextTarget = Math.max(next, this.#accumulator.netSpeechSeconds() + RETRY_AFTER_SECONDS);
    const session = this.#enrollmentBefore
      ? poolStatistics([this.#enrollmentBefore, stream])
      : stream;
    const risk = this.#spoofing?.riskScore();
    const watermark = ++this.#watermark;
    const started = this.#startedAt ?? this.#now();
    const ended = this.#lastAudioAt;
    const base = {
      sessionId: this.session.sessionId,
      domainId: this.session.domainId,
      keyRef: this.#keyRef,
      streamGeneration: this.session.streamGeneration,
      watermark,
      aggregationStartedAt: started,
      aggregationEndedAt: ended,
      spoofingRisk: risk === undefined ? null : Math.round(risk),
    };
    const enrollTarget = this.#deps.enrollment.speechSeconds;
    this.#enqueue(async () => {
      if (this.#lost) return;
      const c = this.#deps.checkpoints;
      const owner = this.#deps.owner;
      const held =
        (await c.save(owner, { ...base, purpose: 'AUTHENTICATION', statistics: stream })) &&
        (await c.save(owner, { ...base, purpose: 'ENROLLMENT', statistics: session }));
      if (!held) {
        this.#lost = true;
        return;
      }
      this.onCheckpoint?.(
        stream.netSpeechSeconds,
        session.netSpeechSeconds,
        performance.now() - reachedAt,
      );
      if (session.netSpeechSeconds >= enrollTarget) {
        const latest = await this.#deps.sessions.getSession(
          this.session.domainId,
          this.session.sessionId,
        );
        if (latest?.enrollment?.status === 'NOT_ENOUGH_SPEECH')
          await this.#deps.enrollment.completeIfReady(latest);
      }
    });
  }

  #enqueue(work: () => Promise<void>): void {
    this.#writes = this.#writes.then(work).catch((err: unknown) => {
      this.#deps.log.warn(
        { err, sessionId: this.session.sessionId },
        'voice id stream checkpoint failed',
      );
    });
  }
}
