/**
 * The speech engine interface the speech and voice APIs use. Implemented by a pool of
 * pocketsphinx worker processes (./asr-pool.ts); engines never see tenants, HTTP or the store.
 * Audio is 16 kHz mono PCM, 16-bit signed, transferred as bytes, never as JSON.
 *
 * Times are in seconds from the start of the audio. Acoustic scores are natural-log
 * likelihoods (pocketsphinx log-math converted), summed over the segment's frames; `frames`
 * counts 10 ms frames so callers can normalise per frame.
 */

export interface TimedSegment {
  /** A word (dictionary spelling, lower case) or an ARPAbet phone without stress (e.g. 'AH'), or 'SIL'. */
  readonly label: string;
  readonly startSec: number;
  readonly endSec: number;
  readonly frames: number;
  /** Acoustic log-likelihood of the segment (natural log), summed over its frames. */
  readonly acousticScore: number;
}

export interface AlignedWord extends TimedSegment {
  /** Index of the word in the requested text (0-based). */
  readonly index: number;
  /** The pronunciation aligned, ARPAbet without stress, e.g. ['HH', 'AH', 'L', 'OW']. */
  readonly phones: readonly TimedSegment[];
}

export interface Alignment {
  readonly words: readonly AlignedWord[];
  /** Silence/noise segments between and around words. */
  readonly fillers: readonly TimedSegment[];
  /** Total acoustic score of the best path over the whole audio. */
  readonly acousticScore: number;
  readonly frames: number;
  /** Words whose pronunciation came from grapheme-to-phoneme (not in the dictionary). */
  readonly generatedPronunciations: readonly string[];
}

export interface Recognition {
  readonly text: string;
  readonly words: readonly (TimedSegment & { readonly confidence: number })[];
  readonly frames: number;
}

export interface AsrEngine {
  /** Forced alignment of `words` (already normalised: lower case, no punctuation) at word and phone level. */
  align(
    pcm: Int16Array,
    words: readonly string[],
    options?: { readonly deadlineMs?: number },
  ): Promise<Alignment>;
  /** Free phone loop over the same audio (context-independent phones), for goodness of pronunciation. */
  phoneLoop(
    pcm: Int16Array,
    options?: { readonly deadlineMs?: number },
  ): Promise<readonly TimedSegment[]>;
  /** Free recognition with the model's language model, word times and confidences. */
  recognize(pcm: Int16Array, options?: { readonly deadlineMs?: number }): Promise<Recognition>;
  /** Which of `sentences` (each normalised words) was read: index and its alignment. */
  chooseSentence(
    pcm: Int16Array,
    sentences: readonly (readonly string[])[],
    options?: { readonly deadlineMs?: number },
  ): Promise<{ readonly index: number; readonly alignment: Alignment }>;
  /** Resolves when a worker answers (for GET /ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
