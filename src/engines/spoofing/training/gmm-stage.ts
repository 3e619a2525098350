/**
 * One class's GMM, trained by binary splitting with EM (the speaker engine's EM), with a
 * checkpoint after every size so an interrupted training resumes at the last finished size.
 * Parameters are rounded to float32 at each checkpoint, resumed or not, so a resumed run gives
 * the same model as an uninterrupted one.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  emIteration,
  singleGaussian,
  splitComponents,
  type FramePool,
  type GmmParams,
} from '../speaker-engine-parts.js';
import type { RecipeProgress } from './generate-shards.js';

export interface GmmStageOptions {
  /** A power of two. */
  readonly components: number;
  readonly iterationsPerSplit: number;
  readonly finalIterations: number;
}

interface Checkpoint {
  readonly components: number;
  readonly dims: number;
  readonly weights: number[];
  readonly means: number[];
  readonly variances: number[];
}

const f32 = (a: Float64Array): Float64Array => Float64Array.from(Float32Array.from(a));

/**
 * The GMM of `name` in `dir` (checkpoints `gmm-<name>-<components>.json`).
 *
 * ### Examples
 * ```ts
 * const bonafide = await gmmStage('bonafide', frames.bonafide, work, { components: 256, iterationsPerSplit: 4, finalIterations: 4 }, progress);
 * ```
 */
export async function gmmStage(
  name: string,
  pool: FramePool,
  dir: string,
  options: GmmStageOptions,
  progress: RecipeProgress,
): Promise<GmmParams> {
  await mkdir(dir, { recursive: true });
  const file = (c: number) => path.join(dir, `gmm-${name}-${c}.json`);
  const sizes: number[] = [];
  for (let c = 1; c <= options.components; c *= 2) sizes.push(c);
  let params: GmmParams | undefined;
  let start = 0;
  for (let i = sizes.length - 1; i >= 0; i--) {
    if (!existsSync(file(sizes[i]!))) continue;
    const cp = JSON.parse(await readFile(file(sizes[i]!), 'utf8')) as Checkpoint;
    params = {
      components: cp.components,
      dims: cp.dims,
      weights: Float64Array.from(cp.weights),
      means: Float64Array.from(cp.means),
      variances: Float64Array.from(cp.variances),
    };
    start = i + 1;
    break;
  }
  const { params: single, varianceFloor } = singleGaussian(pool);
  if (params === undefined) {
    params = round(single);
    await save(file(1), params);
    start = 1;
  }
  if (start >= sizes.length) return params;
  const iterations = sizes
    .slice(start)
    .reduce(
      (n, c) =>
        n + options.iterationsPerSplit + (c === options.components ? options.finalIterations : 0),
      0,
    );
  progress.stage(`gmm ${name} (${pool.frames} frames)`, iterations);
  let done = 0;
  for (const size of sizes.slice(start)) {
    params = splitComponents(params);
    const n =
      options.iterationsPerSplit + (size === options.components ? options.finalIterations : 0);
    let ll = NaN;
    for (let i = 0; i < n; i++) {
      const step = emIteration(params, pool, varianceFloor);
      params = step.params;
      ll = step.logLikelihood;
      progress.tick(++done);
    }
    params = round(params);
    await save(file(size), params);
    if (size === options.components)
      progress.log(`gmm ${name} ${size}: log-likelihood ${ll.toFixed(3)} per frame`);
  }
  return params;
}

function round(p: GmmParams): GmmParams {
  return { ...p, weights: f32(p.weights), means: f32(p.means), variances: f32(p.variances) };
}

async function save(file: string, p: GmmParams): Promise<void> {
  const cp: Checkpoint = {
    components: p.components,
    dims: p.dims,
    weights: Array.from(p.weights),
    means: Array.from(p.means),
    variances: Array.from(p.variances),
  };
  await writeFile(`${file}.tmp`, JSON.stringify(cp));
  await rename(`${file}.tmp`, file);
}
