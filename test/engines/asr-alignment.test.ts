/**
 * Forced alignment through the real worker pool on three corpus utterances
 * (test/fixtures/corpus/, speechocean762).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ARPABET_PHONES,
  createAsrPool,
  type Alignment,
  type AsrPool,
} from '../../src/engines/index.js';
import { loadFixtures, type FixtureUtterance } from './support/corpus-fixtures.js';

const PHONES: ReadonlySet<string> = new Set(ARPABET_PHONES);
const EPS = 1e-6;

/** Words in order, inside the audio, each spanning its phones; fillers and words tile the audio. */
function assertPlausible(
  alignment: Alignment,
  utterance: FixtureUtterance,
  words: readonly string[],
): void {
  assert.deepEqual(
    alignment.words.map((w) => w.label),
    words,
  );
  let previousEnd = 0;
  for (const [i, word] of alignment.words.entries()) {
    assert.equal(word.index, i);
    assert.ok(word.startSec >= previousEnd - EPS, `${word.label} starts after the previous word`);
    assert.ok(word.endSec > word.startSec);
    const seconds = word.endSec - word.startSec;
    assert.ok(seconds >= 0.03 && seconds <= 2, `${word.label} lasts ${seconds} s`);
    assert.equal(word.frames, Math.round(seconds * 100));
    assert.ok(word.phones.length > 0);
    assert.equal(word.phones[0]?.startSec, word.startSec);
    assert.equal(word.phones.at(-1)?.endSec, word.endSec);
    let phoneEnd = word.startSec;
    for (const phone of word.phones) {
      assert.ok(PHONES.has(phone.label), `phone ${phone.label}`);
      assert.ok(Math.abs(phone.startSec - phoneEnd) < EPS, 'phones are contiguous');
      assert.ok(phone.frames >= 3, 'an HMM phone takes at least 3 frames');
      assert.ok(Number.isFinite(phone.acousticScore) && phone.acousticScore <= 0);
      phoneEnd = phone.endSec;
    }
    previousEnd = word.endSec;
  }
  assert.ok(previousEnd <= utterance.seconds + EPS);
  const covered =
    alignment.words.reduce((s, w) => s + w.frames, 0) +
    alignment.fillers.reduce((s, f) => s + f.frames, 0);
  assert.equal(covered, alignment.frames, 'words and fillers tile the path');
  assert.ok(
    Math.abs(alignment.frames / 100 - utterance.seconds) < 0.05,
    'the path covers the audio',
  );
  const total =
    alignment.words.reduce((s, w) => s + w.acousticScore, 0) +
    alignment.fillers.reduce((s, f) => s + f.acousticScore, 0);
  assert.ok(Math.abs(total - alignment.acousticScore) < 1e-6 * Math.abs(total));
}

describe('forced alignment (real pool)', () => {
  let pool: AsrPool;
  let fixtures: FixtureUtterance[];

  before(async () => {
    fixtures = loadFixtures();
    pool = await createAsrPool({ workers: 2 });
  });
  after(() => pool.close());

  test('each utterance aligns to its words in order with plausible times', async () => {
    for (const u of fixtures) {
      const alignment = await pool.align(u.pcm, u.words);
      assertPlausible(alignment, u, u.words);
      assert.deepEqual(alignment.generatedPronunciations, []);
    }
  });

  test('the right sentence scores clearly better per frame than a wrong one', async (t) => {
    for (const [i, u] of fixtures.entries()) {
      const wrong = fixtures[(i + 1) % fixtures.length]?.words ?? [];
      const right = await pool.align(u.pcm, u.words);
      const other = await pool.align(u.pcm, wrong);
      const perFrame = (a: Alignment): number => a.acousticScore / a.frames;
      const margin = perFrame(right) - perFrame(other);
      t.diagnostic(
        `${u.id}: right ${perFrame(right).toFixed(3)}, wrong ${perFrame(other).toFixed(3)} nats/frame`,
      );
      assert.ok(margin > 0.5, `${u.id}: margin ${margin.toFixed(2)} nats/frame`);
    }
  });

  test('a word missing from the dictionary gets a G2P pronunciation and is aligned', async () => {
    const u = fixtures[0];
    assert.ok(u);
    // "cawl" is not in the CMU dictionary; espeak-ng reads it as K AO L, like "call".
    const words = u.words.map((w) => (w === 'call' ? 'cawl' : w));
    const alignment = await pool.align(u.pcm, words);
    assertPlausible(alignment, u, words);
    assert.deepEqual(alignment.generatedPronunciations, ['cawl']);
    const cawl = alignment.words.find((w) => w.label === 'cawl');
    assert.deepEqual(
      cawl?.phones.map((p) => p.label),
      ['K', 'AO', 'L'],
    );
  });

  test('results depend on the audio only, not on what the worker decoded before', async () => {
    const [a, b] = fixtures;
    assert.ok(a && b);
    const first = await pool.align(a.pcm, a.words);
    await pool.align(b.pcm, b.words);
    await pool.recognize(b.pcm);
    assert.deepEqual(await pool.align(a.pcm, a.words), first);
  });
});
