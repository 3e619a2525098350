/**
 * Blob storage addressed by `s3://bucket/key`: a local directory by default, or an
 * S3-compatible service (`blobBackend` s3). `openBlobStore` picks the backend from the
 * configuration; the S3 SDK is loaded only when it is used. Both backends throw the same typed
 * errors (BlobTooLarge, InvalidBlobKey, BlobStoreUnavailable) for callers to map to their own
 * catalogued errors.
 *
 * ### Examples
 * ```ts
 * const blobs = await openBlobStore(config);
 * try {
 *   const manifest = await blobs.get(parseS3Uri(spec.inputS3Uri)!, { maxBytes: 1_048_576 });
 *   if (!manifest) return fail(400, `The manifest ${spec.inputS3Uri} does not exist`);
 * } catch (e) {
 *   if (e instanceof BlobTooLarge) return fail(400, e.message);
 *   if (e instanceof BlobStoreUnavailable) return fail(500, e.message); // e.reason says why
 *   throw e;
 * }
 * ```
 */
export { DEFAULT_MAX_BLOB_BYTES, type BlobGetOptions, type BlobStore } from './blob-store.js';
export {
  BlobStoreUnavailable,
  type BlobStoreFailure,
  type BlobStoreUnavailableInit,
} from './blob-store-unavailable.js';
export { BlobTooLarge } from './blob-too-large.js';
export { InvalidBlobKey } from './invalid-blob-key.js';
export { LocalBlobStore } from './local-blob-store.js';
export {
  BLOB_BACKENDS,
  InvalidBlobStoreSettings,
  checkBlobStoreSettings,
  openBlobStore,
  type BlobBackend,
  type BlobStoreSettings,
  type CheckedBlobStoreSettings,
} from './open-blob-store.js';
// Types only: the class itself is imported by openBlobStore when S3 is configured.
export type { S3BlobStore, S3BlobStoreOptions } from './s3-blob-store.js';
export { formatS3Uri, parseS3Uri, type S3Uri } from './s3-uri.js';
