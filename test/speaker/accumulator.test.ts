/**
 * The streaming accumulator with the shipped model on the three fixture recordings (8.7 s of
 * real speech): chunking never changes a result (20 ms frames, odd chunks and one push give
 * bit-identical statistics, embeddings, voiceprints and scores), a snapshot is exactly the
 * pooled statistics of its segments, the running net speech tracks the energy VAD (the batch
 * `detectSpeech` on audio analysed whole, the snapshot's own figure after every 100 ms), and
 * silence adds nothing (no speech, no statistics, and a silent stretch between segments leaves
 * the speech's statistics unchanged).
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeAudio, DEFAULT_AUDIO_LIMITS } from '../../src/audio/index.js';
import { detectSpeech } from '../../src/audio/features/index.js';
import {
  loadSpeakerModel,
  poolStatistics,
  type SpeakerModel,
  type UtteranceStatistics,
} from '../../src/engines/index.js';
import { repoRoot } from '../support/shared-dir.js';

const FIXTURES = ['000010011', '021290009', '030020152'];
const RATE = 16000;

let model: SpeakerModel;
let speech: Float32Array;
let first: Float32Array;

before(async () => {
  model = await loadSpeakerModel();
  const parts: Float32Array[] = [];
  for (const id of FIXTURES) {
    const bytes = await readFile(path.join(repoRoot, 'test/fixtures/corpus/audio', `${id}.flac`));
    parts.push(
      (await decodeAudio(new Uint8Array(bytes), { limits: DEFAULT_AUDIO_LIMITS })).samples,
    );
  }
  first = parts[0]!;
  speech = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    speech.set(p, at);
    at += p.length;
  }
});

function assertSameStatistics(a: UtteranceStatistics, b: UtteranceStatistics, tolerance = 0): void {
  const close = (x: ArrayLike<number>, y: ArrayLike<number>, what: string) => {
    assert.equal(x.length, y.length, what);
    for (let i = 0; i < x.length; i++)
      assert.ok(
        Math.abs(x[i]! - y[i]!) <= tolerance * Math.max(1, Math.abs(y[i]!)),
        `${what}[${i}]: ${x[i]} vs ${y[i]}`,
      );
  };
  close(a.stats.occupancy, b.stats.occupancy, 'occupancy');
  close(a.stats.first, b.stats.first, 'first-order');
  close(a.cepstral.sum, b.cepstral.sum, 'cepstral sum');
  close(a.cepstral.sumSq, b.cepstral.sumSq, 'cepstral sumSq');
  assert.equal(a.cepstral.frames, b.cepstral.frames);
  assert.ok(Math.abs(a.netSpeechSeconds - b.netSpeechSeconds) < 1e-9);
}

function pushInChunks(samples: Float32Array, sizes: (i: number) => number) {
  const acc = model.createAccumulator();
  for (let at = 0, i = 0; at < samples.length; i++) {
    const n = Math.max(1, sizes(i));
    acc.push(samples.subarray(at, Math.min(samples.length, at + n)));
    at += n;
  }
  return acc;
}

describe('speaker accumulator', () => {
  test('20 ms pushes, odd chunks and one push give the same snapshot', () => {
    const whole = model.createAccumulator();
    whole.push(speech);
    const frames = pushInChunks(speech, () => 320);
    const odd = pushInChunks(speech, (i) => [1, 7, 999, 160, 48_001][i % 5]!);
    assertSameStatistics(frames.snapshot(), whole.snapshot());
    assertSameStatistics(odd.snapshot(), whole.snapshot());
    assert.equal(frames.closedSegments, 2);
    assert.ok(Math.abs(whole.durationSeconds - speech.length / RATE) < 1e-9);
  });

  test('chunking never changes a result: embedding, voiceprint and score are identical', () => {
    const whole = model.createAccumulator();
    whole.push(speech);
    const frames = pushInChunks(speech, () => 320);
    const a = model.embedStatistics(whole.snapshot());
    const b = model.embedStatistics(frames.snapshot());
    assert.deepEqual(b.embedding, a.embedding);
    assert.deepEqual(b.ltcs, a.ltcs);
    assert.deepEqual(b.cohort, a.cohort);
    const enrolledWhole = model.enrollStatistics([whole.snapshot()]).voiceprint;
    const enrolledFrames = model.enrollStatistics([frames.snapshot()]).voiceprint;
    assert.deepEqual(enrolledFrames.serialize(), enrolledWhole.serialize());
    const probe = model.createAccumulator();
    probe.push(first);
    const test = model.embedStatistics(probe.snapshot());
    assert.deepEqual(model.compare(enrolledFrames, test), model.compare(enrolledWhole, test));
    // And the running figure, at every frame boundary of a partial stream too.
    for (const n of [0.02, 0.5, 2.99, 3, 3.01, 3.5, 4.5, 6.2]) {
      const cut = speech.subarray(0, Math.round(n * RATE));
      const one = model.createAccumulator();
      one.push(cut);
      const many = pushInChunks(cut, () => 320);
      assert.equal(many.netSpeechSeconds(), one.netSpeechSeconds(), `${n} s`);
      assertSameStatistics(many.snapshot(), one.snapshot());
    }
  });

  test('a snapshot is the pooled statistics of its 3 s segments', () => {
    const stats = (from: number, to: number) =>
      model.statistics(speech.subarray(from * RATE, to * RATE), { speechOnly: true });
    const acc = model.createAccumulator();
    acc.push(speech);
    // 8.68 s: two closed segments and a 2.68 s partial analysed alone.
    assertSameStatistics(
      acc.snapshot(),
      poolStatistics([
        stats(0, 3),
        stats(3, 6),
        model.statistics(speech.subarray(6 * RATE), { speechOnly: true }),
      ]),
      1e-12,
    );
    // 6.5 s: the 0.5 s partial is analysed together with the segment before it.
    const short = model.createAccumulator();
    short.push(speech.subarray(0, 6.5 * RATE));
    assertSameStatistics(short.snapshot(), poolStatistics([stats(0, 3), stats(3, 6.5)]), 1e-12);
  });

  test('audio up to segment + minimum partial length is analysed whole, as statistics() does', () => {
    const acc = model.createAccumulator();
    acc.push(first);
    assertSameStatistics(acc.snapshot(), model.statistics(first, { speechOnly: true }));
    assert.ok(acc.snapshot().netSpeechSeconds > 1, 'the fixture has speech');
  });

  test('net speech tracks the energy VAD: on audio analysed whole it is detectSpeech', () => {
    for (const samples of [first, speech.subarray(0, 3.5 * RATE), speech.subarray(0, 2 * RATE)]) {
      const acc = model.createAccumulator();
      for (let at = 0; at < samples.length; at += 320) acc.push(samples.subarray(at, at + 320));
      const vad = detectSpeech(samples, { sampleRate: RATE });
      const frames = vad.speech.filter(Boolean).length;
      assert.ok(frames > 0);
      assert.ok(Math.abs(acc.netSpeechSeconds() - frames * 0.01) < 1e-9, `${samples.length}`);
      assert.ok(Math.abs(acc.snapshot().netSpeechSeconds - frames * 0.01) < 1e-9);
    }
    // Over a longer stream it is the VAD of each 3 s segment, summed: within a few percent of
    // the VAD over the whole stream, never more than the audio.
    const acc = pushInChunks(speech, () => 320);
    const whole = detectSpeech(speech, { sampleRate: RATE }).speech.filter(Boolean).length * 0.01;
    assert.ok(
      Math.abs(acc.netSpeechSeconds() - whole) < 0.1 * whole,
      `${acc.netSpeechSeconds()} vs ${whole}`,
    );
    assert.ok(acc.netSpeechSeconds() <= speech.length / RATE);
  });

  test('a silent stretch of whole segments between speech adds nothing', () => {
    // 6 s of speech (two closed segments), 3 s of line silence (one segment), the rest.
    const head = speech.subarray(0, 6 * RATE);
    const tail = speech.subarray(6 * RATE);
    const quiet = Float32Array.from({ length: 3 * RATE }, (_, i) => 1e-4 * Math.sin(i * 0.37));
    const withSilence = model.createAccumulator();
    for (const part of [head, quiet, tail])
      for (let at = 0; at < part.length; at += 320) withSilence.push(part.subarray(at, at + 320));
    const without = model.createAccumulator();
    without.push(head);
    without.push(tail);
    assert.ok(Math.abs(withSilence.netSpeechSeconds() - without.netSpeechSeconds()) < 1e-9);
    assertSameStatistics(withSilence.snapshot(), without.snapshot(), 1e-12);
    assert.ok(Math.abs(withSilence.durationSeconds - without.durationSeconds - 3) < 1e-9);
  });

  test('silence is no speech and adds nothing', () => {
    const acc = model.createAccumulator();
    const quiet = new Float32Array(7 * RATE);
    for (let i = 0; i < quiet.length; i++) quiet[i] = i < 3 * RATE ? 0 : 1e-4 * Math.sin(i * 0.37);
    for (let at = 0; at < quiet.length; at += 320) acc.push(quiet.subarray(at, at + 320));
    assert.equal(acc.netSpeechSeconds(), 0);
    const snap = acc.snapshot();
    assert.equal(snap.netSpeechSeconds, 0);
    assert.equal(
      snap.stats.occupancy.reduce((a, b) => a + b, 0),
      0,
    );
    assert.equal(snap.cepstral.frames, 0);
    // Speech after the silence counts (its segment's noise floor now includes the silence, so
    // the VAD keeps somewhat more of its quieter frames than on the recording alone).
    acc.push(first);
    const alone = model.createAccumulator();
    alone.push(first);
    const net = acc.snapshot().netSpeechSeconds;
    assert.ok(net >= alone.snapshot().netSpeechSeconds && net <= first.length / RATE, `${net}`);
  });

  test('the running net speech equals the snapshot figure after every 100 ms', () => {
    const acc = model.createAccumulator();
    let checked = 0;
    for (let at = 0; at < speech.length; at += 320) {
      acc.push(speech.subarray(at, at + 320));
      if ((at / 320) % 5 !== 4) continue;
      const running = acc.netSpeechSeconds();
      const exact = acc.snapshot().netSpeechSeconds;
      assert.ok(
        Math.abs(running - exact) < 1e-9,
        `at ${acc.durationSeconds} s: ${running} vs ${exact}`,
      );
      checked++;
    }
    assert.ok(checked > 80);
    assert.ok(acc.netSpeechSeconds() > 4);
  });

  test('options are checked', () => {
    assert.throws(() => model.createAccumulator({ segmentSeconds: 0.1 }), RangeError);
    assert.throws(
      () => model.createAccumulator({ segmentSeconds: 2, minPartialSeconds: 2 }),
      RangeError,
    );
  });
});
