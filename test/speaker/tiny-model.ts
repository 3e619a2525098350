/**
 * A small random speaker model (no training) for tests of the API around the maths:
 * voiceprints, versions, search, symmetry. Its scores mean nothing about real voices.
 */
import { DEFAULT_SPEAKER_FEATURES, SpeakerModel, type Fusion } from '../../src/engines/index.js';
import { SeededRandom } from '../../src/engines/speaker/training/seeded-random.js';

export function tinyModel(
  version = 'tiny-1',
  seed = 1,
  fusion: Fusion = { ivectorWeight: 1, ltcsWeight: 1, offset: 0 },
): SpeakerModel {
  const random = new SeededRandom(seed);
  const c = 4;
  const d = DEFAULT_SPEAKER_FEATURES.numCeps * 3;
  const r = 6;
  const e = 5;
  const unit = (n: number) => {
    const v = Float32Array.from({ length: n }, () => random.gaussian());
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
  const cohort = new Float32Array(20 * e);
  for (let i = 0; i < 20; i++) cohort.set(unit(e), i * e);
  return new SpeakerModel({
    version,
    meta: {
      features: DEFAULT_SPEAKER_FEATURES,
      components: c,
      featureDims: d,
      ivectorDim: r,
      embeddingDim: e,
      cohortSize: 20,
      cohortTopN: 10,
      gaussianSelection: 2,
      fusion,
      threshold: { score: 50, falseAcceptRate: 0.05, falseRejectRate: 0.05 },
      operatingPoints: [],
      training: {},
    },
    ubm: {
      components: c,
      dims: d,
      weights: new Float64Array(c).fill(1 / c),
      means: Float64Array.from({ length: c * d }, () => random.gaussian() * 3),
      variances: Float64Array.from({ length: c * d }, () => 20 + 10 * random.next()),
    },
    totalVariability: Float64Array.from({ length: c * d * r }, () => random.gaussian() * 0.2),
    backend: {
      ivectorDim: r,
      embeddingDim: e,
      mean: new Float64Array(r),
      projection: Float64Array.from({ length: e * r }, () => random.gaussian()),
    },
    cohort,
  });
}

/** Seconds of a noisy two-tone signal at 16 kHz in 0.3 s bursts with 0.2 s pauses, different per seed. */
export function toneAudio(seconds: number, seed: number): Float32Array {
  const random = new SeededRandom(seed);
  const f1 = 120 + 200 * random.next();
  const f2 = 700 + 1500 * random.next();
  return Float32Array.from(
    { length: Math.round(seconds * 16000) },
    (_, i) =>
      (i % 8000 < 4800 ? 1 : 0.01) * 0.3 * Math.sin((2 * Math.PI * f1 * i) / 16000) +
      (i % 8000 < 4800 ? 1 : 0.01) * 0.1 * Math.sin((2 * Math.PI * f2 * i) / 16000) +
      0.02 * random.gaussian(),
  );
}
