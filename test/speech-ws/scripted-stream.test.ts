/**
 * The scripted WebSocket (`/api/v2/ws/score_audio`) through a real `voxgate serve` process and
 * the `ws` client: the reference client's flow (0.5 s WAV packets of real speech), several
 * streams on one socket, server end-pointing, raw PCM, every refusal, and the minutes a stream
 * holds, charges or gives back.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SpeechClient } from '../../src/speech/accounts/index.js';
import { TestApp } from '../support/test-app.js';
import { testDatabaseKinds } from '../support/test-databases.js';
import {
  CORPUS,
  StreamClient,
  concat,
  corpusSamples,
  pcm16le,
  silence,
  wavChunks,
  type ServerMessage,
} from './support/stream-client.js';

interface Word {
  readonly text: string;
  readonly nativeness_score: number;
  readonly decision: string;
}
interface Utterance {
  readonly sentence: string;
  readonly sentence_id: number;
  readonly attempt_type: string;
  readonly words: readonly Word[];
  readonly fluency?: unknown;
}

const utteranceOf = (message: ServerMessage): Utterance => {
  const utterance = (message.data?.utterance as Utterance[] | undefined)?.[0];
  assert.ok(utterance, JSON.stringify(message).slice(0, 300));
  return utterance;
};

for (const kind of testDatabaseKinds()) {
  describe(`speech WebSocket: scripted streams (${kind})`, () => {
    let server: TestApp;
    let adminToken: string;
    let url: string;
    let bear: Float32Array;
    let race: Float32Array;

    before(async () => {
      server = await TestApp.start(kind, ['--asr-workers', '2']);
      adminToken = (await server.credentials()).adminToken;
      url = `ws://127.0.0.1:${server.port}/api/v2/ws/score_audio`;
      bear = await corpusSamples(CORPUS.weCallItBear.utt);
      race = await corpusSamples(CORPUS.theRaceIsTooClose.utt);
    });
    after(async () => {
      await server?.stop();
      await server?.database.drop();
    });

    /** A client with `minutes` and a session token of it (the admin CLI, as operators do). */
    const newClient = async (minutes: number, apis = 'scripted') => {
      const created = JSON.parse(
        await server.cli(
          'admin',
          'clients',
          'create',
          '--name',
          'learners',
          '--minutes',
          String(minutes),
          '--apis',
          apis,
          '--json',
        ),
      ) as SpeechClient;
      const { token } = JSON.parse(
        await server.cli('admin', 'tokens', 'create', '--client', created.clientId, '--json'),
      ) as { token: string };
      return { clientId: created.clientId, token };
    };
    /** The client's balance as the admin API shows it. */
    const balance = async (clientId: string): Promise<SpeechClient> => {
      const res = await fetch(`${server.url}/admin/v1/speech/clients/${clientId}`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      assert.equal(res.status, 200);
      return (await res.json()) as SpeechClient;
    };
    /** Polls until no minutes are held (a refund runs after the socket has closed). */
    const released = async (clientId: string): Promise<SpeechClient> => {
      for (let i = 0; i < 100; i++) {
        const client = await balance(clientId);
        if (client.reservedMs === 0) return client;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.fail('the stream still holds minutes 10 s after its client left');
    };
    const connect = async (token: string, scheme = 'ELSA') => {
      const client = await StreamClient.connect(url, { authorization: `${scheme} ${token}` });
      await client.expect('ELSA:wsConnect');
      return client;
    };

    test('the reference flow: 0.5 s WAV packets, end_stream, result, ready; then a second stream', async () => {
      const { clientId, token } = await newClient(10);
      const ws = await connect(token);

      ws.start(CORPUS.weCallItBear.sentence);
      const started = await ws.expect('ELSA:start_stream_result');
      const streamId = started.data?.stream_id;
      assert.equal(typeof streamId, 'string');
      assert.equal(started.data?.max_seconds, 150);
      const chunks = wavChunks(bear);
      for (const chunk of chunks) ws.sendAudio(chunk);
      ws.end();
      for (let i = 1; i <= chunks.length; i++) {
        const ack = await ws.expect('ELSA:audioACK');
        assert.deepEqual(ack.data, {
          stream_id: streamId,
          packet: i,
          received_seconds: Math.min(i * 0.5, bear.length / 16_000),
          ignored: false,
        });
      }
      const result = await ws.expect('ELSA:decoding_result');
      assert.equal(result.data?.stream_finished, true);
      assert.equal(result.data?.stream_id, streamId);
      assert.equal(result.data?.total_time, bear.length / 16_000);
      const utterance = utteranceOf(result);
      assert.equal(utterance.sentence, CORPUS.weCallItBear.sentence);
      assert.equal(utterance.attempt_type, 'COMPLETE');
      assert.deepEqual(
        utterance.words.map((w) => w.text),
        ['WE', 'CALL', 'IT', 'BEAR'],
      );
      for (const word of utterance.words) {
        assert.ok(word.nativeness_score >= 0 && word.nativeness_score <= 100);
        assert.equal(typeof word.decision, 'string');
      }
      await ws.expect('ELSA:ready');

      // Same socket, next stream: premium, the sentence as a multiple-choice list.
      ws.start([CORPUS.weCallItBear.sentence, CORPUS.theRaceIsTooClose.sentence], {
        api_plan: 'premium',
      });
      const second = await ws.expect('ELSA:start_stream_result');
      assert.notEqual(second.data?.stream_id, streamId);
      const more = wavChunks(race);
      for (const chunk of more) ws.sendAudio(chunk);
      ws.end();
      const messages = await ws.until('ELSA:decoding_result');
      assert.equal(messages.filter((m) => m.type === 'ELSA:audioACK').length, more.length);
      const raceUtterance = utteranceOf(messages.at(-1)!);
      assert.equal(raceUtterance.sentence_id, 1);
      assert.equal(raceUtterance.sentence, CORPUS.theRaceIsTooClose.sentence);
      assert.ok(raceUtterance.fluency, 'premium adds fluency');
      await ws.expect('ELSA:ready');
      ws.close();
      assert.equal((await ws.closed).code, 1000);

      // Charged the real durations, nothing held.
      const after = await released(clientId);
      const charged =
        Math.ceil((bear.length * 1000) / 16_000) + Math.ceil((race.length * 1000) / 16_000);
      assert.equal(after.usedMs, charged);
      assert.equal(after.balanceMs, 10 * 60_000 - charged);
    });

    test('end-pointing: speech then 1.5 s of silence stops listening without end_stream', async () => {
      const { clientId, token } = await newClient(5);
      const ws = await connect(token, 'Bearer');
      ws.start(CORPUS.weCallItBear.sentence);
      const { data } = await ws.expect('ELSA:start_stream_result');
      const chunks = wavChunks(concat(bear, silence(1.5)));
      for (const chunk of chunks) ws.sendAudio(chunk);
      const messages = await ws.until('ELSA:ready');
      const types = messages.map((m) => m.type);
      const stoppedAt = types.indexOf('ELSA:stopped_listening');
      assert.ok(stoppedAt > 0, types.join());
      const stopped = messages[stoppedAt]!;
      assert.equal(stopped.data?.reason, 'end_of_speech');
      assert.equal(stopped.data?.stream_id, data?.stream_id);
      const heard = stopped.data?.received_seconds as number;
      // It waited for 0.8 s of silence (the recording ends in some of its own) and stopped at
      // the packet that completed it.
      const bearSeconds = bear.length / 16_000;
      assert.ok(heard > bearSeconds && heard <= bearSeconds + 1.5, `${heard}`);
      assert.equal(types.filter((t) => t === 'ELSA:audioACK').length, chunks.length);
      const ignored = messages.filter((m) => m.type === 'ELSA:audioACK' && m.data?.ignored);
      assert.equal(
        ignored.length,
        chunks.length - stoppedAt,
        'every packet after the stop is ignored',
      );
      const result = messages.find((m) => m.type === 'ELSA:decoding_result')!;
      assert.equal(result.data?.total_time, heard);
      assert.equal(utteranceOf(result).attempt_type, 'COMPLETE');
      assert.ok(!types.includes('ELSA:error'), types.join());

      // The reference client still sends end_stream after its last packet: quietly ignored.
      ws.end();
      ws.start(CORPUS.weCallItBear.sentence);
      await ws.expect('ELSA:start_stream_result');
      ws.close();
      const after = await released(clientId);
      assert.equal(after.usedMs, Math.ceil(heard * 1000));
    });

    test('raw PCM (pcm16le) cut at odd byte boundaries; the token in the query string', async () => {
      const { token } = await newClient(5);
      const ws = await StreamClient.connect(`${url}?token=${encodeURIComponent(token)}`);
      await ws.expect('ELSA:wsConnect');
      ws.start(CORPUS.iKnowTheNameToo.sentence, { audio_format: 'pcm16le', endpointing: false });
      const started = await ws.expect('ELSA:start_stream_result');
      assert.equal(started.data?.audio_format, 'pcm16le');
      const samples = await corpusSamples(CORPUS.iKnowTheNameToo.utt);
      const bytes = pcm16le(concat(samples, silence(1.5)));
      let packets = 0;
      for (let at = 0; at < bytes.length; at += 12_345, packets++)
        ws.sendAudio(bytes.subarray(at, at + 12_345));
      ws.end();
      const messages = await ws.until('ELSA:ready');
      const types = messages.map((m) => m.type);
      assert.equal(types.filter((t) => t === 'ELSA:audioACK').length, packets);
      assert.ok(!types.includes('ELSA:stopped_listening'), 'endpointing: false listens to the end');
      const result = messages.find((m) => m.type === 'ELSA:decoding_result')!;
      assert.equal(result.data?.total_time, bytes.length / 2 / 16_000);
      assert.deepEqual(
        utteranceOf(result).words.map((w) => w.text),
        ['I', 'KNOW', 'THE', 'NAME', 'TOO'],
      );
      ws.close();
    });

    test('authentication: no token, a bad token, a bad header; the socket is closed with 1008', async () => {
      const cases: [Record<string, string>, string][] = [
        [{}, 'NoTokenProvided'],
        [
          { authorization: 'ELSA vxs_notARealTokenAtAll0000000000000000000000' },
          'InvalidSessionToken',
        ],
        [{ authorization: 'Basic dXNlcjpwYXNz' }, 'InvalidHeaderParameter'],
      ];
      for (const [headers, name] of cases) {
        const ws = await StreamClient.connect(url, headers);
        const error = await ws.expect('ELSA:error');
        assert.equal(error.error, name);
        assert.equal(typeof error.message, 'string');
        const closed = await ws.closed;
        assert.deepEqual(closed, { code: 1008, reason: name });
        if (name === 'InvalidSessionToken') {
          assert.equal(error.message, 'Invalid session token: vxs_notA…');
          assert.ok(!JSON.stringify(error).includes('RealToken'), 'the token is never echoed');
        }
      }
      // A start sent right away, before authentication finished, is not answered.
      const early = await StreamClient.connect(url, { authorization: 'Bearer vxs_nope' });
      early.start(CORPUS.weCallItBear.sentence);
      assert.equal((await early.expect('ELSA:error')).error, 'InvalidSessionToken');
      await early.closed;
      assert.equal(early.received.length, 1);
      // Access: a client without the scripted API.
      const { token } = await newClient(5, 'unscripted');
      const denied = await StreamClient.connect(url, { authorization: `ELSA ${token}` });
      assert.equal((await denied.expect('ELSA:error')).error, 'ClientDoesNotHaveAccess');
    });

    test('bad messages get InvalidSpeechParameter and leave the socket usable', async () => {
      const { clientId, token } = await newClient(5);
      const ws = await connect(token);
      const refused = async (param: string) => {
        const error = await ws.expect('ELSA:error');
        assert.equal(error.error, 'InvalidSpeechParameter');
        assert.equal(error.param, param, JSON.stringify(error));
      };
      ws.sendText('{"type": "ELSA:start_stream", ');
      await refused('message');
      ws.sendJson(['ELSA:start_stream']);
      await refused('type');
      ws.sendJson({ type: 'ELSA:pause' });
      await refused('type');
      ws.sendJson({ type: 'ELSA:start_stream', data: {} });
      await refused('stream_info');
      ws.start('');
      await refused('sentence');
      ws.start(42);
      await refused('sentence');
      ws.start(CORPUS.weCallItBear.sentence, { api_plan: 'gold' });
      await refused('api_plan');
      ws.start(CORPUS.weCallItBear.sentence, { audio_format: 'mp3-stream' });
      await refused('audio_format');
      ws.start(CORPUS.weCallItBear.sentence, { user_id: 'nobody' });
      const noUser = await ws.expect('ELSA:error');
      assert.equal(noUser.error, 'UserDoesNotExist');
      assert.equal(noUser.user_type, 'user');

      // Audio or end_stream with no stream open: warnings, and every packet is acknowledged.
      ws.sendAudio(wavChunks(bear)[0]!);
      ws.sendAudio(wavChunks(bear)[1]!);
      const ack = await ws.expect('ELSA:audioACK');
      assert.deepEqual(ack.data, {
        stream_id: null,
        packet: 1,
        received_seconds: 0,
        ignored: true,
      });
      await ws.expect('ELSA:warning');
      assert.equal((await ws.expect('ELSA:audioACK')).data?.ignored, true);
      ws.end();
      assert.match(String((await ws.expect('ELSA:warning')).message), /No open stream/);

      // Still usable: a stream, then a second start while it is open.
      ws.start(CORPUS.weCallItBear.sentence);
      await ws.expect('ELSA:start_stream_result');
      ws.start(CORPUS.weCallItBear.sentence);
      await refused('type');
      // A packet that is no audio ends its stream: the error, then ready; nothing charged.
      ws.sendAudio(new TextEncoder().encode('this is not audio at all'));
      assert.equal((await ws.expect('ELSA:audioACK')).data?.ignored, true);
      const bad = await ws.expect('ELSA:error');
      assert.equal(bad.error, 'FailedToConvertAudio');
      assert.equal(typeof bad.stream_id, 'string');
      await ws.expect('ELSA:ready');
      ws.close();
      const after = await released(clientId);
      assert.equal(after.usedMs, 0);
      assert.equal(after.balanceMs, 5 * 60_000);
    });

    test('a client that leaves mid-stream is not charged', async () => {
      const { clientId, token } = await newClient(5);
      const ws = await connect(token);
      ws.start(CORPUS.theRaceIsTooClose.sentence);
      await ws.expect('ELSA:start_stream_result');
      const held = await balance(clientId);
      assert.equal(held.reservedMs, 150_000, 'a stream holds the longest stream');
      const chunks = wavChunks(race);
      for (const chunk of chunks.slice(0, 3)) ws.sendAudio(chunk);
      for (let i = 0; i < 3; i++) await ws.expect('ELSA:audioACK');
      ws.socket.terminate();
      const after = await released(clientId);
      assert.equal(after.usedMs, 0);
      assert.equal(after.balanceMs, 5 * 60_000);
      assert.equal(after.availableMs, 5 * 60_000);
    });

    test('minutes: none left is ClientHasNoMoreMinutes; a small balance stops the stream at it', async () => {
      const broke = await newClient(0);
      const ws = await connect(broke.token);
      ws.start(CORPUS.weCallItBear.sentence);
      const error = await ws.expect('ELSA:error');
      assert.equal(error.error, 'ClientHasNoMoreMinutes');
      ws.start(CORPUS.weCallItBear.sentence);
      assert.equal((await ws.expect('ELSA:error')).error, 'ClientHasNoMoreMinutes');
      ws.close();

      // 3 s of audio left: the stream takes 3 s, says why it stopped, and charges exactly that.
      const small = await newClient(3 / 60);
      const ws2 = await connect(small.token);
      ws2.start(CORPUS.weCallItBear.sentence, { endpointing: false });
      const started = await ws2.expect('ELSA:start_stream_result');
      assert.equal(started.data?.max_seconds, 3);
      for (const chunk of wavChunks(concat(bear, silence(2)))) ws2.sendAudio(chunk);
      const messages = await ws2.until('ELSA:ready');
      const stopped = messages.find((m) => m.type === 'ELSA:stopped_listening');
      assert.equal(stopped?.data?.reason, 'no_more_minutes');
      assert.equal(stopped?.data?.received_seconds, 3);
      const result = messages.find((m) => m.type === 'ELSA:decoding_result');
      assert.equal(result?.data?.total_time, 3, JSON.stringify(messages.slice(-3)));
      assert.equal(utteranceOf(result!).attempt_type, 'COMPLETE');
      ws2.close();
      const after = await released(small.clientId);
      assert.equal(after.usedMs, 3000);
      assert.equal(after.balanceMs, 0);
    });

    test('a message over the size limit closes the socket with 1009', async () => {
      const { clientId, token } = await newClient(5);
      const ws = await connect(token);
      ws.start(CORPUS.weCallItBear.sentence);
      await ws.expect('ELSA:start_stream_result');
      ws.sendAudio(new Uint8Array(1024 * 1024 + 1));
      assert.equal((await ws.closed).code, 1009);
      assert.equal((await released(clientId)).usedMs, 0);
    });
  });
}
