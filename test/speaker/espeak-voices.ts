/**
 * Synthetic speakers for tests: espeak-ng voices with their own variant and pitch, rendered to
 * 22.05 kHz WAV at test time (nothing committed) and decoded through src/audio like an upload.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { decodeAudio, DEFAULT_AUDIO_LIMITS } from '../../src/audio/index.js';

const run = promisify(execFile);

export interface SyntheticVoice {
  readonly name: string;
  /** espeak-ng `-v`. */
  readonly voice: string;
  /** espeak-ng `-p` (0–99). */
  readonly pitch: number;
}

export const VOICES: readonly SyntheticVoice[] = [
  { name: 'low-male', voice: 'en+m3', pitch: 25 },
  { name: 'high-female', voice: 'en+f2', pitch: 75 },
  { name: 'mid-male', voice: 'en-us+m1', pitch: 50 },
  { name: 'mid-female', voice: 'en-gb+f4', pitch: 55 },
];

export const SENTENCES: readonly string[] = [
  'We call it bear, and it sleeps all winter in the cave.',
  'Zero three five one, then seven eight two nine.',
  'The quick brown fox jumps over the lazy dog near the river.',
  'She sells sea shells by the sea shore every summer morning.',
  'Please call Stella and ask her to bring these things from the store.',
  'A large fawn jumped quickly over white zinc boxes.',
];

/** True when espeak-ng can be run. */
export async function hasEspeak(): Promise<boolean> {
  try {
    await run('espeak-ng', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/** Renders `text` with `voice` into `file` (WAV, 22.05 kHz). */
export async function speak(voice: SyntheticVoice, text: string, file: string): Promise<void> {
  await run('espeak-ng', [
    '-v',
    voice.voice,
    '-p',
    String(voice.pitch),
    '-s',
    '150',
    '-w',
    file,
    text,
  ]);
}

/** Renders and decodes to 16 kHz mono samples. */
export async function speakSamples(
  voice: SyntheticVoice,
  text: string,
  dir: string,
): Promise<Float32Array> {
  const file = path.join(dir, `${voice.name}-${Math.abs(hash(text))}.wav`);
  await speak(voice, text, file);
  const bytes = await readFile(file);
  const audio = await decodeAudio(new Uint8Array(bytes), { limits: DEFAULT_AUDIO_LIMITS });
  return audio.samples;
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}
