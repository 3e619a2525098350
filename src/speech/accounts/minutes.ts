import { catalog, voxError } from '../../errors/index.js';

export const MS_PER_MINUTE = 60_000;

/** The largest balance an operator can set: 100 million minutes (≈190 years of audio). */
export const MAX_MINUTES = 100_000_000;

/**
 * Operator minutes (fractional allowed: 0.5 is 30 s) → the integer milliseconds balances are
 * stored in, or `AdminBadRequest` naming `what`.
 */
export function minutesToMs(minutes: unknown, what: string): number {
  const value = typeof minutes === 'string' && minutes.trim() !== '' ? Number(minutes) : minutes;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_MINUTES) {
    throw voxError(catalog.AdminBadRequest, {
      detail: `${what} must be a number of minutes from 0 to ${MAX_MINUTES} (fractions allowed), got ${JSON.stringify(minutes)}`,
    });
  }
  return Math.round(value * MS_PER_MINUTE);
}

export const msToMinutes = (ms: number): number => ms / MS_PER_MINUTE;

/** The UTC day of an epoch-ms time, 'YYYY-MM-DD' (usage is counted per day). */
export const utcDay = (epochMs: number): string => new Date(epochMs).toISOString().slice(0, 10);
