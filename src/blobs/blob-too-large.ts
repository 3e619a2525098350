import { formatS3Uri, type S3Uri } from './s3-uri.js';

/**
 * An object over the `maxBytes` its reader allows. Deliberately not a catalogued error: what
 * "too large" becomes on the wire is the caller's decision (a batch job's FailureDetails, an
 * item error), so the blob store reports the fact and callers map it.
 */
export class BlobTooLarge extends Error {
  readonly uri: S3Uri;
  /** The cap that was crossed. */
  readonly maxBytes: number;
  /** The object's size when the backend told it; undefined when the bytes ran over the cap. */
  readonly size: number | undefined;

  constructor(uri: S3Uri, maxBytes: number, size?: number) {
    super(
      `${formatS3Uri(uri)} is larger than the ${maxBytes} bytes allowed` +
        (size === undefined ? '' : ` (${size} bytes)`),
    );
    this.name = 'BlobTooLarge';
    this.uri = uri;
    this.maxBytes = maxBytes;
    this.size = size;
  }
}
