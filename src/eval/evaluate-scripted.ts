import { pcm16ToFloat32 } from '../audio/features/index.js';
import type { AsrEngine } from '../engines/index.js';
import { scorePronunciation, type PronunciationModel } from '../engines/pronunciation/index.js';
import { StressDictionary, assessScripted } from '../speech/scripted/index.js';
import type { CorpusUtterance } from './corpus.js';
import { aucMannWhitney } from './metrics.js';
import { runEvaluation, utteranceError, type EvaluationTiming } from './run-evaluation.js';
import { substituteWords } from './substitute-word.js';
import { chooseWrongTexts } from './wrong-text.js';

export interface ScriptedEvaluationOptions {
  readonly engine: AsrEngine;
  readonly model: PronunciationModel;
  /** Utterances assessed at once; each assessment runs two engine calls in parallel. */
  readonly lanes: number;
  readonly seed?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ScriptedEvaluation extends EvaluationTiming {
  readonly utterances: number;
  /** AUC of the sentence score: own sentence (positive) vs another of similar length. */
  readonly wrongSentenceAuc: number;
  /** AUC of the word score: unchanged words (positive) vs the one substituted word. */
  readonly substitutedWordAuc: number;
  /** Mean latency of one assessment (own sentence, VAD + loop ‖ alignment + scoring) / audio. */
  readonly latencyRtf: number;
}

/**
 * The scripted assessment measured on a corpus. Each utterance is assessed against its own
 * sentence through `assessScripted` (the API's code path; timed), then its audio is aligned to
 * (a) another utterance's sentence of similar length and (b) its sentence with one word
 * replaced by another word of similar length, both scored with the same phone loop.
 *
 * ### Examples
 * ```ts
 * const r = await evaluateScripted(corpus.utterances, corpus.utterances, { engine, model, lanes: 1 });
 * r.wrongSentenceAuc; // e.g. 0.99
 * ```
 */
export async function evaluateScripted(
  utterances: readonly CorpusUtterance[],
  corpus: readonly CorpusUtterance[],
  options: ScriptedEvaluationOptions,
): Promise<ScriptedEvaluation> {
  const { engine, model } = options;
  const stress = new StressDictionary();
  const seed = options.seed ?? 1;
  const wrongTexts = chooseWrongTexts(corpus, seed);
  const substitutions = substituteWords(corpus, seed);
  const ownScores: number[] = [];
  const wrongScores: number[] = [];
  const keptWords: number[] = [];
  const substitutedWords: number[] = [];
  let latencySec = 0;

  const timing = await runEvaluation(
    utterances,
    {
      engine,
      workers: options.lanes,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    },
    async (utterance, pcm) => {
      const samples = pcm16ToFloat32(pcm);
      const started = performance.now();
      const own = await assessScripted(
        { engine, model, stress },
        { samples, sentences: [utterance.sentence], plan: 'standard' },
      ).catch((e: unknown) => {
        throw utteranceError(utterance, 'assessment', e);
      });
      latencySec += (performance.now() - started) / 1000;
      ownScores.push(own.utterances[0]!.score);

      const loop = await engine.phoneLoop(pcm);
      const wrong = wrongTexts.get(utterance.id);
      if (wrong) {
        const alignment = await engine.align(pcm, wrong.words).catch(() => null);
        // A text the engine cannot fit to the audio at all is rejected: the lowest score.
        wrongScores.push(alignment ? scorePronunciation(model, alignment, loop).score : -1);
      }
      const sub = substitutions.get(utterance.id);
      if (sub) {
        const alignment = await engine.align(pcm, sub.words).catch(() => null);
        if (alignment === null) {
          substitutedWords.push(-1);
          return;
        }
        for (const w of scorePronunciation(model, alignment, loop).words)
          (w.index === sub.index ? substitutedWords : keptWords).push(w.score);
      }
    },
  );
  return {
    ...timing,
    utterances: utterances.length,
    wrongSentenceAuc: aucMannWhitney(ownScores, wrongScores),
    substitutedWordAuc: aucMannWhitney(keptWords, substitutedWords),
    latencyRtf: timing.audioSec > 0 ? latencySec / timing.audioSec : NaN,
  };
}
