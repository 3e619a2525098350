import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { aucMannWhitney, errorCount, wer, wordErrors } from '../../src/eval/metrics.js';

describe('aucMannWhitney', () => {
  test('perfect separation is 1, reversed is 0, all equal is 0.5', () => {
    assert.equal(aucMannWhitney([3, 4, 5], [0, 1, 2]), 1);
    assert.equal(aucMannWhitney([0, 1, 2], [3, 4, 5]), 0);
    assert.equal(aucMannWhitney([7, 7, 7], [7, 7]), 0.5);
  });

  test('counts ties as one half and matches the pairwise definition', () => {
    // Pairs (p > n): 2>1 yes, 2>2 tie, 2>3 no, 4>1, 4>2, 4>3 → (1 + 0.5 + 0 + 3) / 6.
    assert.equal(aucMannWhitney([2, 4], [1, 2, 3]), 4.5 / 6);
    const pos = [0.3, -1.2, 0.3, 2, 0.9, -0.1];
    const neg = [0.3, -2, 0.5, -0.1, 1];
    let wins = 0;
    for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
    assert.ok(Math.abs(aucMannWhitney(pos, neg) - wins / (pos.length * neg.length)) < 1e-12);
  });

  test('-Infinity (a refused alignment) ranks lowest and ties with itself', () => {
    assert.equal(aucMannWhitney([-1, -2], [-Infinity, -Infinity]), 1);
    assert.equal(aucMannWhitney([-Infinity], [-Infinity]), 0.5);
  });

  test('empty side gives NaN, a NaN score is refused', () => {
    assert.ok(Number.isNaN(aucMannWhitney([], [1])));
    assert.ok(Number.isNaN(aucMannWhitney([1], [])));
    assert.throws(() => aucMannWhitney([NaN], [1]), RangeError);
  });
});

describe('wordErrors and wer', () => {
  const words = (s: string): string[] => (s === '' ? [] : s.split(' '));

  test('known pairs', () => {
    assert.deepEqual(wordErrors(words('a b c'), words('a b c')), {
      substitutions: 0,
      deletions: 0,
      insertions: 0,
    });
    assert.deepEqual(wordErrors(words('a b c'), words('a x c d')), {
      substitutions: 1,
      deletions: 0,
      insertions: 1,
    });
    assert.deepEqual(wordErrors(words('the cat sat on the mat'), words('the cat on mat')), {
      substitutions: 0,
      deletions: 2,
      insertions: 0,
    });
    assert.deepEqual(wordErrors(words('a b'), words('')), {
      substitutions: 0,
      deletions: 2,
      insertions: 0,
    });
    assert.deepEqual(wordErrors(words(''), words('a b')), {
      substitutions: 0,
      deletions: 0,
      insertions: 2,
    });
    // One substitution, not a deletion plus an insertion.
    assert.deepEqual(wordErrors(words('a'), words('b')), {
      substitutions: 1,
      deletions: 0,
      insertions: 0,
    });
  });

  test('the edit count is the Levenshtein distance', () => {
    // kitten → sitting, over letters: 3 edits (2 substitutions, 1 insertion).
    const e = wordErrors([...'kitten'], [...'sitting']);
    assert.equal(errorCount(e), 3);
    assert.deepEqual(e, { substitutions: 2, deletions: 0, insertions: 1 });
  });

  test('wer', () => {
    assert.equal(wer(words('the cat sat'), words('the cat sat')), 0);
    assert.equal(wer(words('the cat sat'), words('the cat')), 1 / 3);
    assert.equal(wer(words('a b c d'), words('a x c d e')), 2 / 4);
    assert.equal(wer(words('a'), words('x y z')), 3);
    assert.equal(wer([], []), 0);
    assert.equal(wer([], ['a']), Infinity);
  });
});
