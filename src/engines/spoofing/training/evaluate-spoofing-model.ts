/**
 * `voxgate eval spoofing`: the held-out speakers a model names (its test speakers by default)
 * turned into bona fide and spoofed versions of the evaluation plan (version-plan.ts: every
 * seen family, the espeak-ng variants training never used and the synthesisers it never heard,
 * through the 16 kHz, telephone and other channels), scored by the streaming accumulator, and
 * measured per condition and family, for every speaker and for each group (children, adults).
 *
 * The generated audio is cached in the work directory under a name derived from the speakers,
 * the seed and the synthesisers used, so a second evaluation of another model on the same
 * speakers scores the same audio without making it again.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import {
  EVALUATION_FAMILIES,
  SEEN_FAMILIES,
  type AttackFamily,
} from '../attacks/attack-families.js';
import { UNSEEN_TTS, unseenTtsAvailable, type UnseenTts } from '../attacks/unseen-tts.js';
import type { SpoofingModel } from '../spoofing-model.js';
import {
  generateShards,
  QUIET_PROGRESS,
  type RecipeProgress,
  type SourceUtterance,
} from './generate-shards.js';
import { scoreShards, type ScoredVersion } from './score-shards.js';
import { setFigures, type SetFigures } from './spoofing-metrics.js';
import { utteranceSubset } from './utterance-subset.js';

/**
 * Families training never saw in any form: reported pooled as "unseen". (espeak-held-out is
 * not one: its voices are new, but espeak-ng itself was trained on.)
 */
export const UNSEEN_FAMILIES: readonly AttackFamily[] = UNSEEN_TTS;

export interface SpoofingEvaluationOptions {
  readonly model: SpoofingModel;
  /** The corpus; only the utterances of `speakers` are used. */
  readonly utterances: readonly SourceUtterance[];
  readonly speakers: readonly string[];
  readonly workDir: string;
  /** Seed of the attack generation (the model's training seed by default in the CLI). */
  readonly seed: number;
  readonly concurrency: number;
  /** Utterances of each speaker used (seeded subset; all when absent). */
  readonly utterancesPerSpeaker?: number;
  readonly groupOf?: (speaker: string) => string | undefined;
  /** Restrict the unseen synthesisers (default: every one installed). */
  readonly unseen?: readonly UnseenTts[];
  readonly progress?: RecipeProgress;
}

export interface SpoofingEvaluation {
  readonly model: string;
  readonly speakers: number;
  readonly utterances: number;
  /** The synthesisers of UNSEEN_TTS that were installed and used. */
  readonly unseenUsed: readonly UnseenTts[];
  readonly unseenMissing: readonly UnseenTts[];
  /** Every speaker. */
  readonly all: SetFigures;
  /** The same per group of `groupOf` ('child', 'adult'). */
  readonly groups: Readonly<Record<string, SetFigures>>;
  readonly groupSpeakers: Readonly<Record<string, number>>;
  /** Engine time per second of audio, one core. */
  readonly realTimeFactor: number;
  readonly versions: readonly ScoredVersion[];
}

/**
 * Generates (or reuses) the evaluation audio of `speakers` and measures `model` on it.
 *
 * ### Examples
 * ```ts
 * const model = await loadSpoofingModel();
 * const test = model.meta.training.speakers as { test: string[] };
 * const result = await evaluateSpoofingModel({ model, utterances, speakers: test.test, workDir, seed: 1, concurrency: 2 });
 * result.all.conditions['8k'].families.replay?.eer;
 * ```
 */
export async function evaluateSpoofingModel(
  options: SpoofingEvaluationOptions,
): Promise<SpoofingEvaluation> {
  const progress = options.progress ?? QUIET_PROGRESS;
  const available = await unseenTtsAvailable();
  const wanted = options.unseen ?? UNSEEN_TTS;
  const unseenUsed = UNSEEN_TTS.filter((t) => wanted.includes(t) && available[t]);
  const unseenMissing = UNSEEN_TTS.filter((t) => wanted.includes(t) && !available[t]);
  if (unseenMissing.length > 0)
    progress.log(`not installed, not evaluated: ${unseenMissing.join(', ')}`);
  const speakers = new Set(options.speakers);
  const utterances = utteranceSubset(
    options.utterances,
    [...speakers],
    options.utterancesPerSpeaker ?? Infinity,
    options.seed,
  );
  if (utterances.length === 0) throw new RangeError('no utterance of the held-out speakers');
  const key = createHash('sha256')
    .update(
      JSON.stringify({
        utterances: utterances.map((u) => u.id),
        seed: options.seed,
        unseenUsed,
      }),
    )
    .digest('hex')
    .slice(0, 10);
  const shards = await generateShards({
    set: 'evaluation',
    utterances,
    dir: path.join(options.workDir, 'audio', `evaluation-${key}`),
    seed: options.seed,
    concurrency: options.concurrency,
    unseen: unseenUsed,
    progress,
  });
  const scored = await scoreShards(options.model, shards, 'score evaluation', progress);
  const seen: readonly AttackFamily[] = SEEN_FAMILIES;
  const groupSpeakers: Record<string, number> = {};
  const groups: Record<string, SetFigures> = {};
  if (options.groupOf !== undefined) {
    const byGroup = new Map<string, ScoredVersion[]>();
    for (const v of scored.versions) {
      const g = options.groupOf(v.speaker) ?? 'unknown';
      const list = byGroup.get(g) ?? [];
      list.push(v);
      byGroup.set(g, list);
    }
    for (const s of speakers) {
      const g = options.groupOf(s) ?? 'unknown';
      groupSpeakers[g] = (groupSpeakers[g] ?? 0) + 1;
    }
    for (const [g, list] of [...byGroup.entries()].sort(([a], [b]) => a.localeCompare(b)))
      groups[g] = setFigures(list, seen, UNSEEN_FAMILIES);
  }
  return {
    model: options.model.version,
    speakers: speakers.size,
    utterances: utterances.length,
    unseenUsed,
    unseenMissing,
    all: setFigures(scored.versions, seen, UNSEEN_FAMILIES),
    groups,
    groupSpeakers,
    realTimeFactor: scored.realTimeFactor,
    versions: scored.versions,
  };
}

/** The families a result has figures for, in report order (seen first, then unseen). */
export function reportedFamilies(figures: SetFigures): AttackFamily[] {
  const present = new Set<AttackFamily>();
  for (const c of Object.values(figures.conditions))
    for (const f of Object.keys(c.families)) present.add(f as AttackFamily);
  return EVALUATION_FAMILIES.filter((f) => present.has(f));
}
