import { catalog, voxError } from '../../errors/index.js';
import type { SpeechAccountsStore } from '../../storage/index.js';
import { newReservationId } from './account-ids.js';
import { utcDay } from './minutes.js';
import { hashSessionToken, redactSessionToken } from './session-token.js';
import { SpeechAccountsAdmin } from './speech-accounts-admin.js';
import type { MinuteReservation, ReserveOptions, SpeechApi, SpeechCaller } from './types.js';

/**
 * How long an unsettled reservation holds minutes: far longer than any request or stream runs,
 * so only a crashed holder's reservations ever reach it.
 */
export const DEFAULT_RESERVATION_TTL_MS = 30 * 60_000;

/** Reads and guarded writes tried before a partial reservation gives up on a hot balance. */
const PARTIAL_RESERVE_ATTEMPTS = 5;

export interface SpeechAccountsOptions {
  readonly reservationTtlMs?: number;
  /**
   * The registered server instance this process runs as: its requests' holds name it, so they
   * are released as soon as the process is known dead. Without one (admin commands, tests of
   * the maths), holds are kept until settled or expired.
   */
  readonly holderInstance?: string;
  /** The clock (epoch ms); tests move it to expire tokens and reservations. */
  readonly now?: () => number;
}

/**
 * Who may call the speech API and how many minutes they have: session tokens → clients → end
 * users, and minute reservations around engine work. Plain domain code over a store: no HTTP.
 *
 * ### Examples
 * ```ts
 * const caller = await accounts.authenticate({ token, api: 'scripted' });
 * const held = await accounts.reserve(caller, 'scripted', audioMs);
 * try {
 *   const result = await engine.score(audio, sentence);
 *   await accounts.settle(held, audioMs);
 *   return result;
 * } catch (e) {
 *   await accounts.refund(held);
 *   throw e;
 * }
 * ```
 */
export class SpeechAccounts {
  readonly #store: SpeechAccountsStore;
  readonly #ttlMs: number;
  readonly #holder: string | null;
  readonly #now: () => number;
  /** Operator operations: clients, end users, tokens, usage (admin API and CLI). */
  readonly admin: SpeechAccountsAdmin;

  constructor(store: SpeechAccountsStore, options: SpeechAccountsOptions = {}) {
    this.#store = store;
    this.#ttlMs = options.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS;
    this.#holder = options.holderInstance ?? null;
    this.#now = options.now ?? Date.now;
    this.admin = new SpeechAccountsAdmin(store, this.#now);
  }

  /**
   * Checks, in this order, and throws the first catalogued error that applies:
   * (The Authorization header itself is the protocol's: it hands in the token it carries.)
   * 1. the token: unknown, expired or revoked → `InvalidSessionToken` with the token redacted;
   * 2. the client row: missing → `UserDoesNotExist` (`user_type` 'client');
   * 3. inactive → `ClientIsNotActive`; 4. the API not granted → `ClientDoesNotHaveAccess`;
   * 5. the end user — named on the request (`endUser`, '' counts as not named) or bound to the
   *    token — must exist under this client, and a token bound to one end user cannot name
   *    another: otherwise `UserDoesNotExist` (`user_type` 'user').
   * Client checks come before end-user checks, so an inactive client learns nothing about its
   * end users.
   */
  async authenticate(input: {
    token: string;
    api: SpeechApi;
    endUser?: string | undefined;
  }): Promise<SpeechCaller> {
    const token = input.token;
    const found = await this.#store.findTokenByHash(hashSessionToken(token));
    if (
      !found ||
      found.token.revokedAt !== null ||
      (found.token.expiresAt !== null && found.token.expiresAt <= this.#now())
    ) {
      throw voxError(catalog.InvalidSessionToken, { token: redactSessionToken(token) });
    }
    const { client } = found;
    if (!client) throw voxError(catalog.UserDoesNotExist, { user_type: 'client' });
    if (!client.active) throw voxError(catalog.ClientIsNotActive, { user_id: client.clientId });
    if (!client.apis.includes(input.api))
      throw voxError(catalog.ClientDoesNotHaveAccess, { user_id: client.clientId });

    const named = input.endUser === undefined || input.endUser === '' ? null : input.endUser;
    const bound = found.token.endUserId;
    if (named !== null && bound !== null && named !== bound)
      throw voxError(catalog.UserDoesNotExist, { user_type: 'user' });
    const endUserId = named ?? bound;
    if (endUserId !== null && !(await this.#store.getEndUser(client.clientId, endUserId)))
      throw voxError(catalog.UserDoesNotExist, { user_type: 'user' });
    return {
      clientId: client.clientId,
      clientName: client.name,
      endUserId,
      tokenId: found.token.tokenId,
    };
  }

  /**
   * Holds `requestedMs` (rounded up to whole ms; must be > 0) of the caller's balance.
   *
   * The rule: a hold succeeds when `balance − (sum of open holds) ≥ requestedMs` — or, with
   * `minimumMs`, holds `min(requestedMs, available)` when that is at least `minimumMs`.
   * Otherwise `ClientHasNoMoreMinutes`. Every hold is at least 1 ms, so a zero balance always
   * fails. The check and the hold are one guarded UPDATE (atomic on SQLite and PostgreSQL).
   *
   * Holds whose holder crashed expire after their TTL; when a hold is refused, the client's
   * expired holds are released and the hold is tried once more.
   */
  async reserve(
    caller: SpeechCaller,
    api: SpeechApi,
    requestedMs: number,
    options: ReserveOptions = {},
  ): Promise<MinuteReservation> {
    const wanted = wholeMs(requestedMs, 'requestedMs');
    const minimum =
      options.minimumMs === undefined
        ? wanted
        : Math.min(wanted, wholeMs(options.minimumMs, 'minimumMs'));
    const ttlMs = options.ttlMs === undefined ? this.#ttlMs : wholeMs(options.ttlMs, 'ttlMs');
    let swept = false;
    for (let attempt = 0; attempt < PARTIAL_RESERVE_ATTEMPTS; attempt++) {
      // A partial hold reads what is available and holds that; on the last attempt it holds just
      // the minimum, which no concurrent change can make it lose unless the minutes are gone.
      const partial = minimum < wanted && attempt < PARTIAL_RESERVE_ATTEMPTS - 1;
      const grant = partial ? Math.min(wanted, await this.#available(caller)) : minimum;
      if (grant >= minimum) {
        const now = this.#now();
        const reservation: MinuteReservation = {
          id: newReservationId(),
          clientId: caller.clientId,
          endUserId: caller.endUserId,
          api,
          reservedMs: grant,
          expiresAt: now + ttlMs,
        };
        const held = await this.#store.reserve({
          reservationId: reservation.id,
          clientId: reservation.clientId,
          endUserId: reservation.endUserId,
          api,
          reservedMs: grant,
          createdAt: now,
          expiresAt: reservation.expiresAt,
          holderInstance: this.#holder,
        });
        if (held) return reservation;
      }
      if (!swept) {
        swept = true;
        if ((await this.#store.releaseExpired(this.#now(), caller.clientId)) > 0) continue;
      }
      // A partial hold that lost a race (the balance moved between read and write) reads again;
      // anything else is final.
      if (minimum === wanted || grant < minimum) break;
    }
    if (!(await this.#store.getClient(caller.clientId)))
      throw voxError(catalog.UserDoesNotExist, { user_type: 'client' });
    throw voxError(catalog.ClientHasNoMoreMinutes);
  }

  /**
   * Charges `min(actualMs, reservedMs)` (rounded up to whole ms), releases the rest of the hold
   * and counts the request in the usage of the client, its end user, the API and the UTC day.
   * Idempotent: only the first settle (or refund, or expiry) of a reservation does anything.
   * A reservation that expired before it was settled is not charged.
   */
  async settle(reservation: MinuteReservation, actualMs: number): Promise<void> {
    if (!Number.isFinite(actualMs)) throw new RangeError(`actualMs must be finite: ${actualMs}`);
    const charged = Math.ceil(Math.max(0, actualMs));
    await this.#store.settle(reservation.id, charged, utcDay(this.#now()));
  }

  /** Releases the hold without charge. Idempotent; after a settle it does nothing. */
  async refund(reservation: MinuteReservation): Promise<void> {
    await this.#store.refund(reservation.id);
  }

  /**
   * Releases every expired reservation (of crashed holders); `reserve` does this per client
   * when a hold is refused, a periodic job may do it for all. Returns how many were released.
   */
  async releaseExpiredReservations(): Promise<number> {
    return this.#store.releaseExpired(this.#now());
  }

  /**
   * Releases the holds of requests whose server process is gone (no longer a registered
   * instance): the server-instance registry calls it once it has removed dead instances.
   */
  async releaseUnheldReservations(): Promise<number> {
    return this.#store.releaseUnheld();
  }

  /**
   * The hold no longer belongs to this process but to durable work (an async job, committed
   * with its reservation id): it survives this process and is settled by whoever runs the work.
   */
  async adopt(reservation: MinuteReservation): Promise<void> {
    await this.#store.adopt(reservation.id);
  }

  async #available(caller: SpeechCaller): Promise<number> {
    const available = await this.#store.availableMs(caller.clientId);
    if (available === undefined) throw voxError(catalog.UserDoesNotExist, { user_type: 'client' });
    return available;
  }
}

function wholeMs(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a positive number of ms: ${value}`);
  return Math.ceil(value);
}
