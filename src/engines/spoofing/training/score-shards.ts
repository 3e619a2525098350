/**
 * Scores every stored version of a set of shards with a model: the llr and speech of each,
 * with its label, and the engine time it took.
 */
import type { SpoofingModel } from '../spoofing-model.js';
import { readShard, type VersionLabel } from './audio-shards.js';
import type { RecipeProgress } from './generate-shards.js';

export interface ScoredVersion extends VersionLabel {
  readonly llr: number;
  readonly riskScore: number;
  readonly speechSeconds: number;
  readonly durationSeconds: number;
}

export interface ScoredSet {
  readonly versions: readonly ScoredVersion[];
  /** Engine time (front end and GMMs) over seconds of audio scored, one core. */
  readonly realTimeFactor: number;
}

/**
 * ### Examples
 * ```ts
 * const { versions } = await scoreShards(model, files, 'score calibration', progress);
 * ```
 */
export async function scoreShards(
  model: SpoofingModel,
  files: readonly string[],
  label: string,
  progress: RecipeProgress,
): Promise<ScoredSet> {
  progress.stage(label, files.length);
  const versions: ScoredVersion[] = [];
  let engineMs = 0;
  let audioSeconds = 0;
  for (const [i, file] of files.entries()) {
    for (const { samples, ...labelOf } of await readShard(file)) {
      const started = performance.now();
      const r = model.score(samples);
      engineMs += performance.now() - started;
      audioSeconds += samples.length / 16000;
      versions.push({
        ...labelOf,
        llr: r.llr,
        riskScore: r.riskScore,
        speechSeconds: r.speechSeconds,
        durationSeconds: samples.length / 16000,
      });
    }
    progress.tick(i + 1);
  }
  return { versions, realTimeFactor: audioSeconds > 0 ? engineMs / 1000 / audioSeconds : 0 };
}
