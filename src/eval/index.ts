/**
 * Corpus evaluation: how well the engines align and recognise a Kaldi-style corpus
 * (`voxgate eval …`).
 *
 * ### Examples
 * ```ts
 * import { evaluateRecognition, readCorpus } from '../eval/index.js';
 * const corpus = await readCorpus('/work/shared/corpus/speechocean762-train');
 * const { wer } = await evaluateRecognition(corpus.utterances.slice(0, 100), { engine, workers: 2 });
 * ```
 */
export {
  CorpusError,
  normaliseWords,
  readCorpus,
  type Corpus,
  type CorpusUtterance,
} from './corpus.js';
export {
  decodeUtterances,
  type DecodedUtterance,
  type DecodeOptions,
} from './decode-utterances.js';
export {
  DEFAULT_WRONG_TEXT_SEED,
  evaluateAlignment,
  isAligned,
  type AlignmentEvaluation,
  type AlignmentEvaluationOptions,
} from './evaluate-alignment.js';
export { evaluateRecognition, type RecognitionEvaluation } from './evaluate-recognition.js';
export { forEachConcurrent } from './for-each-concurrent.js';
export { aucMannWhitney, errorCount, wer, wordErrors, type WordErrors } from './metrics.js';
export type { EvaluationOptions, EvaluationTiming } from './run-evaluation.js';
export { chooseWrongTexts } from './wrong-text.js';
export { substituteWords, type Substitution } from './substitute-word.js';
export { runEvaluation } from './run-evaluation.js';
export {
  evaluateScripted,
  type ScriptedEvaluation,
  type ScriptedEvaluationOptions,
} from './evaluate-scripted.js';
