/**
 * The shipped model tells two espeak-ng voices apart: enrolled from three sentences of one,
 * every other sentence of that voice scores above every sentence of the other; voiceprints
 * survive their bytes; the model loads fast.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  deserializeVoiceprint,
  loadSpeakerModel,
  type SpeakerModel,
} from '../../src/engines/index.js';
import {
  hasEspeak,
  SENTENCES,
  speakSamples,
  VOICES,
  type SyntheticVoice,
} from './espeak-voices.js';

const espeak = await hasEspeak();

describe(
  'shipped model on synthetic voices',
  { skip: !espeak && 'espeak-ng not installed' },
  () => {
    let dir: string;
    let model: SpeakerModel;
    before(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'voxgate-speaker-'));
      // Load time is the benchmark's (npm run bench:speaker), not a timed test's.
      model = await loadSpeakerModel();
    });
    after(() => rm(dir, { recursive: true, force: true }));

    const pairs: [SyntheticVoice, SyntheticVoice][] = [
      [VOICES[0]!, VOICES[1]!],
      [VOICES[1]!, VOICES[0]!],
    ];
    for (const [a, b] of pairs) {
      test(`enrolled on ${a.name}: its own sentences outscore ${b.name}`, async () => {
        const enrollAudio = await Promise.all(
          SENTENCES.slice(0, 3).map((s) => speakSamples(a, s, dir)),
        );
        const { voiceprint, netSpeechSeconds } = model.enroll(enrollAudio);
        assert.ok(netSpeechSeconds > 4, `net speech ${netSpeechSeconds}`);
        const stored = deserializeVoiceprint(voiceprint.serialize());
        const own = await Promise.all(SENTENCES.slice(3).map((s) => speakSamples(a, s, dir)));
        const other = await Promise.all(SENTENCES.slice(3).map((s) => speakSamples(b, s, dir)));
        const ownScores = own.map((x) => model.score(stored, x));
        const otherScores = other.map((x) => model.score(stored, x));
        const minOwn = Math.min(...ownScores.map((s) => s.rawScore));
        const maxOther = Math.max(...otherScores.map((s) => s.rawScore));
        assert.ok(minOwn > maxOther, `own ≥ ${minOwn.toFixed(2)}, other ≤ ${maxOther.toFixed(2)}`);
        for (const s of [...ownScores, ...otherScores])
          assert.ok(s.score0to100 >= 0 && s.score0to100 <= 100);
        assert.ok(
          Math.min(...ownScores.map((s) => s.score0to100)) >
            Math.max(...otherScores.map((s) => s.score0to100)),
        );
      });
    }
  },
);
