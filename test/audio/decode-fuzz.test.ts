/**
 * Thousands of damaged WAV, FLAC and Ogg Opus files (bit flips, truncations, chunk and block
 * sizes that lie, Ogg pages edited with their checksums fixed so the damage reaches the packet
 * parser and the decoder, random splices). Every call must decode or fail with an audio error
 * from the catalog (or AudioLimitExceeded), never anything else, never hang, and memory must
 * stay bounded. The PRNG is seeded: a failure names its case, which replays exactly
 * (`VOXGATE_FUZZ_SEED`, `VOXGATE_FUZZ_CASES` change the run). The suite runs the first 400
 * cases; `npm run fuzz:audio` runs the full depth (3,200, the same sequence continued).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AudioLimitExceeded, decodeAudio, DEFAULT_AUDIO_LIMITS } from '../../src/audio/index.js';
import { isVoxgateError } from '../../src/errors/index.js';
import {
  fixOggCrc,
  indexOfAscii,
  openWorkshop,
  seededRandom,
  type AudioWorkshop,
} from './audio-fixtures.js';

const SEED = Number(process.env.VOXGATE_FUZZ_SEED ?? 20_260_801);
const CASES = Number(process.env.VOXGATE_FUZZ_CASES ?? 400);
const CONCURRENCY = 4;
const CALL_TIMEOUT_MS = 20_000;
const MAX_RSS_BYTES = 1.5 * 1024 ** 3;
const AUDIO_ERRORS = new Set([
  'FailedToParseAudioHeader',
  'FailedToDecodeAudioFromBytes',
  'FailedToConvertAudio',
  'FailedToUseAudio',
  'InvalidAudioFormat',
]);

type Random = () => number;
interface Base {
  readonly name: string;
  readonly kind: 'wav' | 'flac' | 'ogg';
  readonly bytes: Uint8Array;
}
type Mutation = (
  bytes: Uint8Array,
  random: Random,
  bases: readonly Base[],
  kind: Base['kind'],
) => Uint8Array;

const int = (random: Random, below: number): number => Math.floor(random() * below);
/** Sizes a liar would pick: 0, tiny, odd, just past the end, huge, all ones. */
const lie = (random: Random, length: number): number =>
  [0, 1, 3, length - 1, length + 1, length * 2, 0x7fffffff, 0xffffffff, int(random, 1 << 20)][
    int(random, 9)
  ]!;

const mutations: Record<string, Mutation> = {
  bitFlips(bytes, random) {
    const out = bytes.slice();
    for (let n = 1 + int(random, 16); n > 0; n--)
      out[int(random, out.length)]! ^= 1 << int(random, 8);
    return out;
  },
  headerBitFlips(bytes, random) {
    const out = bytes.slice();
    const span = Math.min(out.length, 128);
    for (let n = 1 + int(random, 4); n > 0; n--) out[int(random, span)]! ^= 1 << int(random, 8);
    return out;
  },
  randomBytes(bytes, random) {
    const out = bytes.slice();
    const at = int(random, out.length);
    for (let i = at; i < Math.min(out.length, at + 1 + int(random, 64)); i++)
      out[i] = int(random, 256);
    return out;
  },
  truncate(bytes, random) {
    return bytes.slice(0, int(random, bytes.length));
  },
  sizeLie(bytes, random, _bases, kind) {
    const out = bytes.slice();
    const view = new DataView(out.buffer);
    const fits = (at: number, size: number): boolean => at >= 0 && at + size <= out.length;
    if (kind === 'wav') {
      const chunk = [4, indexOfAscii(out, 'fmt ') + 4, indexOfAscii(out, 'data') + 4][
        int(random, 3)
      ]!;
      if (chunk >= 4 && fits(chunk, 4)) view.setUint32(chunk, lie(random, out.length), true);
      const fmt = indexOfAscii(out, 'fmt ') + 8;
      if (random() < 0.5 && fmt >= 8) {
        // Or a format field: channels, rate, block align, bits.
        const [offset, size] = [
          [2, 2],
          [4, 4],
          [12, 2],
          [14, 2],
        ][int(random, 4)]!;
        if (size === 2 && fits(fmt + offset!, 2))
          view.setUint16(fmt + offset!, int(random, 65536), true);
        else if (fits(fmt + offset!, 4)) view.setUint32(fmt + offset!, lie(random, 48000), true);
      }
    } else if (kind === 'flac') {
      // A metadata block length, or a STREAMINFO field.
      const at = random() < 0.5 ? 5 : 8 + int(random, 34);
      if (fits(at, 2)) {
        out[at] = int(random, 256);
        if (random() < 0.5) out[at + 1] = int(random, 256);
      }
    } else {
      const pages = oggPageOffsets(out);
      const page = pages[int(random, pages.length)]!;
      const at =
        random() < 0.5 ? page + 26 : page + 27 + int(random, Math.max(1, out[page + 26] ?? 1));
      if (fits(at, 1)) out[at] = int(random, 256);
    }
    return out;
  },
  oggPacketEdit(bytes, random, _bases, kind) {
    if (kind !== 'ogg') return mutations.bitFlips!(bytes, random, _bases, kind);
    // Edit page bodies and fix the checksums: the damage gets past the CRC into packets.
    const out = bytes.slice();
    const pages = oggPageOffsets(out);
    for (let n = 1 + int(random, 3); n > 0; n--) {
      const page = pages[int(random, pages.length)]!;
      const body = page + 27 + out[page + 26]!;
      const at = body + int(random, 64);
      if (at < out.length)
        out[at] = random() < 0.5 ? int(random, 256) : out[at]! ^ (1 << int(random, 8));
    }
    for (const page of pages) if (page + 27 <= out.length) fixOggCrcSafely(out, page);
    return out;
  },
  splice(bytes, random, bases) {
    const other = bases[int(random, bases.length)]!.bytes;
    const from = int(random, other.length);
    const piece = other.subarray(from, from + 1 + int(random, 4096));
    const at = int(random, bytes.length);
    const out = new Uint8Array(bytes.length + piece.length);
    out.set(bytes.subarray(0, at));
    out.set(piece, at);
    out.set(bytes.subarray(at), at + piece.length);
    return out;
  },
  deleteRange(bytes, random) {
    const at = int(random, bytes.length);
    const length = Math.min(1 + int(random, 2048), bytes.length - at);
    const out = new Uint8Array(bytes.length - length);
    out.set(bytes.subarray(0, at));
    out.set(bytes.subarray(at + length), at);
    return out;
  },
  duplicateRange(bytes, random) {
    const at = int(random, bytes.length);
    const piece = bytes.subarray(at, at + 1 + int(random, 8192));
    const out = new Uint8Array(bytes.length + piece.length);
    out.set(bytes.subarray(0, at + piece.length));
    out.set(piece, at + piece.length);
    out.set(bytes.subarray(at + piece.length), at + 2 * piece.length);
    return out;
  },
};

function oggPageOffsets(bytes: Uint8Array): number[] {
  const pages: number[] = [];
  for (let at = indexOfAscii(bytes, 'OggS'); at >= 0; at = indexOfAscii(bytes, 'OggS', at + 4))
    pages.push(at);
  return pages.length > 0 ? pages : [0];
}

function fixOggCrcSafely(bytes: Uint8Array, page: number): void {
  const segments = bytes[page + 26]!;
  let length = 27 + segments;
  for (let i = 0; i < segments && page + 27 + i < bytes.length; i++)
    length += bytes[page + 27 + i]!;
  if (page + length <= bytes.length) fixOggCrc(bytes, page);
}

function withTimeout<T>(work: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: no answer within ${ms} ms (a hang)`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

describe('decodeAudio: fuzz', () => {
  let w: AudioWorkshop;
  let bases: Base[];
  before(async () => {
    w = await openWorkshop();
    const tone = ['synth', '0.4', 'sine', '300-3000'];
    bases = [
      {
        name: 'wav16',
        kind: 'wav',
        bytes: await w.sox(['-n', '-r', '16000', '-c', '1', '-b', '16', 'a.wav', ...tone]),
      },
      {
        name: 'wav24x2',
        kind: 'wav',
        bytes: await w.sox(['-n', '-r', '44100', '-c', '2', '-b', '24', 'b.wav', ...tone]),
      },
      {
        name: 'wavf32',
        kind: 'wav',
        bytes: await w.sox([
          '-n',
          '-r',
          '8000',
          '-c',
          '1',
          '-e',
          'floating-point',
          '-b',
          '32',
          'c.wav',
          ...tone,
        ]),
      },
      {
        name: 'flac16',
        kind: 'flac',
        bytes: await w.sox(['-n', '-r', '16000', '-c', '1', '-b', '16', 'a.flac', ...tone]),
      },
      {
        name: 'flac44x2',
        kind: 'flac',
        bytes: await w.sox(['-n', '-r', '44100', '-c', '2', '-b', '16', 'b.flac', ...tone]),
      },
      {
        name: 'opus1',
        kind: 'ogg',
        bytes: await w.ffmpeg(['-i', 'a.wav', '-c:a', 'libopus', 'a.opus']),
      },
      {
        name: 'opus2',
        kind: 'ogg',
        bytes: await w.ffmpeg([
          '-i',
          'b.wav',
          '-c:a',
          'libopus',
          '-page_duration',
          '20000',
          'b.opus',
        ]),
      },
    ];
  });
  after(() => w.close());

  test(
    `${CASES} damaged files decode or fail with an audio error`,
    { timeout: 600_000 },
    async () => {
      const names = Object.keys(mutations);
      const outcomes = new Map<string, number>();
      const failures: string[] = [];
      let maxRss = process.memoryUsage().rss;
      let next = 0;
      const started = Date.now();

      const runCase = async (index: number): Promise<void> => {
        const random = seededRandom(SEED + index);
        const base = bases[int(random, bases.length)]!;
        let bytes = base.bytes;
        const applied: string[] = [];
        for (let n = 1 + int(random, 3); n > 0 && bytes.length > 0; n--) {
          const name = names[int(random, names.length)]!;
          applied.push(name);
          bytes = mutations[name]!(bytes, random, bases, base.kind);
        }
        const strict = random() < 0.2;
        const label = `case ${index} (seed ${SEED + index}: ${base.name} ${applied.join('+')}${strict ? ', strict' : ''})`;
        let outcome: string;
        try {
          const audio = await withTimeout(
            decodeAudio(bytes, { strict, limits: DEFAULT_AUDIO_LIMITS, ffmpegTimeoutMs: 10_000 }),
            CALL_TIMEOUT_MS,
            label,
          );
          assert.equal(audio.sampleRate, 16000);
          for (const v of audio.samples)
            if (!(v >= -1 && v <= 1)) throw new Error(`${label}: sample ${v}`);
          outcome = 'decoded';
        } catch (e) {
          if (e instanceof AudioLimitExceeded) outcome = e.name;
          else if (isVoxgateError(e) && AUDIO_ERRORS.has(e.definition.name))
            outcome = e.definition.name;
          else {
            failures.push(`${label}: ${(e as Error).stack ?? String(e)}`);
            outcome = 'unexpected';
          }
        }
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        maxRss = Math.max(maxRss, process.memoryUsage().rss);
      };

      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < CASES) await runCase(next++);
        }),
      );

      const seconds = (Date.now() - started) / 1000;
      const summary = [...outcomes].map(([k, v]) => `${k}: ${v}`).join(', ');
      console.log(
        `fuzz: ${CASES} cases in ${seconds.toFixed(1)} s, max rss ${(maxRss / 2 ** 20).toFixed(0)} MB; ${summary}`,
      );
      assert.deepEqual(failures.slice(0, 5), [], `${failures.length} unexpected outcomes`);
      assert.ok(maxRss < MAX_RSS_BYTES, `rss reached ${maxRss} bytes`);
      assert.ok((outcomes.get('decoded') ?? 0) > 0, 'some damaged files still decode');
    },
  );
});
