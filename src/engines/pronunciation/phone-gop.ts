import type { Alignment, TimedSegment } from '../asr/asr-engine.js';

/** One aligned phone with its goodness of pronunciation. */
export interface PhoneGop {
  /** ARPAbet without stress, e.g. 'AE'. */
  readonly phone: string;
  readonly startSec: number;
  readonly endSec: number;
  readonly frames: number;
  /**
   * (aligned score − free phone loop score over the same span) / frames: natural-log
   * likelihood ratio per 10 ms frame. ≤ 0 up to search noise; 0 means the expected phone is as
   * likely as the best free phone sequence.
   */
  readonly gop: number;
}

/** The phones of one word of the requested text, in order. */
export interface WordGops {
  /** Index of the word in the requested text. */
  readonly index: number;
  readonly word: string;
  readonly startSec: number;
  readonly endSec: number;
  readonly phones: readonly PhoneGop[];
}

/**
 * Goodness of pronunciation of every aligned phone: how much the expected phone costs against
 * the best unconstrained phone sequence over the same frames (Witt & Young's GOP, with the
 * free phone loop as the competitor). A loop segment that straddles a phone boundary counts
 * pro rata.
 *
 * ### Examples
 * ```ts
 * const words = phoneGops(await engine.align(pcm, ['we', 'call']), await engine.phoneLoop(pcm));
 * words[0]!.phones[0]!.gop; // e.g. -0.4
 * ```
 */
export function phoneGops(alignment: Alignment, loop: readonly TimedSegment[]): WordGops[] {
  return alignment.words.map((word) => ({
    index: word.index,
    word: word.label,
    startSec: word.startSec,
    endSec: word.endSec,
    phones: word.phones.map((p) => ({
      phone: p.label,
      startSec: p.startSec,
      endSec: p.endSec,
      frames: p.frames,
      gop: (p.acousticScore - loopScoreIn(loop, p.startSec, p.endSec)) / Math.max(1, p.frames),
    })),
  }));
}

/** The loop's score inside [start, end), pro rata for segments that straddle the edges. */
export function loopScoreIn(loop: readonly TimedSegment[], start: number, end: number): number {
  let sum = 0;
  for (const s of loop) {
    if (s.endSec <= start) continue;
    if (s.startSec >= end) break;
    const overlap = Math.min(end, s.endSec) - Math.max(start, s.startSec);
    if (overlap > 0 && s.endSec > s.startSec)
      sum += (s.acousticScore * overlap) / (s.endSec - s.startSec);
  }
  return sum;
}
