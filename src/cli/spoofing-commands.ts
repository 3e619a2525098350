/**
 * The spoofing detector's commands: `voxgate train spoofing` (the model in models/spoofing) and
 * `voxgate eval spoofing` (EER per attack family on the held-out speakers the model names).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import {
  ageGroup,
  DEFAULT_SPOOFING_MODEL_DIR,
  DEFAULT_SPOOFING_TRAINING,
  evaluateSpoofingModel,
  loadSpoofingModel,
  reportedFamilies,
  SPOOFING_CONDITIONS,
  trainSpoofingModel,
  UNSEEN_FAMILIES,
  type SpoofingFamilyFigures,
  type SpoofingProgress,
  type SpoofingSetFigures,
} from '../engines/index.js';
import { CorpusError, readCorpus } from '../eval/index.js';
import { integer, positiveInteger } from './number-arguments.js';
import { print } from './with-runtime.js';

/** Default work directory of `train spoofing` and `eval spoofing` (generated audio; gitignored). */
export const DEFAULT_SPOOFING_WORK_DIR = '.tmp/spoofing-train';

const CONDITION_LABEL: Readonly<Record<string, string>> = {
  '16k': '16 kHz as recorded',
  '8k': '8 kHz G.711 µ-law',
  codecs: 'other codecs',
};

/** Registers `train spoofing` and `eval spoofing` (creating `train` / `eval` when absent). */
export function registerSpoofingCommands(program: Command): void {
  const train =
    program.commands.find((c) => c.name() === 'train') ??
    program.command('train').description('train the models that ship in models/');
  train
    .command('spoofing')
    .description(
      'train the voice spoofing detector (bona fide and spoofed-speech GMMs over LFCC, RiskScore ' +
        'calibration) on a Kaldi-style corpus: the attacks (espeak-ng, LPC vocoder, Griffin–Lim, ' +
        'pitch shift, simulated replay) are generated from it. Stages are checkpointed in ' +
        '--work-dir, so an interrupted run resumes; progress goes to stderr',
    )
    .requiredOption('--corpus <dir>', 'corpus directory: audio/<uttid>.flac, text, utt2spk')
    .option('--out <dir>', 'where the model files go', DEFAULT_SPOOFING_MODEL_DIR)
    .option('--work-dir <dir>', 'generated audio and checkpoints', DEFAULT_SPOOFING_WORK_DIR)
    .option('--seed <n>', 'seed of every random choice', integer, DEFAULT_SPOOFING_TRAINING.seed)
    .option(
      '--calibration-speakers <n>',
      'speakers held out for the RiskScore calibration',
      positiveInteger,
      DEFAULT_SPOOFING_TRAINING.calibrationSpeakers,
    )
    .option(
      '--test-speakers <n>',
      'speakers held out of everything (what `eval spoofing` measures)',
      integer,
      DEFAULT_SPOOFING_TRAINING.testSpeakers,
    )
    .option(
      '--utterances-per-speaker <n>',
      'utterances of each training and calibration speaker used (a seeded subset)',
      positiveInteger,
      DEFAULT_SPOOFING_TRAINING.utterancesPerSpeaker,
    )
    .option(
      '--components <n>',
      'Gaussians of each GMM (a power of two)',
      positiveInteger,
      DEFAULT_SPOOFING_TRAINING.components,
    )
    .option(
      '--frames-per-class <n>',
      'speech frames sampled per class for the GMMs',
      positiveInteger,
      DEFAULT_SPOOFING_TRAINING.framesPerClass,
    )
    .option(
      '--concurrency <n>',
      'utterances whose attacks are made at once',
      positiveInteger,
      DEFAULT_SPOOFING_TRAINING.concurrency,
    )
    .option('--json', 'one JSON object on stdout')
    .action(async (options: Record<string, unknown>) => {
      const { utterances, groups } = await corpusSources(String(options.corpus));
      const progress = stageProgress('train spoofing', options.json === true);
      const num = (key: string, fallback: number) =>
        typeof options[key] === 'number' ? options[key] : fallback;
      const started = Date.now();
      try {
        const result = await trainSpoofingModel({
          ...DEFAULT_SPOOFING_TRAINING,
          utterances,
          outDir: String(options.out),
          workDir: String(options.workDir),
          seed: num('seed', DEFAULT_SPOOFING_TRAINING.seed),
          calibrationSpeakers: num(
            'calibrationSpeakers',
            DEFAULT_SPOOFING_TRAINING.calibrationSpeakers,
          ),
          testSpeakers: num('testSpeakers', DEFAULT_SPOOFING_TRAINING.testSpeakers),
          utterancesPerSpeaker: num(
            'utterancesPerSpeaker',
            DEFAULT_SPOOFING_TRAINING.utterancesPerSpeaker,
          ),
          components: num('components', DEFAULT_SPOOFING_TRAINING.components),
          framesPerClass: num('framesPerClass', DEFAULT_SPOOFING_TRAINING.framesPerClass),
          concurrency: num('concurrency', DEFAULT_SPOOFING_TRAINING.concurrency),
          ...(groups === undefined ? {} : { groupOf: (s: string) => groups[s] }),
          progress,
        });
        progress.done();
        const seconds = (Date.now() - started) / 1000;
        print(
          options.json === true,
          { ...result, wallSeconds: seconds },
          [
            `model            ${result.version} in ${String(options.out)}`,
            `speakers         ${result.split.train.length} train, ${result.split.calibration.length} calibration, ${result.split.test.length} test`,
            ...figureLines(result.calibration, 'calibration speakers (fitted on them: not a test)'),
            `wall time        ${(seconds / 60).toFixed(1)} min`,
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
    .command('spoofing')
    .description(
      'the spoofing detector on the held-out speakers its model names: bona fide speech and ' +
        'every attack family (seen in training, espeak-ng voices it never heard, and flite / ' +
        'festival when installed, never trained on) through the 16 kHz, telephone and other ' +
        'channels; EER per family and condition, the share flagged at RiskScore ≥ 50, children ' +
        'and adults apart (spk2age)',
    )
    .requiredOption('--corpus <dir>', 'the corpus the model was trained on')
    .option('--model <dir>', 'spoofing model directory', DEFAULT_SPOOFING_MODEL_DIR)
    .option('--work-dir <dir>', 'generated evaluation audio (cached)', DEFAULT_SPOOFING_WORK_DIR)
    .option('--held-out <set>', 'test | calibration speakers of the model', 'test')
    .option('--seed <n>', 'seed of the attack generation (default: the model’s)', integer)
    .option(
      '--concurrency <n>',
      'utterances whose attacks are made at once',
      positiveInteger,
      DEFAULT_SPOOFING_TRAINING.concurrency,
    )
    .option(
      '--utterances-per-speaker <n>',
      'utterances of each held-out speaker used (a seeded subset; default: all)',
      positiveInteger,
    )
    .option('--scores <file>', 'also write every scored version (JSON lines)')
    .option('--json', 'one JSON object on stdout')
    .addHelpText(
      'after',
      '\n--json prints {"model","speakers","utterances","unseenUsed","unseenMissing","all",' +
        '"groups","groupSpeakers","realTimeFactor"}; "all" and each group hold per condition ' +
        '(16k, 8k, codecs) the bona fide count and share ≥ 50, per family {utterances, eer, ' +
        'detectedAt50} (fractions), "pooled" (seen families) and "unseen" (never trained on).',
    )
    .action(async (options: Record<string, unknown>) => {
      const set = String(options.heldOut);
      if (set !== 'test' && set !== 'calibration')
        throw new CorpusError(`--held-out must be test or calibration, got ${set}`);
      const model = await loadSpoofingModel(String(options.model));
      const training = model.meta.training as {
        seed?: unknown;
        speakers?: { test?: unknown; calibration?: unknown };
      };
      const speakers = training.speakers?.[set];
      if (!Array.isArray(speakers) || speakers.length === 0)
        throw new CorpusError(`model ${model.version} records no ${set} speakers`);
      const { utterances, groups } = await corpusSources(String(options.corpus));
      const progress = stageProgress('eval spoofing', options.json === true);
      const seed =
        typeof options.seed === 'number'
          ? options.seed
          : typeof training.seed === 'number'
            ? training.seed
            : DEFAULT_SPOOFING_TRAINING.seed;
      const result = await evaluateSpoofingModel({
        model,
        utterances,
        speakers: speakers.map(String),
        workDir: String(options.workDir),
        seed,
        concurrency: Number(options.concurrency),
        ...(typeof options.utterancesPerSpeaker === 'number'
          ? { utterancesPerSpeaker: options.utterancesPerSpeaker }
          : {}),
        ...(groups === undefined ? {} : { groupOf: (s: string) => groups[s] }),
        progress,
      }).finally(() => progress.done());
      if (options.scores !== undefined)
        await writeFile(
          String(options.scores),
          result.versions.map((v) => JSON.stringify(v)).join('\n') + '\n',
        );
      const { versions: _versions, ...json } = result;
      const lines = [
        `model            ${result.model} (${String(options.model)})`,
        `held out         ${result.speakers} ${set} speakers, ${result.utterances} utterances (seed ${seed})` +
          (Object.keys(result.groupSpeakers).length > 0
            ? `: ${Object.entries(result.groupSpeakers)
                .map(([g, n]) => `${n} ${g}`)
                .join(', ')}`
            : ''),
        `unseen TTS       ${result.unseenUsed.join(', ') || 'none installed'}` +
          (result.unseenMissing.length > 0
            ? ` (not installed: ${result.unseenMissing.join(', ')})`
            : ''),
        ...figureLines(result.all, `all ${set} speakers`),
        ...Object.entries(result.groups).flatMap(([g, f]) => figureLines(f, `${g} speakers`)),
        `rtf              ${result.realTimeFactor.toFixed(4)} (one core)`,
      ];
      print(options.json === true, json, lines.join('\n'));
    });
}

/** The human table of one set of figures: per condition, bona fide false alarms and families. */
function figureLines(figures: SpoofingSetFigures, title: string): string[] {
  const families = reportedFamilies(figures);
  const lines = [``, `${title}: EER per family against bona fide of the same channel`];
  const cell = (f: SpoofingFamilyFigures | undefined) =>
    f === undefined
      ? '—'.padStart(16)
      : `${percent(f.eer).padStart(7)} ${`(${percent(f.detectedAt50, 0)})`.padStart(8)}`;
  lines.push(`  ${'family'.padEnd(20)}${SPOOFING_CONDITIONS.map((c) => c.padStart(16)).join('')}`);
  for (const family of families) {
    const tag = UNSEEN_FAMILIES.includes(family) ? ' *' : '';
    lines.push(
      `  ${(family + tag).padEnd(20)}${SPOOFING_CONDITIONS.map((c) => cell(figures.conditions[c].families[family])).join('')}`,
    );
  }
  lines.push(
    `  ${'seen, pooled'.padEnd(20)}${SPOOFING_CONDITIONS.map((c) => cell(figures.conditions[c].pooled)).join('')}`,
  );
  if (SPOOFING_CONDITIONS.some((c) => figures.conditions[c].unseen !== undefined))
    lines.push(
      `  ${'unseen *, pooled'.padEnd(20)}${SPOOFING_CONDITIONS.map((c) => cell(figures.conditions[c].unseen)).join('')}`,
    );
  lines.push(
    `  ${'bona fide ≥ 50'.padEnd(20)}${SPOOFING_CONDITIONS.map((c) => `${percent(figures.conditions[c].bonafideAtOrAbove50)} of ${figures.conditions[c].bonafide}`.padStart(16)).join('')}`,
  );
  lines.push(
    `  (EER, in brackets the share of spoofs at RiskScore ≥ 50; * never trained on; channels: ${SPOOFING_CONDITIONS.map((c) => `${c} = ${CONDITION_LABEL[c]}`).join(', ')})`,
    `  bona fide ≥ 50 per channel: ${Object.entries(figures.bonafideAtOrAbove50ByChannel)
      .map(([c, r]) => `${c} ${percent(r)}`)
      .join(', ')}`,
  );
  return lines;
}

/** The corpus's utterances with speaker and prompt, and speaker → 'child' | 'adult'. */
async function corpusSources(dir: string): Promise<{
  utterances: { id: string; speaker: string; text: string; audioPath: string }[];
  groups: Record<string, string> | undefined;
}> {
  const corpus = await readCorpus(dir);
  const utterances = corpus.utterances.flatMap((u) =>
    u.speaker === null
      ? []
      : [{ id: u.id, speaker: u.speaker, text: u.sentence, audioPath: u.audioPath }],
  );
  if (utterances.length === 0)
    throw new CorpusError(`${corpus.dir}: no utterance has a speaker in utt2spk`);
  return { utterances, groups: await readSpeakerGroups(corpus.dir) };
}

/** Speaker → 'child' | 'adult' from `spk2age`, or undefined when the corpus has none. */
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

/** Stage bars on a terminal, one line per stage and message otherwise; stderr only. */
function stageProgress(label: string, json: boolean): SpoofingProgress & { done(): void } {
  const tty = process.stderr.isTTY && !json;
  let bar: cliProgress.SingleBar | undefined;
  let lastLine = 0;
  let current = '';
  let total = 0;
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    stage(name, count) {
      stop();
      current = name;
      total = count;
      lastLine = Date.now();
      if (tty) {
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: `${name.padEnd(24)} [{bar}] {value}/{total} | {duration_formatted} | ETA {eta_formatted}`,
            etaBuffer: 100,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(count, 0);
      } else process.stderr.write(`${label}: ${name} (${count})\n`);
    },
    tick(done) {
      if (bar !== undefined) bar.update(done);
      else if (!tty && Date.now() - lastLine > 30_000) {
        // A log file gets a line every 30 s at most.
        lastLine = Date.now();
        process.stderr.write(`${label}: ${current} ${done}/${total}\n`);
      }
    },
    log(message) {
      stop();
      process.stderr.write(`${label}: ${message}\n`);
    },
    done: stop,
  };
}

function percent(fraction: number, digits = 1): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(digits)} %` : 'n/a';
}
