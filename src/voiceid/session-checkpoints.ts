import type { UtteranceStatistics } from '../engines/speaker/index.js';
import type {
  SessionAudioPurpose,
  SessionAudioRecord,
  VoiceIdSessionsStore,
} from '../storage/index.js';
import { decodeStatistics, encodeStatistics } from './speech-statistics-codec.js';
import type { VoiceDataVault } from './voice-data-vault.js';

/** A call's speech as a checkpoint holds it, opened. */
export interface SessionSpeech {
  readonly purpose: SessionAudioPurpose;
  readonly streamGeneration: number;
  readonly statistics: UtteranceStatistics;
  readonly netSpeechSeconds: number;
  /** Grows whenever a checkpoint added speech: result caches key on it. */
  readonly watermark: number;
  readonly aggregationStartedAt: number;
  readonly aggregationEndedAt: number;
  /** VoiceSpoofingRisk of that speech (0–100), when a detector measured it. */
  readonly spoofingRisk: number | null;
}

/** What a stream writes at a checkpoint. */
export interface CheckpointInput {
  readonly sessionId: string;
  readonly domainId: string;
  readonly keyRef: string;
  readonly purpose: SessionAudioPurpose;
  readonly streamGeneration: number;
  readonly statistics: UtteranceStatistics;
  readonly watermark: number;
  readonly aggregationStartedAt: number;
  readonly aggregationEndedAt: number;
  readonly spoofingRisk: number | null;
}

/**
 * Session checkpoints: the speaker statistics a call has accumulated (for authentication: the
 * current stream's; for enrollment: the whole session's), sealed under the domain's key like
 * every voice data record, so that any node can evaluate the session and a restart loses
 * nothing acknowledged. Statistics of another speaker-model version read as no speech.
 */
export class SessionCheckpoints {
  readonly #store: VoiceIdSessionsStore;
  readonly #vault: VoiceDataVault;
  readonly #modelVersion: string;

  constructor(store: VoiceIdSessionsStore, vault: VoiceDataVault, modelVersion: string) {
    this.#store = store;
    this.#vault = vault;
    this.#modelVersion = modelVersion;
  }

  /** Stores the checkpoint while `owner` holds the session's stream; false when it does not. */
  async save(owner: string, c: CheckpointInput): Promise<boolean> {
    const record = await this.#vault.seal(
      c.domainId,
      c.keyRef,
      c.sessionId,
      'SESSION',
      encodeStatistics(this.#modelVersion, c.statistics),
    );
    const audio: SessionAudioRecord = {
      sessionId: c.sessionId,
      purpose: c.purpose,
      streamGeneration: c.streamGeneration,
      netSpeechMs: Math.round(c.statistics.netSpeechSeconds * 1000),
      watermark: c.watermark,
      aggregationStartedAt: c.aggregationStartedAt,
      aggregationEndedAt: c.aggregationEndedAt,
      spoofingRisk: c.spoofingRisk,
      record,
      updatedAt: Date.now(),
    };
    return this.#store.putAudio(owner, audio);
  }

  /** The latest checkpoint of `purpose`, opened; undefined when there is none of this model. */
  async load(sessionId: string, purpose: SessionAudioPurpose): Promise<SessionSpeech | undefined> {
    const audio = await this.#store.getAudio(sessionId, purpose);
    if (!audio) return undefined;
    const { modelVersion, statistics } = decodeStatistics(await this.#vault.open(audio.record));
    if (modelVersion !== this.#modelVersion) return undefined;
    return {
      purpose,
      streamGeneration: audio.streamGeneration,
      statistics,
      netSpeechSeconds: statistics.netSpeechSeconds,
      watermark: audio.watermark,
      aggregationStartedAt: audio.aggregationStartedAt,
      aggregationEndedAt: audio.aggregationEndedAt,
      spoofingRisk: audio.spoofingRisk,
    };
  }

  /** The checkpoint's numbers without opening it (watermarks, times). */
  peek(sessionId: string, purpose: SessionAudioPurpose): Promise<SessionAudioRecord | undefined> {
    return this.#store.getAudio(sessionId, purpose);
  }
}
