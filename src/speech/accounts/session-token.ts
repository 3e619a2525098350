import { createHash, randomBytes } from 'node:crypto';

/** The prefix of every session token; what follows is 32 random bytes, base64url (256 bits). */
export const SESSION_TOKEN_PREFIX = 'vxs_';

/** A new session token secret: `vxs_` + 43 url-safe characters. */
export function newSessionToken(): string {
  return `${SESSION_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** What is stored and looked up: the SHA-256 of the token, hex. The token itself never is. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const MAX_SHOWN = 8;
const UNPRINTABLE = /[^\x21-\x7e]/g;

/**
 * The token as it may appear in an error message or a log: at most its first 8 characters and
 * never more than a quarter of it, then '…' (`vxs_AbCd…`). Enough to tell tokens apart, never
 * enough to use one: 4 random characters of a Voxgate token, and a quarter of anything else.
 */
export function redactSessionToken(token: string): string {
  const shown = Math.min(MAX_SHOWN, Math.floor(token.length / 4));
  return `${token.slice(0, shown).replace(UNPRINTABLE, '?')}…`;
}
