import { formatS3Uri, type S3Uri } from './s3-uri.js';

/**
 * A key the backend cannot store as itself: for the local directory, one that would leave its
 * bucket's directory or alias another key (`..`, `.`, empty segments, a trailing `/`) or that
 * the file system refuses (a segment over 255 bytes); for S3, one the service rejects.
 */
export class InvalidBlobKey extends Error {
  readonly uri: S3Uri;

  constructor(uri: S3Uri, why: string) {
    super(`cannot store ${formatS3Uri(uri)}: ${why}`);
    this.name = 'InvalidBlobKey';
    this.uri = uri;
  }
}
