import { catalog, voxError } from '../../errors/index.js';
import { plainTextProblem } from '../../text/plain-text.js';
import type {
  SpeechAccountsStore,
  SpeechClientChange,
  SpeechClientRow,
  SpeechEndUserRow,
  SpeechTokenRow,
} from '../../storage/index.js';
import { newClientId, newTokenId } from './account-ids.js';
import { minutesToMs, msToMinutes } from './minutes.js';
import { SESSION_TOKEN_PREFIX, hashSessionToken, newSessionToken } from './session-token.js';
import {
  SPEECH_APIS,
  type CreatedSessionToken,
  type SessionTokenInfo,
  type SpeechApi,
  type SpeechClient,
  type SpeechEndUser,
  type SpeechUsage,
  type SpeechUsageFigures,
} from './types.js';

/** End user ids are the client's own (its app's user ids): 1–128 of these characters. */
const END_USER_ID = /^[A-Za-z0-9_.@:+-]{1,128}$/;
const MAX_NAME_LENGTH = 200;
const MAX_DESCRIPTION_LENGTH = 256;
/** Ten years: longer-lived tokens should simply have no expiry. */
const MAX_EXPIRES_IN_SECONDS = 10 * 365 * 24 * 3600;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface CreateClientInput {
  readonly name: string;
  /** Starting balance in minutes (fractional allowed). */
  readonly minutes: number | string;
  readonly apis: readonly string[];
  readonly active?: boolean;
}

export interface UpdateClientInput {
  readonly name?: string;
  readonly active?: boolean;
  readonly apis?: readonly string[];
  /** Sets the remaining balance. */
  readonly minutes?: number | string;
  /** Adds to the remaining balance, atomically (a top-up while requests run loses nothing). */
  readonly addMinutes?: number | string;
}

export interface CreateTokenInput {
  /** Lifetime in seconds; none: the token lives until revoked. */
  readonly expiresInSeconds?: number;
  /** Binds the token to one end user of the client (requests may then name no other). */
  readonly endUserId?: string;
  readonly description?: string;
}

/**
 * The operator's side of speech accounts: clients, their end users, session tokens and usage.
 * Errors are the admin catalog's (`AdminNotFound`, `AdminBadRequest`); the admin API and the
 * CLI print the plain objects returned here as they are.
 *
 * ### Examples
 * ```ts
 * const client = await accounts.admin.createClient({ name: 'Acme', minutes: 600, apis: ['scripted'] });
 * const { token } = await accounts.admin.createToken(client.clientId, { expiresInSeconds: 3600 });
 * ```
 */
export class SpeechAccountsAdmin {
  readonly #store: SpeechAccountsStore;
  readonly #now: () => number;

  constructor(store: SpeechAccountsStore, now: () => number) {
    this.#store = store;
    this.#now = now;
  }

  // ---- clients

  async createClient(input: CreateClientInput): Promise<SpeechClient> {
    const now = this.#now();
    const clientId = newClientId();
    await this.#store.insertClient({
      clientId,
      name: checkName(input.name),
      active: input.active ?? true,
      apis: checkApis(input.apis),
      balanceMs: minutesToMs(input.minutes, 'minutes'),
      createdAt: now,
      updatedAt: now,
    });
    return this.getClient(clientId);
  }

  async listClients(): Promise<SpeechClient[]> {
    return (await this.#store.listClients()).map(clientView);
  }

  async getClient(clientId: string): Promise<SpeechClient> {
    return clientView(await this.#client(clientId));
  }

  async updateClient(clientId: string, input: UpdateClientInput): Promise<SpeechClient> {
    const change: SpeechClientChange = {
      ...(input.name !== undefined && { name: checkName(input.name) }),
      ...(input.active !== undefined && { active: input.active }),
      ...(input.apis !== undefined && { apis: checkApis(input.apis) }),
      ...(input.minutes !== undefined && { balanceMs: minutesToMs(input.minutes, 'minutes') }),
      ...(input.addMinutes !== undefined && {
        addBalanceMs: minutesToMs(input.addMinutes, 'addMinutes'),
      }),
    };
    const row = await this.#store.updateClient(clientId, change, this.#now());
    if (!row) throw notFound('Speech client', clientId);
    return clientView(row);
  }

  // ---- end users

  /** Adds an end user; adding one that exists changes nothing (`created` false). */
  async addEndUser(
    clientId: string,
    endUserId: string,
  ): Promise<{ endUser: SpeechEndUser; created: boolean }> {
    await this.#client(clientId);
    checkEndUserId(endUserId);
    const created = await this.#store.insertEndUser({
      clientId,
      endUserId,
      createdAt: this.#now(),
    });
    return { endUser: await this.getEndUser(clientId, endUserId), created };
  }

  async getEndUser(clientId: string, endUserId: string): Promise<SpeechEndUser> {
    const row = await this.#store.getEndUser(clientId, endUserId);
    if (!row) throw notFound('End user', `${endUserId} of client ${clientId}`);
    return endUserView(row);
  }

  async listEndUsers(clientId: string): Promise<SpeechEndUser[]> {
    await this.#client(clientId);
    return (await this.#store.listEndUsers(clientId)).map(endUserView);
  }

  /**
   * Removes an end user: requests naming it, and tokens bound to it, then fail with
   * `UserDoesNotExist`. Its usage stays on record.
   */
  async removeEndUser(clientId: string, endUserId: string): Promise<void> {
    if (!(await this.#store.deleteEndUser(clientId, endUserId)))
      throw notFound('End user', `${endUserId} of client ${clientId}`);
  }

  // ---- session tokens

  /** Issues a token; its secret is in the answer and nowhere else, ever. */
  async createToken(clientId: string, input: CreateTokenInput = {}): Promise<CreatedSessionToken> {
    await this.#client(clientId);
    const { expiresInSeconds, endUserId, description } = input;
    if (
      expiresInSeconds !== undefined &&
      (!Number.isInteger(expiresInSeconds) ||
        expiresInSeconds < 1 ||
        expiresInSeconds > MAX_EXPIRES_IN_SECONDS)
    ) {
      throw badRequest(
        `expiresInSeconds must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN_SECONDS}`,
      );
    }
    if (endUserId !== undefined) await this.getEndUser(clientId, endUserId);
    if (description !== undefined && description.length > MAX_DESCRIPTION_LENGTH)
      throw badRequest(`description must be at most ${MAX_DESCRIPTION_LENGTH} characters`);
    const problem =
      description === undefined ? undefined : plainTextProblem(description, { multiline: true });
    if (problem !== undefined) throw badRequest(`description: ${problem}`);
    const now = this.#now();
    const token = newSessionToken();
    const row: SpeechTokenRow = {
      tokenId: newTokenId(),
      clientId,
      endUserId: endUserId ?? null,
      description: description ?? null,
      createdAt: now,
      expiresAt: expiresInSeconds === undefined ? null : now + expiresInSeconds * 1000,
      revokedAt: null,
    };
    await this.#store.insertToken({ ...row, tokenHash: hashSessionToken(token) });
    return { token, ...this.#tokenView(row) };
  }

  async listTokens(clientId: string): Promise<SessionTokenInfo[]> {
    await this.#client(clientId);
    return (await this.#store.listTokens(clientId)).map((t) => this.#tokenView(t));
  }

  /**
   * Revokes a token named by its id (`vxt_…`) or by the token itself (`vxs_…`); requests with it
   * fail with `InvalidSessionToken` from then on. Revoking a revoked token changes nothing.
   */
  async revokeToken(tokenOrId: string): Promise<SessionTokenInfo> {
    const row = tokenOrId.startsWith(SESSION_TOKEN_PREFIX)
      ? (await this.#store.findTokenByHash(hashSessionToken(tokenOrId)))?.token
      : await this.#store.getToken(tokenOrId);
    // Never echo a secret back, even an unknown one.
    if (!row)
      throw notFound(
        'Session token',
        tokenOrId.startsWith(SESSION_TOKEN_PREFIX) ? '(the token given)' : tokenOrId,
      );
    await this.#store.revokeToken(row.tokenId, this.#now());
    const after = await this.#store.getToken(row.tokenId);
    return this.#tokenView(after ?? row);
  }

  // ---- usage

  /** Charged usage of a client over inclusive UTC days, by end user and by day and API. */
  async usage(
    clientId: string,
    range: { from?: string; to?: string; endUserId?: string | null } = {},
  ): Promise<SpeechUsage> {
    await this.#client(clientId);
    for (const [name, day] of [
      ['from', range.from],
      ['to', range.to],
    ] as const) {
      if (day !== undefined && (!DAY.test(day) || Number.isNaN(Date.parse(day))))
        throw badRequest(`${name} must be a UTC day, YYYY-MM-DD; got ${JSON.stringify(day)}`);
    }
    const query = {
      ...(range.from !== undefined && { fromDay: range.from }),
      ...(range.to !== undefined && { toDay: range.to }),
      ...(range.endUserId !== undefined && { endUserKey: range.endUserId ?? '' }),
    };
    const [byEndUser, byDay] = await Promise.all([
      this.#store.usageByEndUser(clientId, query),
      this.#store.usageByDay(clientId, query),
    ]);
    const total = byDay.reduce(
      (sum, d) => ({ requests: sum.requests + d.requests, chargedMs: sum.chargedMs + d.chargedMs }),
      { requests: 0, chargedMs: 0 },
    );
    return {
      clientId,
      from: range.from ?? null,
      to: range.to ?? null,
      ...(range.endUserId !== undefined && { endUserId: range.endUserId }),
      total: figures(total),
      byEndUser: byEndUser.map((u) => ({
        endUserId: u.endUserKey === '' ? null : u.endUserKey,
        ...figures(u),
      })),
      byDay: byDay.map((d) => ({ day: d.day, api: d.api, ...figures(d) })),
    };
  }

  async #client(clientId: string): Promise<SpeechClientRow> {
    const row = await this.#store.getClient(clientId);
    if (!row) throw notFound('Speech client', clientId);
    return row;
  }

  #tokenView(t: SpeechTokenRow): SessionTokenInfo {
    const status =
      t.revokedAt !== null
        ? 'revoked'
        : t.expiresAt !== null && t.expiresAt <= this.#now()
          ? 'expired'
          : 'active';
    return {
      tokenId: t.tokenId,
      clientId: t.clientId,
      endUserId: t.endUserId,
      description: t.description,
      status,
      createdAt: iso(t.createdAt),
      expiresAt: t.expiresAt === null ? null : iso(t.expiresAt),
      revokedAt: t.revokedAt === null ? null : iso(t.revokedAt),
    };
  }
}

const iso = (epochMs: number): string => new Date(epochMs).toISOString();

function clientView(r: SpeechClientRow): SpeechClient {
  return {
    clientId: r.clientId,
    name: r.name,
    active: r.active,
    apis: r.apis.filter((a): a is SpeechApi => (SPEECH_APIS as readonly string[]).includes(a)),
    minutes: msToMinutes(r.balanceMs),
    balanceMs: r.balanceMs,
    reservedMs: r.reservedMs,
    availableMs: Math.max(0, r.balanceMs - r.reservedMs),
    usedMs: r.usedMs,
    usedMinutes: msToMinutes(r.usedMs),
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}

function endUserView(r: SpeechEndUserRow): SpeechEndUser {
  return { clientId: r.clientId, endUserId: r.endUserId, createdAt: iso(r.createdAt) };
}

function figures(t: { requests: number; chargedMs: number }): SpeechUsageFigures {
  return { requests: t.requests, chargedMs: t.chargedMs, minutes: msToMinutes(t.chargedMs) };
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > MAX_NAME_LENGTH)
    throw badRequest(`name must be 1 to ${MAX_NAME_LENGTH} characters`);
  const problem = plainTextProblem(trimmed);
  if (problem !== undefined) throw badRequest(`name: ${problem}`);
  return trimmed;
}

/** The APIs, each known, deduplicated, in a fixed order; none is allowed (no access at all). */
function checkApis(apis: readonly string[]): SpeechApi[] {
  for (const api of apis) {
    if (!(SPEECH_APIS as readonly string[]).includes(api))
      throw badRequest(`unknown API ${JSON.stringify(api)}: use ${SPEECH_APIS.join(', ')}`);
  }
  return SPEECH_APIS.filter((a) => apis.includes(a));
}

function checkEndUserId(endUserId: string): void {
  if (!END_USER_ID.test(endUserId))
    throw badRequest('endUserId must be 1 to 128 characters of A-Z a-z 0-9 _ . @ : + -');
}

const badRequest = (detail: string) => voxError(catalog.AdminBadRequest, { detail });
const notFound = (resource: string, id: string) =>
  voxError(catalog.AdminNotFound, { resource, id });
