import type { Kysely } from 'kysely';

// Voice ID sessions: one per call (session name = the call's id), started by StartSession.
// A session row holds what callers set (speaker, thresholds) and what its stream is doing; the
// caller's accumulated speech lives apart, in voiceid_session_audio, written only by the server
// instance that holds the stream, so an audio checkpoint never races a caller's UpdateSession.
// The biometric part of a checkpoint (embedding, statistics) is a sealed voiceid_voice_data
// record owned by the session: re-encrypted with the domain's key like every voiceprint.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current Database type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('voiceid_sessions')
    .addColumn('session_id', 'varchar(25)', (c) => c.primaryKey())
    .addColumn('domain_id', 'varchar(22)', (c) =>
      c.notNull().references('voiceid_domains.domain_id').onDelete('cascade'),
    )
    .addColumn('session_name', 'varchar(36)', (c) => c.notNull())
    // No foreign key: a speaker deleted during a call leaves a session whose speaker is gone.
    .addColumn('generated_speaker_id', 'varchar(25)')
    .addColumn('acceptance_threshold', 'integer', (c) => c.notNull())
    .addColumn('risk_threshold', 'integer', (c) => c.notNull())
    .addColumn('watchlist_id', 'varchar(22)', (c) => c.notNull())
    .addColumn('min_auth_speech_seconds', 'integer', (c) => c.notNull())
    // Bumped by every change that invalidates cached results (speaker, thresholds, watchlist).
    .addColumn('config_epoch', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('streaming_status', 'varchar(32)', (c) => c.notNull())
    // Each StartSession of the session opens a new stream (1, 2, …).
    .addColumn('stream_generation', 'integer', (c) => c.notNull())
    // sha256 of the one-time stream token, until a stream claims it.
    .addColumn('stream_token_hash', 'varchar(64)')
    .addColumn('stream_token_expires_at', 'bigint')
    // The server instance receiving the stream while it is ONGOING.
    .addColumn('stream_owner', 'varchar(64)')
    .addColumn('stream_started_at', 'bigint')
    .addColumn('stream_ended_at', 'bigint')
    .addColumn('enrollment_status', 'varchar(32)')
    .addColumn('enrollment_message', 'text')
    .addColumn('client_token', 'varchar(64)')
    .addColumn('request_fingerprint', 'varchar(64)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('voiceid_sessions_name')
    .on('voiceid_sessions')
    .columns(['domain_id', 'session_name'])
    .unique()
    .execute();
  await db.schema
    .createIndex('voiceid_sessions_token')
    .on('voiceid_sessions')
    .column('stream_token_hash')
    .unique()
    .execute();
  await db.schema
    .createIndex('voiceid_sessions_client_token')
    .on('voiceid_sessions')
    .columns(['domain_id', 'client_token'])
    .unique()
    .execute();
  await db.schema
    .createIndex('voiceid_sessions_streaming')
    .on('voiceid_sessions')
    .columns(['domain_id', 'streaming_status'])
    .execute();
  await db.schema
    .createIndex('voiceid_sessions_owner')
    .on('voiceid_sessions')
    .column('stream_owner')
    .execute();

  await db.schema
    .createTable('voiceid_session_audio')
    .addColumn('session_id', 'varchar(25)', (c) =>
      c.notNull().references('voiceid_sessions.session_id').onDelete('cascade'),
    )
    // AUTHENTICATION: the current stream's speech; ENROLLMENT: the whole session's.
    .addColumn('purpose', 'varchar(16)', (c) => c.notNull())
    .addColumn('stream_generation', 'integer', (c) => c.notNull())
    .addColumn('net_speech_ms', 'integer', (c) => c.notNull())
    // Grows with every checkpoint that added audio: "new streaming activity" for the caches.
    .addColumn('watermark', 'bigint', (c) => c.notNull())
    .addColumn('aggregation_started_at', 'bigint', (c) => c.notNull())
    .addColumn('aggregation_ended_at', 'bigint', (c) => c.notNull())
    .addColumn('spoofing_risk', 'integer')
    // The sealed voiceid_voice_data record holding the biometric part.
    .addColumn('record_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('voiceid_session_audio_pk', ['session_id', 'purpose'])
    .execute();

  await db.schema
    .createTable('voiceid_session_results')
    .addColumn('session_id', 'varchar(25)', (c) =>
      c.notNull().references('voiceid_sessions.session_id').onDelete('cascade'),
    )
    .addColumn('kind', 'varchar(24)', (c) => c.notNull())
    // What the result was computed from; the same key answers the same result (and id).
    .addColumn('cache_key', 'varchar(64)', (c) => c.notNull())
    .addColumn('result_id', 'varchar(22)', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('voiceid_session_results_pk', ['session_id', 'kind', 'cache_key'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('voiceid_session_results').execute();
  await db.schema.dropTable('voiceid_session_audio').execute();
  await db.schema.dropTable('voiceid_sessions').execute();
}
