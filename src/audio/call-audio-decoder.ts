import { decodeMuLaw } from './g711.js';
import { StreamResampler } from './stream-resampler.js';

export type CallAudioEncoding = 'pcm16le' | 'mulaw';

/**
 * A call's audio frames (8-bit µ-law or 16-bit little-endian PCM, 8 or 16 kHz mono) to the
 * engines' 16 kHz float samples as they arrive. A PCM frame may split a sample: the odd byte
 * waits for the next frame, so how the platform cut its frames never changes the audio.
 *
 * ### Examples
 * ```ts
 * const decoder = new CallAudioDecoder('mulaw', 8000);
 * stream.push(decoder.push(twilioPayload)); // 160 bytes → 320 samples at 16 kHz
 * stream.push(decoder.finish());
 * ```
 */
export class CallAudioDecoder {
  readonly encoding: CallAudioEncoding;
  readonly sampleRate: number;
  readonly #resampler: StreamResampler;
  #carry: number | undefined;

  constructor(encoding: CallAudioEncoding, sampleRate: number) {
    this.encoding = encoding;
    this.sampleRate = sampleRate;
    this.#resampler = new StreamResampler(sampleRate);
  }

  push(bytes: Uint8Array): Float32Array {
    return this.#resampler.push(this.#decode(bytes));
  }

  /** The resampler's last samples (a dangling PCM byte is dropped). */
  finish(): Float32Array {
    this.#carry = undefined;
    return this.#resampler.finish();
  }

  #decode(bytes: Uint8Array): Float32Array {
    if (this.encoding === 'mulaw') return decodeMuLaw(bytes);
    if (bytes.length === 0) return new Float32Array(0);
    const head = this.#carry === undefined ? 0 : 1;
    const total = head + bytes.length;
    const count = total >> 1;
    const out = new Float32Array(count);
    let i = 0;
    let o = 0;
    if (head === 1 && count > 0) {
      out[o++] = int16(this.#carry!, bytes[0]!) / 32768;
      i = 1;
    }
    for (; o < count; o++, i += 2) out[o] = int16(bytes[i]!, bytes[i + 1]!) / 32768;
    this.#carry = total % 2 === 1 ? bytes[bytes.length - 1] : undefined;
    return out;
  }
}

function int16(lo: number, hi: number): number {
  const v = lo | (hi << 8);
  return v >= 0x8000 ? v - 0x10000 : v;
}
