import { sql, type Kysely } from 'kysely';

// One durable job queue for every kind of background work (async speech scoring, Voice ID batch
// jobs, re-encryption of a domain's voice data): which job, its state, who holds it under which
// lease, how often it was claimed, how far it got. The jobs' own data stays in their tables.
// Unfinished work of the older per-kind runners is queued here, and the speech jobs' own lease
// columns go (Voice ID jobs never had any: every runner re-ran every unfinished job).
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current Database type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('job_queue')
    .addColumn('job_id', 'varchar(48)', (c) => c.primaryKey())
    // 'speech.scripted' | 'voiceid.batch' | 'voiceid.reencrypt'
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    // 'queued' | 'running' | 'done'
    .addColumn('state', 'varchar(12)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    // The server instance that holds a running job, and until when; a lapsed lease is taken over.
    .addColumn('lease_owner', 'varchar(40)')
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('progress', 'real')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('job_queue_claimable')
    .on('job_queue')
    .columns(['kind', 'state', 'created_at'])
    .execute();
  await db.schema
    .createIndex('job_queue_done')
    .on('job_queue')
    .columns(['kind', 'state', 'finished_at'])
    .execute();

  const now = sql.lit(Date.now());
  await sql`
    INSERT INTO job_queue (job_id, kind, state, attempts, max_attempts, created_at, updated_at)
    SELECT job_id, 'speech.scripted', 'queued', attempts, 3, created_at, ${now}
    FROM speech_jobs WHERE status IN ('queued', 'running')`.execute(db);
  await sql`
    INSERT INTO job_queue (job_id, kind, state, attempts, max_attempts, created_at, updated_at)
    SELECT job_id, 'voiceid.batch', 'queued', 0, 3, created_at, ${now}
    FROM voiceid_jobs WHERE status IN ('SUBMITTED', 'IN_PROGRESS')`.execute(db);
  await sql`
    INSERT INTO job_queue (job_id, kind, state, attempts, max_attempts, created_at, updated_at)
    SELECT 'reencrypt-' || domain_id, 'voiceid.reencrypt', 'queued', 0, 1000000, created_at, ${now}
    FROM voiceid_domains WHERE sse_update_status = 'IN_PROGRESS'`.execute(db);
  await sql`UPDATE speech_jobs SET status = 'queued' WHERE status = 'running'`.execute(db);

  for (const column of ['lease_owner', 'lease_expires_at', 'attempts'])
    await db.schema.alterTable('speech_jobs').dropColumn(column).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('speech_jobs')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('speech_jobs').addColumn('lease_owner', 'varchar(32)').execute();
  await db.schema.alterTable('speech_jobs').addColumn('lease_expires_at', 'bigint').execute();
  await db.schema.dropTable('job_queue').execute();
}
