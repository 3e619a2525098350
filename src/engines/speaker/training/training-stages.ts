/**
 * The checkpointed stages of `voxgate train speaker` before the backend: the speaker split,
 * feature sets, the UBM and the total variability iterations. Each returns what is on disk when
 * its checkpoint exists, so a rerun resumes where the last one stopped.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeAudio, DEFAULT_AUDIO_LIMITS } from '../../../audio/index.js';
import { accumulateStats, type UtteranceStats } from '../baum-welch.js';
import type { DiagonalGmm, GmmParams } from '../diagonal-gmm.js';
import { readModelFiles, writeModelFiles } from '../model-file.js';
import type { SpeakerFeatureExtractor } from '../speaker-features.js';
import { speedVersion, telephoneVersion, withBabble } from './augmentation.js';
import {
  hasFeatureSet,
  readFeatureSet,
  writeFeatureSet,
  type StoredUtterance,
} from './feature-store.js';
import { trainUbm, type FramePool } from './gmm-training.js';
import { initialTotalVariability, totalVariabilityIteration } from './ivector-training.js';
import { SeededRandom } from './seeded-random.js';
import { splitSpeakers, type SpeakerSplit } from './speaker-split.js';
import type {
  SpeakerTrainingOptions,
  TrainingProgress,
  TrainingUtterance,
} from './train-speaker-model.js';

export type Variant = 'clean' | 'telephone' | 'babble' | '8k' | 'speed-0.9' | 'speed-1.1' | 'speed';

/**
 * The speaker split (checkpointed as split.json with the settings that made it; a work
 * directory made with other settings is refused rather than silently mixed).
 */
export async function stageSplit(options: SpeakerTrainingOptions): Promise<SpeakerSplit> {
  const file = path.join(options.workDir, 'split.json');
  const settings = {
    seed: options.seed,
    calibration: options.calibrationSpeakers,
    test: options.testSpeakers,
  };
  if (existsSync(file)) {
    const saved = JSON.parse(await readFile(file, 'utf8')) as {
      settings?: typeof settings;
      split: SpeakerSplit;
    };
    if (JSON.stringify(saved.settings) !== JSON.stringify(settings))
      throw new RangeError(
        `${file} was made with other split settings (${JSON.stringify(saved.settings)}); use a fresh --work-dir`,
      );
    return saved.split;
  }
  const groups = options.speakerGroups ?? {};
  const split = splitSpeakers(
    options.utterances.map((u) => u.speaker),
    (s) => groups[s],
    { calibration: options.calibrationSpeakers, test: options.testSpeakers },
    options.seed,
  );
  await writeFile(file, JSON.stringify({ settings, split }));
  return split;
}

export async function stageFeatures(
  name: string,
  utterances: readonly TrainingUtterance[],
  variant: Variant,
  extractor: SpeakerFeatureExtractor,
  options: SpeakerTrainingOptions,
  progress: TrainingProgress,
): Promise<StoredUtterance[]> {
  const base = path.join(options.workDir, `features-${name}`);
  if (hasFeatureSet(base)) return readFeatureSet(base);
  progress.stage(`features ${name}`, utterances.length);
  const random = new SeededRandom(options.seed * 1_000_003 + hashName(name));
  const babblePool: Float32Array[] = [];
  if (variant === 'babble') {
    for (const u of new SeededRandom(options.seed + 2).shuffle(utterances).slice(0, 200))
      babblePool.push(await decodeFile(u.audioPath));
  }
  const out: StoredUtterance[] = [];
  for (const [i, u] of utterances.entries()) {
    let samples: Float32Array;
    if (variant === 'telephone') samples = await telephoneVersion(u.audioPath, true);
    else if (variant === '8k') samples = await telephoneVersion(u.audioPath, false);
    else if (variant === 'speed-0.9' || variant === 'speed-1.1')
      samples = await speedVersion(u.audioPath, variant === 'speed-0.9' ? 0.9 : 1.1);
    else {
      samples = await decodeFile(u.audioPath);
      if (variant === 'babble') samples = withBabble(samples, babblePool, random);
    }
    const { features, netSpeechSeconds, cepstral } = extractor.extract(samples);
    out.push({
      id: u.id,
      speaker: u.speaker,
      cepstral,
      netSpeechSeconds,
      durationSec: samples.length / 16000,
      features,
    });
    progress.tick(i + 1);
  }
  await writeFeatureSet(base, extractor.dims, out);
  return out;
}

async function decodeFile(file: string): Promise<Float32Array> {
  const bytes = await readFile(file);
  const audio = await decodeAudio(
    new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    {
      limits: DEFAULT_AUDIO_LIMITS,
    },
  );
  return audio.samples;
}

export async function stageUbm(
  utterances: readonly StoredUtterance[],
  options: SpeakerTrainingOptions,
  progress: TrainingProgress,
): Promise<GmmParams> {
  const dir = path.join(options.workDir, 'ubm');
  if (existsSync(path.join(dir, 'speaker-model.json'))) {
    const files = await readModelFiles<{ components: number; dims: number }>(dir);
    const { components, dims } = files.header.meta;
    const f64 = (n: string) => Float64Array.from(files.array(n));
    return {
      components,
      dims,
      weights: f64('weights'),
      means: f64('means'),
      variances: f64('variances'),
    };
  }
  const dims = utterances[0]!.features.dims;
  let total = 0;
  for (const u of utterances) total += u.features.frames;
  const keep = Math.min(1, options.ubmFrames / total);
  const random = new SeededRandom(options.seed + 3);
  const data = new Float32Array(Math.ceil(total * keep + 1000) * dims);
  let frames = 0;
  for (const u of utterances) {
    for (let t = 0; t < u.features.frames; t++) {
      if (random.next() >= keep || (frames + 1) * dims > data.length) continue;
      data.set(u.features.data.subarray(t * dims, (t + 1) * dims), frames * dims);
      frames++;
    }
  }
  const pool: FramePool = { data: data.subarray(0, frames * dims), frames, dims };
  const levels = Math.log2(options.components);
  const iterations = levels * options.ubmIterations + options.ubmIterations;
  progress.stage(`ubm (${frames} frames, ${options.components} components)`, iterations);
  let done = 0;
  const params = trainUbm(pool, {
    components: options.components,
    iterationsPerSplit: options.ubmIterations,
    finalIterations: options.ubmIterations,
    onIteration: (components, ll) => {
      progress.tick(++done);
      if (components === options.components)
        progress.log(`ubm ${components}: log-likelihood ${ll.toFixed(3)} per frame`);
    },
  });
  const rounded = roundGmm(params);
  await mkdir(dir, { recursive: true });
  await writeModelFiles(
    dir,
    { components: rounded.components, dims: rounded.dims },
    {
      weights: { type: 'f32', data: rounded.weights },
      means: { type: 'f32', data: rounded.means },
      variances: { type: 'f32', data: rounded.variances },
    },
  );
  return rounded;
}

export function statsOf(
  gmm: DiagonalGmm,
  utterances: readonly StoredUtterance[],
  label: string,
  progress: TrainingProgress,
): UtteranceStats[] {
  progress.stage(label, utterances.length);
  return utterances.map((u, i) => {
    const s = accumulateStats(gmm, u.features);
    progress.tick(i + 1);
    return s;
  });
}

export async function stageTotalVariability(
  stats: readonly UtteranceStats[],
  ubm: GmmParams,
  options: SpeakerTrainingOptions,
  progress: TrainingProgress,
): Promise<Float64Array> {
  const { components: c, dims: d } = ubm;
  const r = options.ivectorDim;
  let start = 0;
  let matrix: Float64Array | undefined;
  for (let i = options.tvIterations; i >= 1; i--) {
    const dir = path.join(options.workDir, `tv-${i}`);
    if (existsSync(path.join(dir, 'speaker-model.json'))) {
      matrix = Float64Array.from((await readModelFiles(dir)).array('matrix'));
      start = i;
      break;
    }
  }
  matrix ??= roundF32(initialTotalVariability(c, d, r, new SeededRandom(options.seed + 5)));
  for (let i = start + 1; i <= options.tvIterations; i++) {
    progress.stage(`total variability ${i}/${options.tvIterations}`, stats.length);
    let done = 0;
    const step = totalVariabilityIteration(c, d, r, matrix, stats, () => {
      done++;
      if (done % 50 === 0 || done === stats.length) progress.tick(done);
    });
    matrix = roundF32(step.matrix);
    progress.log(`total variability ${i}: mean ‖w‖² ${step.meanSquaredNorm.toFixed(2)}`);
    const dir = path.join(options.workDir, `tv-${i}`);
    await mkdir(dir, { recursive: true });
    await writeModelFiles(dir, { iteration: i }, { matrix: { type: 'f32', data: matrix } });
  }
  return matrix;
}

/** A stable 32-bit hash of a stage name (FNV-1a), to give each stage its own random stream. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Rounds to float32 precision, as every checkpoint stores parameters. */
export function roundF32(a: Float64Array): Float64Array {
  return Float64Array.from(Float32Array.from(a));
}

function roundGmm(p: GmmParams): GmmParams {
  return {
    ...p,
    weights: roundF32(p.weights),
    means: roundF32(p.means),
    variances: roundF32(p.variances),
  };
}
