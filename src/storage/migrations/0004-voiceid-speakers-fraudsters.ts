import type { Kysely } from 'kysely';

// Voice ID speakers, fraudsters and their voice data. Voice data (enrollment audio,
// voiceprints) is envelope-encrypted: each record has its own data key, wrapped under the KMS
// key named in key_ref. Re-encryption after a key change re-wraps data keys record by record,
// each in its own atomic UPDATE, so a record is always readable with exactly one of the keys.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current Database type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('voiceid_fraudsters')
    .addColumn('fraudster_id', 'varchar(25)', (c) => c.primaryKey())
    .addColumn('domain_id', 'varchar(22)', (c) =>
      c.notNull().references('voiceid_domains.domain_id').onDelete('cascade'),
    )
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('voiceid_fraudsters_domain')
    .on('voiceid_fraudsters')
    .columns(['domain_id', 'fraudster_id'])
    .execute();

  await db.schema
    .createTable('voiceid_fraudster_watchlists')
    .addColumn('fraudster_id', 'varchar(25)', (c) =>
      c.notNull().references('voiceid_fraudsters.fraudster_id').onDelete('cascade'),
    )
    // No cascade from watchlists: deleting a watchlist that gained a fraudster concurrently
    // must fail (CANNOT_DELETE_NON_EMPTY_WATCHLIST), not silently drop the association.
    .addColumn('watchlist_id', 'varchar(22)', (c) =>
      c.notNull().references('voiceid_watchlists.watchlist_id'),
    )
    .addPrimaryKeyConstraint('voiceid_fraudster_watchlists_pk', ['fraudster_id', 'watchlist_id'])
    .execute();
  await db.schema
    .createIndex('voiceid_fraudster_watchlists_by_watchlist')
    .on('voiceid_fraudster_watchlists')
    .columns(['watchlist_id', 'fraudster_id'])
    .execute();

  await db.schema
    .createTable('voiceid_speakers')
    .addColumn('generated_id', 'varchar(25)', (c) => c.primaryKey())
    .addColumn('domain_id', 'varchar(22)', (c) =>
      c.notNull().references('voiceid_domains.domain_id').onDelete('cascade'),
    )
    .addColumn('customer_speaker_id', 'varchar(256)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('last_accessed_at', 'bigint')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('voiceid_speakers_customer')
    .on('voiceid_speakers')
    .columns(['domain_id', 'customer_speaker_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('voiceid_speakers_domain')
    .on('voiceid_speakers')
    .columns(['domain_id', 'generated_id'])
    .execute();

  await db.schema
    .createTable('voiceid_voice_data')
    .addColumn('record_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('domain_id', 'varchar(22)', (c) =>
      c.notNull().references('voiceid_domains.domain_id').onDelete('cascade'),
    )
    .addColumn('owner_id', 'varchar(25)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('key_ref', 'varchar(36)', (c) => c.notNull())
    .addColumn('wrapped_key', 'text', (c) => c.notNull())
    .addColumn('ciphertext', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('voiceid_voice_data_owner')
    .on('voiceid_voice_data')
    .columns(['owner_id'])
    .execute();
  await db.schema
    .createIndex('voiceid_voice_data_key')
    .on('voiceid_voice_data')
    .columns(['domain_id', 'key_ref', 'record_id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'voiceid_voice_data',
    'voiceid_speakers',
    'voiceid_fraudster_watchlists',
    'voiceid_fraudsters',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
