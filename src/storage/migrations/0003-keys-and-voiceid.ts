import type { Kysely } from 'kysely';

// The local key service (KMS-shaped keys whose material is sealed by the master key) and the
// Voice ID control plane: domains, watchlists, tags.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current Database type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('kms_keys')
    .addColumn('key_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('alias', 'varchar(256)', (c) => c.unique())
    .addColumn('description', 'text')
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('material_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();

  await db.schema
    .createTable('voiceid_domains')
    .addColumn('domain_id', 'varchar(22)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(256)', (c) => c.notNull())
    .addColumn('description', 'text')
    /** As the caller gave it (key id, key ARN, alias name or alias ARN); echoed back. */
    .addColumn('kms_key_id', 'varchar(2048)', (c) => c.notNull())
    /** The key it resolved to. */
    .addColumn('key_ref', 'varchar(36)', (c) => c.notNull().references('kms_keys.key_id'))
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('sse_update_status', 'varchar(16)')
    .addColumn('sse_old_kms_key_id', 'varchar(2048)')
    .addColumn('sse_message', 'text')
    .addColumn('default_watchlist_id', 'varchar(22)', (c) => c.notNull())
    .addColumn('client_token', 'varchar(64)', (c) => c.unique())
    .addColumn('request_fingerprint', 'varchar(64)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();

  await db.schema
    .createTable('voiceid_watchlists')
    .addColumn('watchlist_id', 'varchar(22)', (c) => c.primaryKey())
    .addColumn('domain_id', 'varchar(22)', (c) =>
      c.notNull().references('voiceid_domains.domain_id').onDelete('cascade'),
    )
    .addColumn('name', 'varchar(256)', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('client_token', 'varchar(64)')
    .addColumn('request_fingerprint', 'varchar(64)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('voiceid_watchlists_domain')
    .on('voiceid_watchlists')
    .columns(['domain_id', 'watchlist_id'])
    .execute();
  await db.schema
    .createIndex('voiceid_watchlists_token')
    .on('voiceid_watchlists')
    .columns(['domain_id', 'client_token'])
    .unique()
    .execute();

  await db.schema
    .createTable('voiceid_tags')
    .addColumn('domain_id', 'varchar(22)', (c) =>
      c.notNull().references('voiceid_domains.domain_id').onDelete('cascade'),
    )
    .addColumn('tag_key', 'varchar(128)', (c) => c.notNull())
    .addColumn('tag_value', 'varchar(256)', (c) => c.notNull())
    .addPrimaryKeyConstraint('voiceid_tags_pk', ['domain_id', 'tag_key'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['voiceid_tags', 'voiceid_watchlists', 'voiceid_domains', 'kms_keys']) {
    await db.schema.dropTable(table).execute();
  }
}
