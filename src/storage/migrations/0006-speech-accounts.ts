import { sql, type Kysely } from 'kysely';

// Speech API accounts: clients (API customers) with their minute balance, their end users,
// session tokens (stored as SHA-256 hashes only), open minute reservations and usage.
//
// Balances are integer milliseconds. `reserved_ms` is the sum of the client's open reservations,
// kept on the client row so that reserving is one guarded UPDATE of one row
// (`balance_ms - reserved_ms >= wanted`), atomic on both databases. The CHECKs are the last line
// of defence behind that guard: no bug can store a negative balance.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current Database type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('speech_clients')
    .addColumn('client_id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    // Comma-separated, sorted: 'scripted', 'unscripted', 'scripted,unscripted' or ''.
    .addColumn('apis', 'varchar(64)', (c) => c.notNull())
    .addColumn('balance_ms', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('reserved_ms', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('used_ms', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addCheckConstraint('speech_clients_balance_nonnegative', sql`balance_ms >= 0`)
    .addCheckConstraint('speech_clients_reserved_nonnegative', sql`reserved_ms >= 0`)
    .execute();

  await db.schema
    .createTable('speech_end_users')
    .addColumn('client_id', 'varchar(32)', (c) =>
      c.notNull().references('speech_clients.client_id').onDelete('cascade'),
    )
    .addColumn('end_user_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('speech_end_users_pk', ['client_id', 'end_user_id'])
    .execute();

  await db.schema
    .createTable('speech_tokens')
    .addColumn('token_id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    // No foreign key on purpose: a token whose client row is gone must still be answered with
    // the seed's "Could not find client ID" (UserDoesNotExist), not an opaque invalid token.
    .addColumn('client_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('end_user_id', 'varchar(128)')
    .addColumn('description', 'varchar(256)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('speech_tokens_client')
    .on('speech_tokens')
    .columns(['client_id', 'created_at'])
    .execute();

  // Open reservations only: settling, refunding or expiring one deletes its row, so a second
  // settle finds nothing to charge (idempotent) and the table stays as small as the work in flight.
  await db.schema
    .createTable('speech_reservations')
    .addColumn('reservation_id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(32)', (c) =>
      c.notNull().references('speech_clients.client_id').onDelete('cascade'),
    )
    .addColumn('end_user_id', 'varchar(128)')
    .addColumn('api', 'varchar(16)', (c) => c.notNull())
    .addColumn('reserved_ms', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('speech_reservations_positive', sql`reserved_ms > 0`)
    .execute();
  await db.schema
    .createIndex('speech_reservations_expiry')
    .on('speech_reservations')
    .columns(['client_id', 'expires_at'])
    .execute();

  // Charged usage per client, end user ('' when none was named), API and UTC day.
  await db.schema
    .createTable('speech_usage')
    .addColumn('client_id', 'varchar(32)', (c) =>
      c.notNull().references('speech_clients.client_id').onDelete('cascade'),
    )
    .addColumn('end_user_key', 'varchar(128)', (c) => c.notNull())
    .addColumn('api', 'varchar(16)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('requests', 'bigint', (c) => c.notNull())
    .addColumn('charged_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('speech_usage_pk', ['client_id', 'end_user_key', 'api', 'day'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('speech_usage').execute();
  await db.schema.dropTable('speech_reservations').execute();
  await db.schema.dropTable('speech_tokens').execute();
  await db.schema.dropTable('speech_end_users').execute();
  await db.schema.dropTable('speech_clients').execute();
}
