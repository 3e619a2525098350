// The `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header,
// parsed once and checked for everything that needs no secret. Messages are AWS-worded and may
// go on the wire verbatim (client text in them is bounded and printable only).

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

export interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly scopeDate: string;
  readonly region: string;
  readonly service: string;
  readonly terminator: string;
  /** Lower-case, in the order given. */
  readonly signedHeaders: readonly string[];
  /** As given (lower-cased), for the canonical request. */
  readonly signedHeadersText: string;
  readonly signature: string;
}

export type ParseResult =
  | { readonly ok: true; readonly value: ParsedAuthorization }
  | { readonly ok: false; readonly message: string };

const HEADER_NAME_RE = /^[!#$%&'*+.^_`|~0-9a-zA-Z-]+$/;
const KNOWN = ['Credential', 'Signature', 'SignedHeaders'] as const;

/** Client-supplied text in a message: bounded length, printable ASCII only. */
export function echo(value: string): string {
  const cleaned = value.replace(/[^\x20-\x7e]/g, '?');
  return cleaned.length > 64 ? `${cleaned.slice(0, 64)}...` : cleaned;
}

export function parseAuthorization(header: string, hasDateHeader: boolean): ParseResult {
  const trimmed = header.trim();
  const space = trimmed.search(/\s/);
  const algorithm = space === -1 ? trimmed : trimmed.slice(0, space);
  if (algorithm !== SIGV4_ALGORITHM) {
    return {
      ok: false,
      message: `Unsupported Authorization algorithm; only '${SIGV4_ALGORITHM}' is accepted.`,
    };
  }
  // Three known parameters: plain fields, no map. An unknown one is kept out (as AWS ignores
  // it), a repeated known or unknown one is refused.
  const params: Record<(typeof KNOWN)[number], string | undefined> = {
    Credential: undefined,
    Signature: undefined,
    SignedHeaders: undefined,
  };
  const seen = new Set<string>();
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
    if (seen.has(key)) {
      return {
        ok: false,
        message: `Authorization header has a duplicate '${echo(key)}' parameter.`,
      };
    }
    seen.add(key);
    if (key === 'Credential' || key === 'Signature' || key === 'SignedHeaders')
      params[key] = part.slice(eq + 1).trim();
  }

  const problems: string[] = [];
  for (const name of KNOWN) {
    if (!params[name]) problems.push(`Authorization header requires '${name}' parameter.`);
  }
  if (!hasDateHeader) {
    problems.push(
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  if (problems.length > 0) return { ok: false, message: problems.join(' ') };

  const credential = params.Credential ?? '';
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

  const signedHeadersText = (params.SignedHeaders ?? '').toLowerCase();
  const signedHeaders = signedHeadersText.split(';');
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
      signedHeaders,
      signedHeadersText,
      signature: params.Signature ?? '',
    },
  };
}
