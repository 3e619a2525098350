/**
 * Storage: Kysely over SQLite (embedded default) or PostgreSQL, one migration set.
 *
 * ### Examples
 * ```ts
 * const { dialect } = await openStorage('sqlite:/var/lib/voxgate/voxgate.db');
 * const credentials = new CredentialRepository(dialect);
 * ```
 */
export { openStorage, connectByUrl, UnsupportedDatabaseUrl } from './open-storage.js';
export { migrateToLatest, type MigrationReport } from './migrate.js';
export type { StorageDialect, StorageCapabilities } from './dialect/storage-dialect.js';
export {
  CredentialRepository,
  type AccessKeyRow,
  type CredentialStore,
  type NewAccessKey,
  type ServerSecretRow,
} from './credential-repository.js';
export { IdentityStoreRepository } from './identity-store-repository.js';
export {
  ClaimTaken,
  MembershipExists,
  QuotaReached,
  ResourceGone,
  type IdentityResourcesStore,
  type ResourceChange,
  type StoredClaim,
  type StoredMembership,
  type StoredResource,
  type StoredStore,
} from './identity-resources-store.js';
export {
  KmsKeyRepository,
  AliasTaken,
  type KmsKeyRow,
  type KmsKeysStore,
} from './kms-key-repository.js';
export {
  VoiceIdRepository,
  VOICEID_REENCRYPT_JOB_KIND,
  reencryptionJobId,
  domainOfReencryptionJob,
} from './voiceid-repository.js';
export { VoiceIdPeopleRepository } from './voiceid-people-repository.js';
export { VoiceIdSessionsRepository } from './voiceid-sessions-repository.js';
export {
  SessionTaken,
  type EnrollmentRequestRecord,
  type EnrollmentRequestStatus,
  type NewSession,
  type SessionAudioPurpose,
  type SessionAudioRecord,
  type SessionChange,
  type SessionEnrollment,
  type SessionRecord,
  type SessionResultKind,
  type SessionResultRecord,
  type SessionSettings,
  type StreamClaim,
  type StreamingStatus,
  type StreamRestart,
  type VoiceIdSessionsStore,
} from './voiceid-sessions-store.js';
export {
  ClientTokenTaken,
  DomainGone,
  WatchlistGone,
  type DomainChange,
  type DomainRecord,
  type DomainStatus,
  type EncryptionUpdateRecord,
  type EncryptionUpdateStatus,
  type FraudsterRecord,
  type NewDomain,
  type NewSpeaker,
  type NewWatchlist,
  type SpeakerRecord,
  type SpeakerStatus,
  type TagRecord,
  type VoiceDataKind,
  type VoiceDataRecord,
  type VoiceIdDomainsStore,
  type VoiceIdPeopleStore,
  type WatchlistChange,
  type WatchlistRecord,
} from './voiceid-store.js';
export {
  VoiceIdJobsRepository,
  JobClientTokenTaken,
  VOICEID_BATCH_JOB_KIND,
  type VoiceIdJobRecord,
  type VoiceIdJobsStore,
  type JobOutcome,
  type JobType,
  type JobStatus,
} from './voiceid-jobs-repository.js';
export { SpeechAccountsRepository } from './speech-accounts-repository.js';
export {
  ServerInstancesRepository,
  type ServerInstanceRow,
  type ServerInstancesStore,
} from './server-instances-repository.js';
export type {
  SpeechAccountsStore,
  SpeechClientRow,
  SpeechClientChange,
  SpeechEndUserRow,
  SpeechTokenRow,
  SpeechReservationRow,
  SpeechUsageRange,
  SpeechUsageTotal,
} from './speech-accounts-store.js';
export {
  JobQueueRepository,
  type JobQueueStore,
  type QueueEntry,
  type QueueState,
} from './job-queue-repository.js';
export {
  SpeechJobsRepository,
  SPEECH_JOB_KIND,
  MAX_SPEECH_JOB_ATTEMPTS,
  type NewSpeechJob,
  type SpeechJobOutcome,
  type SpeechJobRecord,
  type SpeechJobsStore,
  type SpeechJobStatus,
} from './speech-jobs-repository.js';
