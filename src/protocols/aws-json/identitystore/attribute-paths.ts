import type { AttributeOperation, JsonValue } from '../../../identitystore/index.js';
import { catalog, voxError } from '../../../errors/index.js';
import { SHAPES } from '../generated/identitystore-model.js';
import { compileShapeValidator, type ShapeValidator } from '../shape-validator.js';
import { toDomainKeys } from './case-mapping.js';

const ENTERPRISE = 'aws:identitystore:enterprise';
const ENTERPRISE_ATTRIBUTES = [
  'employeeNumber',
  'costCenter',
  'organization',
  'division',
  'department',
  'manager',
] as const;

interface PathSpec {
  readonly path: readonly string[];
  /** Model shape the (PascalCased) value must satisfy; 'object' / 'string' for extension documents. */
  readonly shape: string;
}

function userPaths(): Map<string, PathSpec> {
  const m = new Map<string, PathSpec>();
  const add = (wire: string, path: readonly string[], shape: string) =>
    m.set(wire.toLowerCase(), { path, shape });
  add('userName', ['userName'], 'UserName');
  for (const a of [
    'displayName',
    'nickName',
    'profileUrl',
    'title',
    'userType',
    'preferredLanguage',
    'locale',
    'timezone',
    'website',
    'birthdate',
  ]) {
    add(a, [a], 'SensitiveStringType');
  }
  add('userStatus', ['userStatus'], 'UserStatus');
  add('name', ['name'], 'Name');
  for (const a of [
    'formatted',
    'familyName',
    'givenName',
    'middleName',
    'honorificPrefix',
    'honorificSuffix',
  ]) {
    add(`name.${a}`, ['name', a], 'SensitiveStringType');
  }
  add('emails', ['emails'], 'Emails');
  add('addresses', ['addresses'], 'Addresses');
  add('phoneNumbers', ['phoneNumbers'], 'PhoneNumbers');
  add('photos', ['photos'], 'Photos');
  add('roles', ['roles'], 'Roles');
  add('externalIds', ['externalIds'], 'ExternalIds');
  add(ENTERPRISE, ['extensions', ENTERPRISE], 'object');
  for (const a of ENTERPRISE_ATTRIBUTES)
    add(`${ENTERPRISE}.${a}`, ['extensions', ENTERPRISE, a], a === 'manager' ? 'object' : 'string');
  add(`${ENTERPRISE}.manager.value`, ['extensions', ENTERPRISE, 'manager', 'value'], 'string');
  return m;
}

function groupPaths(): Map<string, PathSpec> {
  const m = new Map<string, PathSpec>();
  m.set('displayname', { path: ['displayName'], shape: 'GroupDisplayName' });
  m.set('description', { path: ['description'], shape: 'SensitiveStringType' });
  m.set('externalids', { path: ['externalIds'], shape: 'ExternalIds' });
  return m;
}

/** Accepts camelCase or PascalCase keys inside values; validates against the model in PascalCase. */
function toWireCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toWireCase);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k.length > 0 ? k[0]!.toUpperCase() + k.slice(1) : k] = toWireCase(v);
  return out;
}

/**
 * Turns UpdateUser/UpdateGroup `Operations` into domain operations: resolves each path
 * (case-insensitively) and checks its value against the model shape of that attribute, so the
 * domain only ever sees well-formed values. Validators are compiled once, here.
 */
export class AttributePathResolver {
  readonly #paths: Map<string, PathSpec>;
  readonly #validators = new Map<string, ShapeValidator>();
  readonly #noun: string;

  private constructor(paths: Map<string, PathSpec>, noun: string) {
    this.#paths = paths;
    this.#noun = noun;
    for (const spec of paths.values()) {
      if (spec.shape !== 'object' && spec.shape !== 'string' && !this.#validators.has(spec.shape)) {
        this.#validators.set(spec.shape, compileShapeValidator(SHAPES, spec.shape));
      }
    }
  }

  static forUsers(): AttributePathResolver {
    return new AttributePathResolver(userPaths(), 'user');
  }

  static forGroups(): AttributePathResolver {
    return new AttributePathResolver(groupPaths(), 'group');
  }

  resolve(
    operations: readonly { AttributePath: string; AttributeValue?: unknown }[],
  ): AttributeOperation[] {
    return operations.map((op) => {
      const wirePath = op.AttributePath;
      const spec = this.#paths.get(wirePath.toLowerCase());
      if (!spec) {
        throw voxError(catalog.IdentityStoreValidation, {
          detail: `Invalid AttributePath '${wirePath}': not an attribute of a ${this.#noun}`,
        });
      }
      const raw = op.AttributeValue;
      if (raw === undefined || raw === null) return { path: spec.path, wirePath, value: undefined };
      const fail = (why: string) =>
        voxError(catalog.IdentityStoreValidation, {
          detail: `Invalid AttributeValue for AttributePath '${wirePath}': ${why}`,
        });
      if (spec.shape === 'string') {
        if (typeof raw !== 'string' || raw.length === 0 || raw.length > 1024)
          throw fail('expected a string of 1 to 1024 characters');
        return { path: spec.path, wirePath, value: raw };
      }
      if (spec.shape === 'object') {
        if (typeof raw !== 'object' || Array.isArray(raw)) throw fail('expected an object');
        return { path: spec.path, wirePath, value: raw as JsonValue };
      }
      const wireValue = toWireCase(raw);
      const checked = this.#validators.get(spec.shape)!(wireValue);
      // The validator's paths are relative to the value: root them at the attribute path.
      if (!checked.ok)
        throw fail(
          checked.message.replace(
            / at '([^']*)'/g,
            (_m, p: string) => ` at '${wirePath}${p ? `.${p}` : ''}'`,
          ),
        );
      // The validated copy: members the model does not have are gone.
      return { path: spec.path, wirePath, value: toDomainKeys(checked.value) as JsonValue };
    });
  }
}
