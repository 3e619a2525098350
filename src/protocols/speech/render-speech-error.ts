import type { FastifyReply, FastifyRequest } from 'fastify';
import { catalog, isVoxgateError, voxError, type VoxgateError } from '../../errors/index.js';
import { isClientAbort } from '../http/client-abort.js';
import { fromFastifyError } from '../http/fastify-error-map.js';

/**
 * The speech API's error body (REST): the exception name and message of the seed's listing,
 * its parameters as members, and the request id:
 * `{"status":"error","error":"InvalidSessionToken","message":"Invalid session token: vxs_…","token":"vxs_…","request_id":"…"}`.
 */
export function speechErrorBody(error: VoxgateError, requestId: string): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  // A parameter named like a member of the body (ASRInterProcessException's `error`) keeps the
  // name and the value apart: it becomes `<name>_detail`.
  for (const [k, v] of Object.entries(error.params))
    params[RESERVED.has(k) ? `${k}_detail` : k] = v;
  return {
    ...params,
    status: 'error',
    error: error.definition.name,
    message: error.message,
    request_id: requestId,
  };
}

const RESERVED = new Set(['status', 'error', 'message', 'request_id', 'type']);

export function sendSpeechError(reply: FastifyReply, error: VoxgateError): FastifyReply {
  reply.request.labels.errorName = error.definition.name;
  return reply
    .code(error.status)
    .type('application/json')
    .send(speechErrorBody(error, reply.request.id));
}

/** Anything uncatalogued is logged with its detail and answered as FailedToUseAudio. */
export function speechErrorHandler(bodyLimit: number) {
  return (error: Error, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    if (isVoxgateError(error)) return sendSpeechError(reply, error);
    if (isClientAbort(error)) {
      request.log.info('client went away before the request was complete');
      return reply;
    }
    const mapped = fromFastifyError(error, { bodyLimit }, request.headers['content-type']);
    if (mapped) return sendSpeechError(reply, mapped);
    request.log.error({ err: error }, 'unexpected error while scoring audio');
    return sendSpeechError(reply, voxError(catalog.FailedToUseAudio));
  };
}
