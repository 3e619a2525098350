import { catalog, voxError, type VoxgateError } from '../../errors/index.js';

interface FastifyLikeError {
  readonly code?: string;
  readonly message: string;
  readonly validation?: unknown;
  readonly statusCode?: number;
}

/**
 * Fastify's own errors (body parsing, limits, schema validation) as catalogued errors, so no
 * route ever answers with an error the catalog does not define.
 */
export function fromFastifyError(
  error: FastifyLikeError,
  limits: { bodyLimit: number },
  contentType: string | undefined,
): VoxgateError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return voxError(catalog.BodyTooLarge, { limitBytes: limits.bodyLimit });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return voxError(catalog.UnsupportedMediaType, { contentType: contentType ?? '(none)' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return voxError(catalog.MalformedBody, { detail: error.message });
    case 'FST_ERR_VALIDATION':
      return voxError(catalog.AdminBadRequest, { detail: error.message });
    default:
      if (error.validation) return voxError(catalog.AdminBadRequest, { detail: error.message });
      return undefined;
  }
}
