/**
 * The catalog against the seeds, in both directions, and docs/errors.md against the catalog.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { allErrors, catalog, CONFLICT_TYPES } from '../../src/errors/index.js';
import type { ApiId, ErrorDefinition } from '../../src/errors/index.js';
import { repoRoot, sharedDir } from '../support/shared-dir.js';

interface SeedRow {
  readonly api: ApiId;
  readonly category: string;
  readonly name: string;
  readonly message: string;
  readonly params: string;
  readonly description: string;
}

/** Parses seeds/speech-api-error-listing.txt: request-type headings, category headings, 4-line rows. */
function parseSpeechSeed(text: string): SeedRow[] {
  const lines = text.split('\n').map((l) => l.trim());
  const rows: SeedRow[] = [];
  let api: ApiId | undefined;
  let category = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === 'Unscripted Requests') api = 'speech-unscripted';
    else if (line === 'Scripted Requests') api = 'speech-scripted';
    else if (/^[A-Za-z]+ Exceptions$/.test(line)) category = line;
    else if (line === 'Exception' && lines[i + 3] === 'Description') {
      i += 3;
      while (
        api &&
        /^[A-Z][A-Za-z]+$/.test(lines[i + 1] ?? '') &&
        lines[i + 1] !== 'Exception' &&
        !/ /.test(lines[i + 1] ?? '') &&
        lines[i + 2] !== undefined
      ) {
        const [name, message, params, description] = lines.slice(i + 1, i + 5) as [
          string,
          string,
          string,
          string,
        ];
        if (name === 'Scripted' || name.endsWith('Exceptions')) break;
        rows.push({ api, category, name, message, params, description });
        i += 4;
      }
    }
  }
  return rows;
}

const seed = (name: string): string =>
  readFileSync(path.join(sharedDir ?? '', 'seeds', name), 'utf8');
const listing = (): string => readFileSync(path.join(repoRoot, 'docs', 'errors.md'), 'utf8');

test(
  'every speech seed row is in the catalog and the listing verbatim',
  { skip: !sharedDir && 'no ../shared' },
  () => {
    const rows = parseSpeechSeed(seed('speech-api-error-listing.txt'));
    assert.equal(rows.length, 26, 'the seed has 26 rows over the two request types');
    assert.equal(new Set(rows.map((r) => r.name)).size, 18, 'the seed has 18 distinct errors');
    const doc = listing();
    for (const row of rows) {
      const def = allErrors.find(
        (d) =>
          d.name === row.name &&
          d.apis.some((u) => u.api === row.api && u.category === row.category),
      );
      assert.ok(def, `${row.api}/${row.category}/${row.name} missing from the catalog`);
      assert.equal(def.message, row.message, `${row.name} message`);
      const params =
        Object.entries(def.params)
          .map(([n, p]) => `${n} (${p.type}): ${p.description}`)
          .join('<br>') || 'None';
      assert.equal(params, row.params, `${row.name} parameters`);
      assert.equal(def.description, row.description, `${row.name} description`);
      assert.ok(
        doc.includes(`| ${row.name} | ${row.message} | ${row.params} | ${row.description} |`),
        `${row.name} row in docs/errors.md`,
      );
    }
    // The other direction: the catalog's speech rows are exactly the seed's rows.
    const catalogRows = allErrors.flatMap((d) =>
      d.apis.filter((u) => u.api.startsWith('speech-')).map((u) => `${u.api}/${d.name}`),
    );
    assert.deepEqual(catalogRows.sort(), rows.map((r) => `${r.api}/${r.name}`).sort());
  },
);

test(
  'Voice ID ConflictException has the ten ConflictType values of the seed',
  { skip: !sharedDir && 'no ../shared' },
  () => {
    const text = seed('voiceid-conflict-exception.txt');
    const syntax = /'ConflictType': ([^\n]+),/.exec(text);
    assert.ok(syntax);
    const values = [...syntax[1]!.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]);
    assert.equal(values.length, 10);
    assert.deepEqual([...CONFLICT_TYPES], values);
    const conflicts = allErrors.filter(
      (d) => d.name === 'ConflictException' && d.apis.some((u) => u.api === 'voiceid'),
    );
    const raised = conflicts
      .map((d) => d.fields.ConflictType?.source)
      .map((s) => (s && 'const' in s ? s.const : undefined));
    assert.deepEqual(raised.sort(), [...values].sort(), 'one catalog entry per ConflictType');
    for (const [, type, message] of text.matchAll(/• ([A-Z_]+): (.+)$/gm)) {
      const def = conflicts.find((d) => {
        const s = d.fields.ConflictType?.source;
        return s && 'const' in s && s.const === type;
      });
      assert.equal(def?.message, message, `message of ${type} is the seed's`);
    }
    const doc = listing();
    assert.ok(doc.includes(`\`ConflictException.ConflictType\`: ${values.join(', ')}`));
  },
);

test(
  'Identity Store ConflictException has Reason and RequestId as in the seed',
  { skip: !sharedDir && 'no ../shared' },
  () => {
    const text = seed('identitystore-conflict-exception.txt');
    const reasons = [.../'Reason': ([^\n]+),/.exec(text)![1]!.matchAll(/'([A-Z_]+)'/g)].map(
      (m) => m[1],
    );
    assert.deepEqual(reasons, ['UNIQUENESS_CONSTRAINT_VIOLATION', 'CONCURRENT_MODIFICATION']);
    const conflicts = allErrors.filter(
      (d) => d.name === 'ConflictException' && d.apis.some((u) => u.api === 'identitystore'),
    );
    for (const reason of reasons) {
      const def = conflicts.find((d) => {
        const s = d.fields.Reason?.source;
        return s && 'const' in s && s.const === reason;
      });
      assert.ok(def, reason);
      assert.ok(def.fields.RequestId, 'RequestId member');
      assert.ok(text.includes(def.description), `${reason} description is the seed's`);
    }
    assert.ok(listing().includes(`\`ConflictException.Reason\`: ${reasons.join(', ')}`));
  },
);

test('every message slot is a declared parameter and every parameter is used', () => {
  for (const def of allErrors) {
    const slots = [...def.message.matchAll(/\{([a-zA-Z_]+)\}/g)].map((m) => m[1]);
    for (const slot of slots)
      assert.ok(slot! in def.params, `${def.id}: {${slot}} is not a parameter`);
    const used = new Set<string>(slots as string[]);
    for (const f of Object.values(def.fields)) if ('param' in f.source) used.add(f.source.param);
    for (const h of Object.values(def.headers ?? {})) used.add(h.param);
    for (const p of Object.keys(def.params))
      assert.ok(used.has(p), `${def.id}: parameter ${p} is never rendered`);
  }
});

test('catalog ids are unique and each entry knows its id', () => {
  for (const [id, def] of Object.entries(catalog) as [string, ErrorDefinition][])
    assert.equal(def.id, id);
});
