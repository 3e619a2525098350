import type { CorpusUtterance } from './corpus.js';

/** One word of a sentence replaced by another word of similar length. */
export interface Substitution {
  readonly words: readonly string[];
  /** Index of the replaced word. */
  readonly index: number;
  readonly original: string;
  readonly replacement: string;
}

/**
 * For each utterance, its text with one word replaced by a different corpus word whose length
 * differs by at most one letter and which the sentence does not already contain. Position and
 * replacement are chosen by a seeded hash of the utterance id: deterministic for a corpus and
 * seed, whatever subset is evaluated. Utterances without a candidate get no entry.
 *
 * ### Examples
 * ```ts
 * substituteWords(corpus.utterances, 1).get('000010011');
 * // e.g. { words: ['we', 'call', 'it', 'bean'], index: 3, original: 'bear', replacement: 'bean' }
 * ```
 */
export function substituteWords(
  utterances: readonly CorpusUtterance[],
  seed: number,
): Map<string, Substitution> {
  const vocabulary = [...new Set(utterances.flatMap((u) => u.words))]
    .filter((w) => /^[a-z]+$/.test(w))
    .sort();
  const result = new Map<string, Substitution>();
  for (const u of utterances) {
    if (u.words.length === 0) continue;
    const index = hash(`${seed}\u0000${u.id}\u0000position`) % u.words.length;
    const original = u.words[index]!;
    const candidates = vocabulary.filter(
      (w) => Math.abs(w.length - original.length) <= 1 && !u.words.includes(w),
    );
    if (candidates.length === 0) continue;
    const replacement = candidates[hash(`${seed}\u0000${u.id}\u0000word`) % candidates.length]!;
    const words = u.words.slice();
    words[index] = replacement;
    result.set(u.id, { words, index, original, replacement });
  }
  return result;
}

/** 32-bit FNV-1a (not for security). */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
