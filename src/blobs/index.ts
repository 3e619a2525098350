/**
 * Blob storage addressed by `s3://bucket/key` (local directory by default).
 *
 * ### Examples
 * ```ts
 * const blobs = new LocalBlobStore(path.join(config.dataDir, 'blobs'));
 * ```
 */
export { LocalBlobStore, parseS3Uri, type BlobStore, type S3Uri } from './blob-store.js';
