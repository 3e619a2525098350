/** `detectFormat` on files from sox and ffmpeg, and on the bare magic numbers. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { detectFormat } from '../../src/audio/index.js';
import { hasEncoder, openWorkshop, type AudioWorkshop } from './audio-fixtures.js';

const ascii = (text: string, length = 64): Uint8Array => {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
};

describe('detectFormat', () => {
  let w: AudioWorkshop;
  before(async () => {
    w = await openWorkshop();
    await w.sox([
      '-n',
      '-r',
      '16000',
      '-c',
      '1',
      '-b',
      '16',
      'src.wav',
      'synth',
      '0.3',
      'sine',
      '440',
    ]);
  });
  after(() => w.close());

  test('files written by sox and ffmpeg', async () => {
    assert.equal(detectFormat(await w.sox(['src.wav', 'x.wav'])), 'wav');
    assert.equal(detectFormat(await w.sox(['src.wav', 'x.flac'])), 'flac');
    assert.equal(detectFormat(await w.sox(['src.wav', 'x.aiff'])), 'aiff');
    assert.equal(
      detectFormat(await w.ffmpeg(['-i', 'src.wav', '-c:a', 'libopus', 'x.opus'])),
      'opus',
    );
    assert.equal(
      detectFormat(await w.ffmpeg(['-i', 'src.wav', '-c:a', 'libvorbis', 'x.ogg'])),
      'vorbis',
    );
    assert.equal(detectFormat(await w.ffmpeg(['-i', 'src.wav', '-c:a', 'flac', 'x.oga'])), 'ogg');
    assert.equal(detectFormat(await w.ffmpeg(['-i', 'src.wav', '-c:a', 'aac', 'x.m4a'])), 'm4a');
    assert.equal(detectFormat(await w.ffmpeg(['-i', 'src.wav', '-c:a', 'aac', 'x.mp4'])), 'mp4');
    assert.equal(detectFormat(await w.ffmpeg(['-i', 'src.wav', '-c:a', 'aac', 'x.aac'])), 'aac');
    assert.equal(
      detectFormat(await w.ffmpeg(['-i', 'src.wav', '-c:a', 'libopus', 'x.webm'])),
      'webm',
    );
    assert.equal(
      detectFormat(await w.ffmpeg(['-i', 'src.wav', '-c:a', 'libopus', 'x.mkv'])),
      'mkv',
    );
    if (await hasEncoder('libmp3lame')) {
      const tagged = await w.ffmpeg(['-i', 'src.wav', '-c:a', 'libmp3lame', 'x.mp3']);
      assert.equal(detectFormat(tagged), 'mp3');
      const bare = await w.ffmpeg([
        '-i',
        'src.wav',
        '-c:a',
        'libmp3lame',
        '-write_xing',
        '0',
        '-id3v2_version',
        '0',
        'y.mp3',
      ]);
      assert.equal(bare[0], 0xff, 'no ID3 tag in front');
      assert.equal(detectFormat(bare), 'mp3');
    }
  });

  test('magic numbers', () => {
    const id3ThenFlac = ascii('ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0002..fLaC');
    assert.equal(detectFormat(id3ThenFlac), 'flac');
    assert.equal(detectFormat(ascii('RIFF\u0000\u0000\u0000\u0000AVI ')), 'unknown');
    assert.equal(detectFormat(ascii('OggS')), 'ogg');
    assert.equal(detectFormat(new Uint8Array([0xff, 0xfb, 0x90, 0x64])), 'mp3');
    assert.equal(detectFormat(new Uint8Array([0xff, 0xfb, 0xf0, 0x64])), 'unknown'); // bad bitrate
    assert.equal(detectFormat(new Uint8Array([0xff, 0xf1, 0x50, 0x80, 0, 0, 0])), 'aac');
    assert.equal(detectFormat(new Uint8Array(0)), 'unknown');
    assert.equal(detectFormat(ascii('RIFF')), 'unknown');
  });
});
