/**
 * The wrong-type sweep through the whole app (in-process, requests injected: the same Fastify
 * pipeline, SigV4 included, without loopback HTTP), on each storage backend: every member of
 * every operation of both AWS models, each with every value of WRONG_VALUES, in an otherwise
 * valid input that names real resources. No answer is a 5xx, every error answer is a catalogued
 * error (its name and its message template), and the server stays up throughout.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as identityStoreModel from '../../src/protocols/aws-json/generated/identitystore-model.js';
import * as voiceIdModel from '../../src/protocols/aws-json/generated/voiceid-model.js';
import { allErrors } from '../../src/errors/index.js';
import type { ClientCredentials } from '../support/aws-clients.js';
import { sweepCases, type KnownValues, type SweepCase } from '../support/model-sweep.js';
import type { FastifyInstance } from 'fastify';
import { signedHeaders } from '../support/signed-fetch.js';
import { TestApp } from '../support/test-app.js';
import { testDatabaseKinds } from '../support/test-databases.js';
import { createStore, createGroup, createUser } from '../support/identitystore-fixtures.js';
import {
  createDomain,
  createKey,
  randomUniqueId,
  startVoiceIdServer,
  type VoiceIdServer,
} from '../support/voiceid-fixtures.js';
import { identityStoreClient } from '../support/aws-clients.js';
import {
  CreateGroupMembershipCommand,
  type IdentitystoreClient,
} from '@aws-sdk/client-identitystore';
import { CreateWatchlistCommand } from '@aws-sdk/client-voice-id';

const CONCURRENCY = 8;

/** Each catalogued name with the message templates it may carry ({param} matches anything). */
const TEMPLATES = new Map<string, RegExp[]>();
for (const d of allErrors) {
  const source = d.message
    .split(/\{[A-Za-z_]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*');
  TEMPLATES.set(d.name, [...(TEMPLATES.get(d.name) ?? []), new RegExp(`^${source}$`)]);
}

interface Outcome {
  readonly status: number;
  readonly problem?: string;
}

/** `{n}` in a body becomes a number unique to the request (names that must not collide). */
let sent = 0;

async function send(
  app: FastifyInstance,
  creds: ClientCredentials,
  model: typeof identityStoreModel | typeof voiceIdModel,
  c: SweepCase,
): Promise<Outcome> {
  const { headers, body: payload } = await signedHeaders('localhost:80', creds, {
    target: `${model.SERVICE.targetPrefix}.${c.operation}`,
    contentType: `application/x-amz-json-${model.SERVICE.jsonVersion}`,
    service: model.SERVICE.signingName,
    body: c.body.replaceAll('{n}', String(++sent)),
  });
  const res = await app.inject({ method: 'POST', url: '/', headers, payload });
  const text = res.body;
  if (res.statusCode >= 500) return { status: res.statusCode, problem: text.slice(0, 300) };
  if (res.statusCode < 300) return { status: res.statusCode };
  const body = JSON.parse(text) as { __type?: string; message?: string };
  const name = body.__type ?? '';
  if (res.headers['x-amzn-errortype'] !== name)
    return { status: res.statusCode, problem: `header and body name differ: ${name}` };
  const templates = TEMPLATES.get(name);
  if (!templates) return { status: res.statusCode, problem: `uncatalogued error ${name}` };
  if (!templates.some((t) => t.test(body.message ?? '')))
    return {
      status: res.statusCode,
      problem: `${name} with an uncatalogued message: ${body.message}`,
    };
  return { status: res.statusCode };
}

async function sweep(
  app: FastifyInstance,
  creds: ClientCredentials,
  model: typeof identityStoreModel | typeof voiceIdModel,
  known: KnownValues,
  extra: Readonly<Record<string, Record<string, unknown>>> = {},
): Promise<{ statuses: Map<number, number>; problems: string[] }> {
  const cases = sweepCases(model.SHAPES, model.OPERATIONS, known, extra);
  const statuses = new Map<number, number>();
  const problems: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        const outcome = await send(app, creds, model, c);
        statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
        if (outcome.problem)
          problems.push(
            `${c.operation} ${c.member} = ${c.label}: ${outcome.status} ${outcome.problem}`,
          );
      }
    }),
  );
  return { statuses, problems };
}

const appOf = (v: VoiceIdServer): FastifyInstance => {
  assert.ok(v.server instanceof TestApp, 'the sweep injects into an in-process app');
  return v.server.app.server;
};

for (const kind of testDatabaseKinds()) {
  describe(`wrong-type sweep over both models (${kind})`, { timeout: 600_000 }, () => {
    let v: VoiceIdServer;
    before(async () => {
      v = await startVoiceIdServer(kind);
    });
    after(async () => {
      try {
        assert.equal((await fetch(`${v.server.url}/health`)).status, 200, 'still up');
      } finally {
        await v.server.stopAndDrop();
      }
    });

    test('Identity Store: no 5xx, every error catalogued', async () => {
      const storeId = await createStore(v.server);
      const client: IdentitystoreClient = identityStoreClient(v.server, v.creds);
      const userId = await createUser(client, storeId, 'sweep-user');
      const groupId = await createGroup(client, storeId, 'sweep-group');
      const { MembershipId } = await client.send(
        new CreateGroupMembershipCommand({
          IdentityStoreId: storeId,
          GroupId: groupId,
          MemberId: { UserId: userId },
        }),
      );
      const { statuses, problems } = await sweep(
        appOf(v),
        v.creds,
        identityStoreModel,
        {
          IdentityStoreId: storeId,
          UserId: userId,
          GroupId: groupId,
          GroupIds: groupId,
          MembershipId: MembershipId!,
          AttributePath: 'displayName',
          AttributeValue: 'sweep value',
          UserName: 'sweep-{n}',
          DisplayName: 'Sweep {n}',
        },
        {
          CreateUser: {
            UserName: 'sweep-{n}',
            DisplayName: 'Sweep {n}',
            Name: { GivenName: 'Sweep', FamilyName: 'Test' },
          },
          CreateGroup: { DisplayName: 'Sweep group {n}' },
          UpdateUser: {
            UserId: userId,
            Operations: [{ AttributePath: 'nickName', AttributeValue: 'sweep' }],
          },
          UpdateGroup: {
            GroupId: groupId,
            Operations: [{ AttributePath: 'description', AttributeValue: 'sweep' }],
          },
          GetUserId: {
            AlternateIdentifier: {
              UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'sweep-user' },
            },
          },
        },
      );
      assert.deepEqual(problems, [], `statuses ${JSON.stringify([...statuses])}`);
      // The sweep reached the domain, not only the validator.
      assert.ok((statuses.get(200) ?? 0) > 50, `statuses ${JSON.stringify([...statuses])}`);
    });

    test('Voice ID: no 5xx, every error catalogued', async () => {
      const key = await createKey(v.server, 'sweep');
      const domain = await createDomain(v.client, key.KeyId);
      const { Watchlist } = await v.client.send(
        new CreateWatchlistCommand({ DomainId: domain.DomainId, Name: 'sweep-list' }),
      );
      const { statuses, problems } = await sweep(appOf(v), v.creds, voiceIdModel, {
        DomainId: domain.DomainId,
        WatchlistId: Watchlist!.WatchlistId!,
        KmsKeyId: key.KeyId,
        SpeakerId: randomUniqueId(),
        FraudsterId: `id#${randomUniqueId()}`,
        ResourceArn: domain.Arn!,
        Name: 'sweep-{n}',
        S3Uri: 's3://voxgate-sweep/input.json',
      });
      assert.deepEqual(problems, [], `statuses ${JSON.stringify([...statuses])}`);
      assert.ok((statuses.get(200) ?? 0) > 50, `statuses ${JSON.stringify([...statuses])}`);
    });
  });
}
