// Generates src/protocols/aws-json/generated/<service>-model.ts from the Smithy 2.0 JSON AST models
// in <shared>/reference/aws-models/: service facts, the operation table, a plain-data shape table
// (see src/protocols/aws-json/shape-table.ts) and wire-level TypeScript types.
//
//   npx tsx scripts/generate-aws-models.ts           write the files
//   npx tsx scripts/generate-aws-models.ts --check   exit 1 if the committed files are stale
//
// <shared> is $VOXGATE_SHARED_DIR, else ../shared, relative to the repo root. Users have no shared
// dir, so the output is committed and --check skips (exit 0) when the models are absent.
// Anything the generator does not understand fails generation loudly rather than being dropped.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type {
  ErrorInfo,
  JsonValue,
  MemberInfo,
  OperationInfo,
  PaginationInfo,
  ServiceInfo,
  Shape,
  ShapeTable,
} from '../src/protocols/aws-json/shape-table.js';
import { javaRegexToJs } from './java-regex.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUT_DIR = join(REPO_ROOT, 'src/protocols/aws-json/generated');
const UNIT = 'smithy.api#Unit';

interface ServiceSpec {
  readonly modelFile: string;
  readonly serviceId: string;
  readonly outputFile: string;
  /**
   * Voxgate's own operations on this service: Smithy JSON AST files in the repo (paths from its
   * root) whose service shape has the same name; their operations and shapes are merged in.
   */
  readonly extensions?: readonly string[];
}

export const SERVICE_SPECS: readonly ServiceSpec[] = [
  {
    modelFile: 'identitystore.json',
    serviceId: 'com.amazonaws.identitystore#AWSIdentityStore',
    outputFile: 'identitystore-model.ts',
  },
  {
    modelFile: 'voice-id.json',
    serviceId: 'com.amazonaws.voiceid#VoiceID',
    outputFile: 'voiceid-model.ts',
    extensions: ['src/protocols/aws-json/extensions/voiceid-sessions.json'],
  },
];

// --- Smithy JSON AST (only the parts read here) ---

type Traits = Readonly<Record<string, unknown>>;
interface AstRef {
  readonly target: string;
}
interface AstMember extends AstRef {
  readonly traits?: Traits;
}
interface AstShape {
  readonly type: string;
  readonly traits?: Traits;
  readonly version?: string;
  readonly members?: Readonly<Record<string, AstMember>>;
  readonly member?: AstMember;
  readonly key?: AstMember;
  readonly value?: AstMember;
  readonly input?: AstRef;
  readonly output?: AstRef;
  readonly errors?: readonly AstRef[];
  readonly operations?: readonly AstRef[];
  readonly collectionOperations?: readonly AstRef[];
  readonly resources?: readonly AstRef[];
  readonly create?: AstRef;
  readonly put?: AstRef;
  readonly read?: AstRef;
  readonly update?: AstRef;
  readonly delete?: AstRef;
  readonly list?: AstRef;
}
interface AstModel {
  readonly smithy: string;
  readonly shapes: Readonly<Record<string, AstShape>>;
}

const SENSITIVE = 'smithy.api#sensitive';
const UNSUPPORTED_MEMBER_TRAITS = [
  'smithy.api#length',
  'smithy.api#pattern',
  'smithy.api#range',
  'smithy.api#uniqueItems',
];
const UNSUPPORTED_SHAPE_TRAITS = ['smithy.api#sparse'];
const RESOURCE_LIFECYCLE = ['create', 'put', 'read', 'update', 'delete', 'list'] as const;
// Names the generated module itself declares or references.
const RESERVED_TYPE_NAMES = new Set(['Record', 'Readonly', 'OperationName', 'OperationTypes']);

class ModelReader {
  constructor(
    private readonly model: AstModel,
    private readonly file: string,
  ) {}

  shape(id: string): AstShape {
    const shape = this.model.shapes[id];
    if (shape === undefined) this.fail(`shape ${id} is referenced but not defined`);
    return shape;
  }

  fail(message: string): never {
    throw new Error(`${this.file}: ${message}`);
  }
}

const shortName = (id: string): string => id.slice(id.indexOf('#') + 1);
const hasTrait = (traits: Traits | undefined, name: string): boolean =>
  traits !== undefined && name in traits;

// --- Operations ---

function collectOperationIds(reader: ModelReader, serviceId: string): string[] {
  const service = reader.shape(serviceId);
  const ids = new Set<string>();
  const seenResources = new Set<string>();
  const visitResource = (id: string): void => {
    if (seenResources.has(id)) return;
    seenResources.add(id);
    const resource = reader.shape(id);
    for (const key of RESOURCE_LIFECYCLE) {
      const ref = resource[key];
      if (ref !== undefined) ids.add(ref.target);
    }
    for (const ref of [...(resource.operations ?? []), ...(resource.collectionOperations ?? [])]) {
      ids.add(ref.target);
    }
    for (const ref of resource.resources ?? []) visitResource(ref.target);
  };
  for (const ref of service.operations ?? []) ids.add(ref.target);
  for (const ref of service.resources ?? []) visitResource(ref.target);
  return [...ids].sort((a, b) => compare(shortName(a), shortName(b)));
}

function pagination(
  reader: ModelReader,
  opId: string,
  serviceTraits: Traits | undefined,
): PaginationInfo | undefined {
  const own = reader.shape(opId).traits?.['smithy.api#paginated'] as
    Partial<PaginationInfo> | undefined;
  if (own === undefined) return undefined;
  // Service-level paginated values are defaults the operation may override.
  const merged = {
    ...(serviceTraits?.['smithy.api#paginated'] as Partial<PaginationInfo> | undefined),
    ...own,
  };
  const { inputToken, outputToken, items, pageSize } = merged;
  if (inputToken === undefined || outputToken === undefined) {
    reader.fail(`${opId}: paginated without inputToken/outputToken`);
  }
  if (items === undefined || pageSize === undefined) {
    reader.fail(`${opId}: paginated without items/pageSize (not supported)`);
  }
  return { inputToken, outputToken, items, pageSize };
}

function operationInfo(
  reader: ModelReader,
  opId: string,
  serviceErrors: readonly AstRef[],
  serviceTraits: Traits | undefined,
): OperationInfo {
  const op = reader.shape(opId);
  if (op.type !== 'operation') reader.fail(`${opId} is a ${op.type}, not an operation`);
  const io = (ref: AstRef | undefined): string | null =>
    ref === undefined || ref.target === UNIT ? null : shortName(ref.target);
  const errors = [...new Set([...(op.errors ?? []), ...serviceErrors].map((e) => e.target))]
    .map(shortName)
    .sort(compare);
  const paginated = pagination(reader, opId, serviceTraits);
  return {
    input: io(op.input),
    output: io(op.output),
    errors,
    readonly: hasTrait(op.traits, 'smithy.api#readonly'),
    idempotent: hasTrait(op.traits, 'smithy.api#idempotent'),
    ...(paginated === undefined ? {} : { paginated }),
  };
}

// --- Shapes ---

function collectShapeIds(reader: ModelReader, roots: Iterable<string>): string[] {
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (id === UNIT || seen.has(id)) return;
    if (id.startsWith('smithy.api#')) reader.fail(`prelude shape ${id} is not supported`);
    seen.add(id);
    const shape = reader.shape(id);
    if (shape.type === 'structure' || shape.type === 'union') {
      for (const m of Object.values(shape.members ?? {})) visit(m.target);
    } else if (shape.type === 'list' || shape.type === 'set') {
      if (shape.member !== undefined) visit(shape.member.target);
    } else if (shape.type === 'map') {
      if (shape.key !== undefined) visit(shape.key.target);
      if (shape.value !== undefined) visit(shape.value.target);
    }
  };
  for (const id of roots) visit(id);
  return [...seen];
}

function lengthOf(traits: Traits | undefined): { length?: { min?: number; max?: number } } {
  const length = traits?.['smithy.api#length'] as { min?: number; max?: number } | undefined;
  return length === undefined ? {} : { length: minMax(length) };
}

function rangeOf(traits: Traits | undefined): { range?: { min?: number; max?: number } } {
  const range = traits?.['smithy.api#range'] as { min?: number; max?: number } | undefined;
  return range === undefined ? {} : { range: minMax(range) };
}

function minMax(c: { min?: number; max?: number }): { min?: number; max?: number } {
  return {
    ...(c.min === undefined ? {} : { min: c.min }),
    ...(c.max === undefined ? {} : { max: c.max }),
  };
}

function isSensitive(reader: ModelReader, member: AstMember): boolean {
  return (
    hasTrait(member.traits, SENSITIVE) || hasTrait(reader.shape(member.target).traits, SENSITIVE)
  );
}

function memberInfo(reader: ModelReader, owner: string, name: string, m: AstMember): MemberInfo {
  for (const t of UNSUPPORTED_MEMBER_TRAITS) {
    if (hasTrait(m.traits, t)) reader.fail(`${owner}$${name}: member-level ${t} is not supported`);
  }
  const def = m.traits?.['smithy.api#default'] as JsonValue | undefined;
  return {
    target: shortName(m.target),
    jsonName: name,
    required: hasTrait(m.traits, 'smithy.api#required'),
    sensitive: isSensitive(reader, m),
    idempotencyToken: hasTrait(m.traits, 'smithy.api#idempotencyToken'),
    // A null default explicitly removes an inherited default.
    ...(def === undefined || def === null ? {} : { default: def }),
  };
}

function errorInfo(traits: Traits | undefined): { error?: ErrorInfo } {
  const kind = traits?.['smithy.api#error'];
  if (kind === undefined) return {};
  if (kind !== 'client' && kind !== 'server')
    throw new Error(`bad smithy.api#error ${String(kind)}`);
  const status = traits?.['smithy.api#httpError'] as number | undefined;
  const retryable = traits?.['smithy.api#retryable'] as { throttling?: boolean } | undefined;
  return {
    error: {
      error: kind,
      httpStatus: status ?? (kind === 'client' ? 400 : 500),
      retryable: retryable !== undefined,
      throttling: retryable?.throttling === true,
    },
  };
}

function convertPattern(reader: ModelReader, id: string, source: string) {
  try {
    const js = javaRegexToJs(source);
    new RegExp(js, 'u');
    return { pattern: { source, js } };
  } catch (err) {
    return reader.fail(`${id}: pattern ${JSON.stringify(source)} is unusable: ${String(err)}`);
  }
}

function buildShape(reader: ModelReader, id: string): Shape {
  const shape = reader.shape(id);
  const traits = shape.traits;
  for (const t of UNSUPPORTED_SHAPE_TRAITS) {
    if (hasTrait(traits, t)) reader.fail(`${id}: ${t} is not supported`);
  }
  const sensitive = hasTrait(traits, SENSITIVE) ? { sensitive: true as const } : {};
  const members = (): Record<string, MemberInfo> =>
    Object.fromEntries(
      Object.entries(shape.members ?? {}).map(([name, m]) => [
        name,
        memberInfo(reader, id, name, m),
      ]),
    );
  switch (shape.type) {
    case 'structure':
      return { type: 'structure', ...sensitive, members: members(), ...errorInfo(traits) };
    case 'union':
      return { type: 'union', ...sensitive, members: members() };
    case 'list':
    case 'set': {
      const member = shape.member ?? reader.fail(`${id}: list without member`);
      return {
        type: 'list',
        ...sensitive,
        member: shortName(member.target),
        memberSensitive: isSensitive(reader, member),
        uniqueItems: shape.type === 'set' || hasTrait(traits, 'smithy.api#uniqueItems'),
        ...lengthOf(traits),
      };
    }
    case 'map': {
      const key = shape.key ?? reader.fail(`${id}: map without key`);
      const value = shape.value ?? reader.fail(`${id}: map without value`);
      return {
        type: 'map',
        ...sensitive,
        key: shortName(key.target),
        value: shortName(value.target),
        valueSensitive: isSensitive(reader, value),
        ...lengthOf(traits),
      };
    }
    case 'string': {
      const source = traits?.['smithy.api#pattern'] as string | undefined;
      const pattern = source === undefined ? {} : convertPattern(reader, id, source);
      const enumTrait = traits?.['smithy.api#enum'] as readonly { value: string }[] | undefined;
      return {
        type: 'string',
        ...sensitive,
        ...lengthOf(traits),
        ...pattern,
        ...(enumTrait === undefined ? {} : { enum: enumTrait.map((e) => e.value) }),
      };
    }
    case 'enum':
    case 'intEnum': {
      const values = Object.entries(shape.members ?? {}).map(
        ([name, m]) => (m.traits?.['smithy.api#enumValue'] as string | number | undefined) ?? name,
      );
      if (shape.type === 'enum') {
        if (values.some((v) => typeof v !== 'string')) reader.fail(`${id}: non-string enum value`);
        return { type: 'enum', ...sensitive, values: values as string[] };
      }
      if (values.some((v) => !Number.isInteger(v))) reader.fail(`${id}: non-integer intEnum value`);
      return { type: 'intEnum', ...sensitive, values: values as number[] };
    }
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'bigInteger':
    case 'float':
    case 'double':
    case 'bigDecimal':
      return { type: shape.type, ...sensitive, ...rangeOf(traits) };
    case 'blob':
      return { type: 'blob', ...sensitive, ...lengthOf(traits) };
    case 'boolean':
    case 'timestamp':
    case 'document':
      return { type: shape.type, ...sensitive };
    default:
      return reader.fail(`${id}: shape type ${shape.type} is not supported`);
  }
}

// --- Code emission ---

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const PRINT_WIDTH = 100;

/** Single-quoted TS string literal; everything outside printable ASCII is escaped. */
export function quote(s: string): string {
  let out = "'";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i] as string;
    if (ch === "'" || ch === '\\') out += '\\' + ch;
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0d) out += '\\r';
    else out += '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
  }
  return out + "'";
}

const propertyKey = (k: string): string => (IDENTIFIER.test(k) ? k : quote(k));

function inline(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'number') {
    return String(value);
  }
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  const entries = Object.entries(value as object);
  if (entries.length === 0) return '{}';
  return `{ ${entries.map(([k, v]) => `${propertyKey(k)}: ${inline(v)}`).join(', ')} }`;
}

/** Prettier-like layout: one line when it fits within PRINT_WIDTH, else one entry per line. */
function literal(value: unknown, indent: number, used: number): string {
  const flat = inline(value);
  if (indent * 2 + used + flat.length + 1 <= PRINT_WIDTH || typeof value !== 'object' || !value) {
    return flat;
  }
  const pad = '  '.repeat(indent + 1);
  const lines = Array.isArray(value)
    ? value.map((v) => `${pad}${literal(v, indent + 1, 0)},`)
    : Object.entries(value).map(([k, v]) => {
        const key = `${propertyKey(k)}: `;
        const text = literal(v, indent + 1, key.length);
        // Like prettier: a too-long string moves to its own line unless its key is very short.
        const tooWide = pad.length + key.length + text.length + 1 > PRINT_WIDTH;
        if (typeof v === 'string' && tooWide && k.length > 2) {
          return `${pad}${key.trimEnd()}\n${pad}  ${text},`;
        }
        return `${pad}${key}${text},`;
      });
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return `${open}\n${lines.join('\n')}\n${'  '.repeat(indent)}${close}`;
}

function sortedRecord<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  return Object.fromEntries([...entries].sort(([a], [b]) => compare(a, b)));
}

function typeRef(shapes: ShapeTable, name: string): string {
  const shape = shapes[name];
  if (shape === undefined) throw new Error(`no shape ${name}`);
  switch (shape.type) {
    case 'string':
      return shape.enum === undefined ? 'string' : name;
    case 'blob':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'document':
      return 'unknown';
    case 'structure':
    case 'union':
    case 'list':
    case 'map':
    case 'enum':
    case 'intEnum':
      return name;
    default:
      // Numbers, and timestamps: epoch seconds on the wire.
      return 'number';
  }
}

function literalUnion(name: string, values: readonly string[]): string {
  const oneLine = `export type ${name} = ${values.join(' | ')};`;
  if (oneLine.length <= PRINT_WIDTH) return oneLine;
  const secondLine = `  ${values.join(' | ')};`;
  if (secondLine.length <= PRINT_WIDTH) return `export type ${name} =\n${secondLine}`;
  return `export type ${name} =\n${values.map((v) => `  | ${v}`).join('\n')};`;
}

function typeDeclaration(shapes: ShapeTable, name: string): string | null {
  const shape = shapes[name] as Shape;
  const member = (key: string, m: MemberInfo, optional: boolean): string =>
    `readonly ${propertyKey(key)}${optional ? '?' : ''}: ${typeRef(shapes, m.target)}`;
  switch (shape.type) {
    case 'structure': {
      const members = Object.entries(shape.members);
      if (members.length === 0) return `export type ${name} = Record<string, never>;`;
      const body = members.map(([k, m]) => `  ${member(k, m, !m.required)};`).join('\n');
      return `export interface ${name} {\n${body}\n}`;
    }
    case 'union':
      return literalUnion(
        name,
        Object.entries(shape.members).map(([k, m]) => `{ ${member(k, m, false)} }`),
      );
    case 'list':
      return `export type ${name} = readonly ${typeRef(shapes, shape.member)}[];`;
    case 'map':
      return `export type ${name} = Readonly<Record<string, ${typeRef(shapes, shape.value)}>>;`;
    case 'enum':
      return literalUnion(name, shape.values.map(quote));
    case 'intEnum':
      return literalUnion(name, shape.values.map(String));
    case 'string':
      return shape.enum === undefined ? null : literalUnion(name, shape.enum.map(quote));
    default:
      return null;
  }
}

interface ServiceModel {
  readonly service: ServiceInfo;
  readonly operations: Record<string, OperationInfo>;
  readonly shapes: ShapeTable;
}

export function buildServiceModel(model: AstModel, file: string, serviceId: string): ServiceModel {
  const reader = new ModelReader(model, file);
  if (!model.smithy?.startsWith('2.')) reader.fail(`expected a Smithy 2 JSON AST`);
  const service = reader.shape(serviceId);
  if (service.type !== 'service') reader.fail(`${serviceId} is not a service`);
  const traits = service.traits;
  const jsonVersion = hasTrait(traits, 'aws.protocols#awsJson1_1')
    ? '1.1'
    : hasTrait(traits, 'aws.protocols#awsJson1_0')
      ? '1.0'
      : reader.fail(`${serviceId} does not use awsJson1_0 or awsJson1_1`);
  const sigv4 = traits?.['aws.auth#sigv4'] as { name?: string } | undefined;
  const name = shortName(serviceId);

  const opIds = collectOperationIds(reader, serviceId);
  const operations = sortedRecord(
    opIds.map((id) => [shortName(id), operationInfo(reader, id, service.errors ?? [], traits)]),
  );
  const roots = opIds.flatMap((id) => {
    const op = reader.shape(id);
    return [op.input, op.output, ...(op.errors ?? []), ...(service.errors ?? [])]
      .filter((r): r is AstRef => r !== undefined)
      .map((r) => r.target);
  });
  const shapeIds = collectShapeIds(reader, roots);
  const byShortName = new Map<string, string>();
  for (const id of shapeIds) {
    const short = shortName(id);
    const other = byShortName.get(short);
    if (other !== undefined) reader.fail(`short name collision: ${other} and ${id}`);
    if (RESERVED_TYPE_NAMES.has(short)) reader.fail(`shape name ${short} is reserved`);
    byShortName.set(short, id);
  }
  const shapes = sortedRecord(
    [...byShortName].map(([short, id]) => [short, buildShape(reader, id)]),
  );
  return {
    service: {
      name,
      targetPrefix: name,
      jsonVersion,
      signingName: sigv4?.name ?? reader.fail(`${serviceId} has no aws.auth#sigv4 name`),
      version: service.version ?? reader.fail(`${serviceId} has no version`),
    },
    operations,
    shapes,
  };
}

export function renderServiceModel(model: ServiceModel, modelFile: string, sha256: string): string {
  const { service, operations, shapes } = model;
  const declarations = Object.keys(shapes)
    .map((name) => typeDeclaration(shapes, name))
    .filter((d): d is string => d !== null);
  const ioType = (shape: string | null): string =>
    shape === null ? 'Record<string, never>' : typeRef(shapes, shape);
  const operationTypes = Object.entries(operations).map(
    ([op, info]) =>
      `  readonly ${op}: {\n    readonly input: ${ioType(info.input)};\n` +
      `    readonly output: ${ioType(info.output)};\n  };`,
  );
  return [
    `// GENERATED by scripts/generate-aws-models.ts from ${modelFile} (sha256 ${sha256}). Do not edit.`,
    '',
    "import type { OperationTable, ServiceInfo, ShapeTable } from '../shape-table.js';",
    '',
    `export const SERVICE = ${literal(service, 0, 22)} as const satisfies ServiceInfo;`,
    '',
    `export const OPERATIONS = ${literal(operations, 0, 25)} as const satisfies OperationTable;`,
    '',
    'export type OperationName = keyof typeof OPERATIONS;',
    '',
    `export const SHAPES: ShapeTable = ${literal(shapes, 0, 33)};`,
    '',
    '// Wire types: members as sent in JSON, timestamps as epoch seconds, documents as unknown.',
    '',
    declarations.join('\n\n'),
    '',
    // A type alias, not an interface: only aliases are assignable to index-signature types.
    `export type OperationTypes = {\n${operationTypes.join('\n')}\n};`,
    '',
  ].join('\n');
}

// --- Entry points ---

export function sharedDir(): string {
  return resolve(REPO_ROOT, process.env.VOXGATE_SHARED_DIR ?? '../shared');
}

export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

export function generateAll(shared: string = sharedDir()): GeneratedFile[] {
  return SERVICE_SPECS.map((spec) => {
    const file = join(shared, 'reference/aws-models', spec.modelFile);
    const hash = createHash('sha256');
    const read = (path: string): AstModel => {
      const bytes = readFileSync(path);
      hash.update(bytes);
      return JSON.parse(bytes.toString('utf8')) as AstModel;
    };
    let ast = read(file);
    for (const extension of spec.extensions ?? [])
      ast = mergeExtension(ast, spec.serviceId, read(join(REPO_ROOT, extension)), extension);
    const model = buildServiceModel(ast, file, spec.serviceId);
    const sources = [spec.modelFile, ...(spec.extensions ?? [])].join(' + ');
    return {
      path: join(OUTPUT_DIR, spec.outputFile),
      content: renderServiceModel(model, sources, hash.digest('hex')),
    };
  });
}

/**
 * `base` with the shapes of `extension` added and the operations of its service (the shape
 * with the base service's name, in its own namespace) appended to the base service's. A shape
 * defined in both, or an extension without that service, fails generation.
 */
export function mergeExtension(
  base: AstModel,
  serviceId: string,
  extension: AstModel,
  file: string,
): AstModel {
  const reader = new ModelReader(extension, file);
  const service = Object.entries(extension.shapes).find(
    ([id, shape]) => shape.type === 'service' && shortName(id) === shortName(serviceId),
  );
  if (service === undefined) return reader.fail(`no service shape named ${shortName(serviceId)}`);
  const shapes: Record<string, AstShape> = { ...base.shapes };
  for (const [id, shape] of Object.entries(extension.shapes)) {
    if (id === service[0]) continue;
    if (id in shapes) reader.fail(`shape ${id} is also defined by the base model`);
    shapes[id] = shape;
  }
  const main = shapes[serviceId] ?? reader.fail(`the base model has no ${serviceId}`);
  shapes[serviceId] = {
    ...main,
    operations: [...(main.operations ?? []), ...(service[1].operations ?? [])],
  };
  return { smithy: base.smithy, shapes };
}

export type CheckResult =
  | { readonly skipped: true; readonly reason: string }
  | { readonly skipped: false; readonly stale: readonly string[] };

/** Regenerates in memory and lists committed files (repo-relative) that differ or are missing. */
export function checkGenerated(shared: string = sharedDir()): CheckResult {
  if (!existsSync(shared)) return { skipped: true, reason: `${shared} does not exist` };
  const stale = generateAll(shared)
    .filter((f) => !existsSync(f.path) || readFileSync(f.path, 'utf8') !== f.content)
    .map((f) => relative(REPO_ROOT, f.path));
  return { skipped: false, stale };
}

function main(argv: readonly string[]): number {
  if (argv.includes('--check')) {
    const result = checkGenerated();
    if (result.skipped) {
      console.log(`aws models check skipped: ${result.reason}`);
      return 0;
    }
    if (result.stale.length > 0) {
      console.error(
        `Stale generated AWS model files (run npx tsx scripts/generate-aws-models.ts):\n` +
          result.stale.map((f) => `  ${f}`).join('\n'),
      );
      return 1;
    }
    console.log('aws models: generated files are current');
    return 0;
  }
  mkdirSync(OUTPUT_DIR, { recursive: true });
  for (const file of generateAll()) {
    writeFileSync(file.path, file.content);
    console.log(`wrote ${relative(REPO_ROOT, file.path)}`);
  }
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
