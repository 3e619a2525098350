// Test audio made with sox and espeak-ng (Debian packages), read back as float32 samples.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

function installed(command: string): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Why sox/espeak-ng based tests must be skipped, or undefined when both are installed. */
export const missingTools: string | undefined =
  ['sox', 'espeak-ng']
    .filter((c) => !installed(c))
    .map((c) => `${c} not installed`)
    .join(', ') || undefined;

/** A scratch directory removed by `dispose()`. */
export interface Scratch {
  readonly dir: string;
  file(name: string): string;
  dispose(): void;
}

export function scratchDir(): Scratch {
  const dir = mkdtempSync(path.join(tmpdir(), 'voxgate-audio-features-'));
  return {
    dir,
    file: (name) => path.join(dir, name),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function sox(...args: string[]): void {
  execFileSync('sox', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Speaks `text` with espeak-ng into a WAV file (22.05 kHz as espeak writes it). */
export function espeak(text: string, wavPath: string, extraArgs: readonly string[] = []): void {
  execFileSync('espeak-ng', [...extraArgs, '-w', wavPath, text], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** Reads any audio file sox understands as mono float32 samples at `sampleRate`. */
export function readSamples(file: string, sampleRate: number): Float32Array {
  const out = `${file}.f32`;
  sox(
    file,
    '-t',
    'raw',
    '-e',
    'floating-point',
    '-b',
    '32',
    '-L',
    '-c',
    '1',
    '-r',
    String(sampleRate),
    out,
  );
  const bytes = readFileSync(out);
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Float32Array(copy.buffer, 0, copy.length / 4);
}

/** Duration of an audio file, seconds (as sox reports it). */
export function durationSec(file: string): number {
  return Number(execFileSync('soxi', ['-D', file], { encoding: 'utf8' }).trim());
}

/** Median of the values (NaN when empty). */
export function median(values: ArrayLike<number>): number {
  const sorted = Array.from(values).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A deterministic PRNG (mulberry32) for reproducible random inputs. */
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
