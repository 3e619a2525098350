/**
 * The generated audio of the recipe, in shards of a few dozen utterances: every version of
 * each utterance (bona fide and spoofed, through each channel) as 16-bit PCM at 16 kHz, after a
 * JSON header that says what each version is. A shard is written to a temporary name and
 * renamed, so one on disk is complete; the recipe skips the shards that exist.
 *
 * 16-bit storage is exact for what the detector sees: the LFCC energy floor (1e-6) lies above
 * the int16 quantisation noise of a filter (about 3e-7), see lfcc.ts.
 */
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { toInt16 } from '../../../audio/index.js';
import type { AttackFamily } from '../attacks/attack-families.js';
import type { Channel } from '../attacks/codecs.js';

/** What one stored version is. */
export interface VersionLabel {
  readonly utterance: string;
  readonly speaker: string;
  /** 'bonafide', or the attack family. */
  readonly family: 'bonafide' | AttackFamily;
  readonly channel: Channel;
  /** Bona fide audio through a simulated genuine device first. */
  readonly device: boolean;
}

/** A version with its audio. */
export interface StoredVersion extends VersionLabel {
  readonly samples: Float32Array;
}

interface ShardHeader {
  readonly versions: readonly (VersionLabel & { readonly length: number })[];
}

const MAGIC = 0x50535856; // 'VXSP'

/** True when the shard `file` is on disk. */
export function hasShard(file: string): boolean {
  return existsSync(file);
}

/** Writes a shard. */
export async function writeShard(file: string, versions: readonly StoredVersion[]): Promise<void> {
  const header: ShardHeader = {
    versions: versions.map(({ samples, ...label }) => ({ ...label, length: samples.length })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  let samples = 0;
  for (const v of versions) samples += v.samples.length;
  const headerBytes = 8 + Math.ceil(json.length / 2) * 2;
  const bytes = new Uint8Array(headerBytes + samples * 2);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, json.length, true);
  bytes.set(json, 8);
  let at = headerBytes;
  for (const v of versions) {
    const pcm = toInt16(v.samples);
    for (let i = 0; i < pcm.length; i++, at += 2) view.setInt16(at, pcm[i]!, true);
  }
  await writeFile(`${file}.tmp`, bytes);
  await rename(`${file}.tmp`, file);
}

/** Reads a shard written by {@link writeShard}. */
export async function readShard(file: string): Promise<StoredVersion[]> {
  const bytes = await readFile(file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || view.getUint32(0, true) !== MAGIC)
    throw new Error(`${file} is not an audio shard`);
  const length = view.getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as ShardHeader;
  let at = 8 + Math.ceil(length / 2) * 2;
  return header.versions.map(({ length: n, ...label }) => {
    const samples = new Float32Array(n);
    for (let i = 0; i < n; i++, at += 2) samples[i] = view.getInt16(at, true) / 32768;
    return { ...label, samples };
  });
}
