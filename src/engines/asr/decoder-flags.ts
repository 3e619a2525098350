/**
 * Model paths and the tuned pocketsphinx flags of each decoder. Numbers come from
 * `scripts/measure-asr-speed.ts` on 20 speechocean762 train utterances (see its header for
 * the measured real-time factors); the reasons are next to each flag.
 */
import type { DecoderFlags } from './pocketsphinx.js';

export interface AsrModelPaths {
  /** Acoustic model directory (mdef, means, sendump, feat.params, …). */
  readonly hmmDir: string;
  /** Pronunciation dictionary (CMU format, no stress, like the model's phones). */
  readonly dictPath: string;
  /** Word n-gram language model for free recognition. */
  readonly lmPath: string;
}

/** Where Debian's `pocketsphinx-en-us` package installs the US English model. */
export const DEFAULT_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';

export const DEFAULT_MODEL_PATHS: AsrModelPaths = Object.freeze({
  hmmDir: `${DEFAULT_MODEL_DIR}/en-us`,
  dictPath: `${DEFAULT_MODEL_DIR}/cmudict-en-us.dict`,
  lmPath: `${DEFAULT_MODEL_DIR}/en-us.lm.bin`,
});

/** Beams of the alignment searches (probabilities, as on the pocketsphinx command line). */
export interface Beams {
  readonly beam: number;
  readonly pbeam: number;
  readonly wbeam: number;
}

/**
 * First try: pocketsphinx's defaults. The alignment grammars are tiny, so the cost is the
 * acoustic scoring of the few active senones, and tighter beams saved little (RTF 0.0089 →
 * 0.0079) while making wrong-text alignments fail more often.
 */
export const ALIGN_BEAMS: Beams = Object.freeze({ beam: 1e-48, pbeam: 1e-48, wbeam: 7e-29 });

/**
 * Second try when no path reached the final state (the speaker said something else, or
 * mumbled): wide enough that any audio long enough for the phones aligns.
 */
export const ALIGN_RETRY_BEAMS: Beams = Object.freeze({ beam: 1e-80, pbeam: 1e-80, wbeam: 1e-60 });

/** Flags every decoder shares. */
function common(model: AsrModelPaths): DecoderFlags {
  return {
    '-hmm': model.hmmDir,
    '-dict': model.dictPath,
    // The default voice-activity detection drops non-speech frames before the search, which
    // shifts every time after the first pause: times must be times in the audio.
    '-remove_silence': 'no',
  };
}

/** Forced alignment (words, phones, sentence choice): FSG searches built per request. */
export function alignFlags(model: AsrModelPaths): DecoderFlags {
  return {
    ...common(model),
    // The grammars add their own silence loops, only at word boundaries; pocketsphinx's
    // automatic fillers would also allow noise words anywhere.
    '-fsgusefiller': 'no',
    // Dictionary variants (`read(2)`) become alternatives in the grammar.
    '-fsgusealtpron': 'yes',
    // The FSG search adds the word insertion penalty (times -lw 6.5, about -2.8 nats per word,
    // phone or silence) to the *acoustic* score of each segment. Off, scores are acoustic only,
    // like the phone loop's, so (alignment - loop) / frames is a goodness-of-pronunciation
    // ratio. (With the penalty on, own-vs-wrong-text AUC on 100 train utterances was 0.957
    // rather than 0.946: the penalty acts as a phones-per-second prior, which scoring can add
    // explicitly if it wants one.)
    '-wip': '1.0',
  };
}

/**
 * Free phone loop (goodness of pronunciation): context-independent phones, no phone LM.
 * Without a penalty the uniform loop inserts a phone every few frames (phone error rate 1.21
 * against the canonical phones on the check set); `-pip 0.01` brought it to 0.69, the best of
 * 0.001-0.2, at the same speed (RTF 0.022). The phone bigram LM was slower (0.035) and worse
 * (0.76).
 */
export function loopFlags(model: AsrModelPaths): DecoderFlags {
  return { ...common(model), '-allphone_ci': 'yes', '-pip': '0.01' };
}

/**
 * Free recognition with the word LM. Defaults ran at RTF 0.23; dropping the flat-lexicon
 * second pass (`-fwdflat no`) and narrowing the beams with a cap on active HMMs brought it to
 * ~0.07 with the same word error rate on the check set (0.82: child and L2 speech is hard for
 * this model). Bestpath stays on: its lattice gives the word posteriors used as confidences.
 * `-topn 2` or `-ds 2` were faster still but clearly worse.
 */
export function lmFlags(model: AsrModelPaths): DecoderFlags {
  return {
    ...common(model),
    '-lm': model.lmPath,
    '-fwdflat': 'no',
    '-bestpath': 'yes',
    '-beam': '1e-35',
    '-wbeam': '1e-25',
    '-pbeam': '1e-35',
    '-maxhmmpf': '3000',
  };
}
