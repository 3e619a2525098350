/**
 * `voxgate train speaker`: the whole recipe, stage by stage, each stage's result checkpointed in
 * the work directory so an interrupted run resumes where it stopped.
 *
 *   split      speakers → training, calibration and test speakers (seeded, children and
 *              adults in proportion; the test speakers are never used here)
 *   features   train: clean, telephone (8 kHz µ-law), babble, speed 0.9 / 1.1; calibration: clean
 *   ubm        diagonal GMM by binary splitting on a seeded frame sample
 *   tv-N       total variability matrix, one checkpoint per EM iteration
 *   model      LDA/WCCN backend, cohort, then the calibration speakers scored through the
 *              accumulator (single utterances, 30 s / 10 s and 30 s / 5 s sessions; 16 kHz and
 *              8 kHz µ-law), the duration-aware fusion and the thresholds → the model directory
 *
 * Every random choice comes from one seeded generator per stage and parameters are rounded to
 * float32 at each checkpoint (resumed or not), so the same seed gives the same model.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_GAUSSIAN_SELECTION } from '../baum-welch.js';
import { DiagonalGmm } from '../diagonal-gmm.js';
import { equalErrorRate, minDetectionCost, operatingPoints } from '../detection-metrics.js';
import { embed, type BackendParams } from '../embedding-backend.js';
import { IvectorExtractor } from '../ivector-extractor.js';
import { floatToHalf, halfToFloat, writeModelFiles } from '../model-file.js';
import {
  DEFAULT_ACCEPT_THRESHOLD,
  fitDurationFusion,
  fusedLogOdds,
  logOddsForScore,
  scoreFromLogOdds,
  type Fusion,
} from '../score-calibration.js';
import { median } from '../score-trials.js';
import type { ScoredTrial } from '../evaluation/scored-trials.js';
import {
  DEFAULT_SPEAKER_FEATURES,
  SpeakerFeatureExtractor,
  type SpeakerFeatureConfig,
} from '../speaker-features.js';
import { SpeakerModel, type SpeakerModelMeta, type ThresholdPoint } from '../speaker-model.js';
import { trainBackend } from './backend-training.js';
import { calibrationTrials, type CalibrationSet } from './calibration-trials.js';
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
  /** Speakers held out for the fusion and the score calibration (never trained on). */
  readonly calibrationSpeakers: number;
  /** Speakers held out of everything: the reported figures are on them. */
  readonly testSpeakers: number;
  /**
   * Speaker → group (e.g. 'child', 'adult'): the held-out sets take each group in proportion.
   * Optional; without it the split ignores groups.
   */
  readonly speakerGroups?: Readonly<Record<string, string>>;
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
  calibrationSpeakers: 15,
  testSpeakers: 30,
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

/**
 * What training measured on the calibration speakers (optimistic: the fusion was fitted on the
 * same trials; the honest figures are `voxgate eval speaker` on the test speakers).
 */
export interface TrainingResult {
  readonly version: string;
  /** By `${channel} ${condition}`, e.g. '16k session'. */
  readonly calibration: Readonly<Record<string, { eer: number; minDcf: number; trials: number }>>;
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
  const dev = options.utterances.filter((u) => split.calibration.includes(u.speaker));
  progress.log(
    `${split.train.length} training speakers (${train.length} utterances), ` +
      `${split.calibration.length} calibration speakers (${dev.length}), ${split.test.length} test speakers`,
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
  // Calibration: the calibration speakers scored through the accumulator in every condition
  // (single utterances, 30 s / 10 s and 30 s / 5 s sessions; 16 kHz and 8 kHz µ-law), the
  // duration-aware fusion fitted on all of them, the thresholds read off the session condition.
  const timed = devClean.map((u) => ({
    id: u.id,
    speaker: u.speaker,
    netSpeechSeconds: u.netSpeechSeconds,
  }));
  // Checkpointed: refitting the calibration needs only the scored trials.
  const setsFile = path.join(work, 'calibration-trials.json');
  let sets: CalibrationSet[];
  if (existsSync(setsFile)) sets = JSON.parse(await readFile(setsFile, 'utf8')) as CalibrationSet[];
  else {
    sets = await calibrationTrials(model, dev, timed, options.seed, progress);
    await writeFile(setsFile, JSON.stringify(sets));
  }
  const fusion = fitDurationFusion(
    sets.flatMap((set) =>
      set.trials.map((t) => ({
        ivector: t.ivector,
        ltcs: t.ltcs,
        seconds: Math.min(t.enrollSeconds, t.testSeconds),
        target: t.target,
        condition: set.name,
      })),
    ),
  );
  const logOddsOf = (t: ScoredTrial) =>
    fusedLogOdds(fusion, t.ivector, t.ltcs, Math.min(t.enrollSeconds, t.testSeconds));
  const calibration: Record<string, CalibrationResult> = {};
  for (const set of sets) {
    const targets = set.trials.filter((t) => t.target).map(logOddsOf);
    const nontargets = set.trials.filter((t) => !t.target).map(logOddsOf);
    const alone = (key: 'ivector' | 'ltcs') =>
      round(
        equalErrorRate(
          set.trials.filter((t) => t.target).map((t) => t[key]),
          set.trials.filter((t) => !t.target).map((t) => t[key]),
        ),
        4,
      );
    const at = (score: number) => {
      const z = logOddsForScore(score);
      return {
        falseAcceptRate: round(nontargets.filter((v) => v >= z).length / nontargets.length, 4),
        falseRejectRate: round(targets.filter((v) => v < z).length / targets.length, 4),
      };
    };
    calibration[set.name] = {
      trials: set.trials.length,
      targets: targets.length,
      enrollSecondsMedian: round(median(set.trials.map((t) => t.enrollSeconds)), 2),
      testSecondsMedian: round(median(set.trials.map((t) => t.testSeconds)), 2),
      eer: round(equalErrorRate(targets, nontargets), 4),
      minDcf: round(minDetectionCost(targets, nontargets), 4),
      eerIvectorOnly: alone('ivector'),
      eerLtcsOnly: alone('ltcs'),
      atDefaultThreshold: at(DEFAULT_ACCEPT_THRESHOLD),
    };
    const r = calibration[set.name]!;
    progress.log(
      `calibration ${set.name}: EER ${(r.eer * 100).toFixed(2)} % (i-vector alone ` +
        `${(r.eerIvectorOnly * 100).toFixed(2)} %, LTCS alone ${(r.eerLtcsOnly * 100).toFixed(2)} %), ` +
        `minDCF(0.01) ${r.minDcf.toFixed(3)}, at ${DEFAULT_ACCEPT_THRESHOLD}: FA ` +
        `${(r.atDefaultThreshold.falseAcceptRate * 100).toFixed(2)} %, FR ` +
        `${(r.atDefaultThreshold.falseRejectRate * 100).toFixed(2)} %`,
    );
  }
  // Thresholds on the session condition (both channels pooled), or on everything when the
  // corpus is too small for sessions.
  const thresholdSets = sets.some((s) => s.condition === 'session')
    ? sets.filter((s) => s.condition === 'session')
    : sets;
  const targets = thresholdSets.flatMap((s) => s.trials.filter((t) => t.target).map(logOddsOf));
  const nontargets = thresholdSets.flatMap((s) => s.trials.filter((t) => !t.target).map(logOddsOf));
  const points = thresholdTable(targets, nontargets);
  const threshold =
    points.find((p) => p.falseAcceptRate <= 0.01 + 1e-12) ?? points[points.length - 1]!;
  const training = {
    seed: options.seed,
    trainSpeakers: split.train,
    trainUtterances: train.length,
    calibrationSpeakers: split.calibration,
    testSpeakers: split.test,
    augmentation: trainVariants,
    backendTraining: backendVariants,
    ubmFrames: options.ubmFrames,
    tvIterations: options.tvIterations,
    thresholdCondition: thresholdSets.map((s) => s.name),
    calibration,
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
    calibration: Object.fromEntries(
      Object.entries(calibration).map(([name, r]) => [
        name,
        { eer: r.eer, minDcf: r.minDcf, trials: r.trials },
      ]),
    ),
    threshold,
  };
}

/** What the calibration stage measured in one channel and condition (calibration speakers). */
interface CalibrationResult {
  readonly trials: number;
  readonly targets: number;
  readonly enrollSecondsMedian: number;
  readonly testSecondsMedian: number;
  readonly eer: number;
  readonly minDcf: number;
  readonly eerIvectorOnly: number;
  readonly eerLtcsOnly: number;
  readonly atDefaultThreshold: { falseAcceptRate: number; falseRejectRate: number };
}

/**
 * Calibrated thresholds (0–100, one decimal) at which the false-accept rate falls to 10 %,
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
