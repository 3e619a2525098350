/**
 * Opaque, HMAC-signed pagination tokens shared by every paginated API.
 *
 * ### Examples
 * ```ts
 * const tokens = new PageTokens(deriveKey(masterKey, 'voxgate/page-tokens/v1'));
 * ```
 */
export { PageTokens } from './page-tokens.js';
