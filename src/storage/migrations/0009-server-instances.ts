import type { Kysely } from 'kysely';

// Running server processes, each with a heartbeat, and who holds each minute reservation.
// A reservation held by a request belongs to the process serving it: when that process dies
// (kill -9, power loss), its holds are released as soon as another process sees it is dead
// (at once on the same host, after a missed-heartbeat window elsewhere) instead of blocking the
// client's balance until the 30-minute expiry. A NULL holder is a hold that outlives processes:
// an async job's, settled by whichever node runs the job.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current Database type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('server_instances')
    .addColumn('instance_id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('host', 'varchar(255)', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .alterTable('speech_reservations')
    .addColumn('holder_instance', 'varchar(40)')
    .execute();
  await db.schema
    .createIndex('speech_reservations_holder')
    .on('speech_reservations')
    .columns(['holder_instance'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('speech_reservations_holder').execute();
  await db.schema.alterTable('speech_reservations').dropColumn('holder_instance').execute();
  await db.schema.dropTable('server_instances').execute();
}
