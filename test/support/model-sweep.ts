/**
 * The wrong-type sweep: for every member of every operation of a generated model (nested
 * members too, a few levels deep), a set of wrong values put into an otherwise valid input.
 * A valid input is built from the shapes themselves: required members only, each with the
 * first candidate value that satisfies its length, pattern, range or enum, ids taken from
 * real resources the suite created.
 */
import type { Shape, ShapeTable } from '../../src/protocols/aws-json/shape-table.js';

/** Values that are wrong for (nearly) every member: types, sizes, encodings, nesting. */
export const WRONG_VALUES: readonly WrongValue[] = [
  { label: 'null', value: null },
  { label: 'zero', value: 0 },
  { label: 'negative', value: -1 },
  { label: 'fraction', value: 1.5 },
  { label: 'huge number', value: 1e308 },
  { label: 'boolean', value: true },
  { label: 'empty string', value: '' },
  { label: 'huge string', value: 'x'.repeat(50_000) },
  { label: 'NUL', value: 'a\u0000b' },
  { label: 'lone surrogate', value: 'a\ud800b' },
  { label: 'RTL and combining', value: '\u202e\u0301' },
  { label: 'empty array', value: [] },
  { label: 'array of null', value: [null] },
  { label: 'array of strings', value: ['a', 'b'] },
  { label: 'empty object', value: {} },
  { label: 'object', value: { Value: 'x', __proto__x: 1, Nested: { A: [1, { B: null }] } } },
  { label: 'nested 20', value: nested(20) },
  // Past the door's nesting limit at every member (the 100,000-deep bodies that overflowed the
  // stack before the limit have their own tests in aws-hardening.test.ts); as text, since
  // JSON.stringify itself overflows on deep enough values.
  { label: 'nested 1000 arrays', raw: '['.repeat(1000) + ']'.repeat(1000) },
  { label: 'nested 1000 objects', raw: '{"a":'.repeat(1000) + '1' + '}'.repeat(1000) },
];

/** A wrong value, or its JSON text when the value cannot be serialised by JSON.stringify. */
export type WrongValue =
  | { readonly label: string; readonly value: unknown }
  | { readonly label: string; readonly raw: string };

function nested(depth: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { a: v };
  return v;
}

const RAW_PLACEHOLDER = '\u0001raw\u0001';

export type PathSegment = string | number;

export interface SweepCase {
  readonly operation: string;
  readonly member: string;
  readonly label: string;
  /** The JSON body. */
  readonly body: string;
}

/** Real values for members by name (ids of resources the suite created), tried first. */
export type KnownValues = Readonly<Record<string, string>>;

const GENERIC_STRINGS = [
  'x',
  'abc',
  'name-1',
  'Sample value',
  'aB3dE5fG7hJ9kL1mN3pQ5r',
  'id#aB3dE5fG7hJ9kL1mN3pQ5r',
  '00000000-0000-4000-8000-000000000000',
  's3://voxgate-sweep/input.json',
  'arn:aws:iam::000000000000:role/sweep',
];

/** A valid example of `shapeName`: required members only; undefined when none can be built. */
export function exampleOf(
  shapes: ShapeTable,
  shapeName: string,
  memberName: string,
  known: KnownValues,
  depth = 0,
): unknown {
  const shape = shapes[shapeName] as Shape;
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, m] of Object.entries(shape.members)) {
        if (!m.required || depth > 6) continue;
        const v = m.default ?? exampleOf(shapes, m.target, name, known, depth + 1);
        if (v !== undefined) out[name] = v;
      }
      return out;
    }
    case 'union': {
      const [name, m] = Object.entries(shape.members)[0]!;
      return { [name]: exampleOf(shapes, m.target, name, known, depth + 1) };
    }
    case 'list': {
      const min = shape.length?.min ?? 1;
      const item = exampleOf(shapes, shape.member, memberName, known, depth + 1);
      return min > 1 ? Array.from({ length: min }, () => item) : [item];
    }
    case 'map': {
      const key = exampleOf(shapes, shape.key, 'key', known, depth + 1);
      return { [String(key)]: exampleOf(shapes, shape.value, memberName, known, depth + 1) };
    }
    case 'string': {
      if (shape.enum) return shape.enum[0];
      const regex = shape.pattern ? new RegExp(shape.pattern.js, 'u') : null;
      const min = shape.length?.min ?? 0;
      const max = shape.length?.max ?? Infinity;
      const fits = (s: string) => s.length >= min && s.length <= max && (!regex || regex.test(s));
      const candidates = [known[memberName], ...GENERIC_STRINGS];
      return candidates.find((c): c is string => c !== undefined && fits(c)) ?? 'x';
    }
    case 'enum':
      return shape.values[0];
    case 'intEnum':
      return shape.values[0];
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'bigInteger':
      return Math.max(shape.range?.min ?? 1, 1);
    case 'float':
    case 'double':
    case 'bigDecimal':
      return shape.range?.min ?? 1;
    case 'blob':
      return 'AAAA';
    case 'boolean':
      return true;
    case 'timestamp':
      return Math.floor(Date.now() / 1000);
    case 'document':
      return {};
  }
}

/** Every member path under `shapeName`, depth first, `maxDepth` members deep. */
function memberPaths(
  shapes: ShapeTable,
  shapeName: string,
  maxDepth: number,
  prefix: PathSegment[] = [],
): PathSegment[][] {
  const shape = shapes[shapeName] as Shape;
  if (prefix.length > maxDepth * 2) return [];
  switch (shape.type) {
    case 'structure':
    case 'union':
      return Object.entries(shape.members).flatMap(([name, m]) => [
        [...prefix, name],
        ...memberPaths(shapes, m.target, maxDepth, [...prefix, name]),
      ]);
    case 'list':
      return memberPaths(shapes, shape.member, maxDepth, [...prefix, 0]);
    case 'map':
      return memberPaths(shapes, shape.value, maxDepth, [...prefix, '*']);
    default:
      return [];
  }
}

/** `base` with `value` at `path`, containers created on the way ('*' = the map's first key). */
function withValueAt(
  base: Record<string, unknown>,
  path: readonly PathSegment[],
  value: unknown,
): Record<string, unknown> {
  const root = structuredClone(base);
  let cur: Record<string | number, unknown> = root;
  path.forEach((segment, i) => {
    const last = i === path.length - 1;
    let key: string | number = segment;
    if (segment === '*') key = Object.keys(cur)[0] ?? 'aws:identitystore:enterprise';
    if (last) {
      cur[key] = value;
      return;
    }
    const next = path[i + 1];
    const existing = cur[key];
    if (typeof existing !== 'object' || existing === null)
      cur[key] = typeof next === 'number' ? [] : {};
    cur = cur[key] as Record<string | number, unknown>;
  });
  return root;
}

/**
 * The sweep of one model: each operation's valid example with each member replaced by each
 * wrong value. Deleting operations come last, so the resources the others name still exist.
 */
export function sweepCases(
  shapes: ShapeTable,
  operations: Readonly<Record<string, { readonly input: string | null }>>,
  known: KnownValues,
  /** Members to add to an operation's example (what the domain requires beyond the model). */
  extra: Readonly<Record<string, Record<string, unknown>>> = {},
  maxDepth = 3,
): SweepCase[] {
  const cases: SweepCase[] = [];
  const names = Object.keys(operations).sort(
    (a, b) => Number(a.startsWith('Delete')) - Number(b.startsWith('Delete')) || (a < b ? -1 : 1),
  );
  for (const operation of names) {
    const input = operations[operation]!.input;
    if (input === null) continue;
    const base = {
      ...(exampleOf(shapes, input, operation, known) as Record<string, unknown>),
      ...extra[operation],
    };
    for (const path of memberPaths(shapes, input, maxDepth)) {
      for (const wrong of WRONG_VALUES) {
        const value = 'raw' in wrong ? RAW_PLACEHOLDER : wrong.value;
        let body = JSON.stringify(withValueAt(base, path, value));
        if ('raw' in wrong) body = body.replace(JSON.stringify(RAW_PLACEHOLDER), wrong.raw);
        cases.push({ operation, member: path.join('.'), label: wrong.label, body });
      }
    }
  }
  return cases;
}
