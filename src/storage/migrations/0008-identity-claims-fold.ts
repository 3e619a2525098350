import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';

// User names, group display names and emails are compared under a stricter fold from here on:
// NFKC and invisible code points removed, so that `mallory` and `mallory` + U+3164 (HANGUL
// FILLER, a letter to the models' patterns) are one name. This re-keys the claims stored under
// the previous fold (NFC, lower case). Only values with a non-ASCII character can fold
// differently, so only those resources are rewritten. Where two existing resources now fold to
// one key, the later keeps its old key (nothing is refused or lost); its next update that keeps
// the name answers the uniqueness conflict, and renaming it resolves that.
//
// The folds are frozen here on purpose: a migration must do the same thing forever.
const hash = (s: string): string => createHash('sha256').update(s).digest('hex');
const oldFold = (s: string): string => s.normalize('NFC').toLowerCase();
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;
const newFold = (s: string): string =>
  s.normalize('NFKC').replace(INVISIBLE, '').toLowerCase().normalize('NFKC');
// eslint-disable-next-line no-control-regex -- the test is "any character outside ASCII"
const NON_ASCII = /[^\u0000-\u007f]/;

const PREFIX = { userName: 'u', groupDisplayName: 'g', email: 'e' } as const;
type FoldedKind = keyof typeof PREFIX;

function foldedValues(kind: string, attributes: Record<string, unknown>): string[] {
  if (kind === 'USER') {
    const emails = Array.isArray(attributes.emails) ? (attributes.emails as unknown[]) : [];
    return [
      attributes.userName,
      ...emails.map((e) => (e as { value?: unknown } | null)?.value),
    ].filter((v): v is string => typeof v === 'string');
  }
  return typeof attributes.displayName === 'string' ? [attributes.displayName] : [];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current Database type
export async function up(db: Kysely<any>): Promise<void> {
  let after = '';
  for (;;) {
    const resources = (await db
      .selectFrom('identity_resources')
      .select(['resource_id', 'store_id', 'kind', 'attributes'])
      .where('resource_id', '>', after)
      .orderBy('resource_id')
      .limit(1000)
      .execute()) as {
      resource_id: string;
      store_id: string;
      kind: string;
      attributes: string;
    }[];
    if (resources.length === 0) return;
    after = resources[resources.length - 1]!.resource_id;
    for (const r of resources) {
      if (!NON_ASCII.test(r.attributes)) continue;
      const values = foldedValues(r.kind, JSON.parse(r.attributes) as Record<string, unknown>);
      const claims = (await db
        .selectFrom('identity_claims')
        .select(['kind', 'claim_key', 'lookup_key'])
        .where('resource_id', '=', r.resource_id)
        .where('kind', 'in', Object.keys(PREFIX))
        .execute()) as { kind: FoldedKind; claim_key: string; lookup_key: string }[];
      for (const claim of claims) {
        const prefix = PREFIX[claim.kind];
        const value = values.find((v) => hash(`${prefix}:${oldFold(v)}`) === claim.lookup_key);
        if (value === undefined) continue;
        const lookupKey = hash(`${prefix}:${newFold(value)}`);
        if (lookupKey === claim.lookup_key) continue;
        // A shared-email claim carries its owner after the key (`<key>:<resource id>`).
        const claimKey =
          claim.claim_key === claim.lookup_key ? lookupKey : `${lookupKey}:${r.resource_id}`;
        const taken = await db
          .selectFrom('identity_claims')
          .select('resource_id')
          .where('store_id', '=', r.store_id)
          .where('kind', '=', claim.kind)
          .where('claim_key', '=', claimKey)
          .executeTakeFirst();
        if (taken) continue;
        await db
          .updateTable('identity_claims')
          .set({ claim_key: claimKey, lookup_key: lookupKey })
          .where('store_id', '=', r.store_id)
          .where('kind', '=', claim.kind)
          .where('claim_key', '=', claim.claim_key)
          .execute();
      }
    }
  }
}

// The old keys cannot be told apart from the new ones without the values: nothing to undo.
export async function down(): Promise<void> {}
