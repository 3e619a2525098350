import type { FastifyReply, FastifyRequest } from 'fastify';
import { catalog, isVoxgateError, voxError, type VoxgateError } from '../../errors/index.js';
import { isClientAbort } from '../http/client-abort.js';
import { fromFastifyError } from '../http/fastify-error-map.js';

/** What an error body is made of: a catalogued error now, or one stored with a failed job. */
export interface SpeechErrorParts {
  readonly name: string;
  readonly message: string;
  readonly params: Readonly<Record<string, unknown>>;
}

export const errorParts = (error: VoxgateError): SpeechErrorParts => ({
  name: error.definition.name,
  message: error.message,
  params: error.params,
});

/**
 * The speech API's error body, one shape for REST, async job results and the WebSocket: the
 * exception name and message of the seed's listing, its parameters as members, and the request
 * id when there is one:
 * `{"status":"error","error":"InvalidSessionToken","message":"Invalid session token: vxs_…","token":"vxs_…","request_id":"…"}`.
 * A parameter named like a member of the body (ASRInterProcessException's `error`) keeps the
 * name and the value apart: it becomes `<name>_detail`.
 */
export function speechErrorBody(
  error: VoxgateError | SpeechErrorParts,
  requestId?: string,
): Record<string, unknown> {
  const parts = 'definition' in error ? errorParts(error) : error;
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parts.params))
    params[RESERVED.has(k) ? `${k}_detail` : k] = v;
  return {
    ...params,
    status: 'error',
    error: parts.name,
    message: parts.message,
    ...(requestId !== undefined && { request_id: requestId }),
  };
}

const RESERVED = new Set(['status', 'error', 'message', 'request_id', 'type', 'stream_id']);

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
