/**
 * The stored documents of users and groups, built field by field: whatever a caller sent, or an
 * older version of Voxgate stored, only the attributes a user or group has survive, each with
 * its type. Writes also check the enterprise extension (`checkExtensions`) as AWS documents it.
 */
import { catalog, voxError } from '../errors/index.js';
import type {
  Address,
  ExternalId,
  GroupAttributes,
  JsonObject,
  MultiValuedAttribute,
  PersonName,
  Photo,
  UserAttributes,
} from './types.js';

export const ENTERPRISE_EXTENSION = 'aws:identitystore:enterprise';

/** The enterprise extension's string attributes; `manager` is `{ value }`. */
export const ENTERPRISE_STRING_ATTRIBUTES = [
  'employeeNumber',
  'costCenter',
  'organization',
  'division',
  'department',
] as const;
const ENTERPRISE_ATTRIBUTES = new Set<string>([...ENTERPRISE_STRING_ATTRIBUTES, 'manager']);

/** Longest enterprise attribute value, in characters (as the model's other user strings). */
const MAX_ATTRIBUTE_LENGTH = 1024;

type Raw = Readonly<Record<string, unknown>>;

const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

/** Copies the listed fields that are set; `undefined` ones are left out, not stored as null. */
function pick<T>(fields: { readonly [K in keyof T]: unknown }): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out as T;
}

function list<T>(v: unknown, item: (x: Raw) => T): T[] | undefined {
  return Array.isArray(v) ? v.filter(isRecord).map(item) : undefined;
}

const personName = (n: Raw): PersonName =>
  pick<PersonName>({
    formatted: str(n.formatted),
    familyName: str(n.familyName),
    givenName: str(n.givenName),
    middleName: str(n.middleName),
    honorificPrefix: str(n.honorificPrefix),
    honorificSuffix: str(n.honorificSuffix),
  });

const multiValued = (x: Raw): MultiValuedAttribute =>
  pick<MultiValuedAttribute>({ value: str(x.value), type: str(x.type), primary: bool(x.primary) });

const address = (x: Raw): Address =>
  pick<Address>({
    streetAddress: str(x.streetAddress),
    locality: str(x.locality),
    region: str(x.region),
    postalCode: str(x.postalCode),
    country: str(x.country),
    formatted: str(x.formatted),
    type: str(x.type),
    primary: bool(x.primary),
  });

const photo = (x: Raw): Photo =>
  pick<Photo>({
    value: str(x.value) ?? '',
    type: str(x.type),
    display: str(x.display),
    primary: bool(x.primary),
  });

const externalIds = (v: unknown): ExternalId[] | undefined =>
  list(v, (x) => ({ issuer: str(x.issuer) ?? '', id: str(x.id) ?? '' }));

function enterprise(e: Raw): JsonObject {
  const out: Record<string, string | { value: string }> = {};
  for (const name of ENTERPRISE_STRING_ATTRIBUTES) {
    const v = str(e[name]);
    if (v !== undefined) out[name] = v;
  }
  const manager = isRecord(e.manager) ? str(e.manager.value) : undefined;
  if (manager !== undefined) out.manager = { value: manager };
  return out;
}

function extensions(v: unknown): Readonly<Record<string, JsonObject>> | undefined {
  if (!isRecord(v) || !isRecord(v[ENTERPRISE_EXTENSION])) return undefined;
  return { [ENTERPRISE_EXTENSION]: enterprise(v[ENTERPRISE_EXTENSION]) };
}

/** A user's attributes from any JSON: the known ones, typed; everything else dropped. */
export function userDocument(raw: unknown): UserAttributes {
  const a = isRecord(raw) ? raw : {};
  return pick<UserAttributes>({
    userName: str(a.userName) ?? '',
    displayName: str(a.displayName) ?? '',
    name: isRecord(a.name) ? personName(a.name) : {},
    nickName: str(a.nickName),
    profileUrl: str(a.profileUrl),
    emails: list(a.emails, multiValued),
    addresses: list(a.addresses, address),
    phoneNumbers: list(a.phoneNumbers, multiValued),
    userType: str(a.userType),
    title: str(a.title),
    preferredLanguage: str(a.preferredLanguage),
    locale: str(a.locale),
    timezone: str(a.timezone),
    photos: list(a.photos, photo),
    website: str(a.website),
    birthdate: str(a.birthdate),
    roles: list(a.roles, multiValued),
    userStatus: a.userStatus === 'DISABLED' ? 'DISABLED' : 'ENABLED',
    externalIds: externalIds(a.externalIds),
    extensions: extensions(a.extensions),
  });
}

/** A group's attributes from any JSON: the known ones, typed; everything else dropped. */
export function groupDocument(raw: unknown): GroupAttributes {
  const a = isRecord(raw) ? raw : {};
  return pick<GroupAttributes>({
    displayName: str(a.displayName) ?? '',
    description: str(a.description),
    externalIds: externalIds(a.externalIds),
  });
}

const invalid = (detail: string) => voxError(catalog.IdentityStoreValidation, { detail });

function checkAttributeString(value: unknown, path: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ATTRIBUTE_LENGTH)
    throw invalid(
      `Invalid value at '${path}': expected a string of 1 to ${MAX_ATTRIBUTE_LENGTH} characters`,
    );
}

/**
 * Checks the `extensions` of a user about to be written: only `aws:identitystore:enterprise`,
 * an object whose members are the enterprise attributes (strings; `manager` = `{"value": …}`).
 * An unknown member or a wrong type is a ValidationException naming its path: storing a
 * document with attributes AWS does not have would silently keep data no caller can use.
 */
export function checkExtensions(value: unknown): void {
  if (value === undefined) return;
  if (!isRecord(value)) throw invalid(`Invalid value at 'extensions': expected an object`);
  for (const [name, ext] of Object.entries(value)) {
    if (name !== ENTERPRISE_EXTENSION)
      throw invalid(
        `Unsupported extension '${name}': the only supported extension is ${ENTERPRISE_EXTENSION}`,
      );
    if (!isRecord(ext)) throw invalid(`Invalid value of extension '${name}': expected an object`);
    for (const [attribute, v] of Object.entries(ext)) {
      const path = `${name}.${attribute}`;
      if (!ENTERPRISE_ATTRIBUTES.has(attribute))
        throw invalid(
          `Invalid attribute '${path}': the attributes of ${name} are ${[...ENTERPRISE_ATTRIBUTES].join(', ')}`,
        );
      if (attribute !== 'manager') {
        checkAttributeString(v, path);
        continue;
      }
      if (!isRecord(v)) throw invalid(`Invalid value at '${path}': expected {"value": <user id>}`);
      for (const key of Object.keys(v))
        if (key !== 'value')
          throw invalid(`Invalid attribute '${path}.${key}': manager has only 'value'`);
      checkAttributeString(v.value, `${path}.value`);
    }
  }
}
