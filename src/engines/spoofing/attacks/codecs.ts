/**
 * The channels a call can come through, applied to bona fide and spoofed audio alike so the
 * detector cannot learn "codec = spoof": G.711 µ-law (sox, the speaker engine's telephone
 * channel), and through ffmpeg G.711 A-law, GSM 06.10, Opus at low rates (8 and 16 kHz),
 * Speex, G.722 and G.726. Each result is decoded back to 16 kHz through src/audio.
 */
import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fromPcm16, wav16k } from './audio-bytes.js';
import { runTool } from './run-tool.js';
import { telephoneVersion, type SeededRandom } from '../speaker-engine-parts.js';

export const CODECS = [
  'mulaw-8k',
  'alaw-8k',
  'gsm-8k',
  'opus-8k',
  'opus-16k',
  'speex-8k',
  'g722-16k',
  'g726-8k',
] as const;

/** A codec of {@link CODECS}. */
export type Codec = (typeof CODECS)[number];

/** How audio reaches the detector: as recorded (16 kHz) or through a codec. */
export type Channel = 'clean' | Codec;

/** The telephone channel of the reported 8 kHz condition. */
export const TELEPHONE: Codec = 'mulaw-8k';

const FFMPEG = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-threads', '1'];

interface FfmpegCodec {
  readonly rate: number;
  /** Encoder arguments (after `-ar`), given the seeded source for bit rates. */
  readonly encode: (random: SeededRandom) => string[];
  /** The container the encoded bytes are in. */
  readonly format: string;
}

const pick = <T>(random: SeededRandom, items: readonly T[]): T => items[random.int(items.length)]!;

const FFMPEG_CODECS: Readonly<Record<Exclude<Codec, 'mulaw-8k'>, FfmpegCodec>> = {
  'alaw-8k': { rate: 8000, format: 'wav', encode: () => ['-c:a', 'pcm_alaw', '-f', 'wav'] },
  'gsm-8k': { rate: 8000, format: 'gsm', encode: () => ['-c:a', 'libgsm', '-f', 'gsm'] },
  'opus-8k': {
    rate: 8000,
    format: 'ogg',
    encode: (r) => [
      '-c:a',
      'libopus',
      '-b:a',
      pick(r, ['6k', '8k', '10k', '12k']),
      '-application',
      'voip',
      '-f',
      'ogg',
    ],
  },
  'opus-16k': {
    rate: 16000,
    format: 'ogg',
    encode: (r) => [
      '-c:a',
      'libopus',
      '-b:a',
      pick(r, ['12k', '16k', '20k', '24k']),
      '-application',
      'voip',
      '-f',
      'ogg',
    ],
  },
  'speex-8k': {
    rate: 8000,
    format: 'ogg',
    encode: (r) => ['-c:a', 'libspeex', '-cbr_quality', pick(r, ['3', '4', '5', '6']), '-f', 'ogg'],
  },
  'g722-16k': { rate: 16000, format: 'g722', encode: () => ['-c:a', 'g722', '-f', 'g722'] },
  'g726-8k': {
    rate: 8000,
    format: 'wav',
    encode: (r) => ['-c:a', 'g726', '-b:a', pick(r, ['16k', '24k', '32k', '40k']), '-f', 'wav'],
  },
};

/**
 * `samples` (16 kHz) through `channel`, back at 16 kHz. The recording is 16-bit PCM before the
 * codec, as a device would hand it over. Deterministic: ffmpeg runs single-threaded and
 * bit-exact, sox with `-R`, and the bit rate comes from `random`.
 *
 * ### Examples
 * ```ts
 * const phone = await applyChannel(samples, 'gsm-8k', random);
 * ```
 */
export async function applyChannel(
  samples: Float32Array,
  channel: Channel,
  random: SeededRandom,
): Promise<Float32Array> {
  if (channel === 'clean') return samples;
  if (channel === 'mulaw-8k') {
    const file = path.join(os.tmpdir(), `voxgate-spoof-${randomUUID()}.wav`);
    await writeFile(file, wav16k(samples));
    try {
      return await telephoneVersion(file, true);
    } finally {
      await rm(file, { force: true });
    }
  }
  const codec = FFMPEG_CODECS[channel];
  const encoded = await runTool(
    'ffmpeg',
    [
      ...FFMPEG,
      '-f',
      'wav',
      '-i',
      'pipe:0',
      '-ar',
      String(codec.rate),
      '-ac',
      '1',
      ...codec.encode(random),
      '-bitexact',
      'pipe:1',
    ],
    wav16k(samples),
  );
  const decoded = await runTool(
    'ffmpeg',
    [
      ...FFMPEG,
      '-f',
      codec.format,
      '-i',
      'pipe:0',
      '-f',
      's16le',
      '-ac',
      '1',
      '-ar',
      String(codec.rate),
      '-bitexact',
      'pipe:1',
    ],
    encoded,
  );
  return fromPcm16(decoded, codec.rate);
}

/** Silence between the utterances of one batch (codec and resampler memory dies out in it). */
const BATCH_GAP = 4000;

/**
 * Every item of `items` through `channel`: like {@link applyChannel} on each, but the ffmpeg
 * codecs run once for the whole batch (the items joined with 0.25 s of silence between them, then
 * cut apart at the same places), because starting ffmpeg twice costs more than coding a minute
 * of audio. The bit rate is drawn once per batch. Codec delays (at most 10 ms, Speex) are left
 * in: they shift an item within its own silence.
 *
 * ### Examples
 * ```ts
 * const [a8k, b8k] = await applyChannelToAll([a, b], 'opus-8k', random);
 * ```
 */
export async function applyChannelToAll(
  items: readonly Float32Array[],
  channel: Channel,
  random: SeededRandom,
): Promise<Float32Array[]> {
  if (channel === 'clean' || channel === 'mulaw-8k' || items.length <= 1) {
    const out: Float32Array[] = [];
    for (const item of items) out.push(await applyChannel(item, channel, random));
    return out;
  }
  let total = BATCH_GAP;
  for (const item of items) total += item.length + BATCH_GAP;
  const joined = new Float32Array(total);
  let at = BATCH_GAP;
  for (const item of items) {
    joined.set(item, at);
    at += item.length + BATCH_GAP;
  }
  const coded = await applyChannel(joined, channel, random);
  const out: Float32Array[] = [];
  at = BATCH_GAP;
  for (const item of items) {
    const piece = new Float32Array(item.length);
    piece.set(coded.subarray(at, Math.min(at + item.length, coded.length)));
    out.push(piece);
    at += item.length + BATCH_GAP;
  }
  return out;
}

/** A codec other than the telephone one, drawn uniformly. */
export function otherCodec(random: SeededRandom): Codec {
  const others = CODECS.filter((c) => c !== TELEPHONE);
  return others[random.int(others.length)]!;
}
