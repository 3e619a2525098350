// AWS Signature Version 4 verification for the AWS JSON doors (Identity Store, Voice ID). No HTTP
// framework: the caller hands in the request as received and gets back the authenticated access
// key, or a failure code plus an AWS-worded message that may be sent on the wire verbatim.
// Messages never contain the secret, the expected signature or the canonical request.
//
// Checks run in this order: authentication present -> Authorization syntax -> date header ->
// host, date and every present x-amz-* and content-type header signed -> credential scope
// (terminator, date, region, service) -> clock skew -> payload hash -> access key (looked up
// once, asynchronously) -> session token -> signature (constant-time comparison).
// Exceptions thrown by the lookup callbacks propagate to the caller.
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  SIGV4_ALGORITHM,
  echo,
  parseAuthorization,
  type ParsedAuthorization,
} from './authorization-header.js';
import {
  canonicalRequest,
  formatIsoBasic,
  headerValue,
  parseRequestDate,
  sha256Hex,
  singleHeader,
  type SignedRequest,
} from './canonical-request.js';

export interface VerifyOptions {
  /**
   * The credential-scope service the request must be signed for, given the one it names
   * (the door answers from the target; for an unknown target, the scope's own if it is one of
   * the doors').
   */
  readonly service: (scopeService: string) => string;
  readonly now: Date;
  /** e.g. 300 */
  readonly maxClockSkewSeconds: number;
  /** undefined = unknown (or revoked) key. Called once, after every check that needs no secret. */
  readonly lookupSecret: (accessKeyId: string) => Promise<string | undefined> | string | undefined;
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

export interface SkewDetail {
  readonly signedAt: string;
  readonly bound: string;
  readonly now: string;
  /** Formatted as in the message, e.g. '5' or '2.5'. */
  readonly minutes: string;
}

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
      /** The service the request had to be signed for (wrong-service). */
      readonly expectedService?: string;
      /** For the two clock-skew failures: the parts of the message, for structured rendering. */
      readonly skew?: SkewDetail;
    };

export interface SigV4VerifierOptions {
  /** Maximum number of derived signing keys kept (least recently used evicted first). Default 256. */
  readonly signingKeyCacheSize?: number;
}

const TERMINATOR = 'aws4_request';
const DEFAULT_CACHE_SIZE = 256;
const HEX_RE = /^[0-9a-fA-F]{64}$/;

const MESSAGES = {
  missing: 'Missing Authentication Token',
  invalidToken: 'The security token included in the request is invalid.',
  mismatch:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  contentMismatch: "The provided 'x-amz-content-sha256' header does not match what was computed.",
  queryAuth:
    'Query-string authentication is not supported by this endpoint; sign with the Authorization header.',
} as const;

type Failure = Extract<SigV4Result, { ok: false }>;

function fail(failure: SigV4Failure, message: string, extra: Partial<Failure> = {}): Failure {
  return { ok: false, failure, message, ...extra };
}

function formatMinutes(seconds: number): string {
  const minutes = seconds / 60;
  return Number.isInteger(minutes) ? String(minutes) : String(Number(minutes.toFixed(2)));
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
    if ((name.startsWith('x-amz-') || name === 'content-type') && !signed.includes(name))
      return name;
  }
  return undefined;
}

/** 'x-amz-target' → 'X-Amz-Target', as AWS names headers in its messages. */
function displayName(header: string): string {
  return header.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/**
 * Verifies SigV4 signatures; owns the bounded cache of derived signing keys (one per secret,
 * date, region and service) and the memo of the current second's formatted date.
 *
 * ### Examples
 * ```ts
 * const verifier = new SigV4Verifier();
 * const result = await verifier.verify(request, {
 *   service: () => 'identitystore', now: new Date(), maxClockSkewSeconds: 300,
 *   lookupSecret: (id) => accessKeys.resolveSecret(id),
 * });
 * ```
 */
export class SigV4Verifier {
  readonly #cacheSize: number;
  readonly #signingKeys = new Map<string, Buffer>();
  #memoSecond = NaN;
  #memoText = '';

  constructor(options: SigV4VerifierOptions = {}) {
    this.#cacheSize = Math.max(1, Math.floor(options.signingKeyCacheSize ?? DEFAULT_CACHE_SIZE));
  }

  /** Number of derived signing keys currently cached (for tests and metrics). */
  get cachedSigningKeys(): number {
    return this.#signingKeys.size;
  }

  async verify(req: SignedRequest, opts: VerifyOptions): Promise<SigV4Result> {
    const checked = this.#check(req, opts);
    if (!('auth' in checked)) return checked;
    const { auth, amzDate, payloadHash, signedAt } = checked;

    // The access key, looked up once, and the session token.
    const secret = await opts.lookupSecret(auth.accessKeyId);
    if (secret === undefined) return fail('unknown-access-key', MESSAGES.invalidToken);
    const tokenRaw = headerValue(req.headers, 'x-amz-security-token');
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

    // The signature.
    const canonical = canonicalRequest(
      req,
      auth.signedHeaders,
      auth.signedHeadersText,
      payloadHash,
    );
    const scope = `${auth.scopeDate}/${auth.region}/${auth.service}/${TERMINATOR}`;
    const stringToSign = `${SIGV4_ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
    const signingKey = this.#signingKey(secret, auth.scopeDate, auth.region, auth.service);
    const expected = Buffer.from(
      createHmac('sha256', signingKey).update(stringToSign).digest('hex'),
    );
    const provided = Buffer.from(auth.signature, 'utf8');
    if (expected.length !== provided.length || !timingSafeEqual(expected, provided)) {
      return fail('signature-mismatch', MESSAGES.mismatch);
    }
    return { ok: true, accessKeyId: auth.accessKeyId, region: auth.region, signedAt };
  }

  /** Everything that needs no secret, in order; the parts the signature check goes on with. */
  #check(
    req: SignedRequest,
    opts: VerifyOptions,
  ): Failure | { auth: ParsedAuthorization; amzDate: string; payloadHash: string; signedAt: Date } {
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
    const amzDate = this.#format(signedAt);

    // 3. What must be signed.
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

    // 4. Credential scope.
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
    const service = opts.service(auth.service);
    if (auth.service !== service) {
      return fail(
        'wrong-service',
        `Credential should be scoped to correct service: '${service}'. `,
        {
          expectedService: service,
        },
      );
    }

    // 5. Clock skew.
    const skewMs = opts.maxClockSkewSeconds * 1000;
    const nowMs = opts.now.getTime();
    if (Math.abs(nowMs - signedAt.getTime()) > skewMs) {
      const minutes = formatMinutes(opts.maxClockSkewSeconds);
      const nowText = formatIsoBasic(opts.now);
      if (nowMs > signedAt.getTime()) {
        const bound = formatIsoBasic(new Date(nowMs - skewMs));
        return fail(
          'signature-expired',
          `Signature expired: ${amzDate} is now earlier than ${bound} (${nowText} - ${minutes} min.)`,
          { skew: { signedAt: amzDate, bound, now: nowText, minutes } },
        );
      }
      const bound = formatIsoBasic(new Date(nowMs + skewMs));
      return fail(
        'signature-not-yet-current',
        `Signature not yet current: ${amzDate} is still later than ${bound} (${nowText} + ${minutes} min.)`,
        { skew: { signedAt: amzDate, bound, now: nowText, minutes } },
      );
    }

    // 6. Payload hash.
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
    return { auth, amzDate, payloadHash, signedAt };
  }

  /** Every request of one second carries the same x-amz-date: the formatting is memoised. */
  #format(date: Date): string {
    const second = Math.floor(date.getTime() / 1000);
    if (second !== this.#memoSecond) {
      this.#memoText = formatIsoBasic(date);
      this.#memoSecond = second;
    }
    return this.#memoText;
  }

  #signingKey(secret: string, date: string, region: string, service: string): Buffer {
    const cacheKey = `${date}/${region}/${service}\n${secret}`;
    const cached = this.#signingKeys.get(cacheKey);
    if (cached !== undefined) {
      // Refresh recency: Map iteration order is insertion order, the first key is the oldest.
      this.#signingKeys.delete(cacheKey);
      this.#signingKeys.set(cacheKey, cached);
      return cached;
    }
    const kDate = hmac(`AWS4${secret}`, date);
    const kRegion = hmac(kDate, region);
    const kService = hmac(kRegion, service);
    const key = hmac(kService, TERMINATOR);
    while (this.#signingKeys.size >= this.#cacheSize) {
      const oldest = this.#signingKeys.keys().next();
      if (oldest.done === true) break;
      this.#signingKeys.delete(oldest.value);
    }
    this.#signingKeys.set(cacheKey, key);
    return key;
  }
}
