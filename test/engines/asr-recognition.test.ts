/**
 * Phone loop, free recognition and sentence choice through the real worker pool on three
 * corpus utterances (test/fixtures/corpus/, speechocean762).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ARPABET_PHONES, createAsrPool, type AsrPool } from '../../src/engines/index.js';
import { loadFixtures, type FixtureUtterance } from './support/corpus-fixtures.js';

const LABELS: ReadonlySet<string> = new Set([...ARPABET_PHONES, 'SIL']);
const EPS = 1e-6;

describe('phone loop, recognition, sentence choice (real pool)', () => {
  let pool: AsrPool;
  let fixtures: FixtureUtterance[];

  before(async () => {
    fixtures = loadFixtures();
    pool = await createAsrPool({ workers: 2 });
  });
  after(() => pool.close());

  test('the free phone loop tiles the audio with phones and silences', async () => {
    for (const u of fixtures) {
      const loop = await pool.phoneLoop(u.pcm);
      assert.ok(loop.filter((s) => s.label !== 'SIL').length >= u.words.length, 'some phones');
      let end = 0;
      for (const s of loop) {
        assert.ok(LABELS.has(s.label), s.label);
        assert.ok(Math.abs(s.startSec - end) < EPS, 'contiguous');
        assert.ok(s.endSec > s.startSec && s.acousticScore <= 0);
        end = s.endSec;
      }
      assert.ok(Math.abs(end - u.seconds) < 0.05, 'covers the audio');
    }
  });

  test('the phone loop and the alignment score on one scale (GOP of the read text ≈ 0)', async () => {
    // The loop's path is unconstrained but context-independent; the alignment's is the text,
    // with context-dependent models. For the text actually read, the per-frame difference
    // (the goodness-of-pronunciation ratio) is close to zero.
    for (const u of fixtures) {
      const loop = await pool.phoneLoop(u.pcm);
      const forced = await pool.align(u.pcm, u.words);
      const loopScore = loop.reduce((sum, s) => sum + s.acousticScore, 0);
      const gop = (forced.acousticScore - loopScore) / forced.frames;
      assert.ok(gop > -1 && gop < 0.5, `${u.id}: ${gop.toFixed(2)} nats/frame`);
    }
  });

  test('recognition gives a non-empty hypothesis with times and confidences', async () => {
    for (const u of fixtures) {
      const r = await pool.recognize(u.pcm);
      assert.ok(r.text.length > 0, u.id);
      assert.equal(r.text, r.words.map((w) => w.label).join(' '));
      let previousEnd = 0;
      for (const w of r.words) {
        assert.match(w.label, /^[a-z']+$/u);
        assert.ok(w.confidence >= 0 && w.confidence <= 1);
        assert.ok(w.startSec >= previousEnd - EPS && w.endSec > w.startSec);
        previousEnd = w.endSec;
      }
      assert.ok(Math.abs(r.frames / 100 - u.seconds) < 0.05);
    }
  });

  test('chooseSentence picks the sentence that was read, and aligns it', async () => {
    const candidates = fixtures.map((u) => u.words);
    for (const [i, u] of fixtures.entries()) {
      const { index, alignment } = await pool.chooseSentence(u.pcm, candidates);
      assert.equal(index, i, u.id);
      assert.deepEqual(
        alignment.words.map((w) => w.label),
        u.words,
      );
      assert.ok(alignment.words.every((w) => w.phones.length > 0));
    }
  });

  test('nearly identical candidates: the one read wins', async () => {
    const u = fixtures[0];
    assert.ok(u);
    const { index } = await pool.chooseSentence(u.pcm, [
      ['we', 'call', 'it', 'bird'],
      ['we', 'call', 'it', 'bear'],
      ['we', 'called', 'it', 'bear'],
    ]);
    assert.equal(index, 1);
  });
});
