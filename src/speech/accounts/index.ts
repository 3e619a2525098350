/**
 * Speech API accounts: clients (API customers) with an active flag, the APIs they may use and a
 * balance of minutes; their end users; session tokens; minute reservations around engine work;
 * usage per client and end user. Domain code only: the speech door passes the Authorization
 * header in and renders the catalogued errors thrown here.
 *
 * ### Examples
 * ```ts
 * import { SpeechAccounts } from '../speech/accounts/index.js';
 *
 * const caller = await runtime.speechAccounts.authenticate({
 *   authorization: request.headers.authorization,
 *   api: 'scripted',
 *   endUser: fields.user_id,
 * });
 * const held = await runtime.speechAccounts.reserve(caller, 'scripted', durationMs);
 * // … run the engines on at most held.reservedMs of audio, then:
 * await runtime.speechAccounts.settle(held, durationMs); // or refund(held) on failure
 * ```
 */
export {
  SpeechAccounts,
  DEFAULT_RESERVATION_TTL_MS,
  type SpeechAccountsOptions,
} from './speech-accounts.js';
export {
  SpeechAccountsAdmin,
  type CreateClientInput,
  type UpdateClientInput,
  type CreateTokenInput,
} from './speech-accounts-admin.js';
export {
  SPEECH_APIS,
  type SpeechApi,
  type SpeechCaller,
  type MinuteReservation,
  type ReserveOptions,
  type SpeechClient,
  type SpeechEndUser,
  type SessionTokenInfo,
  type SessionTokenStatus,
  type CreatedSessionToken,
  type SpeechUsage,
  type SpeechUsageFigures,
} from './types.js';
export { SESSION_TOKEN_PREFIX, redactSessionToken, hashSessionToken } from './session-token.js';
export { MS_PER_MINUTE, MAX_MINUTES, minutesToMs, msToMinutes } from './minutes.js';
