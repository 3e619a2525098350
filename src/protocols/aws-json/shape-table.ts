// Types of the data tables that scripts/generate-aws-models.ts writes into ./generated/ from the
// Smithy models. The tables are plain data (no functions, no RegExp objects) so the generated files
// stay diffable and shape-validator.ts can compile them once at start-up.
//
// Shapes are keyed by their short name (namespace stripped; the generator refuses collisions).
// Member-level constraint traits are not supported: the generator fails if a model uses them, so
// every constraint lives on the target shape.

export type JsonValue =
  null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface LengthConstraint {
  readonly min?: number;
  readonly max?: number;
}

export interface RangeConstraint {
  readonly min?: number;
  readonly max?: number;
}

export interface PatternConstraint {
  /** As written in the model (Java regex syntax); AWS quotes this text in validation messages. */
  readonly source: string;
  /** Equivalent ECMAScript source, to be compiled with the `u` flag. */
  readonly js: string;
}

export interface MemberInfo {
  readonly target: string;
  /** Wire name; awsJson has no jsonName trait, so this is always the member name. */
  readonly jsonName: string;
  readonly required: boolean;
  /** The member or its target carries `smithy.api#sensitive`: its value is never echoed. */
  readonly sensitive: boolean;
  readonly idempotencyToken: boolean;
  readonly default?: JsonValue;
}

export interface ErrorInfo {
  readonly error: 'client' | 'server';
  /** `smithy.api#httpError`, else 400 for client and 500 for server errors. */
  readonly httpStatus: number;
  readonly retryable: boolean;
  readonly throttling: boolean;
}

interface ShapeBase {
  readonly sensitive?: true;
}

export interface StructureShape extends ShapeBase {
  readonly type: 'structure';
  /** In model order, which is also the order AWS reports violations in. */
  readonly members: Readonly<Record<string, MemberInfo>>;
  readonly error?: ErrorInfo;
}

export interface UnionShape extends ShapeBase {
  readonly type: 'union';
  readonly members: Readonly<Record<string, MemberInfo>>;
}

export interface ListShape extends ShapeBase {
  readonly type: 'list';
  readonly member: string;
  readonly memberSensitive: boolean;
  readonly uniqueItems: boolean;
  readonly length?: LengthConstraint;
}

export interface MapShape extends ShapeBase {
  readonly type: 'map';
  readonly key: string;
  readonly value: string;
  readonly valueSensitive: boolean;
  readonly length?: LengthConstraint;
}

export interface StringShape extends ShapeBase {
  readonly type: 'string';
  readonly length?: LengthConstraint;
  readonly pattern?: PatternConstraint;
  /** Values of a Smithy 1 `smithy.api#enum` trait, in model order. */
  readonly enum?: readonly string[];
}

export interface EnumShape extends ShapeBase {
  readonly type: 'enum';
  readonly values: readonly string[];
}

export interface IntEnumShape extends ShapeBase {
  readonly type: 'intEnum';
  readonly values: readonly number[];
}

export interface IntegerShape extends ShapeBase {
  readonly type: 'byte' | 'short' | 'integer' | 'long' | 'bigInteger';
  readonly range?: RangeConstraint;
}

export interface FloatShape extends ShapeBase {
  readonly type: 'float' | 'double' | 'bigDecimal';
  readonly range?: RangeConstraint;
}

export interface BlobShape extends ShapeBase {
  readonly type: 'blob';
  /** In decoded bytes. */
  readonly length?: LengthConstraint;
}

export interface SimpleShape extends ShapeBase {
  /** Timestamps are epoch seconds on the awsJson wire. */
  readonly type: 'boolean' | 'timestamp' | 'document';
}

export type Shape =
  | StructureShape
  | UnionShape
  | ListShape
  | MapShape
  | StringShape
  | EnumShape
  | IntEnumShape
  | IntegerShape
  | FloatShape
  | BlobShape
  | SimpleShape;

export type ShapeTable = Readonly<Record<string, Shape>>;

export interface PaginationInfo {
  readonly inputToken: string;
  readonly outputToken: string;
  readonly items: string;
  readonly pageSize: string;
}

export interface OperationInfo {
  /** Short shape name; null when the model says `smithy.api#Unit`. */
  readonly input: string | null;
  readonly output: string | null;
  /** Short error shape names: the operation's own plus the service-level ones, sorted. */
  readonly errors: readonly string[];
  readonly readonly: boolean;
  /** The `smithy.api#idempotent` trait only; readonly operations are idempotent too. */
  readonly idempotent: boolean;
  readonly paginated?: PaginationInfo;
}

export type OperationTable = Readonly<Record<string, OperationInfo>>;

export interface ServiceInfo {
  readonly name: string;
  /** Prefix of X-Amz-Target: `<targetPrefix>.<Operation>`. */
  readonly targetPrefix: string;
  readonly jsonVersion: '1.0' | '1.1';
  /** SigV4 credential-scope service. */
  readonly signingName: string;
  readonly version: string;
}
