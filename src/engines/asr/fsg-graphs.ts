/**
 * The finite-state grammars the engine decodes with, built as plain data (`FsgSpec`) so they
 * can be tested without the native library. Every grammar allows silence wherever speakers
 * pause: before the first word, between words and after the last; never inside a word.
 * Transition probabilities are all 1: the grammars constrain, they do not rank.
 */
import type { FsgSpec } from './pocketsphinx.js';

/** The dictionary's silence filler. */
export const SILENCE_WORD = '<sil>';
/**
 * Silences cost nothing: pauses are placed by the acoustics alone. (0.1 and 0.005 changed
 * nothing measurable on the check set; a transition's cost never enters acoustic scores.)
 */
const SILENCE_PROBABILITY = 1;

/** `words` in order, optional silence between them (states 0..n, one per word boundary). */
export function wordChainGraph(words: readonly string[]): FsgSpec {
  const arcs = words.map((word, i) => ({ from: i, to: i + 1, word }));
  const boundaries = Array.from({ length: words.length + 1 }, (_, i) => i);
  return {
    states: words.length + 1,
    start: 0,
    final: words.length,
    arcs,
    silence: { word: SILENCE_WORD, states: boundaries, probability: SILENCE_PROBABILITY },
  };
}

/**
 * Each word's phones (as dictionary "words") in order, silence only between words.
 * `phoneWord` names the dictionary entry of a phone (e.g. `ph_ah` for AH).
 */
export function phoneChainGraph(
  pronunciations: readonly (readonly string[])[],
  phoneWord: (phone: string) => string,
): FsgSpec {
  const arcs: { from: number; to: number; word: string }[] = [];
  const boundaries = [0];
  let state = 0;
  for (const phones of pronunciations) {
    for (const phone of phones) {
      arcs.push({ from: state, to: state + 1, word: phoneWord(phone) });
      state++;
    }
    boundaries.push(state);
  }
  return {
    states: state + 1,
    start: 0,
    final: state,
    arcs,
    silence: { word: SILENCE_WORD, states: boundaries, probability: SILENCE_PROBABILITY },
  };
}

/**
 * The union of `sentences`: each is its own chain from the shared start state to the shared
 * final state, so the best path is the best forced alignment of whichever sentence wins.
 * An empty sentence is an epsilon arc (pure silence).
 */
export function sentenceUnionGraph(sentences: readonly (readonly string[])[]): FsgSpec {
  const arcs: { from: number; to: number; word: string | null }[] = [];
  const start = 0;
  const final = 1;
  let next = 2;
  for (const words of sentences) {
    if (words.length === 0) {
      arcs.push({ from: start, to: final, word: null });
      continue;
    }
    let from = start;
    words.forEach((word, i) => {
      const to = i === words.length - 1 ? final : next++;
      arcs.push({ from, to, word });
      from = to;
    });
  }
  const all = Array.from({ length: next }, (_, i) => i);
  return {
    states: next,
    start,
    final,
    arcs,
    silence: { word: SILENCE_WORD, states: all, probability: SILENCE_PROBABILITY },
  };
}
