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
  DEFAULT_PAGE_SIZE,
  type IdentityStoreOptions,
  type PageRequest,
  type AlternateIdentifier,
} from './identity-store.js';
export type * from './types.js';
