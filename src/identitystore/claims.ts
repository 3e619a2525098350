import { createHash } from 'node:crypto';
import type { GroupAttributes, UserAttributes } from './types.js';

/** The attributes that must be unique in a store. */
export type ClaimKind = 'userName' | 'groupDisplayName' | 'externalId' | 'email';

export interface Claim {
  readonly kind: ClaimKind;
  /** Unique per store and kind (the database enforces it). */
  readonly claimKey: string;
  /** What lookups (GetUserId, GetGroupId, filters) search by. */
  readonly lookupKey: string;
}

/** The attribute a claim protects, as the ConflictException message names it. */
export const CLAIM_ATTRIBUTE: Readonly<Record<ClaimKind, string>> = {
  userName: 'UserName',
  groupDisplayName: 'DisplayName',
  externalId: 'ExternalId',
  email: 'emails.value',
};

const hash = (s: string): string => createHash('sha256').update(s).digest('hex');

const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * The comparison key of names and addresses: two values that look the same are the same.
 * Unicode NFKC (fullwidth, ligature and other compatibility forms fold to their plain letters),
 * invisible code points removed (Default_Ignorable_Code_Point: U+3164 HANGUL FILLER, zero-width
 * spaces and joiners, soft hyphen…), lower case. `jdoe`, `JDoe`, `ｊｄｏｅ` and `jdoe` + U+3164
 * are one user name. Documented in docs/identitystore.md; migration 0008 re-keyed older claims.
 */
export const foldCase = (s: string): string =>
  s.normalize('NFKC').replace(INVISIBLE, '').toLowerCase().normalize('NFKC');

export function userNameLookup(userName: string): string {
  return hash(`u:${foldCase(userName)}`);
}
export function groupNameLookup(displayName: string): string {
  return hash(`g:${foldCase(displayName)}`);
}
export function emailLookup(email: string): string {
  return hash(`e:${foldCase(email)}`);
}
/** External ids are opaque identifiers of an IdP: compared exactly. */
export function externalIdLookup(issuer: string, id: string): string {
  return hash(`x:${issuer.length}:${issuer}:${id}`);
}

const unique = (kind: ClaimKind, lookupKey: string): Claim => ({
  kind,
  claimKey: lookupKey,
  lookupKey,
});

export function userClaims(userId: string, a: UserAttributes, uniqueEmails: boolean): Claim[] {
  const claims: Claim[] = [unique('userName', userNameLookup(a.userName))];
  for (const x of a.externalIds ?? [])
    claims.push(unique('externalId', externalIdLookup(x.issuer, x.id)));
  const emails = new Set<string>();
  for (const e of a.emails ?? []) if (e.value !== undefined) emails.add(emailLookup(e.value));
  for (const key of emails) {
    // Without uniqueness the claim key carries the owner, so several users may share an address.
    claims.push(
      uniqueEmails
        ? unique('email', key)
        : { kind: 'email', claimKey: `${key}:${userId}`, lookupKey: key },
    );
  }
  return dedupe(claims);
}

export function groupClaims(a: GroupAttributes): Claim[] {
  const claims: Claim[] = [unique('groupDisplayName', groupNameLookup(a.displayName))];
  for (const x of a.externalIds ?? [])
    claims.push(unique('externalId', externalIdLookup(x.issuer, x.id)));
  return dedupe(claims);
}

/** The same external id listed twice on one resource is one claim, not a conflict with itself. */
function dedupe(claims: Claim[]): Claim[] {
  const seen = new Set<string>();
  return claims.filter((c) => {
    const k = `${c.kind}:${c.claimKey}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
