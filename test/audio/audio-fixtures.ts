/**
 * Audio for the audio tests, generated at test time with the machine's sox and ffmpeg into a
 * temporary directory, plus hand-built WAV/Ogg bytes and the signal measurements the tests use.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import assert from 'node:assert/strict';
import { isVoxgateError } from '../../src/errors/index.js';

const run = promisify(execFile);

/** A temporary directory and the tools to fill it; `close` removes it. */
export interface AudioWorkshop {
  readonly dir: string;
  /** Runs sox with `args` (paths relative to `dir`) and returns the bytes of its output file. */
  sox(args: readonly string[]): Promise<Uint8Array>;
  /** Runs ffmpeg with `args` (paths relative to `dir`, output last) and returns the output. */
  ffmpeg(args: readonly string[]): Promise<Uint8Array>;
  close(): Promise<void>;
}

export async function openWorkshop(): Promise<AudioWorkshop> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'voxgate-audio-test-'));
  // The output is the last argument that looks like a file name (sox puts effects after it).
  const output = async (args: readonly string[]): Promise<Uint8Array> => {
    const file = args.findLast((arg) => /\.[a-z][a-z0-9]*$/i.test(arg))!;
    return new Uint8Array(await readFile(path.join(dir, file)));
  };
  return {
    dir,
    async sox(args) {
      await run('sox', [...args], { cwd: dir });
      return output(args);
    },
    async ffmpeg(args) {
      await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { cwd: dir });
      return output(args);
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Whether this ffmpeg build has an encoder (`ffmpeg -encoders`). */
export async function hasEncoder(name: string): Promise<boolean> {
  const { stdout } = await run('ffmpeg', ['-hide_banner', '-encoders']);
  return new RegExp(`^\\s*A\\S*\\s+${name}\\s`, 'm').test(stdout);
}

/** Amplitude of the `frequency` component of `samples` (Goertzel), 1 for a full-scale sine. */
export function toneAmplitude(samples: Float32Array, rate: number, frequency: number): number {
  // Skip the edges, where the start and end of the tone spread energy everywhere.
  const from = Math.floor(samples.length * 0.1);
  const to = Math.floor(samples.length * 0.9);
  const w = (2 * Math.PI * frequency) / rate;
  const c = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = from; i < to; i++) {
    const s = samples[i]! + c * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - c * s1 * s2)) / ((to - from) / 2);
}

/**
 * Zero crossings per second over the middle 80% (codec delay leaves near-silence at the edges,
 * which crosses zero at random): twice the frequency of a pure tone.
 */
export function zeroCrossingRate(samples: Float32Array, rate: number): number {
  const from = Math.floor(samples.length * 0.1);
  const to = Math.floor(samples.length * 0.9);
  let crossings = 0;
  for (let i = from + 1; i < to; i++) if (samples[i - 1]! < 0 !== samples[i]! < 0) crossings++;
  return crossings / ((to - from) / rate);
}

export function sine(
  rate: number,
  frequency: number,
  seconds: number,
  amplitude = 0.5,
): Float32Array {
  const samples = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < samples.length; i++)
    samples[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / rate);
  return samples;
}

/** A 32-bit float WAV of mono `samples` (for signals sox cannot make, or exact control). */
export function floatWav(samples: Float32Array, rate: number): Uint8Array {
  const bytes = new Uint8Array(44 + samples.length * 4);
  const view = new DataView(bytes.buffer);
  const text = (at: number, s: string): void => {
    for (let i = 0; i < s.length; i++) bytes[at + i] = s.charCodeAt(i);
  };
  text(0, 'RIFF');
  view.setUint32(4, bytes.length - 8, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 3, true); // IEEE float
  view.setUint16(22, 1, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 4, true);
  view.setUint16(32, 4, true);
  view.setUint16(34, 32, true);
  text(36, 'data');
  view.setUint32(40, samples.length * 4, true);
  for (let i = 0; i < samples.length; i++) view.setFloat32(44 + i * 4, samples[i]!, true);
  return bytes;
}

/** `wav` with a chunk inserted before its first chunk (`fmt `), padded unless `pad` is false. */
export function withChunkBefore(
  wav: Uint8Array,
  id: string,
  body: Uint8Array,
  pad = true,
): Uint8Array {
  const padded = pad && body.length % 2 === 1 ? 1 : 0;
  const chunk = new Uint8Array(8 + body.length + padded);
  for (let i = 0; i < 4; i++) chunk[i] = id.charCodeAt(i);
  new DataView(chunk.buffer).setUint32(4, body.length, true);
  chunk.set(body, 8);
  const out = new Uint8Array(wav.length + chunk.length);
  out.set(wav.subarray(0, 12));
  out.set(chunk, 12);
  out.set(wav.subarray(12), 12 + chunk.length);
  new DataView(out.buffer).setUint32(4, out.length - 8, true);
  return out;
}

/** Offset of the first occurrence of ASCII `text` in `bytes` at or after `from`, or -1. */
export function indexOfAscii(bytes: Uint8Array, text: string, from = 0): number {
  outer: for (let at = from; at + text.length <= bytes.length; at++) {
    for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) continue outer;
    return at;
  }
  return -1;
}

/** Recomputes the checksum of the Ogg page at `offset` (after a test edited it on purpose). */
export function fixOggCrc(bytes: Uint8Array, offset: number): void {
  const segments = bytes[offset + 26]!;
  let length = 27 + segments;
  for (let i = 0; i < segments; i++) length += bytes[offset + 27 + i]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  view.setUint32(offset + 22, 0, true);
  let crc = 0;
  for (let i = 0; i < length; i++) {
    crc ^= bytes[offset + i]! << 24;
    for (let j = 0; j < 8; j++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
    crc >>>= 0;
  }
  view.setUint32(offset + 22, crc, true);
}

/** Asserts that `work` rejects with the catalogued error `name` (and `params`, if given). */
export async function rejectsWith(
  work: Promise<unknown>,
  name: string,
  params?: Readonly<Record<string, string | number>>,
): Promise<void> {
  await assert.rejects(work, (e: unknown) => {
    assert.ok(isVoxgateError(e), `expected VoxgateError ${name}, got ${String(e)}`);
    assert.equal(
      e.definition.name,
      name,
      `expected ${name}, got ${e.definition.name}: ${e.message}`,
    );
    if (params !== undefined) assert.deepEqual(e.params, params);
    return true;
  });
}

/** A seeded PRNG (mulberry32): the same seed gives the same cases on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
