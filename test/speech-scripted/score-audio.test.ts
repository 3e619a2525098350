/**
 * POST /api/v2/score_audio through a real `voxgate serve`: real recordings scored by the real
 * engines, every authentication and audio error of the seed caused from outside, and minute
 * accounting under 100 concurrent requests on both storage backends.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeAudio, DEFAULT_AUDIO_LIMITS } from '../../src/audio/index.js';
import { TestApp } from '../support/test-app.js';
import { testDatabaseKinds } from '../support/test-databases.js';
import {
  RECORDINGS,
  assertSpeechError,
  clientBalance,
  createSpeechClient,
  createToken,
  fixtureBytes,
  postScore,
  recording,
  type SpeechClientFixture,
} from '../support/speech-fixtures.js';

const DECISIONS = ['correct', 'almost', 'incorrect'];

async function durationMs(name: keyof typeof RECORDINGS): Promise<number> {
  const audio = await decodeAudio(fixtureBytes(RECORDINGS[name].file), {
    limits: DEFAULT_AUDIO_LIMITS,
  });
  return Math.ceil((audio.samples.length / 16_000) * 1000);
}

function sox(...args: string[]): Uint8Array {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'voxgate-sox-'));
  try {
    const out = path.join(dir, 'out.wav');
    execFileSync('sox', [...args.map((a) => (a === 'OUT' ? out : a))]);
    return new Uint8Array(readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('scripted score_audio: scoring real speech', () => {
  let server: TestApp;
  let client: SpeechClientFixture;

  before(async () => {
    server = await TestApp.start('sqlite', ['--asr-workers', '2']);
    client = await createSpeechClient(server, { minutes: 30 });
  });
  after(async () => server?.stopAndDrop());

  test('a recording of its sentence: words, phonemes, times, scores and decisions', async () => {
    const before = await clientBalance(server, client.clientId);
    const answer = await postScore(server, {
      authorization: `ELSA ${client.token}`,
      audio: recording('bear'),
      fields: { sentence: RECORDINGS.bear.sentence, api_plan: 'standard' },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const body = answer.body as {
      api_version: string;
      total_time: number;
      utterance: {
        sentence: string;
        sentence_id: number;
        attempt_type: string;
        has_speech: boolean;
        nativeness_score: number;
        decision: string;
        initial_silence: boolean;
        fluency?: unknown;
        words: {
          text: string;
          start_index: number;
          end_index: number;
          start_time: number;
          end_time: number;
          trans_arpabet: string;
          nativeness_score: number;
          decision: string;
          phonemes: { trans_arpabet: string; nativeness_score: number; decision: string }[];
        }[];
      }[];
    };
    assert.equal(body.api_version, '2.0');
    assert.ok(Math.abs(body.total_time - 2.58) < 0.05, String(body.total_time));
    const u = body.utterance[0]!;
    assert.equal(u.sentence, RECORDINGS.bear.sentence);
    assert.equal(u.sentence_id, 0);
    assert.equal(u.attempt_type, 'COMPLETE');
    assert.equal(u.has_speech, true);
    assert.equal(u.initial_silence, true);
    assert.equal(u.fluency, undefined, 'fluency is premium only');
    assert.deepEqual(
      u.words.map((w) => [w.text, w.start_index, w.end_index]),
      [
        ['We', 0, 2],
        ['call', 3, 7],
        ['it', 8, 10],
        ['bear', 11, 15],
      ],
    );
    assert.deepEqual(
      u.words.map((w) => w.trans_arpabet),
      ['W IY', 'K AO L', 'IH T', 'B EH R'],
    );
    let previousEnd = 0;
    for (const w of u.words) {
      assert.ok(w.start_time >= previousEnd - 1e-9 && w.end_time > w.start_time, w.text);
      previousEnd = w.end_time;
      assert.ok(w.nativeness_score >= 0 && w.nativeness_score <= 100);
      assert.ok(DECISIONS.includes(w.decision));
      assert.equal(w.phonemes.length, w.trans_arpabet.split(' ').length);
      for (const p of w.phonemes) assert.ok(DECISIONS.includes(p.decision));
    }
    assert.ok(u.nativeness_score > 50, `a fair reading scores above 50: ${u.nativeness_score}`);
    const after = await clientBalance(server, client.clientId);
    assert.equal(before.balanceMs - after.balanceMs, await durationMs('bear'));
    assert.equal(after.reservedMs, 0);
  });

  test('premium adds fluency; Bearer works as well as ELSA', async () => {
    const answer = await postScore(server, {
      authorization: `Bearer ${client.token}`,
      audio: recording('race'),
      fields: { sentence: RECORDINGS.race.sentence, api_plan: 'premium' },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const fluency = (answer.body.utterance as { fluency: Record<string, unknown> }[])[0]!.fluency;
    assert.ok(typeof fluency.fluency_score === 'number');
    assert.ok((fluency.speech_rate_wpm as number) > 30);
    assert.ok((fluency.articulation_rate as number) > 2);
    assert.ok(Array.isArray(fluency.pauses));
  });

  test('multiple choice: the sentence read is found and reported', async () => {
    const options = [RECORDINGS.bear.sentence, RECORDINGS.race.sentence, RECORDINGS.name.sentence];
    for (const [name, expected] of [
      ['race', 1],
      ['name', 2],
    ] as const) {
      const answer = await postScore(server, {
        authorization: `ELSA ${client.token}`,
        audio: recording(name),
        fields: { sentence: JSON.stringify(options) },
      });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      const u = (answer.body.utterance as { sentence_id: number; sentence: string }[])[0]!;
      assert.equal(u.sentence_id, expected);
      assert.equal(u.sentence, options[expected]);
    }
  });

  test('another sentence scores lower than the one read', async () => {
    const score = async (sentence: string): Promise<number> => {
      const answer = await postScore(server, {
        authorization: `ELSA ${client.token}`,
        audio: recording('race'),
        fields: { sentence },
      });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return (answer.body.utterance as { nativeness_score: number }[])[0]!.nativeness_score;
    };
    const own = await score(RECORDINGS.race.sentence);
    const other = await score('My mother likes green apples a lot.');
    assert.ok(own > other + 20, `own ${own} vs other ${other}`);
  });

  test('silence is UNSPOKEN', async () => {
    const silence = sox('-n', '-r', '16000', '-c', '1', '-b', '16', 'OUT', 'trim', '0', '2');
    const answer = await postScore(server, {
      authorization: `ELSA ${client.token}`,
      audio: { bytes: silence, filename: 'silence.wav' },
      fields: { sentence: 'Hello there' },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const u = (answer.body.utterance as Record<string, unknown>[])[0]!;
    assert.equal(u.attempt_type, 'UNSPOKEN');
    assert.equal(u.has_speech, false);
    assert.equal(u.nativeness_score, 0);
  });

  test('a partial reading is INCOMPLETE, not an error', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'voxgate-cut-'));
    try {
      const flac = path.join(dir, 'in.flac');
      execFileSync('sh', ['-c', `cat > ${flac}`], { input: fixtureBytes(RECORDINGS.race.file) });
      const cut = sox(flac, 'OUT', 'trim', '0', '1.6');
      const answer = await postScore(server, {
        authorization: `ELSA ${client.token}`,
        audio: { bytes: cut, filename: 'cut.wav' },
        fields: { sentence: RECORDINGS.race.sentence },
      });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      const u = (
        answer.body.utterance as { attempt_type: string; words: { omitted: boolean }[] }[]
      )[0]!;
      assert.equal(u.attempt_type, 'INCOMPLETE');
      assert.ok(u.words.some((w) => w.omitted));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an mp3 is converted through ffmpeg and scored', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'voxgate-mp3-'));
    try {
      const flac = path.join(dir, 'in.flac');
      const mp3 = path.join(dir, 'out.mp3');
      execFileSync('sh', ['-c', `cat > ${flac}`], { input: fixtureBytes(RECORDINGS.bear.file) });
      execFileSync('ffmpeg', ['-loglevel', 'error', '-i', flac, '-ar', '44100', '-ac', '2', mp3]);
      const answer = await postScore(server, {
        authorization: `ELSA ${client.token}`,
        audio: { bytes: new Uint8Array(readFileSync(mp3)), filename: 'bear.mp3' },
        fields: { sentence: RECORDINGS.bear.sentence },
      });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal((answer.body.utterance as { words: unknown[] }[])[0]!.words.length, 4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the OpenAPI description is served', async () => {
    const res = await fetch(`${server.url}/api/v2/openapi.yaml`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /^openapi: 3\.1\.0/m);
    assert.match(text, /\/api\/v2\/score_audio:/);
  });
});

describe('scripted score_audio: authentication errors', () => {
  let server: TestApp;
  let client: SpeechClientFixture;
  const audio = () => recording('bear');
  const fields = { sentence: RECORDINGS.bear.sentence };

  before(async () => {
    server = await TestApp.start('sqlite', ['--asr-workers', '2']);
    client = await createSpeechClient(server, { minutes: 5 });
  });
  after(async () => server?.stopAndDrop());

  test('NoTokenProvided without an Authorization header', async () => {
    assertSpeechError(await postScore(server, { audio: audio(), fields }), 401, 'NoTokenProvided');
  });

  test('InvalidHeaderParameter for a malformed or unsupported Authorization header', async () => {
    for (const header of ['Basic dXNlcjpwYXNz', 'ELSA', 'Token abc', 'ELSA a b'])
      assertSpeechError(
        await postScore(server, { authorization: header, audio: audio(), fields }),
        401,
        'InvalidHeaderParameter',
      );
  });

  test('InvalidSessionToken for an unknown token, never echoing it in full', async () => {
    const token = `vxs_${'A'.repeat(43)}`;
    const answer = await postScore(server, {
      authorization: `ELSA ${token}`,
      audio: audio(),
      fields,
    });
    assertSpeechError(answer, 401, 'InvalidSessionToken');
    assert.ok(!JSON.stringify(answer.body).includes(token));
    assert.match(answer.body.message as string, /^Invalid session token: /);
  });

  test('InvalidSessionToken for a revoked and for an expired token', async () => {
    const revoked = await createToken(server, client.clientId);
    await server.cli('admin', 'tokens', 'revoke', revoked);
    assertSpeechError(
      await postScore(server, { authorization: `ELSA ${revoked}`, audio: audio(), fields }),
      401,
      'InvalidSessionToken',
    );
    const expiring = await createToken(server, client.clientId, '--expires-in', '1');
    await new Promise((r) => setTimeout(r, 1100));
    assertSpeechError(
      await postScore(server, { authorization: `ELSA ${expiring}`, audio: audio(), fields }),
      401,
      'InvalidSessionToken',
    );
  });

  test('ClientIsNotActive for a deactivated client', async () => {
    const other = await createSpeechClient(server);
    await server.cli('admin', 'clients', 'update', other.clientId, '--active', 'false');
    assertSpeechError(
      await postScore(server, { authorization: `ELSA ${other.token}`, audio: audio(), fields }),
      403,
      'ClientIsNotActive',
      { user_id: other.clientId },
    );
  });

  test('ClientDoesNotHaveAccess for a client of the unscripted API only', async () => {
    const other = await createSpeechClient(server, { apis: 'unscripted' });
    assertSpeechError(
      await postScore(server, { authorization: `ELSA ${other.token}`, audio: audio(), fields }),
      403,
      'ClientDoesNotHaveAccess',
      { user_id: other.clientId },
    );
  });

  test('UserDoesNotExist for an unknown end user; a known one is accepted', async () => {
    assertSpeechError(
      await postScore(server, {
        authorization: `ELSA ${client.token}`,
        audio: audio(),
        fields: { ...fields, user_id: 'nobody' },
      }),
      404,
      'UserDoesNotExist',
      { user_type: 'user' },
    );
    await server.cli('admin', 'clients', 'add-end-user', client.clientId, 'learner-1');
    const ok = await postScore(server, {
      authorization: `ELSA ${client.token}`,
      audio: audio(),
      fields: { ...fields, user_id: 'learner-1' },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });

  test('ClientHasNoMoreMinutes when the balance cannot cover the audio', async () => {
    const broke = await createSpeechClient(server, { minutes: 0 });
    assertSpeechError(
      await postScore(server, { authorization: `ELSA ${broke.token}`, audio: audio(), fields }),
      402,
      'ClientHasNoMoreMinutes',
    );
    assert.equal((await clientBalance(server, broke.clientId)).balanceMs, 0);
  });
});

describe('scripted score_audio: request and audio errors', () => {
  let server: TestApp;
  let client: SpeechClientFixture;
  let files: Server;
  let filesUrl: string;

  before(async () => {
    files = createServer((req, res) => {
      if (req.url === '/bear.flac') res.end(Buffer.from(fixtureBytes(RECORDINGS.bear.file)));
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    server = await TestApp.start('sqlite', [
      '--asr-workers',
      '2',
      '--speech-sync-max-seconds',
      '2',
      '--speech-max-audio-bytes',
      '60000',
      '--speech-audio-url-allow',
      '127.0.0.1/32',
    ]);
    client = await createSpeechClient(server, { minutes: 5 });
  });
  after(async () => {
    await server?.stopAndDrop();
    files?.close();
  });
  const auth = () => `ELSA ${client.token}`;

  test('MissingAudioParam with neither audio_file nor audio_path', async () => {
    assertSpeechError(
      await postScore(server, { authorization: auth(), fields: { sentence: 'Hello' } }),
      400,
      'MissingAudioParam',
    );
  });

  test('AudioTooBigForSync above the sync limit, naming the streaming endpoint', async () => {
    const answer = await postScore(server, {
      authorization: auth(),
      audio: recording('bear'),
      fields: { sentence: RECORDINGS.bear.sentence },
    });
    assertSpeechError(answer, 413, 'AudioTooBigForSync', { stream_dir: '/api/v2/ws/score_audio' });
    assert.equal(
      answer.body.message,
      'Audio is too big for sync mode, please change to async mode',
    );
    assert.equal((await clientBalance(server, client.clientId)).reservedMs, 0);
  });

  test('AudioTooLong above the absolute size limit', async () => {
    assertSpeechError(
      await postScore(server, {
        authorization: auth(),
        audio: recording('race'),
        fields: { sentence: RECORDINGS.race.sentence },
      }),
      413,
      'AudioTooLong',
    );
  });

  test('audio_path: fetched from an allowed address; FailedToReadAudioFromURL otherwise', async () => {
    const fromUrl = await postScore(server, {
      authorization: auth(),
      fields: { sentence: RECORDINGS.bear.sentence, audio_path: `${filesUrl}/missing.flac` },
    });
    assertSpeechError(fromUrl, 400, 'FailedToReadAudioFromURL');
    assertSpeechError(
      await postScore(server, {
        authorization: auth(),
        fields: { sentence: 'Hello', audio_path: 'http://169.254.169.254/latest/meta-data' },
      }),
      400,
      'FailedToReadAudioFromURL',
    );
    // The allowed server's file is fetched and decoded (then too long for sync here).
    assertSpeechError(
      await postScore(server, {
        authorization: auth(),
        fields: { sentence: RECORDINGS.bear.sentence, audio_path: `${filesUrl}/bear.flac` },
      }),
      413,
      'AudioTooBigForSync',
    );
  });

  test('FailedToParseAudioHeader and FailedToDecodeAudioFromBytes for broken files', async () => {
    const wav = sox(
      '-n',
      '-r',
      '16000',
      '-c',
      '1',
      '-b',
      '16',
      'OUT',
      'synth',
      '0.5',
      'sine',
      '440',
    );
    const badHeader = wav.slice();
    badHeader.fill(0xff, 12, 36); // the fmt chunk destroyed, RIFF/WAVE kept
    assertSpeechError(
      await postScore(server, {
        authorization: auth(),
        audio: { bytes: badHeader, filename: 'bad.wav' },
        fields: { sentence: 'Hello' },
      }),
      400,
      'FailedToParseAudioHeader',
    );
    const flac = fixtureBytes(RECORDINGS.bear.file).slice(0, 8192);
    flac.fill(0x55, 4096);
    const answer = await postScore(server, {
      authorization: auth(),
      audio: { bytes: flac, filename: 'broken.flac' },
      fields: { sentence: 'Hello' },
    });
    assert.ok(
      ['FailedToDecodeAudioFromBytes', 'FailedToParseAudioHeader'].includes(
        answer.body.error as string,
      ),
      JSON.stringify(answer.body),
    );
  });

  test('InvalidSpeechParameter for a bad plan, mode or sentence', async () => {
    for (const [fields, param] of [
      [{ sentence: 'Hello', api_plan: 'gold' }, 'api_plan'],
      [{ sentence: 'Hello', mode: 'later' }, 'mode'],
      [{ sentence: '[1, 2]' }, 'sentence'],
      [{ sentence: '   ' }, 'sentence'],
    ] as const) {
      const answer = await postScore(server, {
        authorization: auth(),
        audio: recording('name'),
        fields,
      });
      assertSpeechError(answer, 400, 'InvalidSpeechParameter', { param });
    }
  });

  test('a multipart body without a boundary, or cut short: InvalidSpeechParameter, logged at info', async () => {
    const post = async (contentType: string, body: string) => {
      const res = await fetch(`${server.url}/api/v2/score_audio`, {
        method: 'POST',
        headers: { authorization: auth(), 'content-type': contentType },
        body,
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const part = (name: string) =>
      `--XX\r\nContent-Disposition: form-data; name="${name}"; filename="a.wav"\r\n\r\nRIFF`;
    for (const [contentType, body] of [
      ['multipart/form-data', 'no boundary'],
      ['multipart/form-data; boundary=XX', part('audio_file')],
      [
        'multipart/form-data; boundary=XX',
        '--XX\r\nContent-Disposition: form-data; name="sentence"\r\n\r\nHel',
      ],
      ['multipart/form-data; boundary=XX', 'not multipart at all'],
    ] as const) {
      const answer = await post(contentType, body);
      assertSpeechError(answer, 400, 'InvalidSpeechParameter', { param: 'form' });
      assert.match(String(answer.body.message), /multipart\/form-data body is malformed/);
    }
    // The server logs at warn and above in the tests: an error line would be here.
    const errors = server.stderr.filter(
      (l) => l.startsWith('{') && (JSON.parse(l) as { level?: number }).level === 50,
    );
    assert.deepEqual(errors, [], 'nothing at error level');
  });
});

for (const kind of testDatabaseKinds()) {
  describe(`scripted score_audio: minutes under 100 concurrent requests (${kind})`, () => {
    let server: TestApp;

    before(async () => {
      server = await TestApp.start(kind, ['--asr-workers', '2']);
    });
    after(async () => server?.stopAndDrop());

    test('the balance covers exactly floor(balance / duration) requests, each charged once', async () => {
      const each = await durationMs('name');
      const affordable = 6;
      const balanceMs = affordable * each + Math.floor(each / 2);
      const client = await createSpeechClient(server, { minutes: balanceMs / 60_000 });
      assert.equal((await clientBalance(server, client.clientId)).balanceMs, balanceMs);
      const answers = await Promise.all(
        Array.from({ length: 100 }, () =>
          postScore(server, {
            authorization: `ELSA ${client.token}`,
            audio: recording('name'),
            fields: { sentence: RECORDINGS.name.sentence },
          }),
        ),
      );
      const ok = answers.filter((a) => a.status === 200).length;
      const refused = answers.filter((a) => a.body.error === 'ClientHasNoMoreMinutes').length;
      assert.equal(
        ok + refused,
        100,
        JSON.stringify(
          answers.find((a) => a.status !== 200 && a.body.error !== 'ClientHasNoMoreMinutes')?.body,
        ),
      );
      assert.equal(ok, affordable);
      const after = await clientBalance(server, client.clientId);
      assert.equal(after.balanceMs, balanceMs - affordable * each);
      assert.equal(after.usedMs, affordable * each);
      assert.equal(after.reservedMs, 0);
    });
  });
}
