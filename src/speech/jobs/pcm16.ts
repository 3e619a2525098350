import { endianness } from 'node:os';
import { toInt16 } from '../../audio/index.js';

const BIG_ENDIAN = endianness() === 'BE';

/**
 * Samples in [-1, 1] as 16-bit little-endian PCM bytes: what a job stores. The decoders produce
 * samples from 16-bit (or coarser) sources and the engines take 16-bit PCM, so nothing the
 * assessment uses is lost: `pcm16ToSamples(samplesToPcm16(s))` gives back exactly the samples
 * `toInt16` would have sent to the engines.
 */
export function samplesToPcm16(samples: Float32Array): Buffer {
  const pcm = toInt16(samples);
  const bytes = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  return BIG_ENDIAN ? bytes.swap16() : bytes;
}

export function pcm16ToSamples(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 2 !== 0) throw new RangeError('16-bit PCM has an even number of bytes');
  // A copy of our own (never pooled, so aligned for Int16Array) that we may byte-swap.
  const copy = Buffer.alloc(bytes.byteLength);
  copy.set(bytes);
  if (BIG_ENDIAN) copy.swap16();
  const pcm = new Int16Array(copy.buffer, copy.byteOffset, copy.byteLength / 2);
  const samples = new Float32Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) samples[i] = pcm[i]! / 32768;
  return samples;
}
