/**
 * Table types for Kysely. Timestamps are epoch milliseconds (`bigint` in PostgreSQL, read back
 * as numbers); every mutable row carries `version` for optimistic concurrency. These types never
 * leave `storage/`.
 */
import type { Generated } from 'kysely';

export interface AccessKeysTable {
  readonly access_key_id: string;
  /** The secret sealed with the master key (SigV4 needs the secret itself, so it cannot be a hash). */
  readonly secret_sealed: string;
  readonly description: string | null;
  readonly created_at: number;
  readonly revoked_at: number | null;
  readonly version: Generated<number>;
}

export interface ServerSecretsTable {
  readonly name: string;
  readonly value_sealed: string;
  /** sha256 hex of the secret, compared in constant time to authenticate. */
  readonly value_hash: string;
  readonly created_at: number;
  readonly version: Generated<number>;
}

export interface IdentityStoresTable {
  readonly store_id: string;
  readonly user_count: Generated<number>;
  readonly group_count: Generated<number>;
  readonly created_at: number;
  readonly version: Generated<number>;
}

/** Users and groups: identity columns plus the attributes as JSON (camelCase, as the domain has them). */
export interface IdentityResourcesTable {
  readonly resource_id: string;
  readonly store_id: string;
  readonly kind: 'USER' | 'GROUP';
  readonly attributes: string;
  readonly created_at: number;
  readonly updated_at: number;
  readonly created_by: string;
  readonly updated_by: string;
  readonly version: Generated<number>;
}

export interface IdentityMembershipsTable {
  readonly membership_id: string;
  readonly store_id: string;
  readonly group_id: string;
  readonly user_id: string;
  readonly created_at: number;
  readonly updated_at: number;
  readonly created_by: string;
  readonly updated_by: string;
  readonly version: Generated<number>;
}

export interface IdentityClaimsTable {
  readonly store_id: string;
  readonly kind: string;
  readonly claim_key: string;
  readonly lookup_key: string;
  readonly resource_id: string;
}

export interface KmsKeysTable {
  readonly key_id: string;
  readonly alias: string | null;
  readonly description: string | null;
  readonly state: 'Enabled' | 'Disabled';
  readonly material_sealed: string;
  readonly created_at: number;
  readonly version: Generated<number>;
}

export interface VoiceIdDomainsTable {
  readonly domain_id: string;
  readonly name: string;
  readonly description: string | null;
  readonly kms_key_id: string;
  readonly key_ref: string;
  readonly status: 'ACTIVE' | 'PENDING' | 'SUSPENDED';
  readonly sse_update_status: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | null;
  readonly sse_old_kms_key_id: string | null;
  readonly sse_message: string | null;
  readonly default_watchlist_id: string;
  readonly client_token: string | null;
  readonly request_fingerprint: string | null;
  readonly created_at: number;
  readonly updated_at: number;
  readonly version: Generated<number>;
}

export interface VoiceIdWatchlistsTable {
  readonly watchlist_id: string;
  readonly domain_id: string;
  readonly name: string;
  readonly description: string | null;
  readonly is_default: number;
  readonly client_token: string | null;
  readonly request_fingerprint: string | null;
  readonly created_at: number;
  readonly updated_at: number;
  readonly version: Generated<number>;
}

export interface VoiceIdTagsTable {
  readonly domain_id: string;
  readonly tag_key: string;
  readonly tag_value: string;
}

export interface VoiceIdFraudstersTable {
  readonly fraudster_id: string;
  readonly domain_id: string;
  readonly created_at: number;
  readonly version: Generated<number>;
}

export interface VoiceIdFraudsterWatchlistsTable {
  readonly fraudster_id: string;
  readonly watchlist_id: string;
}

export interface VoiceIdSpeakersTable {
  readonly generated_id: string;
  readonly domain_id: string;
  readonly customer_speaker_id: string | null;
  readonly status: 'ENROLLED' | 'EXPIRED' | 'OPTED_OUT' | 'PENDING';
  readonly created_at: number;
  readonly updated_at: number;
  readonly last_accessed_at: number | null;
  readonly version: Generated<number>;
}

export interface VoiceIdVoiceDataTable {
  readonly record_id: string;
  readonly domain_id: string;
  readonly owner_id: string;
  readonly kind: 'AUDIO' | 'VOICEPRINT' | 'SESSION';
  readonly key_ref: string;
  readonly wrapped_key: string;
  readonly ciphertext: string;
  readonly created_at: number;
}

export interface VoiceIdJobsTable {
  readonly job_id: string;
  readonly domain_id: string;
  readonly job_type: 'SPEAKER_ENROLLMENT' | 'FRAUDSTER_REGISTRATION';
  /** The job's parameters as the domain stores them (JSON). */
  readonly spec: string;
  readonly status: 'SUBMITTED' | 'IN_PROGRESS' | 'COMPLETED' | 'COMPLETED_WITH_ERRORS' | 'FAILED';
  readonly client_token: string | null;
  readonly request_fingerprint: string;
  readonly percent_complete: Generated<number>;
  readonly failure_status_code: number | null;
  readonly failure_message: string | null;
  readonly created_at: number;
  readonly ended_at: number | null;
  readonly version: Generated<number>;
}

/** One running server process (migration 0009). */
export interface ServerInstancesTable {
  readonly instance_id: string;
  readonly host: string;
  readonly pid: number;
  readonly started_at: number;
  readonly heartbeat_at: number;
}

export interface Database {
  readonly access_keys: AccessKeysTable;
  readonly server_secrets: ServerSecretsTable;
  readonly identity_stores: IdentityStoresTable;
  readonly identity_resources: IdentityResourcesTable;
  readonly identity_memberships: IdentityMembershipsTable;
  readonly identity_claims: IdentityClaimsTable;
  readonly kms_keys: KmsKeysTable;
  readonly voiceid_domains: VoiceIdDomainsTable;
  readonly voiceid_watchlists: VoiceIdWatchlistsTable;
  readonly voiceid_tags: VoiceIdTagsTable;
  readonly voiceid_fraudsters: VoiceIdFraudstersTable;
  readonly voiceid_fraudster_watchlists: VoiceIdFraudsterWatchlistsTable;
  readonly voiceid_speakers: VoiceIdSpeakersTable;
  readonly voiceid_voice_data: VoiceIdVoiceDataTable;
  readonly voiceid_jobs: VoiceIdJobsTable;
  readonly server_instances: ServerInstancesTable;
}
