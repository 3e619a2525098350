import type { FastifyReply, FastifyRequest } from 'fastify';
import { catalog, isVoxgateError, voxError, type VoxgateError } from '../../errors/index.js';
import { isClientAbort } from './client-abort.js';
import { fromFastifyError } from './fastify-error-map.js';

/**
 * Renders a catalogued error in Voxgate's own JSON shape (admin API, operational routes):
 * `{"error": <name>, "message": <text>, "requestId": <id>, ...params}`.
 */
export function sendPlainError(reply: FastifyReply, error: VoxgateError): FastifyReply {
  reply.request.labels.errorName = error.definition.name;
  const fields: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(error.definition.fields)) {
    if ('const' in f.source) fields[name] = f.source.const;
    else if ('param' in f.source) fields[name] = error.params[f.source.param];
  }
  return reply
    .code(error.status)
    .type('application/json')
    .send({
      error: error.definition.name,
      message: error.message,
      requestId: reply.request.id,
      ...fields,
    });
}

/** The error handler of the plain-JSON surfaces: anything uncatalogued is logged and hidden. */
export function plainErrorHandler(bodyLimit: number) {
  return (error: Error, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    if (isVoxgateError(error)) return sendPlainError(reply, error);
    if (isClientAbort(error)) {
      request.log.info('client went away before the request was complete');
      return reply;
    }
    const mapped = fromFastifyError(error, { bodyLimit }, request.headers['content-type']);
    if (mapped?.definition === catalog.BodyTooLarge) reply.header('connection', 'close');
    if (mapped) return sendPlainError(reply, mapped);
    request.log.error({ err: error }, 'internal error');
    return sendPlainError(reply, voxError(catalog.InternalError, { requestId: request.id }));
  };
}
