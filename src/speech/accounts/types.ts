/** The two halves of the speech API a client may be given access to. */
export type SpeechApi = 'scripted' | 'unscripted';

export const SPEECH_APIS: readonly SpeechApi[] = ['scripted', 'unscripted'];

/** Who is calling, once `authenticate` has checked the token, the client and the end user. */
export interface SpeechCaller {
  readonly clientId: string;
  readonly clientName: string;
  /** The end user the request is for (named on the request or bound to the token), if any. */
  readonly endUserId: string | null;
  readonly tokenId: string;
}

/** Audio time held from the client's balance while engines run; settle or refund it. */
export interface MinuteReservation {
  readonly id: string;
  readonly clientId: string;
  readonly endUserId: string | null;
  readonly api: SpeechApi;
  /** What the caller may process: audio beyond it must be cut off, it is never charged. */
  readonly reservedMs: number;
  /** Epoch ms after which an unsettled reservation is released without charge. */
  readonly expiresAt: number;
}

export interface ReserveOptions {
  /**
   * Accept a smaller hold than requested, down to this many ms (for streams whose length is
   * unknown: reserve the maximum, accept what the balance allows, stop the audio at
   * `reservedMs`). Default: the full request or nothing.
   */
  readonly minimumMs?: number;
  /** How long the hold lives if never settled (default: the accounts' `reservationTtlMs`). */
  readonly ttlMs?: number;
}

/** A client as operators see it (admin API and CLI print exactly this). */
export interface SpeechClient {
  readonly clientId: string;
  readonly name: string;
  readonly active: boolean;
  readonly apis: readonly SpeechApi[];
  /** Remaining balance, in minutes (fractional) and in ms. */
  readonly minutes: number;
  readonly balanceMs: number;
  /** Held by open reservations (part of the balance, not yet charged). */
  readonly reservedMs: number;
  /** What a new reservation can take: balance − reserved. */
  readonly availableMs: number;
  /** Charged so far, all time. */
  readonly usedMs: number;
  readonly usedMinutes: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface SpeechEndUser {
  readonly clientId: string;
  readonly endUserId: string;
  readonly createdAt: string;
}

export type SessionTokenStatus = 'active' | 'expired' | 'revoked';

/** A session token without its secret (which is shown once, at creation). */
export interface SessionTokenInfo {
  readonly tokenId: string;
  readonly clientId: string;
  readonly endUserId: string | null;
  readonly description: string | null;
  readonly status: SessionTokenStatus;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
}

export interface CreatedSessionToken extends SessionTokenInfo {
  /** The secret: returned once, stored only as its SHA-256 hash. */
  readonly token: string;
}

export interface SpeechUsageFigures {
  readonly requests: number;
  readonly chargedMs: number;
  readonly minutes: number;
}

/** Charged usage of one client over a range of UTC days (inclusive). */
export interface SpeechUsage {
  readonly clientId: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly endUserId?: string | null;
  readonly total: SpeechUsageFigures;
  /** `endUserId` null: requests that named no end user. */
  readonly byEndUser: readonly (SpeechUsageFigures & { readonly endUserId: string | null })[];
  readonly byDay: readonly (SpeechUsageFigures & { readonly day: string; readonly api: string })[];
}
