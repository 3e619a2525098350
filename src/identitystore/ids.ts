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
