import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  detectSpeech,
  finalSilenceSec,
  initialSilenceSec,
  pauses,
  speechSeconds,
  type VadResult,
} from '../../src/audio/features/energy-vad.js';
import {
  durationSec,
  espeak,
  missingTools,
  readSamples,
  scratchDir,
  seededRandom,
  sox,
  type Scratch,
} from './audio-fixtures.js';

const SR = 16000;

function assertNear(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual.toFixed(3)} vs ${expected.toFixed(3)} (±${tolerance})`,
  );
}

/** Speech flags and segments describe the same frames. */
function assertConsistent(vad: VadResult): void {
  assert.equal(vad.speech.length, vad.energyDb.length);
  const flagged = vad.speech.filter(Boolean).length;
  const fromSegments = speechSeconds(vad) / vad.frameShiftSec;
  assert.ok(
    Math.abs(flagged - fromSegments) <= 2 * vad.segments.length + 1,
    `${flagged} vs ${fromSegments}`,
  );
  for (let i = 1; i < vad.segments.length; i++) {
    assert.ok(vad.segments[i]!.startSec > vad.segments[i - 1]!.endSec);
  }
}

/** Builds a signal of [kind, seconds] parts over seeded white noise of the given amplitude. */
function synthetic(parts: ['tone' | 'gap', number][], noise = 0.003): Float32Array {
  const total = Math.round(parts.reduce((s, [, sec]) => s + sec, 0) * SR);
  const rand = seededRandom(42);
  const x = Float32Array.from({ length: total }, () => noise * (rand() * 2 - 1));
  let at = 0;
  for (const [kind, sec] of parts) {
    const n = Math.round(sec * SR);
    if (kind === 'tone') {
      for (let i = 0; i < n; i++)
        x[at + i] = x[at + i]! + 0.3 * Math.sin((2 * Math.PI * 200 * i) / SR);
    }
    at += n;
  }
  return x;
}

describe('energy VAD on synthetic signals', () => {
  test('a tone between stretches of noise is one segment at the right place', () => {
    const vad = detectSpeech(
      synthetic([
        ['gap', 0.5],
        ['tone', 0.6],
        ['gap', 0.5],
      ]),
    );
    assertConsistent(vad);
    assert.equal(vad.segments.length, 1);
    assertNear(vad.segments[0]!.startSec, 0.5, 0.03, 'start');
    assertNear(vad.segments[0]!.endSec, 1.1, 0.03, 'end');
    assertNear(speechSeconds(vad), 0.6, 0.05, 'speech seconds');
    assertNear(initialSilenceSec(vad), 0.5, 0.03, 'initial silence');
    assertNear(finalSilenceSec(vad), 0.5, 0.03, 'final silence');
    assert.ok(vad.thresholdDb > vad.noiseFloorDb);
  });

  test('hangover: short gaps are bridged, short bursts dropped, long gaps are pauses', () => {
    const bridged = detectSpeech(
      synthetic([
        ['gap', 0.4],
        ['tone', 0.3],
        ['gap', 0.12],
        ['tone', 0.3],
        ['gap', 0.4],
      ]),
    );
    assert.equal(bridged.segments.length, 1);
    assert.deepEqual(pauses(bridged, 50), []);

    const burst = detectSpeech(
      synthetic([
        ['gap', 0.5],
        ['tone', 0.05],
        ['gap', 0.5],
      ]),
    );
    assert.deepEqual(burst.segments, []);

    const split = detectSpeech(
      synthetic([
        ['gap', 0.4],
        ['tone', 0.3],
        ['gap', 0.4],
        ['tone', 0.3],
        ['gap', 0.4],
      ]),
    );
    assertConsistent(split);
    assert.equal(split.segments.length, 2);
    const [pause] = pauses(split, 250);
    assert.ok(pause !== undefined);
    assertNear(pause.startSec, 0.7, 0.03, 'pause start');
    assertNear(pause.endSec, 1.1, 0.03, 'pause end');
    assert.deepEqual(pauses(split, 500), []);
    assertNear(speechSeconds(split), 0.6, 0.05, 'speech seconds');
  });

  test('padding widens segments; speech from the very start reaches 0', () => {
    const x = synthetic([
      ['tone', 0.5],
      ['gap', 0.5],
    ]);
    const plain = detectSpeech(x);
    assert.equal(plain.segments[0]!.startSec, 0);
    assert.equal(initialSilenceSec(plain), 0);
    const padded = detectSpeech(x, { paddingMs: 100 });
    assertNear(padded.segments[0]!.endSec - plain.segments[0]!.endSec, 0.1, 0.011, 'padding');
  });

  test('digital silence, pure noise and too-short input have no speech', () => {
    for (const x of [
      new Float32Array(3 * SR),
      synthetic([['gap', 3]], 0.05),
      new Float32Array(100),
    ]) {
      const vad = detectSpeech(x);
      assert.deepEqual(vad.segments, []);
      assert.equal(speechSeconds(vad), 0);
      assert.equal(initialSilenceSec(vad), vad.durationSec);
      assert.ok(vad.speech.every((s) => !s));
    }
  });
});

describe('energy VAD on espeak-ng speech (sox)', { skip: missingTools }, () => {
  let scratch: Scratch;
  before(() => {
    scratch = scratchDir();
  });
  after(() => scratch.dispose());

  /** espeak-ng speech at `rate`, leading/trailing silence trimmed (float WAV). */
  function speech(text: string, name: string, rate = SR): string {
    const raw = scratch.file(`${name}-raw.wav`);
    const out = scratch.file(`${name}.wav`);
    espeak(text, raw, ['-v', 'en-us']);
    sox(
      raw,
      '-b',
      '32',
      '-e',
      'floating-point',
      out,
      'rate',
      String(rate),
      'silence',
      '1',
      '0.01',
      '0.1%',
      'reverse',
      'silence',
      '1',
      '0.01',
      '0.1%',
      'reverse',
    );
    return out;
  }

  /** 1 s silence + `file` + 1 s silence, with white noise of amplitude `noise` mixed in. */
  function withSilenceAndNoise(file: string, name: string, rate = SR, noise = 0.01): string {
    const padded = scratch.file(`${name}-padded.wav`);
    const noiseFile = scratch.file(`${name}-noise.wav`);
    const mixed = scratch.file(`${name}-mixed.wav`);
    sox(file, padded, 'pad', '1', '1');
    sox(
      '-n',
      '-r',
      String(rate),
      '-c',
      '1',
      '-b',
      '32',
      '-e',
      'floating-point',
      noiseFile,
      'synth',
      String(durationSec(padded)),
      'whitenoise',
      'vol',
      String(noise),
    );
    sox('-m', '-v', '1', padded, '-v', '1', noiseFile, '-b', '32', '-e', 'floating-point', mixed);
    return mixed;
  }

  for (const rate of [16000, 8000]) {
    test(`${rate / 1000} kHz: speech between 1 s silences is found within ±100 ms`, () => {
      const clean = speech('hello world this is a test', `hello-${rate}`, rate);
      const speechSec = durationSec(clean);
      const x = readSamples(withSilenceAndNoise(clean, `hello-${rate}`, rate), rate);
      const vad = detectSpeech(x, { sampleRate: rate });
      assertConsistent(vad);
      assert.ok(vad.segments.length >= 1 && vad.segments.length <= 3, JSON.stringify(vad.segments));
      assertNear(vad.segments[0]!.startSec, 1, 0.1, 'start');
      assertNear(vad.segments[vad.segments.length - 1]!.endSec, 1 + speechSec, 0.1, 'end');
      assertNear(initialSilenceSec(vad), 1, 0.1, 'initial silence');
      assertNear(finalSilenceSec(vad), 1, 0.1, 'final silence');
      assertNear(speechSeconds(vad), speechSec, 0.15, 'speech seconds');
    });
  }

  test('a 0.6 s pause between two phrases is listed by pauses()', () => {
    const first = speech('hello world', 'first');
    const second = speech('this is a test', 'second');
    const gapped = scratch.file('gapped.wav');
    const firstPadded = scratch.file('first-padded.wav');
    sox(first, firstPadded, 'pad', '0', '0.6');
    sox(firstPadded, second, gapped);
    const firstSec = durationSec(first);
    const x = readSamples(withSilenceAndNoise(gapped, 'gapped'), SR);
    const vad = detectSpeech(x);
    assertConsistent(vad);
    const found = pauses(vad, 300);
    assert.equal(found.length, 1, JSON.stringify(vad.segments));
    assertNear(found[0]!.startSec, 1 + firstSec, 0.1, 'pause start');
    assertNear(found[0]!.endSec, 1 + firstSec + 0.6, 0.1, 'pause end');
    const total = firstSec + durationSec(second);
    assertNear(speechSeconds(vad), total, 0.2, 'speech seconds');
  });

  test('sox silence and white noise alone have no speech', () => {
    const silence = scratch.file('silence.wav');
    sox('-n', '-r', String(SR), '-c', '1', silence, 'trim', '0', '3');
    const noises = ['0.01', '0.3'].map((vol) => {
      const file = scratch.file(`white-${vol}.wav`);
      sox(
        '-n',
        '-r',
        String(SR),
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
        vol,
      );
      return file;
    });
    for (const file of [silence, ...noises]) {
      const vad = detectSpeech(readSamples(file, SR));
      assert.deepEqual(vad.segments, [], file);
      assert.equal(speechSeconds(vad), 0);
    }
  });
});
