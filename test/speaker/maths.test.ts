/**
 * The speaker engine's maths on small synthetic data: EM, i-vector training, linear algebra,
 * score normalisation, calibration, detection measures, float16 storage.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { accumulateStats } from '../../src/engines/speaker/baum-welch.js';
import { DiagonalGmm } from '../../src/engines/speaker/diagonal-gmm.js';
import { equalErrorRate, minDetectionCost } from '../../src/engines/speaker/detection-metrics.js';
import { IvectorExtractor } from '../../src/engines/speaker/ivector-extractor.js';
import {
  choleskyInPlace,
  choleskySolveInPlace,
  inverseSpd,
  matMul,
  symmetricEigen,
} from '../../src/engines/speaker/linear-algebra.js';
import { floatToHalf, halfToFloat } from '../../src/engines/speaker/model-file.js';
import {
  cohortStats,
  durationQuality,
  fitDurationFusion,
  fitFusion,
  fusedLogOdds,
  fusionAt,
  logOddsForScore,
  normalizeScore,
  scoreFromLogOdds,
  type ScorePair,
} from '../../src/engines/speaker/score-calibration.js';
import {
  emIteration,
  singleGaussian,
  splitComponents,
  trainUbm,
  type FramePool,
} from '../../src/engines/speaker/training/gmm-training.js';
import {
  initialTotalVariability,
  totalVariabilityIteration,
} from '../../src/engines/speaker/training/ivector-training.js';
import { SeededRandom } from '../../src/engines/speaker/training/seeded-random.js';

/** Frames from three 4-D Gaussians with different means and scales. */
function mixtureFrames(frames: number, seed: number): FramePool {
  const random = new SeededRandom(seed);
  const dims = 4;
  const centres = [
    [0, 0, 0, 0],
    [3, -2, 1, 0],
    [-3, 2, 0, 4],
  ];
  const data = new Float32Array(frames * dims);
  for (let t = 0; t < frames; t++) {
    const k = random.int(3);
    for (let d = 0; d < dims; d++)
      data[t * dims + d] = centres[k]![d]! + (0.5 + 0.3 * k) * random.gaussian();
  }
  return { data, frames, dims };
}

describe('GMM EM', () => {
  test('each EM iteration increases the log-likelihood (no pruning)', () => {
    const pool = mixtureFrames(3000, 1);
    const { params, varianceFloor } = singleGaussian(pool);
    let current = splitComponents(splitComponents(params));
    let previous = -Infinity;
    for (let i = 0; i < 12; i++) {
      const step = emIteration(current, pool, varianceFloor, 0);
      assert.ok(
        step.logLikelihood >= previous - 1e-9,
        `iteration ${i}: ${step.logLikelihood} < ${previous}`,
      );
      previous = step.logLikelihood;
      current = step.params;
    }
    const weights = Array.from(current.weights);
    assert.ok(Math.abs(weights.reduce((a, b) => a + b, 0) - 1) < 1e-9, 'weights sum to 1');
  });

  test('posteriors sum to one and the UBM finds the three clusters', () => {
    const pool = mixtureFrames(3000, 2);
    const lls: number[] = [];
    const params = trainUbm(pool, {
      components: 4,
      iterationsPerSplit: 5,
      finalIterations: 5,
      onIteration: (c, ll) => {
        if (c === 4) lls.push(ll);
      },
    });
    for (let i = 1; i < lls.length; i++) assert.ok(lls[i]! >= lls[i - 1]! - 1e-6);
    const gmm = new DiagonalGmm(params);
    const post = new Float64Array(4);
    gmm.posteriors(Float32Array.of(3, -2, 1, 0), 0, post);
    assert.ok(Math.abs(post.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    assert.ok(Math.max(...post) > 0.9, 'a clear cluster point has one dominant component');
  });
});

describe('i-vectors', () => {
  test('T training makes i-vectors of the same synthetic speaker closer than of others', () => {
    const random = new SeededRandom(3);
    const dims = 3;
    const base = mixtureFrames(4000, 3);
    const ubm = trainUbm(
      { data: base.data.map((v, i) => (i % 4 < dims ? v : 0)), frames: base.frames, dims: 4 },
      { components: 4, iterationsPerSplit: 4, finalIterations: 2 },
    );
    const gmm = new DiagonalGmm(ubm);
    // Speakers shift every frame by their own offset.
    const offsets = Array.from({ length: 6 }, () =>
      Array.from({ length: 4 }, () => random.gaussian()),
    );
    const utterance = (speaker: number) => {
      const frames = 200;
      const data = new Float32Array(frames * 4);
      for (let t = 0; t < frames; t++) {
        const src = random.int(base.frames);
        for (let d = 0; d < 4; d++)
          data[t * 4 + d] = base.data[src * 4 + d]! + offsets[speaker]![d]!;
      }
      return accumulateStats(gmm, { data, frames, dims: 4 });
    };
    const stats = Array.from({ length: 60 }, (_, i) => utterance(i % 6));
    let t = initialTotalVariability(4, 4, 3, new SeededRandom(4));
    for (let i = 0; i < 5; i++) t = totalVariabilityIteration(4, 4, 3, t, stats).matrix;
    const extractor = new IvectorExtractor(4, 4, 3, t);
    const w = stats.map((s) => extractor.extract(s));
    const dist = (a: Float64Array, b: Float64Array) =>
      Math.hypot(...Array.from(a, (v, i) => v - b[i]!));
    let same = 0;
    let other = 0;
    let nSame = 0;
    let nOther = 0;
    for (let i = 0; i < w.length; i++)
      for (let j = i + 1; j < w.length; j++) {
        if (i % 6 === j % 6) {
          same += dist(w[i]!, w[j]!);
          nSame++;
        } else {
          other += dist(w[i]!, w[j]!);
          nOther++;
        }
      }
    assert.ok(same / nSame < 0.5 * (other / nOther), `${same / nSame} vs ${other / nOther}`);
  });
});

describe('linear algebra', () => {
  const a = Float64Array.of(4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2);
  test('Cholesky solve and SPD inverse', () => {
    const l = Float64Array.from(a);
    choleskyInPlace(l, 3);
    const b = Float64Array.of(1, 2, 3);
    choleskySolveInPlace(l, 3, b);
    const back = matMul(a, b, 3, 3, 1);
    assert.deepEqual(
      Array.from(back, (v) => v.toFixed(10)),
      ['1.0000000000', '2.0000000000', '3.0000000000'],
    );
    const identity = matMul(a, inverseSpd(a, 3), 3, 3, 3);
    identity.forEach((v, i) => assert.ok(Math.abs(v - (i % 4 === 0 ? 1 : 0)) < 1e-12));
  });
  test('symmetric eigen-decomposition reconstructs the matrix, values descending', () => {
    const { values, vectors } = symmetricEigen(a, 3);
    assert.ok(values[0]! >= values[1]! && values[1]! >= values[2]!);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += vectors[k * 3 + i]! * values[k]! * vectors[k * 3 + j]!;
        assert.ok(Math.abs(s - a[i * 3 + j]!) < 1e-10);
      }
  });
});

describe('scores', () => {
  test('AS-norm is symmetric in the two sides', () => {
    const x = { mean: 0.1, std: 0.05 };
    const y = { mean: -0.02, std: 0.08 };
    assert.equal(normalizeScore(0.4, x, y), normalizeScore(0.4, y, x));
    const cohort = Float32Array.of(1, 0, 0, 1, 0.6, 0.8);
    const s = cohortStats(cohort, 2, Float32Array.of(1, 0), 2);
    assert.ok(Math.abs(s.mean - 0.8) < 1e-6 && Math.abs(s.std - 0.2) < 1e-6);
  });

  test('fusion and calibration are monotone, weights follow the evidence', () => {
    const random = new SeededRandom(5);
    // The first score separates the classes (unit Gaussians at ±1.5), the second is noise.
    const pair = (mean: number): ScorePair => [mean + random.gaussian(), random.gaussian()];
    const targets = Array.from({ length: 400 }, () => pair(1.5));
    const nontargets = Array.from({ length: 4000 }, () => pair(-1.5));
    const fusion = fitFusion(targets, nontargets);
    // Equal-variance Gaussians: the log-likelihood ratio is 3·s, the noise gets no weight.
    assert.ok(Math.abs(fusion.ivectorWeight - 3) < 0.5, `weight ${fusion.ivectorWeight}`);
    assert.ok(Math.abs(fusion.ltcsWeight) < 0.3, `noise weight ${fusion.ltcsWeight}`);
    assert.ok(Math.abs(fusion.offset) < 0.4, `offset ${fusion.offset}`);
    let previous = -Infinity;
    for (let s = -6; s <= 6; s += 0.25) {
      const score = scoreFromLogOdds(fusedLogOdds(fusion, s, 0));
      assert.ok(score >= previous && score >= 0 && score <= 100);
      previous = score;
    }
    for (const score of [0.5, 12, 50, 93.3, 99.9])
      assert.ok(Math.abs(scoreFromLogOdds(logOddsForScore(score)) - score) < 1e-9);
  });

  test('the duration-aware fusion learns that longer speech separates more, calibrated at each duration', () => {
    const random = new SeededRandom(9);
    // Separation ±m(seconds) with m growing with the duration: at 2 s ±0.75, at 10 s ±1.5.
    const trials = [2, 10].flatMap((seconds) => {
      const m = seconds === 2 ? 0.75 : 1.5;
      const make = (target: boolean, n: number) =>
        Array.from({ length: n }, () => ({
          ivector: (target ? m : -m) + random.gaussian(),
          ltcs: random.gaussian(),
          seconds,
          target,
          condition: `${seconds} s`,
        }));
      return [...make(true, 500), ...make(false, 3000)];
    });
    const fusion = fitDurationFusion(trials);
    assert.ok(fusion.duration !== undefined);
    // Equal-variance Gaussians at ±m: the log-likelihood ratio is 2m·s.
    const at10 = fusionAt(fusion, 10);
    const at2 = fusionAt(fusion, 2);
    assert.ok(Math.abs(at10.ivectorWeight - 3) < 0.5, `10 s weight ${at10.ivectorWeight}`);
    assert.ok(Math.abs(at2.ivectorWeight - 1.5) < 0.4, `2 s weight ${at2.ivectorWeight}`);
    assert.ok(Math.abs(at2.offset) < 0.3 && Math.abs(at10.offset) < 0.4);
    // fusionAt folds the terms in exactly; the quality is clamped to 1–60 s and 0 at 10 s.
    for (const seconds of [0.5, 2, 7, 10, 30, 100])
      assert.ok(
        Math.abs(
          fusedLogOdds(fusion, 0.7, 0.2, seconds) -
            fusedLogOdds(fusionAt(fusion, seconds), 0.7, 0.2),
        ) < 1e-12,
      );
    assert.equal(durationQuality(10), 0);
    assert.equal(durationQuality(0.1), durationQuality(1));
    assert.equal(durationQuality(600), durationQuality(60));
    // Badly conditioned, as the real LTCS cosines are (all close to 1): the fit still
    // converges to weights that separate, instead of diverging.
    const nearOne = trials.map((t) => ({
      ...t,
      ltcs: 0.99 + 0.002 * t.ltcs + (t.target ? 0.002 : 0),
    }));
    const conditioned = fitDurationFusion(nearOne);
    const z = (t: (typeof nearOne)[number]) =>
      fusedLogOdds(conditioned, t.ivector, t.ltcs, t.seconds);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(mean(nearOne.filter((t) => t.target).map(z)) > 1);
    assert.ok(mean(nearOne.filter((t) => !t.target).map(z)) < -1);
    assert.ok(Number.isFinite(conditioned.offset) && Math.abs(conditioned.ltcsWeight) < 1e4);
    // One duration only: no duration terms (they would not be identifiable).
    const one = fitDurationFusion(trials.filter((t) => t.seconds === 10));
    assert.equal(one.duration, undefined);
    assert.ok(Math.abs(one.ivectorWeight - 3) < 0.5);
  });

  test('EER and minDCF', () => {
    assert.equal(equalErrorRate([2, 3], [0, 1]), 0);
    assert.equal(equalErrorRate([0, 1], [2, 3]), 1);
    assert.equal(equalErrorRate([1, 3], [0, 2]), 0.5);
    assert.equal(minDetectionCost([2, 3], [0, 1]), 0);
    // Rejecting everything costs p·C_miss, the normaliser: minDCF ≤ 1.
    assert.ok(minDetectionCost([0, 1], [2, 3]) <= 1);
  });

  test('float16 storage round-trips to three significant digits', () => {
    for (const v of [0, 1, -1, 0.1, 3.14159, -0.000123, 65504, 1e-7])
      assert.ok(
        Math.abs(halfToFloat(floatToHalf(v)) - v) <= Math.abs(v) * 1e-3 + 6e-8,
        `${v} → ${halfToFloat(floatToHalf(v))}`,
      );
    assert.equal(halfToFloat(floatToHalf(1e6)), Infinity);
  });
});
