/**
 * Raw signed requests for what the SDK cannot send (unknown operations, broken bodies): signed
 * with the SDK's own SigV4 signer, so only the part under test is wrong.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { ClientCredentials } from './aws-clients.js';

export interface RawRequest {
  readonly target?: string;
  readonly contentType?: string;
  readonly body: string | Buffer;
  readonly service?: string;
  readonly headers?: Record<string, string>;
  /** Headers left out of SignedHeaders (a hostile client's choice). */
  readonly unsigned?: readonly string[];
  /** Headers set after signing: a replay that changes them. */
  readonly afterSigning?: Record<string, string>;
}

/**
 * SHA-256 for the SDK's signer from node:crypto (the pure-JS @aws-crypto/sha256-js takes seconds
 * over the megabytes of bodies a sweep signs); an HMAC when constructed with a key.
 */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytesOf = (d: SourceData): Uint8Array | string =>
  typeof d === 'string'
    ? d
    : ArrayBuffer.isView(d)
      ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength)
      : new Uint8Array(d);

class NodeSha256 {
  #hash: Hash | Hmac;
  readonly #secret: Uint8Array | string | undefined;
  constructor(secret?: SourceData) {
    this.#secret = secret === undefined ? undefined : bytesOf(secret);
    this.#hash = this.#fresh();
  }
  #fresh(): Hash | Hmac {
    return this.#secret === undefined ? createHash('sha256') : createHmac('sha256', this.#secret);
  }
  update(data: SourceData): void {
    this.#hash.update(bytesOf(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#hash.digest()));
  }
  reset(): void {
    this.#hash = this.#fresh();
  }
}

/** The headers of `req` for `host`, signed as the SDK signs (unless no credentials). */
export async function signedHeaders(
  host: string,
  credentials: ClientCredentials | undefined,
  req: RawRequest,
): Promise<{ headers: Record<string, string>; body: Buffer }> {
  const headers: Record<string, string> = { host, ...(req.headers ?? {}) };
  if (req.contentType !== undefined) headers['content-type'] = req.contentType;
  if (req.target !== undefined) headers['x-amz-target'] = req.target;
  const body = typeof req.body === 'string' ? Buffer.from(req.body) : req.body;
  let finalHeaders = headers;
  if (credentials) {
    const url = new URL(`http://${host}`);
    const signer = new SignatureV4({
      credentials,
      region: 'us-east-1',
      service: req.service ?? 'identitystore',
      sha256: NodeSha256,
    });
    const signed = await signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        port: url.port === '' ? undefined : Number(url.port),
        path: '/',
        headers,
        body,
      }),
      { unsignableHeaders: new Set(req.unsigned ?? []) },
    );
    finalHeaders = signed.headers;
  }
  return { headers: { ...finalHeaders, ...req.afterSigning }, body };
}

export async function signedFetch(
  baseUrl: string,
  credentials: ClientCredentials | undefined,
  req: RawRequest,
): Promise<Response> {
  const { headers, body } = await signedHeaders(new URL(baseUrl).host, credentials, req);
  const { host: _host, ...sendable } = headers;
  return fetch(baseUrl + '/', { method: 'POST', headers: sendable, body });
}
