/**
 * The three speechocean762 fixture utterances (test/fixtures/corpus/), decoded to 16 kHz mono
 * int16 with sox, as the engine takes them.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface FixtureUtterance {
  readonly id: string;
  /** The prompt, normalised (lower case). */
  readonly words: readonly string[];
  readonly pcm: Int16Array;
  readonly seconds: number;
}

const CORPUS = fileURLToPath(new URL('../../fixtures/corpus/', import.meta.url));

export function flacToPcm(file: string): Int16Array {
  const raw = execFileSync('sox', [
    file,
    ...['-t', 'raw', '-r', '16000', '-e', 'signed', '-b', '16', '-c', '1', '-'],
  ]);
  const pcm = new Int16Array(raw.length / 2);
  Buffer.from(pcm.buffer).set(raw);
  return pcm;
}

export function loadFixtures(): FixtureUtterance[] {
  return readFileSync(path.join(CORPUS, 'text'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [id = '', ...words] = line.trim().split(/\s+/u);
      const pcm = flacToPcm(path.join(CORPUS, 'audio', `${id}.flac`));
      return { id, words: words.map((w) => w.toLowerCase()), pcm, seconds: pcm.length / 16_000 };
    });
}
