/**
 * The spoofing model on disk: `spoofing-model.json` (format, version, configuration,
 * calibration, how it was trained and measured, and where each array lives) next to
 * `spoofing-model.bin` (float32 arrays, little-endian). The version is `spoof-` + the first 12
 * hex digits of the SHA-256 of the binary, checked on every load: a JSON file next to another
 * training's binary is refused instead of scoring with the wrong parameters.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SpoofingModelMismatch, SpoofingModelUnreadable } from './spoofing-errors.js';

export const SPOOFING_MODEL_JSON = 'spoofing-model.json';
export const SPOOFING_MODEL_BIN = 'spoofing-model.bin';
export const SPOOFING_MODEL_FORMAT = 'voxgate-spoofing-gmm/1';

/** Where one float32 array lives in the binary file. */
export interface BlockEntry {
  readonly offset: number;
  readonly length: number;
}

/** The JSON file: everything but the arrays. */
export interface SpoofingModelHeader<T> {
  readonly format: string;
  readonly version: string;
  readonly blocks: Readonly<Record<string, BlockEntry>>;
  readonly meta: T;
}

/** The version a binary file's bytes give. */
export function versionOf(bin: Uint8Array): string {
  return `spoof-${createHash('sha256').update(bin).digest('hex').slice(0, 12)}`;
}

/**
 * Writes a model directory (each file to a temporary name, then renamed); returns the version.
 *
 * ### Examples
 * ```ts
 * const version = await writeSpoofingModelFiles(dir, meta, { 'bonafide.means': means });
 * ```
 */
export async function writeSpoofingModelFiles<T>(
  dir: string,
  meta: T,
  arrays: Readonly<Record<string, ArrayLike<number>>>,
): Promise<string> {
  const blocks: Record<string, BlockEntry> = {};
  let total = 0;
  for (const [name, data] of Object.entries(arrays)) {
    blocks[name] = { offset: total * 4, length: data.length };
    total += data.length;
  }
  const bin = new Uint8Array(total * 4);
  const view = new DataView(bin.buffer);
  let at = 0;
  for (const data of Object.values(arrays))
    for (let i = 0; i < data.length; i++, at += 4) view.setFloat32(at, data[i]!, true);
  const version = versionOf(bin);
  const header: SpoofingModelHeader<T> = { format: SPOOFING_MODEL_FORMAT, version, blocks, meta };
  await atomicWrite(path.join(dir, SPOOFING_MODEL_BIN), bin);
  await atomicWrite(path.join(dir, SPOOFING_MODEL_JSON), `${JSON.stringify(header, null, 2)}\n`);
  return version;
}

async function atomicWrite(file: string, content: Uint8Array | string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, content);
  await rename(tmp, file);
}

/** A model directory read back and checked. */
export interface SpoofingModelFiles<T> {
  readonly header: SpoofingModelHeader<T>;
  /** The array `name`; `SpoofingModelUnreadable` when absent or not of `expectedLength`. */
  readonly array: (name: string, expectedLength: number) => Float32Array;
}

/**
 * Reads a model directory written by {@link writeSpoofingModelFiles}. Throws
 * `SpoofingModelUnreadable` when a file is missing or malformed, `SpoofingModelMismatch` when
 * the format is another one or the binary is not the one the JSON was written with.
 */
export async function readSpoofingModelFiles<T>(dir: string): Promise<SpoofingModelFiles<T>> {
  let text: string;
  let bin: Buffer;
  try {
    text = await readFile(path.join(dir, SPOOFING_MODEL_JSON), 'utf8');
    bin = await readFile(path.join(dir, SPOOFING_MODEL_BIN));
  } catch (e) {
    throw new SpoofingModelUnreadable(dir, (e as Error).message);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new SpoofingModelUnreadable(dir, `${SPOOFING_MODEL_JSON}: ${(e as Error).message}`);
  }
  if (!isHeader(parsed))
    throw new SpoofingModelUnreadable(dir, `${SPOOFING_MODEL_JSON} is not a model header`);
  if (parsed.format !== SPOOFING_MODEL_FORMAT)
    throw new SpoofingModelMismatch(dir, 'the format', SPOOFING_MODEL_FORMAT, parsed.format);
  const actual = versionOf(bin);
  if (actual !== parsed.version)
    throw new SpoofingModelMismatch(
      dir,
      `the version of ${SPOOFING_MODEL_BIN}`,
      parsed.version,
      actual,
    );
  const header = parsed as SpoofingModelHeader<T>;
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  return {
    header,
    array(name, expectedLength) {
      const block = header.blocks[name];
      if (block === undefined)
        throw new SpoofingModelUnreadable(dir, `${SPOOFING_MODEL_JSON} has no array '${name}'`);
      if (block.length !== expectedLength)
        throw new SpoofingModelUnreadable(
          dir,
          `array '${name}' has ${block.length} values, the configuration needs ${expectedLength}`,
        );
      if (block.offset % 4 !== 0 || block.offset + block.length * 4 > bin.length)
        throw new SpoofingModelUnreadable(
          dir,
          `array '${name}' lies outside ${SPOOFING_MODEL_BIN}`,
        );
      const out = new Float32Array(block.length);
      for (let i = 0; i < block.length; i++) out[i] = view.getFloat32(block.offset + 4 * i, true);
      return out;
    },
  };
}

function isHeader(v: unknown): v is SpoofingModelHeader<unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const h = v as Record<string, unknown>;
  if (typeof h.format !== 'string' || typeof h.version !== 'string') return false;
  if (typeof h.blocks !== 'object' || h.blocks === null) return false;
  for (const b of Object.values(h.blocks as Record<string, unknown>)) {
    if (typeof b !== 'object' || b === null) return false;
    const e = b as Record<string, unknown>;
    if (!Number.isInteger(e.offset) || !Number.isInteger(e.length)) return false;
  }
  return typeof h.meta === 'object' && h.meta !== null;
}
