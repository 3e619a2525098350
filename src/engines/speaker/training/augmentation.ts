/**
 * Training-data augmentation: the telephone channel (sox: 8 kHz, G.711 µ-law, back through
 * src/audio's decoder and resampler as a real 8 kHz upload would come), babble noise (other
 * training utterances mixed in at 5–15 dB SNR) and speed perturbation (sox `speed`).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { decodeAudio, DEFAULT_AUDIO_LIMITS } from '../../../audio/index.js';
import type { SeededRandom } from './seeded-random.js';

const run = promisify(execFile);

/** 16-bit PCM mono WAV bytes of `samples` at `sampleRate`. */
export function pcm16Wav(samples: Int16Array, sampleRate: number): Uint8Array {
  const bytes = new Uint8Array(44 + samples.length * 2);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) bytes[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples.length * 2, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) view.setInt16(44 + 2 * i, samples[i]!, true);
  return bytes;
}

/** G.711 µ-law byte → linear 16-bit sample. */
function muLawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return sign ? -magnitude : magnitude;
}

/**
 * `file` as it would arrive over the phone: sox resamples to 8 kHz and encodes µ-law; the
 * result goes through decodeAudio (8 kHz WAV → 16 kHz) like any upload.
 */
export async function telephoneVersion(file: string, muLaw: boolean): Promise<Float32Array> {
  // -R: sox seeds its dither with a fixed number, so the same file gives the same samples.
  const args = muLaw
    ? ['-R', file, '-t', 'raw', '-r', '8000', '-c', '1', '-e', 'mu-law', '-b', '8', '-']
    : [
        '-R',
        file,
        '-t',
        'raw',
        '-r',
        '8000',
        '-c',
        '1',
        '-e',
        'signed-integer',
        '-b',
        '16',
        '-L',
        '-',
      ];
  const { stdout } = await run('sox', args, {
    encoding: 'buffer',
    maxBuffer: 64 * 1024 * 1024,
  });
  let pcm: Int16Array;
  if (muLaw) {
    pcm = new Int16Array(stdout.length);
    for (let i = 0; i < stdout.length; i++) pcm[i] = muLawToLinear(stdout[i]!);
  } else {
    pcm = new Int16Array(stdout.length >> 1);
    for (let i = 0; i < pcm.length; i++) pcm[i] = stdout.readInt16LE(2 * i);
  }
  const audio = await decodeAudio(pcm16Wav(pcm, 8000), { limits: DEFAULT_AUDIO_LIMITS });
  return audio.samples;
}

/**
 * `file` played `factor` times faster (tempo and pitch together, sox `speed`), at 16 kHz: a
 * different voice for the backend's purposes (Kaldi's speed perturbation).
 */
export async function speedVersion(file: string, factor: number): Promise<Float32Array> {
  const { stdout } = await run(
    'sox',
    [
      '-R',
      file,
      '-t',
      'raw',
      '-r',
      '16000',
      '-c',
      '1',
      '-e',
      'floating-point',
      '-b',
      '32',
      '-L',
      '-',
      'speed',
      String(factor),
    ],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  const out = new Float32Array(stdout.length >> 2);
  for (let i = 0; i < out.length; i++) out[i] = stdout.readFloatLE(4 * i);
  return out;
}

/**
 * `samples` with babble added: 3–5 utterances from `pool` summed, at an SNR drawn uniformly
 * from [minSnrDb, maxSnrDb].
 */
export function withBabble(
  samples: Float32Array,
  pool: readonly Float32Array[],
  random: SeededRandom,
  minSnrDb = 5,
  maxSnrDb = 15,
): Float32Array {
  const noise = new Float32Array(samples.length);
  const talkers = 3 + random.int(3);
  for (let k = 0; k < talkers; k++) {
    const other = pool[random.int(pool.length)]!;
    if (other.length === 0) continue;
    const shift = random.int(other.length);
    for (let i = 0; i < noise.length; i++)
      noise[i] = noise[i]! + other[(i + shift) % other.length]!;
  }
  let ps = 0;
  let pn = 0;
  for (let i = 0; i < samples.length; i++) {
    ps += samples[i]! * samples[i]!;
    pn += noise[i]! * noise[i]!;
  }
  const out = Float32Array.from(samples);
  if (pn === 0 || ps === 0) return out;
  const snrDb = minSnrDb + random.next() * (maxSnrDb - minSnrDb);
  const gain = Math.sqrt(ps / pn / Math.pow(10, snrDb / 10));
  for (let i = 0; i < out.length; i++) out[i] = out[i]! + gain * noise[i]!;
  return out;
}
