/**
 * Identity Store domain types. Attribute names are camelCase, the same names UpdateUser's
 * attribute paths use (`name.givenName`); the protocol maps them to and from the wire's
 * PascalCase members.
 */

export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

export type ResourceKind = 'USER' | 'GROUP';
export type UserStatus = 'ENABLED' | 'DISABLED';

export interface ExternalId {
  readonly issuer: string;
  readonly id: string;
}

export interface PersonName {
  readonly formatted?: string;
  readonly familyName?: string;
  readonly givenName?: string;
  readonly middleName?: string;
  readonly honorificPrefix?: string;
  readonly honorificSuffix?: string;
}

/** Emails, phone numbers, roles. */
export interface MultiValuedAttribute {
  readonly value?: string;
  readonly type?: string;
  readonly primary?: boolean;
}

export interface Address {
  readonly streetAddress?: string;
  readonly locality?: string;
  readonly region?: string;
  readonly postalCode?: string;
  readonly country?: string;
  readonly formatted?: string;
  readonly type?: string;
  readonly primary?: boolean;
}

export interface Photo {
  readonly value: string;
  readonly type?: string;
  readonly display?: string;
  readonly primary?: boolean;
}

export interface UserAttributes {
  readonly userName: string;
  readonly displayName: string;
  readonly name: PersonName;
  readonly nickName?: string;
  readonly profileUrl?: string;
  readonly emails?: readonly MultiValuedAttribute[];
  readonly addresses?: readonly Address[];
  readonly phoneNumbers?: readonly MultiValuedAttribute[];
  readonly userType?: string;
  readonly title?: string;
  readonly preferredLanguage?: string;
  readonly locale?: string;
  readonly timezone?: string;
  readonly photos?: readonly Photo[];
  readonly website?: string;
  readonly birthdate?: string;
  readonly roles?: readonly MultiValuedAttribute[];
  readonly userStatus: UserStatus;
  readonly externalIds?: readonly ExternalId[];
  /** By extension name (`aws:identitystore:enterprise`), each a JSON object. */
  readonly extensions?: Readonly<Record<string, JsonObject>>;
}

export interface GroupAttributes {
  readonly displayName: string;
  readonly description?: string;
  readonly externalIds?: readonly ExternalId[];
}

export interface AuditInfo {
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly createdBy: string;
  readonly updatedBy: string;
  readonly version: number;
}

export interface UserRecord {
  readonly storeId: string;
  readonly userId: string;
  readonly attributes: UserAttributes;
  readonly audit: AuditInfo;
}

export interface GroupRecord {
  readonly storeId: string;
  readonly groupId: string;
  readonly attributes: GroupAttributes;
  readonly audit: AuditInfo;
}

export interface MembershipRecord {
  readonly storeId: string;
  readonly membershipId: string;
  readonly groupId: string;
  readonly userId: string;
  readonly audit: AuditInfo;
}

/** One step of UpdateUser/UpdateGroup: set `value` at `path`, or remove the attribute when undefined. */
export interface AttributeOperation {
  /** Path segments in domain names, e.g. ['name', 'givenName'] or ['extensions', 'aws:identitystore:enterprise', 'costCenter']. */
  readonly path: readonly string[];
  /** The path as the caller wrote it, for messages. */
  readonly wirePath: string;
  readonly value: JsonValue | undefined;
}

export type { Page } from '../pagination/index.js';

/** Who is calling and when; recorded as Created/Updated By/At. */
export interface Actor {
  readonly principal: string;
  readonly now: Date;
}
