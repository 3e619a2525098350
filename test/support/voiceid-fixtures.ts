/**
 * Shared pieces of the Voice ID end-to-end suites (docs/voiceid.md): a server and an SDK client
 * per suite, keys made with the admin CLI, domain fixtures, typed rejections and assertions on
 * the error members Voice ID documents (ConflictType, ResourceType).
 */
import assert from 'node:assert/strict';
import type { ConflictType } from '../../src/errors/index.js';
import { randomBytes } from 'node:crypto';
import {
  CreateDomainCommand,
  VoiceIDServiceException,
  type CreateDomainCommandInput,
  type Domain,
  type VoiceIDClient,
} from '@aws-sdk/client-voice-id';
import { voiceIdClient, type ClientCredentials } from './aws-clients.js';
import { ServerProcess, type TestServer } from './server-process.js';
import { TestApp } from './test-app.js';
import type { TestDatabase, TestDatabaseKind } from './test-databases.js';

/** Generous but finite limits for hooks and tests that talk to a real server. */
export const HOOK_TIMEOUT = 60_000;
export const TEST_TIMEOUT = 120_000;
export const RACE_TIMEOUT = 300_000;

export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';

/** DomainId, WatchlistId (UniqueIdLarge): exactly 22 alphanumerics. */
export const UNIQUE_ID_PATTERN = /^[a-zA-Z0-9]{22}$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const domainArn = (domainId: string, region = REGION, account = ACCOUNT): string =>
  `arn:aws:voiceid:${region}:${account}:domain/${domainId}`;

/** A service exception with the members the Voice ID error shapes carry. */
export type VoiceIdError = VoiceIDServiceException & {
  ConflictType?: string;
  ResourceType?: string;
};

export interface VoiceIdServer {
  readonly server: TestServer;
  readonly creds: ClientCredentials;
  readonly client: VoiceIDClient;
}

/**
 * The app on a fresh database of `kind` (or on `database`, another server's, for a second server
 * on the same storage), its first access key and an SDK client. In-process, unless the suite's
 * subject is the process (`{ process: true }`: a real `voxgate serve` it can kill).
 */
export async function startVoiceIdServer(
  kind: TestDatabaseKind,
  extraArgs: readonly string[] = [],
  database?: TestDatabase,
  options: { readonly process?: boolean } = {},
): Promise<VoiceIdServer> {
  const server = options.process
    ? await ServerProcess.start(kind, extraArgs, database)
    : await TestApp.start(kind, extraArgs, database);
  try {
    const creds = (await server.credentials()).accessKeys[0];
    assert.ok(creds, 'the first start creates an access key pair');
    return { server, creds, client: voiceIdClient(server, creds) };
  } catch (e) {
    if (database) await server.stop();
    else await server.stopAndDrop();
    throw e;
  }
}

export interface TestKey {
  readonly KeyId: string;
  readonly Arn: string;
  readonly Alias: string;
}

/**
 * A key with a unique alias: `voxgate admin keys create --alias alias/<unique> --json` against a
 * server process's storage, the same through the app's key service for an in-process app.
 */
export async function createKey(server: TestServer, aliasPrefix = 'key'): Promise<TestKey> {
  const alias = `alias/${uniqueName(aliasPrefix)}`;
  const out = (
    server instanceof TestApp
      ? await server.admin.createKey(alias)
      : JSON.parse(await server.cli('admin', 'keys', 'create', '--alias', alias, '--json'))
  ) as {
    KeyId?: unknown;
    Arn?: unknown;
    Alias?: unknown;
  };
  assert.equal(typeof out.KeyId, 'string', 'keys create --json prints KeyId');
  const keyId = out.KeyId as string;
  assert.match(keyId, UUID_PATTERN);
  assert.equal(out.Arn, `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`);
  assert.equal(out.Alias, alias);
  return { KeyId: keyId, Arn: out.Arn as string, Alias: alias };
}

export const aliasArn = (alias: string): string => `arn:aws:kms:${REGION}:${ACCOUNT}:${alias}`;

/** `voxgate admin keys enable|disable` (through the key service for an in-process app). */
export async function setKeyEnabled(
  server: TestServer,
  keyIdOrAlias: string,
  enabled: boolean,
): Promise<void> {
  if (server instanceof TestApp) await server.admin.setKeyEnabled(keyIdOrAlias, enabled);
  else await server.cli('admin', 'keys', enabled ? 'enable' : 'disable', keyIdOrAlias);
}

export const disableKey = (server: TestServer, keyIdOrAlias: string): Promise<void> =>
  setKeyEnabled(server, keyIdOrAlias, false);

export const enableKey = (server: TestServer, keyIdOrAlias: string): Promise<void> =>
  setKeyEnabled(server, keyIdOrAlias, true);

/** A unique name matching the DomainName / WatchlistName pattern. */
export const uniqueName = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

/** A unique ClientToken (`^[a-zA-Z0-9-_]+$`). */
export const clientToken = (): string => `tok-${randomBytes(8).toString('hex')}`;

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A well-formed DomainId / WatchlistId that was (almost certainly) never created. */
export const randomUniqueId = (): string =>
  Array.from(randomBytes(22), (b) => ALNUM[b % ALNUM.length]).join('');

/** CreateDomain with a unique name on `kmsKeyId`; asserts the common shape of the answer. */
export async function createDomain(
  client: VoiceIDClient,
  kmsKeyId: string,
  extra: Partial<CreateDomainCommandInput> = {},
): Promise<Domain & { DomainId: string }> {
  const input: CreateDomainCommandInput = {
    Name: uniqueName('domain'),
    ServerSideEncryptionConfiguration: { KmsKeyId: kmsKeyId },
    ...extra,
  };
  const out = await client.send(new CreateDomainCommand(input));
  const domain = out.Domain;
  assert.ok(domain, 'CreateDomain returns the Domain');
  assertDomainId(domain.DomainId);
  assert.equal(domain.Name, input.Name);
  return domain as Domain & { DomainId: string };
}

export function assertDomainId(id: string | undefined): asserts id is string {
  assert.ok(id, 'DomainId present');
  assert.match(id, UNIQUE_ID_PATTERN, 'DomainId is 22 alphanumerics');
}

/** Awaits a call that must fail and returns its typed service exception. */
export async function rejection(promise: Promise<unknown>): Promise<VoiceIdError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(
      e instanceof VoiceIDServiceException,
      `expected a Voice ID service exception, got ${String(e)}`,
    );
    return e as VoiceIdError;
  }
  assert.fail('expected the call to fail');
}

/** The service exception of a rejected settled promise (a non-service error fails the test). */
export function settledError(result: PromiseSettledResult<unknown>): VoiceIdError {
  assert.equal(result.status, 'rejected');
  const reason = (result as PromiseRejectedResult).reason as unknown;
  assert.ok(
    reason instanceof VoiceIDServiceException,
    `expected a Voice ID service exception, got ${String(reason)}`,
  );
  return reason as VoiceIdError;
}

function assertRequestId(e: VoiceIdError): void {
  assert.match(e.$metadata.requestId ?? '', /\S/, 'x-amzn-RequestId is present');
}

export function assertValidation(e: VoiceIdError, message?: RegExp): void {
  assert.equal(e.name, 'ValidationException', `${e.name}: ${e.message}`);
  assert.equal(e.$metadata.httpStatusCode, 400);
  if (message) assert.match(e.message, message);
  assertRequestId(e);
}

/** The model's ResourceType values. */
export type ResourceType =
  'BATCH_JOB' | 'COMPLIANCE_CONSENT' | 'DOMAIN' | 'FRAUDSTER' | 'SESSION' | 'SPEAKER' | 'WATCHLIST';
export type { ConflictType };

export function assertNotFound(
  e: VoiceIdError,
  resourceType: ResourceType,
  message?: RegExp,
): void {
  assert.equal(e.name, 'ResourceNotFoundException', `${e.name}: ${e.message}`);
  assert.equal(e.$metadata.httpStatusCode, 404);
  assert.equal(e.ResourceType, resourceType, e.message);
  if (message) assert.match(e.message, message);
  assertRequestId(e);
}

export function assertConflict(
  e: VoiceIdError,
  conflictType: ConflictType,
  message?: string | RegExp,
): void {
  assert.equal(e.name, 'ConflictException', `${e.name}: ${e.message}`);
  assert.equal(e.$metadata.httpStatusCode, 409);
  assert.equal(e.ConflictType, conflictType, e.message);
  if (typeof message === 'string') assert.equal(e.message, message);
  else if (message) assert.match(e.message, message);
  assertRequestId(e);
}

export { allPages, assertRecentDate } from './sdk-assertions.js';

/**
 * `token` with one meaningful character changed: the first character (whatever the encoding,
 * its bits all count), so the token no longer verifies.
 */
export function tamper(token: string): string {
  const first = token[0] ?? '';
  const replacement = first === 'A' ? 'B' : 'A';
  return `${replacement}${token.slice(1)}`;
}

/** The server's log lines about the request that answered `e` (for failure messages). */
export function serverLog(server: TestServer, e: VoiceIdError): string {
  const requestId = e.$metadata.requestId;
  if (!requestId) return '';
  return server.stderr
    .filter((line) => line.includes(requestId))
    .map((line) => (line.length > 2000 ? `${line.slice(0, 2000)}…` : line))
    .join('\n');
}
