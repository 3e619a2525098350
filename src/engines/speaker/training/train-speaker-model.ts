/**
 * `voxgate train speaker`: the whole recipe, stage by stage, each stage's result checkpointed in
 * the work directory so an interrupted run resumes where it stopped.
 *
 *   split      speakers → training and held-out dev speakers (seeded)
 *   features   train: clean, telephone (8 kHz µ-law), babble; dev: clean, 8 kHz
 *   ubm        diagonal GMM by binary splitting on a seeded frame sample
 *   tv-N       total variability matrix, one checkpoint per EM iteration
 *   model      LDA/WCCN backend, cohort, dev evaluation, calibration → the model directory
 *
 * Every random choice comes from one seeded generator per stage and parameters are rounded to
 * float32 at each checkpoint (resumed or not), so the same seed gives the same model.
 */
import { mkdir } from 'node:fs/promises';
import { DEFAULT_GAUSSIAN_SELECTION } from '../baum-welch.js';
import { DiagonalGmm } from '../diagonal-gmm.js';
import { equalErrorRate, minDetectionCost, operatingPoints } from '../detection-metrics.js';
import { embed, type BackendParams } from '../embedding-backend.js';
import { IvectorExtractor } from '../ivector-extractor.js';
import { floatToHalf, halfToFloat, writeModelFiles } from '../model-file.js';
import {
  fitFusion,
  fusedLogOdds,
  logOddsForScore,
  scoreFromLogOdds,
  type Fusion,
  type ScorePair,
} from '../score-calibration.js';
import { scoreTrials, median, type TrialScores } from '../score-trials.js';
import {
  DEFAULT_SPEAKER_FEATURES,
  SpeakerFeatureExtractor,
  type SpeakerFeatureConfig,
} from '../speaker-features.js';
import { SpeakerModel, type SpeakerModelMeta, type ThresholdPoint } from '../speaker-model.js';
import { generateTrialLists } from '../trial-lists.js';
import { trainBackend } from './backend-training.js';
import type { StoredUtterance } from './feature-store.js';
import { SeededRandom } from './seeded-random.js';
import {
  roundF32,
  stageFeatures,
  stageSplit,
  stageTotalVariability,
  stageUbm,
  statsOf,
  type Variant,
} from './training-stages.js';

/** A training utterance: plain data, so the engine needs no corpus reader. */
export interface TrainingUtterance {
  readonly id: string;
  readonly speaker: string;
  readonly audioPath: string;
}

/** How training reports what it is doing (the CLI draws progress bars from it). */
export interface TrainingProgress {
  stage(name: string, total: number): void;
  tick(done: number): void;
  log(message: string): void;
}

export interface SpeakerTrainingOptions {
  readonly utterances: readonly TrainingUtterance[];
  readonly outDir: string;
  readonly workDir: string;
  readonly seed: number;
  /** Speakers held out for calibration and the reported EER. */
  readonly devSpeakers: number;
  readonly components: number;
  readonly ivectorDim: number;
  readonly embeddingDim: number;
  /** Frames sampled for the UBM. */
  readonly ubmFrames: number;
  readonly ubmIterations: number;
  readonly tvIterations: number;
  readonly cohortSize: number;
  readonly cohortTopN: number;
  /** Train on telephone and babble copies too. */
  readonly augment: boolean;
  readonly features?: SpeakerFeatureConfig;
  readonly progress?: TrainingProgress;
}

/** Defaults of `voxgate train speaker`. */
export const DEFAULT_TRAINING = Object.freeze({
  seed: 1,
  devSpeakers: 25,
  components: 256,
  ivectorDim: 100,
  embeddingDim: 80,
  ubmFrames: 300_000,
  ubmIterations: 4,
  tvIterations: 6,
  cohortSize: 1000,
  cohortTopN: 200,
  augment: true,
});

/** What training measured on the dev speakers. */
export interface TrainingResult {
  readonly version: string;
  readonly dev: Readonly<Record<string, { eer: number; minDcf: number; trials: number }>>;
  readonly threshold: ThresholdPoint;
}

const QUIET: TrainingProgress = {
  stage: () => undefined,
  tick: () => undefined,
  log: () => undefined,
};

/**
 * Trains a speaker model from `utterances` and writes it to `outDir`.
 *
 * ### Examples
 * ```ts
 * await trainSpeakerModel({ ...DEFAULT_TRAINING, utterances, outDir: 'models/speaker', workDir: '.tmp/spk' });
 * ```
 */
export async function trainSpeakerModel(options: SpeakerTrainingOptions): Promise<TrainingResult> {
  const progress = options.progress ?? QUIET;
  const work = options.workDir;
  await mkdir(work, { recursive: true });
  await mkdir(options.outDir, { recursive: true });
  const featureConfig = options.features ?? DEFAULT_SPEAKER_FEATURES;

  const split = await stageSplit(options);
  const train = options.utterances.filter((u) => split.train.includes(u.speaker));
  const dev = options.utterances.filter((u) => split.dev.includes(u.speaker));
  progress.log(
    `${split.train.length} training speakers (${train.length} utterances), ${split.dev.length} dev speakers (${dev.length})`,
  );

  const extractor = new SpeakerFeatureExtractor(featureConfig);
  // T and the UBM learn from every channel; the backend learns speakers from clean and
  // telephone audio, plus speed-perturbed copies as extra speakers (LDA and WCCN estimated
  // from 100 speakers alone are poor), and not from babble, which blurs its classes.
  const trainVariants: Variant[] = options.augment ? ['clean', 'telephone', 'babble'] : ['clean'];
  const backendVariants: Variant[] = options.augment
    ? ['clean', 'telephone', 'speed-0.9', 'speed-1.1']
    : ['clean'];
  const trainSets: StoredUtterance[][] = [];
  for (const variant of trainVariants)
    trainSets.push(
      await stageFeatures(`train-${variant}`, train, variant, extractor, options, progress),
    );
  const speedSets: StoredUtterance[][] = [];
  for (const variant of backendVariants.filter((v) => v.startsWith('speed')))
    speedSets.push(
      await stageFeatures(`train-${variant}`, train, variant, extractor, options, progress),
    );
  const devClean = await stageFeatures('dev-clean', dev, 'clean', extractor, options, progress);
  const dev8k = await stageFeatures('dev-8k', dev, '8k', extractor, options, progress);

  const ubm = await stageUbm(trainSets.flat(), options, progress);
  const gmm = new DiagonalGmm(ubm, featureConfig.numCeps);
  const trainAll = trainSets.flat();
  const trainStats = statsOf(gmm, trainAll, 'stats (train)', progress);
  // The model file stores T̃ as float16: train the backend on exactly what will be loaded.
  const matrix = roundF16(await stageTotalVariability(trainStats, ubm, options, progress));

  const extractor2 = new IvectorExtractor(ubm.components, ubm.dims, options.ivectorDim, matrix);
  const ivectors = trainStats.map((s, i) => ({
    speaker: trainAll[i]!.speaker,
    variant: trainVariants[Math.floor(i / train.length)]!,
    vector: extractor2.extract(s),
  }));
  const speedAll = speedSets.flat();
  const speedStats = statsOf(gmm, speedAll, 'stats (speed)', progress);
  const speedIvectors = speedStats.map((s, i) => ({
    // A sped-up voice is another voice: its own class.
    speaker: `${speedAll[i]!.speaker}@${Math.floor(i / train.length)}`,
    variant: 'speed' as Variant,
    vector: extractor2.extract(s),
  }));
  progress.stage('backend', 1);
  const backendTraining = [
    ...ivectors.filter((v) => backendVariants.includes(v.variant)),
    ...speedIvectors,
  ];
  const backend = roundBackend(
    trainBackend(backendTraining, options.ivectorDim, options.embeddingDim),
  );
  const random = new SeededRandom(options.seed + 4);
  const cohortPool = ivectors.filter((v) => v.variant === 'clean' || v.variant === 'telephone');
  const cohortChosen = random.shuffle(cohortPool).slice(0, options.cohortSize);
  const cohort = new Float32Array(cohortChosen.length * backend.embeddingDim);
  cohortChosen.forEach((v, i) => cohort.set(embed(backend, v.vector), i * backend.embeddingDim));
  progress.tick(1);

  // Dev evaluation with the i-vector score alone, then the fusion with the long-term cepstral
  // statistics fitted on both conditions pooled, and every measure again with the fused score.
  const provisional: Fusion = { ivectorWeight: 1, ltcsWeight: 0, offset: 0 };
  const meta = (
    fusion: Fusion,
    threshold: ThresholdPoint,
    points: ThresholdPoint[],
    training: Record<string, unknown>,
  ): SpeakerModelMeta => ({
    features: featureConfig,
    components: ubm.components,
    featureDims: ubm.dims,
    ivectorDim: options.ivectorDim,
    embeddingDim: backend.embeddingDim,
    cohortSize: cohortChosen.length,
    cohortTopN: options.cohortTopN,
    gaussianSelection: DEFAULT_GAUSSIAN_SELECTION,
    fusion,
    threshold,
    operatingPoints: points,
    training,
  });
  const zero: ThresholdPoint = { score: 50, falseAcceptRate: NaN, falseRejectRate: NaN };
  const model = new SpeakerModel({
    version: 'training',
    meta: meta(provisional, zero, [], {}),
    ubm,
    totalVariability: matrix,
    backend,
    cohort,
  });
  const lists = generateTrialLists(dev, { seed: options.seed });
  const devScores: Record<string, TrialScores> = {};
  for (const [name, set] of [
    ['16k', devClean],
    ['8k', dev8k],
  ] as const) {
    const stats = new Map(
      statsOf(gmm, set, `stats (dev ${name})`, progress).map((s, i) => [
        set[i]!.id,
        { stats: s, cepstral: set[i]!.cepstral, netSpeechSeconds: set[i]!.netSpeechSeconds },
      ]),
    );
    devScores[name] = scoreTrials(model, lists.enroll, lists.trials, (id) => stats.get(id));
  }
  const fusion = fitFusion(
    Object.values(devScores).flatMap((r) => r.targetPairs),
    Object.values(devScores).flatMap((r) => r.nontargetPairs),
  );
  const devResults: Record<string, DevResult> = {};
  for (const [name, scores] of Object.entries(devScores)) {
    const fused = (pairs: readonly ScorePair[]) =>
      pairs.map((p) => fusedLogOdds(fusion, p[0], p[1]));
    const part = (i: 0 | 1) =>
      round(
        equalErrorRate(
          scores.targetPairs.map((p) => p[i]),
          scores.nontargetPairs.map((p) => p[i]),
        ),
        4,
      );
    const targets = fused(scores.targetPairs);
    const nontargets = fused(scores.nontargetPairs);
    devResults[name] = {
      targets,
      nontargets,
      enrollSeconds: scores.enrollSeconds,
      eer: equalErrorRate(targets, nontargets),
      minDcf: minDetectionCost(targets, nontargets),
      eerIvectorOnly: part(0),
      eerLtcsOnly: part(1),
    };
    progress.log(
      `dev ${name}: EER ${(devResults[name].eer * 100).toFixed(2)} % (i-vector alone ` +
        `${(part(0) * 100).toFixed(2)} %, LTCS alone ${(part(1) * 100).toFixed(2)} %), ` +
        `minDCF(0.01) ${devResults[name].minDcf.toFixed(3)}`,
    );
  }
  const targets = Object.values(devResults).flatMap((r) => r.targets);
  const nontargets = Object.values(devResults).flatMap((r) => r.nontargets);
  const points = thresholdTable(targets, nontargets);
  const threshold =
    points.find((p) => p.falseAcceptRate <= 0.01 + 1e-12) ?? points[points.length - 1]!;
  const dev16 = devResults['16k']!;
  const dev8 = devResults['8k']!;
  const training = {
    seed: options.seed,
    trainSpeakers: split.train.length,
    trainUtterances: train.length,
    devSpeakers: split.dev,
    augmentation: trainVariants,
    backendTraining: backendVariants,
    ubmFrames: options.ubmFrames,
    tvIterations: options.tvIterations,
    dev: {
      trials: lists.trials.length,
      enrollSecondsMedian: round(median(dev16.enrollSeconds), 2),
      eer16k: round(dev16.eer, 4),
      minDcf16k: round(dev16.minDcf, 4),
      eer8k: round(dev8.eer, 4),
      minDcf8k: round(dev8.minDcf, 4),
      eer16kIvectorOnly: dev16.eerIvectorOnly,
      eer16kLtcsOnly: dev16.eerLtcsOnly,
      eer8kIvectorOnly: dev8.eerIvectorOnly,
      eer8kLtcsOnly: dev8.eerLtcsOnly,
    },
  };
  const version = await writeModelFiles(options.outDir, meta(fusion, threshold, points, training), {
    'ubm.weights': { type: 'f32', data: ubm.weights },
    'ubm.means': { type: 'f32', data: ubm.means },
    'ubm.variances': { type: 'f32', data: ubm.variances },
    'tv.matrix': { type: 'f16', data: matrix },
    'backend.mean': { type: 'f32', data: backend.mean },
    'backend.projection': { type: 'f32', data: backend.projection },
    cohort: { type: 'f32', data: cohort },
  });
  progress.log(`model ${version} written to ${options.outDir}`);
  return {
    version,
    dev: {
      '16k': { eer: dev16.eer, minDcf: dev16.minDcf, trials: lists.trials.length },
      '8k': { eer: dev8.eer, minDcf: dev8.minDcf, trials: lists.trials.length },
    },
    threshold,
  };
}

interface DevResult {
  readonly targets: number[];
  readonly nontargets: number[];
  readonly enrollSeconds: number[];
  readonly eer: number;
  readonly minDcf: number;
  readonly eerIvectorOnly: number;
  readonly eerLtcsOnly: number;
}

/**
 * Calibrated thresholds (0–100, one decimal) at which the dev false-accept rate falls to 10 %,
 * 5 %, 2 %, 1 %, 0.5 %, 0.1 %, with the rates measured at exactly that score. `targets` and
 * `nontargets` are fused log-odds.
 */
function thresholdTable(
  targets: readonly number[],
  nontargets: readonly number[],
): ThresholdPoint[] {
  const points = operatingPoints(targets, nontargets);
  return [0.1, 0.05, 0.02, 0.01, 0.005, 0.001].map((far) => {
    const p = points.find((pt) => pt.falseAcceptRate <= far)!;
    const score = Math.min(Math.ceil(scoreFromLogOdds(p.threshold) * 10) / 10, 100);
    const t = logOddsForScore(score);
    const fa = nontargets.filter((s) => s >= t).length / nontargets.length;
    const fr = targets.filter((s) => s < t).length / targets.length;
    return { score, falseAcceptRate: round(fa, 4), falseRejectRate: round(fr, 4) };
  });
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function roundF16(a: Float64Array): Float64Array {
  return a.map((v) => halfToFloat(floatToHalf(v)));
}

function roundBackend(b: BackendParams): BackendParams {
  return { ...b, mean: roundF32(b.mean), projection: roundF32(b.projection) };
}
