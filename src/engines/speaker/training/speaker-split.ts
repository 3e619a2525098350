/**
 * The three-way speaker split of `voxgate train speaker`: training speakers (UBM, T, backend,
 * cohort), calibration speakers (fusion and score calibration only) and test speakers (never
 * touched by training; the figures the model reports are on them). Speakers are shuffled with
 * the seed inside each group (children and adults when the corpus says who is who), and every
 * group gives calibration and test speakers in proportion to its size, so each set has the same
 * mix.
 */
import { SeededRandom } from './seeded-random.js';

/** Which speakers do what. Every list is sorted. */
export interface SpeakerSplit {
  readonly train: readonly string[];
  readonly calibration: readonly string[];
  readonly test: readonly string[];
}

/** How many calibration and test speakers to hold out (the rest train). */
export interface SplitSizes {
  readonly calibration: number;
  readonly test: number;
}

/**
 * Splits `speakers` three ways. `groupOf` names a speaker's group (e.g. 'child' or 'adult');
 * speakers without one form their own group. The same speakers, groups, sizes and seed give the
 * same split.
 *
 * ### Examples
 * ```ts
 * const split = splitSpeakers(speakers, (s) => ages[s] < 15 ? 'child' : 'adult', { calibration: 15, test: 30 }, 1);
 * ```
 */
export function splitSpeakers(
  speakers: readonly string[],
  groupOf: (speaker: string) => string | undefined,
  sizes: SplitSizes,
  seed: number,
): SpeakerSplit {
  const unique = [...new Set(speakers)].sort();
  if (sizes.calibration + sizes.test >= unique.length)
    throw new RangeError(
      `${unique.length} speakers cannot give ${sizes.calibration} calibration and ${sizes.test} test speakers and still train`,
    );
  const groups = new Map<string, string[]>();
  for (const s of unique) {
    const g = groupOf(s) ?? '';
    const list = groups.get(g) ?? [];
    list.push(s);
    groups.set(g, list);
  }
  const random = new SeededRandom(seed);
  const names = [...groups.keys()].sort();
  // Largest-remainder apportionment of each held-out set over the groups.
  const apportion = (total: number): Map<string, number> => {
    const exact = names.map((g) => (total * groups.get(g)!.length) / unique.length);
    const counts = exact.map(Math.floor);
    let left = total - counts.reduce((a, b) => a + b, 0);
    const order = names
      .map((_, i) => i)
      .sort((a, b) => exact[b]! - counts[b]! - (exact[a]! - counts[a]!) || a - b);
    for (const i of order) {
      if (left === 0) break;
      counts[i]!++;
      left--;
    }
    return new Map(names.map((g, i) => [g, counts[i]!]));
  };
  const testCounts = apportion(sizes.test);
  const calibrationCounts = apportion(sizes.calibration);
  const train: string[] = [];
  const calibration: string[] = [];
  const test: string[] = [];
  for (const g of names) {
    const shuffled = random.shuffle(groups.get(g)!);
    const t = testCounts.get(g)!;
    const c = calibrationCounts.get(g)!;
    test.push(...shuffled.slice(0, t));
    calibration.push(...shuffled.slice(t, t + c));
    train.push(...shuffled.slice(t + c));
  }
  return { train: train.sort(), calibration: calibration.sort(), test: test.sort() };
}

/** Age below which a speaker counts as a child (the corpus has ages 6–13 and 15–37). */
export const CHILD_AGE_LIMIT = 15;

/** 'child' or 'adult' from an age in years. */
export function ageGroup(age: number): 'child' | 'adult' {
  return age < CHILD_AGE_LIMIT ? 'child' : 'adult';
}
