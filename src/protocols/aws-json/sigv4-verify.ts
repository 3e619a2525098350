// AWS Signature Version 4 verification for the AWS JSON endpoints (Identity Store, Voice ID).
//
// Pure and dependency-free (node:crypto only): no HTTP framework, no I/O. The caller hands in the
// request as received (method, raw path, raw query, lower-case headers, body bytes) and gets back
// either the authenticated access key or a failure code plus an AWS-worded message that may be sent
// on the wire verbatim. Messages never contain the secret, the expected signature or the canonical
// request.
//
// API: `SigV4Verifier` is the stateful class (it owns the bounded signing-key cache); `verifySigV4`
// is a thin wrapper around one module-level `SigV4Verifier`. Use the class when you want an isolated
// cache (tests, several listeners); use the function otherwise.
//
// Canonicalisation follows the SigV4 spec for non-S3 services, mirroring @smithy/signature-v4 (what
// the AWS SDKs use):
// - URI: the raw path is normalised ('.', '..' and empty segments removed, leading/trailing '/'
//   kept) and each segment is URI-encoded again (double encoding: '%20' on the wire -> '%2520').
// - Query: each name/value is percent-decoded (RFC 3986; '+' is a literal '+'), re-encoded with the
//   RFC 3986 unreserved set, sorted by name then value; 'X-Amz-Signature' is excluded; a parameter
//   without '=' is canonicalised as 'name='.
// - Headers: only SignedHeaders, lower-case names, values with CR/LF -> space, runs of space/tab
//   collapsed, trimmed; array values are trimmed individually and joined with ','. A signed header
//   that is absent canonicalises to an empty value (and so fails the signature check).
// - Payload: sha256 hex of the body bytes; a present x-amz-content-sha256 header must equal it.
//
// Checks run in this order: authentication present -> Authorization syntax -> date header ->
// host, date and every present x-amz-* and content-type header signed -> credential scope (terminator, date, region, service) -> clock skew -> payload hash ->
// access key lookup -> session token -> signature (constant-time comparison).
// Exceptions thrown by the lookup callbacks propagate to the caller.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedRequest {
  readonly method: string;
  /** Raw path without query, as received (e.g. '/'). */
  readonly path: string;
  /** Raw query string without '?', '' if none. */
  readonly query: string;
  /** Header names lower-case, as in Node's IncomingMessage.headers. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Buffer;
}

export interface VerifyOptions {
  /** Expected credential-scope service: 'identitystore' | 'voiceid'. */
  readonly service: string;
  readonly now: Date;
  /** e.g. 300 */
  readonly maxClockSkewSeconds: number;
  /** Synchronous; undefined = unknown key. */
  readonly lookupSecret: (accessKeyId: string) => string | undefined;
  /** Undefined: session tokens are not issued, so any x-amz-security-token is rejected. */
  readonly lookupSessionToken?: (token: string, accessKeyId: string) => boolean;
}

export type SigV4Failure =
  | 'missing-authentication'
  | 'incomplete-signature'
  | 'unknown-access-key'
  | 'invalid-security-token'
  | 'signature-expired'
  | 'signature-not-yet-current'
  | 'content-sha256-mismatch'
  | 'wrong-service'
  | 'signature-mismatch';

export type SigV4Result =
  | {
      readonly ok: true;
      readonly accessKeyId: string;
      readonly region: string;
      readonly signedAt: Date;
    }
  | {
      readonly ok: false;
      readonly failure: SigV4Failure;
      readonly message: string;
      /** For the two clock-skew failures: the parts of the message, for structured error rendering. */
      readonly skew?: SkewDetail;
    };

export interface SkewDetail {
  readonly signedAt: string;
  readonly bound: string;
  readonly now: string;
  /** Formatted as in the message, e.g. '5' or '2.5'. */
  readonly minutes: string;
}

export interface SigV4VerifierOptions {
  /** Maximum number of derived signing keys kept (least recently used evicted first). Default 256. */
  readonly signingKeyCacheSize?: number;
}

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
const DEFAULT_CACHE_SIZE = 256;

const MESSAGES = {
  missing: 'Missing Authentication Token',
  invalidToken: 'The security token included in the request is invalid.',
  mismatch:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  contentMismatch: "The provided 'x-amz-content-sha256' header does not match what was computed.",
  queryAuth:
    'Query-string authentication is not supported by this endpoint; sign with the Authorization header.',
} as const;

const ISO_BASIC_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const HEADER_NAME_RE = /^[!#$%&'*+.^_`|~0-9a-zA-Z-]+$/;
const HEX_RE = /^[0-9a-fA-F]{64}$/;

function fail(failure: SigV4Failure, message: string, skew?: SkewDetail): SigV4Result {
  return skew ? { ok: false, failure, message, skew } : { ok: false, failure, message };
}

/** Echo client-supplied text in a message: bounded length, printable ASCII only. */
function echo(value: string): string {
  const cleaned = value.replace(/[^\x20-\x7e]/g, '?');
  return cleaned.length > 64 ? `${cleaned.slice(0, 64)}...` : cleaned;
}

// ---------------------------------------------------------------------------------------------
// Encoding helpers

const ENCODE_TABLE: readonly string[] = Array.from({ length: 256 }, (_, b) => {
  const c = String.fromCharCode(b);
  return /[A-Za-z0-9\-._~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
});

/** RFC 3986 encoding of raw bytes (unreserved characters kept, everything else %XX upper-case). */
function encodeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += ENCODE_TABLE[b];
  return out;
}

function encodeString(value: string): string {
  return encodeBytes(Buffer.from(value, 'utf8'));
}

function isHex(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x46) ||
    (code >= 0x61 && code <= 0x66)
  );
}

/** Lenient percent-decoding to bytes: valid %XX become bytes, anything else is taken literally. */
function percentDecode(value: string): Buffer {
  if (!value.includes('%')) return Buffer.from(value, 'utf8');
  const parts: Buffer[] = [];
  let literalStart = 0;
  let i = 0;
  while (i < value.length) {
    if (
      value.charCodeAt(i) === 0x25 &&
      i + 2 < value.length &&
      isHex(value.charCodeAt(i + 1)) &&
      isHex(value.charCodeAt(i + 2))
    ) {
      if (i > literalStart) parts.push(Buffer.from(value.slice(literalStart, i), 'utf8'));
      parts.push(Buffer.from([parseInt(value.slice(i + 1, i + 3), 16)]));
      i += 3;
      literalStart = i;
    } else {
      i += 1;
    }
  }
  if (literalStart < value.length) parts.push(Buffer.from(value.slice(literalStart), 'utf8'));
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------
// Canonical request parts (exported for the unit tests and for diagnostics; pure functions)

/** Canonical URI for non-S3 services: normalised, each segment URI-encoded once more. */
export function canonicalUri(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const lead = rawPath.startsWith('/') || rawPath === '' ? '/' : '';
  const trail = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return `${lead}${segments.map(encodeString).join('/')}${trail}`;
}

/** Canonical query string: decoded, RFC 3986 re-encoded, sorted by name then value. */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq === -1 ? part : part.slice(0, eq);
    const rawValue = eq === -1 ? '' : part.slice(eq + 1);
    const name = encodeBytes(percentDecode(rawName));
    if (name.toLowerCase() === 'x-amz-signature') continue;
    pairs.push([name, encodeBytes(percentDecode(rawValue))]);
  }
  pairs.sort((a, b) =>
    a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0,
  );
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

type HeaderValue = string | readonly string[] | undefined;

/** Own-property header lookup: a client-chosen SignedHeaders name like '__proto__' finds nothing. */
function headerValue(headers: SignedRequest['headers'], name: string): HeaderValue {
  if (!Object.hasOwn(headers, name)) return undefined;
  const value: unknown = headers[name];
  return typeof value === 'string' || Array.isArray(value) ? (value as HeaderValue) : undefined;
}

/** Anything canonicalisation would change: line breaks, tabs, runs of spaces, edge spaces. */
const NEEDS_CANONICALISING = /[\r\n\t]| {2}|^ | $/;

function canonicalHeaderValue(value: HeaderValue): string {
  if (value === undefined) return '';
  const one = (v: string): string =>
    // Almost every header is already canonical: one test instead of three replacements.
    NEEDS_CANONICALISING.test(v)
      ? v
          .replace(/[\r\n]/g, ' ')
          .replace(/[ \t]+/g, ' ')
          .replace(/^ | $/g, '')
      : v;
  return typeof value === 'string' ? one(value) : value.map(one).join(',');
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

// Every request of the same second carries the same x-amz-date: one-entry memos make the date
// work (which profiling showed at ~10 % of a signed request) nearly free.
let lastFormattedSecond = NaN;
let lastFormatted = '';
function formatIsoBasic(date: Date): string {
  const second = Math.floor(date.getTime() / 1000);
  if (second !== lastFormattedSecond) {
    lastFormatted = date
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    lastFormattedSecond = second;
  }
  return lastFormatted;
}

let lastParsedText = '';
let lastParsedMs = NaN;
function parseIsoBasic(value: string): Date | undefined {
  if (value === lastParsedText) return new Date(lastParsedMs);
  const parsed = parseIsoBasicUncached(value);
  if (parsed) {
    lastParsedText = value;
    lastParsedMs = parsed.getTime();
  }
  return parsed;
}
function parseIsoBasicUncached(value: string): Date | undefined {
  const m = ISO_BASIC_RE.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Reject out-of-range fields (e.g. month 13) that Date.UTC would silently roll over.
  return formatIsoBasic(date) === value ? date : undefined;
}

function formatMinutes(seconds: number): string {
  const minutes = seconds / 60;
  return Number.isInteger(minutes) ? String(minutes) : String(Number(minutes.toFixed(2)));
}

function singleHeader(value: HeaderValue): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  return value.length === 1 ? value[0] : undefined;
}

/**
 * The first header present in the request that changes what it does but is not signed: every
 * `x-amz-*` header (X-Amz-Target picks the operation, X-Amz-Security-Token the identity,
 * X-Amz-Content-Sha256 the payload hash) and Content-Type (the protocol version). AWS requires
 * them signed; without this rule one signed DescribeUser could be replayed as DeleteUser.
 */
function unsignedHeader(
  headers: SignedRequest['headers'],
  signed: readonly string[],
): string | undefined {
  for (const name of Object.keys(headers)) {
    if (name === 'authorization' || signed.includes(name)) continue;
    if (name.startsWith('x-amz-') || name === 'content-type') return name;
  }
  return undefined;
}

/** 'x-amz-target' → 'X-Amz-Target', as AWS names headers in its messages. */
function displayName(header: string): string {
  return header.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

// ---------------------------------------------------------------------------------------------
// Authorization header parsing

interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly scopeDate: string;
  readonly region: string;
  readonly service: string;
  readonly terminator: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

type ParseResult =
  | { readonly ok: true; readonly value: ParsedAuthorization }
  | { readonly ok: false; readonly message: string };

function parseAuthorization(header: string, hasDateHeader: boolean): ParseResult {
  const trimmed = header.trim();
  const space = trimmed.search(/\s/);
  const algorithm = space === -1 ? trimmed : trimmed.slice(0, space);
  if (algorithm !== SIGV4_ALGORITHM) {
    return {
      ok: false,
      message: `Unsupported Authorization algorithm; only '${SIGV4_ALGORITHM}' is accepted.`,
    };
  }
  const params = new Map<string, string>();
  const rest = space === -1 ? '' : trimmed.slice(space + 1);
  for (const raw of rest.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq === -1) {
      return {
        ok: false,
        message: `Invalid key=value pair (missing equal-sign) in Authorization header: '${echo(part)}'.`,
      };
    }
    const key = part.slice(0, eq).trim();
    if (params.has(key)) {
      return {
        ok: false,
        message: `Authorization header has a duplicate '${echo(key)}' parameter.`,
      };
    }
    params.set(key, part.slice(eq + 1).trim());
  }

  const problems: string[] = [];
  for (const name of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!params.get(name)) problems.push(`Authorization header requires '${name}' parameter.`);
  }
  if (!hasDateHeader) {
    problems.push(
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  if (problems.length > 0) return { ok: false, message: problems.join(' ') };

  const credential = params.get('Credential') ?? '';
  const scope = credential.split('/');
  if (scope.length !== 5 || scope.some((s) => s === '')) {
    return {
      ok: false,
      message: `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${echo(credential)}'.`,
    };
  }
  const [accessKeyId, scopeDate, region, service, terminator] = scope as [
    string,
    string,
    string,
    string,
    string,
  ];

  const signedHeaders = (params.get('SignedHeaders') ?? '').split(';');
  if (signedHeaders.some((h) => !HEADER_NAME_RE.test(h))) {
    return {
      ok: false,
      message: "Authorization header has a malformed 'SignedHeaders' parameter.",
    };
  }

  return {
    ok: true,
    value: {
      accessKeyId,
      scopeDate,
      region,
      service,
      terminator,
      signedHeaders: signedHeaders.map((h) => h.toLowerCase()),
      signature: params.get('Signature') ?? '',
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Verifier

export class SigV4Verifier {
  private readonly cacheSize: number;
  private readonly signingKeys = new Map<string, Buffer>();

  constructor(options: SigV4VerifierOptions = {}) {
    this.cacheSize = Math.max(1, Math.floor(options.signingKeyCacheSize ?? DEFAULT_CACHE_SIZE));
  }

  /** Number of derived signing keys currently cached (for tests and metrics). */
  get cachedSigningKeys(): number {
    return this.signingKeys.size;
  }

  verify(req: SignedRequest, opts: VerifyOptions): SigV4Result {
    const headers = req.headers;

    // 1. Is there any authentication at all?
    const authorizationRaw = headerValue(headers, 'authorization');
    if (authorizationRaw === undefined || authorizationRaw.length === 0) {
      if (/(^|&)X-Amz-Algorithm=/i.test(req.query)) {
        return fail('incomplete-signature', MESSAGES.queryAuth);
      }
      return fail('missing-authentication', MESSAGES.missing);
    }
    const authorization = singleHeader(authorizationRaw);
    if (authorization === undefined) {
      return fail('incomplete-signature', 'Only one Authorization header is allowed.');
    }

    // 2. Authorization header syntax and the date header.
    const amzDateHeader = singleHeader(headerValue(headers, 'x-amz-date'));
    const dateHeader = singleHeader(headerValue(headers, 'date'));
    const dateHeaderName = amzDateHeader !== undefined ? 'x-amz-date' : 'date';
    const rawDate = amzDateHeader ?? dateHeader;
    const parsed = parseAuthorization(authorization, rawDate !== undefined && rawDate !== '');
    if (!parsed.ok) return fail('incomplete-signature', parsed.message);
    const auth = parsed.value;

    const signedAt = parseRequestDate(rawDate ?? '', dateHeaderName);
    if (signedAt === undefined) {
      return fail(
        'incomplete-signature',
        `Date must be in ISO-8601 'basic format'. Got '${echo(rawDate ?? '')}'. See http://en.wikipedia.org/wiki/ISO_8601`,
      );
    }
    const amzDate = formatIsoBasic(signedAt);

    if (!auth.signedHeaders.includes('host')) {
      return fail(
        'incomplete-signature',
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
      );
    }
    if (!auth.signedHeaders.includes(dateHeaderName)) {
      return fail(
        'incomplete-signature',
        `'${dateHeaderName === 'x-amz-date' ? 'X-Amz-Date' : 'Date'}' must be a 'SignedHeader' in the AWS Authorization.`,
      );
    }
    const unsigned = unsignedHeader(headers, auth.signedHeaders);
    if (unsigned !== undefined) {
      return fail(
        'incomplete-signature',
        `'${displayName(unsigned)}' must be a 'SignedHeader' in the AWS Authorization.`,
      );
    }

    // 3. Credential scope.
    if (auth.terminator !== TERMINATOR) {
      return fail(
        'incomplete-signature',
        `Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${echo(auth.terminator)}'. `,
      );
    }
    if (auth.scopeDate !== amzDate.slice(0, 8)) {
      return fail(
        'incomplete-signature',
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${echo(auth.scopeDate)}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
      );
    }
    if (auth.service !== opts.service) {
      return fail(
        'wrong-service',
        `Credential should be scoped to correct service: '${opts.service}'. `,
      );
    }

    // 4. Clock skew.
    const skewMs = opts.maxClockSkewSeconds * 1000;
    const nowMs = opts.now.getTime();
    const minutes = formatMinutes(opts.maxClockSkewSeconds);
    const nowText = formatIsoBasic(opts.now);
    if (nowMs - signedAt.getTime() > skewMs) {
      const bound = formatIsoBasic(new Date(nowMs - skewMs));
      return fail(
        'signature-expired',
        `Signature expired: ${amzDate} is now earlier than ${bound} (${nowText} - ${minutes} min.)`,
        { signedAt: amzDate, bound, now: nowText, minutes },
      );
    }
    if (signedAt.getTime() - nowMs > skewMs) {
      const bound = formatIsoBasic(new Date(nowMs + skewMs));
      return fail(
        'signature-not-yet-current',
        `Signature not yet current: ${amzDate} is still later than ${bound} (${nowText} + ${minutes} min.)`,
        { signedAt: amzDate, bound, now: nowText, minutes },
      );
    }

    // 5. Payload hash.
    const bodyHash = sha256Hex(req.body);
    let payloadHash = bodyHash;
    const contentSha = headerValue(headers, 'x-amz-content-sha256');
    if (contentSha !== undefined) {
      const claimed = singleHeader(contentSha)?.trim();
      if (claimed === 'UNSIGNED-PAYLOAD' || claimed?.startsWith('STREAMING-')) {
        return fail(
          'incomplete-signature',
          `x-amz-content-sha256 '${echo(claimed)}' is not supported by this service; the payload must be signed.`,
        );
      }
      if (claimed === undefined || !HEX_RE.test(claimed) || claimed.toLowerCase() !== bodyHash) {
        return fail('content-sha256-mismatch', MESSAGES.contentMismatch);
      }
      payloadHash = claimed; // as the SDK does: the header value is the hashed payload
    }

    // 6. Access key and session token.
    const secret = opts.lookupSecret(auth.accessKeyId);
    if (secret === undefined) return fail('unknown-access-key', MESSAGES.invalidToken);
    const tokenRaw = headerValue(headers, 'x-amz-security-token');
    if (tokenRaw !== undefined) {
      const token = singleHeader(tokenRaw);
      if (
        token === undefined ||
        opts.lookupSessionToken === undefined ||
        !opts.lookupSessionToken(token, auth.accessKeyId)
      ) {
        return fail('invalid-security-token', MESSAGES.invalidToken);
      }
    }

    // 7. Signature.
    const canonicalHeaders = auth.signedHeaders
      .map((name) => `${name}:${canonicalHeaderValue(headerValue(headers, name))}\n`)
      .join('');
    const canonicalRequest = [
      req.method,
      canonicalUri(req.path),
      canonicalQuery(req.query),
      canonicalHeaders,
      auth.signedHeaders.join(';'),
      payloadHash,
    ].join('\n');
    const scope = `${auth.scopeDate}/${auth.region}/${auth.service}/${TERMINATOR}`;
    const stringToSign = `${SIGV4_ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
    const signingKey = this.signingKey(secret, auth.scopeDate, auth.region, auth.service);
    const expected = Buffer.from(
      createHmac('sha256', signingKey).update(stringToSign).digest('hex'),
    );
    const provided = Buffer.from(auth.signature, 'utf8');
    if (expected.length !== provided.length || !timingSafeEqual(expected, provided)) {
      return fail('signature-mismatch', MESSAGES.mismatch);
    }

    return { ok: true, accessKeyId: auth.accessKeyId, region: auth.region, signedAt };
  }

  private signingKey(secret: string, date: string, region: string, service: string): Buffer {
    const cacheKey = `${date}/${region}/${service}\n${secret}`;
    const cached = this.signingKeys.get(cacheKey);
    if (cached !== undefined) {
      // Refresh recency: Map iteration order is insertion order, the first key is the oldest.
      this.signingKeys.delete(cacheKey);
      this.signingKeys.set(cacheKey, cached);
      return cached;
    }
    const kDate = hmac(`AWS4${secret}`, date);
    const kRegion = hmac(kDate, region);
    const kService = hmac(kRegion, service);
    const key = hmac(kService, TERMINATOR);
    while (this.signingKeys.size >= this.cacheSize) {
      const oldest = this.signingKeys.keys().next();
      if (oldest.done === true) break;
      this.signingKeys.delete(oldest.value);
    }
    this.signingKeys.set(cacheKey, key);
    return key;
  }
}

function parseRequestDate(value: string, headerName: 'x-amz-date' | 'date'): Date | undefined {
  const iso = parseIsoBasic(value);
  if (iso !== undefined || headerName === 'x-amz-date') return iso;
  // A plain Date header may carry an RFC 7231 HTTP-date; second precision like x-amz-date.
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

const defaultVerifier = new SigV4Verifier();

/** Verify with a module-level `SigV4Verifier` (shared signing-key cache of 256 entries). */
export function verifySigV4(req: SignedRequest, opts: VerifyOptions): SigV4Result {
  return defaultVerifier.verify(req, opts);
}
