/**
 * The end-pointer over synthetic frame energies and over real speech with silence appended.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EndPointer } from '../../src/speech/streaming/index.js';
import { seededRandom } from '../audio/audio-fixtures.js';
import { CORPUS, concat, corpusSamples, silence } from './support/stream-client.js';

const frames = (count: number, db: number): number[] => new Array<number>(count).fill(db);

describe('EndPointer', () => {
  test('silence alone never ends anything', () => {
    const endPointer = new EndPointer();
    const state = endPointer.pushEnergies(frames(500, -80));
    assert.equal(state.speechHeard, false);
    assert.equal(state.endOfSpeech, false);
  });

  test('speech, then 0.8 s of silence, ends the utterance — not a frame earlier', () => {
    const endPointer = new EndPointer({ trailingSilenceMs: 800 });
    endPointer.pushEnergies(frames(50, -80));
    assert.equal(endPointer.pushEnergies(frames(100, -20)).speechHeard, true);
    const before = endPointer.pushEnergies(frames(79, -80));
    assert.equal(before.endOfSpeech, false);
    assert.equal(before.trailingSilenceSec, 0.79);
    assert.equal(endPointer.pushEnergies(frames(1, -80)).endOfSpeech, true);
  });

  test('a pause shorter than the trailing silence does not end it', () => {
    const endPointer = new EndPointer({ trailingSilenceMs: 800 });
    endPointer.pushEnergies([...frames(30, -80), ...frames(60, -20)]);
    assert.equal(endPointer.pushEnergies(frames(60, -80)).endOfSpeech, false);
    const resumed = endPointer.pushEnergies(frames(40, -20));
    assert.equal(resumed.trailingSilenceSec, 0);
    assert.equal(endPointer.pushEnergies(frames(60, -80)).endOfSpeech, false);
  });

  test('clicks shorter than the minimum speech neither start speech nor break the silence', () => {
    const endPointer = new EndPointer({ trailingSilenceMs: 800, minSpeechMs: 150 });
    const clicky = [...frames(40, -80), ...frames(5, -20), ...frames(40, -80), ...frames(3, -15)];
    assert.equal(endPointer.pushEnergies(clicky).speechHeard, false);
    endPointer.pushEnergies(frames(30, -20));
    endPointer.pushEnergies(frames(40, -80));
    endPointer.pushEnergies(frames(4, -18)); // a click inside the trailing silence
    assert.equal(endPointer.pushEnergies(frames(35, -80)).endOfSpeech, false);
    assert.equal(endPointer.pushEnergies(frames(1, -80)).endOfSpeech, true);
  });

  test('the threshold follows the noise floor', () => {
    // Background at −40 dBFS: the absolute floor (−55) would call all of it speech.
    const endPointer = new EndPointer();
    const noisy = endPointer.pushEnergies(frames(100, -40));
    assert.equal(noisy.speechHeard, false);
    assert.equal(noisy.thresholdDb, -28);
    endPointer.pushEnergies(frames(50, -15));
    assert.equal(endPointer.pushEnergies(frames(80, -40)).endOfSpeech, true);
  });

  test('real speech: no end inside the recording; its end found in appended noise', async () => {
    const random = seededRandom(7);
    const noise = silence(1.5).map(() => (random() - 0.5) * 0.002); // about −65 dBFS
    for (const { utt } of Object.values(CORPUS)) {
      const speech = await corpusSamples(utt);
      const endPointer = new EndPointer();
      const audio = concat(speech, noise);
      let endedAt = -1;
      // Packets of 0.37 s: frames straddle packet boundaries.
      for (let at = 0; at < audio.length && endedAt < 0; at += 5920) {
        if (endPointer.push(audio.subarray(at, at + 5920)).endOfSpeech)
          endedAt = Math.min(at + 5920, audio.length) / 16_000;
      }
      const seconds = speech.length / 16_000;
      assert.ok(endedAt > seconds - 0.1 && endedAt <= seconds + 1, `${utt}: ended at ${endedAt}`);
    }
  });
});
