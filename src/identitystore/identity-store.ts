import { catalog, voxError, type VoxgateError } from '../errors/index.js';
import {
  ClaimTaken,
  MembershipExists,
  QuotaReached,
  ResourceGone,
  type IdentityResourcesStore,
  type ResourceChange,
  type StoredMembership,
  type StoredResource,
} from '../storage/index.js';
import {
  applyAttributeOperations,
  GROUP_REQUIRED,
  requireAttributes,
  USER_REQUIRED,
  type RequiredAttributes,
} from './attribute-operations.js';
import {
  CLAIM_ATTRIBUTE,
  emailLookup,
  externalIdLookup,
  groupClaims,
  groupNameLookup,
  userClaims,
  userNameLookup,
  type Claim,
  type ClaimKind,
} from './claims.js';
import { checkExtensions, groupDocument, userDocument } from './documents.js';
import { isResourceId, newResourceId, newStoreId } from './ids.js';
import { KeysetPager, type PageRequest, type PageTokens } from '../pagination/index.js';
import type {
  Actor,
  AttributeOperation,
  GroupAttributes,
  GroupRecord,
  MembershipRecord,
  Page,
  ResourceKind,
  UserAttributes,
  UserRecord,
} from './types.js';

export interface IdentityStoreOptions {
  /** Create unknown `d-` stores on first use, as emulators do (off by default). */
  readonly autoCreateStores: boolean;
  /** Whether emails.value is a uniqueness claim. */
  readonly uniqueEmails: boolean;
  /** How often a write that lost an optimistic-concurrency race is re-applied before CONCURRENT_MODIFICATION. */
  readonly updateRetries: number;
  readonly maxUsers: number;
  readonly maxGroups: number;
  readonly maxGroupsPerUser: number;
}

export type AlternateIdentifier =
  | { readonly kind: 'uniqueAttribute'; readonly path: string; readonly value: unknown }
  | { readonly kind: 'externalId'; readonly issuer: string; readonly id: string };

const TYPE_TEXT: Readonly<Record<string, string>> = {
  USER: 'User',
  GROUP: 'Group',
  IDENTITY_STORE: 'Identity store',
  GROUP_MEMBERSHIP: 'Group membership',
};

/**
 * ResourceNotFoundException for an id the request named (`ResourceId` set when it has the
 * model's ResourceId form), or, with `subject`, for a lookup that named none (no `ResourceId`,
 * and no attribute value in the message: they may be sensitive).
 */
function notFound(
  resourceType: 'USER' | 'GROUP' | 'IDENTITY_STORE' | 'GROUP_MEMBERSHIP',
  id: string,
  subject = id,
): VoxgateError {
  return voxError(catalog.IdentityStoreResourceNotFound, {
    resourceType,
    resourceTypeText: TYPE_TEXT[resourceType] ?? resourceType,
    subject,
    resourceId: subject === id && isResourceId(id) ? id : '',
  });
}

const invalid = (detail: string): VoxgateError =>
  voxError(catalog.IdentityStoreValidation, { detail });

function uniquenessConflict(
  kind: ClaimKind | string,
  resourceType: 'user' | 'group',
): VoxgateError {
  const attribute = CLAIM_ATTRIBUTE[kind as ClaimKind] ?? kind;
  return voxError(catalog.IdentityStoreConflictUniqueness, {
    attribute,
    resourceType: kind === 'externalId' ? 'user or group' : resourceType,
  });
}

const toClaimRows = (claims: readonly Claim[]) =>
  claims.map((c) => ({ kind: c.kind, claimKey: c.claimKey, lookupKey: c.lookupKey }));

/**
 * The Identity Store: users, groups and memberships of identity stores, with uniqueness
 * claims, optimistic concurrency and signed pagination. Plain domain logic over the repository;
 * no HTTP, no wire names (see docs/identitystore.md for the semantics).
 */
export class IdentityStore {
  readonly #repo: IdentityResourcesStore;
  readonly #pager: KeysetPager;
  readonly #options: IdentityStoreOptions;
  /** Stores are never deleted, so one that exists can be remembered. */
  readonly #knownStores = new Set<string>();

  constructor(repo: IdentityResourcesStore, tokens: PageTokens, options: IdentityStoreOptions) {
    this.#repo = repo;
    this.#pager = new KeysetPager(tokens, () =>
      invalid('The NextToken is invalid or belongs to another request'),
    );
    this.#options = options;
  }

  // ---- stores

  async createStore(now: Date): Promise<string> {
    for (;;) {
      const storeId = newStoreId();
      if (await this.#repo.createStore(storeId, now.getTime())) return storeId;
    }
  }

  listStores() {
    return this.#repo.listStores();
  }

  private async requireStore(storeId: string): Promise<void> {
    if (this.#knownStores.has(storeId)) return;
    if (!(await this.#repo.storeExists(storeId))) {
      if (!this.#options.autoCreateStores) throw notFound('IDENTITY_STORE', storeId);
      await this.#repo.createStore(storeId, Date.now());
    }
    this.#knownStores.add(storeId);
  }

  // ---- users

  async createUser(
    actor: Actor,
    storeId: string,
    attributes: Omit<UserAttributes, 'userStatus'>,
  ): Promise<string> {
    await this.requireStore(storeId);
    requireAttributes(attributes, USER_REQUIRED);
    checkExtensions(attributes.extensions);
    const full = userDocument({ ...attributes, userStatus: 'ENABLED' });
    const userId = newResourceId(storeId);
    await this.insert(
      'USER',
      actor,
      storeId,
      userId,
      full,
      userClaims(userId, full, this.#options.uniqueEmails),
      this.#options.maxUsers,
    );
    return userId;
  }

  async describeUser(storeId: string, userId: string): Promise<UserRecord> {
    await this.requireStore(storeId);
    return toUser(await this.getRow('USER', storeId, userId));
  }

  async updateUser(
    actor: Actor,
    storeId: string,
    userId: string,
    operations: readonly AttributeOperation[],
  ): Promise<void> {
    await this.requireStore(storeId);
    await this.update('USER', actor, storeId, userId, operations, {
      required: USER_REQUIRED,
      read: userDocument,
      write: (after) => {
        checkExtensions((after as { extensions?: unknown }).extensions);
        return userDocument(after);
      },
      claimsOf: (id, a) => userClaims(id, a as UserAttributes, this.#options.uniqueEmails),
    });
  }

  async deleteUser(storeId: string, userId: string): Promise<void> {
    await this.requireStore(storeId);
    if (!(await this.#repo.deleteResource('USER', storeId, userId))) throw notFound('USER', userId);
  }

  async listUsers(
    storeId: string,
    page: PageRequest,
    filter?: { path: string; value: string },
  ): Promise<Page<UserRecord>> {
    await this.requireStore(storeId);
    if (filter && filter.path.toLowerCase() !== 'username') {
      throw invalid(
        `Invalid filter AttributePath '${filter.path}': ListUsers filters only by UserName`,
      );
    }
    return this.listResources(
      'USER',
      'ListUsers',
      storeId,
      page,
      filter && { kind: 'userName', lookupKey: userNameLookup(filter.value) },
      toUser,
    );
  }

  async getUserId(storeId: string, alt: AlternateIdentifier): Promise<string> {
    return this.lookup('USER', storeId, alt, {
      userName: { kind: 'userName', key: userNameLookup },
      'emails.value': { kind: 'email', key: emailLookup },
    });
  }

  // ---- groups

  async createGroup(actor: Actor, storeId: string, attributes: GroupAttributes): Promise<string> {
    await this.requireStore(storeId);
    requireAttributes(attributes, GROUP_REQUIRED);
    const document = groupDocument(attributes);
    const groupId = newResourceId(storeId);
    await this.insert(
      'GROUP',
      actor,
      storeId,
      groupId,
      document,
      groupClaims(document),
      this.#options.maxGroups,
    );
    return groupId;
  }

  async describeGroup(storeId: string, groupId: string): Promise<GroupRecord> {
    await this.requireStore(storeId);
    return toGroup(await this.getRow('GROUP', storeId, groupId));
  }

  async updateGroup(
    actor: Actor,
    storeId: string,
    groupId: string,
    operations: readonly AttributeOperation[],
  ): Promise<void> {
    await this.requireStore(storeId);
    await this.update('GROUP', actor, storeId, groupId, operations, {
      required: GROUP_REQUIRED,
      read: groupDocument,
      write: groupDocument,
      claimsOf: (_id, a) => groupClaims(a as GroupAttributes),
    });
  }

  async deleteGroup(storeId: string, groupId: string): Promise<void> {
    await this.requireStore(storeId);
    if (!(await this.#repo.deleteResource('GROUP', storeId, groupId)))
      throw notFound('GROUP', groupId);
  }

  async listGroups(
    storeId: string,
    page: PageRequest,
    filter?: { path: string; value: string },
  ): Promise<Page<GroupRecord>> {
    await this.requireStore(storeId);
    if (filter && filter.path.toLowerCase() !== 'displayname') {
      throw invalid(
        `Invalid filter AttributePath '${filter.path}': ListGroups filters only by DisplayName`,
      );
    }
    return this.listResources(
      'GROUP',
      'ListGroups',
      storeId,
      page,
      filter && { kind: 'groupDisplayName', lookupKey: groupNameLookup(filter.value) },
      toGroup,
    );
  }

  async getGroupId(storeId: string, alt: AlternateIdentifier): Promise<string> {
    return this.lookup('GROUP', storeId, alt, {
      displayName: { kind: 'groupDisplayName', key: groupNameLookup },
    });
  }

  // ---- memberships

  async createMembership(
    actor: Actor,
    storeId: string,
    groupId: string,
    userId: string,
  ): Promise<string> {
    await this.requireStore(storeId);
    await this.getRow('GROUP', storeId, groupId);
    await this.getRow('USER', storeId, userId);
    const membershipId = newResourceId(storeId);
    const at = actor.now.getTime();
    try {
      await this.#repo.insertMembership(
        {
          membershipId,
          storeId,
          groupId,
          userId,
          createdAt: at,
          updatedAt: at,
          createdBy: actor.principal,
          updatedBy: actor.principal,
        },
        this.#options.maxGroupsPerUser,
      );
    } catch (e) {
      if (e instanceof MembershipExists)
        throw voxError(catalog.IdentityStoreConflictUniqueness, {
          attribute: 'MemberId',
          resourceType: 'membership of this group',
        });
      if (e instanceof QuotaReached)
        throw voxError(catalog.IdentityStoreServiceQuotaExceeded, {
          quota: 'groups per user',
          limit: e.limit,
        });
      if (e instanceof ResourceGone) throw notFound('USER', userId);
      throw e;
    }
    return membershipId;
  }

  async describeMembership(storeId: string, membershipId: string): Promise<MembershipRecord> {
    await this.requireStore(storeId);
    const row = await this.#repo.getMembership(membershipId);
    if (!row || row.storeId !== storeId) throw notFound('GROUP_MEMBERSHIP', membershipId);
    return toMembership(row);
  }

  async deleteMembership(storeId: string, membershipId: string): Promise<void> {
    await this.requireStore(storeId);
    if (!(await this.#repo.deleteMembership(storeId, membershipId)))
      throw notFound('GROUP_MEMBERSHIP', membershipId);
  }

  async getMembershipId(storeId: string, groupId: string, userId: string): Promise<string> {
    await this.requireStore(storeId);
    const row = await this.#repo.findMembership(groupId, userId);
    if (!row || row.storeId !== storeId)
      throw notFound('GROUP_MEMBERSHIP', '', `of user ${userId} in group ${groupId}`);
    return row.membershipId;
  }

  async listMemberships(
    storeId: string,
    groupId: string,
    page: PageRequest,
  ): Promise<Page<MembershipRecord>> {
    await this.requireStore(storeId);
    await this.getRow('GROUP', storeId, groupId);
    return this.listMembershipPage(
      'group',
      `ListGroupMemberships|${storeId}|${groupId}`,
      groupId,
      page,
    );
  }

  async listMembershipsForMember(
    storeId: string,
    userId: string,
    page: PageRequest,
  ): Promise<Page<MembershipRecord>> {
    await this.requireStore(storeId);
    await this.getRow('USER', storeId, userId);
    return this.listMembershipPage(
      'member',
      `ListGroupMembershipsForMember|${storeId}|${userId}`,
      userId,
      page,
    );
  }

  async isMemberInGroups(
    storeId: string,
    userId: string,
    groupIds: readonly string[],
  ): Promise<{ groupId: string; userId: string; exists: boolean }[]> {
    await this.requireStore(storeId);
    await this.getRow('USER', storeId, userId);
    const status = await this.#repo.membershipStatus(storeId, userId, groupIds);
    return groupIds.map((groupId) => {
      const exists = status.get(groupId);
      if (exists === undefined) throw notFound('GROUP', groupId);
      return { groupId, userId, exists };
    });
  }

  // ---- shared mechanics

  /**
   * GetUserId / GetGroupId: an external id, or one of the kind's unique attribute paths
   * (matched case-insensitively), resolved through the claims index. When several users
   * share an address (emails not unique), the oldest answers.
   */
  private async lookup(
    kind: ResourceKind,
    storeId: string,
    alt: AlternateIdentifier,
    uniquePaths: Readonly<Record<string, { kind: ClaimKind; key: (value: string) => string }>>,
  ): Promise<string> {
    await this.requireStore(storeId);
    let claim: { kind: ClaimKind; lookupKey: string };
    if (alt.kind === 'externalId') {
      claim = { kind: 'externalId', lookupKey: externalIdLookup(alt.issuer, alt.id) };
    } else {
      const wanted = alt.path.toLowerCase();
      const path = Object.entries(uniquePaths).find(([p]) => p.toLowerCase() === wanted)?.[1];
      if (!path) {
        const noun = kind === 'USER' ? 'user' : 'group';
        throw invalid(
          `Invalid AttributePath '${alt.path}': the unique attributes of a ${noun} are ${Object.keys(uniquePaths).join(', ')}`,
        );
      }
      if (typeof alt.value !== 'string')
        throw invalid(`The AttributeValue for '${alt.path}' must be a string`);
      if (alt.value === '') throw invalid(`The AttributeValue for '${alt.path}' must not be empty`);
      claim = { kind: path.kind, lookupKey: path.key(alt.value) };
    }
    const row = await this.#repo.findOldestByClaim(storeId, claim.kind, claim.lookupKey);
    if (!row || row.kind !== kind)
      throw notFound(
        kind,
        '',
        alt.kind === 'externalId' ? 'with this external id' : `with this ${alt.path}`,
      );
    return row.resourceId;
  }

  private async getRow(kind: ResourceKind, storeId: string, id: string): Promise<StoredResource> {
    const row = await this.#repo.getResource(kind, id);
    if (!row || row.storeId !== storeId) throw notFound(kind, id);
    return row;
  }

  private async insert(
    kind: ResourceKind,
    actor: Actor,
    storeId: string,
    id: string,
    attributes: object,
    claims: readonly Claim[],
    limit: number,
  ): Promise<void> {
    const at = actor.now.getTime();
    try {
      await this.#repo.insertResource(
        {
          resourceId: id,
          storeId,
          kind,
          attributes,
          createdAt: at,
          updatedAt: at,
          createdBy: actor.principal,
          updatedBy: actor.principal,
        },
        toClaimRows(claims),
        limit,
      );
    } catch (e) {
      throw this.translate(e, kind, storeId, id);
    }
  }

  /**
   * Optimistic concurrency: read (with its version), apply, write if the version is unchanged.
   * The operations are declarative, so re-applying them to a newer state after a lost race is
   * exactly what running after the winner would have done. Retries back off with jitter; where
   * the database has row locks, a retry after a lost race reads under the lock instead, so a hot
   * row still makes progress. Only when `updateRetries` retries are spent does the caller see
   * CONCURRENT_MODIFICATION (with 0 retries: at the first lost race).
   */
  private async update(
    kind: ResourceKind,
    actor: Actor,
    storeId: string,
    id: string,
    operations: readonly AttributeOperation[],
    kindRules: {
      readonly required: RequiredAttributes;
      /** The stored document as attributes: known fields only. */
      readonly read: (stored: unknown) => object;
      /** The document to store from the updated attributes: checked, known fields only. */
      readonly write: (attributes: object) => object;
      readonly claimsOf: (id: string, attributes: object) => Claim[];
    },
  ): Promise<void> {
    const { required, claimsOf } = kindRules;
    const mutate = (row: StoredResource): ResourceChange => {
      if (row.storeId !== storeId) throw notFound(kind, id);
      const before = kindRules.read(row.attributes);
      const after = kindRules.write(applyAttributeOperations(before, operations));
      requireAfterUpdate(after, required, operations);
      const newClaims = claimsOf(id, after);
      const claimsChanged = JSON.stringify(claimsOf(id, before)) !== JSON.stringify(newClaims);
      return {
        attributes: after,
        updatedAt: actor.now.getTime(),
        updatedBy: actor.principal,
        claims: claimsChanged ? toClaimRows(newClaims) : undefined,
      };
    };
    for (let attempt = 0; ; attempt++) {
      let outcome: 'updated' | 'stale' | 'missing';
      try {
        if (attempt > 0 && this.#repo.supportsRowLocks) {
          outcome = await this.#repo.updateResourceLocked(kind, id, mutate);
        } else {
          const row = await this.getRow(kind, storeId, id);
          outcome = await this.#repo.updateResource(kind, id, row.version, mutate(row));
        }
      } catch (e) {
        throw this.translate(e, kind, storeId, id);
      }
      if (outcome === 'updated') return;
      if (outcome === 'missing') throw notFound(kind, id);
      if (attempt >= this.#options.updateRetries) {
        throw voxError(catalog.IdentityStoreConflictConcurrent, {
          resourceType: kind === 'USER' ? 'user' : 'group',
          resourceId: id,
        });
      }
      await backoff(attempt);
    }
  }

  private translate(e: unknown, kind: ResourceKind, storeId: string, id: string): unknown {
    if (e instanceof ClaimTaken)
      return uniquenessConflict(e.kind, kind === 'USER' ? 'user' : 'group');
    if (e instanceof QuotaReached)
      return voxError(catalog.IdentityStoreServiceQuotaExceeded, {
        quota: e.quota === 'users' ? 'users per identity store' : 'groups per identity store',
        limit: e.limit,
      });
    if (e instanceof ResourceGone)
      return e.kind === 'STORE' ? notFound('IDENTITY_STORE', storeId) : notFound(kind, id);
    return e;
  }

  private listResources<T>(
    kind: ResourceKind,
    operation: string,
    storeId: string,
    page: PageRequest,
    filter: { kind: ClaimKind; lookupKey: string } | undefined,
    map: (row: StoredResource) => T,
  ): Promise<Page<T>> {
    return this.#pager.page(page, {
      scope: `${operation}|${storeId}|${filter ? `${filter.kind}=${filter.lookupKey}` : ''}`,
      fetch: async (after, limit) =>
        filter
          ? (
              await this.#repo.findByClaim(storeId, filter.kind, filter.lookupKey, after, limit)
            ).filter((r) => r.kind === kind)
          : this.#repo.listResources(kind, storeId, after, limit),
      keyOf: (row) => row.resourceId,
      map,
    });
  }

  private listMembershipPage(
    of: 'group' | 'member',
    scope: string,
    id: string,
    page: PageRequest,
  ): Promise<Page<MembershipRecord>> {
    return this.#pager.page(page, {
      scope,
      fetch: (after, limit) => this.#repo.listMemberships(of, id, after, limit),
      keyOf: (row) => row.membershipId,
      map: toMembership,
    });
  }
}

/**
 * Full-jitter exponential backoff between optimistic retries (1, 2, 4 … 64 ms ceilings), so
 * writers that collided do not collide again in lockstep.
 */
function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(64, 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

function requireAfterUpdate(
  after: object,
  required: RequiredAttributes,
  operations: readonly AttributeOperation[],
): void {
  try {
    requireAttributes(after, required);
  } catch (e) {
    const [path, wire] =
      required.find(([p]) =>
        operations.some(
          (op) => op.value === undefined && p.join('.').startsWith(op.path.join('.')),
        ),
      ) ?? [];
    const op = path && operations.find((o) => path.join('.').startsWith(o.path.join('.')));
    if (op && wire)
      throw invalid(
        `Invalid AttributeOperation on '${op.wirePath}': it would remove the required attribute '${wire}'`,
      );
    throw e;
  }
}

const audit = (r: {
  createdAt: number;
  updatedAt: number;
  createdBy: string;
  updatedBy: string;
  version: number;
}) => ({
  createdAt: new Date(r.createdAt),
  updatedAt: new Date(r.updatedAt),
  createdBy: r.createdBy,
  updatedBy: r.updatedBy,
  version: r.version,
});

const toUser = (row: StoredResource): UserRecord => ({
  storeId: row.storeId,
  userId: row.resourceId,
  attributes: userDocument(row.attributes),
  audit: audit(row),
});

const toGroup = (row: StoredResource): GroupRecord => ({
  storeId: row.storeId,
  groupId: row.resourceId,
  attributes: groupDocument(row.attributes),
  audit: audit(row),
});

const toMembership = (row: StoredMembership): MembershipRecord => ({
  storeId: row.storeId,
  membershipId: row.membershipId,
  groupId: row.groupId,
  userId: row.userId,
  audit: audit(row),
});
