/**
 * A Kaldi-style corpus directory, as `speechocean762-train` is laid out:
 *
 *     audio/<uttid>.flac     the recordings (.wav, .ogg and .opus are accepted too)
 *     text                   `<uttid> <SENTENCE>`, one utterance a line
 *     utt2spk                `<uttid> <speaker>` (optional)
 *
 * Reading validates the whole directory up front, so a long evaluation never stops halfway on
 * a missing file.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface CorpusUtterance {
  readonly id: string;
  /** From `utt2spk`; null when the corpus has none or does not list this utterance. */
  readonly speaker: string | null;
  /** The sentence as the `text` file spells it. */
  readonly sentence: string;
  /** `normaliseWords(sentence)`. */
  readonly words: readonly string[];
  readonly audioPath: string;
}

export interface Corpus {
  readonly dir: string;
  /** In the order of the `text` file. */
  readonly utterances: readonly CorpusUtterance[];
}

/** A corpus directory that cannot be evaluated; the message names the file and the problem. */
export class CorpusError extends Error {
  override readonly name = 'CorpusError';
}

const AUDIO_EXTENSIONS = ['.flac', '.wav', '.ogg', '.opus'];
const TEXT_LINE = /^(\S+)\s+(\S.*?)\s*$/;
const NON_WORD = /[^\p{L}\p{N}']+/gu;
const TYPOGRAPHIC_APOSTROPHE = /[\u2018\u2019\u02bc]/g;
const EDGE_APOSTROPHES = /^'+|'+$/g;

/**
 * A sentence as the engines take it: lower-case words, punctuation dropped, apostrophes inside
 * words kept (`LET'S` → `let's`), hyphenated words split.
 *
 * ### Examples
 * ```ts
 * normaliseWords('LOOK AT ANN\'S PANTS!'); // ['look', 'at', "ann's", 'pants']
 * ```
 */
export function normaliseWords(sentence: string): string[] {
  return sentence
    .normalize('NFKC')
    .toLowerCase()
    .replace(TYPOGRAPHIC_APOSTROPHE, "'")
    .replace(NON_WORD, ' ')
    .split(' ')
    .map((word) => word.replace(EDGE_APOSTROPHES, ''))
    .filter((word) => word.length > 0);
}

/**
 * Reads and validates a corpus directory: every `text` line well formed with a unique id,
 * a non-empty sentence and an audio file.
 *
 * ### Examples
 * ```ts
 * const corpus = await readCorpus('/work/shared/corpus/speechocean762-train');
 * corpus.utterances[0]; // { id: '000010011', sentence: 'WE CALL IT BEAR', words: ['we', …], … }
 * ```
 */
export async function readCorpus(dir: string): Promise<Corpus> {
  const textPath = path.join(dir, 'text');
  const text = await readOrExplain(textPath, 'the transcript file `text`');
  const audioDir = path.join(dir, 'audio');
  const audioFiles = await listAudio(audioDir);
  const speakers = await readUtt2Spk(path.join(dir, 'utt2spk'));

  const utterances: CorpusUtterance[] = [];
  const seen = new Set<string>();
  const missingAudio: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${textPath}:${index + 1}`;
    const match = TEXT_LINE.exec(line);
    if (!match) throw new CorpusError(`${where}: expected "<uttid> <sentence>", got "${line}"`);
    const [, id = '', sentence = ''] = match;
    if (seen.has(id)) throw new CorpusError(`${where}: utterance ${id} is listed twice`);
    seen.add(id);
    const words = normaliseWords(sentence);
    if (words.length === 0) throw new CorpusError(`${where}: utterance ${id} has no words`);
    const audioFile = audioFiles.get(id);
    if (audioFile === undefined) {
      missingAudio.push(id);
      return;
    }
    utterances.push({
      id,
      speaker: speakers.get(id) ?? null,
      sentence,
      words,
      audioPath: path.join(audioDir, audioFile),
    });
  });

  if (missingAudio.length > 0) {
    const shown = missingAudio.slice(0, 5).join(', ');
    const more = missingAudio.length > 5 ? ` and ${missingAudio.length - 5} more` : '';
    throw new CorpusError(
      `${missingAudio.length} utterance(s) in ${textPath} have no audio file ` +
        `${path.join(audioDir, '<uttid>.flac')}: ${shown}${more}`,
    );
  }
  if (utterances.length === 0) throw new CorpusError(`${textPath} lists no utterances`);
  return { dir, utterances };
}

async function readOrExplain(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new CorpusError(`cannot read ${what} (${file}): ${(e as Error).message}`);
  }
}

/** uttid → file name, one read of the directory instead of a stat per utterance. */
async function listAudio(audioDir: string): Promise<Map<string, string>> {
  let names: string[];
  try {
    names = await readdir(audioDir);
  } catch (e) {
    throw new CorpusError(`cannot list the audio directory ${audioDir}: ${(e as Error).message}`);
  }
  const files = new Map<string, string>();
  // Extensions in order of preference: when one id has several files, .flac wins.
  for (const extension of AUDIO_EXTENSIONS) {
    for (const name of names) {
      if (!name.endsWith(extension)) continue;
      const id = name.slice(0, -extension.length);
      if (!files.has(id)) files.set(id, name);
    }
  }
  return files;
}

async function readUtt2Spk(file: string): Promise<Map<string, string>> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new CorpusError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const speakers = new Map<string, string>();
  content.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 2)
      throw new CorpusError(`${file}:${index + 1}: expected "<uttid> <speaker>", got "${line}"`);
    speakers.set(fields[0]!, fields[1]!);
  });
  return speakers;
}
