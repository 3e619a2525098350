/** Assertions on what the official SDK clients return, shared by the API suites. */
import assert from 'node:assert/strict';

/** A timestamp the SDK built from epoch seconds: a Date close to now (not ms read as s). */
export function assertRecentDate(value: Date | undefined, what: string): Date {
  assert.ok(value instanceof Date, `${what} is a Date`);
  assert.ok(!Number.isNaN(value.getTime()), `${what} is a valid Date`);
  assert.ok(
    Math.abs(value.getTime() - Date.now()) < 10 * 60_000,
    `${what} (${value.toISOString()}) is within 10 minutes of now`,
  );
  return value;
}

/** Every page of an SDK paginator. */
export async function allPages<T>(paginator: AsyncIterable<T>): Promise<T[]> {
  const pages: T[] = [];
  for await (const page of paginator) {
    pages.push(page);
    assert.ok(pages.length <= 1000, 'the paginator stops');
  }
  return pages;
}

/**
 * `token` with one meaningful character changed: the first character (whatever the encoding,
 * its bits all count), so the token no longer verifies.
 */
