/**
 * Pagination shared by every paginated API: signed NextTokens and the keyset pager over them.
 *
 * ### Examples
 * ```ts
 * const pager = new KeysetPager(new PageTokens(key), () => invalid('…'));
 * const page = await pager.page({ maxResults, nextToken }, { scope, fetch, keyOf, map });
 * ```
 */
export { PageTokens } from './page-tokens.js';
export {
  KeysetPager,
  DEFAULT_PAGE_SIZE,
  type Page,
  type PageQuery,
  type PageRequest,
} from './keyset-pager.js';
