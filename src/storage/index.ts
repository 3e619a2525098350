/**
 * Storage: Kysely over SQLite (embedded default) or PostgreSQL, one migration set.
 *
 * ### Examples
 * ```ts
 * const { dialect } = await openStorage('sqlite:/var/lib/voxgate/voxgate.db');
 * const credentials = new CredentialStore(dialect);
 * ```
 */
export { openStorage, connectByUrl, UnsupportedDatabaseUrl } from './open-storage.js';
export { migrateToLatest, type MigrationReport } from './migrate.js';
export type { StorageDialect, StorageCapabilities } from './dialect/storage-dialect.js';
export { CredentialStore, type AccessKeyRow, type ServerSecretRow } from './credential-store.js';
export {
  IdentityStoreRepository,
  ClaimTaken,
  MembershipExists,
  QuotaReached,
  ResourceGone,
  type ResourceRow,
  type ClaimRow,
  type MembershipRow,
} from './identity-store-repository.js';
export { KmsKeyRepository, AliasTaken, type KmsKeyRow } from './kms-key-repository.js';
export {
  VoiceIdRepository,
  VOICEID_REENCRYPT_JOB_KIND,
  reencryptionJobId,
  domainOfReencryptionJob,
  ClientTokenTaken,
  DomainGone,
  type DomainRow,
  type WatchlistRow,
} from './voiceid-repository.js';
export {
  VoiceIdPeopleRepository,
  WatchlistGone,
  type FraudsterRow,
  type SpeakerRow,
  type VoiceDataRow,
} from './voiceid-people-repository.js';
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
  type SpeechJobRow,
  type SpeechJobStatus,
} from './speech-jobs-repository.js';
