/**
 * The storage interface of speech accounts (what the domain in `speech/accounts/` needs) and the
 * rows it speaks in. `SpeechAccountsRepository` implements it over Kysely.
 */

export interface SpeechClientRow {
  readonly clientId: string;
  readonly name: string;
  readonly active: boolean;
  readonly apis: readonly string[];
  readonly balanceMs: number;
  /** Sum of the open reservations. */
  readonly reservedMs: number;
  readonly usedMs: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly version: number;
}

export interface SpeechEndUserRow {
  readonly clientId: string;
  readonly endUserId: string;
  readonly createdAt: number;
}

export interface SpeechTokenRow {
  readonly tokenId: string;
  readonly clientId: string;
  readonly endUserId: string | null;
  readonly description: string | null;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
}

export interface SpeechReservationRow {
  readonly reservationId: string;
  readonly clientId: string;
  readonly endUserId: string | null;
  readonly api: string;
  readonly reservedMs: number;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** The server instance whose request holds it; null: held by a job, outlives processes. */
  readonly holderInstance: string | null;
}

export interface SpeechClientChange {
  readonly name?: string;
  readonly active?: boolean;
  readonly apis?: readonly string[];
  /** Sets the balance. */
  readonly balanceMs?: number;
  /** Adds to the balance atomically (to `balanceMs` when both are given). */
  readonly addBalanceMs?: number;
}

export interface SpeechUsageRange {
  /** Inclusive UTC days, 'YYYY-MM-DD'. */
  readonly fromDay?: string;
  readonly toDay?: string;
  /** Only this end user ('' for requests that named none). */
  readonly endUserKey?: string;
}

export interface SpeechUsageTotal {
  readonly requests: number;
  readonly chargedMs: number;
}

/** What the speech accounts domain needs from storage. */
export interface SpeechAccountsStore {
  insertClient(row: Omit<SpeechClientRow, 'reservedMs' | 'usedMs' | 'version'>): Promise<void>;
  getClient(clientId: string): Promise<SpeechClientRow | undefined>;
  listClients(): Promise<SpeechClientRow[]>;
  updateClient(
    clientId: string,
    change: SpeechClientChange,
    at: number,
  ): Promise<SpeechClientRow | undefined>;
  insertEndUser(row: SpeechEndUserRow): Promise<boolean>;
  getEndUser(clientId: string, endUserId: string): Promise<SpeechEndUserRow | undefined>;
  listEndUsers(clientId: string): Promise<SpeechEndUserRow[]>;
  deleteEndUser(clientId: string, endUserId: string): Promise<boolean>;
  insertToken(row: SpeechTokenRow & { readonly tokenHash: string }): Promise<void>;
  findTokenByHash(
    tokenHash: string,
  ): Promise<{ token: SpeechTokenRow; client: SpeechClientRow | undefined } | undefined>;
  getToken(tokenId: string): Promise<SpeechTokenRow | undefined>;
  listTokens(clientId: string): Promise<SpeechTokenRow[]>;
  revokeToken(tokenId: string, at: number): Promise<boolean>;
  availableMs(clientId: string): Promise<number | undefined>;
  reserve(row: SpeechReservationRow): Promise<boolean>;
  settle(
    reservationId: string,
    actualMs: number,
    day: string,
  ): Promise<{ chargedMs: number } | undefined>;
  refund(reservationId: string): Promise<boolean>;
  releaseExpired(now: number, clientId?: string): Promise<number>;
  /** Releases holds whose holder instance is no longer registered (its process died). */
  releaseUnheld(): Promise<number>;
  /** Hands the hold from its request to a job (no holder); false when it is gone. */
  adopt(reservationId: string): Promise<boolean>;
  usageByEndUser(
    clientId: string,
    range: SpeechUsageRange,
  ): Promise<(SpeechUsageTotal & { endUserKey: string })[]>;
  usageByDay(
    clientId: string,
    range: SpeechUsageRange,
  ): Promise<(SpeechUsageTotal & { day: string; api: string })[]>;
}
