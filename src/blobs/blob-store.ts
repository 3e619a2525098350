import type { S3Uri } from './s3-uri.js';

/**
 * What {@link BlobStore.get} reads at most when the caller names no cap: 64 MiB, above Voice
 * ID's 20 MB per audio file and any realistic manifest. Callers that know their limit pass it.
 */
export const DEFAULT_MAX_BLOB_BYTES = 64 * 1024 * 1024;

export interface BlobGetOptions {
  /**
   * The largest object returned, in bytes (default {@link DEFAULT_MAX_BLOB_BYTES}). A larger
   * one is refused with `BlobTooLarge`, from its size where the backend tells it, before its
   * bytes are read, and otherwise as soon as more than this many have arrived.
   */
  readonly maxBytes?: number;
}

/**
 * Where manifests, audio and job outputs live: `s3://bucket/key` addresses, in a local
 * directory (`LocalBlobStore`) or an S3-compatible service (`S3BlobStore`); `openBlobStore`
 * picks one from the configuration.
 *
 * Both backends throw the same typed errors, which callers turn into their own catalogued
 * errors: `BlobTooLarge` (over `maxBytes`), `InvalidBlobKey` (a key the backend cannot hold,
 * on put) and `BlobStoreUnavailable` (the service cannot be reached, refuses the credentials
 * or the access).
 */
export interface BlobStore {
  /** The object's bytes, or undefined when it does not exist (nor its bucket). */
  get(uri: S3Uri, options?: BlobGetOptions): Promise<Buffer | undefined>;
  /** Stores the object whole: a reader sees the old bytes or the new ones, never a part. */
  put(uri: S3Uri, bytes: Uint8Array): Promise<void>;
}

/** `options.maxBytes`, checked, or the default. */
export function maxBytesOf(options: BlobGetOptions | undefined): number {
  const maxBytes = options?.maxBytes ?? DEFAULT_MAX_BLOB_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0)
    throw new RangeError(`maxBytes must be a non-negative integer, got ${maxBytes}`);
  return maxBytes;
}
