/**
 * Raw signed requests for what the SDK cannot send (unknown operations, broken bodies): signed
 * with the SDK's own SigV4 signer, so only the part under test is wrong.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
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

export async function signedFetch(
  baseUrl: string,
  credentials: ClientCredentials | undefined,
  req: RawRequest,
): Promise<Response> {
  const url = new URL(baseUrl);
  const headers: Record<string, string> = { host: url.host, ...(req.headers ?? {}) };
  if (req.contentType !== undefined) headers['content-type'] = req.contentType;
  if (req.target !== undefined) headers['x-amz-target'] = req.target;
  const body = typeof req.body === 'string' ? Buffer.from(req.body) : req.body;
  let finalHeaders = headers;
  if (credentials) {
    const signer = new SignatureV4({
      credentials,
      region: 'us-east-1',
      service: req.service ?? 'identitystore',
      sha256: Sha256,
    });
    const signed = await signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/',
        headers,
        body,
      }),
      { unsignableHeaders: new Set(req.unsigned ?? []) },
    );
    finalHeaders = signed.headers;
  }
  finalHeaders = { ...finalHeaders, ...req.afterSigning };
  const { host: _host, ...sendable } = finalHeaders;
  return fetch(baseUrl + '/', { method: 'POST', headers: sendable, body });
}
