// Validates parsed awsJson input against a generated shape table, answering as AWS services do:
// - a JSON type that cannot be deserialised into the shape is a SerializationException; the first
//   one found wins over any constraint failure (AWS deserialises before it validates);
// - constraint failures are all collected, in model member order, depth first, and worded like
//   AWS: "2 validation errors detected: Value 'x' at 'userId' failed to satisfy constraint: ...".
// Unknown members are dropped and `null` members count as absent, as AWS does: a valid input comes
// back as a fresh copy holding exactly the model's members, so nothing a caller adds (an id, a
// 500 KB `Junk`) reaches a handler. Document values are kept verbatim (nulls included).
//
// Validators are compiled once per shape (RegExps included); a call allocates the projected copy
// and a small path stack, plus the messages when the input is invalid.

import type {
  LengthConstraint,
  MemberInfo,
  RangeConstraint,
  Shape,
  ShapeTable,
} from './shape-table.js';

export type ShapeValidation =
  /** `value`: the input with exactly the model's members (unknown ones and nulls dropped). */
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly kind: 'serialization'; readonly message: string }
  | { readonly ok: false; readonly kind: 'validation'; readonly message: string };

export type ShapeValidator = (input: unknown) => ShapeValidation;

const EMPTY_INPUT = Object.freeze({});
/** What a check answers on a type mismatch (already recorded in the run). */
const MISMATCH: unique symbol = Symbol('mismatch');
type Checked = unknown;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const NON_FINITE_FLOATS = new Set(['NaN', 'Infinity', '-Infinity']);
const INTEGER_BOUNDS: Readonly<
  Record<'byte' | 'short' | 'integer' | 'long' | 'bigInteger', readonly [number, number]>
> = {
  byte: [-128, 127],
  short: [-32768, 32767],
  integer: [-2147483648, 2147483647],
  long: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  bigInteger: [-Infinity, Infinity],
};

class MemberSegment {
  readonly camel: string;
  constructor(readonly wire: string) {
    this.camel = wire.charAt(0).toLowerCase() + wire.slice(1);
  }
}

/** Member, list index (0-based) or map key. */
type PathSegment = MemberSegment | number | string;

class Run {
  readonly path: PathSegment[] = [];
  serialization: string | null = null;
  violations: string[] | null = null;

  /** Records a type mismatch; returns MISMATCH so callers can `return run.mismatch(...)` to abort. */
  mismatch(expected: string, found: string): typeof MISMATCH {
    const at = this.path.length === 0 ? '' : ` at '${this.wirePath()}'`;
    this.serialization = `Expected ${expected}${at} but found ${found}`;
    return MISMATCH;
  }

  violate(value: unknown, sensitive: boolean, constraint: string): void {
    const message = `Value${sensitive ? '' : echo(value)} at '${this.camelPath()}' failed to satisfy constraint: ${constraint}`;
    (this.violations ??= []).push(message);
  }

  private wirePath(): string {
    return this.path.map((s) => (s instanceof MemberSegment ? s.wire : String(s))).join('.');
  }

  // AWS reports lower-camel member names; list positions are 1-based, like its `member.N`.
  private camelPath(): string {
    return this.path
      .map((s) => (s instanceof MemberSegment ? s.camel : typeof s === 'number' ? s + 1 : s))
      .join('.');
  }
}

function echo(value: unknown): string {
  if (value === null) return ' null';
  if (typeof value === 'string') return ` '${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return ` '${value}'`;
  return '';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}

const isObject = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Returns the projected value, or MISMATCH on a type mismatch (already recorded in the run);
 * violations do not abort.
 */
type Check = (value: unknown, run: Run) => Checked | typeof MISMATCH;

interface Node {
  check: Check;
  /** How a mismatch describes this shape, e.g. 'an object'. */
  readonly expected: string;
  /** Documents: a null list item or map value is a value, not a missing one. */
  readonly nullable: boolean;
}

interface CompiledMember {
  readonly name: string;
  readonly segment: MemberSegment;
  readonly mustBeSet: boolean;
  readonly sensitive: boolean;
  readonly node: Node;
}

function expectedOf(shape: Shape): string {
  switch (shape.type) {
    case 'structure':
    case 'union':
    case 'map':
      return 'an object';
    case 'list':
      return 'an array';
    case 'string':
    case 'enum':
      return 'a string';
    case 'blob':
      return 'a base64-encoded string';
    case 'boolean':
      return 'a boolean';
    case 'timestamp':
      return 'a number of epoch seconds';
    case 'float':
    case 'double':
    case 'bigDecimal':
      return 'a number';
    case 'document':
      return 'any JSON value';
    default:
      return 'an integer';
  }
}

function lengthViolation(length: number, c: LengthConstraint): string | null {
  if (c.min !== undefined && length < c.min) {
    return `Member must have length greater than or equal to ${c.min}`;
  }
  if (c.max !== undefined && length > c.max) {
    return `Member must have length less than or equal to ${c.max}`;
  }
  return null;
}

function rangeViolation(value: number, c: RangeConstraint): string | null {
  if (c.min !== undefined && value < c.min) {
    return `Member must have value greater than or equal to ${c.min}`;
  }
  if (c.max !== undefined && value > c.max) {
    return `Member must have value less than or equal to ${c.max}`;
  }
  return null;
}

function codePointCount(s: string): number {
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** Length in code points, counted only when UTF-16 length cannot decide the constraint. */
function stringLengthViolation(s: string, c: LengthConstraint): string | null {
  const units = s.length;
  const min = c.min ?? 0;
  const max = c.max ?? Infinity;
  // code points <= units <= 2 * code points
  if (units <= max && (units + 1) >> 1 >= min) return null;
  return lengthViolation(units < min ? units : codePointCount(s), c);
}

function allUnique(items: readonly unknown[]): boolean {
  if (items.length < 2) return true;
  const seen = new Set<unknown>();
  for (const item of items) {
    const key = typeof item === 'object' && item !== null ? canonicalJson(item) : item;
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

class Compiler {
  private readonly nodes = new Map<string, Node>();

  constructor(private readonly shapes: ShapeTable) {}

  /** Sensitivity is part of the key: inside a sensitive member nothing may be echoed. */
  node(name: string, sensitive: boolean): Node {
    const key = sensitive ? `${name}\u0000s` : name;
    const cached = this.nodes.get(key);
    if (cached !== undefined) return cached;
    const shape = this.shapes[name];
    if (shape === undefined) throw new Error(`shape ${name} is not in the shape table`);
    // Registered before compiling its children so recursive shapes resolve to this node.
    const node: Node = {
      check: (v) => v,
      expected: expectedOf(shape),
      nullable: shape.type === 'document',
    };
    this.nodes.set(key, node);
    node.check = this.compile(shape, sensitive || shape.sensitive === true);
    return node;
  }

  private members(members: Readonly<Record<string, MemberInfo>>, sensitive: boolean) {
    return Object.entries(members).map(([name, m]): CompiledMember => {
      const memberSensitive = sensitive || m.sensitive;
      return {
        name,
        segment: new MemberSegment(m.jsonName),
        // A required member with a default is filled in by the server, never rejected.
        mustBeSet: m.required && m.default === undefined,
        sensitive: memberSensitive,
        node: this.node(m.target, memberSensitive),
      };
    });
  }

  private compile(shape: Shape, sensitive: boolean): Check {
    switch (shape.type) {
      case 'structure':
        return structureCheck(this.members(shape.members, sensitive));
      case 'union':
        return unionCheck(this.members(shape.members, sensitive));
      case 'list':
        return listCheck(
          shape.length,
          shape.uniqueItems,
          sensitive,
          this.node(shape.member, sensitive || shape.memberSensitive),
        );
      case 'map':
        return mapCheck(
          shape.length,
          sensitive,
          this.node(shape.key, sensitive),
          this.node(shape.value, sensitive || shape.valueSensitive),
        );
      case 'string':
        return stringCheck(shape.length, shape.pattern, shape.enum, sensitive);
      case 'enum':
        return stringCheck(undefined, undefined, shape.values, sensitive);
      case 'intEnum':
      case 'byte':
      case 'short':
      case 'integer':
      case 'long':
      case 'bigInteger':
        return integerCheck(shape, sensitive);
      case 'float':
      case 'double':
      case 'bigDecimal':
        return floatCheck(shape.range, sensitive);
      case 'blob':
        return blobCheck(shape.length, sensitive);
      case 'boolean':
        return (v, run) => (typeof v === 'boolean' ? v : run.mismatch('a boolean', describe(v)));
      case 'timestamp':
        return (v, run) =>
          typeof v === 'number' && Number.isFinite(v)
            ? v
            : run.mismatch('a number of epoch seconds', describe(v));
      case 'document':
        // Parsed JSON is already a fresh value; the door bounds its depth while parsing.
        return (v) => v;
    }
  }
}

// Member names are PascalCase, so plain property reads cannot hit Object.prototype members, and
// only own properties count (a member inherited from nowhere cannot be set).
function structureCheck(members: readonly CompiledMember[]): Check {
  return (value, run) => {
    if (!isObject(value)) return run.mismatch('an object', describe(value));
    const out: Record<string, unknown> = {};
    const path = run.path;
    for (let i = 0; i < members.length; i++) {
      const m = members[i] as CompiledMember;
      const v = Object.hasOwn(value, m.name) ? value[m.name] : undefined;
      path.push(m.segment);
      if (v === undefined || v === null) {
        if (m.mustBeSet) run.violate(null, m.sensitive, 'Member must not be null');
      } else {
        const checked = m.node.check(v, run);
        if (checked === MISMATCH) return MISMATCH;
        out[m.name] = checked;
      }
      path.pop();
    }
    return out;
  };
}

function unionCheck(members: readonly CompiledMember[]): Check {
  const inner = structureCheck(members);
  return (value, run) => {
    if (!isObject(value)) return run.mismatch('an object', describe(value));
    let set = 0;
    for (let i = 0; i < members.length; i++) {
      const name = (members[i] as CompiledMember).name;
      const v = Object.hasOwn(value, name) ? value[name] : undefined;
      if (v !== undefined && v !== null) set++;
    }
    if (set !== 1) run.violate(value, false, 'Member must have exactly one member set');
    return inner(value, run);
  };
}

function listCheck(
  length: LengthConstraint | undefined,
  uniqueItems: boolean,
  sensitive: boolean,
  item: Node,
): Check {
  return (value, run) => {
    if (!Array.isArray(value)) return run.mismatch('an array', describe(value));
    if (length !== undefined) {
      const violation = lengthViolation(value.length, length);
      if (violation !== null) run.violate(value, sensitive, violation);
    }
    if (uniqueItems && !allUnique(value)) {
      run.violate(value, sensitive, 'Member must have unique items');
    }
    const out: unknown[] = new Array<unknown>(value.length);
    const path = run.path;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      path.push(i);
      if (v === null || v === undefined) {
        if (!item.nullable) return run.mismatch(item.expected, 'null');
        out[i] = null;
      } else {
        const checked = item.check(v, run);
        if (checked === MISMATCH) return MISMATCH;
        out[i] = checked;
      }
      path.pop();
    }
    return out;
  };
}

// Key violations are reported at the map's own path (the key is the offending value).
function mapCheck(
  length: LengthConstraint | undefined,
  sensitive: boolean,
  key: Node,
  item: Node,
): Check {
  return (value, run) => {
    if (!isObject(value)) return run.mismatch('an object', describe(value));
    if (length !== undefined) {
      const violation = lengthViolation(Object.keys(value).length, length);
      if (violation !== null) run.violate(value, sensitive, violation);
    }
    const out: Record<string, unknown> = {};
    const path = run.path;
    for (const k of Object.keys(value)) {
      if (key.check(k, run) === MISMATCH) return MISMATCH;
      const v = value[k];
      path.push(k);
      let checked: unknown = null;
      if (v === null || v === undefined) {
        if (!item.nullable) return run.mismatch(item.expected, 'null');
      } else {
        checked = item.check(v, run);
        if (checked === MISMATCH) return MISMATCH;
      }
      // A key like '__proto__' stays an own property, as JSON.parse made it.
      Object.defineProperty(out, k, {
        value: checked,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      path.pop();
    }
    return out;
  };
}

function stringCheck(
  length: LengthConstraint | undefined,
  pattern: { readonly source: string; readonly js: string } | undefined,
  values: readonly string[] | undefined,
  sensitive: boolean,
): Check {
  const regex = pattern === undefined ? null : new RegExp(pattern.js, 'u');
  const patternText = `Member must satisfy regular expression pattern: ${pattern?.source}`;
  const allowed = values === undefined ? null : new Set(values);
  const enumText = `Member must satisfy enum value set: [${values?.join(', ')}]`;
  return (value, run) => {
    if (typeof value !== 'string') return run.mismatch('a string', describe(value));
    if (length !== undefined) {
      const violation = stringLengthViolation(value, length);
      if (violation !== null) run.violate(value, sensitive, violation);
    }
    if (regex !== null && !regex.test(value)) run.violate(value, sensitive, patternText);
    if (allowed !== null && !allowed.has(value)) run.violate(value, sensitive, enumText);
    return value;
  };
}

function integerCheck(
  shape: Extract<Shape, { type: 'intEnum' | 'byte' | 'short' | 'integer' | 'long' | 'bigInteger' }>,
  sensitive: boolean,
): Check {
  // intEnum values are 32-bit in Smithy.
  const kind = shape.type === 'intEnum' ? 'integer' : shape.type;
  const [lowest, highest] = INTEGER_BOUNDS[kind];
  const range = shape.type === 'intEnum' ? undefined : shape.range;
  const values = shape.type === 'intEnum' ? shape.values : undefined;
  const allowed = values === undefined ? null : new Set(values);
  const enumText = `Member must satisfy enum value set: [${values?.join(', ')}]`;
  return (value, run) => {
    if (typeof value !== 'number') return run.mismatch('an integer', describe(value));
    if (!Number.isInteger(value)) return run.mismatch('an integer', 'a fractional number');
    if (value < lowest || value > highest) {
      return run.mismatch(`an integer within the ${kind} range`, String(value));
    }
    if (range !== undefined) {
      const violation = rangeViolation(value, range);
      if (violation !== null) run.violate(value, sensitive, violation);
    }
    if (allowed !== null && !allowed.has(value)) run.violate(value, sensitive, enumText);
    return value;
  };
}

// awsJson sends non-finite floats as the strings "NaN", "Infinity" and "-Infinity".
function floatCheck(range: RangeConstraint | undefined, sensitive: boolean): Check {
  return (value, run) => {
    if (typeof value === 'string' && NON_FINITE_FLOATS.has(value)) return value;
    if (typeof value !== 'number') return run.mismatch('a number', describe(value));
    if (range !== undefined) {
      const violation = rangeViolation(value, range);
      if (violation !== null) run.violate(value, sensitive, violation);
    }
    return value;
  };
}

function blobCheck(length: LengthConstraint | undefined, sensitive: boolean): Check {
  return (value, run) => {
    if (typeof value !== 'string' || !BASE64.test(value)) {
      return run.mismatch('a base64-encoded string', describe(value));
    }
    if (length !== undefined) {
      const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
      const violation = lengthViolation((value.length / 4) * 3 - padding, length);
      // Blobs are never echoed: the bytes are not text.
      if (violation !== null) run.violate(undefined, sensitive, violation);
    }
    return value;
  };
}

function finish(run: Run, value: Checked | typeof MISMATCH): ShapeValidation {
  if (value === MISMATCH)
    return { ok: false, kind: 'serialization', message: run.serialization ?? '' };
  const violations = run.violations;
  if (violations === null) return { ok: true, value };
  const count = violations.length;
  const message = `${count} validation error${count === 1 ? '' : 's'} detected: ${violations.join('; ')}`;
  return { ok: false, kind: 'validation', message };
}

function validatorFor(root: Node): ShapeValidator {
  return (input) => {
    const run = new Run();
    // An empty body arrives as undefined/null and means "no members".
    return finish(run, root.check(input ?? EMPTY_INPUT, run));
  };
}

/**
 * Compiles a validator for one shape of a generated table. Throws if the shape (or a shape it
 * references) is missing.
 *
 * ### Examples
 * ```ts
 * const validate = compileShapeValidator(SHAPES, 'CreateUserRequest');
 * const result = validate(JSON.parse(body));
 * if (!result.ok) console.log(result.kind, result.message);
 * ```
 */
export function compileShapeValidator(shapes: ShapeTable, shapeName: string): ShapeValidator {
  return validatorFor(new Compiler(shapes).node(shapeName, false));
}

/**
 * Compiles the input validator of every operation in one pass, sharing compiled shapes between
 * operations. Operations without input accept any JSON object.
 */
export function compileInputValidators(
  shapes: ShapeTable,
  operations: Readonly<Record<string, { readonly input: string | null }>>,
): ReadonlyMap<string, ShapeValidator> {
  const compiler = new Compiler(shapes);
  const anyObject: Node = {
    check: (v, run) => (isObject(v) ? {} : run.mismatch('an object', describe(v))),
    expected: 'an object',
    nullable: false,
  };
  const validators = new Map<string, ShapeValidator>();
  for (const [op, info] of Object.entries(operations)) {
    const root = info.input === null ? anyObject : compiler.node(info.input, false);
    validators.set(op, validatorFor(root));
  }
  return validators;
}
