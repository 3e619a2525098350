import type { FastifyReply } from 'fastify';
import type { VoxgateError } from '../../errors/index.js';

/**
 * Puts a catalogued error on the wire the way both generations of the official SDK read it
 * (reference/aws-apis.md §4): the same name in `x-amzn-ErrorType` and `__type` (the Identity
 * Store client reads the body first, the Voice ID client the header first), the message in both
 * casings, extra members in PascalCase, status from the model.
 */
export function sendAwsError(
  reply: FastifyReply,
  error: VoxgateError,
  contentType: string,
): FastifyReply {
  const def = error.definition;
  reply.request.labels.errorName = def.name;
  const body: Record<string, unknown> = {
    __type: def.name,
    Message: error.message,
    message: error.message,
  };
  for (const [name, field] of Object.entries(def.fields)) {
    const s = field.source;
    const value = 'const' in s ? s.const : 'param' in s ? error.params[s.param] : reply.request.id;
    if (value !== '') body[name] = value;
  }
  for (const [header, { param }] of Object.entries(def.headers ?? {})) {
    const value = error.params[param];
    if (value !== undefined) reply.header(header, String(value));
  }
  return reply
    .code(def.status)
    .header('x-amzn-ErrorType', def.name)
    .type(contentType)
    .send(JSON.stringify(body));
}
