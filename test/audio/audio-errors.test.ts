/**
 * Each catalogued audio error, caused by real bytes (generated files, then damaged), plus strict
 * mode and the limits.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AudioLimitExceeded,
  decodeAudio,
  DEFAULT_AUDIO_LIMITS,
  type AudioLimits,
} from '../../src/audio/index.js';
import { isVoxgateError } from '../../src/errors/index.js';
import {
  fixOggCrc,
  indexOfAscii,
  openWorkshop,
  rejectsWith,
  seededRandom,
  type AudioWorkshop,
} from './audio-fixtures.js';

const limits = DEFAULT_AUDIO_LIMITS;

describe('decodeAudio: errors from real bytes', () => {
  let w: AudioWorkshop;
  let wav16k: Uint8Array;
  let flac: Uint8Array;
  let opus: Uint8Array;
  before(async () => {
    w = await openWorkshop();
    wav16k = await w.sox([
      '-n',
      '-r',
      '16000',
      '-c',
      '1',
      '-b',
      '16',
      'a.wav',
      'synth',
      '2',
      'sine',
      '440',
    ]);
    flac = await w.sox([
      '-n',
      '-r',
      '16000',
      '-c',
      '1',
      '-b',
      '16',
      'a.flac',
      'synth',
      '5',
      'sine',
      '440',
    ]);
    opus = await w.ffmpeg(['-i', 'a.wav', '-c:a', 'libopus', 'a.opus']);
  });
  after(() => w.close());

  const patched = (
    bytes: Uint8Array,
    edit: (copy: Uint8Array, view: DataView) => void,
  ): Uint8Array => {
    const copy = bytes.slice();
    edit(copy, new DataView(copy.buffer));
    return copy;
  };

  test('a truncated WAV header is FailedToParseAudioHeader', async () => {
    for (const length of [12, 20, 30, 43])
      await rejectsWith(
        decodeAudio(wav16k.subarray(0, length), { limits }),
        'FailedToParseAudioHeader',
      );
  });

  test('an inconsistent fmt chunk is FailedToParseAudioHeader', async () => {
    const cases = [
      patched(wav16k, (_, v) => v.setUint16(22, 0, true)), // 0 channels
      patched(wav16k, (_, v) => v.setUint16(32, 3, true)), // block align 3 for 16-bit mono
      patched(wav16k, (_, v) => v.setUint16(34, 0, true)), // 0 bits per sample
      patched(wav16k, (_, v) => v.setUint32(24, 0, true)), // 0 Hz
      patched(wav16k, (_, v) => v.setUint32(16, 12, true)), // fmt chunk shorter than 16 bytes
      patched(wav16k, (_, v) => v.setUint32(16, 0x7fffffff, true)), // fmt running past the end
      patched(wav16k, (b) => b.set([0x6a, 0x75, 0x6e, 0x6b], 12)), // no fmt chunk at all
    ];
    for (const bytes of cases)
      await rejectsWith(decodeAudio(bytes, { limits }), 'FailedToParseAudioHeader');
  });

  test('a WAV without frames is FailedToDecodeAudioFromBytes', async () => {
    await rejectsWith(
      decodeAudio(wav16k.subarray(0, 44), { limits }),
      'FailedToDecodeAudioFromBytes',
    );
  });

  test('a bad FLAC STREAMINFO is FailedToParseAudioHeader', async () => {
    const cases = [
      flac.subarray(0, 20), // cut inside STREAMINFO
      patched(flac, (b) => (b[7] = 20)), // STREAMINFO length 20
      patched(flac, (b) => (b[4] = 0x01)), // first block is not STREAMINFO
      patched(flac, (b) => b.set([0, 0, 0], 18)), // sample rate 0
      patched(flac, (b) => b.set([0, 4], 8)), // min block size 4
    ];
    for (const bytes of cases)
      await rejectsWith(decodeAudio(bytes, { limits }), 'FailedToParseAudioHeader');
  });

  test('FLAC with corrupted or missing frames is FailedToDecodeAudioFromBytes', async () => {
    const audioStart = 8 + 42 + 200; // inside the first frames, past the metadata
    const cases = [
      patched(flac, (b) => {
        for (let i = audioStart + 15000; i < audioStart + 15100; i++) b[i]! ^= 0x55;
      }),
      patched(flac, (b) => (b[audioStart + 30000]! ^= 0x01)),
      flac.subarray(0, flac.length - 5000),
    ];
    for (const bytes of cases)
      await rejectsWith(decodeAudio(bytes, { limits }), 'FailedToDecodeAudioFromBytes');
  });

  test('a bad OpusHead is FailedToParseAudioHeader; damaged audio pages FailedToDecodeAudioFromBytes', async () => {
    const head = indexOfAscii(opus, 'OpusHead');
    const noChannels = patched(opus, (b) => {
      b[head + 9] = 0;
      fixOggCrc(b, 0);
    });
    await rejectsWith(decodeAudio(noChannels, { limits }), 'FailedToParseAudioHeader');
    const version = patched(opus, (b) => {
      b[head + 8] = 0x10;
      fixOggCrc(b, 0);
    });
    await rejectsWith(decodeAudio(version, { limits }), 'FailedToParseAudioHeader');
    await rejectsWith(
      decodeAudio(
        patched(opus, (b) => (b[head + 12]! ^= 0xff)),
        { limits },
      ), // checksum now wrong
      'FailedToParseAudioHeader',
    );
    const damaged = patched(opus, (b) => (b[opus.length - 300]! ^= 0x10));
    await rejectsWith(decodeAudio(damaged, { limits }), 'FailedToDecodeAudioFromBytes');
    const third = indexOfAscii(opus, 'OggS', indexOfAscii(opus, 'OpusTags'));
    const garbage = patched(opus, (b) => b.fill(0x41, third, third + 4)); // a page that is not
    await rejectsWith(decodeAudio(garbage, { limits }), 'FailedToDecodeAudioFromBytes');
  });

  test('random bytes and an empty buffer are FailedToConvertAudio (unknown)', async () => {
    const random = seededRandom(7);
    const noise = Uint8Array.from({ length: 4000 }, () => Math.floor(random() * 256));
    noise[0] = 0; // not an MPEG sync by chance
    await rejectsWith(decodeAudio(noise, { limits }), 'FailedToConvertAudio', {
      audio_format: 'unknown',
    });
    await rejectsWith(decodeAudio(new Uint8Array(0), { limits }), 'FailedToConvertAudio', {
      audio_format: 'unknown',
    });
  });

  test('ffmpeg failures are FailedToConvertAudio with the detected format', async () => {
    const random = seededRandom(11);
    const id3 = Uint8Array.from({ length: 3000 }, () => Math.floor(random() * 256));
    id3.set([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 10]); // an ID3v2 tag, then noise
    await rejectsWith(decodeAudio(id3, { limits }), 'FailedToConvertAudio', {
      audio_format: 'mp3',
    });
    await w.ffmpeg(['-i', 'a.wav', '-c:a', 'aac', 'a.m4a']);
    const m4a = await w.ffmpeg(['-i', 'a.wav', '-c:a', 'aac', 'b.m4a']);
    await rejectsWith(decodeAudio(m4a.subarray(0, 600), { limits }), 'FailedToConvertAudio', {
      audio_format: 'm4a',
    });
    const webm = await w.ffmpeg(['-i', 'a.wav', '-c:a', 'libopus', 'a.webm']);
    await rejectsWith(decodeAudio(webm.subarray(0, 40), { limits }), 'FailedToConvertAudio', {
      audio_format: 'webm',
    });
  });

  test('ffmpeg is killed at its time limit: FailedToConvertAudio', async () => {
    const mp3 = await w.ffmpeg(['-i', 'a.wav', '-c:a', 'libmp3lame', 'a.mp3']);
    const started = Date.now();
    await rejectsWith(decodeAudio(mp3, { limits, ffmpegTimeoutMs: 1 }), 'FailedToConvertAudio', {
      audio_format: 'mp3',
    });
    assert.ok(Date.now() - started < 5000);
  });

  test('an unexpected failure is FailedToUseAudio with the original error as cause', async () => {
    const bug = new Error('a bug');
    const broken: AudioLimits = {
      maxBytes: 1e9,
      maxSamples: 1e9,
      get maxDurationSec(): number {
        throw bug;
      },
    };
    await assert.rejects(decodeAudio(wav16k, { limits: broken }), (e: unknown) => {
      assert.ok(isVoxgateError(e));
      assert.equal(e.definition.name, 'FailedToUseAudio');
      assert.equal(e.cause, bug);
      return true;
    });
  });
});

describe('decodeAudio: strict mode', () => {
  let w: AudioWorkshop;
  before(async () => {
    w = await openWorkshop();
  });
  after(() => w.close());

  test('16 kHz mono WAV and FLAC, and mono Opus from any rate, are accepted', async () => {
    const wav = await w.sox([
      '-n',
      '-r',
      '16000',
      '-c',
      '1',
      '-b',
      '16',
      'ok.wav',
      'synth',
      '0.5',
      'sine',
      '440',
    ]);
    const flac = await w.sox([
      '-n',
      '-r',
      '16000',
      '-c',
      '1',
      '-b',
      '16',
      'ok.flac',
      'synth',
      '0.5',
      'sine',
      '440',
    ]);
    await w.sox([
      '-n',
      '-r',
      '8000',
      '-c',
      '1',
      '-b',
      '16',
      'tel.wav',
      'synth',
      '0.5',
      'sine',
      '440',
    ]);
    const opus = await w.ffmpeg(['-i', 'tel.wav', '-c:a', 'libopus', 'ok.opus']);
    for (const bytes of [wav, flac, opus]) {
      const audio = await decodeAudio(bytes, { strict: true, limits });
      assert.ok(audio.samples.length > 7000);
    }
  });

  test('anything else valid is InvalidAudioFormat', async () => {
    const tel = await w.sox([
      '-n',
      '-r',
      '8000',
      '-c',
      '1',
      '-b',
      '16',
      'tel.wav',
      'synth',
      '0.5',
      'sine',
      '440',
    ]);
    const stereoFlac = await w.sox([
      '-n',
      '-r',
      '16000',
      '-c',
      '2',
      '-b',
      '16',
      'st.flac',
      'synth',
      '0.5',
      'sine',
      '440',
    ]);
    const wav44 = await w.sox([
      '-n',
      '-r',
      '44100',
      '-c',
      '1',
      '-b',
      '16',
      'cd.wav',
      'synth',
      '0.5',
      'sine',
      '440',
    ]);
    await w.sox([
      '-n',
      '-r',
      '16000',
      '-c',
      '2',
      '-b',
      '16',
      'st.wav',
      'synth',
      '0.5',
      'sine',
      '440',
    ]);
    const stereoOpus = await w.ffmpeg(['-i', 'st.wav', '-c:a', 'libopus', 'st.opus']);
    const mp3 = await w.ffmpeg(['-i', 'tel.wav', '-c:a', 'libmp3lame', 'tel.mp3']);
    const ulaw = await w.sox([
      '-n',
      '-r',
      '16000',
      '-c',
      '1',
      '-e',
      'u-law',
      'ulaw.wav',
      'synth',
      '0.5',
      'sine',
      '440',
    ]);
    for (const bytes of [tel, stereoFlac, wav44, stereoOpus, mp3, ulaw])
      await rejectsWith(decodeAudio(bytes, { strict: true, limits }), 'InvalidAudioFormat');
    // The same files are converted in lenient mode.
    for (const bytes of [tel, stereoFlac, wav44, stereoOpus, mp3, ulaw])
      assert.ok((await decodeAudio(bytes, { limits })).samples.length > 7000);
  });
});

describe('decodeAudio: limits', () => {
  let w: AudioWorkshop;
  before(async () => {
    w = await openWorkshop();
  });
  after(() => w.close());

  const short: AudioLimits = { maxBytes: 10_000_000, maxDurationSec: 1, maxSamples: 16_000 };

  async function exceeds(work: Promise<unknown>, limit: keyof AudioLimits): Promise<void> {
    await assert.rejects(work, (e: unknown) => {
      assert.ok(e instanceof AudioLimitExceeded, `expected AudioLimitExceeded, got ${String(e)}`);
      assert.equal(e.limit, limit);
      assert.ok(e.value > e.maximum);
      return true;
    });
  }

  test('bytes over maxBytes are refused before anything is parsed', async () => {
    await exceeds(
      decodeAudio(new Uint8Array(101), { limits: { ...short, maxBytes: 100 } }),
      'maxBytes',
    );
  });

  test('WAV and FLAC headers announcing too much audio fail before decoding', async () => {
    const wav = await w.sox([
      '-n',
      '-r',
      '8000',
      '-c',
      '1',
      '-b',
      '16',
      'l.wav',
      'synth',
      '1.5',
      'sine',
      '440',
    ]);
    await exceeds(decodeAudio(wav, { limits: short }), 'maxDurationSec');
    const flac = await w.sox([
      '-n',
      '-r',
      '16000',
      '-c',
      '1',
      '-b',
      '16',
      'l.flac',
      'synth',
      '1.5',
      'sine',
      '440',
    ]);
    await exceeds(decodeAudio(flac, { limits: short }), 'maxDurationSec');
    await exceeds(
      decodeAudio(wav, { limits: { ...short, maxDurationSec: 10, maxSamples: 20_000 } }),
      'maxSamples',
    );
  });

  test('a FLAC without a length in STREAMINFO is stopped while decoding', async () => {
    const flac = await w.sox([
      '-n',
      '-r',
      '16000',
      '-c',
      '1',
      '-b',
      '16',
      'u.flac',
      'synth',
      '3',
      'sine',
      '440',
    ]);
    const unknownLength = flac.slice();
    unknownLength.fill(0, 8 + 13, 8 + 18); // total samples (36 bits) = 0
    unknownLength[8 + 13] = flac[8 + 13]! & 0xf0;
    await exceeds(decodeAudio(unknownLength, { limits: short }), 'maxDurationSec');
    const audio = await decodeAudio(unknownLength, { limits }); // and is fine within the limits
    assert.equal(audio.samples.length, 48000);
  });

  test('Opus and ffmpeg output are held to the same limits', async () => {
    await w.sox([
      '-n',
      '-r',
      '16000',
      '-c',
      '1',
      '-b',
      '16',
      'o.wav',
      'synth',
      '1.5',
      'sine',
      '440',
    ]);
    const opus = await w.ffmpeg(['-i', 'o.wav', '-c:a', 'libopus', 'o.opus']);
    await exceeds(decodeAudio(opus, { limits: short }), 'maxDurationSec');
    const mp3 = await w.ffmpeg(['-i', 'o.wav', '-c:a', 'libmp3lame', 'o.mp3']);
    await exceeds(decodeAudio(mp3, { limits: short }), 'maxDurationSec');
  });
});
