/**
 * Minutes held by open streams when the server goes away: killed with kill -9 and started again
 * on the same storage, it gives the holds back before it answers its first request (before: the
 * client was refused with ClientHasNoMoreMinutes for 30 minutes); stopped with SIGTERM, it gives
 * them back before it exits.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SpeechClient } from '../../src/speech/accounts/index.js';
import { ServerProcess } from '../support/server-process.js';
import { createTestDatabase, testDatabaseKinds } from '../support/test-databases.js';
import { CORPUS, StreamClient } from './support/stream-client.js';

/** A client with 3 minutes and two streams open on `server` that hold all of them. */
async function twoOpenStreams(server: ServerProcess): Promise<{ clientId: string }> {
  const client = JSON.parse(
    await server.cli(
      'admin',
      'clients',
      'create',
      '--name',
      'crash',
      '--minutes',
      '3',
      '--apis',
      'scripted',
      '--json',
    ),
  ) as SpeechClient;
  const { token } = JSON.parse(
    await server.cli('admin', 'tokens', 'create', '--client', client.clientId, '--json'),
  ) as { token: string };
  const url = `ws://127.0.0.1:${server.port}/api/v2/ws/score_audio`;
  for (let i = 0; i < 2; i++) {
    const ws = await StreamClient.connect(url, { authorization: `ELSA ${token}` });
    await ws.expect('ELSA:wsConnect');
    ws.start(CORPUS.weCallItBear.sentence);
    await ws.expect('ELSA:start_stream_result');
  }
  return { clientId: client.clientId };
}

/** The client as `voxgate admin clients show` reads it from storage (no server needed). */
async function show(server: ServerProcess, clientId: string): Promise<SpeechClient> {
  return JSON.parse(
    await server.cli('admin', 'clients', 'show', clientId, '--json'),
  ) as SpeechClient;
}

for (const kind of testDatabaseKinds()) {
  describe(`speech minutes when the server goes away (${kind})`, () => {
    test('kill -9: the holds are released as the server starts again', async () => {
      const database = await createTestDatabase(kind);
      let server = await ServerProcess.start(kind, [], database);
      try {
        const { clientId } = await twoOpenStreams(server);
        assert.equal((await show(server, clientId)).reservedMs, 180_000, 'all held');
        await server.stop('SIGKILL');
        server = await ServerProcess.start(kind, [], database);
        const after = await show(server, clientId);
        assert.equal(after.reservedMs, 0, 'nothing held once the server is listening again');
        assert.equal(after.availableMs, 180_000);
        assert.equal(after.usedMs, 0);
      } finally {
        await server.stop();
        await database.drop();
      }
    });

    test('SIGTERM: the holds are released before the server exits', async () => {
      const server = await ServerProcess.start(kind);
      try {
        const { clientId } = await twoOpenStreams(server);
        assert.equal(await server.stop('SIGTERM'), 0);
        const after = await show(server, clientId);
        assert.equal(after.reservedMs, 0);
        assert.equal(after.usedMs, 0);
      } finally {
        await server.database.drop();
      }
    });
  });
}
