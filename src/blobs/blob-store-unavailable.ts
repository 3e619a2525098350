import { formatS3Uri, type S3Uri } from './s3-uri.js';

/**
 * Why a blob store could not do what was asked:
 * - `unreachable`: no answer (connection refused, DNS, timeouts, cut off mid-object, 5xx);
 * - `credentials`: the service does not accept the credentials (unknown key, bad signature,
 *   expired token) or none could be found;
 * - `access-denied`: the credentials are valid but may not do this;
 * - `no-such-bucket`: a put into a bucket that does not exist (Voxgate never creates buckets);
 * - `failed`: anything else, named by `code`.
 */
export type BlobStoreFailure =
  'unreachable' | 'credentials' | 'access-denied' | 'no-such-bucket' | 'failed';

export interface BlobStoreUnavailableInit {
  readonly reason: BlobStoreFailure;
  readonly operation: 'get' | 'put';
  readonly uri: S3Uri;
  /** The service's error code or the network error's (`InvalidAccessKeyId`, `ECONNREFUSED`). */
  readonly code: string;
  /** The service, for people: an endpoint's origin (never its user info) or "Amazon S3 (…)". */
  readonly service: string;
}

const ADVICE: Readonly<Record<BlobStoreFailure, (init: BlobStoreUnavailableInit) => string>> = {
  unreachable: () => 'check s3Endpoint and that the service is running and reachable',
  credentials: () =>
    'check s3AccessKeyId and s3SecretAccessKey (when neither is set, the AWS default credential chain: AWS_ACCESS_KEY_ID, ~/.aws, instance roles)',
  'access-denied': (i) =>
    i.operation === 'get'
      ? 'allow these credentials s3:GetObject on the bucket (and s3:ListBucket, so that a missing object is reported as missing)'
      : 'allow these credentials s3:PutObject on the bucket',
  'no-such-bucket': (i) =>
    `create the bucket ${i.uri.bucket} first (Voxgate does not create buckets)`,
  failed: (i) =>
    /Redirect|Region|AuthorizationHeaderMalformed/.test(i.code)
      ? 'check s3Region (the bucket may be in another region) and s3Endpoint'
      : "see the service's documentation of this error code",
};

const WHAT: Readonly<Record<BlobStoreFailure, string>> = {
  unreachable: 'could not be reached',
  credentials: 'did not accept the credentials',
  'access-denied': 'refused access',
  'no-such-bucket': 'has no such bucket',
  failed: 'failed',
};

/**
 * The blob store's service failed a get or put for a reason other than the object itself: the
 * caller turns it into its own catalogued error (a job fails and can be started again once the
 * service is back). The message names the service, the object and what to check; it never
 * carries credentials, and the underlying error is deliberately not attached as `cause` (loggers
 * print causes, and an SDK error is not ours to vouch for).
 */
export class BlobStoreUnavailable extends Error {
  readonly reason: BlobStoreFailure;
  readonly operation: 'get' | 'put';
  readonly uri: S3Uri;
  readonly code: string;
  readonly service: string;

  constructor(init: BlobStoreUnavailableInit) {
    super(
      `the blob store ${init.service} ${WHAT[init.reason]} (${init.code}) on ${init.operation} ${formatS3Uri(init.uri)}: ${ADVICE[init.reason](init)}`,
    );
    this.name = 'BlobStoreUnavailable';
    this.reason = init.reason;
    this.operation = init.operation;
    this.uri = init.uri;
    this.code = init.code;
    this.service = init.service;
  }
}
