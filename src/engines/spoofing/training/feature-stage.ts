/**
 * The feature stage: the speech frames of every training version through the front end, a
 * seeded uniform sample of each class kept (frame-reservoir.ts) and checkpointed as float32.
 */
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SpoofingFrontEnd, type FrontEndConfig } from '../spoofing-front-end.js';
import { SeededRandom, type FramePool } from '../speaker-engine-parts.js';
import { readShard } from './audio-shards.js';
import type { RecipeProgress } from './generate-shards.js';
import { FrameReservoir } from './frame-reservoir.js';

export interface ClassFrames {
  readonly bonafide: FramePool;
  readonly spoof: FramePool;
  /** Speech frames each class had before sampling. */
  readonly seen: { readonly bonafide: number; readonly spoof: number };
}

/**
 * Reads the checkpoint in `dir`, or extracts it from the shards and writes it.
 *
 * ### Examples
 * ```ts
 * const frames = await featureStage(shards, work, frontEnd, 400_000, seed, progress);
 * ```
 */
export async function featureStage(
  shards: readonly string[],
  dir: string,
  frontEnd: FrontEndConfig,
  framesPerClass: number,
  seed: number,
  progress: RecipeProgress,
): Promise<ClassFrames> {
  const meta = path.join(dir, 'features-train.json');
  if (existsSync(meta)) {
    const index = JSON.parse(await readFile(meta, 'utf8')) as {
      dims: number;
      frames: { bonafide: number; spoof: number };
      seen: { bonafide: number; spoof: number };
    };
    const load = async (name: string, frames: number): Promise<FramePool> => {
      const bytes = await readFile(path.join(dir, `features-train-${name}.f32`));
      const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice();
      return { data, frames, dims: index.dims };
    };
    return {
      bonafide: await load('bonafide', index.frames.bonafide),
      spoof: await load('spoof', index.frames.spoof),
      seen: index.seen,
    };
  }
  const dims = 3 * frontEnd.lfcc.numCeps;
  const reservoirs = {
    bonafide: new FrameReservoir(framesPerClass, dims, new SeededRandom(seed + 11)),
    spoof: new FrameReservoir(framesPerClass, dims, new SeededRandom(seed + 12)),
  };
  progress.stage('features train', shards.length);
  for (const [i, file] of shards.entries()) {
    for (const version of await readShard(file)) {
      const reservoir = version.family === 'bonafide' ? reservoirs.bonafide : reservoirs.spoof;
      new SpoofingFrontEnd(frontEnd).push(version.samples, (x) => reservoir.offer(x));
    }
    progress.tick(i + 1);
  }
  const pools = {
    bonafide: {
      data: reservoirs.bonafide.data.subarray(0, reservoirs.bonafide.frames * dims),
      frames: reservoirs.bonafide.frames,
      dims,
    },
    spoof: {
      data: reservoirs.spoof.data.subarray(0, reservoirs.spoof.frames * dims),
      frames: reservoirs.spoof.frames,
      dims,
    },
  };
  for (const name of ['bonafide', 'spoof'] as const) {
    const file = path.join(dir, `features-train-${name}.f32`);
    await writeFile(
      `${file}.tmp`,
      new Uint8Array(pools[name].data.buffer, 0, pools[name].data.length * 4),
    );
    await rename(`${file}.tmp`, file);
  }
  const seen = { bonafide: reservoirs.bonafide.seen, spoof: reservoirs.spoof.seen };
  await writeFile(
    `${meta}.tmp`,
    JSON.stringify({
      dims,
      frames: { bonafide: pools.bonafide.frames, spoof: pools.spoof.frames },
      seen,
    }),
  );
  await rename(`${meta}.tmp`, meta);
  progress.log(
    `features: ${seen.bonafide} bona fide and ${seen.spoof} spoofed speech frames, ` +
      `${pools.bonafide.frames} and ${pools.spoof.frames} kept`,
  );
  return { ...pools, seen };
}
