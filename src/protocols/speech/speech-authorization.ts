import { catalog, voxError } from '../../errors/index.js';
import type { SpeechApi } from '../../speech/accounts/index.js';

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
export function sessionTokenOf(header: string | undefined, api: SpeechApi): string {
  if (header === undefined || header.trim() === '') throw voxError(catalog.NoTokenProvided);
  const token = AUTHORIZATION.exec(header)?.[1];
  if (token === undefined) {
    throw api === 'scripted'
      ? voxError(catalog.InvalidHeaderParameter)
      : voxError(catalog.NoTokenProvided);
  }
  return token;
}
