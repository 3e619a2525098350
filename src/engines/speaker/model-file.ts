/**
 * The speaker model on disk: `speaker-model.json` (configuration, shapes, calibration, how it
 * was trained, and where each array lives) next to `speaker-model.bin` (the arrays, little-endian,
 * each block 4-byte aligned). Arrays are stored as float32, or float16 (IEEE half) where the
 * precision does not matter and the size does (the total variability matrix).
 *
 * The model version is derived from the bytes (a hash of the binary file), so two different
 * trainings never share a version and voiceprints of one are refused by the other.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { catalog, voxError } from '../../errors/index.js';

export const MODEL_JSON = 'speaker-model.json';
export const MODEL_BIN = 'speaker-model.bin';
export const MODEL_FORMAT = 'voxgate-speaker-ivector/1';

export type BlockType = 'f32' | 'f16';

/** Where one array lives in the binary file. */
export interface BlockEntry {
  readonly type: BlockType;
  readonly offset: number;
  readonly length: number;
}

/** The JSON header: everything but the arrays. `T` is the model-specific metadata. */
export interface ModelHeader<T> {
  readonly format: string;
  readonly version: string;
  readonly blocks: Readonly<Record<string, BlockEntry>>;
  readonly meta: T;
}

/**
 * Writes a model directory: the arrays into the binary file, the header with their places and
 * the version (a hash of the binary) into the JSON. Each file is written to a temporary name
 * and renamed, so a reader never sees half a model.
 */
export async function writeModelFiles<T>(
  dir: string,
  meta: T,
  arrays: Readonly<Record<string, { readonly type: BlockType; readonly data: ArrayLike<number> }>>,
): Promise<string> {
  const blocks: Record<string, BlockEntry> = {};
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, { type, data }] of Object.entries(arrays)) {
    const bytes = type === 'f32' ? encodeF32(data) : encodeF16(data);
    const padded = Math.ceil(bytes.length / 4) * 4;
    const part = new Uint8Array(padded);
    part.set(bytes);
    parts.push(part);
    blocks[name] = { type, offset, length: data.length };
    offset += padded;
  }
  const bin = new Uint8Array(offset);
  let at = 0;
  for (const p of parts) {
    bin.set(p, at);
    at += p.length;
  }
  const version = `ivec-${createHash('sha256').update(bin).digest('hex').slice(0, 12)}`;
  const header: ModelHeader<T> = { format: MODEL_FORMAT, version, blocks, meta };
  await atomicWrite(path.join(dir, MODEL_BIN), bin);
  await atomicWrite(path.join(dir, MODEL_JSON), `${JSON.stringify(header, null, 2)}\n`);
  return version;
}

async function atomicWrite(file: string, content: Uint8Array | string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, content);
  await rename(tmp, file);
}

/** A model directory read back: the header and a reader for each named array. */
export interface ModelFiles<T> {
  readonly header: ModelHeader<T>;
  /** The array `name` as float32 (float16 blocks are widened). */
  readonly array: (name: string) => Float32Array;
}

/**
 * Reads a model directory written by {@link writeModelFiles}. Throws `SpeakerModelUnreadable`
 * when a file is missing or the two do not match.
 */
export async function readModelFiles<T>(dir: string): Promise<ModelFiles<T>> {
  const fail = (detail: string) => voxError(catalog.SpeakerModelUnreadable, { dir, detail });
  let header: ModelHeader<T>;
  let bin: Buffer;
  try {
    header = JSON.parse(await readFile(path.join(dir, MODEL_JSON), 'utf8')) as ModelHeader<T>;
    bin = await readFile(path.join(dir, MODEL_BIN));
  } catch (e) {
    throw fail((e as Error).message);
  }
  if (header.format !== MODEL_FORMAT)
    throw fail(`${MODEL_JSON} has format ${String(header.format)}, expected ${MODEL_FORMAT}`);
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  return {
    header,
    array(name) {
      const block = header.blocks[name];
      if (block === undefined) throw fail(`${MODEL_JSON} has no array '${name}'`);
      const width = block.type === 'f32' ? 4 : 2;
      if (block.offset + block.length * width > bin.length)
        throw fail(`array '${name}' runs past the end of ${MODEL_BIN}`);
      const out = new Float32Array(block.length);
      if (block.type === 'f32')
        for (let i = 0; i < block.length; i++) out[i] = view.getFloat32(block.offset + 4 * i, true);
      else {
        const table = halfTable();
        for (let i = 0; i < block.length; i++)
          out[i] = table[view.getUint16(block.offset + 2 * i, true)]!;
      }
      return out;
    },
  };
}

function encodeF32(data: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i]!, true);
  return bytes;
}

function encodeF16(data: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(data.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setUint16(2 * i, floatToHalf(data[i]!), true);
  return bytes;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits of `value`, rounded to nearest even; overflow goes to ±Infinity. */
export function floatToHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rest > mid || (rest === mid && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++;
  e = half >>> 10;
  return sign | (e >= 0x1f ? 0x7c00 : half);
}

let halfValues: Float32Array | undefined;

/** All 65,536 half values, built on first use (a table lookup beats decoding each one). */
function halfTable(): Float32Array {
  if (halfValues === undefined) {
    halfValues = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) halfValues[bits] = halfToFloat(bits);
  }
  return halfValues;
}

/** The value of IEEE 754 binary16 bits. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
