/**
 * Where the time of one signed DescribeUser goes: each stage the AWS door runs, measured in
 * this process on its own storage (SQLite in a temporary directory) with the production code,
 * `CALLS` calls each after a warm-up. The stages are the door's, in order; what the server
 * spends beyond their sum (Fastify, HTTP, hooks, metrics, the cost of running them under load
 * beside the load generator) is what the caller prints as the rest.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { IdentityStore } from '../../src/identitystore/index.js';
import { PageTokens } from '../../src/pagination/index.js';
import * as model from '../../src/protocols/aws-json/generated/identitystore-model.js';
import { userToWire } from '../../src/protocols/aws-json/identitystore/wire-mapping.js';
import { compileShapeValidator } from '../../src/protocols/aws-json/shape-validator.js';
import { SigV4Verifier } from '../../src/protocols/aws-json/sigv4/index.js';
import { MAX_JSON_DEPTH, jsonNestingExceeds } from '../../src/protocols/http/json-depth.js';
import { IdentityStoreRepository, openStorage } from '../../src/storage/index.js';

const CALLS = 20_000;

export interface Stage {
  readonly stage: string;
  readonly microseconds: number;
}

async function time(calls: number, fn: () => unknown): Promise<number> {
  for (let i = 0; i < Math.min(2000, calls); i++) await fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await fn();
  return Number(process.hrtime.bigint() - start) / calls / 1000;
}

export async function describeUserBreakdown(): Promise<Stage[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'voxgate-breakdown-'));
  const { dialect } = await openStorage(`sqlite:${path.join(dir, 'voxgate.db')}`);
  try {
    const store = new IdentityStore(
      new IdentityStoreRepository(dialect),
      new PageTokens(Buffer.alloc(32, 7)),
      {
        autoCreateStores: false,
        uniqueEmails: true,
        updateRetries: 20,
        maxUsers: 1_000_000,
        maxGroups: 100_000,
        maxGroupsPerUser: 1000,
      },
    );
    const storeId = await store.createStore(new Date());
    const userId = await store.createUser({ principal: 'AKIABENCH', now: new Date() }, storeId, {
      userName: 'bench-user',
      displayName: 'Bench User',
      name: { givenName: 'Bench', familyName: 'User' },
      emails: [{ value: 'bench@bench.example', type: 'work', primary: true }],
    });
    const body = JSON.stringify({ IdentityStoreId: storeId, UserId: userId });
    const signer = new SignatureV4({
      credentials: { accessKeyId: 'AKIABENCH', secretAccessKey: 'bench-secret' },
      region: 'us-east-1',
      service: 'identitystore',
      sha256: Sha256,
    });
    // The headers the SDK sends (reference/aws-apis.md §4).
    const signed = await signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 8080,
        path: '/',
        headers: {
          host: '127.0.0.1:8080',
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AWSIdentityStore.DescribeUser',
          'x-amz-user-agent': 'aws-sdk-js/3.1137.0',
          'user-agent': 'aws-sdk-js/3.1137.0 ua/2.1 os/linux lang/js md/nodejs#20',
          'amz-sdk-invocation-id': '7c4a1f40-3b0e-4e38-9a57-0d5e3c6f0a11',
          'amz-sdk-request': 'attempt=1; max=3',
          'content-length': String(Buffer.byteLength(body)),
        },
        body,
      }),
    );
    const headers = Object.fromEntries(
      Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const bytes = Buffer.from(body);
    const verifier = new SigV4Verifier();
    const verifyOptions = {
      service: () => 'identitystore',
      now: new Date(),
      maxClockSkewSeconds: 300,
      lookupSecret: () => Promise.resolve('bench-secret'),
    };
    const validate = compileShapeValidator(model.SHAPES, 'DescribeUserRequest');
    const input = JSON.parse(body) as unknown;
    const user = await store.describeUser(storeId, userId);
    return [
      {
        stage: 'SigV4 verification',
        microseconds: await time(CALLS, () =>
          verifier.verify(
            { method: 'POST', path: '/', query: '', headers, body: bytes },
            verifyOptions,
          ),
        ),
      },
      {
        stage: 'JSON nesting check + parse',
        microseconds: await time(CALLS * 5, () => {
          jsonNestingExceeds(body, MAX_JSON_DEPTH);
          return JSON.parse(body) as unknown;
        }),
      },
      {
        stage: 'validation against the model',
        microseconds: await time(CALLS * 5, () => validate(input)),
      },
      {
        stage: 'Identity Store describeUser (SQLite)',
        microseconds: await time(CALLS, () => store.describeUser(storeId, userId)),
      },
      {
        stage: 'wire mapping + JSON serialisation',
        microseconds: await time(CALLS * 5, () => JSON.stringify(userToWire(user, undefined))),
      },
    ];
  } finally {
    await dialect.db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
