import type {
  AlternateIdentifier,
  GroupRecord,
  MembershipRecord,
  UserAttributes,
  UserRecord,
} from '../../../identitystore/index.js';
import type * as wire from '../generated/identitystore-model.js';
import { toWireKeys } from './case-mapping.js';

/** Epoch seconds with milliseconds, as the SDK expects timestamps (reference/aws-apis.md §4). */
export const epochSeconds = (d: Date): number => d.getTime() / 1000;

const auditToWire = (a: UserRecord['audit']) => ({
  CreatedAt: epochSeconds(a.createdAt),
  CreatedBy: a.createdBy,
  UpdatedAt: epochSeconds(a.updatedAt),
  UpdatedBy: a.updatedBy,
});

/** A stored user as the wire User; extensions only those asked for by name. */
export function userToWire(
  user: UserRecord,
  extensionNames: readonly string[] | undefined,
): wire.User {
  const { extensions, ...attributes } = user.attributes;
  // Ids and audit come last: nothing in the attributes can stand in for them.
  const out: Record<string, unknown> = {
    ...(toWireKeys(attributes) as object),
    IdentityStoreId: user.storeId,
    UserId: user.userId,
    ...auditToWire(user.audit),
  };
  if (extensionNames && extensions) {
    const chosen = Object.fromEntries(
      extensionNames.filter((n) => n in extensions).map((n) => [n, extensions[n]]),
    );
    if (Object.keys(chosen).length > 0) out.Extensions = chosen;
  }
  return out as unknown as wire.User;
}

export function groupToWire(group: GroupRecord): wire.Group {
  return {
    ...(toWireKeys(group.attributes) as object),
    IdentityStoreId: group.storeId,
    GroupId: group.groupId,
    ...auditToWire(group.audit),
  } as unknown as wire.Group;
}

export function membershipToWire(
  m: MembershipRecord,
): wire.GroupMembership & { MembershipId: string; GroupId: string; MemberId: wire.MemberId } {
  return {
    IdentityStoreId: m.storeId,
    MembershipId: m.membershipId,
    GroupId: m.groupId,
    MemberId: { UserId: m.userId },
    ...auditToWire(m.audit),
  };
}

export function alternateIdentifierFromWire(alt: wire.AlternateIdentifier): AlternateIdentifier {
  if ('ExternalId' in alt)
    return { kind: 'externalId', issuer: alt.ExternalId.Issuer, id: alt.ExternalId.Id };
  return {
    kind: 'uniqueAttribute',
    path: alt.UniqueAttribute.AttributePath,
    value: alt.UniqueAttribute.AttributeValue,
  };
}

export type NewUserAttributes = Omit<UserAttributes, 'userStatus'>;
