import type { Kysely } from 'kysely';

// Identity Store tables. Uniqueness claims (user names, group display names, external ids,
// emails) are rows of identity_claims whose unique key the database enforces, taken in the
// same transaction as the write: no read-then-write race. Claim keys are sha256 hex of the
// normalised value, so index entries have a fixed size and no collation is involved.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current Database type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('identity_stores')
    .addColumn('store_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('user_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('group_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();

  // Users and groups share one table: the same identity columns, attributes as JSON, a version.
  await db.schema
    .createTable('identity_resources')
    .addColumn('resource_id', 'varchar(47)', (c) => c.primaryKey())
    .addColumn('store_id', 'varchar(36)', (c) => c.notNull().references('identity_stores.store_id'))
    .addColumn('kind', 'varchar(8)', (c) => c.notNull())
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'varchar(128)', (c) => c.notNull())
    .addColumn('updated_by', 'varchar(128)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('identity_resources_list')
    .on('identity_resources')
    .columns(['store_id', 'kind', 'resource_id'])
    .execute();

  await db.schema
    .createTable('identity_memberships')
    .addColumn('membership_id', 'varchar(47)', (c) => c.primaryKey())
    .addColumn('store_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('group_id', 'varchar(47)', (c) =>
      c.notNull().references('identity_resources.resource_id').onDelete('cascade'),
    )
    .addColumn('user_id', 'varchar(47)', (c) =>
      c.notNull().references('identity_resources.resource_id').onDelete('cascade'),
    )
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'varchar(128)', (c) => c.notNull())
    .addColumn('updated_by', 'varchar(128)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('identity_memberships_pair')
    .on('identity_memberships')
    .columns(['group_id', 'user_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('identity_memberships_group')
    .on('identity_memberships')
    .columns(['group_id', 'membership_id'])
    .execute();
  await db.schema
    .createIndex('identity_memberships_user')
    .on('identity_memberships')
    .columns(['user_id', 'membership_id'])
    .execute();

  await db.schema
    .createTable('identity_claims')
    .addColumn('store_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    /** Unique per store and kind: the normalised value's hash, plus the owner's id when the kind is not unique. */
    .addColumn('claim_key', 'varchar(120)', (c) => c.notNull())
    /** What lookups search by: the normalised value's hash. */
    .addColumn('lookup_key', 'varchar(64)', (c) => c.notNull())
    // Cascade: a claim never outlives its owner, whatever order concurrent writers commit in.
    .addColumn('resource_id', 'varchar(47)', (c) =>
      c.notNull().references('identity_resources.resource_id').onDelete('cascade'),
    )
    .addPrimaryKeyConstraint('identity_claims_pk', ['store_id', 'kind', 'claim_key'])
    .execute();
  await db.schema
    .createIndex('identity_claims_lookup')
    .on('identity_claims')
    .columns(['store_id', 'kind', 'lookup_key', 'resource_id'])
    .execute();
  await db.schema
    .createIndex('identity_claims_owner')
    .on('identity_claims')
    .columns(['resource_id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'identity_claims',
    'identity_memberships',
    'identity_resources',
    'identity_stores',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
