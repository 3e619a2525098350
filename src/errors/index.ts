/**
 * The error catalog and its helpers.
 *
 * ### Examples
 * ```ts
 * import { catalog, voxError } from '../errors/index.js';
 * throw voxError(catalog.MissingAudioParam);
 * ```
 */
export { catalog, allErrors, type CatalogId } from './catalog.js';
export { CONFLICT_TYPES, type ConflictType } from './catalog/voiceid.js';
export type { ApiId, ErrorDefinition, FieldSpec, ParamSpec } from './error-definition.js';
export { VoxgateError, voxError, isVoxgateError, formatMessage } from './voxgate-error.js';
export { renderErrorListing } from './render-listing.js';
