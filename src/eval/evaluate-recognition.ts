import type { CorpusUtterance } from './corpus.js';
import { normaliseWords } from './corpus.js';
import { errorCount, wordErrors } from './metrics.js';
import {
  runEvaluation,
  utteranceError,
  type EvaluationOptions,
  type EvaluationTiming,
} from './run-evaluation.js';

export interface RecognitionEvaluation extends EvaluationTiming {
  readonly utterances: number;
  readonly referenceWords: number;
  readonly substitutions: number;
  readonly deletions: number;
  readonly insertions: number;
  /** Recognitions the engine refused; scored as an empty hypothesis (all deletions). */
  readonly failures: number;
  /** (substitutions + deletions + insertions) / reference words, over the whole set. */
  readonly wer: number;
}

/**
 * Free recognition on a corpus, scored against the prompted sentences (both normalised with
 * `normaliseWords`).
 *
 * ### Examples
 * ```ts
 * const { wer, rtf } = await evaluateRecognition(corpus.utterances.slice(0, 200), {
 *   engine,
 *   workers: 4,
 * });
 * ```
 */
export async function evaluateRecognition(
  utterances: readonly CorpusUtterance[],
  options: EvaluationOptions,
): Promise<RecognitionEvaluation> {
  let referenceWords = 0;
  let substitutions = 0;
  let deletions = 0;
  let insertions = 0;
  let failures = 0;
  let firstFailure: Error | undefined;

  const timing = await runEvaluation(utterances, options, async (utterance, pcm) => {
    let hypothesis: string[] = [];
    try {
      hypothesis = normaliseWords((await options.engine.recognize(pcm)).text);
    } catch (e) {
      failures++;
      firstFailure ??= utteranceError(utterance, 'recognition', e);
    }
    const errors = wordErrors(utterance.words, hypothesis);
    referenceWords += utterance.words.length;
    substitutions += errors.substitutions;
    deletions += errors.deletions;
    insertions += errors.insertions;
  });

  if (firstFailure && failures === utterances.length) throw firstFailure;
  const edits = errorCount({ substitutions, deletions, insertions });
  return {
    ...timing,
    utterances: utterances.length,
    referenceWords,
    substitutions,
    deletions,
    insertions,
    failures,
    wer: referenceWords > 0 ? edits / referenceWords : NaN,
  };
}
