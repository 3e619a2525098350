import { catalog, voxError } from '../errors/index.js';
import type { AttributeOperation, JsonObject, JsonValue } from './types.js';

function setAt(
  target: JsonObject,
  path: readonly string[],
  value: JsonValue | undefined,
): JsonObject {
  const [head, ...rest] = path;
  if (head === undefined) return target;
  const next: Record<string, JsonValue> = { ...target };
  if (rest.length === 0) {
    if (value === undefined) delete next[head];
    else next[head] = value;
    return next;
  }
  const child = target[head];
  const childObject: JsonObject =
    typeof child === 'object' && child !== null && !Array.isArray(child)
      ? (child as JsonObject)
      : {};
  const updated = setAt(childObject, rest, value);
  // A container left empty by a removal disappears, as an attribute never set.
  if (Object.keys(updated).length === 0) delete next[head];
  else next[head] = updated;
  return next;
}

/**
 * Applies UpdateUser/UpdateGroup operations in order to a copy of the attributes: a value adds
 * or replaces, no value removes. The input is never modified, so a failure leaves nothing half
 * done; the caller writes the result in one transaction.
 */
export function applyAttributeOperations<T extends object>(
  attributes: T,
  operations: readonly AttributeOperation[],
): T {
  let current = attributes as unknown as JsonObject;
  for (const op of operations) current = setAt(current, op.path, op.value);
  return current as unknown as T;
}

/** Required attributes: each `[domain path, wire path]`. */
export type RequiredAttributes = readonly (readonly [readonly string[], string])[];

export const USER_REQUIRED: RequiredAttributes = [
  [['userName'], 'userName'],
  [['displayName'], 'displayName'],
  [['name', 'givenName'], 'name.givenName'],
  [['name', 'familyName'], 'name.familyName'],
];
export const GROUP_REQUIRED: RequiredAttributes = [[['displayName'], 'displayName']];

function valueAt(obj: JsonObject, path: readonly string[]): JsonValue | undefined {
  let cur: JsonValue | undefined = obj;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as JsonObject)[key];
  }
  return cur;
}

/**
 * Fails with a ValidationException in the AWS wording when a required attribute is absent,
 * listing every missing one, as IAM Identity Center does for CreateUser.
 */
export function requireAttributes(attributes: object, required: RequiredAttributes): void {
  const missing = required.filter(([path]) => {
    const v = valueAt(attributes as JsonObject, path);
    return typeof v !== 'string' || v.length === 0;
  });
  if (missing.length === 0) return;
  const parts = missing.map(
    ([, wire]) => `Value at '${wire}' failed to satisfy constraint: Member must not be null`,
  );
  const count =
    missing.length === 1
      ? '1 validation error detected'
      : `${missing.length} validation errors detected`;
  throw voxError(catalog.IdentityStoreValidation, { detail: `${count}: ${parts.join('; ')}` });
}
