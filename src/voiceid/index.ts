/**
 * The Voice ID domain: domains, watchlists, tags (control plane).
 *
 * ### Examples
 * ```ts
 * const voiceId = new VoiceIdControlPlane(new VoiceIdRepository(dialect), keys, tokens, options);
 * const domain = await voiceId.createDomain({ name: 'calls', kmsKeyId: 'alias/voice', tags: [] });
 * ```
 */
export {
  VoiceIdControlPlane,
  notFound as voiceIdNotFound,
  type DomainView,
  type WatchlistView,
  type Tag,
  type VoiceIdOptions,
  type DomainStatus,
} from './voice-id-control-plane.js';
export { newUniqueId, newGeneratedId } from './ids.js';
export {
  VoiceIdPeople,
  type FraudsterView,
  type SpeakerView,
  type SpeakerStatus,
} from './voice-id-people.js';
export { VoiceDataVault } from './voice-data-vault.js';
export { ReencryptionHandler, type ReencryptionOptions } from './reencryption-handler.js';
export type { EncryptionUpdates, PageRequest } from './voice-id-control-plane.js';
export {
  VoiceIdJobs,
  checkManifest,
  type JobView,
  type JobSpec,
  type StartJobInput,
  type JobStatus,
  type JobType,
} from './voice-id-jobs.js';
export {
  VoiceIdSessions,
  DEFAULT_ACCEPTANCE_THRESHOLD,
  DEFAULT_MIN_AUTH_SPEECH_SECONDS,
  DEFAULT_RISK_THRESHOLD,
  newStreamToken,
  streamTokenHash,
  type EnrollmentCompletion,
  type EnrollmentRequestStatus,
  type SessionOptions,
  type SessionSettingsInput,
  type SessionView,
  type StartedSession,
  type StreamingStatus,
} from './voice-id-sessions.js';
export {
  VoiceIdBatchJobHandler,
  DEFAULT_FRAUDSTER_SIMILARITY_THRESHOLD,
  batchFraudsterId,
  type BatchJobDeps,
} from './voice-id-batch-job-handler.js';
export {
  CallStream,
  CallStreams,
  SPEECH_EPSILON,
  type CallStreamDeps,
  type SpoofingAccumulator,
  type SpoofingDetector,
  type StreamEnd,
} from './call-stream.js';
export { SessionCheckpoints, type SessionSpeech } from './session-checkpoints.js';
export { DEFAULT_ENROLLMENT_SPEECH_SECONDS, SessionEnrollment } from './session-enrollment.js';
export {
  LAST_ACCESS_GRANULARITY_MS,
  SPEAKER_EXPIRY_MS,
  VoiceIdSessionEvaluator,
  type AuthenticationDecision,
  type AuthenticationOutcome,
  type FraudDetectionDecision,
  type FraudDetectionReason,
  type FraudOutcome,
  type SessionEvaluation,
} from './session-evaluation.js';
export { VoiceprintBook, type WatchlistVoiceprints } from './voiceprint-book.js';
export { decodeStatistics, encodeStatistics } from './speech-statistics-codec.js';
