/**
 * The speaker engine's commands: `voxgate train speaker` (the model in models/speaker),
 * `voxgate eval speaker` (EER and minDCF of Kaldi-style lists) and `voxgate eval speaker-lists`
 * (such lists generated from a corpus).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { DEFAULT_AUDIO_LIMITS } from '../audio/index.js';
import {
  DEFAULT_ENROLL_UTTERANCES,
  DEFAULT_NONTARGET_MODELS,
  DEFAULT_SPEAKER_MODEL_DIR,
  DEFAULT_TRAINING,
  formatEnrollment,
  formatTrials,
  generateTrialLists,
  loadSpeakerModel,
  median,
  parseEnrollment,
  parseTrials,
  scoreTrials,
  trainSpeakerModel,
  type TrainingProgress,
  type UtteranceStatistics,
} from '../engines/index.js';
import { CorpusError, decodeUtterances, readCorpus } from '../eval/index.js';
import { integer, positiveInteger } from './number-arguments.js';
import { print } from './with-runtime.js';

/** Default work directory of `train speaker` (checkpoints; gitignored). */
export const DEFAULT_SPEAKER_WORK_DIR = '.tmp/speaker-train';

/**
 * Registers `train speaker` and, under the existing `eval` command, `eval speaker` and
 * `eval speaker-lists`. Call after `registerEval`.
 */
export function registerSpeakerCommands(program: Command): void {
  const train =
    program.commands.find((c) => c.name() === 'train') ??
    program.command('train').description('train the models that ship in models/');
  train
    .command('speaker')
    .description(
      'train the speaker verification model (UBM, i-vectors, LDA/WCCN, calibration) on a ' +
        'Kaldi-style corpus; resumable from the checkpoints in --work-dir',
    )
    .requiredOption('--corpus <dir>', 'corpus directory: audio/<uttid>.flac, text, utt2spk')
    .option('--out <dir>', 'where the model files go', DEFAULT_SPEAKER_MODEL_DIR)
    .option('--work-dir <dir>', 'checkpoints of every stage', DEFAULT_SPEAKER_WORK_DIR)
    .option('--seed <n>', 'seed of every random choice', integer, DEFAULT_TRAINING.seed)
    .option(
      '--dev-speakers <n>',
      'speakers held out for calibration',
      positiveInteger,
      DEFAULT_TRAINING.devSpeakers,
    )
    .option('--components <n>', 'UBM Gaussians', positiveInteger, DEFAULT_TRAINING.components)
    .option('--ivector-dim <n>', 'i-vector size', positiveInteger, DEFAULT_TRAINING.ivectorDim)
    .option(
      '--embedding-dim <n>',
      'LDA output size',
      positiveInteger,
      DEFAULT_TRAINING.embeddingDim,
    )
    .option(
      '--ubm-frames <n>',
      'frames sampled for the UBM',
      positiveInteger,
      DEFAULT_TRAINING.ubmFrames,
    )
    .option(
      '--tv-iterations <n>',
      'EM iterations of T',
      positiveInteger,
      DEFAULT_TRAINING.tvIterations,
    )
    .option('--no-augment', 'train on the clean audio only')
    .option('--json', 'one JSON object on stdout')
    .action(async (options: Record<string, unknown>) => {
      const corpus = await readCorpus(String(options.corpus));
      const utterances = corpus.utterances.flatMap((u) =>
        u.speaker === null ? [] : [{ id: u.id, speaker: u.speaker, audioPath: u.audioPath }],
      );
      if (utterances.length === 0)
        throw new CorpusError(`${corpus.dir}: no utterance has a speaker in utt2spk`);
      const progress = trainingProgress(options.json === true);
      const num = (key: string, fallback: number) =>
        typeof options[key] === 'number' ? options[key] : fallback;
      try {
        const result = await trainSpeakerModel({
          utterances,
          outDir: String(options.out),
          workDir: String(options.workDir),
          seed: num('seed', DEFAULT_TRAINING.seed),
          devSpeakers: num('devSpeakers', DEFAULT_TRAINING.devSpeakers),
          components: num('components', DEFAULT_TRAINING.components),
          ivectorDim: num('ivectorDim', DEFAULT_TRAINING.ivectorDim),
          embeddingDim: num('embeddingDim', DEFAULT_TRAINING.embeddingDim),
          ubmFrames: num('ubmFrames', DEFAULT_TRAINING.ubmFrames),
          ubmIterations: DEFAULT_TRAINING.ubmIterations,
          tvIterations: num('tvIterations', DEFAULT_TRAINING.tvIterations),
          cohortSize: DEFAULT_TRAINING.cohortSize,
          cohortTopN: DEFAULT_TRAINING.cohortTopN,
          augment: options.augment !== false,
          progress,
        });
        progress.done();
        print(
          options.json === true,
          result,
          [
            `model            ${result.version} in ${String(options.out)}`,
            `dev 16 kHz       EER ${percent(result.dev['16k']!.eer)}, minDCF(0.01) ${result.dev['16k']!.minDcf.toFixed(3)} (${result.dev['16k']!.trials} trials)`,
            `dev 8 kHz        EER ${percent(result.dev['8k']!.eer)}, minDCF(0.01) ${result.dev['8k']!.minDcf.toFixed(3)}`,
            `threshold        ${result.threshold.score} (dev FAR ${percent(result.threshold.falseAcceptRate)}, FRR ${percent(result.threshold.falseRejectRate)})`,
          ].join('\n'),
        );
      } finally {
        progress.done();
      }
    });

  const evaluate =
    program.commands.find((c) => c.name() === 'eval') ??
    program.command('eval').description('measure the engines on a Kaldi-style corpus');

  evaluate
    .command('speaker')
    .description(
      'speaker verification: enroll the models of --enroll, score the trials of --trials, ' +
        'report the equal error rate and minDCF (p_target 0.01)',
    )
    .requiredOption('--corpus <dir>', 'corpus directory: audio/<uttid>.flac, text')
    .requiredOption('--enroll <file>', 'lines "<model-id> <uttid> <uttid> …"')
    .requiredOption('--trials <file>', 'lines "<model-id> <uttid> target|nontarget"')
    .option('--model <dir>', 'speaker model directory', DEFAULT_SPEAKER_MODEL_DIR)
    .option('--json', 'one JSON object on stdout')
    .addHelpText(
      'after',
      '\n--json prints {"trials","eer","min_dcf","enroll_seconds_median","rtf"}; rates are ' +
        'fractions, rtf is engine time per second of audio on one core.',
    )
    .action(async (options: Record<string, unknown>) => {
      const corpus = await readCorpus(String(options.corpus));
      const enrollFile = String(options.enroll);
      const trialsFile = String(options.trials);
      const enroll = parseEnrollment(await readFile(enrollFile, 'utf8'), enrollFile);
      const trials = parseTrials(await readFile(trialsFile, 'utf8'), trialsFile);
      const needed = new Set<string>();
      for (const e of enroll) for (const u of e.utterances) needed.add(u);
      for (const t of trials) needed.add(t.utterance);
      const byId = new Map(corpus.utterances.map((u) => [u.id, u]));
      const missing = [...needed].filter((id) => !byId.has(id));
      if (missing.length > 0)
        throw new CorpusError(
          `${missing.length} utterance(s) of the lists are not in ${corpus.dir}: ${missing.slice(0, 5).join(', ')}`,
        );
      const model = await loadSpeakerModel(String(options.model));
      const utterances = [...needed].sort().map((id) => byId.get(id)!);
      const bar = progressBar(options.json !== true, 'eval speaker', 'utterances');
      bar?.start(utterances.length, 0);
      const stats = new Map<string, UtteranceStatistics>();
      let engineMs = 0;
      let audioSec = 0;
      try {
        for await (const { utterance, audio } of decodeUtterances(utterances, {
          concurrency: 4,
          limits: DEFAULT_AUDIO_LIMITS,
        })) {
          const started = performance.now();
          stats.set(utterance.id, model.statistics(audio.samples));
          engineMs += performance.now() - started;
          audioSec += audio.samples.length / 16000;
          bar?.update(stats.size);
        }
      } finally {
        bar?.stop();
      }
      const started = performance.now();
      const scored = scoreTrials(model, enroll, trials, (id) => stats.get(id));
      engineMs += performance.now() - started;
      const result = {
        trials: trials.length,
        eer: scored.eer,
        min_dcf: scored.minDcf,
        enroll_seconds_median: median(scored.enrollSeconds),
        rtf: engineMs / 1000 / audioSec,
      };
      print(
        options.json === true,
        result,
        [
          `corpus           ${corpus.dir} (${utterances.length} utterances, model ${model.version})`,
          `trials           ${trials.length} (${scored.targets.length} target, ${scored.nontargets.length} non-target)`,
          `EER              ${percent(result.eer)}`,
          `minDCF(0.01)     ${result.min_dcf.toFixed(3)}`,
          `enrollment       ${result.enroll_seconds_median.toFixed(1)} s net speech (median)`,
          `rtf              ${result.rtf.toFixed(4)} (one core, ${audioSec.toFixed(0)} s of audio)`,
        ].join('\n'),
      );
    });

  evaluate
    .command('speaker-lists')
    .description(
      'write enrollment and trial lists for a corpus: per speaker, N utterances enroll a ' +
        'model and every other utterance is tried against it and M other models',
    )
    .requiredOption('--corpus <dir>', 'corpus directory with utt2spk')
    .requiredOption('--enroll <file>', 'the enrollment list to write')
    .requiredOption('--trials <file>', 'the trial list to write')
    .option(
      '--enroll-utterances <n>',
      'enrollment utterances per speaker',
      positiveInteger,
      DEFAULT_ENROLL_UTTERANCES,
    )
    .option(
      '--nontargets <n>',
      'other models per test utterance',
      positiveInteger,
      DEFAULT_NONTARGET_MODELS,
    )
    .option('--seed <n>', 'seed of the random choices', integer, 1)
    .option('--json', 'one JSON object on stdout')
    .action(async (options: Record<string, unknown>) => {
      const corpus = await readCorpus(String(options.corpus));
      const lists = generateTrialLists(corpus.utterances, {
        enrollUtterances: Number(options.enrollUtterances),
        nontargetModels: Number(options.nontargets),
        seed: Number(options.seed),
      });
      await writeFile(String(options.enroll), formatEnrollment(lists.enroll));
      await writeFile(String(options.trials), formatTrials(lists.trials));
      const targets = lists.trials.filter((t) => t.target).length;
      print(
        options.json === true,
        { models: lists.enroll.length, trials: lists.trials.length, targets },
        `${lists.enroll.length} models in ${path.resolve(String(options.enroll))}, ` +
          `${lists.trials.length} trials (${targets} target) in ${path.resolve(String(options.trials))}`,
      );
    });
}

function progressBar(
  show: boolean,
  label: string,
  unit: string,
): cliProgress.SingleBar | undefined {
  if (!show || !process.stderr.isTTY) return undefined;
  return new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {value}/{total} ${unit} | {duration_formatted} | ETA {eta_formatted}`,
      etaBuffer: 50,
      clearOnComplete: true,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
}

/** Stage bars on a terminal, one log line per stage otherwise (never on stdout). */
function trainingProgress(json: boolean): TrainingProgress & { done(): void } {
  const tty = process.stderr.isTTY && !json;
  let bar: cliProgress.SingleBar | undefined;
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    stage(name, total) {
      stop();
      if (tty) {
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: `${name.padEnd(28)} [{bar}] {value}/{total} | {duration_formatted} | ETA {eta_formatted}`,
            etaBuffer: 100,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0);
      } else process.stderr.write(`train speaker: ${name} (${total})\n`);
    },
    tick(done) {
      bar?.update(done);
    },
    log(message) {
      stop();
      process.stderr.write(`train speaker: ${message}\n`);
    },
    done: stop,
  };
}

function percent(fraction: number): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(2)} %` : 'n/a';
}
