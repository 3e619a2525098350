/**
 * The numbers corpus evaluation reports: the area under the ROC curve of a score that should
 * rank positives above negatives, and word error counts for recognition.
 */

/**
 * Area under the ROC curve of `positive` vs `negative` scores, through the Mann–Whitney U
 * statistic: the probability that a random positive scores above a random negative, a tie
 * counting one half. 1 is perfect separation, 0.5 chance, 0 perfectly reversed. NaN when
 * either side is empty. ±Infinity are ordinary values (a failed alignment scores -Infinity);
 * NaN is refused because it has no rank.
 *
 * ### Examples
 * ```ts
 * aucMannWhitney([3, 4], [1, 2]); // 1
 * aucMannWhitney([1, 2], [1, 2]); // 0.5
 * ```
 */
export function aucMannWhitney(positive: readonly number[], negative: readonly number[]): number {
  const nPos = positive.length;
  const nNeg = negative.length;
  if (nPos === 0 || nNeg === 0) return NaN;
  const all: { value: number; positive: boolean }[] = [];
  for (const value of positive) all.push({ value: checked(value), positive: true });
  for (const value of negative) all.push({ value: checked(value), positive: false });
  all.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));

  // Sum of the (1-based, tie-averaged) ranks of the positives.
  let positiveRankSum = 0;
  for (let start = 0; start < all.length;) {
    let end = start;
    while (end + 1 < all.length && all[end + 1]!.value === all[start]!.value) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) if (all[i]!.positive) positiveRankSum += averageRank;
    start = end + 1;
  }
  const u = positiveRankSum - (nPos * (nPos + 1)) / 2;
  return u / (nPos * nNeg);
}

function checked(value: number): number {
  if (Number.isNaN(value)) throw new RangeError('aucMannWhitney: NaN score');
  return value;
}

/** Word-level edit operations that turn a reference into a hypothesis. */
export interface WordErrors {
  readonly substitutions: number;
  readonly deletions: number;
  readonly insertions: number;
}

/**
 * The edit operations of a minimum Levenshtein alignment of `hypothesis` to `reference` (each
 * already normalised words). Among equally short edit paths, substitutions are preferred to a
 * deletion plus an insertion, as NIST sclite counts them.
 *
 * ### Examples
 * ```ts
 * wordErrors(['a', 'b', 'c'], ['a', 'x', 'c', 'd']); // { substitutions: 1, deletions: 0, insertions: 1 }
 * ```
 */
export function wordErrors(
  reference: readonly string[],
  hypothesis: readonly string[],
): WordErrors {
  const n = reference.length;
  const m = hypothesis.length;
  const width = m + 1;
  // cost[i * width + j]: edit distance between reference[0, i) and hypothesis[0, j).
  const cost = new Uint32Array((n + 1) * width);
  for (let i = 0; i <= n; i++) cost[i * width] = i;
  for (let j = 0; j <= m; j++) cost[j] = j;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const diagonal =
        cost[(i - 1) * width + j - 1]! + (reference[i - 1] === hypothesis[j - 1] ? 0 : 1);
      const deletion = cost[(i - 1) * width + j]! + 1;
      const insertion = cost[i * width + j - 1]! + 1;
      cost[i * width + j] = Math.min(diagonal, deletion, insertion);
    }
  }

  let substitutions = 0;
  let deletions = 0;
  let insertions = 0;
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const here = cost[i * width + j]!;
    if (i > 0 && j > 0) {
      const same = reference[i - 1] === hypothesis[j - 1];
      if (here === cost[(i - 1) * width + j - 1]! + (same ? 0 : 1)) {
        if (!same) substitutions++;
        i--;
        j--;
        continue;
      }
    }
    if (i > 0 && here === cost[(i - 1) * width + j]! + 1) {
      deletions++;
      i--;
    } else {
      insertions++;
      j--;
    }
  }
  return { substitutions, deletions, insertions };
}

/** Substitutions + deletions + insertions. */
export function errorCount(errors: WordErrors): number {
  return errors.substitutions + errors.deletions + errors.insertions;
}

/**
 * Word error rate of one hypothesis: edits / reference words. For a corpus, sum the edits and
 * the reference words first (the corpus WER is not the mean of utterance WERs). An empty
 * reference gives 0 for an empty hypothesis and Infinity otherwise.
 *
 * ### Examples
 * ```ts
 * wer(['the', 'cat', 'sat'], ['the', 'cat']); // 1 / 3
 * ```
 */
export function wer(reference: readonly string[], hypothesis: readonly string[]): number {
  const edits = errorCount(wordErrors(reference, hypothesis));
  if (reference.length === 0) return edits === 0 ? 0 : Infinity;
  return edits / reference.length;
}
