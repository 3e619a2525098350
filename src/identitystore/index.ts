/**
 * The Identity Store domain: users, groups, memberships of identity stores.
 *
 * ### Examples
 * ```ts
 * const store = new IdentityStore(new IdentityStoreRepository(dialect), new PageTokens(key), options);
 * const userId = await store.createUser(actor, 'd-1234567890', { userName: 'jdoe', … });
 * ```
 */
export {
  IdentityStore,
  type IdentityStoreOptions,
  type AlternateIdentifier,
} from './identity-store.js';
export { DEFAULT_PAGE_SIZE, type PageRequest } from '../pagination/index.js';
export type * from './types.js';
