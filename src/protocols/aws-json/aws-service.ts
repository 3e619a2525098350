import type { FastifyBaseLogger } from 'fastify';
import type { ErrorDefinition } from '../../errors/index.js';
import type { OperationTable, ServiceInfo, ShapeTable } from './shape-table.js';

/** The generated model module of one AWS service (`generated/*-model.ts`). */
export interface AwsServiceModel {
  readonly SERVICE: ServiceInfo;
  readonly OPERATIONS: OperationTable;
  readonly SHAPES: ShapeTable;
}

/** What a handler knows about the call besides its input. No HTTP objects cross this line. */
export interface AwsCallContext {
  readonly requestId: string;
  /** Scheme and host the caller reached this server at (`http://voxgate.example:4000`). */
  readonly origin: string;
  readonly accessKeyId: string;
  readonly region: string;
  readonly log: FastifyBaseLogger;
}

/** Operation types as the generator emits them: `{ Op: { input: I; output: O } }`. */
export type OperationTypeMap<OT> = {
  readonly [K in keyof OT]: { readonly input: unknown; readonly output: unknown };
};

export type AwsHandlers<OT extends OperationTypeMap<OT>> = {
  readonly [K in keyof OT]?: (
    input: OT[K]['input'],
    ctx: AwsCallContext,
  ) => Promise<OT[K]['output']>;
};

type ErasedHandler = (input: unknown, ctx: AwsCallContext) => Promise<unknown>;

/** One AWS service behind the JSON front door: its model, its own error shapes and its handlers. */
export interface AwsService {
  readonly id: 'identitystore' | 'voiceid';
  readonly model: AwsServiceModel;
  readonly errors: {
    /** The service's ValidationException (`{detail}`). */
    readonly validation: ErrorDefinition<'detail'>;
    /** The service's InternalServerException (`{requestId}`). */
    readonly internal: ErrorDefinition<'requestId'>;
  };
  readonly handlers: Readonly<Record<string, ErasedHandler | undefined>>;
}

/**
 * Declares a service with handlers typed by the generated `OperationTypes`.
 *
 * ### Examples
 * ```ts
 * const identityStore = defineAwsService<OperationTypes>('identitystore', model, errors, {
 *   DescribeUser: async (input, ctx) => describeUser(store, input),
 * });
 * ```
 */
export function defineAwsService<OT extends OperationTypeMap<OT>>(
  id: AwsService['id'],
  model: AwsServiceModel,
  errors: AwsService['errors'],
  handlers: AwsHandlers<OT>,
): AwsService {
  return {
    id,
    model,
    errors,
    handlers: handlers as Readonly<Record<string, ErasedHandler | undefined>>,
  };
}
