import type { Kysely } from 'kysely';

// Async scoring jobs of the speech API (POST /api/v2/score_audio with mode=async): one row per
// job, claimed by a runner under a lease, and its audio in a table of its own.
//
// The audio (16 kHz mono, 16-bit little-endian PCM) is in the database rather than the blob
// store so that the job and its audio commit in one transaction before the 202 is sent, and so
// that every node of a PostgreSQL deployment can run any job without a shared directory. It sits
// in its own table so that claiming and polling never read it, and deleting it when the job ends
// is one statement. `bytea` is PostgreSQL's binary type; in SQLite the name gives the column
// NUMERIC affinity, which stores BLOB values unchanged.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current Database type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('speech_jobs')
    .addColumn('job_id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(32)', (c) =>
      c.notNull().references('speech_clients.client_id').onDelete('cascade'),
    )
    .addColumn('end_user_id', 'varchar(128)')
    // 'queued' | 'running' | 'succeeded' | 'failed'
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    // The checked request (sentences, plan) as JSON.
    .addColumn('parameters', 'text', (c) => c.notNull())
    .addColumn('audio_ms', 'bigint', (c) => c.notNull())
    // The minutes held at submission, settled or refunded when the job ends.
    .addColumn('reservation_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('reserved_ms', 'bigint', (c) => c.notNull())
    .addColumn('reservation_expires_at', 'bigint', (c) => c.notNull())
    // Claims so far (a restart or an expired lease claims a job again).
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    // The runner that holds a running job, and until when; an expired lease may be taken over.
    .addColumn('lease_owner', 'varchar(32)')
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('speech_jobs_status')
    .on('speech_jobs')
    .columns(['status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('speech_jobs_client')
    .on('speech_jobs')
    .columns(['client_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('speech_job_audio')
    .addColumn('job_id', 'varchar(32)', (c) =>
      c.primaryKey().references('speech_jobs.job_id').onDelete('cascade'),
    )
    .addColumn('pcm', 'bytea', (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('speech_job_audio').execute();
  await db.schema.dropTable('speech_jobs').execute();
}
