/**
 * Word spelling → dictionary entry. The model's CMU dictionary (already without stress, like
 * the model's phones) answers first; words it lacks get a grapheme-to-phoneme pronunciation that
 * is added to the decoder's dictionary, which is also the cache: each word is converted once per
 * worker. A word is never dropped: no pronunciation fails the request, naming the word.
 */
import { AsrRefusal } from './asr-engine-error.js';
import type { GraphemeToPhoneme } from './espeak-g2p.js';

/** What the lexicon needs from a decoder. */
export interface PronunciationDictionary {
  /** Space-separated phones of an entry (`'one(2)'` for a variant), or null. */
  lookupWord(word: string): string | null;
  addWord(word: string, phones: readonly string[]): void;
}

export interface ResolvedWord {
  /** The dictionary entry to decode with. */
  readonly entry: string;
  /** Whether the pronunciation came from grapheme-to-phoneme. */
  readonly generated: boolean;
}

const APOSTROPHES = /[\u2018\u2019\u02bc`]/gu;
const NOT_WORD = /[^\p{L}\p{N}']/gu;
const EDGE_APOSTROPHES = /^'+|'+$/gu;
const VARIANT = /\(\d+\)$/u;

/**
 * Lower case, punctuation removed except apostrophes (typographic ones become ASCII).
 *
 * ### Examples
 * ```ts
 * normalizeWord('Don’t!'); // "don't"
 * ```
 */
export function normalizeWord(word: string): string {
  return word.normalize('NFC').replace(APOSTROPHES, "'").toLowerCase().replace(NOT_WORD, '');
}

/** `'one(2)'` → `'one'`. */
export function baseWord(entry: string): string {
  return entry.replace(VARIANT, '');
}

export class Lexicon {
  readonly #dictionary: PronunciationDictionary;
  readonly #g2p: GraphemeToPhoneme;
  readonly #generated = new Set<string>();

  constructor(dictionary: PronunciationDictionary, g2p: GraphemeToPhoneme) {
    this.#dictionary = dictionary;
    this.#g2p = g2p;
  }

  /** The entry for `word` (normalised here too), generating a pronunciation when needed. */
  resolve(word: string): ResolvedWord {
    const normal = normalizeWord(word);
    const trimmed = normal.replace(EDGE_APOSTROPHES, '');
    if (trimmed === '')
      throw new AsrRefusal('NoPronunciation', `no pronunciation for word '${word}'`);
    // "students'" is spelled without its possessive apostrophe in the dictionary.
    for (const entry of normal === trimmed ? [normal] : [normal, trimmed])
      if (this.#dictionary.lookupWord(entry) !== null)
        return { entry, generated: this.#generated.has(entry) };
    const phones = this.#g2p(trimmed);
    if (phones.length === 0)
      throw new AsrRefusal('NoPronunciation', `no pronunciation for word '${word}'`);
    this.#dictionary.addWord(trimmed, phones);
    this.#generated.add(trimmed);
    return { entry: trimmed, generated: true };
  }

  /** Phones of a dictionary entry as the search names it (`'one(2)'` included). */
  phones(entry: string): readonly string[] {
    const phones = this.#dictionary.lookupWord(entry);
    if (phones === null) throw new Error(`dictionary entry '${entry}' vanished`);
    return phones.split(' ').filter((p) => p !== '');
  }
}
