/**
 * The recording conditions evaluations and calibration run under: the corpus audio as it is
 * (16 kHz), through an 8 kHz 16-bit PCM channel, or through the telephone channel (8 kHz
 * G.711 µ-law, what a phone call or a Twilio stream delivers). The 8 kHz versions come from sox
 * (`-R`: no random dither) and go back through src/audio's decoder and resampler like any
 * 8 kHz upload.
 */
import { readFile } from 'node:fs/promises';
import { decodeAudio, DEFAULT_AUDIO_LIMITS } from '../../../audio/index.js';
import { telephoneVersion } from '../training/augmentation.js';

/** How the audio reaches the engine. */
export type Channel = '16k' | '8k' | '8k-mulaw';

export const CHANNELS: readonly Channel[] = ['16k', '8k', '8k-mulaw'];

/** Whether `value` names a {@link Channel}. */
export function isChannel(value: string): value is Channel {
  return (CHANNELS as readonly string[]).includes(value);
}

/**
 * `file` at 16 kHz mono as it would reach the engine over `channel`.
 *
 * ### Examples
 * ```ts
 * const samples = await channelAudio('audio/000010011.flac', '8k-mulaw');
 * ```
 */
export async function channelAudio(file: string, channel: Channel): Promise<Float32Array> {
  if (channel === '8k') return telephoneVersion(file, false);
  if (channel === '8k-mulaw') return telephoneVersion(file, true);
  const bytes = await readFile(file);
  const audio = await decodeAudio(
    new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    { limits: DEFAULT_AUDIO_LIMITS },
  );
  return audio.samples;
}

/**
 * The audio of many files over `channel`, `concurrency` decodes (or sox runs) at a time, by id.
 * `onProgress` is called with the number done.
 */
export async function loadChannelAudio(
  files: readonly { readonly id: string; readonly audioPath: string }[],
  channel: Channel,
  concurrency = 4,
  onProgress?: (done: number) => void,
): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const f = files[next++]!;
      out.set(f.id, await channelAudio(f.audioPath, channel));
      onProgress?.(out.size);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return out;
}
