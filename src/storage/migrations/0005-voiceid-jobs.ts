import type { Kysely } from 'kysely';

// Voice ID batch jobs (speaker enrollment, fraudster registration): durable rows that the job
// runner claims and resumes after a restart.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current Database type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('voiceid_jobs')
    .addColumn('job_id', 'varchar(22)', (c) => c.primaryKey())
    .addColumn('domain_id', 'varchar(22)', (c) =>
      c.notNull().references('voiceid_domains.domain_id').onDelete('cascade'),
    )
    .addColumn('job_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('spec', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(32)', (c) => c.notNull())
    .addColumn('client_token', 'varchar(64)')
    .addColumn('request_fingerprint', 'varchar(64)', (c) => c.notNull())
    .addColumn('percent_complete', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failure_status_code', 'integer')
    .addColumn('failure_message', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('voiceid_jobs_list')
    .on('voiceid_jobs')
    .columns(['domain_id', 'job_type', 'job_id'])
    .execute();
  await db.schema
    .createIndex('voiceid_jobs_token')
    .on('voiceid_jobs')
    .columns(['domain_id', 'job_type', 'client_token'])
    .unique()
    .execute();
  await db.schema
    .createIndex('voiceid_jobs_status')
    .on('voiceid_jobs')
    .columns(['status', 'created_at'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('voiceid_jobs').execute();
}
