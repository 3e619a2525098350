import type { ErrorDefinition, ErrorParams } from './error-definition.js';

const SLOT = /\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g;

/** Fills a `{name}` template. A missing parameter is a programming error and fails loudly. */
export function formatMessage(
  template: string,
  params: Readonly<Record<string, string | number>>,
): string {
  return template.replace(SLOT, (_m, key: string) => {
    const value = params[key];
    if (value === undefined)
      throw new TypeError(`missing error parameter '${key}' for template '${template}'`);
    return String(value);
  });
}

/**
 * An error from the catalog, thrown by domain code and rendered by each protocol's renderer.
 * Anything thrown that is not a `VoxgateError` is an internal failure: it is logged and
 * answered as the protocol's internal-server error, never with its message or stack.
 */
export class VoxgateError extends Error {
  readonly definition: ErrorDefinition;
  readonly params: Readonly<Record<string, string | number>>;

  constructor(
    definition: ErrorDefinition,
    params: Readonly<Record<string, string | number>>,
    options?: ErrorOptions,
  ) {
    super(formatMessage(definition.message, params), options);
    this.name = definition.name;
    this.definition = definition;
    this.params = params;
  }

  get status(): number {
    return this.definition.status;
  }
}

/**
 * Creates the catalogued error `definition` with its parameters, type-checked by name.
 *
 * ### Examples
 * ```ts
 * throw voxError(catalog.InvalidSessionToken, { token: redactToken(raw) });
 * ```
 */
export function voxError<D extends ErrorDefinition>(
  definition: D,
  ...params: keyof D['params'] extends never ? [] : [ErrorParams<D>]
): VoxgateError {
  return new VoxgateError(
    definition,
    (params[0] ?? {}) as Readonly<Record<string, string | number>>,
  );
}

export function isVoxgateError(e: unknown): e is VoxgateError {
  return e instanceof VoxgateError;
}
