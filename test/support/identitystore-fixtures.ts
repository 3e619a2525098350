/**
 * Shared pieces of the Identity Store end-to-end suites (docs/identitystore.md): a server and an
 * SDK client per suite, identity stores made with the admin CLI, user/group fixtures, typed
 * rejections and assertions on the error members Voxgate documents.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  CreateGroupCommand,
  CreateUserCommand,
  IdentitystoreServiceException,
  type CreateUserCommandInput,
  type IdentitystoreClient,
} from '@aws-sdk/client-identitystore';
import { identityStoreClient, type ClientCredentials } from './aws-clients.js';
import { ServerProcess, type TestServer } from './server-process.js';
import { TestApp } from './test-app.js';
import type { TestDatabaseKind } from './test-databases.js';

/** Generous but finite limits for hooks and tests that talk to a real server. */
export const HOOK_TIMEOUT = 60_000;
export const TEST_TIMEOUT = 120_000;
export const RACE_TIMEOUT = 300_000;

export const ENTERPRISE = 'aws:identitystore:enterprise';

export const STORE_ID_PATTERN = /^d-[0-9a-f]{10}$/;
/** `<10 hex digits of the store id>-<uuid v4>` (users, groups, memberships). */
export const RESOURCE_ID_PATTERN =
  /^[0-9a-f]{10}-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A service exception with the members the Identity Store error shapes carry. */
export type IdentityStoreError = IdentitystoreServiceException & {
  Reason?: string;
  ResourceType?: string;
  ResourceId?: string;
  RequestId?: string;
};

export interface IdentityStoreServer {
  readonly server: TestServer;
  readonly creds: ClientCredentials;
  readonly client: IdentitystoreClient;
}

/**
 * The app on a fresh database of `kind`, its first access key and an SDK client: in-process,
 * or a real `voxgate serve` with `{ process: true }` (races between processes, kills).
 */
export async function startIdentityStoreServer(
  kind: TestDatabaseKind,
  extraArgs: readonly string[] = [],
  options: { readonly process?: boolean } = {},
): Promise<IdentityStoreServer> {
  const server = options.process
    ? await ServerProcess.start(kind, extraArgs)
    : await TestApp.start(kind, extraArgs);
  try {
    const creds = (await server.credentials()).accessKeys[0];
    assert.ok(creds, 'the first start creates an access key pair');
    return { server, creds, client: identityStoreClient(server, creds) };
  } catch (e) {
    await server.stopAndDrop();
    throw e;
  }
}

/**
 * `voxgate admin identitystore create --json` against a server process's storage (through the
 * app's identity store for an in-process app).
 */
export async function createStore(server: TestServer): Promise<string> {
  const out = (
    server instanceof TestApp
      ? { IdentityStoreId: await server.admin.createIdentityStore() }
      : JSON.parse(await server.cli('admin', 'identitystore', 'create', '--json'))
  ) as {
    IdentityStoreId?: unknown;
  };
  assert.equal(typeof out.IdentityStoreId, 'string', 'create --json prints {"IdentityStoreId"}');
  const id = out.IdentityStoreId as string;
  assert.match(id, STORE_ID_PATTERN);
  return id;
}

/** A well-formed store id that was (almost certainly) never created. */
export const randomStoreId = (): string => `d-${randomBytes(5).toString('hex')}`;

/** A well-formed user/group/membership id of `storeId` that does not exist. */
export const randomResourceId = (storeId: string): string => `${storeId.slice(2)}-${randomUUID()}`;

/** A unique, whitespace-free name (UserName pattern) for one test. */
export const uniqueName = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

export function assertResourceId(id: string | undefined, storeId: string, what: string): string {
  assert.ok(id, `${what} id present`);
  assert.match(id, RESOURCE_ID_PATTERN, `${what} id format`);
  assert.equal(id.slice(0, 10), storeId.slice(2), `${what} id starts with the store's hex digits`);
  return id;
}

/** The smallest valid CreateUser input: UserName, DisplayName, Name.GivenName/FamilyName. */
export function minimalUserInput(
  storeId: string,
  userName: string,
  extra: Partial<CreateUserCommandInput> = {},
): CreateUserCommandInput {
  return {
    IdentityStoreId: storeId,
    UserName: userName,
    DisplayName: `User ${userName}`,
    Name: { GivenName: 'Given', FamilyName: 'Family' },
    ...extra,
  };
}

export async function createUser(
  client: IdentitystoreClient,
  storeId: string,
  userName: string,
  extra: Partial<CreateUserCommandInput> = {},
): Promise<string> {
  const out = await client.send(new CreateUserCommand(minimalUserInput(storeId, userName, extra)));
  assert.equal(out.IdentityStoreId, storeId);
  return assertResourceId(out.UserId, storeId, 'user');
}

export async function createGroup(
  client: IdentitystoreClient,
  storeId: string,
  displayName: string,
  description?: string,
): Promise<string> {
  const out = await client.send(
    new CreateGroupCommand({
      IdentityStoreId: storeId,
      DisplayName: displayName,
      ...(description === undefined ? {} : { Description: description }),
    }),
  );
  assert.equal(out.IdentityStoreId, storeId);
  return assertResourceId(out.GroupId, storeId, 'group');
}

/** CreateUser with every member of the model (Photos at its maximum of 3). */
export function fullUserInput(
  storeId: string,
  userName: string,
  managerId: string,
): CreateUserCommandInput & Required<Pick<CreateUserCommandInput, 'Extensions'>> {
  return {
    IdentityStoreId: storeId,
    UserName: userName,
    Name: {
      Formatted: 'Dr. Zoë Quinn Ångström Jr.',
      FamilyName: 'Ångström',
      GivenName: 'Zoë',
      MiddleName: 'Quinn',
      HonorificPrefix: 'Dr.',
      HonorificSuffix: 'Jr.',
    },
    DisplayName: 'Zoë Ångström',
    NickName: 'Zo',
    ProfileUrl: 'https://profiles.example.com/zoe',
    Emails: [{ Value: `${userName}@example.com`, Type: 'work', Primary: true }],
    Addresses: [
      {
        StreetAddress: '1 Rue de la Paix',
        Locality: 'Paris',
        Region: 'Île-de-France',
        PostalCode: '75002',
        Country: 'FR',
        Formatted: '1 Rue de la Paix, 75002 Paris, France',
        Type: 'work',
        Primary: true,
      },
    ],
    PhoneNumbers: [{ Value: '+33 1 23 45 67 89', Type: 'mobile', Primary: false }],
    UserType: 'Employee',
    Title: 'Speech Scientist',
    PreferredLanguage: 'fr',
    Locale: 'fr-FR',
    Timezone: 'Europe/Paris',
    Photos: [
      {
        Value: 'https://photos.example.com/zoe-1.jpg',
        Type: 'photo',
        Display: 'Portrait',
        Primary: true,
      },
      {
        Value: 'https://photos.example.com/zoe-2.jpg',
        Type: 'thumbnail',
        Display: 'Thumbnail',
        Primary: false,
      },
      { Value: 'https://photos.example.com/zoe-3.jpg' },
    ],
    Website: 'https://zoe.example.com/',
    Birthdate: '1990-05-17',
    Roles: [{ Value: 'linguist', Type: 'primary', Primary: true }],
    Extensions: {
      [ENTERPRISE]: {
        employeeNumber: '701',
        costCenter: 'CC-9',
        organization: 'Voxgate',
        division: 'R&D',
        department: 'Speech',
        manager: { value: managerId },
      },
    },
  };
}

/** The user attributes a client can write (everything but ids, timestamps and ExternalIds). */
export const USER_ATTRIBUTES = [
  'UserName',
  'Name',
  'DisplayName',
  'NickName',
  'ProfileUrl',
  'Emails',
  'Addresses',
  'PhoneNumbers',
  'UserType',
  'Title',
  'PreferredLanguage',
  'Locale',
  'Timezone',
  'Photos',
  'Website',
  'Birthdate',
  'Roles',
] as const;

/** `obj` restricted to `keys`, absent members kept as explicit `undefined` for deepEqual. */
export function pick<T extends object, K extends keyof T>(obj: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = obj[k];
  return out;
}

/** Awaits a call that must fail and returns its typed service exception. */
export async function rejection(promise: Promise<unknown>): Promise<IdentityStoreError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(
      e instanceof IdentitystoreServiceException,
      `expected an Identity Store service exception, got ${String(e)}`,
    );
    return e as IdentityStoreError;
  }
  assert.fail('expected the call to fail');
}

/** `RequestId` in the body equals the `x-amzn-RequestId` header, a UUID. */
export function assertRequestId(e: IdentityStoreError): void {
  assert.match(e.$metadata.requestId ?? '', UUID_PATTERN, 'x-amzn-RequestId is a UUID');
  assert.equal(e.RequestId, e.$metadata.requestId, 'RequestId member equals x-amzn-RequestId');
}

export function assertNotFound(
  e: IdentityStoreError,
  resourceType: 'USER' | 'GROUP' | 'GROUP_MEMBERSHIP' | 'IDENTITY_STORE',
  resourceId?: string,
): void {
  assert.equal(e.name, 'ResourceNotFoundException', `${e.name}: ${e.message}`);
  assert.equal(e.$metadata.httpStatusCode, 404);
  assert.equal(e.ResourceType, resourceType);
  if (resourceId !== undefined) assert.equal(e.ResourceId, resourceId);
  assertRequestId(e);
}

export function assertValidation(e: IdentityStoreError, message?: RegExp): void {
  assert.equal(e.name, 'ValidationException', `${e.name}: ${e.message}`);
  assert.equal(e.$metadata.httpStatusCode, 400);
  if (message) assert.match(e.message, message);
  assertRequestId(e);
}

export function assertConflict(
  e: IdentityStoreError,
  reason: 'UNIQUENESS_CONSTRAINT_VIOLATION' | 'CONCURRENT_MODIFICATION',
  message?: RegExp,
): void {
  assert.equal(e.name, 'ConflictException', `${e.name}: ${e.message}`);
  assert.equal(e.$metadata.httpStatusCode, 409);
  assert.equal(e.Reason, reason, e.message);
  if (message) assert.match(e.message, message);
  assertRequestId(e);
}

export function assertQuotaExceeded(e: IdentityStoreError): void {
  assert.equal(e.name, 'ServiceQuotaExceededException', `${e.name}: ${e.message}`);
  assert.equal(e.$metadata.httpStatusCode, 402);
  assertRequestId(e);
}

export { allPages, assertRecentDate } from './sdk-assertions.js';

/** The server's log lines about the request that answered `e` (for failure messages). */
export function serverLog(server: TestServer, e: IdentityStoreError): string {
  const requestId = e.$metadata.requestId;
  if (!requestId) return '';
  return server.stderr
    .filter((line) => line.includes(requestId))
    .map((line) => (line.length > 2000 ? `${line.slice(0, 2000)}…` : line))
    .join('\n');
}

/** The service exception of a rejected settled promise (a non-service error fails the test). */
export function settledError(result: PromiseSettledResult<unknown>): IdentityStoreError {
  assert.equal(result.status, 'rejected');
  const reason = (result as PromiseRejectedResult).reason as unknown;
  assert.ok(
    reason instanceof IdentitystoreServiceException,
    `expected an Identity Store service exception, got ${String(reason)}`,
  );
  return reason as IdentityStoreError;
}
