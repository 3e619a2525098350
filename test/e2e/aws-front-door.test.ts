/**
 * The AWS JSON front door through the official SDK clients against a real `voxgate serve`:
 * SigV4 (accepted, wrong secret, expired, tampered), dispatch, validation from the model, and
 * the wire shape of errors the SDK types.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IdentitystoreServiceException } from '@aws-sdk/client-identitystore';
import { DescribeUserCommand, ListUsersCommand } from '@aws-sdk/client-identitystore';
import {
  DescribeDomainCommand,
  EvaluateSessionCommand,
  ListDomainsCommand,
} from '@aws-sdk/client-voice-id';
import {
  identityStoreClient,
  voiceIdClient,
  type ClientCredentials,
} from '../support/aws-clients.js';
import { TestApp } from '../support/test-app.js';
import { signedFetch } from '../support/signed-fetch.js';
import { testDatabaseKinds } from '../support/test-databases.js';

const STORE = 'd-1234567890';
const USER = '1234567890-12345678-1234-1234-1234-123456789012';

async function rejection(
  promise: Promise<unknown>,
): Promise<IdentitystoreServiceException & Record<string, unknown>> {
  try {
    await promise;
  } catch (e) {
    return e as IdentitystoreServiceException & Record<string, unknown>;
  }
  assert.fail('expected the call to fail');
}

for (const kind of testDatabaseKinds()) {
  describe(`AWS JSON front door (${kind})`, () => {
    let server: TestApp;
    let creds: ClientCredentials;

    before(async () => {
      server = await TestApp.start(kind);
      const first = await server.credentials();
      assert.equal(first.accessKeys.length, 1, 'first start creates one access key pair');
      creds = first.accessKeys[0]!;
    });
    after(() => server.stopAndDrop());

    test('a signed request passes SigV4 and validation and reaches dispatch', async () => {
      const e = await rejection(
        identityStoreClient(server, creds).send(
          new DescribeUserCommand({ IdentityStoreId: STORE, UserId: USER }),
        ),
      );
      // Dispatch reached the Identity Store, which knows no such store.
      assert.equal(e.name, 'ResourceNotFoundException');
      assert.equal(e.ResourceType, 'IDENTITY_STORE');
      assert.equal(e.$metadata.httpStatusCode, 404);
      assert.match(e.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
    });

    test('Voice ID requests are verified against the voiceid scope and JSON 1.0', async () => {
      const out = await voiceIdClient(server, creds).send(new ListDomainsCommand({}));
      assert.deepEqual(out.DomainSummaries, []);
    });

    test('every operation of the model has a handler: EvaluateSession of no domain is ResourceNotFoundException', async () => {
      const e = await rejection(
        voiceIdClient(server, creds).send(
          new EvaluateSessionCommand({ DomainId: 'a'.repeat(22), SessionNameOrId: 'contact-1' }),
        ),
      );
      assert.equal(e.name, 'ResourceNotFoundException');
      assert.equal(e.$metadata.httpStatusCode, 404);
    });

    test('a wrong secret is InvalidSignatureException', async () => {
      const client = identityStoreClient(server, {
        accessKeyId: creds.accessKeyId,
        secretAccessKey: 'x'.repeat(40),
      });
      const e = await rejection(client.send(new ListUsersCommand({ IdentityStoreId: STORE })));
      assert.equal(e.name, 'InvalidSignatureException');
      assert.match(e.message, /^The request signature we calculated does not match/);
      assert.ok(!e.message.includes(creds.secretAccessKey));
    });

    test('an unknown access key is UnrecognizedClientException', async () => {
      const client = identityStoreClient(server, {
        accessKeyId: 'AKIAAAAAAAAAAAAAAAAA',
        secretAccessKey: creds.secretAccessKey,
      });
      const e = await rejection(client.send(new ListUsersCommand({ IdentityStoreId: STORE })));
      assert.equal(e.name, 'UnrecognizedClientException');
    });

    test('a request signed an hour ago is rejected as expired', async () => {
      const client = identityStoreClient(server, creds, { systemClockOffset: -3600_000 });
      const e = await rejection(client.send(new ListUsersCommand({ IdentityStoreId: STORE })));
      assert.equal(e.name, 'InvalidSignatureException');
      assert.match(
        e.message,
        /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
      );
    });

    test('a body changed after signing is rejected', async () => {
      const client = identityStoreClient(server, creds);
      // The deserialize step runs after signing, just before the request is sent.
      client.middlewareStack.add(
        (next) => async (args) => {
          const request = args.request as { body: string };
          request.body = request.body.replace(STORE, 'd-0000000000');
          return next(args);
        },
        { step: 'deserialize', name: 'tamper' },
      );
      const e = await rejection(client.send(new ListUsersCommand({ IdentityStoreId: STORE })));
      assert.equal(e.name, 'InvalidSignatureException');
      assert.match(e.message, /x-amz-content-sha256/);
    });

    test('an unknown operation is UnknownOperationException', async () => {
      const res = await signedFetch(server.url, creds, {
        target: 'AWSIdentityStore.StealUsers',
        contentType: 'application/x-amz-json-1.1',
        body: '{}',
      });
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('x-amzn-errortype'), 'UnknownOperationException');
      const body = (await res.json()) as Record<string, unknown>;
      assert.equal(body.__type, 'UnknownOperationException');
      assert.equal(res.headers.get('x-amzn-requestid')?.length, 36);
    });

    test('model validation: ValidationException with the AWS wording and RequestId', async () => {
      const e = await rejection(
        identityStoreClient(server, creds).send(
          new DescribeUserCommand({ IdentityStoreId: 'bad id!', UserId: USER }),
        ),
      );
      assert.equal(e.name, 'ValidationException');
      assert.equal(e.$metadata.httpStatusCode, 400);
      assert.match(
        e.message,
        /^1 validation error detected: Value 'bad id!' at 'identityStoreId' failed to satisfy constraint: Member must satisfy regular expression pattern: /,
      );
      assert.equal(
        e.RequestId,
        e.$metadata.requestId,
        'RequestId member equals the x-amzn-RequestId header',
      );
    });

    test('Voice ID validation: length and pattern of DomainId', async () => {
      const e = await rejection(
        voiceIdClient(server, creds).send(new DescribeDomainCommand({ DomainId: 'short' })),
      );
      assert.equal(e.name, 'ValidationException');
      assert.match(
        e.message,
        /^2 validation errors detected: .*length greater than or equal to 22.*; .*regular expression pattern/,
      );
    });

    test('MaxResults out of range is a ValidationException', async () => {
      const e = await rejection(
        identityStoreClient(server, creds).send(
          new ListUsersCommand({ IdentityStoreId: STORE, MaxResults: 0 }),
        ),
      );
      assert.equal(e.name, 'ValidationException');
      assert.match(
        e.message,
        /Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1/,
      );
    });
  });
}
