/**
 * A training checkpoint of extracted features: one `.f32` file (every utterance's frames,
 * concatenated, little-endian float32) and one `.json` index. Written under temporary names
 * and renamed, so a set on disk is always complete.
 */
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { FeatureMatrix } from '../../../audio/features/index.js';
import type { CepstralSums } from '../long-term-cepstrum.js';

/** One utterance of a feature set. */
export interface StoredUtterance {
  readonly id: string;
  readonly speaker: string;
  readonly netSpeechSeconds: number;
  readonly durationSec: number;
  readonly features: FeatureMatrix;
  readonly cepstral: CepstralSums;
}

interface IndexEntry {
  readonly id: string;
  readonly speaker: string;
  readonly netSpeechSeconds: number;
  readonly durationSec: number;
  readonly frames: number;
  readonly cepstral: { readonly sum: number[]; readonly sumSq: number[]; readonly frames: number };
}

interface StoreIndex {
  readonly dims: number;
  readonly utterances: readonly IndexEntry[];
}

/** True when the set `base` (path without extension) is on disk. */
export function hasFeatureSet(base: string): boolean {
  return existsSync(`${base}.json`) && existsSync(`${base}.f32`);
}

/** Writes a feature set. */
export async function writeFeatureSet(
  base: string,
  dims: number,
  utterances: readonly StoredUtterance[],
): Promise<void> {
  let total = 0;
  for (const u of utterances) total += u.features.data.length;
  const data = new Float32Array(total);
  let at = 0;
  for (const u of utterances) {
    data.set(u.features.data, at);
    at += u.features.data.length;
  }
  const index: StoreIndex = {
    dims,
    utterances: utterances.map((u) => ({
      id: u.id,
      speaker: u.speaker,
      netSpeechSeconds: u.netSpeechSeconds,
      durationSec: u.durationSec,
      frames: u.features.frames,
      cepstral: {
        sum: Array.from(u.cepstral.sum),
        sumSq: Array.from(u.cepstral.sumSq),
        frames: u.cepstral.frames,
      },
    })),
  };
  await writeFile(`${base}.f32.tmp`, new Uint8Array(data.buffer));
  await rename(`${base}.f32.tmp`, `${base}.f32`);
  await writeFile(`${base}.json.tmp`, JSON.stringify(index));
  await rename(`${base}.json.tmp`, `${base}.json`);
}

/** Reads a feature set written by {@link writeFeatureSet}. */
export async function readFeatureSet(base: string): Promise<StoredUtterance[]> {
  const index = JSON.parse(await readFile(`${base}.json`, 'utf8')) as StoreIndex;
  const bytes = await readFile(`${base}.f32`);
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  let at = 0;
  return index.utterances.map((u) => {
    const length = u.frames * index.dims;
    const data = all.slice(at, at + length);
    at += length;
    return {
      id: u.id,
      speaker: u.speaker,
      netSpeechSeconds: u.netSpeechSeconds,
      durationSec: u.durationSec,
      features: { data, frames: u.frames, dims: index.dims },
      cepstral: {
        sum: Float64Array.from(u.cepstral.sum),
        sumSq: Float64Array.from(u.cepstral.sumSq),
        frames: u.cepstral.frames,
      },
    };
  });
}
