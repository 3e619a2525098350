/**
 * Conversions between the engine's samples (16 kHz mono float) and what the tools read and
 * write. Everything a tool hands back at another rate goes through src/audio's decoder and
 * resampler, as an upload of that audio would.
 */
import { decodeAudio, DEFAULT_AUDIO_LIMITS, toInt16 } from '../../../audio/index.js';
import { pcm16Wav } from '../speaker-engine-parts.js';

/** 16-bit WAV bytes of 16 kHz samples (what a recording device would store). */
export function wav16k(samples: Float32Array): Uint8Array {
  return pcm16Wav(toInt16(samples), 16000);
}

/** Raw float32 little-endian bytes (sox `-t raw -e floating-point -b 32 -L`). */
export function rawFloat(samples: Float32Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++) view.setFloat32(4 * i, samples[i]!, true);
  return bytes;
}

/** Samples from raw float32 little-endian bytes. */
export function fromRawFloat(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength >> 2);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

/** 16 kHz samples of 16-bit little-endian PCM at `sampleRate` (resampled by src/audio). */
export async function fromPcm16(bytes: Uint8Array, sampleRate: number): Promise<Float32Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pcm = new Int16Array(bytes.byteLength >> 1);
  for (let i = 0; i < pcm.length; i++) pcm[i] = view.getInt16(2 * i, true);
  return decodeBytes(pcm16Wav(pcm, sampleRate));
}

/** 16 kHz samples of any audio file's bytes src/audio can read (WAV, FLAC, Ogg Opus, …). */
export async function decodeBytes(bytes: Uint8Array): Promise<Float32Array> {
  const audio = await decodeAudio(bytes, { limits: DEFAULT_AUDIO_LIMITS });
  return audio.samples;
}
