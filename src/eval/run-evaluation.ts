import { DEFAULT_AUDIO_LIMITS, toInt16, type AudioLimits } from '../audio/index.js';
import type { AsrEngine } from '../engines/index.js';
import type { CorpusUtterance } from './corpus.js';
import { decodeUtterances } from './decode-utterances.js';
import { forEachConcurrent } from './for-each-concurrent.js';

export interface EvaluationOptions {
  /** The engine pool; it should have `workers` workers so calls never queue inside it. */
  readonly engine: AsrEngine;
  /** Utterances evaluated in parallel. */
  readonly workers: number;
  readonly limits?: AudioLimits;
  /** Called after each utterance (from any lane). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** How long the engines took for how much audio. */
export interface EvaluationTiming {
  readonly audioSec: number;
  /** Wall time of the whole evaluation loop, decoding included, model loading excluded. */
  readonly wallSec: number;
  /** Parallel lanes actually used: min(workers, utterances). */
  readonly workers: number;
  /**
   * Real-time factor per core: wallSec × workers / audioSec. Every lane keeps one engine
   * worker busy, so this is what one core spends per second of audio, overheads included.
   */
  readonly rtf: number;
}

/**
 * Decodes `utterances` ahead of the engines and calls `work` on each with 16-bit PCM, at most
 * `options.workers` at a time; returns the timing.
 */
export async function runEvaluation(
  utterances: readonly CorpusUtterance[],
  options: EvaluationOptions,
  work: (utterance: CorpusUtterance, pcm: Int16Array) => Promise<void>,
): Promise<EvaluationTiming> {
  const workers = Math.max(1, Math.min(Math.floor(options.workers), utterances.length));
  // One decode ahead of every lane keeps the engines fed without holding the corpus in memory.
  const decoded = decodeUtterances(utterances, {
    concurrency: workers + 1,
    limits: options.limits ?? DEFAULT_AUDIO_LIMITS,
  });
  let audioSec = 0;
  let done = 0;
  const started = performance.now();
  await forEachConcurrent(decoded, workers, async ({ utterance, audio }) => {
    audioSec += audio.samples.length / audio.sampleRate;
    await work(utterance, toInt16(audio.samples));
    done++;
    options.onProgress?.(done, utterances.length);
  });
  const wallSec = (performance.now() - started) / 1000;
  return { audioSec, wallSec, workers, rtf: audioSec > 0 ? (wallSec * workers) / audioSec : NaN };
}

/** An engine failure re-thrown with the utterance it happened on. */
export function utteranceError(utterance: CorpusUtterance, what: string, cause: unknown): Error {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new Error(`utterance ${utterance.id}: ${what} failed: ${message}`, { cause });
}
