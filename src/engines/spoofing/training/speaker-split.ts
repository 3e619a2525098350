/**
 * The seeded speaker split of the recipe: training speakers (the GMMs), calibration speakers
 * (the RiskScore mapping and the choice of settings) and test speakers (the reported figures;
 * nothing is fitted on them). The speaker engine's stratified split is used, so children and
 * adults are held out in proportion to their numbers and both groups can be reported apart.
 */
import { splitSpeakersByGroup } from '../speaker-engine-parts.js';

export interface SpeakerSplit {
  readonly train: readonly string[];
  readonly calibration: readonly string[];
  readonly test: readonly string[];
}

/**
 * The speakers shuffled with `seed` inside each group of `groupOf` (one group when it is not
 * given); `test` and `calibration` speakers held out in proportion (each list sorted).
 *
 * ### Examples
 * ```ts
 * splitSpeakers(['a', 'b', 'c', 'd'], 1, 1, 1); // { train: [2 ids], calibration: [1], test: [1] }
 * ```
 */
export function splitSpeakers(
  speakers: readonly string[],
  seed: number,
  calibration: number,
  test: number,
  groupOf: (speaker: string) => string | undefined = () => undefined,
): SpeakerSplit {
  return splitSpeakersByGroup(speakers, groupOf, { calibration, test }, seed);
}
