/**
 * Telephone audio as call platforms and Voice ID batch files deliver it: G.711 µ-law / A-law
 * (raw bytes and WAV), one channel of a two-channel call recording, and 8 kHz live audio
 * resampled to 16 kHz chunk by chunk. sox is the reference implementation throughout.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  A_LAW_TO_LINEAR,
  ChannelUnavailable,
  DEFAULT_AUDIO_LIMITS,
  MU_LAW_TO_LINEAR,
  StreamResampler,
  decodeALaw,
  decodeAudio,
  decodeMuLaw,
} from '../../src/audio/index.js';
import { repoRoot } from '../support/shared-dir.js';
import { openWorkshop, type AudioWorkshop } from './audio-fixtures.js';

const FIXTURE = path.join(repoRoot, 'test', 'fixtures', 'corpus', 'audio', '000010011.flac');
const OTHER = path.join(repoRoot, 'test', 'fixtures', 'corpus', 'audio', '021290009.flac');
const limits = DEFAULT_AUDIO_LIMITS;

const int16 = (bytes: Uint8Array) =>
  new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);

describe('telephone audio', () => {
  let shop: AudioWorkshop;
  before(async () => {
    shop = await openWorkshop();
  });
  after(async () => shop.close());

  test('every µ-law and A-law byte decodes as sox decodes it', async () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(shop.dir, 'all.ul'), all);
    await writeFile(path.join(shop.dir, 'all.al'), all);
    const rawArgs = ['-r', '8000', '-c', '1'];
    const mu = int16(
      await shop.sox([
        ...rawArgs,
        '-t',
        'ul',
        'all.ul',
        '-t',
        'raw',
        '-e',
        'signed',
        '-b',
        '16',
        'mu.s16',
      ]),
    );
    const a = int16(
      await shop.sox([
        ...rawArgs,
        '-t',
        'al',
        'all.al',
        '-t',
        'raw',
        '-e',
        'signed',
        '-b',
        '16',
        'a.s16',
      ]),
    );
    assert.deepEqual([...MU_LAW_TO_LINEAR], [...mu]);
    assert.deepEqual([...A_LAW_TO_LINEAR], [...a]);
    assert.equal(decodeMuLaw(Uint8Array.of(0xff, 0x00))[0], 0);
    assert.ok(decodeMuLaw(Uint8Array.of(0x00))[0]! < -0.98);
    assert.equal(decodeALaw(Uint8Array.of(0xd5))[0], 8 / 32768);
  });

  test('µ-law and A-law WAV files decode in-process, like sox reads them', async () => {
    for (const encoding of ['mu-law', 'a-law'] as const) {
      const wav = await shop.sox([
        '-R',
        FIXTURE,
        '-r',
        '8000',
        '-e',
        encoding,
        '-b',
        '8',
        `${encoding}.wav`,
      ]);
      const linear = await shop.sox([
        '-R',
        `${encoding}.wav`,
        '-e',
        'signed',
        '-b',
        '16',
        `${encoding}-s16.wav`,
      ]);
      const ours = await decodeAudio(wav, { limits });
      const sox = await decodeAudio(linear, { limits });
      assert.equal(ours.source.bitsPerSample, 8);
      assert.equal(ours.source.sampleRate, 8000);
      assert.equal(ours.samples.length, sox.samples.length);
      let worst = 0;
      for (let i = 0; i < ours.samples.length; i++)
        worst = Math.max(worst, Math.abs(ours.samples[i]! - sox.samples[i]!));
      assert.ok(worst < 1e-6, `${encoding}: differs from sox by ${worst}`);
    }
  });

  test('one channel of a two-channel call recording', async () => {
    const left = await decodeAudio(
      await shop.sox(['-R', FIXTURE, '-r', '8000', '-b', '16', 'left.wav']),
      { limits },
    );
    const right = await decodeAudio(
      await shop.sox(['-R', OTHER, '-r', '8000', '-b', '16', 'right.wav', 'trim', '0', '2']),
      { limits },
    );
    const stereo = await shop.sox(['-M', 'left.wav', 'right.wav', 'stereo.wav']);
    const c0 = await decodeAudio(stereo, { limits, channel: 0 });
    const c1 = await decodeAudio(stereo, { limits, channel: 1 });
    const mixed = await decodeAudio(stereo, { limits });
    assert.equal(c0.source.channels, 2);
    // sox pads the shorter file with silence: compare over the longer one's length.
    assert.deepEqual([...c0.samples.subarray(0, left.samples.length)], [...left.samples]);
    assert.deepEqual([...c1.samples.subarray(0, right.samples.length)], [...right.samples]);
    assert.ok(c1.samples.subarray(right.samples.length + 200).every((v) => Math.abs(v) < 1e-3));
    assert.notDeepEqual([...mixed.samples.subarray(0, 100)], [...c0.samples.subarray(0, 100)]);

    await assert.rejects(
      decodeAudio(stereo, { limits, channel: 2 }),
      (e: unknown) =>
        e instanceof ChannelUnavailable && e.channels === 2 && /has 2 channels/.test(e.message),
    );
    const mono = await shop.sox(['-R', FIXTURE, 'mono.wav']);
    assert.equal((await decodeAudio(mono, { limits, channel: 0 })).samples.length > 0, true);
    await assert.rejects(
      decodeAudio(mono, { limits, channel: 1 }),
      (e: unknown) => e instanceof ChannelUnavailable && e.channels === 1,
    );
    const stereoFlac = await shop.sox(['stereo.wav', 'stereo.flac']);
    await assert.rejects(
      decodeAudio(stereoFlac, { limits, channel: 0 }),
      (e: unknown) => e instanceof ChannelUnavailable && /WAV audio only/.test(e.message),
    );
  });

  test('8 kHz live audio resampled in 20 ms pieces equals the whole file resampled', async () => {
    const wav8k = await shop.sox(['-R', FIXTURE, '-r', '8000', '-b', '16', 'call.wav']);
    const whole = await decodeAudio(wav8k, { limits });
    const raw = int16(await shop.sox(['call.wav', '-t', 'raw', 'call.s16']));
    const to16k = new StreamResampler(8000);
    const pieces: Float32Array[] = [];
    for (let at = 0; at < raw.length; at += 160) {
      const frame = Float32Array.from(raw.subarray(at, at + 160), (v) => v / 32768);
      pieces.push(to16k.push(frame));
    }
    pieces.push(to16k.finish());
    const streamed = new Float32Array(pieces.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of pieces) {
      streamed.set(p, at);
      at += p.length;
    }
    assert.equal(streamed.length, whole.samples.length);
    let worst = 0;
    for (let i = 0; i < streamed.length; i++)
      worst = Math.max(worst, Math.abs(streamed[i]! - whole.samples[i]!));
    assert.ok(worst < 1e-6, `streamed differs by ${worst}`);
    const passthrough = new StreamResampler(16_000);
    assert.deepEqual([...passthrough.push(Float32Array.of(0.5, -0.5))], [0.5, -0.5]);
    assert.equal(passthrough.finish().length, 0);
  });
});
