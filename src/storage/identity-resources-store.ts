/**
 * The storage interface of the Identity Store (what `identitystore/` needs) and the records it
 * speaks in. `IdentityStoreRepository` implements it over Kysely; the attribute document is
 * stored as JSON there and handed back parsed.
 */

export type ResourceKind = 'USER' | 'GROUP';

/** A user or group as stored: its attribute document is the domain's, opaque here. */
export interface StoredResource {
  readonly resourceId: string;
  readonly storeId: string;
  readonly kind: ResourceKind;
  readonly attributes: object;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly createdBy: string;
  readonly updatedBy: string;
  readonly version: number;
}

/** A uniqueness claim: `claimKey` unique per store and kind, `lookupKey` what finds it. */
export interface StoredClaim {
  readonly kind: string;
  readonly claimKey: string;
  readonly lookupKey: string;
}

export interface StoredMembership {
  readonly membershipId: string;
  readonly storeId: string;
  readonly groupId: string;
  readonly userId: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly createdBy: string;
  readonly updatedBy: string;
  readonly version: number;
}

export interface StoredStore {
  readonly storeId: string;
  readonly createdAt: number;
  readonly userCount: number;
  readonly groupCount: number;
}

/** A resource's new document and, when they changed, its claims. */
export interface ResourceChange {
  readonly attributes: object;
  readonly updatedAt: number;
  readonly updatedBy: string;
  readonly claims: readonly StoredClaim[] | undefined;
}

/** A uniqueness claim of this kind is already held by another resource. */
export class ClaimTaken extends Error {
  constructor(readonly kind: string) {
    super(`claim ${kind} is taken`);
  }
}
export class MembershipExists extends Error {}
export class QuotaReached extends Error {
  constructor(
    readonly quota: 'users' | 'groups' | 'groupsPerUser',
    readonly limit: number,
  ) {
    super(`quota ${quota} of ${limit} reached`);
  }
}
/** A resource the write depends on is gone (deleted concurrently). */
export class ResourceGone extends Error {
  constructor(readonly kind: 'STORE' | ResourceKind) {
    super(`${kind} is gone`);
  }
}

export interface IdentityResourcesStore {
  /** False when the id is taken. */
  createStore(storeId: string, at: number): Promise<boolean>;
  storeExists(storeId: string): Promise<boolean>;
  /** Oldest first. */
  listStores(): Promise<StoredStore[]>;

  /**
   * The resource and its claims, counted against the store's quota of `limit`: QuotaReached,
   * ClaimTaken (which kind), ResourceGone('STORE').
   */
  insertResource(
    resource: Omit<StoredResource, 'version'>,
    claims: readonly StoredClaim[],
    limit: number,
  ): Promise<void>;
  getResource(kind: ResourceKind, resourceId: string): Promise<StoredResource | undefined>;
  /**
   * Replaces the document (and claims) if the resource still has `expectedVersion`. 'stale':
   * another write won the race; 'missing': the resource is gone. ClaimTaken on a conflict.
   */
  updateResource(
    kind: ResourceKind,
    resourceId: string,
    expectedVersion: number,
    change: ResourceChange,
  ): Promise<'updated' | 'stale' | 'missing'>;
  /** Whether `updateResourceLocked` is available (databases with row locks). */
  readonly supportsRowLocks: boolean;
  /**
   * Read-modify-write under a row lock: for writers that keep losing optimistic races, so a hot
   * row still makes progress. What `mutate` throws rolls everything back.
   */
  updateResourceLocked(
    kind: ResourceKind,
    resourceId: string,
    mutate: (resource: StoredResource) => ResourceChange,
  ): Promise<'updated' | 'missing'>;
  /** The resource with its memberships and claims; false when it does not exist. */
  deleteResource(kind: ResourceKind, storeId: string, resourceId: string): Promise<boolean>;
  /** Keyset page in id order: `limit` resources after `afterId`. */
  listResources(
    kind: ResourceKind,
    storeId: string,
    afterId: string | undefined,
    limit: number,
  ): Promise<StoredResource[]>;
  /** Resources holding a claim, in id order (several only for non-unique kinds). */
  findByClaim(
    storeId: string,
    kind: string,
    lookupKey: string,
    afterId: string | undefined,
    limit: number,
  ): Promise<StoredResource[]>;
  /** The oldest resource holding a claim (the only one for unique kinds). */
  findOldestByClaim(
    storeId: string,
    kind: string,
    lookupKey: string,
  ): Promise<StoredResource | undefined>;

  /** MembershipExists, QuotaReached('groupsPerUser'), ResourceGone('USER'). */
  insertMembership(
    membership: Omit<StoredMembership, 'version'>,
    maxGroupsPerUser: number,
  ): Promise<void>;
  getMembership(membershipId: string): Promise<StoredMembership | undefined>;
  findMembership(groupId: string, userId: string): Promise<StoredMembership | undefined>;
  deleteMembership(storeId: string, membershipId: string): Promise<boolean>;
  /** The memberships of a group, or of a member, in membership id order. */
  listMemberships(
    of: 'group' | 'member',
    id: string,
    afterId: string | undefined,
    limit: number,
  ): Promise<StoredMembership[]>;
  /** For each of `groupIds` that is a group of the store: whether the user is a member. */
  membershipStatus(
    storeId: string,
    userId: string,
    groupIds: readonly string[],
  ): Promise<Map<string, boolean>>;
}
