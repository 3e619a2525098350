/**
 * Voiceprints: bytes round-trip, malformed bytes and other model versions are catalogued
 * errors, scoring is symmetric for single-utterance enrollment, the index finds what a
 * brute-force comparison finds.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deserializeVoiceprint, VoiceprintIndex } from '../../src/engines/index.js';
import { isVoxgateError } from '../../src/errors/index.js';
import { tinyModel, toneAudio } from './tiny-model.js';

const model = tinyModel();

function assertCatalogued(fn: () => unknown, name: string): void {
  assert.throws(fn, (e: unknown) => isVoxgateError(e) && e.definition.name === name);
}

describe('voiceprints', () => {
  test('serialise → deserialise keeps everything, and scores the same', () => {
    const { voiceprint, netSpeechSeconds } = model.enroll([toneAudio(2, 1), toneAudio(2, 2)]);
    assert.ok(netSpeechSeconds > 1.5 && netSpeechSeconds < 4, `net speech ${netSpeechSeconds}`);
    const bytes = voiceprint.serialize();
    // 24-byte header, the version, 5 + 38 float32s.
    assert.equal(bytes.length, 24 + 8 + 4 * (5 + 38));
    const back = deserializeVoiceprint(bytes);
    assert.equal(back.modelVersion, 'tiny-1');
    assert.deepEqual(Array.from(back.embedding), Array.from(voiceprint.embedding));
    assert.deepEqual(Array.from(back.ltcs), Array.from(voiceprint.ltcs));
    assert.equal(back.utterances, 2);
    assert.ok(Math.abs(back.netSpeechSeconds - netSpeechSeconds) < 1e-4);
    const test = toneAudio(2, 3);
    assert.ok(
      Math.abs(model.score(back, test).rawScore - model.score(voiceprint, test).rawScore) < 1e-4,
    );
  });

  test('malformed bytes are VoiceprintMalformed', () => {
    const bytes = model.enroll([toneAudio(1, 1)]).voiceprint.serialize();
    assertCatalogued(() => deserializeVoiceprint(bytes.subarray(0, 10)), 'VoiceprintMalformed');
    assertCatalogued(
      () => deserializeVoiceprint(bytes.subarray(0, bytes.length - 4)),
      'VoiceprintMalformed',
    );
    const wrong = Uint8Array.from(bytes);
    wrong[0] = 0;
    assertCatalogued(() => deserializeVoiceprint(wrong), 'VoiceprintMalformed');
  });

  test("another model version's voiceprint is SpeakerModelMismatch, never a score", () => {
    const other = tinyModel('tiny-2');
    const { voiceprint } = other.enroll([toneAudio(1, 1)]);
    const audio = toneAudio(1, 2);
    assertCatalogued(() => model.score(voiceprint, audio), 'SpeakerModelMismatch');
    assertCatalogued(() => model.search(audio, [voiceprint]), 'SpeakerModelMismatch');
    assertCatalogued(
      () => model.search(audio, VoiceprintIndex.build(other.version, [voiceprint])),
      'SpeakerModelMismatch',
    );
    assertCatalogued(
      () => VoiceprintIndex.build(model.version, [voiceprint]),
      'SpeakerModelMismatch',
    );
  });

  test('with one utterance on each side, scoring is symmetric', () => {
    const a = toneAudio(2, 4);
    const b = toneAudio(2, 5);
    const ab = model.score(model.enroll([a]).voiceprint, b);
    const ba = model.score(model.enroll([b]).voiceprint, a);
    assert.ok(Math.abs(ab.rawScore - ba.rawScore) < 1e-6, `${ab.rawScore} vs ${ba.rawScore}`);
    assert.ok(Math.abs(ab.score0to100 - ba.score0to100) < 1e-4);
  });

  test('comparing two voiceprints is symmetric, and a voiceprint matches itself best', () => {
    const a = model.enroll([toneAudio(2, 6), toneAudio(1, 7)]).voiceprint;
    const b = model.enroll([toneAudio(3, 8)]).voiceprint;
    const ab = model.compareVoiceprints(a, b);
    const ba = model.compareVoiceprints(b, a);
    assert.equal(ab.rawScore, ba.rawScore);
    assert.equal(ab.score0to100, ba.score0to100);
    assert.equal(ab.netSpeechSeconds, Math.min(a.netSpeechSeconds, b.netSpeechSeconds));
    assert.ok(model.compareVoiceprints(a, a).rawScore > ab.rawScore);
    assert.ok(ab.score0to100 >= 0 && ab.score0to100 <= 100);
    assertCatalogued(
      () => model.compareVoiceprints(a, tinyModel('tiny-2').enroll([toneAudio(1, 1)]).voiceprint),
      'SpeakerModelMismatch',
    );
  });

  test('the index returns the same top hits as comparing one by one', () => {
    const voiceprints = Array.from(
      { length: 30 },
      (_, i) => model.enroll([toneAudio(1, 100 + i)]).voiceprint,
    );
    const probe = model.embed(toneAudio(1, 105));
    const brute = model.search(probe, voiceprints, 5);
    const indexed = model.search(probe, VoiceprintIndex.build(model.version, voiceprints), 5);
    assert.deepEqual(
      indexed.map((h) => h.index),
      brute.map((h) => h.index),
    );
    indexed.forEach((h, i) => assert.ok(Math.abs(h.rawScore - brute[i]!.rawScore) < 1e-4));
    assert.ok(brute[0]!.rawScore >= brute[4]!.rawScore);
  });

  test('with duration terms, the index, compare and compareVoiceprints agree', () => {
    const durational = tinyModel('tiny-d', 1, {
      ivectorWeight: 1,
      ltcsWeight: 1,
      offset: -0.5,
      duration: { ivectorWeight: 0.4, ltcsWeight: -0.2, offset: 0.3 },
    });
    // Voiceprints of 0.5–6 s, so the smaller side differs from hit to hit.
    const voiceprints = Array.from(
      { length: 30 },
      (_, i) => durational.enroll([toneAudio(0.5 + (i % 6), 200 + i)]).voiceprint,
    );
    const probe = durational.embed(toneAudio(2.5, 205));
    const brute = durational.search(probe, voiceprints, 8);
    const indexed = durational.search(
      probe,
      VoiceprintIndex.build(durational.version, voiceprints),
      8,
    );
    assert.deepEqual(
      indexed.map((h) => h.index),
      brute.map((h) => h.index),
    );
    indexed.forEach((h, i) => assert.ok(Math.abs(h.rawScore - brute[i]!.rawScore) < 1e-4));
    // The same trial without the duration terms scores differently: they are applied.
    const plain = tinyModel('tiny-d', 1, { ivectorWeight: 1, ltcsWeight: 1, offset: -0.5 });
    const short = voiceprints[0]!;
    assert.notEqual(
      durational.compare(short, probe).rawScore,
      plain.compare(short, probe).rawScore,
    );
    const ab = durational.compareVoiceprints(voiceprints[1]!, voiceprints[4]!);
    const ba = durational.compareVoiceprints(voiceprints[4]!, voiceprints[1]!);
    assert.equal(ab.rawScore, ba.rawScore);
  });
});
