import type { CompiledQuery, Kysely, Selectable, Transaction } from 'kysely';
import type { Database, IdentityResourcesTable } from './database.js';
import type { StorageDialect } from './dialect/storage-dialect.js';
import {
  ClaimTaken,
  MembershipExists,
  QuotaReached,
  ResourceGone,
  type IdentityResourcesStore,
  type ResourceChange,
  type ResourceKind,
  type StoredClaim,
  type StoredMembership,
  type StoredResource,
  type StoredStore,
} from './identity-resources-store.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Identity Store persistence. Every read is one indexed query; every write is one transaction
 * that carries its uniqueness claims, so the database, not a read-then-write, decides conflicts.
 */
export class IdentityStoreRepository implements IdentityResourcesStore {
  readonly #db: Kysely<Database>;
  readonly #dialect: StorageDialect;

  /**
   * The hottest read (Describe*, every update) compiled once; each call only swaps the
   * parameters, skipping Kysely's per-call query building.
   */
  readonly #getResourceQuery: CompiledQuery<Selectable<IdentityResourcesTable>>;

  constructor(dialect: StorageDialect) {
    this.#db = dialect.db;
    this.#dialect = dialect;
    this.#getResourceQuery = this.#db
      .selectFrom('identity_resources')
      .selectAll()
      .where('resource_id', '=', '')
      .where('kind', '=', 'USER')
      .compile();
  }

  // ---- stores

  async createStore(storeId: string, at: number): Promise<boolean> {
    try {
      await this.#db
        .insertInto('identity_stores')
        .values({ store_id: storeId, created_at: at })
        .execute();
      return true;
    } catch (e) {
      if (this.#dialect.isUniqueViolation(e)) return false;
      throw e;
    }
  }

  async storeExists(storeId: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom('identity_stores')
      .select('store_id')
      .where('store_id', '=', storeId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async listStores(): Promise<StoredStore[]> {
    const rows = await this.#db
      .selectFrom('identity_stores')
      .selectAll()
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({
      storeId: r.store_id,
      createdAt: Number(r.created_at),
      userCount: r.user_count,
      groupCount: r.group_count,
    }));
  }

  // ---- users and groups

  async insertResource(
    row: Omit<StoredResource, 'version'>,
    claims: readonly StoredClaim[],
    limit: number,
  ): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      const counter = row.kind === 'USER' ? 'user_count' : 'group_count';
      const bumped = await trx
        .updateTable('identity_stores')
        .set((eb) => ({ [counter]: eb(counter, '+', 1) }))
        .where('store_id', '=', row.storeId)
        .where(counter, '<', limit)
        .executeTakeFirst();
      if (bumped.numUpdatedRows === 0n) {
        if (!(await this.storeExistsIn(trx, row.storeId))) throw new ResourceGone('STORE');
        throw new QuotaReached(row.kind === 'USER' ? 'users' : 'groups', limit);
      }
      await trx
        .insertInto('identity_resources')
        .values({
          resource_id: row.resourceId,
          store_id: row.storeId,
          kind: row.kind,
          attributes: JSON.stringify(row.attributes),
          created_at: row.createdAt,
          updated_at: row.updatedAt,
          created_by: row.createdBy,
          updated_by: row.updatedBy,
        })
        .execute();
      await this.insertClaims(trx, row.storeId, row.resourceId, claims);
    });
  }

  async getResource(kind: ResourceKind, resourceId: string): Promise<StoredResource | undefined> {
    const query: CompiledQuery<Selectable<IdentityResourcesTable>> = {
      ...this.#getResourceQuery,
      parameters: [resourceId, kind],
    };
    const { rows } = await this.#db.executeQuery(query);
    const row = rows[0];
    return row && toResource(row);
  }

  async updateResource(
    kind: ResourceKind,
    resourceId: string,
    expectedVersion: number,
    change: ResourceChange,
  ): Promise<'updated' | 'stale' | 'missing'> {
    return this.#db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('identity_resources')
        .set({
          attributes: JSON.stringify(change.attributes),
          updated_at: change.updatedAt,
          updated_by: change.updatedBy,
          version: expectedVersion + 1,
        })
        .where('resource_id', '=', resourceId)
        .where('kind', '=', kind)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) {
        const exists = await trx
          .selectFrom('identity_resources')
          .select('version')
          .where('resource_id', '=', resourceId)
          .executeTakeFirst();
        return exists ? 'stale' : 'missing';
      }
      if (change.claims) {
        const row = await trx
          .selectFrom('identity_resources')
          .select('store_id')
          .where('resource_id', '=', resourceId)
          .executeTakeFirstOrThrow();
        await trx.deleteFrom('identity_claims').where('resource_id', '=', resourceId).execute();
        await this.insertClaims(trx, row.store_id, resourceId, change.claims);
      }
      return 'updated';
    });
  }

  get supportsRowLocks(): boolean {
    return this.#dialect.capabilities.supportsRowLocks;
  }

  /** `mutate` runs inside the transaction, with the row locked. */
  async updateResourceLocked(
    kind: ResourceKind,
    resourceId: string,
    mutate: (row: StoredResource) => ResourceChange,
  ): Promise<'updated' | 'missing'> {
    return this.#db.transaction().execute(async (trx) => {
      const found = await trx
        .selectFrom('identity_resources')
        .selectAll()
        .where('resource_id', '=', resourceId)
        .where('kind', '=', kind)
        .forUpdate()
        .executeTakeFirst();
      if (!found) return 'missing';
      const row = toResource(found);
      const change = mutate(row);
      await trx
        .updateTable('identity_resources')
        .set({
          attributes: JSON.stringify(change.attributes),
          updated_at: change.updatedAt,
          updated_by: change.updatedBy,
          version: row.version + 1,
        })
        .where('resource_id', '=', resourceId)
        .execute();
      if (change.claims) {
        await trx.deleteFrom('identity_claims').where('resource_id', '=', resourceId).execute();
        await this.insertClaims(trx, row.storeId, resourceId, change.claims);
      }
      return 'updated';
    });
  }

  /**
   * The resource row goes first: that waits for any concurrent update of it to commit, so the
   * claims deleted next include whatever that update wrote (no orphan claim survives).
   */
  async deleteResource(kind: ResourceKind, storeId: string, resourceId: string): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const deleted = await trx
        .deleteFrom('identity_resources')
        .where('resource_id', '=', resourceId)
        .where('kind', '=', kind)
        .where('store_id', '=', storeId)
        .executeTakeFirst();
      if (deleted.numDeletedRows === 0n) return false;
      const column = kind === 'USER' ? 'user_id' : 'group_id';
      await trx.deleteFrom('identity_memberships').where(column, '=', resourceId).execute();
      await trx.deleteFrom('identity_claims').where('resource_id', '=', resourceId).execute();
      const counter = kind === 'USER' ? 'user_count' : 'group_count';
      await trx
        .updateTable('identity_stores')
        .set((eb) => ({ [counter]: eb(counter, '-', 1) }))
        .where('store_id', '=', storeId)
        .execute();
      return true;
    });
  }

  async listResources(
    kind: ResourceKind,
    storeId: string,
    afterId: string | undefined,
    limit: number,
  ): Promise<StoredResource[]> {
    let q = this.#db
      .selectFrom('identity_resources')
      .selectAll()
      .where('store_id', '=', storeId)
      .where('kind', '=', kind);
    if (afterId !== undefined) q = q.where('resource_id', '>', afterId);
    const rows = await q.orderBy('resource_id').limit(limit).execute();
    return rows.map(toResource);
  }

  async findByClaim(
    storeId: string,
    kind: string,
    lookupKey: string,
    afterId: string | undefined,
    limit: number,
  ): Promise<StoredResource[]> {
    let q = this.claimQuery(storeId, kind, lookupKey);
    if (afterId !== undefined) q = q.where('identity_claims.resource_id', '>', afterId);
    const rows = await q.orderBy('identity_claims.resource_id').limit(limit).execute();
    return rows.map(toResource);
  }

  async findOldestByClaim(
    storeId: string,
    kind: string,
    lookupKey: string,
  ): Promise<StoredResource | undefined> {
    const row = await this.claimQuery(storeId, kind, lookupKey)
      .orderBy('identity_resources.created_at')
      .orderBy('identity_resources.resource_id')
      .limit(1)
      .executeTakeFirst();
    return row && toResource(row);
  }

  /** The resources holding one claim: the claims' lookup index joined to the resources. */
  private claimQuery(storeId: string, kind: string, lookupKey: string) {
    return this.#db
      .selectFrom('identity_claims')
      .innerJoin(
        'identity_resources',
        'identity_resources.resource_id',
        'identity_claims.resource_id',
      )
      .selectAll('identity_resources')
      .where('identity_claims.store_id', '=', storeId)
      .where('identity_claims.kind', '=', kind)
      .where('identity_claims.lookup_key', '=', lookupKey);
  }

  // ---- memberships

  async insertMembership(
    row: Omit<StoredMembership, 'version'>,
    maxGroupsPerUser: number,
  ): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      const count = await trx
        .selectFrom('identity_memberships')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', row.userId)
        .executeTakeFirstOrThrow();
      if (Number(count.n) >= maxGroupsPerUser)
        throw new QuotaReached('groupsPerUser', maxGroupsPerUser);
      try {
        await trx
          .insertInto('identity_memberships')
          .values({
            membership_id: row.membershipId,
            store_id: row.storeId,
            group_id: row.groupId,
            user_id: row.userId,
            created_at: row.createdAt,
            updated_at: row.updatedAt,
            created_by: row.createdBy,
            updated_by: row.updatedBy,
          })
          .execute();
      } catch (e) {
        if (this.#dialect.isUniqueViolation(e)) throw new MembershipExists();
        if (this.#dialect.isForeignKeyViolation(e)) throw new ResourceGone('USER');
        throw e;
      }
    });
  }

  async getMembership(membershipId: string): Promise<StoredMembership | undefined> {
    const row = await this.#db
      .selectFrom('identity_memberships')
      .selectAll()
      .where('membership_id', '=', membershipId)
      .executeTakeFirst();
    return row && toMembership(row);
  }

  async findMembership(groupId: string, userId: string): Promise<StoredMembership | undefined> {
    const row = await this.#db
      .selectFrom('identity_memberships')
      .selectAll()
      .where('group_id', '=', groupId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row && toMembership(row);
  }

  async deleteMembership(storeId: string, membershipId: string): Promise<boolean> {
    const r = await this.#db
      .deleteFrom('identity_memberships')
      .where('membership_id', '=', membershipId)
      .where('store_id', '=', storeId)
      .executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  async listMemberships(
    of: 'group' | 'member',
    id: string,
    afterId: string | undefined,
    limit: number,
  ): Promise<StoredMembership[]> {
    let q = this.#db
      .selectFrom('identity_memberships')
      .selectAll()
      .where(of === 'group' ? 'group_id' : 'user_id', '=', id);
    if (afterId !== undefined) q = q.where('membership_id', '>', afterId);
    const rows = await q.orderBy('membership_id').limit(limit).execute();
    return rows.map(toMembership);
  }

  /**
   * Groups that do not exist are absent from the map. One query: the groups left-joined to the
   * (group, user) membership index.
   */
  async membershipStatus(
    storeId: string,
    userId: string,
    groupIds: readonly string[],
  ): Promise<Map<string, boolean>> {
    if (groupIds.length === 0) return new Map();
    const rows = await this.#db
      .selectFrom('identity_resources as g')
      .leftJoin('identity_memberships as m', (join) =>
        join.onRef('m.group_id', '=', 'g.resource_id').on('m.user_id', '=', userId),
      )
      .select(['g.resource_id as groupId', 'm.membership_id as membershipId'])
      .where('g.resource_id', 'in', [...groupIds])
      .where('g.kind', '=', 'GROUP')
      .where('g.store_id', '=', storeId)
      .execute();
    return new Map(rows.map((r) => [r.groupId, r.membershipId !== null]));
  }

  // ---- internals

  private async storeExistsIn(db: Db, storeId: string): Promise<boolean> {
    return (
      (await db
        .selectFrom('identity_stores')
        .select('store_id')
        .where('store_id', '=', storeId)
        .executeTakeFirst()) !== undefined
    );
  }

  /** One insert per claim, so a violation says which attribute is taken. */
  private async insertClaims(
    trx: Transaction<Database>,
    storeId: string,
    resourceId: string,
    claims: readonly StoredClaim[],
  ): Promise<void> {
    for (const claim of claims) {
      try {
        await trx
          .insertInto('identity_claims')
          .values({
            store_id: storeId,
            kind: claim.kind,
            claim_key: claim.claimKey,
            lookup_key: claim.lookupKey,
            resource_id: resourceId,
          })
          .execute();
      } catch (e) {
        if (this.#dialect.isUniqueViolation(e)) throw new ClaimTaken(claim.kind);
        throw e;
      }
    }
  }
}

function toResource(r: {
  resource_id: string;
  store_id: string;
  kind: 'USER' | 'GROUP';
  attributes: string;
  created_at: number;
  updated_at: number;
  created_by: string;
  updated_by: string;
  version: number;
}): StoredResource {
  return {
    resourceId: r.resource_id,
    storeId: r.store_id,
    kind: r.kind,
    attributes: JSON.parse(r.attributes) as object,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    createdBy: r.created_by,
    updatedBy: r.updated_by,
    version: Number(r.version),
  };
}

function toMembership(r: {
  membership_id: string;
  store_id: string;
  group_id: string;
  user_id: string;
  created_at: number;
  updated_at: number;
  created_by: string;
  updated_by: string;
  version: number;
}): StoredMembership {
  return {
    membershipId: r.membership_id,
    storeId: r.store_id,
    groupId: r.group_id,
    userId: r.user_id,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    createdBy: r.created_by,
    updatedBy: r.updated_by,
    version: Number(r.version),
  };
}
