import { randomBytes, randomUUID } from 'node:crypto';

/** A new store id in the model's `d-` form: `d-` and 10 hex digits. */
export const newStoreId = (): string => `d-${randomBytes(5).toString('hex')}`;

/**
 * A resource id in the model's form `<10 hex digits of the store id>-<uuid>`; stores in UUID
 * form (migrated from legacy SSO) get plain UUIDs, as AWS documents.
 */
export function newResourceId(storeId: string): string {
  return storeId.startsWith('d-') ? `${storeId.slice(2)}-${randomUUID()}` : randomUUID();
}

const RESOURCE_ID =
  /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;

/** Whether `id` has the form of a user, group or membership id (the model's ResourceId). */
export const isResourceId = (id: string): boolean => RESOURCE_ID.test(id);
