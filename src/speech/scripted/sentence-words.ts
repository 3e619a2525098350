import { normalizeWord } from '../../engines/index.js';

/** A word of the prompted sentence: as written, as the engines take it, and where it is. */
export interface SentenceWord {
  /** As written in the sentence, e.g. `Ann's`. */
  readonly text: string;
  /** Lower case, punctuation dropped: what is aligned, e.g. `ann's`. */
  readonly normalized: string;
  /** Character offsets in the sentence (UTF-16 code units), end exclusive. */
  readonly startIndex: number;
  readonly endIndex: number;
}

// Letters, digits and apostrophes inside words; hyphens split words, as in the corpus tools.
const WORD = /[\p{L}\p{N}]+(?:['\u2019\u02bc][\p{L}\p{N}]+)*/gu;

/**
 * ### Examples
 * ```ts
 * sentenceWords("Look at Ann's pants!").map((w) => [w.normalized, w.startIndex]);
 * // [['look', 0], ['at', 5], ["ann's", 8], ['pants', 14]]
 * ```
 */
export function sentenceWords(sentence: string): SentenceWord[] {
  const words: SentenceWord[] = [];
  for (const match of sentence.matchAll(WORD)) {
    const normalized = normalizeWord(match[0]);
    if (normalized.length === 0) continue;
    words.push({
      text: match[0],
      normalized,
      startIndex: match.index,
      endIndex: match.index + match[0].length,
    });
  }
  return words;
}
