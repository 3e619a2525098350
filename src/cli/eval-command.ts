import os from 'node:os';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import {
  createAsrPool,
  DEFAULT_START_TIMEOUT_MS,
  type AsrEngine,
  type AsrPool,
} from '../engines/index.js';
import {
  DEFAULT_WRONG_TEXT_SEED,
  evaluateAlignment,
  evaluateRecognition,
  evaluateScripted,
  readCorpus,
  type Corpus,
  type CorpusUtterance,
  type EvaluationTiming,
} from '../eval/index.js';
import {
  DEFAULT_PRONUNCIATION_MODEL_PATH,
  loadPronunciationModel,
} from '../engines/pronunciation/index.js';
import { integer, positiveInteger } from './number-arguments.js';
import { print } from './with-runtime.js';

interface EvalRun {
  readonly corpus: Corpus;
  /** The utterances evaluated: the first `--limit` of the corpus. */
  readonly utterances: readonly CorpusUtterance[];
  readonly engine: AsrEngine;
  readonly workers: number;
  readonly onProgress: (done: number, total: number) => void;
}

/**
 * `voxgate eval align|asr|scripted --corpus <dir>`: measure the speech engines on a Kaldi-style corpus.
 * Each prints one JSON object with `--json` (rates and AUCs as fractions), a summary otherwise,
 * and a progress bar on stderr when that is a terminal.
 */
export function registerEval(program: Command): void {
  const evaluate = program
    .command('eval')
    .description('measure the speech engines on a Kaldi-style corpus (audio/, text, utt2spk)');

  withEvalOptions(
    evaluate
      .command('align')
      .description(
        'forced alignment: utterances aligned to their own text, and the AUC of a GOP-like ' +
          'score (alignment vs free phone loop, per frame) for own text vs another of similar length',
      ),
  )
    .option(
      '--seed <n>',
      'seed for choosing the wrong texts among equally long ones',
      integer,
      DEFAULT_WRONG_TEXT_SEED,
    )
    .option(
      '--model <file>',
      'pronunciation model scoring the texts',
      DEFAULT_PRONUNCIATION_MODEL_PATH,
    )
    .option('--gop', 'score texts by the plain mean phone GOP instead of the model')
    .addHelpText(
      'after',
      '\n--json prints {"utterances","aligned","rtf","wrong_text_auc"}; rtf is per core.',
    )
    .action((options: Record<string, unknown>) =>
      withEngine('eval align', options, async (run) => {
        const result = await evaluateAlignment(run.utterances, run.corpus.utterances, {
          engine: run.engine,
          workers: run.workers,
          ...(options.gop === true ? {} : { model: loadPronunciationModel(String(options.model)) }),
          seed: typeof options.seed === 'number' ? options.seed : DEFAULT_WRONG_TEXT_SEED,
          onProgress: run.onProgress,
        });
        print(
          options.json === true,
          {
            utterances: result.utterances,
            aligned: result.aligned,
            rtf: result.rtf,
            wrong_text_auc: finiteOrNull(result.wrongTextAuc),
          },
          [
            corpusLine(run),
            `aligned          ${result.aligned} / ${result.utterances} (${percent(result.aligned / result.utterances)})` +
              (result.ownFailures > 0 ? `, ${result.ownFailures} refused by the engine` : ''),
            `wrong-text AUC   ${fixed(result.wrongTextAuc, 4)} (${result.utterances} own vs ${result.wrongTexts} wrong texts` +
              `, ${result.wrongFailures} of them refused by the engine)`,
            timingLine(result),
          ].join('\n'),
        );
      }),
    );

  withEvalOptions(
    evaluate
      .command('scripted')
      .description(
        'scripted assessment: AUC of the sentence score for own vs another sentence, and of the ' +
          'word score for a substituted word vs the unchanged words',
      ),
  )
    .option(
      '--seed <n>',
      'seed for the wrong sentences and substituted words',
      integer,
      DEFAULT_WRONG_TEXT_SEED,
    )
    .option('--model <file>', 'pronunciation model', DEFAULT_PRONUNCIATION_MODEL_PATH)
    .addHelpText(
      'after',
      '\n--json prints {"utterances","wrong_sentence_auc","substituted_word_auc","rtf"}; rtf is the ' +
        'latency of one assessment (VAD, phone loop and alignment on two workers in parallel, ' +
        'scoring) per second of audio, with one assessment per two workers.',
    )
    .action((options: Record<string, unknown>) =>
      withEngine('eval scripted', options, async (run) => {
        const model = loadPronunciationModel(String(options.model));
        const result = await evaluateScripted(run.utterances, run.corpus.utterances, {
          engine: run.engine,
          model,
          lanes: Math.max(1, Math.floor(run.workers / 2)),
          seed: typeof options.seed === 'number' ? options.seed : DEFAULT_WRONG_TEXT_SEED,
          onProgress: run.onProgress,
        });
        print(
          options.json === true,
          {
            utterances: result.utterances,
            wrong_sentence_auc: finiteOrNull(result.wrongSentenceAuc),
            substituted_word_auc: finiteOrNull(result.substitutedWordAuc),
            rtf: result.latencyRtf,
          },
          [
            corpusLine(run),
            `wrong-sentence AUC   ${fixed(result.wrongSentenceAuc, 4)} (sentence score, own vs another sentence)`,
            `substituted-word AUC ${fixed(result.substitutedWordAuc, 4)} (word score, replaced vs unchanged words)`,
            `latency rtf          ${fixed(result.latencyRtf, 3)} (one assessment on two workers)`,
            timingLine(result),
          ].join('\n'),
        );
      }),
    );

  withEvalOptions(
    evaluate
      .command('asr')
      .description('free recognition: word error rate against the prompted sentences'),
  )
    .addHelpText('after', '\n--json prints {"utterances","wer","rtf"}; rtf is per core.')
    .action((options: Record<string, unknown>) =>
      withEngine('eval asr', options, async (run) => {
        const result = await evaluateRecognition(run.utterances, {
          engine: run.engine,
          workers: run.workers,
          onProgress: run.onProgress,
        });
        print(
          options.json === true,
          { utterances: result.utterances, wer: result.wer, rtf: result.rtf },
          [
            corpusLine(run),
            `WER              ${percent(result.wer)} of ${result.referenceWords} words ` +
              `(${result.substitutions} substitutions, ${result.deletions} deletions, ${result.insertions} insertions)` +
              (result.failures > 0 ? `, ${result.failures} utterances refused by the engine` : ''),
            timingLine(result),
          ].join('\n'),
        );
      }),
    );
}

function withEvalOptions(command: Command): Command {
  return command
    .requiredOption('--corpus <dir>', 'corpus directory: audio/<uttid>.flac, text, utt2spk')
    .option('--limit <n>', 'evaluate only the first n utterances of `text`', positiveInteger)
    .option(
      '--workers <n>',
      'engine worker processes, utterances evaluated in parallel',
      positiveInteger,
      os.availableParallelism(),
    )
    .option('--json', 'one JSON object on stdout');
}

/** Reads the corpus, starts the engine pool, shows progress, and closes everything afterwards. */
async function withEngine(
  label: string,
  options: Record<string, unknown>,
  work: (run: EvalRun) => Promise<void>,
): Promise<void> {
  const corpus = await readCorpus(String(options.corpus));
  const limit = typeof options.limit === 'number' ? options.limit : corpus.utterances.length;
  const utterances = corpus.utterances.slice(0, limit);
  const requested = typeof options.workers === 'number' ? options.workers : 1;
  // More workers than utterances would only load models nobody uses.
  const workers = Math.min(requested, utterances.length);
  const engine = await createAsrPool({ workers });
  const bar =
    options.json !== true && process.stderr.isTTY
      ? new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: `${label} [{bar}] {value}/{total} utterances | {duration_formatted} | ETA {eta_formatted}`,
            etaBuffer: 50,
            clearOnComplete: true,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  try {
    await allWorkersStarted(engine);
    bar?.start(utterances.length, 0);
    await work({
      corpus,
      utterances,
      engine,
      workers,
      onProgress: (done) => bar?.update(done),
    });
  } finally {
    bar?.stop();
    await engine.close();
  }
}

/**
 * `createAsrPool` resolves when the first worker answers; the others may still be loading
 * models, which must not count in the real-time factor. Gives up after the start timeout (the
 * pool reports workers that never start on its own).
 */
async function allWorkersStarted(pool: AsrPool): Promise<void> {
  const deadline = Date.now() + DEFAULT_START_TIMEOUT_MS;
  while (pool.stats().workers.some((w) => w.state === 'starting') && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
}

function corpusLine(run: EvalRun): string {
  return `corpus           ${run.corpus.dir} (${run.utterances.length} of ${run.corpus.utterances.length} utterances)`;
}

function timingLine(timing: EvaluationTiming): string {
  return (
    `rtf              ${fixed(timing.rtf, 3)} per core (${timing.workers} workers, ` +
    `${timing.wallSec.toFixed(1)} s wall for ${timing.audioSec.toFixed(1)} s of audio)`
  );
}

/** JSON has no NaN (an AUC with no negatives): null says "not measured". */
function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

function percent(fraction: number): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(1)}%` : 'n/a';
}
