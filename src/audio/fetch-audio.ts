import { lookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import net from 'node:net';
import { catalog, VoxgateError } from '../errors/index.js';
import { AddressPolicy } from './address-policy.js';
import { AudioLimitExceeded } from './audio-limit-exceeded.js';
import type { AudioLimits } from './audio-limits.js';

/** How audio URLs are fetched. */
export interface FetchPolicy {
  /** The whole fetch, redirects and body included. */
  readonly timeoutMs: number;
  /** Each connection, until connected (and, for https, the TLS handshake done). */
  readonly connectTimeoutMs: number;
  readonly maxRedirects: number;
  /**
   * Private, loopback, link-local and other special addresses that may be fetched anyway: CIDRs
   * (`127.0.0.1/32`, `10.0.0.0/8`, `fd00::/8`), single addresses, or host names.
   */
  readonly allow: readonly string[];
}

/** 30 s in all, 5 s to connect, 5 redirects, public addresses only. */
export const DEFAULT_FETCH_POLICY: FetchPolicy = Object.freeze({
  timeoutMs: 30_000,
  connectTimeoutMs: 5_000,
  maxRedirects: 5,
  allow: Object.freeze([]),
});

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const INITIAL_BODY_BUFFER = 64 * 1024;

/**
 * Downloads audio over http or https. Every hop (the URL and each redirect) is checked: its
 * host name is resolved, every address it resolves to must be permitted by the policy, and the
 * connection goes to the address that was checked (the request's `lookup` answers with it), so
 * a second DNS answer cannot swap in a private address. The body is counted as it streams and
 * the download stops at `limits.maxBytes`.
 *
 * Throws `FailedToReadAudioFromURL` (with the reason as `cause`) for any failure, and
 * {@link AudioLimitExceeded} when the body is larger than `limits.maxBytes`.
 */
export async function fetchAudio(
  url: string,
  limits: AudioLimits,
  policy: FetchPolicy = DEFAULT_FETCH_POLICY,
): Promise<Uint8Array> {
  const addresses = new AddressPolicy(policy.allow);
  const abort = new AbortController();
  const timer = setTimeout(
    () => abort.abort(new Error(`timed out after ${policy.timeoutMs} ms`)),
    policy.timeoutMs,
  );
  try {
    let current = new URL(url);
    for (let hop = 0; ; hop++) {
      const response = await withAbort(
        request(current, addresses, policy, abort.signal),
        abort.signal,
      );
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECTS.has(status) && location !== undefined) {
        response.destroy();
        if (hop >= policy.maxRedirects)
          throw new Error(`more than ${policy.maxRedirects} redirects`);
        current = new URL(location, current);
        continue;
      }
      if (status < 200 || status > 299) {
        response.destroy();
        throw new Error(`HTTP ${status} from ${current.host}`);
      }
      return await withAbort(readBody(response, limits), abort.signal);
    }
  } catch (e) {
    if (e instanceof AudioLimitExceeded) throw e;
    throw new VoxgateError(catalog.FailedToReadAudioFromURL, {}, { cause: e });
  } finally {
    clearTimeout(timer);
    abort.abort(new Error('done'));
  }
}

async function request(
  url: URL,
  addresses: AddressPolicy,
  policy: FetchPolicy,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') throw new Error(`unsupported scheme ${url.protocol}`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const target = await resolve(host, addresses);
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all === true) callback(null, [target]);
    else callback(null, target.address, target.family);
  };
  return new Promise((resolveResponse, reject) => {
    const req = (secure ? https : http).request({
      protocol: url.protocol,
      host,
      port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: { accept: '*/*', 'accept-encoding': 'identity', 'user-agent': 'voxgate' },
      ...(url.username === ''
        ? {}
        : { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` }),
      lookup: pinned,
      agent: false,
      signal,
    });
    req.once('socket', (socket) => {
      const timer = setTimeout(
        () => req.destroy(new Error(`could not connect within ${policy.connectTimeoutMs} ms`)),
        policy.connectTimeoutMs,
      );
      socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(timer));
      socket.once('close', () => clearTimeout(timer));
    });
    req.once('response', resolveResponse);
    // `on`, not `once`: an abort after the response must not become an unhandled 'error'.
    req.on('error', reject);
    req.end();
  });
}

/** The address to connect to: `host` itself if it is one, else its first resolved address. */
async function resolve(
  host: string,
  addresses: AddressPolicy,
): Promise<{ address: string; family: number }> {
  const literal = net.isIP(host);
  const resolved =
    literal !== 0
      ? [{ address: host, family: literal }]
      : await lookup(host, { all: true, verbatim: true });
  if (resolved.length === 0) throw new Error(`${host} has no address`);
  for (const { address } of resolved)
    if (!addresses.permits(host, address))
      throw new Error(`${host} resolves to ${address}, which is not a public address`);
  return resolved[0]!;
}

async function readBody(response: IncomingMessage, limits: AudioLimits): Promise<Uint8Array> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    response.destroy();
    throw new AudioLimitExceeded('maxBytes', declared, limits.maxBytes);
  }
  let body = new Uint8Array(declared > 0 ? declared : INITIAL_BODY_BUFFER);
  let length = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    if (length + chunk.byteLength > limits.maxBytes) {
      response.destroy();
      throw new AudioLimitExceeded('maxBytes', length + chunk.byteLength, limits.maxBytes);
    }
    if (length + chunk.byteLength > body.byteLength) {
      const grown = new Uint8Array(
        Math.min(limits.maxBytes, Math.max(length + chunk.byteLength, body.byteLength * 2)),
      );
      grown.set(body.subarray(0, length));
      body = grown;
    }
    body.set(chunk, length);
    length += chunk.byteLength;
  }
  if (length === 0) throw new Error('empty body');
  return length === body.byteLength ? body : body.slice(0, length);
}

/** Rejects as soon as `signal` aborts, whatever `work` is waiting for (DNS cannot be cancelled). */
function withAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolveWork, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolveWork(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}
