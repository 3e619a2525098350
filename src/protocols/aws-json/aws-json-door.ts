import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { catalog, isVoxgateError, voxError, type VoxgateError } from '../../errors/index.js';
import type { AccessKeys } from '../../credentials/index.js';
import type { AwsService } from './aws-service.js';
import { sigV4Error } from './authenticate.js';
import { isClientAbort } from '../http/client-abort.js';
import { MAX_JSON_DEPTH, jsonNestingExceeds } from '../http/json-depth.js';
import { compileShapeValidator, type ShapeValidation } from './shape-validator.js';
import { SigV4Verifier } from './sigv4/index.js';
import { sendAwsError as renderAwsError } from './render-aws-error.js';

export interface AwsJsonDoorOptions {
  readonly services: readonly AwsService[];
  readonly accessKeys: AccessKeys;
  readonly maxBodyBytes: number;
  readonly clockSkewSeconds: number;
}

interface Operation {
  readonly service: AwsService;
  readonly name: string;
  readonly validate: (input: unknown) => ShapeValidation;
}

const contentTypeOf = (service: AwsService | undefined): string =>
  `application/x-amz-json-${service?.model.SERVICE.jsonVersion ?? '1.1'}`;

/**
 * The AWS JSON front door: `POST /` with `X-Amz-Target: <Prefix>.<Operation>`. Every request is
 * SigV4-verified against the stored access keys, then framed (content type, JSON), validated
 * against the model (validators compiled here, once) and dispatched to the service's handler.
 * Everything this door answers, success or failure, is in the AWS JSON shape.
 */
export async function awsJsonDoor(
  app: FastifyInstance,
  options: AwsJsonDoorOptions,
): Promise<void> {
  const byPrefix = new Map<string, AwsService>(
    options.services.map((s) => [s.model.SERVICE.targetPrefix, s]),
  );
  const operations = new Map<string, Operation>();
  for (const service of options.services) {
    for (const [name, info] of Object.entries(service.model.OPERATIONS)) {
      const validate = info.input
        ? compileShapeValidator(service.model.SHAPES, info.input)
        : () => ({ ok: true, value: {} }) as const;
      operations.set(`${service.model.SERVICE.targetPrefix}.${name}`, { service, name, validate });
    }
  }
  const signingNames = new Set(options.services.map((s) => s.model.SERVICE.signingName));
  const verifier = new SigV4Verifier();

  // The signature covers the exact bytes: take every body raw, whatever its content type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: options.maxBodyBytes },
    (_req, body, done) => done(null, body),
  );

  const serviceOf = (request: FastifyRequest): AwsService | undefined => {
    const target = request.headers['x-amz-target'];
    return typeof target === 'string' ? byPrefix.get(target.split('.')[0] ?? '') : undefined;
  };

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-amzn-RequestId', request.id);
    const target = request.headers['x-amz-target'];
    const op = typeof target === 'string' ? operations.get(target) : undefined;
    request.labels.api = serviceOf(request)?.id ?? 'aws-json';
    request.labels.operation = op?.name ?? 'unknown';
  });

  app.setErrorHandler((error: Error & { code?: string }, request, reply) => {
    const service = serviceOf(request);
    if (isVoxgateError(error)) return sendAwsError(reply, error, service);
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // The rest of the body is never read: close the connection instead of leaving the
      // client's upload stuck in a socket nobody drains.
      reply.header('connection', 'close');
      return sendAwsError(
        reply,
        voxError(catalog.RequestTooLarge, { limitBytes: options.maxBodyBytes }),
        service,
      );
    }
    if (isClientAbort(error)) {
      request.log.info('client went away before the request was complete');
      return reply;
    }
    request.log.error({ err: error }, 'internal error');
    const internal = (service ?? options.services[0])?.errors.internal ?? catalog.InternalError;
    return sendAwsError(reply, voxError(internal, { requestId: request.id }), service);
  });

  app.post('/', async (request, reply) => {
    const target = request.headers['x-amz-target'];
    const op = typeof target === 'string' ? operations.get(target) : undefined;
    const service = op?.service ?? serviceOf(request);
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);

    // 1. Who is calling. An unknown target is still authenticated first, against the service
    // its credential scope names, so unauthenticated callers learn nothing about operations.
    const auth = await verifier.verify(
      {
        method: request.method,
        path: request.url.split('?')[0] ?? '/',
        query: request.url.split('?')[1] ?? '',
        headers: request.headers,
        body,
      },
      {
        service: (scoped) =>
          service?.model.SERVICE.signingName ??
          (signingNames.has(scoped) ? scoped : 'identitystore'),
        now: new Date(),
        maxClockSkewSeconds: options.clockSkewSeconds,
        lookupSecret: (id) => options.accessKeys.resolveSecret(id),
      },
    );
    if (!auth.ok) throw sigV4Error(auth);

    // 2. What is called, and in which framing.
    if (!op)
      throw voxError(catalog.UnknownOperation, {
        target: typeof target === 'string' ? target : '(none)',
      });
    const expectedType = contentTypeOf(op.service);
    const contentType =
      (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (contentType !== expectedType) {
      throw voxError(catalog.UnsupportedContentType, {
        contentType: contentType || '(none)',
        expected: expectedType,
      });
    }
    const input = parseJsonObject(body);

    // 3. Is the input what the model allows.
    const checked = op.validate(input);
    if (!checked.ok) {
      throw checked.kind === 'serialization'
        ? voxError(catalog.WrongMemberType, { detail: checked.message })
        : voxError(op.service.errors.validation, { detail: checked.message });
    }

    // 4. Dispatch, with exactly the model's members: nothing else a caller sends goes further.
    const handler = op.service.handlers[op.name];
    if (!handler) throw voxError(catalog.NotImplemented, { operation: op.name });
    const output = await handler(checked.value, {
      requestId: request.id,
      origin: `${request.protocol}://${request.host}`,
      accessKeyId: auth.accessKeyId,
      region: auth.region,
      log: request.log,
    });
    return reply.type(expectedType).send(JSON.stringify(output ?? {}));
  });
}

function parseJsonObject(body: Buffer): unknown {
  if (body.length === 0) return {};
  const text = body.toString('utf8');
  if (jsonNestingExceeds(text, MAX_JSON_DEPTH)) {
    throw voxError(catalog.MalformedJson, {
      detail: `arrays and objects nest deeper than ${MAX_JSON_DEPTH} levels`,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw voxError(catalog.MalformedJson, { detail: (e as Error).message });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw voxError(catalog.MalformedJson, { detail: 'the top level must be an object' });
  }
  return value;
}

function sendAwsError(
  reply: FastifyReply,
  error: VoxgateError,
  service: AwsService | undefined,
): FastifyReply {
  return renderAwsError(reply, error, contentTypeOf(service));
}
