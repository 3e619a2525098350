/**
 * `voxgate train spoofing`: the whole recipe, stage by stage, each stage's result checkpointed
 * in the work directory so an interrupted run resumes where it stopped.
 *
 *   split         speakers → training, calibration and test speakers (seeded)
 *   attacks       every training and calibration utterance → its bona fide and spoofed versions
 *                 through their channels (version-plan.ts), in shards
 *   features      LFCC + Δ + ΔΔ of the speech frames of the training versions, a seeded sample
 *                 of each class
 *   gmm           a bona fide and a spoofed-speech GMM (binary splitting + EM, one checkpoint
 *                 per size)
 *   calibration   the calibration speakers' versions scored; the RiskScore mapping fitted on
 *                 them (genuine callers below 50 in every channel) → the model directory
 *
 * The test speakers are only named here (in the model file, so `voxgate eval spoofing` can
 * leave every other speaker out); nothing is generated, fitted or chosen on them.
 *
 * Features and GMMs live in subdirectories named after a hash of their settings, so trying
 * other settings reuses the generated audio and never mixes checkpoints of two configurations.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SEEN_FAMILIES } from '../attacks/attack-families.js';
import { CODECS } from '../attacks/codecs.js';
import { ESPEAK_VOICES, HELD_OUT_ESPEAK_VARIANTS } from '../attacks/espeak-synthesis.js';
import { writeSpoofingModelFiles } from '../model-files.js';
import { fitRiskCalibration } from '../risk-calibration.js';
import { DEFAULT_FRONT_END, type FrontEndConfig } from '../spoofing-front-end.js';
import { SpoofingModel, type SpoofingModelMeta } from '../spoofing-model.js';
import type { GmmParams } from '../speaker-engine-parts.js';
import { featureStage } from './feature-stage.js';
import {
  generateShards,
  QUIET_PROGRESS,
  type RecipeProgress,
  type SourceUtterance,
} from './generate-shards.js';
import { gmmStage } from './gmm-stage.js';
import { scoreShards } from './score-shards.js';
import { splitSpeakers, type SpeakerSplit } from './speaker-split.js';
import { utteranceSubset } from './utterance-subset.js';
import { setFigures, type SetFigures } from './spoofing-metrics.js';

export interface SpoofingTrainingOptions {
  readonly utterances: readonly SourceUtterance[];
  readonly outDir: string;
  readonly workDir: string;
  readonly seed: number;
  readonly calibrationSpeakers: number;
  readonly testSpeakers: number;
  /** Utterances of each training and calibration speaker used (seeded subset). */
  readonly utterancesPerSpeaker: number;
  /** Gaussians of each GMM (a power of two). */
  readonly components: number;
  /** Speech frames sampled per class for the GMMs. */
  readonly framesPerClass: number;
  readonly iterationsPerSplit: number;
  readonly finalIterations: number;
  /** Share of every channel's bona fide calibration speech kept below RiskScore 50. */
  readonly bonafideQuantile: number;
  /** Utterances whose attacks are made at once. */
  readonly concurrency: number;
  /** A speaker's group ('child' | 'adult' from spk2age): the split holds each out in proportion. */
  readonly groupOf?: (speaker: string) => string | undefined;
  readonly frontEnd?: FrontEndConfig;
  readonly progress?: RecipeProgress;
}

/** Defaults of `voxgate train spoofing`. */
export const DEFAULT_SPOOFING_TRAINING = Object.freeze({
  seed: 1,
  calibrationSpeakers: 25,
  testSpeakers: 25,
  utterancesPerSpeaker: 10,
  components: 128,
  framesPerClass: 200_000,
  iterationsPerSplit: 4,
  finalIterations: 4,
  bonafideQuantile: 0.99,
  concurrency: 2,
});

export interface SpoofingTrainingResult {
  readonly version: string;
  readonly split: SpeakerSplit;
  /** Figures on the calibration speakers (the mapping was fitted on them: not a test). */
  readonly calibration: SetFigures;
  readonly realTimeFactor: number;
}

/**
 * Trains a spoofing model and writes it to `outDir`.
 *
 * ### Examples
 * ```ts
 * await trainSpoofingModel({ ...DEFAULT_SPOOFING_TRAINING, utterances, outDir: 'models/spoofing', workDir: '.tmp/spoofing-train' });
 * ```
 */
export async function trainSpoofingModel(
  options: SpoofingTrainingOptions,
): Promise<SpoofingTrainingResult> {
  const progress = options.progress ?? QUIET_PROGRESS;
  const frontEnd = options.frontEnd ?? DEFAULT_FRONT_END;
  const work = options.workDir;
  await mkdir(work, { recursive: true });
  await mkdir(options.outDir, { recursive: true });

  const split = await splitStage(options);
  const inSet = (speakers: readonly string[]) =>
    utteranceSubset(options.utterances, speakers, options.utterancesPerSpeaker, options.seed);
  const train = inSet(split.train);
  const calibration = inSet(split.calibration);
  progress.log(
    `${split.train.length} training speakers (${train.length} utterances), ` +
      `${split.calibration.length} calibration speakers (${calibration.length}), ` +
      `${split.test.length} test speakers left out`,
  );

  const generation = { seed: options.seed, concurrency: options.concurrency, unseen: [], progress };
  const trainShards = await generateShards({
    ...generation,
    set: 'train',
    utterances: train,
    dir: path.join(work, 'audio', 'train'),
  });
  const calibrationShards = await generateShards({
    ...generation,
    set: 'calibration',
    utterances: calibration,
    dir: path.join(work, 'audio', 'calibration'),
  });

  const featureDir = path.join(
    work,
    `features-${settingsHash({ frontEnd, framesPerClass: options.framesPerClass, seed: options.seed })}`,
  );
  await mkdir(featureDir, { recursive: true });
  const frames = await featureStage(
    trainShards,
    featureDir,
    frontEnd,
    options.framesPerClass,
    options.seed,
    progress,
  );
  const gmmOptions = {
    components: options.components,
    iterationsPerSplit: options.iterationsPerSplit,
    finalIterations: options.finalIterations,
  };
  const gmmDir = path.join(featureDir, `gmm-${settingsHash(gmmOptions)}`);
  const bonafide = await gmmStage('bonafide', frames.bonafide, gmmDir, gmmOptions, progress);
  const spoof = await gmmStage('spoof', frames.spoof, gmmDir, gmmOptions, progress);

  // Calibration: score with a provisional mapping, fit the real one, measure again with it.
  const meta = (
    calibrationMeta: SpoofingModelMeta['calibration'],
    training: Record<string, unknown>,
  ): SpoofingModelMeta => ({
    frontEnd,
    bonafideComponents: bonafide.components,
    spoofComponents: spoof.components,
    dims: bonafide.dims,
    calibration: calibrationMeta,
    training,
  });
  const provisional = new SpoofingModel({
    version: 'training',
    meta: meta({ slope: 1, llrAt50: 0 }, {}),
    bonafide,
    spoof,
  });
  const scored = await scoreShards(provisional, calibrationShards, 'score calibration', progress);
  const bonafideByChannel: Record<string, number[]> = {};
  for (const v of scored.versions) {
    if (v.family !== 'bonafide') continue;
    const key = v.device ? 'device' : v.channel;
    (bonafideByChannel[key] ??= []).push(v.llr);
  }
  const fitted = fitRiskCalibration(
    {
      bonafide: bonafideByChannel,
      spoof: scored.versions.filter((v) => v.family !== 'bonafide').map((v) => v.llr),
    },
    options.bonafideQuantile,
  );
  const calibrationMeta = { slope: round(fitted.slope, 6), llrAt50: round(fitted.llrAt50, 6) };
  const final = new SpoofingModel({
    version: 'training',
    meta: meta(calibrationMeta, {}),
    bonafide,
    spoof,
  });
  const rescored = scored.versions.map((v) => ({ ...v, riskScore: final.riskOf(v.llr) }));
  const figures = setFigures(rescored, SEEN_FAMILIES);
  const training = {
    seed: options.seed,
    corpusUtterances: options.utterances.length,
    speakers: split,
    utterancesPerSpeaker: options.utterancesPerSpeaker,
    trainUtterances: train.length,
    calibrationUtterances: calibration.length,
    components: options.components,
    iterationsPerSplit: options.iterationsPerSplit,
    finalIterations: options.finalIterations,
    framesPerClass: options.framesPerClass,
    speechFramesSeen: frames.seen,
    attacks: {
      seen: SEEN_FAMILIES,
      espeakVoices: ESPEAK_VOICES,
      espeakHeldOutVariants: HELD_OUT_ESPEAK_VARIANTS,
      channels: ['clean', ...CODECS],
    },
    bonafideQuantile: options.bonafideQuantile,
    calibrationFigures: figures,
  };
  const version = await writeSpoofingModelFiles(options.outDir, meta(calibrationMeta, training), {
    ...gmmArrays('bonafide', bonafide),
    ...gmmArrays('spoof', spoof),
  });
  progress.log(`model ${version} written to ${options.outDir}`);
  return { version, split, calibration: figures, realTimeFactor: scored.realTimeFactor };
}

async function splitStage(options: SpoofingTrainingOptions): Promise<SpeakerSplit> {
  const file = path.join(options.workDir, 'split.json');
  const settings = {
    seed: options.seed,
    calibrationSpeakers: options.calibrationSpeakers,
    testSpeakers: options.testSpeakers,
  };
  const split = splitSpeakers(
    options.utterances.map((u) => u.speaker),
    options.seed,
    options.calibrationSpeakers,
    options.testSpeakers,
    options.groupOf,
  );
  if (existsSync(file)) {
    const stored = JSON.parse(await readFile(file, 'utf8')) as {
      settings: unknown;
      split: SpeakerSplit;
    };
    if (JSON.stringify(stored.split) !== JSON.stringify(split))
      throw new Error(
        `${options.workDir} holds the work of another corpus, seed or split (${JSON.stringify(stored.settings)}): ` +
          'give another --work directory or remove it',
      );
    return stored.split;
  }
  await writeFile(file, JSON.stringify({ settings, split }));
  return split;
}

function gmmArrays(name: string, p: GmmParams): Record<string, Float64Array> {
  return {
    [`${name}.weights`]: p.weights,
    [`${name}.means`]: p.means,
    [`${name}.variances`]: p.variances,
  };
}

function settingsHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 10);
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
