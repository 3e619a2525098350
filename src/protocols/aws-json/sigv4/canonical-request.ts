// The canonical request of AWS Signature Version 4 for non-S3 services, mirroring
// @smithy/signature-v4 (what the AWS SDKs use). Pure functions, node:crypto only:
// - URI: the raw path is normalised ('.', '..' and empty segments removed, leading/trailing '/'
//   kept) and each segment is URI-encoded again (double encoding: '%20' on the wire -> '%2520').
// - Query: each name/value is percent-decoded (RFC 3986; '+' is a literal '+'), re-encoded with the
//   RFC 3986 unreserved set, sorted by name then value; 'X-Amz-Signature' is excluded; a parameter
//   without '=' is canonicalised as 'name='.
// - Headers: only SignedHeaders, lower-case names, values with CR/LF -> space, runs of space/tab
//   collapsed, trimmed; array values are trimmed individually and joined with ','. A signed header
//   that is absent canonicalises to an empty value (and so fails the signature check).
import { hash } from 'node:crypto';

/** A request as received: what the signature covers. */
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

export type HeaderValue = string | readonly string[] | undefined;

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

/** Canonical URI for non-S3 services: normalised, each segment URI-encoded once more. */
export function canonicalUri(rawPath: string): string {
  // The only path the AWS doors serve: nothing to normalise or encode.
  if (rawPath === '/') return '/';
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

/** Own-property header lookup: a client-chosen SignedHeaders name like '__proto__' finds nothing. */
export function headerValue(headers: SignedRequest['headers'], name: string): HeaderValue {
  if (!Object.hasOwn(headers, name)) return undefined;
  const value: unknown = headers[name];
  return typeof value === 'string' || Array.isArray(value) ? (value as HeaderValue) : undefined;
}

/** A header sent once; undefined when absent or repeated. */
export function singleHeader(value: HeaderValue): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  return value.length === 1 ? value[0] : undefined;
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

/** One-shot hashing: no Hash object per call (half the cost for the small inputs here). */
export function sha256Hex(data: string | Buffer): string {
  return hash('sha256', data, 'hex');
}

/** The canonical request whose hash is signed. */
export function canonicalRequest(
  req: SignedRequest,
  signedHeaders: readonly string[],
  signedHeadersText: string,
  payloadHash: string,
): string {
  let headers = '';
  for (const name of signedHeaders)
    headers += `${name}:${canonicalHeaderValue(headerValue(req.headers, name))}\n`;
  return `${req.method}\n${canonicalUri(req.path)}\n${canonicalQuery(req.query)}\n${headers}\n${signedHeadersText}\n${payloadHash}`;
}

const ISO_BASIC_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const HTTP_DATE_RE = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** `20261123T190431Z`, as x-amz-date carries it. */
export function formatIsoBasic(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** x-amz-date in ISO 8601 basic format; out-of-range fields (month 13) are refused. */
export function parseIsoBasic(value: string): Date | undefined {
  const m = ISO_BASIC_RE.exec(value);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = Number(m[6]);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Date.UTC rolls over out-of-range fields (month 13, day 32): they must come back unchanged.
  return date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === mi &&
    date.getUTCSeconds() === s
    ? date
    : undefined;
}

/** The signing date: x-amz-date in basic format, or a Date header (basic or RFC 7231). */
export function parseRequestDate(
  value: string,
  headerName: 'x-amz-date' | 'date',
): Date | undefined {
  const iso = parseIsoBasic(value);
  if (iso !== undefined || headerName === 'x-amz-date') return iso;
  if (!HTTP_DATE_RE.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
