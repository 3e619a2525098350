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
import { detectSpeech } from '../audio/features/index.js';
import {
  ageGroup,
  CHANNELS,
  DEFAULT_ENROLL_UTTERANCES,
  DEFAULT_NONTARGET_MODELS,
  DEFAULT_SESSION_PARTITIONS,
  DEFAULT_SESSION_TEST_SECONDS,
  DEFAULT_SPEAKER_MODEL_DIR,
  DEFAULT_TRAINING,
  evaluateLists,
  formatEnrollment,
  formatTrials,
  generateSessionLists,
  generateTrialLists,
  isChannel,
  loadSpeakerModel,
  parseEnrollment,
  parseTrials,
  trainSpeakerModel,
  type EvaluationUtterance,
  type RateWithInterval,
  type TimedUtterance,
  type TrainingProgress,
  type TrialSummary,
} from '../engines/index.js';
import {
  CorpusError,
  decodeUtterances,
  readCorpus,
  type Corpus,
  type CorpusUtterance,
} from '../eval/index.js';
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
      '--calibration-speakers <n>',
      'speakers held out for the fusion and score calibration',
      positiveInteger,
      DEFAULT_TRAINING.calibrationSpeakers,
    )
    .option(
      '--test-speakers <n>',
      'speakers held out of everything (the reported figures)',
      integer,
      DEFAULT_TRAINING.testSpeakers,
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
          calibrationSpeakers: num('calibrationSpeakers', DEFAULT_TRAINING.calibrationSpeakers),
          testSpeakers: num('testSpeakers', DEFAULT_TRAINING.testSpeakers),
          speakerGroups: await readSpeakerGroups(corpus.dir),
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
            ...Object.entries(result.calibration).map(
              ([name, r]) =>
                `${('calibration ' + name).padEnd(29)}EER ${percent(r.eer)}, minDCF(0.01) ${r.minDcf.toFixed(3)} (${r.trials} trials)`,
            ),
            `threshold        ${result.threshold.score} (1 % false accepts on the calibration speakers' sessions; FRR ${percent(result.threshold.falseRejectRate)})`,
            `figures          on held-out speakers: voxgate eval speaker-lists --held-out test, then voxgate eval speaker`,
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
      'speaker verification through the streaming accumulator: enroll the models of --enroll, ' +
        'score the trials of --trials; EER, minDCF (p_target 0.01), false accepts and rejects ' +
        'at the threshold, with 95 % speaker-bootstrap intervals. With --tests (session lists) ' +
        'the utterances of each enrollment and each test are concatenated into one stream',
    )
    .requiredOption('--corpus <dir>', 'corpus directory: audio/<uttid>.flac, text, utt2spk')
    .requiredOption('--enroll <file>', 'lines "<model-id> <uttid> <uttid> …"')
    .requiredOption('--trials <file>', 'lines "<model-id> <uttid|test-id> target|nontarget"')
    .option('--tests <file>', 'session lists: lines "<test-id> <uttid> …" (concatenated)')
    .option('--model <dir>', 'speaker model directory', DEFAULT_SPEAKER_MODEL_DIR)
    .option(
      '--channel <name>',
      `how the audio reaches the engine: ${CHANNELS.join(' | ')} (8k: sox 16-bit PCM, ` +
        '8k-mulaw: sox G.711 µ-law, both back through the 8 kHz decoder)',
      '16k',
    )
    .option('--threshold <score>', 'accept threshold on the 0–100 score (default 90, Voice ID’s)')
    .option('--bootstrap <n>', 'bootstrap replicates for the intervals', integer, 1000)
    .option('--scores <file>', 'also write every scored trial (JSON lines)')
    .option('--json', 'one JSON object on stdout')
    .addHelpText(
      'after',
      '\n--json prints {"trials","targets","nontargets","speakers","eer","eer_ci95","min_dcf",' +
        '"threshold","far","far_ci95","frr","frr_ci95","enroll_seconds_median",' +
        '"test_seconds_median","rtf","channel","groups"}; rates are fractions, intervals ' +
        '[low, high] from resampling speakers, groups (children/adults, from spk2age) have the ' +
        'same measures; rtf is engine time per second of audio on one core.',
    )
    .action(async (options: Record<string, unknown>) => {
      const corpus = await readCorpus(String(options.corpus));
      const channel = String(options.channel);
      if (!isChannel(channel))
        throw new CorpusError(`--channel must be one of ${CHANNELS.join(', ')}, got ${channel}`);
      const read = async (key: string) => {
        const file = String(options[key]);
        return parseEnrollment(await readFile(file, 'utf8'), file);
      };
      const trialsFile = String(options.trials);
      const trials = parseTrials(await readFile(trialsFile, 'utf8'), trialsFile);
      const enroll = await read('enroll');
      const tests = options.tests === undefined ? undefined : await read('tests');
      const model = await loadSpeakerModel(String(options.model));
      const groups = await readSpeakerGroups(corpus.dir);
      const threshold = options.threshold === undefined ? undefined : Number(options.threshold);
      if (threshold !== undefined && !(threshold >= 0 && threshold <= 100))
        throw new CorpusError(`--threshold must be a score within 0–100`);
      const bar = progressBar(options.json !== true, 'eval speaker', 'items');
      let stage = '';
      const result = await evaluateLists({
        model,
        utterances: corpusUtterances(corpus),
        enroll,
        trials,
        ...(tests === undefined ? {} : { tests }),
        channel,
        ...(threshold === undefined ? {} : { threshold }),
        ...(groups === undefined ? {} : { groupOf: (s: string) => groups[s] }),
        replicates: Number(options.bootstrap),
        onProgress: (name, done, total) => {
          if (name !== stage) {
            bar?.stop();
            bar?.start(total, done);
            stage = name;
          } else bar?.update(done);
        },
      }).finally(() => bar?.stop());
      if (options.scores !== undefined)
        await writeFile(
          String(options.scores),
          result.scored.map((t) => JSON.stringify(t)).join('\n') + '\n',
        );
      const json = {
        ...summaryJson(result.summary),
        rtf: result.rtf,
        channel,
        model: model.version,
        groups: Object.fromEntries(
          Object.entries(result.groups).map(([g, s]) => [g, summaryJson(s)]),
        ),
      };
      const s = result.summary;
      const lines = [
        `corpus           ${corpus.dir} (model ${model.version}, channel ${channel}, ${tests ? 'session: concatenated items' : 'single utterances'})`,
        `trials           ${s.trials} (${s.targets} target, ${s.nontargets} non-target, ${s.speakers} speakers)`,
        `EER              ${percent(s.eer.value)} [${percent(s.eer.low)}, ${percent(s.eer.high)}]`,
        `minDCF(0.01)     ${s.minDcf.toFixed(3)}`,
        `at ${s.threshold.toString().padEnd(13)} false accepts ${percent(s.falseAcceptRate.value)} [${percent(s.falseAcceptRate.low)}, ${percent(s.falseAcceptRate.high)}] (${s.falseAccepts}), ` +
          `false rejects ${percent(s.falseRejectRate.value)} [${percent(s.falseRejectRate.low)}, ${percent(s.falseRejectRate.high)}] (${s.falseRejects})`,
        `net speech       enrollment ${s.enrollSecondsMedian.toFixed(1)} s, test ${s.testSecondsMedian.toFixed(1)} s (medians)`,
        ...Object.entries(result.groups).map(
          ([g, gs]) =>
            `${g.padEnd(17)}EER ${percent(gs.eer.value)} [${percent(gs.eer.low)}, ${percent(gs.eer.high)}], ` +
            `FA ${percent(gs.falseAcceptRate.value)}, FR ${percent(gs.falseRejectRate.value)} (${gs.targets} target, ${gs.nontargets} non-target, ${gs.speakers} speakers)`,
        ),
        `rtf              ${result.rtf.toFixed(4)} (one core, ${result.audioSeconds.toFixed(0)} s of audio)`,
      ];
      print(options.json === true, json, lines.join('\n'));
    });

  evaluate
    .command('speaker-lists')
    .description(
      'write enrollment and trial lists for a corpus. Single-utterance lists: per speaker, N ' +
        'utterances enroll a model and every other utterance is tried against it and M other ' +
        'models. Session lists (--enroll-seconds, --tests): per partition, utterances ' +
        'concatenated to ≈30 s of net speech enroll a model and the following ones, ≈10 s each, ' +
        'make tests tried against every model of the partition',
    )
    .requiredOption('--corpus <dir>', 'corpus directory with utt2spk')
    .requiredOption('--enroll <file>', 'the enrollment list to write')
    .requiredOption('--trials <file>', 'the trial list to write')
    .option('--tests <file>', 'session lists: the test list to write (needs --enroll-seconds)')
    .option(
      '--enroll-utterances <n>',
      'enrollment utterances per speaker',
      positiveInteger,
      DEFAULT_ENROLL_UTTERANCES,
    )
    .option(
      '--nontargets <n>',
      'other models per test (session lists: 0 = all, the default)',
      integer,
    )
    .option('--enroll-seconds <s>', 'session lists: net speech of an enrollment', Number)
    .option(
      '--test-seconds <s>',
      'session lists: net speech of a test',
      Number,
      DEFAULT_SESSION_TEST_SECONDS,
    )
    .option(
      '--partitions <n>',
      'session lists: random partitions of each speaker',
      positiveInteger,
      DEFAULT_SESSION_PARTITIONS,
    )
    .option('--speakers <ids>', 'only these speakers (comma-separated)')
    .option(
      '--held-out <set>',
      "only the model's held-out speakers: test | calibration (read from --model)",
    )
    .option('--model <dir>', 'speaker model directory (for --held-out)', DEFAULT_SPEAKER_MODEL_DIR)
    .option('--seed <n>', 'seed of the random choices', integer, 1)
    .option('--json', 'one JSON object on stdout')
    .action(async (options: Record<string, unknown>) => {
      const corpus = await readCorpus(String(options.corpus));
      const keep = await speakerFilter(options);
      const utterances = corpus.utterances.filter(
        (u) => u.speaker !== null && (keep === undefined || keep.has(u.speaker)),
      );
      const session = options.enrollSeconds !== undefined;
      if (session !== (options.tests !== undefined))
        throw new CorpusError('session lists need both --enroll-seconds and --tests');
      if (!session) {
        const lists = generateTrialLists(utterances, {
          enrollUtterances: Number(options.enrollUtterances),
          nontargetModels:
            options.nontargets === undefined
              ? DEFAULT_NONTARGET_MODELS
              : Number(options.nontargets),
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
        return;
      }
      const enrollSeconds = Number(options.enrollSeconds);
      const testSeconds = Number(options.testSeconds);
      if (!(enrollSeconds > 0 && testSeconds > 0))
        throw new CorpusError('--enroll-seconds and --test-seconds must be positive');
      const timed = await timedUtterances(utterances, options.json !== true);
      const lists = generateSessionLists(timed, {
        enrollSeconds,
        testSeconds,
        partitions: Number(options.partitions),
        nontargetModels: options.nontargets === undefined ? 0 : Number(options.nontargets),
        seed: Number(options.seed),
      });
      await writeFile(String(options.enroll), formatEnrollment(lists.enroll));
      await writeFile(String(options.tests), formatEnrollment(lists.tests));
      await writeFile(String(options.trials), formatTrials(lists.trials));
      const targets = lists.trials.filter((t) => t.target).length;
      const speakers = new Set(lists.speakerOf.values()).size;
      print(
        options.json === true,
        {
          models: lists.enroll.length,
          tests: lists.tests.length,
          trials: lists.trials.length,
          targets,
          speakers,
        },
        `${lists.enroll.length} models (${speakers} speakers, ${Number(options.partitions)} partitions) in ${path.resolve(String(options.enroll))}, ` +
          `${lists.tests.length} tests in ${path.resolve(String(options.tests))}, ` +
          `${lists.trials.length} trials (${targets} target) in ${path.resolve(String(options.trials))}`,
      );
    });
}

/** The corpus utterances that have a speaker, by id. */
function corpusUtterances(corpus: Corpus): Map<string, EvaluationUtterance> {
  const out = new Map<string, EvaluationUtterance>();
  for (const u of corpus.utterances)
    if (u.speaker !== null) out.set(u.id, { id: u.id, speaker: u.speaker, audioPath: u.audioPath });
  return out;
}

/** `--speakers` or `--held-out`: the speakers to keep (undefined: all). */
async function speakerFilter(options: Record<string, unknown>): Promise<Set<string> | undefined> {
  if (options.speakers !== undefined)
    return new Set(
      String(options.speakers)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
  if (options.heldOut === undefined) return undefined;
  const set = String(options.heldOut);
  if (set !== 'test' && set !== 'calibration')
    throw new CorpusError(`--held-out must be test or calibration, got ${set}`);
  const model = await loadSpeakerModel(String(options.model));
  const ids = model.meta.training[set === 'test' ? 'testSpeakers' : 'calibrationSpeakers'];
  if (!Array.isArray(ids))
    throw new CorpusError(`model ${model.version} records no ${set} speakers`);
  return new Set(ids.map(String));
}

/** Net speech of every utterance (the energy VAD the speaker features use), decoded 4 at a time. */
async function timedUtterances(
  utterances: readonly CorpusUtterance[],
  showProgress: boolean,
): Promise<TimedUtterance[]> {
  const bar = progressBar(showProgress, 'net speech', 'utterances');
  bar?.start(utterances.length, 0);
  const out: TimedUtterance[] = [];
  try {
    for await (const { utterance, audio } of decodeUtterances(utterances, {
      concurrency: 4,
      limits: DEFAULT_AUDIO_LIMITS,
    })) {
      const vad = detectSpeech(audio.samples, { sampleRate: 16000 });
      let frames = 0;
      for (const s of vad.speech) if (s) frames++;
      out.push({ id: utterance.id, speaker: utterance.speaker!, netSpeechSeconds: frames * 0.01 });
      bar?.update(out.length);
    }
  } finally {
    bar?.stop();
  }
  return out;
}

function summaryJson(s: TrialSummary): Record<string, unknown> {
  const pair = (r: RateWithInterval) => [finiteOrNull(r.low), finiteOrNull(r.high)];
  return {
    trials: s.trials,
    targets: s.targets,
    nontargets: s.nontargets,
    speakers: s.speakers,
    eer: finiteOrNull(s.eer.value),
    eer_ci95: pair(s.eer),
    min_dcf: finiteOrNull(s.minDcf),
    threshold: s.threshold,
    far: finiteOrNull(s.falseAcceptRate.value),
    far_ci95: pair(s.falseAcceptRate),
    frr: finiteOrNull(s.falseRejectRate.value),
    frr_ci95: pair(s.falseRejectRate),
    false_accepts: s.falseAccepts,
    false_rejects: s.falseRejects,
    enroll_seconds_median: s.enrollSecondsMedian,
    test_seconds_median: s.testSecondsMedian,
  };
}

/** JSON has no NaN: null says "not measured". */
function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/**
 * Speaker → 'child' | 'adult' from the corpus's `spk2age` (`<speaker> <age>` lines), or
 * undefined when the corpus has none.
 */
async function readSpeakerGroups(dir: string): Promise<Record<string, string> | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dir, 'spk2age'), 'utf8');
  } catch {
    return undefined;
  }
  const groups: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const [speaker, age] = line.trim().split(/\s+/);
    if (speaker !== undefined && age !== undefined && Number.isFinite(Number(age)))
      groups[speaker] = ageGroup(Number(age));
  }
  return groups;
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
