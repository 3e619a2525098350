import type { CorpusUtterance } from './corpus.js';

/**
 * For each utterance, another utterance's text to align its audio to as a negative: the one
 * whose word count is closest to its own, with different words, ties broken by a seeded hash.
 * Deterministic for a given corpus and seed, whatever subset is later evaluated. An utterance
 * gets no entry only when every utterance of the corpus has its exact text.
 *
 * ### Examples
 * ```ts
 * const wrong = chooseWrongTexts(corpus.utterances, 1);
 * wrong.get('000010011')?.words; // e.g. ['my', 'dog', 'ran', 'away']
 * ```
 */
export function chooseWrongTexts(
  utterances: readonly CorpusUtterance[],
  seed: number,
): Map<string, CorpusUtterance> {
  const texts = new Map<CorpusUtterance, string>();
  const byLength = new Map<number, CorpusUtterance[]>();
  let longest = 0;
  for (const utterance of utterances) {
    texts.set(utterance, utterance.words.join(' '));
    const length = utterance.words.length;
    longest = Math.max(longest, length);
    const bucket = byLength.get(length);
    if (bucket) bucket.push(utterance);
    else byLength.set(length, [utterance]);
  }

  const chosen = new Map<string, CorpusUtterance>();
  for (const utterance of utterances) {
    const own = texts.get(utterance);
    const length = utterance.words.length;
    for (let distance = 0; distance <= longest; distance++) {
      let best: CorpusUtterance | undefined;
      let bestRank = Infinity;
      const lengths = distance === 0 ? [length] : [length - distance, length + distance];
      for (const candidateLength of lengths) {
        for (const candidate of byLength.get(candidateLength) ?? []) {
          if (texts.get(candidate) === own) continue;
          const rank = fnv1a(`${seed}\u0000${utterance.id}\u0000${candidate.id}`);
          if (rank < bestRank) {
            best = candidate;
            bestRank = rank;
          }
        }
      }
      if (best) {
        chosen.set(utterance.id, best);
        break;
      }
    }
  }
  return chosen;
}

/** 32-bit FNV-1a: a stable, seedable tie-breaker (not for security). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
