import type {
  Address,
  AlternateIdentifier,
  ExternalId,
  GroupRecord,
  MembershipRecord,
  MultiValuedAttribute,
  Photo,
  UserAttributes,
  UserRecord,
} from '../../../identitystore/index.js';
import type * as wire from '../generated/identitystore-model.js';

/** Epoch seconds with milliseconds, as the SDK expects timestamps (reference/aws-apis.md §4). */
export const epochSeconds = (d: Date): number => d.getTime() / 1000;

const auditToWire = (a: UserRecord['audit']) => ({
  CreatedAt: epochSeconds(a.createdAt),
  CreatedBy: a.createdBy,
  UpdatedAt: epochSeconds(a.updatedAt),
  UpdatedBy: a.updatedBy,
});

/** Copies the fields that are set: the wire leaves unset members out rather than sending null. */
function defined<T extends object>(fields: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out as T;
}

const multiValuedToWire = (m: MultiValuedAttribute): wire.Email =>
  defined({ Value: m.value, Type: m.type, Primary: m.primary });

const addressToWire = (a: Address): wire.Address =>
  defined({
    StreetAddress: a.streetAddress,
    Locality: a.locality,
    Region: a.region,
    PostalCode: a.postalCode,
    Country: a.country,
    Formatted: a.formatted,
    Type: a.type,
    Primary: a.primary,
  });

const photoToWire = (p: Photo): wire.Photo =>
  defined({ Value: p.value, Type: p.type, Display: p.display, Primary: p.primary });

const externalIdsToWire = (ids: readonly ExternalId[] | undefined): wire.ExternalIds | undefined =>
  ids?.map((x) => ({ Issuer: x.issuer, Id: x.id }));

/**
 * A stored user as the wire User, member by member (the attributes are the domain's typed
 * document, so nothing else can reach the wire); extensions only those asked for by name.
 */
export function userToWire(
  user: UserRecord,
  extensionNames: readonly string[] | undefined,
): wire.User {
  const a = user.attributes;
  const name = a.name;
  let extensions: Record<string, unknown> | undefined;
  if (extensionNames && a.extensions) {
    for (const n of extensionNames) {
      const ext = a.extensions[n];
      if (ext !== undefined) (extensions ??= {})[n] = ext;
    }
  }
  return defined({
    IdentityStoreId: user.storeId,
    UserId: user.userId,
    UserName: a.userName,
    ExternalIds: externalIdsToWire(a.externalIds),
    Name: defined({
      Formatted: name.formatted,
      FamilyName: name.familyName,
      GivenName: name.givenName,
      MiddleName: name.middleName,
      HonorificPrefix: name.honorificPrefix,
      HonorificSuffix: name.honorificSuffix,
    }),
    DisplayName: a.displayName,
    NickName: a.nickName,
    ProfileUrl: a.profileUrl,
    Emails: a.emails?.map(multiValuedToWire),
    Addresses: a.addresses?.map(addressToWire),
    PhoneNumbers: a.phoneNumbers?.map(multiValuedToWire),
    UserType: a.userType,
    Title: a.title,
    PreferredLanguage: a.preferredLanguage,
    Locale: a.locale,
    Timezone: a.timezone,
    UserStatus: a.userStatus,
    Photos: a.photos?.map(photoToWire),
    Website: a.website,
    Birthdate: a.birthdate,
    Roles: a.roles?.map(multiValuedToWire),
    ...auditToWire(user.audit),
    Extensions: extensions as wire.User['Extensions'],
  }) as wire.User;
}

export function groupToWire(group: GroupRecord): wire.Group {
  const a = group.attributes;
  return defined({
    IdentityStoreId: group.storeId,
    GroupId: group.groupId,
    DisplayName: a.displayName,
    ExternalIds: externalIdsToWire(a.externalIds),
    Description: a.description,
    ...auditToWire(group.audit),
  });
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
