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
});
