import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import {
  SigV4Verifier,
  canonicalQuery,
  canonicalUri,
} from '../../src/protocols/aws-json/sigv4/index.js';
import type {
  SigV4Failure,
  SigV4Result,
  SignedRequest,
  VerifyOptions,
} from '../../src/protocols/aws-json/sigv4/index.js';

const ACCESS_KEY = 'AKIDVOXGATETEST';
const SECRET = 'vXg/SuperSecretKey+ThatMustNeverLeak0123456789';
const OTHER_SECRET = 'another-secret-key-that-is-wrong';
const HOST = '127.0.0.1:33825';
const NOW = new Date('2026-11-23T19:04:31Z');
const BODY = JSON.stringify({ IdentityStoreId: 'd-1234567890', UserName: 'jdoe' });

interface SignParams {
  readonly service?: string;
  readonly region?: string;
  readonly accessKeyId?: string;
  readonly secret?: string;
  readonly sessionToken?: string;
  readonly signingDate?: Date;
  readonly body?: string;
  readonly path?: string;
  /** Decoded query as the SDK models it. */
  readonly query?: Record<string, string>;
  /** Raw query string as it would travel on the wire. */
  readonly rawQuery?: string;
  readonly extraHeaders?: Record<string, string>;
}

/** Sign a request exactly as the AWS SDK does for the AWS JSON services, return it as received. */
async function sign(p: SignParams = {}): Promise<SignedRequest> {
  const service = p.service ?? 'identitystore';
  const body = p.body ?? BODY;
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: p.accessKeyId ?? ACCESS_KEY,
      secretAccessKey: p.secret ?? SECRET,
      ...(p.sessionToken !== undefined ? { sessionToken: p.sessionToken } : {}),
    },
    region: p.region ?? 'us-east-1',
    service,
    sha256: Sha256,
  });
  const isVoiceId = service === 'voiceid';
  const request = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 33825,
    path: p.path ?? '/',
    query: p.query ?? {},
    headers: {
      'content-type': isVoiceId ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1',
      'x-amz-target': isVoiceId ? 'VoiceID.CreateDomain' : 'AWSIdentityStore.CreateUser',
      'content-length': String(Buffer.byteLength(body)),
      'x-amz-user-agent': 'aws-sdk-js/3.1137.0',
      'user-agent': 'aws-sdk-js/3.1137.0 ua/2.1 os/linux lang/js md/nodejs#20.20.2',
      host: HOST,
      'amz-sdk-invocation-id': '7c4a1f40-3b0e-4e38-9a57-0d5e3c6f0a11',
      'amz-sdk-request': 'attempt=1; max=1',
      ...p.extraHeaders,
    },
    body,
  });
  const signed = await signer.sign(request, { signingDate: p.signingDate ?? NOW });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
  headers['connection'] = 'keep-alive';
  return {
    method: 'POST',
    path: p.path ?? '/',
    query: p.rawQuery ?? '',
    headers,
    body: Buffer.from(body),
  };
}

function options(overrides: Partial<VerifyOptions> = {}): VerifyOptions {
  return {
    service: () => 'identitystore',
    now: NOW,
    maxClockSkewSeconds: 300,
    lookupSecret: (id) => (id === ACCESS_KEY ? SECRET : undefined),
    ...overrides,
  };
}

const seenMessages: string[] = [];

const verifier = new SigV4Verifier();

async function verify(req: SignedRequest, opts: VerifyOptions = options()): Promise<SigV4Result> {
  const result = await verifier.verify(req, opts);
  if (!result.ok) seenMessages.push(result.message);
  return result;
}

function expectFailure(
  result: SigV4Result,
  failure: SigV4Failure,
  message?: string | RegExp,
): void {
  assert.equal(result.ok, false, 'expected a failure');
  if (result.ok) return;
  assert.equal(result.failure, failure, result.message);
  if (typeof message === 'string') assert.equal(result.message, message);
  else if (message !== undefined) assert.match(result.message, message);
}

function withHeaders(
  req: SignedRequest,
  changes: Record<string, string | undefined>,
): SignedRequest {
  const headers = { ...req.headers };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete headers[k];
    else headers[k] = v;
  }
  return { ...req, headers };
}

function authorization(req: SignedRequest): string {
  const value = req.headers['authorization'];
  assert.equal(typeof value, 'string');
  return value as string;
}

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');
const INVALID_TOKEN = 'The security token included in the request is invalid.';

test('a request signed by the SDK for identitystore verifies', async () => {
  const req = await sign();
  assert.match(authorization(req), /^AWS4-HMAC-SHA256 Credential=AKIDVOXGATETEST\/20261123\//);
  assert.ok(req.headers['x-amz-content-sha256'], 'the SDK signer adds x-amz-content-sha256');
  const result = await verify(req);
  assert.deepEqual(result, {
    ok: true,
    accessKeyId: ACCESS_KEY,
    region: 'us-east-1',
    signedAt: new Date('2026-11-23T19:04:31Z'),
  });
});

test('a voiceid request in another region verifies against service voiceid', async () => {
  const req = await sign({ service: 'voiceid', region: 'eu-west-2' });
  const result = await verify(req, options({ service: () => 'voiceid' }));
  assert.equal(result.ok, true);
  if (result.ok) assert.equal(result.region, 'eu-west-2');
});

test('an empty body verifies', async () => {
  const req = await sign({ body: '' });
  assert.equal((await verify(req)).ok, true);
});

test('wrong secret -> signature-mismatch, without leaking the expected signature', async () => {
  const good = await sign();
  const bad = await sign({ secret: OTHER_SECRET });
  const result = await verify(bad);
  expectFailure(result, 'signature-mismatch', MISMATCH);
  const goodSignature = /Signature=([0-9a-f]{64})/.exec(authorization(good))?.[1];
  assert.ok(goodSignature);
  if (!result.ok) assert.ok(!result.message.includes(goodSignature));
});

test('tampered body with unchanged headers -> content-sha256-mismatch', async () => {
  const req = await sign();
  const tampered = { ...req, body: Buffer.from(BODY.replace('jdoe', 'root')) };
  expectFailure(
    await verify(tampered),
    'content-sha256-mismatch',
    "The provided 'x-amz-content-sha256' header does not match what was computed.",
  );
});

test('tampered body with a recomputed content hash header -> signature-mismatch', async () => {
  const req = await sign();
  const body = Buffer.from(BODY.replace('jdoe', 'root'));
  const { createHash } = await import('node:crypto');
  const tampered = withHeaders(
    { ...req, body },
    { 'x-amz-content-sha256': createHash('sha256').update(body).digest('hex') },
  );
  expectFailure(await verify(tampered), 'signature-mismatch', MISMATCH);
});

test('without x-amz-content-sha256 the body hash is still part of the signature', async () => {
  // Sign with applyChecksum off (no x-amz-content-sha256 header): the payload hash is computed.
  const signer = new SignatureV4({
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET },
    region: 'us-east-1',
    service: 'identitystore',
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      hostname: '127.0.0.1',
      path: '/',
      headers: { host: HOST, 'x-amz-target': 'AWSIdentityStore.CreateUser' },
      body: BODY,
    }),
    { signingDate: NOW },
  );
  const req: SignedRequest = {
    method: 'POST',
    path: '/',
    query: '',
    headers: signed.headers,
    body: Buffer.from(BODY),
  };
  assert.equal(req.headers['x-amz-content-sha256'], undefined);
  assert.equal((await verify(req)).ok, true);
  expectFailure(await verify({ ...req, body: Buffer.from('{}') }), 'signature-mismatch', MISMATCH);
});

test('tampered signed header (x-amz-target) -> signature-mismatch', async () => {
  const req = await sign();
  const tampered = withHeaders(req, { 'x-amz-target': 'AWSIdentityStore.DeleteUser' });
  expectFailure(await verify(tampered), 'signature-mismatch', MISMATCH);
});

/** Signs like `sign()` but leaves `unsigned` out of SignedHeaders, as a hostile client could. */
async function signWithout(
  unsigned: readonly string[],
  p: SignParams = {},
): Promise<SignedRequest> {
  const body = p.body ?? BODY;
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: ACCESS_KEY,
      secretAccessKey: SECRET,
      ...(p.sessionToken !== undefined ? { sessionToken: p.sessionToken } : {}),
    },
    region: 'us-east-1',
    service: 'identitystore',
    sha256: Sha256,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 33825,
      path: '/',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSIdentityStore.DescribeUser',
        host: HOST,
        ...p.extraHeaders,
      },
      body,
    }),
    { signingDate: NOW, unsignableHeaders: new Set(unsigned) },
  );
  return { method: 'POST', path: '/', query: '', headers: signed.headers, body: Buffer.from(body) };
}

test('every x-amz-* header and content-type must be signed: no operation swap under a valid signature', async () => {
  const cases: [string[], string][] = [
    [['x-amz-target'], 'X-Amz-Target'],
    [['content-type'], 'Content-Type'],
    [['x-amz-content-sha256'], 'X-Amz-Content-Sha256'],
    [['x-amz-user-agent'], 'X-Amz-User-Agent'],
  ];
  for (const [unsigned, display] of cases) {
    const req = await signWithout(unsigned, {
      extraHeaders: { 'x-amz-content-sha256': sha256Hex(BODY), 'x-amz-user-agent': 'sdk/1' },
    });
    assert.ok(!authorization(req).includes(unsigned[0]!), `${unsigned[0]} is left unsigned`);
    expectFailure(
      await verify(req),
      'incomplete-signature',
      `'${display}' must be a 'SignedHeader' in the AWS Authorization.`,
    );
  }
  // The probe's replay: a DescribeUser signed over host and x-amz-date only, sent as DeleteUser.
  const describe = await signWithout(['x-amz-target', 'content-type', 'x-amz-content-sha256']);
  const { 'x-amz-content-sha256': _hash, ...headers } = describe.headers;
  const probe = { ...describe, headers };
  assert.match(authorization(probe), /SignedHeaders=host;x-amz-date,/);
  const replayed = withHeaders(probe, { 'x-amz-target': 'AWSIdentityStore.DeleteUser' });
  expectFailure(
    await verify(replayed),
    'incomplete-signature',
    /'(X-Amz-Target|Content-Type)' must be/,
  );
  // An x-amz-* header added after signing, and a session token left unsigned.
  const added = withHeaders(await sign(), { 'x-amz-meta-injected': '1' });
  expectFailure(await verify(added), 'incomplete-signature', /'X-Amz-Meta-Injected' must be/);
  const token = await signWithout(['x-amz-security-token'], {
    sessionToken: 'FwoGZXIvYXdzEXAMPLE',
  });
  expectFailure(await verify(token), 'incomplete-signature', /'X-Amz-Security-Token' must be/);
});

test('headers outside x-amz-* (x-amzn-trace-id, user-agent) may stay unsigned', async () => {
  const req = withHeaders(await sign(), {
    'x-amzn-trace-id': 'Root=1-abc',
    expect: '100-continue',
  });
  assert.equal((await verify(req)).ok, true);
});

test('unsigned headers (user-agent, connection) may change freely', async () => {
  const req = await sign();
  const changed = withHeaders(req, { 'user-agent': 'something-else', connection: 'close' });
  assert.equal((await verify(changed)).ok, true);
});

test('truncated or upper-case signature -> signature-mismatch (no throw on length mismatch)', async () => {
  const req = await sign();
  const auth = authorization(req);
  const truncated = withHeaders(req, { authorization: auth.slice(0, -1) });
  expectFailure(await verify(truncated), 'signature-mismatch', MISMATCH);
  const longer = withHeaders(req, { authorization: `${auth}00` });
  expectFailure(await verify(longer), 'signature-mismatch', MISMATCH);
  const upper = withHeaders(req, {
    authorization: auth.replace(
      /Signature=(\w+)/,
      (_m, s: string) => `Signature=${s.toUpperCase()}`,
    ),
  });
  expectFailure(await verify(upper), 'signature-mismatch', MISMATCH);
});

test('hostile SignedHeaders names (__proto__, constructor) -> signature-mismatch, no throw', async () => {
  const req = await sign();
  for (const name of ['__proto__', 'constructor', 'tostring', 'hasownproperty']) {
    const header = authorization(req).replace('SignedHeaders=', `SignedHeaders=${name};`);
    expectFailure(
      await verify(withHeaders(req, { authorization: header })),
      'signature-mismatch',
      MISMATCH,
    );
  }
});

test('signature 10 minutes old -> signature-expired with the AWS wording', async () => {
  const now = new Date('2013-05-24T00:10:00Z');
  const req = await sign({ signingDate: new Date('2013-05-24T00:00:00Z') });
  expectFailure(
    await verify(req, options({ now })),
    'signature-expired',
    'Signature expired: 20130524T000000Z is now earlier than 20130524T000500Z (20130524T001000Z - 5 min.)',
  );
});

test('signature 10 minutes in the future -> signature-not-yet-current with the AWS wording', async () => {
  const now = new Date('2013-05-24T00:10:00Z');
  const req = await sign({ signingDate: new Date('2013-05-24T00:20:00Z') });
  expectFailure(
    await verify(req, options({ now })),
    'signature-not-yet-current',
    'Signature not yet current: 20130524T002000Z is still later than 20130524T001500Z (20130524T001000Z + 5 min.)',
  );
});

test('clock skew: minutes come from maxClockSkewSeconds; the bound itself is accepted', async () => {
  const now = new Date('2013-05-24T00:10:00Z');
  const old = await sign({ signingDate: new Date('2013-05-24T00:00:00Z') });
  expectFailure(
    await verify(old, options({ now, maxClockSkewSeconds: 120 })),
    'signature-expired',
    'Signature expired: 20130524T000000Z is now earlier than 20130524T000800Z (20130524T001000Z - 2 min.)',
  );
  assert.equal((await verify(old, options({ now, maxClockSkewSeconds: 600 }))).ok, true);
  const fourMinutes = await sign({ signingDate: new Date('2013-05-24T00:06:00Z') });
  assert.equal((await verify(fourMinutes, options({ now }))).ok, true);
});

test('unknown access key -> unknown-access-key', async () => {
  const req = await sign({ accessKeyId: 'AKIDUNKNOWN' });
  expectFailure(await verify(req), 'unknown-access-key', INVALID_TOKEN);
});

test("credential scoped to 'voiceid' while 'identitystore' is expected -> wrong-service", async () => {
  const req = await sign({ service: 'voiceid' });
  expectFailure(
    await verify(req),
    'wrong-service',
    "Credential should be scoped to correct service: 'identitystore'. ",
  );
});

test('no Authorization header -> missing-authentication', async () => {
  const req = withHeaders(await sign(), { authorization: undefined });
  expectFailure(await verify(req), 'missing-authentication', 'Missing Authentication Token');
  const empty = withHeaders(req, { authorization: '' });
  expectFailure(await verify(empty), 'missing-authentication', 'Missing Authentication Token');
});

test('query-string authentication -> incomplete-signature', async () => {
  const req = withHeaders(await sign(), { authorization: undefined });
  const presigned = {
    ...req,
    query:
      'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDVOXGATETEST%2F20261123%2Fus-east-1%2Fidentitystore%2Faws4_request&X-Amz-Signature=00',
  };
  expectFailure(
    await verify(presigned),
    'incomplete-signature',
    'Query-string authentication is not supported by this endpoint; sign with the Authorization header.',
  );
});

test('garbage Authorization headers -> incomplete-signature with specific messages', async () => {
  const req = await sign();
  const auth = authorization(req);
  const credential = /Credential=([^,]+)/.exec(auth)?.[1] ?? '';
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(auth)?.[1] ?? '';
  const signature = /Signature=(\w+)/.exec(auth)?.[1] ?? '';
  const cases: [string, string | RegExp][] = [
    [
      `AWS4-HMAC-SHA256 SignedHeaders=${signedHeaders}, Signature=${signature}`,
      "Authorization header requires 'Credential' parameter.",
    ],
    [
      `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=${signedHeaders}`,
      "Authorization header requires 'Signature' parameter.",
    ],
    [
      `AWS4-HMAC-SHA256 Credential=${credential}`,
      "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.",
    ],
    [
      'AWS4-HMAC-SHA256',
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.",
    ],
    [
      `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/20261123/us-east-1/aws4_request, SignedHeaders=${signedHeaders}, Signature=${signature}`,
      /^Credential must have exactly 5 slash-delimited elements/,
    ],
    [
      `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/20261123/us-east-1/identitystore/aws5_request, SignedHeaders=${signedHeaders}, Signature=${signature}`,
      "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. ",
    ],
    [
      `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/20261122/us-east-1/identitystore/aws4_request, SignedHeaders=${signedHeaders}, Signature=${signature}`,
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261122' != '20261123', from '20261123T190431Z'.",
    ],
    [
      `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=${signedHeaders.replace('host;', '')}, Signature=${signature}`,
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    ],
    [
      `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=${signedHeaders.replace(';x-amz-date', '')}, Signature=${signature}`,
      "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.",
    ],
    [
      `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=host;;x-amz-date, Signature=${signature}`,
      "Authorization header has a malformed 'SignedHeaders' parameter.",
    ],
    [
      `AWS4-HMAC-SHA256 Credential=${credential}, Credential=${credential}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
      "Authorization header has a duplicate 'Credential' parameter.",
    ],
    [
      `AWS4-HMAC-SHA256 Credential, SignedHeaders=${signedHeaders}, Signature=${signature}`,
      /^Invalid key=value pair \(missing equal-sign\) in Authorization header/,
    ],
    ['Bearer abc.def', "Unsupported Authorization algorithm; only 'AWS4-HMAC-SHA256' is accepted."],
    [
      auth.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256'),
      "Unsupported Authorization algorithm; only 'AWS4-HMAC-SHA256' is accepted.",
    ],
  ];
  for (const [header, message] of cases) {
    expectFailure(
      await verify(withHeaders(req, { authorization: header })),
      'incomplete-signature',
      message,
    );
  }
});

test('missing or malformed x-amz-date -> incomplete-signature', async () => {
  const req = await sign();
  expectFailure(
    await verify(withHeaders(req, { 'x-amz-date': undefined })),
    'incomplete-signature',
    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
  );
  expectFailure(
    await verify(withHeaders(req, { 'x-amz-date': '2026-11-23T19:04:31Z' })),
    'incomplete-signature',
    /^Date must be in ISO-8601 'basic format'/,
  );
  expectFailure(
    await verify(withHeaders(req, { 'x-amz-date': '20261323T190431Z' })),
    'incomplete-signature',
    /^Date must be in ISO-8601 'basic format'/,
  );
});

test("x-amz-content-sha256 'UNSIGNED-PAYLOAD' -> incomplete-signature", async () => {
  const req = await sign({ extraHeaders: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
  expectFailure(await verify(req), 'incomplete-signature', /UNSIGNED-PAYLOAD/);
});

test('session tokens: rejected unless lookupSessionToken recognises them', async () => {
  const token = 'FwoGZXIvYXdzEXAMPLETOKEN//////////wEaDOVoxgate';
  const req = await sign({ sessionToken: token });
  assert.equal(req.headers['x-amz-security-token'], token);
  expectFailure(await verify(req), 'invalid-security-token', INVALID_TOKEN);
  expectFailure(
    await verify(req, options({ lookupSessionToken: () => false })),
    'invalid-security-token',
    INVALID_TOKEN,
  );
  const calls: [string, string][] = [];
  const result = await verify(
    req,
    options({
      lookupSessionToken: (t, id) => {
        calls.push([t, id]);
        return true;
      },
    }),
  );
  assert.equal(result.ok, true);
  assert.deepEqual(calls, [[token, ACCESS_KEY]]);
});

test('query string with special characters is canonicalised (b=2&a=1&c=x%20y)', async () => {
  const req = await sign({ query: { b: '2', a: '1', c: 'x y' }, rawQuery: 'b=2&a=1&c=x%20y' });
  assert.equal((await verify(req)).ok, true);
  assert.equal(
    (await verify({ ...req, query: 'c=x%20y&a=1&b=2' })).ok,
    true,
    'order does not matter',
  );
  expectFailure(await verify({ ...req, query: 'b=2&a=1&c=x%20z' }), 'signature-mismatch', MISMATCH);
  expectFailure(await verify({ ...req, query: '' }), 'signature-mismatch', MISMATCH);

  const special = await sign({
    query: { 'k ey': 'v/a=l&u+e~*', empty: '', ü: '☃' },
    rawQuery: 'k%20ey=v%2Fa%3Dl%26u%2Be~%2A&empty=&%C3%BC=%E2%98%83',
  });
  assert.equal((await verify(special)).ok, true);
});

test('canonicalQuery: sorting by name then value, RFC 3986 encoding', () => {
  assert.equal(canonicalQuery('b=2&a=1&c=x%20y'), 'a=1&b=2&c=x%20y');
  assert.equal(canonicalQuery('a=2&a=1&B=3'), 'B=3&a=1&a=2');
  assert.equal(canonicalQuery('x=a+b&y=%7e&z=*'), 'x=a%2Bb&y=~&z=%2A');
  assert.equal(canonicalQuery('flag&&x=%zz'), 'flag=&x=%25zz');
  assert.equal(canonicalQuery('X-Amz-Signature=abc&a=1'), 'a=1');
  assert.equal(canonicalQuery(''), '');
});

test('canonicalUri: normalised and double-encoded as the SDK does for non-S3 services', async () => {
  assert.equal(canonicalUri('/'), '/');
  assert.equal(canonicalUri(''), '/');
  assert.equal(canonicalUri('/foo%20bar/./baz/../qux/'), '/foo%2520bar/qux/');
  assert.equal(canonicalUri('//a//b'), '/a/b');
  const req = await sign({ path: '/foo%20bar/./baz' });
  assert.equal((await verify(req)).ok, true);
});

test('header values: whitespace collapsed and trimmed as in the SDK canonical form', async () => {
  const req = await sign({ extraHeaders: { 'x-amz-meta-note': '  a   b \t c  ' } });
  assert.equal((await verify(req)).ok, true);
});

test('header values are signed in canonical form: runs of spaces collapse, a change does not', async () => {
  const req = await sign({ extraHeaders: { 'x-amz-meta-note': 'a b c' } });
  const collapsed = withHeaders(req, { 'x-amz-meta-note': '  a   b c ' });
  assert.equal((await verify(collapsed)).ok, true, 'the canonical value is what is signed');
  const changed = withHeaders(req, { 'x-amz-meta-note': 'a b d' });
  expectFailure(await verify(changed), 'signature-mismatch', MISMATCH);
});

test('official AWS SigV4 test suite: get-vanilla and get-vanilla-query-order-key-case', async () => {
  const opts = options({
    service: () => 'service',
    now: new Date('2015-08-30T12:36:00Z'),
    lookupSecret: (id) =>
      id === 'AKIDEXAMPLE' ? 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' : undefined,
  });
  const vector = (query: string, signature: string): SignedRequest => ({
    method: 'GET',
    path: '/',
    query,
    headers: {
      host: 'example.amazonaws.com',
      'x-amz-date': '20150830T123600Z',
      authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`,
    },
    body: Buffer.alloc(0),
  });
  const vanilla = vector('', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
  assert.deepEqual(await verify(vanilla, opts), {
    ok: true,
    accessKeyId: 'AKIDEXAMPLE',
    region: 'us-east-1',
    signedAt: new Date('2015-08-30T12:36:00Z'),
  });
  const queryOrder = vector(
    'Param2=value2&Param1=value1',
    'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
  );
  assert.equal((await verify(queryOrder, opts)).ok, true);
  expectFailure(await verify({ ...vanilla, method: 'POST' }, opts), 'signature-mismatch', MISMATCH);
});

test('the secret is looked up once, asynchronously, and only for a request that could verify', async () => {
  const calls: string[] = [];
  const lookup = options({
    lookupSecret: async (id) => {
      calls.push(id);
      await new Promise((resolve) => setImmediate(resolve));
      return id === ACCESS_KEY ? SECRET : undefined;
    },
  });
  assert.equal((await verify(await sign(), lookup)).ok, true);
  assert.deepEqual(calls, [ACCESS_KEY]);
  const expired = await sign({ signingDate: new Date(NOW.getTime() - 600_000) });
  expectFailure(await verify(expired, lookup), 'signature-expired');
  const garbage = withHeaders(await sign(), { authorization: 'AWS4-HMAC-SHA256 nonsense' });
  expectFailure(await verify(garbage, lookup), 'incomplete-signature');
  assert.deepEqual(calls, [ACCESS_KEY], 'no lookup for what fails without the secret');
});

test('SigV4Verifier caches signing keys in a bounded map', async () => {
  const verifier = new SigV4Verifier({ signingKeyCacheSize: 2 });
  for (const region of ['us-east-1', 'eu-west-1', 'ap-south-1']) {
    const req = await sign({ region });
    assert.equal((await verifier.verify(req, options())).ok, true);
    assert.equal((await verifier.verify(req, options())).ok, true, 'cache hit verifies too');
  }
  assert.equal(verifier.cachedSigningKeys, 2);
  // A cached key for the right scope must not help a wrong secret.
  const bad = await sign({ region: 'eu-west-1', secret: OTHER_SECRET });
  const result = await verifier.verify(bad, options());
  expectFailure(result, 'signature-mismatch', MISMATCH);
  if (!result.ok) seenMessages.push(result.message);
});

test('no failure message ever contains the secret', () => {
  assert.ok(seenMessages.length >= 30, `collected ${seenMessages.length} messages`);
  for (const message of seenMessages) {
    assert.ok(!message.includes(SECRET), message);
    assert.ok(!message.includes('wJalrXUtnFEMI'), message);
    assert.ok(!message.includes('AWS4-HMAC-SHA256\n'), 'no string to sign / canonical request');
  }
});
