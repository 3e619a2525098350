import { createHash, randomBytes } from 'node:crypto';
import { catalog, voxError } from '../../errors/index.js';
import type { SpeechApi } from './types.js';

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

// Scheme, then the token: one run of non-space characters. Case-insensitive scheme, as HTTP
// auth schemes are ('ELSA', 'Elsa' and 'Bearer' are all seen in the wild).
const AUTHORIZATION = /^\s*(?:elsa|bearer)(?:\s+(\S+))?\s*$/i;

/**
 * The session token of an `Authorization` header, or the catalogued error:
 * - absent or blank → `NoTokenProvided`;
 * - anything else that is not `ELSA <token>` / `Bearer <token>` (another scheme, a bare token,
 *   a scheme without a token, two words after the scheme) → `InvalidHeaderParameter` on the
 *   scripted API. The seed lists that error for scripted requests only; on the unscripted API the
 *   same headers are `NoTokenProvided`, which is literally true: no session token was provided
 *   in a form the API accepts.
 */
export function parseAuthorization(header: string | undefined, api: SpeechApi): string {
  if (header === undefined || header.trim() === '') throw voxError(catalog.NoTokenProvided);
  const token = AUTHORIZATION.exec(header)?.[1];
  if (token === undefined) {
    throw api === 'scripted'
      ? voxError(catalog.InvalidHeaderParameter)
      : voxError(catalog.NoTokenProvided);
  }
  return token;
}
