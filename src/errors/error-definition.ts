/**
 * The shape of one catalogued error. Every error Voxgate can put on the wire is one
 * `ErrorDefinition`; several definitions may share a wire `name` when the protocol has one
 * exception for several conditions (AWS `ConflictException` with different `Reason`s), so each
 * condition keeps its own message template and description.
 */

/** The front doors (and request types of the speech API) an error belongs to. */
export type ApiId =
  | 'aws-json'
  | 'identitystore'
  | 'voiceid'
  | 'speech-unscripted'
  | 'speech-scripted'
  | 'admin'
  | 'server';

export interface ParamSpec {
  readonly type: 'str' | 'int';
  readonly description: string;
}

/** Where the value of an extra response member comes from. */
export type FieldSource =
  | { readonly const: string }
  /** A parameter's value; a parameter given as '' leaves the member out. */
  | { readonly param: string }
  /** The request id of the request being answered (AWS Identity Store puts it in its errors). */
  | { readonly requestId: true };

export interface FieldSpec {
  readonly source: FieldSource;
  readonly description: string;
  /** Every value this member can take on the wire (documentation and tests). */
  readonly values?: readonly string[];
}

export interface ApiUsage {
  readonly api: ApiId;
  /** Category heading in the listing, e.g. 'Audio Exceptions'. */
  readonly category: string;
}

export interface ErrorDefinition<P extends string = string> {
  /** Unique key in the catalog (stable, used in code and metrics docs). */
  readonly id: string;
  /** The error name on the wire, exactly as the seeds and models spell it. */
  readonly name: string;
  readonly status: number;
  /** Message template; `{param}` slots are filled from `params`. */
  readonly message: string;
  readonly params: Readonly<Record<P, ParamSpec>>;
  /** Extra response members, by wire name (PascalCase for the AWS doors). */
  readonly fields: Readonly<Record<string, FieldSpec>>;
  readonly description: string;
  readonly apis: readonly ApiUsage[];
  /**
   * Front doors that raise this error under the same condition but whose seed listing does not
   * name it (the listing keeps the seed's rows and adds a note instead of a row).
   */
  readonly alsoUsedBy?: readonly ApiId[];
  /** Whether a client may retry (AWS `retryable` trait). */
  readonly retryable?: boolean;
  /** Extra HTTP headers, by name, each from a param (e.g. Retry-After). */
  readonly headers?: Readonly<Record<string, { readonly param: P }>>;
}

/** Parameter values of a definition, typed by its declared names. */
export type ErrorParams<D extends ErrorDefinition> = {
  readonly [K in keyof D['params']]: string | number;
};

/** A catalog section: definitions keyed by id, each knowing its own id. */
export type DefinedErrors<T extends Record<string, Omit<ErrorDefinition, 'id'>>> = {
  readonly [K in keyof T & string]: T[K] & { readonly id: K };
};

/**
 * Declares a section of the catalog; keeps literal parameter names so `voxError` can check them.
 *
 * ### Examples
 * ```ts
 * export const speechErrors = defineErrors({ NoTokenProvided: { name: 'NoTokenProvided', … } });
 * ```
 */
export function defineErrors<const T extends Record<string, Omit<ErrorDefinition, 'id'>>>(
  defs: T,
): DefinedErrors<T> {
  const out: Record<string, ErrorDefinition> = {};
  for (const [id, def] of Object.entries(defs)) out[id] = Object.freeze({ ...def, id });
  return Object.freeze(out) as DefinedErrors<T>;
}
