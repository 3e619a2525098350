import type {
  EnrollmentRequestStatus,
  SessionRecord,
  VoiceIdDomainsStore,
  VoiceIdSessionsStore,
} from '../storage/index.js';
import { SPEECH_EPSILON } from './call-stream.js';
import type { SessionCheckpoints } from './session-checkpoints.js';
import type { EnrollmentCompletion } from './voice-id-sessions.js';
import type { VoiceprintBook } from './voiceprint-book.js';

/** Voice ID's: a session enrollment needs 30 s of net speech. */
export const DEFAULT_ENROLLMENT_SPEECH_SECONDS = 30;

/**
 * Completes a session's enrollment request once the call has enough net speech (the whole
 * session's, over all its streams): the voiceprint of the pooled statistics, sealed under the
 * domain's key, replaces the speaker's, the speaker becomes ENROLLED and the request COMPLETED,
 * in one transaction. Called by EnrollBySession and DescribeSession, and by the node receiving
 * the stream as soon as a checkpoint reaches the target, so a call enrolls without anyone
 * polling. Whoever comes second finds it COMPLETED.
 */
export class SessionEnrollment implements EnrollmentCompletion {
  readonly #sessions: VoiceIdSessionsStore;
  readonly #domains: VoiceIdDomainsStore;
  readonly #checkpoints: SessionCheckpoints;
  readonly #book: VoiceprintBook;
  readonly #speechSeconds: number;
  readonly #now: () => number;

  constructor(
    sessions: VoiceIdSessionsStore,
    domains: VoiceIdDomainsStore,
    checkpoints: SessionCheckpoints,
    book: VoiceprintBook,
    options: { readonly speechSeconds: number; readonly now?: () => number },
  ) {
    this.#sessions = sessions;
    this.#domains = domains;
    this.#checkpoints = checkpoints;
    this.#book = book;
    this.#speechSeconds = options.speechSeconds;
    this.#now = options.now ?? Date.now;
  }

  get speechSeconds(): number {
    return this.#speechSeconds;
  }

  async completeIfReady(session: SessionRecord): Promise<EnrollmentRequestStatus | undefined> {
    let current: SessionRecord | undefined = session;
    // A lost race on the session's version (a caller's UpdateSession) is retried on the
    // latest version; the speaker cannot change once enrollment was requested.
    for (let attempt = 0; attempt < 3 && current; attempt++) {
      if (current.enrollment?.status !== 'NOT_ENOUGH_SPEECH') return current.enrollment?.status;
      if (current.generatedSpeakerId === null) return 'NOT_ENOUGH_SPEECH';
      const speech = await this.#checkpoints.load(current.sessionId, 'ENROLLMENT');
      if (!speech || speech.netSpeechSeconds < this.#speechSeconds - SPEECH_EPSILON)
        return 'NOT_ENOUGH_SPEECH';
      const domain = await this.#domains.getDomain(current.domainId);
      if (!domain) return undefined;
      const { voiceprint } = this.#book.model.enrollStatistics([speech.statistics]);
      const record = await this.#book.seal(
        domain.domainId,
        domain.keyRef,
        current.generatedSpeakerId,
        voiceprint,
      );
      const at = this.#now();
      const outcome = await this.#sessions.completeEnrollment(current.sessionId, current.version, {
        generatedSpeakerId: current.generatedSpeakerId,
        voiceprint: record,
        at,
      });
      switch (outcome) {
        case 'completed':
          return 'COMPLETED';
        case 'opted-out':
        case 'speaker-gone': {
          const message =
            outcome === 'opted-out'
              ? 'The speaker opted out of Voice ID before the enrollment completed; no voiceprint was stored.'
              : 'The speaker was deleted before the enrollment completed; set the speaker again and request a new enrollment.';
          const failed = await this.#sessions.updateSession(current.sessionId, current.version, {
            enrollment: { status: 'FAILED', message },
            updatedAt: at,
          });
          if (failed) return 'FAILED';
          break;
        }
        case 'stale':
          break;
      }
      current = await this.#sessions.getSession(current.domainId, current.sessionId);
    }
    return current?.enrollment?.status;
  }
}
