/**
 * Edge cases of the scripted WebSocket that need settings or engines a real server would not
 * have: a short idle timeout, and an engine that fails. The door runs in-process on a real
 * socket (`listen` on port 0), with speech accounts on a real database.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { DEFAULT_FETCH_POLICY } from '../../src/audio/index.js';
import type { AsrEngine } from '../../src/engines/index.js';
import type { PronunciationModel } from '../../src/engines/pronunciation/index.js';
import { catalog, voxError } from '../../src/errors/index.js';
import { registerWebSockets } from '../../src/protocols/http/websocket-support.js';
import { speechWebSocket } from '../../src/protocols/speech/speech-websocket.js';
import { StressDictionary } from '../../src/speech/scripted/index.js';
import {
  openAccounts,
  type AccountsContext,
} from '../speech-accounts/support/accounts-fixtures.js';
import { testDatabaseKinds } from '../support/test-databases.js';
import { CORPUS, StreamClient, corpusSamples, wavChunks } from './support/stream-client.js';

/** Long enough that a loaded test machine answers a packet well within it. */
const IDLE_MS = 1000;

/** An engine whose every call fails as a lost worker connection would. */
const failingEngine = {
  align: () => Promise.reject(voxError(catalog.ASRConnectionFailed)),
  phoneLoop: () => Promise.reject(voxError(catalog.ASRConnectionFailed)),
  chooseSentence: () => Promise.reject(voxError(catalog.ASRConnectionFailed)),
  recognize: () => Promise.reject(voxError(catalog.ASRConnectionFailed)),
  ping: () => Promise.resolve(),
  close: () => Promise.resolve(),
} as unknown as AsrEngine;

for (const kind of testDatabaseKinds()) {
  describe(`speech WebSocket: idle sockets and failing engines (${kind})`, () => {
    let context: AccountsContext;
    let app: FastifyInstance;
    let url: string;

    before(async () => {
      context = await openAccounts(kind);
      app = Fastify();
      app.decorateRequest('labels', null as never);
      app.addHook('onRequest', async (request) => {
        request.labels = { api: 'http', operation: '', errorName: null };
      });
      await registerWebSockets(app, 1 << 20);
      await app.register(speechWebSocket, {
        accounts: context.accounts,
        scripted: {
          engine: failingEngine,
          model: { version: 'test' } as unknown as PronunciationModel,
          stress: new StressDictionary(),
        },
        jobs: null,
        limits: {
          maxAudioBytes: 20 * 1024 * 1024,
          maxAudioSeconds: 60,
          syncMaxSeconds: 45,
          engineDeadlineMs: 5000,
          ffmpegTimeoutMs: 5000,
        },
        fetchPolicy: DEFAULT_FETCH_POLICY,
        stream: { idleTimeoutMs: IDLE_MS },
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      assert.ok(address !== null && typeof address === 'object');
      url = `ws://127.0.0.1:${address.port}/api/v2/ws/score_audio`;
    });
    after(async () => {
      await app?.close();
      await context?.close();
    });

    const newClient = async () => {
      const client = await context.accounts.admin.createClient({
        name: 'learners',
        minutes: 5,
        apis: ['scripted'],
      });
      const { token } = await context.accounts.admin.createToken(client.clientId);
      return { clientId: client.clientId, token };
    };
    /** Polls until the client holds no minutes; returns its balance. */
    const released = async (clientId: string) => {
      for (let i = 0; i < 100; i++) {
        const client = await context.accounts.admin.getClient(clientId);
        if (client.reservedMs === 0) return client;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.fail('minutes still held');
    };

    test('a socket with no message for the idle timeout gets an error and is closed', async () => {
      const { token } = await newClient();
      const ws = await StreamClient.connect(url, { authorization: `ELSA ${token}` });
      await ws.expect('ELSA:wsConnect');
      const error = await ws.expect('ELSA:error');
      assert.equal(error.error, 'InvalidSpeechParameter');
      assert.equal(error.param, 'stream');
      assert.equal((await ws.closed).code, 1008);
    });

    test('an idle stream is closed and its minutes refunded', async () => {
      const { clientId, token } = await newClient();
      const ws = await StreamClient.connect(url, { authorization: `ELSA ${token}` });
      await ws.expect('ELSA:wsConnect');
      ws.start(CORPUS.weCallItBear.sentence);
      await ws.expect('ELSA:start_stream_result');
      // Packets keep the socket alive for longer than the timeout, then the client goes quiet.
      const chunks = wavChunks(await corpusSamples(CORPUS.weCallItBear.utt), 0.1);
      for (const chunk of chunks.slice(0, 6)) {
        ws.sendAudio(chunk);
        await ws.expect('ELSA:audioACK');
        await new Promise((resolve) => setTimeout(resolve, IDLE_MS / 4));
      }
      assert.equal((await ws.expect('ELSA:error')).param, 'stream');
      // Released before the error is sent, not when the close handshake ends (which a client
      // that stopped reading never completes).
      const atError = await context.accounts.admin.getClient(clientId);
      assert.equal(atError.reservedMs, 0, 'the hold is gone when the client hears of the timeout');
      assert.equal((await ws.closed).code, 1008);
      const after = await released(clientId);
      assert.equal(after.usedMs, 0);
      assert.equal(after.balanceMs, 5 * 60_000);
    });

    test('an engine failure is the catalogued error, refunded, and the socket stays ready', async () => {
      const { clientId, token } = await newClient();
      const ws = await StreamClient.connect(url, { authorization: `ELSA ${token}` });
      await ws.expect('ELSA:wsConnect');
      ws.start(CORPUS.weCallItBear.sentence);
      const started = await ws.expect('ELSA:start_stream_result');
      for (const chunk of wavChunks(await corpusSamples(CORPUS.weCallItBear.utt)))
        ws.sendAudio(chunk);
      ws.end();
      const messages = await ws.until('ELSA:error');
      const error = messages.at(-1)!;
      assert.equal(error.error, 'ASRConnectionFailed');
      assert.equal(error.stream_id, started.data?.stream_id);
      await ws.expect('ELSA:ready');
      const after = await released(clientId);
      assert.equal(after.usedMs, 0);
      assert.equal(after.balanceMs, 5 * 60_000);
      ws.start(CORPUS.weCallItBear.sentence);
      await ws.expect('ELSA:start_stream_result');
      ws.close();
      await ws.closed;
      assert.equal((await released(clientId)).usedMs, 0);
    });
  });
}
