import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type GetObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { maxBytesOf, type BlobGetOptions, type BlobStore } from './blob-store.js';
import { BlobStoreUnavailable, type BlobStoreFailure } from './blob-store-unavailable.js';
import { BlobTooLarge } from './blob-too-large.js';
import { InvalidBlobKey } from './invalid-blob-key.js';
import type { S3Uri } from './s3-uri.js';

/** How long connecting to the service may take before the attempt counts as failed. */
export const DEFAULT_S3_CONNECT_TIMEOUT_MS = 5_000;
/** How long a connection may carry nothing, mid-request or mid-object, before it is dropped. */
export const DEFAULT_S3_SOCKET_IDLE_TIMEOUT_MS = 30_000;

export interface S3BlobStoreOptions {
  /**
   * The service's URL (`http://127.0.0.1:9000` for MinIO, Ceph, moto…); undefined for Amazon
   * S3 itself, in `region`.
   */
  readonly endpoint?: string | undefined;
  /** The region requests are signed for. */
  readonly region: string;
  /** Undefined: the AWS SDK's default credential chain (environment, ~/.aws, instance roles). */
  readonly credentials?:
    { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
  /** `<endpoint>/<bucket>/<key>` instead of `<bucket>.<endpoint>/<key>` (most S3-compatible services). */
  readonly forcePathStyle?: boolean;
  readonly connectTimeoutMs?: number;
  readonly socketIdleTimeoutMs?: number;
}

/** What S3 answers for an object that is not there (GetObject's NoSuchKey, HEAD's bare 404). */
const MISSING = new Set(['NoSuchKey', 'NoSuchBucket', 'NotFound']);
/** Addresses S3 refuses outright: no object can be stored there, so none is there to read. */
const UNADDRESSABLE = new Set(['InvalidBucketName', 'KeyTooLongError']);
const CREDENTIAL_ERRORS = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'InvalidSecurity',
  'CredentialsProviderError',
]);
const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'TimeoutError',
  'RequestTimeout',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/**
 * The blob store on an S3-compatible service, through `@aws-sdk/client-s3`: `s3://b/k` is the
 * object `k` of the bucket `b` there, as it is for the Voice ID users who keep their manifests
 * and recordings in S3. Missing objects and buckets read as undefined; every other failure of
 * the service is a {@link BlobStoreUnavailable} saying what to check, never with credentials in
 * it. Keys are passed as they are (S3 keys are opaque: `a/../b` is a key of its own).
 *
 * This module loads the SDK; `openBlobStore` imports it only when the configuration asks for S3.
 *
 * ### Examples
 * ```ts
 * const blobs = new S3BlobStore({
 *   endpoint: 'http://127.0.0.1:9000',
 *   region: 'us-east-1',
 *   credentials: { accessKeyId, secretAccessKey },
 *   forcePathStyle: true,
 * });
 * await blobs.put({ bucket: 'input', key: 'manifest.json' }, bytes);
 * ```
 */
export class S3BlobStore implements BlobStore {
  readonly #client: S3Client;
  /** The service, for messages: the endpoint's origin (no user info, path or query). */
  readonly #service: string;

  constructor(options: S3BlobStoreOptions) {
    this.#service =
      options.endpoint === undefined
        ? `Amazon S3 (${options.region})`
        : safeOrigin(options.endpoint);
    this.#client = new S3Client({
      region: options.region,
      ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
      ...(options.credentials !== undefined && {
        credentials: {
          accessKeyId: options.credentials.accessKeyId,
          secretAccessKey: options.credentials.secretAccessKey,
        },
      }),
      forcePathStyle: options.forcePathStyle ?? false,
      // The SDK's default CRC checksums on every request and response (since early 2025) are
      // refused or ignored by many S3-compatible services; Amazon S3 itself keeps them. Puts
      // stay verified either way: SigV4 signs the body's SHA-256.
      ...(options.endpoint !== undefined && {
        requestChecksumCalculation: 'WHEN_REQUIRED' as const,
        responseChecksumValidation: 'WHEN_REQUIRED' as const,
      }),
      requestHandler: {
        connectionTimeout: options.connectTimeoutMs ?? DEFAULT_S3_CONNECT_TIMEOUT_MS,
        socketTimeout: options.socketIdleTimeoutMs ?? DEFAULT_S3_SOCKET_IDLE_TIMEOUT_MS,
      },
    });
  }

  async get(uri: S3Uri, options?: BlobGetOptions): Promise<Buffer | undefined> {
    const maxBytes = maxBytesOf(options);
    let out: GetObjectCommandOutput;
    try {
      out = await this.#client.send(new GetObjectCommand({ Bucket: uri.bucket, Key: uri.key }));
    } catch (e) {
      const code = errorCode(e);
      if (MISSING.has(code) || UNADDRESSABLE.has(code) || httpStatus(e) === 404) return undefined;
      throw this.#unavailable('get', uri, e);
    }
    const size = out.ContentLength;
    if (size !== undefined && size > maxBytes) {
      destroyBody(out.Body);
      throw new BlobTooLarge(uri, maxBytes, size);
    }
    try {
      const bytes = await readAtMost(out.Body, uri, maxBytes);
      if (size !== undefined && bytes.length !== size)
        throw Object.assign(new Error('the object ended early'), {
          code: 'ERR_STREAM_PREMATURE_CLOSE',
        });
      return bytes;
    } catch (e) {
      if (e instanceof BlobTooLarge) throw e;
      throw this.#unavailable('get', uri, e);
    }
  }

  async put(uri: S3Uri, bytes: Uint8Array): Promise<void> {
    try {
      await this.#client.send(
        new PutObjectCommand({
          Bucket: uri.bucket,
          Key: uri.key,
          Body: bytes,
          ContentLength: bytes.byteLength,
        }),
      );
    } catch (e) {
      if (UNADDRESSABLE.has(errorCode(e)))
        throw new InvalidBlobKey(uri, `${this.#service} refuses the address (${errorCode(e)})`);
      throw this.#unavailable('put', uri, e);
    }
  }

  /** Closes the client's connections; the store answers nothing afterwards. */
  destroy(): void {
    this.#client.destroy();
  }

  #unavailable(operation: 'get' | 'put', uri: S3Uri, e: unknown): BlobStoreUnavailable {
    const code = errorCode(e);
    return new BlobStoreUnavailable({
      reason: failureOf(code, httpStatus(e)),
      operation,
      uri,
      code: code || 'unknown error',
      service: this.#service,
    });
  }
}

/** The error's S3 code, SDK error name or Node system error code ('' when it has none). */
function errorCode(e: unknown): string {
  if (e instanceof S3ServiceException) return e.name;
  if (typeof e !== 'object' || e === null) return '';
  const { code, name } = e as { code?: unknown; name?: unknown };
  if (typeof code === 'string' && code !== '') return code;
  return typeof name === 'string' && name !== 'Error' ? name : '';
}

function httpStatus(e: unknown): number | undefined {
  return e instanceof S3ServiceException ? e.$metadata.httpStatusCode : undefined;
}

function failureOf(code: string, status: number | undefined): BlobStoreFailure {
  if (CREDENTIAL_ERRORS.has(code)) return 'credentials';
  if (code === 'AccessDenied' || status === 403) return 'access-denied';
  if (code === 'NoSuchBucket') return 'no-such-bucket';
  if (NETWORK_ERRORS.has(code) || (status !== undefined && status >= 500)) return 'unreachable';
  return 'failed';
}

/** The body's bytes, refused as soon as more than `maxBytes` have arrived. */
async function readAtMost(
  body: GetObjectCommandOutput['Body'],
  uri: S3Uri,
  maxBytes: number,
): Promise<Buffer> {
  if (body === undefined) return Buffer.alloc(0);
  if (!(body instanceof Readable)) {
    // Not Node's stream (another runtime's fetch body): no early stop, but the cap still holds.
    const bytes = Buffer.from(await body.transformToByteArray());
    if (bytes.length > maxBytes) throw new BlobTooLarge(uri, maxBytes);
    return bytes;
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw new BlobTooLarge(uri, maxBytes);
      chunks.push(chunk);
    }
  } finally {
    if (!body.readableEnded) body.destroy();
  }
  return Buffer.concat(chunks, total);
}

function destroyBody(body: GetObjectCommandOutput['Body']): void {
  if (body instanceof Readable) body.destroy();
}

/** An endpoint for messages: its origin only, so that user info in the URL is never shown. */
function safeOrigin(endpoint: string): string {
  try {
    return new URL(endpoint).origin;
  } catch {
    return '(an invalid endpoint URL)';
  }
}
