/**
 * The attack-generation stage: every utterance of a set turned into its planned versions
 * (version-plan.ts), written shard by shard. Each utterance draws from its own random stream
 * (seed, set and utterance id) and each shard's codecs from theirs, so the audio does not
 * depend on how many utterances were generated at once or whether the run was resumed.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeAudio, DEFAULT_AUDIO_LIMITS } from '../../../audio/index.js';
import { makeAttack } from '../attacks/attack-families.js';
import { applyChannelToAll, type Channel } from '../attacks/codecs.js';
import { simulateDevice } from '../attacks/replay-simulation.js';
import type { UnseenTts } from '../attacks/unseen-tts.js';
import { SeededRandom } from '../speaker-engine-parts.js';
import { hasShard, writeShard, type StoredVersion } from './audio-shards.js';
import { planVersions, type ShardSet } from './version-plan.js';

/** A corpus utterance as the recipe needs it. */
export interface SourceUtterance {
  readonly id: string;
  readonly speaker: string;
  /** The prompt that was read (what the synthesisers read). */
  readonly text: string;
  readonly audioPath: string;
}

/** How a stage reports what it is doing (the CLI draws progress bars from it). */
export interface RecipeProgress {
  stage(name: string, total: number): void;
  tick(done: number): void;
  log(message: string): void;
}

export const QUIET_PROGRESS: RecipeProgress = {
  stage: () => undefined,
  tick: () => undefined,
  log: () => undefined,
};

/** Utterances per shard. */
export const SHARD_UTTERANCES = 40;

export interface GenerationOptions {
  readonly set: ShardSet;
  readonly utterances: readonly SourceUtterance[];
  readonly dir: string;
  readonly seed: number;
  /** Utterances made at once (their tools run in parallel). */
  readonly concurrency: number;
  readonly unseen: readonly UnseenTts[];
  readonly progress: RecipeProgress;
}

/** The shard files of a set, in order. */
export function shardFiles(dir: string, utterances: number): string[] {
  const count = Math.ceil(utterances / SHARD_UTTERANCES);
  return Array.from({ length: count }, (_, i) =>
    path.join(dir, `shard-${String(i).padStart(4, '0')}.vxs`),
  );
}

/**
 * Generates every missing shard of `options.set` in `options.dir`; returns the shard files.
 *
 * ### Examples
 * ```ts
 * const files = await generateShards({ set: 'train', utterances, dir, seed: 1, concurrency: 2, unseen: [], progress });
 * ```
 */
export async function generateShards(options: GenerationOptions): Promise<string[]> {
  await mkdir(options.dir, { recursive: true });
  const files = shardFiles(options.dir, options.utterances.length);
  const missing = files.filter((f) => !hasShard(f)).length;
  if (missing === 0) return files;
  options.progress.stage(`attacks ${options.set}`, options.utterances.length);
  let done = (files.length - missing) * SHARD_UTTERANCES;
  options.progress.tick(done);
  for (const [shard, file] of files.entries()) {
    if (hasShard(file)) continue;
    const first = shard * SHARD_UTTERANCES;
    const members = options.utterances.slice(first, first + SHARD_UTTERANCES);
    const sources = await mapConcurrent(members, options.concurrency, async (u, i) => {
      const r = await sourceVersions(options, u, first + i);
      done++;
      options.progress.tick(done);
      return r;
    });
    // Every (source, channel) pair, grouped by channel for one codec run per channel.
    const byChannel = new Map<Channel, { at: [number, number, number]; samples: Float32Array }[]>();
    sources.forEach((list, u) =>
      list.forEach((source, s) =>
        source.channels.forEach((channel, c) => {
          const group = byChannel.get(channel) ?? [];
          group.push({ at: [u, s, c], samples: source.samples });
          byChannel.set(channel, group);
        }),
      ),
    );
    const coded = new Map<string, Float32Array>();
    for (const [channel, group] of [...byChannel.entries()].sort(([a], [b]) =>
      a.localeCompare(b),
    )) {
      const random = new SeededRandom(
        streamSeed(options.seed, options.set, `shard-${shard}/${channel}`),
      );
      const outs = await applyChannelToAll(
        group.map((g) => g.samples),
        channel,
        random,
      );
      group.forEach((g, i) => coded.set(g.at.join('/'), outs[i]!));
    }
    const versions: StoredVersion[] = [];
    sources.forEach((list, u) =>
      list.forEach((source, s) =>
        source.channels.forEach((channel, c) =>
          versions.push({
            utterance: members[u]!.id,
            speaker: members[u]!.speaker,
            family: source.family,
            channel,
            device: source.device,
            samples: coded.get(`${u}/${s}/${c}`)!,
          }),
        ),
      ),
    );
    await writeShard(file, versions);
  }
  return files;
}

interface Source {
  readonly family: StoredVersion['family'];
  readonly device: boolean;
  readonly channels: readonly Channel[];
  readonly samples: Float32Array;
}

async function sourceVersions(
  options: GenerationOptions,
  u: SourceUtterance,
  index: number,
): Promise<Source[]> {
  const random = new SeededRandom(streamSeed(options.seed, options.set, u.id));
  const bytes = await readFile(u.audioPath);
  const { samples } = await decodeAudio(
    new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    {
      limits: DEFAULT_AUDIO_LIMITS,
    },
  );
  const out: Source[] = [];
  for (const plan of planVersions(options.set, index, random, options.unseen)) {
    let audio: Float32Array;
    if (plan.family === 'bonafide')
      audio = plan.device ? await simulateDevice(samples, random) : samples;
    else audio = await makeAttack(plan.family, { samples, text: u.text }, random);
    out.push({ ...plan, samples: audio });
  }
  return out;
}

/** A 32-bit seed for one named random stream of a run (FNV-1a of seed, set and name). */
export function streamSeed(seed: number, set: string, name: string): number {
  const s = `${seed}/${set}/${name}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** `fn` over `items` with at most `lanes` in flight; results in the order of `items`. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  lanes: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, items.length)) }, lane));
  return out;
}
