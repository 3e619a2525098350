/**
 * The pronunciation maths: logistic calibration, GOP against the phone loop, score monotonicity,
 * and the scripted request's parsing (sentence words with their character offsets).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Alignment, TimedSegment } from '../../src/engines/index.js';
import {
  fitLogistic,
  loadPronunciationModel,
  logisticLoss,
  loopScoreIn,
  phoneGops,
  predictLogistic,
  scoreWordGops,
  type WordGops,
} from '../../src/engines/pronunciation/index.js';
import { isVoxgateError } from '../../src/errors/index.js';
import { parseScriptedParameters, sentenceWords } from '../../src/speech/scripted/index.js';

/** A deterministic pseudo-random sequence (LCG) for reproducible samples. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

describe('logistic calibration', () => {
  test('recovers the parameters that generated the labels', () => {
    const random = lcg(7);
    const xs: number[][] = [];
    const ys: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const x = [random() * 8 - 4, random() * 2 - 1];
      xs.push(x);
      ys.push(random() < predictLogistic({ weights: [1.5, -2], bias: 0.5 }, x) ? 1 : 0);
    }
    const model = fitLogistic(xs, ys, { l2: 0 });
    assert.ok(Math.abs(model.weights[0]! - 1.5) < 0.1, String(model.weights));
    assert.ok(Math.abs(model.weights[1]! + 2) < 0.15, String(model.weights));
    assert.ok(Math.abs(model.bias - 0.5) < 0.1, String(model.bias));
  });

  test('the fit has a lower loss than nearby parameters', () => {
    const random = lcg(3);
    const xs = Array.from({ length: 2000 }, () => [random() * 4 - 2]);
    const ys = xs.map((x) => (random() < 1 / (1 + Math.exp(-3 * x[0]!)) ? 1 : 0));
    const model = fitLogistic(xs, ys, { l2: 0 });
    const best = logisticLoss(model, xs, ys);
    for (const [dw, db] of [
      [0.2, 0],
      [-0.2, 0],
      [0, 0.2],
      [0, -0.2],
    ] as const)
      assert.ok(
        logisticLoss({ weights: [model.weights[0]! + dw], bias: model.bias + db }, xs, ys) > best,
      );
  });

  test('balanced classes put P = 0.5 where the classes meet, whatever their counts', () => {
    const xs: number[][] = [];
    const ys: number[] = [];
    // 10 × more positives around +1 than negatives around -1: balanced, the boundary stays at 0.
    for (let i = 0; i < 1100; i++) {
      const positive = i < 1000;
      xs.push([(positive ? 1 : -1) + ((i % 7) - 3) / 3]);
      ys.push(positive ? 1 : 0);
    }
    const model = fitLogistic(xs, ys, { balanceClasses: true, l2: 1e-3 });
    assert.ok(Math.abs(predictLogistic(model, [0]) - 0.5) < 0.05);
    const skewed = fitLogistic(xs, ys, { l2: 1e-3 });
    assert.ok(predictLogistic(skewed, [0]) > 0.6, 'without balancing the prior shifts it');
  });

  test('rejects mismatched inputs', () => {
    assert.throws(() => fitLogistic([], []), RangeError);
    assert.throws(() => fitLogistic([[1]], [1, 0]), RangeError);
  });
});

const seg = (label: string, startSec: number, endSec: number, score: number): TimedSegment => ({
  label,
  startSec,
  endSec,
  frames: Math.round((endSec - startSec) * 100),
  acousticScore: score,
});

describe('goodness of pronunciation', () => {
  test('loop scores count pro rata where segments straddle the span', () => {
    const loop = [seg('AH', 0, 0.1, -10), seg('B', 0.1, 0.3, -40), seg('SIL', 0.3, 0.5, -4)];
    assert.equal(loopScoreIn(loop, 0, 0.1), -10);
    assert.ok(Math.abs(loopScoreIn(loop, 0.05, 0.2) - (-5 - 20)) < 1e-9);
    assert.equal(loopScoreIn(loop, 0.5, 0.6), 0);
  });

  test('GOP is (aligned − loop) per frame, per phone of each word', () => {
    const alignment: Alignment = {
      words: [
        {
          ...seg('ab', 0, 0.3, -60),
          index: 0,
          phones: [seg('AH', 0, 0.1, -20), seg('B', 0.1, 0.3, -40)],
        },
      ],
      fillers: [],
      acousticScore: -60,
      frames: 30,
      generatedPronunciations: [],
    };
    const loop = [seg('AH', 0, 0.1, -10), seg('P', 0.1, 0.3, -20)];
    const [word] = phoneGops(alignment, loop);
    assert.deepEqual(
      word!.phones.map((p) => [p.phone, p.gop]),
      [
        ['AH', -1],
        ['B', -1],
      ],
    );
  });

  test('scores rise with GOP at every level and stay within 0-100', () => {
    const model = loadPronunciationModel();
    const word = (gop: number): WordGops => ({
      index: 0,
      word: 'cat',
      startSec: 0,
      endSec: 0.3,
      phones: ['K', 'AE', 'T'].map((phone, i) => ({
        phone,
        startSec: i * 0.1,
        endSec: (i + 1) * 0.1,
        frames: 10,
        gop,
      })),
    });
    let previous = -1;
    let previousPhone = -1;
    let previousMatch = -1;
    for (const gop of [-12, -8, -5, -3, -2, -1, -0.5, 0]) {
      const scores = scoreWordGops(model, [word(gop)]);
      const w = scores.words[0]!;
      assert.ok(w.score >= previous && w.score >= 0 && w.score <= 100, `${gop}: ${w.score}`);
      assert.ok(w.phones[0]!.score >= previousPhone);
      assert.ok(scores.matchScore >= previousMatch);
      previous = w.score;
      previousPhone = w.phones[0]!.score;
      previousMatch = scores.matchScore;
    }
    assert.ok(previous > 70, 'a perfectly matching word is correct');
    assert.equal(scoreWordGops(model, [word(-12)]).words[0]!.decision, 'incorrect');
  });
});

describe('scripted request parsing', () => {
  test('sentence words keep their spelling and character offsets', () => {
    assert.deepEqual(
      sentenceWords("Look at Ann's pants!  Twenty-one.").map((w) => [
        w.text,
        w.normalized,
        w.startIndex,
        w.endIndex,
      ]),
      [
        ['Look', 'look', 0, 4],
        ['at', 'at', 5, 7],
        ["Ann's", "ann's", 8, 13],
        ['pants', 'pants', 14, 19],
        ['Twenty', 'twenty', 22, 28],
        ['one', 'one', 29, 32],
      ],
    );
  });

  test('a JSON list is multiple choice; plans default to standard', () => {
    assert.deepEqual(parseScriptedParameters({ sentence: '["a b", "c d"]' }), {
      sentences: ['a b', 'c d'],
      plan: 'standard',
    });
    assert.deepEqual(parseScriptedParameters({ sentence: 'Hi there', api_plan: 'premium' }), {
      sentences: ['Hi there'],
      plan: 'premium',
    });
  });

  test('bad fields are InvalidSpeechParameter naming the field', () => {
    for (const [fields, param] of [
      [{}, 'sentence'],
      [{ sentence: '[' }, 'sentence'],
      [{ sentence: '[]' }, 'sentence'],
      [{ sentence: '["ok", 3]' }, 'sentence'],
      [{ sentence: '?!' }, 'sentence'],
      [{ sentence: 'x'.repeat(1001) }, 'sentence'],
      [{ sentence: 'ok', api_plan: 'Premium' }, 'api_plan'],
    ] as const) {
      assert.throws(
        () => parseScriptedParameters(fields),
        (e: unknown) =>
          isVoxgateError(e) &&
          e.definition.name === 'InvalidSpeechParameter' &&
          e.params.param === param,
        JSON.stringify(fields),
      );
    }
  });
});
