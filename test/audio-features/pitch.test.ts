import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MfccExtractor } from '../../src/audio/features/mfcc.js';
import { estimatePitch, PitchTracker } from '../../src/audio/features/pitch.js';
import {
  espeak,
  median,
  missingTools,
  readSamples,
  scratchDir,
  seededRandom,
  sox,
  type Scratch,
} from './audio-fixtures.js';

test('a synthetic harmonic tone with a weak fundamental is tracked at its F0, not an octave off', () => {
  const sr = 16000;
  const f0 = 140;
  const x = Float32Array.from({ length: sr }, (_, i) => {
    const t = i / sr;
    return (
      0.05 * Math.sin(2 * Math.PI * f0 * t) +
      0.3 * Math.sin(2 * Math.PI * 2 * f0 * t) +
      0.2 * Math.sin(2 * Math.PI * 3 * f0 * t + 1)
    );
  });
  const track = estimatePitch(x);
  assert.equal(track.frames, new MfccExtractor().numFrames(x.length));
  assert.equal(track.frameShiftSec, 0.01);
  const voiced = Array.from(track.f0).filter((hz) => hz > 0);
  assert.ok(voiced.length >= track.frames - 2, `${voiced.length}/${track.frames} voiced`);
  for (const hz of voiced) assert.ok(Math.abs(hz / f0 - 1) < 0.02, `${hz} Hz`);
  assert.ok(median(track.voicingProbability) > 0.9);
});

test('digital silence is unvoiced with probability 0; bad ranges are rejected', () => {
  const track = estimatePitch(new Float32Array(8000));
  assert.ok(track.f0.every((hz) => hz === 0));
  assert.ok(track.voicingProbability.every((p) => p === 0));
  assert.throws(() => new PitchTracker({ minF0: 300, maxF0: 200 }), RangeError);
  assert.throws(() => new PitchTracker({ sampleRate: 8000, maxF0: 2500 }), RangeError);
  assert.throws(() => new PitchTracker({ threshold: 1.5 }), RangeError);
});

test('seeded white noise is mostly unvoiced', () => {
  const rand = seededRandom(11);
  const x = Float32Array.from({ length: 3 * 16000 }, () => 0.3 * (rand() * 2 - 1));
  const track = estimatePitch(x);
  const voiced = track.f0.filter((hz) => hz > 0).length;
  assert.ok(voiced <= 0.05 * track.frames, `${voiced}/${track.frames} voiced`);
  assert.ok(median(track.voicingProbability) < 0.5);
});

describe('pitch of sox tones and espeak-ng voices', { skip: missingTools }, () => {
  let scratch: Scratch;
  before(() => {
    scratch = scratchDir();
  });
  after(() => scratch.dispose());

  function soxTone(shape: string, hz: number, rate: number): Float32Array {
    const file = scratch.file(`${shape}-${hz}-${rate}.wav`);
    sox(
      '-n',
      '-r',
      String(rate),
      '-c',
      '1',
      '-b',
      '16',
      file,
      'synth',
      '1',
      shape,
      String(hz),
      'vol',
      '0.5',
    );
    return readSamples(file, rate);
  }

  for (const rate of [16000, 8000]) {
    for (const shape of ['sine', 'sawtooth']) {
      test(`${rate / 1000} kHz ${shape} at 100/200/300 Hz: every voiced estimate within 2 %`, () => {
        const tracker = new PitchTracker({ sampleRate: rate });
        for (const hz of [100, 200, 300]) {
          const track = tracker.track(soxTone(shape, hz, rate));
          const voiced = Array.from(track.f0).filter((f) => f > 0);
          assert.ok(
            voiced.length >= track.frames - 2,
            `${hz} Hz: ${voiced.length}/${track.frames}`,
          );
          for (const f of voiced) assert.ok(Math.abs(f / hz - 1) < 0.02, `${hz} Hz: got ${f}`);
          assert.ok(
            Math.abs(median(voiced) / hz - 1) < 0.005,
            `${hz} Hz: median ${median(voiced)}`,
          );
        }
      });
    }
  }

  test('espeak-ng en-us: -p 80 has a clearly higher median F0 than -p 20', () => {
    const medians: number[] = [];
    for (const pitch of ['20', '80']) {
      const file = scratch.file(`voice-${pitch}.wav`);
      espeak('hello world, this is a test of the pitch tracker', file, [
        '-v',
        'en-us',
        '-p',
        pitch,
      ]);
      const track = estimatePitch(readSamples(file, 16000));
      const voiced = Array.from(track.f0).filter((f) => f > 0);
      assert.ok(voiced.length >= 30, `-p ${pitch}: only ${voiced.length} voiced frames`);
      for (const f of voiced) assert.ok(f >= 60 && f <= 500);
      medians.push(median(voiced));
    }
    const [low, high] = medians as [number, number];
    console.log(
      `espeak-ng en-us median F0: -p 20 → ${low.toFixed(1)} Hz, -p 80 → ${high.toFixed(1)} Hz`,
    );
    assert.ok(high > 1.3 * low, `${high} vs ${low}`);
  });

  test('sox white noise is mostly unvoiced', () => {
    const file = scratch.file('noise.wav');
    sox(
      '-n',
      '-r',
      '16000',
      '-c',
      '1',
      '-b',
      '32',
      '-e',
      'floating-point',
      file,
      'synth',
      '3',
      'whitenoise',
      'vol',
      '0.3',
    );
    const track = estimatePitch(readSamples(file, 16000));
    const voiced = track.f0.filter((f) => f > 0).length;
    assert.ok(voiced <= 0.05 * track.frames, `${voiced}/${track.frames} voiced`);
  });
});
