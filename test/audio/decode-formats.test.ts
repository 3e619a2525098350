/**
 * Every supported format, generated with sox and ffmpeg: the decoded duration, the output
 * format, and that a 440 Hz tone is still 440 Hz after mixing down and resampling.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeAudio,
  DEFAULT_AUDIO_LIMITS,
  detectFormat,
  toInt16,
  type DecodedAudio,
} from '../../src/audio/index.js';
import {
  hasEncoder,
  openWorkshop,
  toneAmplitude,
  withChunkBefore,
  zeroCrossingRate,
  type AudioWorkshop,
} from './audio-fixtures.js';

const limits = DEFAULT_AUDIO_LIMITS;

/** Decoded 16 kHz mono, the expected duration, and 440 Hz dominant (not folded to 880 Hz). */
function assertTone(audio: DecodedAudio, seconds: number, tolerance = 0.001): void {
  assert.equal(audio.sampleRate, 16000);
  assert.ok(
    Math.abs(audio.samples.length - seconds * 16000) <= tolerance * 16000 + 1,
    `length ${audio.samples.length} for ${seconds} s`,
  );
  assert.ok(Math.abs(audio.source.durationSec - seconds) <= tolerance + 1e-9);
  const at440 = toneAmplitude(audio.samples, 16000, 440);
  const at880 = toneAmplitude(audio.samples, 16000, 880);
  assert.ok(at440 > 0.2, `440 Hz amplitude ${at440}`);
  assert.ok(at440 > 100 * at880, `440 Hz ${at440} vs 880 Hz ${at880}`);
  const zcr = zeroCrossingRate(audio.samples, 16000);
  assert.ok(Math.abs(zcr - 880) < 10, `zero crossings ${zcr}/s`);
  for (const v of audio.samples) assert.ok(v >= -1 && v <= 1);
}

describe('decodeAudio: formats', () => {
  let w: AudioWorkshop;
  before(async () => {
    w = await openWorkshop();
  });
  after(() => w.close());

  test('16 kHz mono 16-bit WAV passes through sample for sample', async () => {
    const bytes = await w.sox([
      '-n',
      '-r',
      '16000',
      '-c',
      '1',
      '-b',
      '16',
      'x.wav',
      'synth',
      '1',
      'sine',
      '440',
    ]);
    const audio = await decodeAudio(bytes, { limits });
    assertTone(audio, 1, 0);
    assert.deepEqual(audio.source, {
      format: 'wav',
      sampleRate: 16000,
      channels: 1,
      bitsPerSample: 16,
      durationSec: 1,
    });
    // Exactly the stored PCM back through toInt16.
    const pcm = new Int16Array(bytes.buffer.slice(44));
    assert.deepEqual(toInt16(audio.samples), pcm);
  });

  test('8 kHz telephone WAV is upsampled', async () => {
    const bytes = await w.sox([
      '-n',
      '-r',
      '8000',
      '-c',
      '1',
      '-b',
      '16',
      'tel.wav',
      'synth',
      '2',
      'sine',
      '440',
    ]);
    const audio = await decodeAudio(bytes, { limits });
    assertTone(audio, 2);
    assert.equal(audio.source.sampleRate, 8000);
  });

  test('44.1 kHz stereo 24-bit WAV (WAVE_FORMAT_EXTENSIBLE) is mixed down and resampled', async () => {
    const bytes = await w.sox([
      '-n',
      '-r',
      '44100',
      '-c',
      '2',
      '-b',
      '24',
      'st24.wav',
      'synth',
      '1.5',
      'sine',
      '440',
    ]);
    assert.equal(new DataView(bytes.buffer).getUint16(20, true), 0xfffe, 'sox wrote EXTENSIBLE');
    const audio = await decodeAudio(bytes, { limits });
    assertTone(audio, 1.5);
    assert.equal(audio.source.channels, 2);
    assert.equal(audio.source.bitsPerSample, 24);
  });

  test('8-bit, 32-bit PCM and 32/64-bit float WAV', async () => {
    for (const [name, encoding] of [
      ['u8.wav', ['-b', '8']],
      ['s32.wav', ['-b', '32']],
      ['f32.wav', ['-e', 'floating-point', '-b', '32']],
      ['f64.wav', ['-e', 'floating-point', '-b', '64']],
    ] as const) {
      const bytes = await w.sox([
        '-n',
        '-r',
        '22050',
        '-c',
        '1',
        ...encoding,
        name,
        'synth',
        '1',
        'sine',
        '440',
      ]);
      const audio = await decodeAudio(bytes, { limits });
      assertTone(audio, 1);
    }
  });

  test('six channels are averaged', async () => {
    const bytes = await w.sox([
      '-n',
      '-r',
      '48000',
      '-c',
      '6',
      '-b',
      '16',
      'six.wav',
      'synth',
      '1',
      'sine',
      '440',
    ]);
    const audio = await decodeAudio(bytes, { limits });
    assertTone(audio, 1);
    assert.equal(audio.source.channels, 6);
  });

  test('unknown chunks are skipped, with and without the pad byte of odd chunks', async () => {
    const bytes = await w.sox([
      '-n',
      '-r',
      '16000',
      '-c',
      '1',
      '-b',
      '16',
      'plain.wav',
      'synth',
      '1',
      'sine',
      '440',
    ]);
    const odd = new Uint8Array([1, 2, 3]);
    for (const variant of [
      withChunkBefore(bytes, 'junk', odd),
      withChunkBefore(bytes, 'junk', odd, false),
      withChunkBefore(withChunkBefore(bytes, 'LIST', new Uint8Array(10)), 'bext', odd),
    ]) {
      const audio = await decodeAudio(variant, { limits });
      assertTone(audio, 1, 0);
    }
  });

  test('a data chunk cut short decodes what is there', async () => {
    const bytes = await w.sox([
      '-n',
      '-r',
      '16000',
      '-c',
      '1',
      '-b',
      '16',
      'cut.wav',
      'synth',
      '1',
      'sine',
      '440',
    ]);
    const audio = await decodeAudio(bytes.subarray(0, 44 + 16000 + 1), { limits });
    assert.equal(audio.samples.length, 8000);
  });

  test('FLAC: 16 kHz mono, 44.1 kHz stereo', async () => {
    const mono = await w.sox([
      '-n',
      '-r',
      '16000',
      '-c',
      '1',
      '-b',
      '16',
      'm.flac',
      'synth',
      '2',
      'sine',
      '440',
    ]);
    assertTone(await decodeAudio(mono, { limits }), 2, 0);
    const stereo = await w.sox([
      '-n',
      '-r',
      '44100',
      '-c',
      '2',
      '-b',
      '24',
      's.flac',
      'synth',
      '1',
      'sine',
      '440',
    ]);
    const audio = await decodeAudio(stereo, { limits });
    assertTone(audio, 1);
    assert.deepEqual(audio.source, {
      format: 'flac',
      sampleRate: 44100,
      channels: 2,
      bitsPerSample: 24,
      durationSec: 1,
    });
  });

  test('Ogg Opus (libopus) from 16 kHz mono and 44.1 kHz stereo sources', async () => {
    await w.sox([
      '-n',
      '-r',
      '16000',
      '-c',
      '1',
      '-b',
      '16',
      'o1.wav',
      'synth',
      '2',
      'sine',
      '440',
    ]);
    const mono = await w.ffmpeg(['-i', 'o1.wav', '-c:a', 'libopus', 'o1.opus']);
    assert.equal(detectFormat(mono), 'opus');
    const audio = await decodeAudio(mono, { limits });
    assertTone(audio, 2, 0.001);
    assert.deepEqual(
      { ...audio.source, durationSec: 0 },
      { format: 'opus', sampleRate: 48000, channels: 1, durationSec: 0 },
    );
    await w.sox([
      '-n',
      '-r',
      '44100',
      '-c',
      '2',
      '-b',
      '16',
      'o2.wav',
      'synth',
      '1',
      'sine',
      '440',
    ]);
    const stereo = await w.ffmpeg(['-i', 'o2.wav', '-c:a', 'libopus', 'o2.ogg']);
    const decoded = await decodeAudio(stereo, { limits });
    assertTone(decoded, 1, 0.001);
    assert.equal(decoded.source.channels, 2);
  });

  test('MP3 (libmp3lame) through ffmpeg', async (t) => {
    if (!(await hasEncoder('libmp3lame'))) return t.skip('this ffmpeg has no libmp3lame');
    await w.sox([
      '-n',
      '-r',
      '44100',
      '-c',
      '2',
      '-b',
      '16',
      'mp3.wav',
      'synth',
      '2',
      'sine',
      '440',
    ]);
    const bytes = await w.ffmpeg(['-i', 'mp3.wav', '-c:a', 'libmp3lame', 'x.mp3']);
    assert.equal(detectFormat(bytes), 'mp3');
    const audio = await decodeAudio(bytes, { limits });
    // MP3 adds encoder delay and padding: about 50 ms.
    assertTone(audio, 2, 0.06);
    assert.deepEqual(
      { ...audio.source, durationSec: 0 },
      { format: 'mp3', sampleRate: 44100, channels: 2, durationSec: 0 },
    );
  });

  test('M4A/AAC through ffmpeg, small and with the index after 2 MB of audio', async () => {
    await w.sox([
      '-n',
      '-r',
      '44100',
      '-c',
      '1',
      '-b',
      '16',
      'aac.wav',
      'synth',
      '2',
      'sine',
      '440',
    ]);
    const bytes = await w.ffmpeg(['-i', 'aac.wav', '-c:a', 'aac', 'x.m4a']);
    assert.equal(detectFormat(bytes), 'm4a');
    const audio = await decodeAudio(bytes, { limits });
    assertTone(audio, 2, 0.05);
    assert.equal(audio.source.format, 'm4a');
    assert.equal(audio.source.sampleRate, 44100);
    // A long file keeps its moov atom at the end: ffmpeg must seek back, which a pipe cannot.
    await w.sox([
      '-n',
      '-r',
      '44100',
      '-c',
      '2',
      '-b',
      '16',
      'long.wav',
      'synth',
      '120',
      'sine',
      '440',
    ]);
    const long = await w.ffmpeg(['-i', 'long.wav', '-c:a', 'aac', 'long.m4a']);
    assert.ok(long.length > 1_000_000);
    const decoded = await decodeAudio(long, { limits });
    assert.ok(Math.abs(decoded.source.durationSec - 120) < 0.1);
  });

  test('WebM (Opus) and µ-law WAV through ffmpeg', async () => {
    await w.sox([
      '-n',
      '-r',
      '48000',
      '-c',
      '2',
      '-b',
      '16',
      'webm.wav',
      'synth',
      '1',
      'sine',
      '440',
    ]);
    const webm = await w.ffmpeg(['-i', 'webm.wav', '-c:a', 'libopus', 'x.webm']);
    assert.equal(detectFormat(webm), 'webm');
    assertTone(await decodeAudio(webm, { limits }), 1, 0.01);
    const ulaw = await w.sox([
      '-n',
      '-r',
      '8000',
      '-c',
      '1',
      '-e',
      'u-law',
      'ulaw.wav',
      'synth',
      '1',
      'sine',
      '440',
    ]);
    const audio = await decodeAudio(ulaw, { limits });
    assertTone(audio, 1, 0.001);
    assert.equal(audio.source.format, 'wav');
    assert.equal(audio.source.sampleRate, 8000);
  });
});
