import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DEFAULT_AUDIO_LIMITS, decodeAudio } from '../../src/audio/index.js';

test('a valid FLAC whose last frame the wasm decoder drops decodes completely (libFLAC recheck)', async () => {
  const bytes = readFileSync(
    new URL('../fixtures/audio/flac-last-frame-000480010.flac', import.meta.url),
  );
  const audio = await decodeAudio(bytes, { limits: DEFAULT_AUDIO_LIMITS });
  // STREAMINFO announces 34848 samples at 16 kHz (sox and ffmpeg agree); all of them arrive.
  assert.equal(audio.samples.length, 34848);
  assert.equal(audio.source.durationSec, 34848 / 16000);
  assert.equal(audio.source.format, 'flac');
  const peak = audio.samples.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  assert.ok(peak > 0.01, 'real audio, not silence');
});
