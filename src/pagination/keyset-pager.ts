import type { PageTokens } from './page-tokens.js';

/** Page size when the request names none (ListDomains names its own). */
export const DEFAULT_PAGE_SIZE = 100;

/** What a paginated operation was asked: how many, and where the last page ended. */
export interface PageRequest {
  readonly maxResults: number | undefined;
  readonly nextToken: string | undefined;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Undefined on the last page. */
  readonly nextToken: string | undefined;
}

export interface PageQuery<R, T> {
  /** What the token is bound to: operation and every input that shapes the listing. */
  readonly scope: string;
  readonly defaultSize?: number;
  /** Rows after the position (keyset), in key order, at most `limit`. */
  readonly fetch: (after: string | undefined, limit: number) => Promise<readonly R[]>;
  /** The key the next page starts after. */
  readonly keyOf: (row: R) => string;
  readonly map: (row: R) => T;
}

/**
 * Keyset pagination with signed tokens, once for every paginated operation: opens the request's
 * NextToken (refusing a forged, altered or foreign one), fetches one row more than the page to
 * know whether another follows, and signs the next token from the last row's key.
 *
 * ### Examples
 * ```ts
 * const pager = new KeysetPager(tokens, () => invalid('The NextToken is invalid or belongs to another request'));
 * return pager.page(request, {
 *   scope: `ListWatchlists|${domainId}`,
 *   fetch: (after, limit) => repo.listWatchlists(domainId, after, limit),
 *   keyOf: (w) => w.watchlistId,
 *   map: watchlistView,
 * });
 * ```
 */
export class KeysetPager {
  readonly #tokens: PageTokens;
  readonly #invalidToken: () => Error;

  constructor(tokens: PageTokens, invalidToken: () => Error) {
    this.#tokens = tokens;
    this.#invalidToken = invalidToken;
  }

  async page<R, T>(request: PageRequest, query: PageQuery<R, T>): Promise<Page<T>> {
    let after: string | undefined;
    if (request.nextToken !== undefined) {
      after = this.#tokens.open(request.nextToken, query.scope);
      if (after === undefined) throw this.#invalidToken();
    }
    const size = request.maxResults ?? query.defaultSize ?? DEFAULT_PAGE_SIZE;
    const rows = await query.fetch(after, size + 1);
    const kept = rows.slice(0, size);
    const last = kept[kept.length - 1];
    return {
      items: kept.map(query.map),
      nextToken:
        rows.length > size && last !== undefined
          ? this.#tokens.issue(query.scope, query.keyOf(last))
          : undefined,
    };
  }
}
