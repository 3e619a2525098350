/**
 * Benchmark of the speaker engine: model load time, scoring latency of a 3 s utterance, search
 * over 100,000 voiceprints, and — when the corpus is there — EER and minDCF on the model's
 * held-out test speakers at 16 kHz and on their 8 kHz version, next to the naive baseline
 * (mean/std of MFCCs, cosine). `--help` lists the options. The session condition (30 s / 10 s)
 * and the error rates at the threshold are in speaker-session-bench.ts.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { decodeAudio, DEFAULT_AUDIO_LIMITS } from '../src/audio/index.js';
import {
  DEFAULT_SPEAKER_MODEL_DIR,
  equalErrorRate,
  generateTrialLists,
  loadSpeakerModel,
  minDetectionCost,
  NaiveBaseline,
  scoreTrials,
  Voiceprint,
  VoiceprintIndex,
  type SpeakerModel,
  type UtteranceStatistics,
} from '../src/engines/index.js';
import { telephoneVersion } from '../src/engines/speaker/training/augmentation.js';
import { readCorpus, type CorpusUtterance } from '../src/eval/index.js';

const runFile = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_CORPUS = path.resolve(repoRoot, '..', 'shared', 'corpus', 'speechocean762-train');
const AIM_EER = 0.05;
const AIM_SCORE_MS = 20;
const AIM_SEARCH_MS = 200;

const HELP = `Usage: npm run bench:speaker -- [options]
       tsx bench/speaker-bench.ts [options]

Speaker engine benchmark: model load, score latency (3 s utterance vs one voiceprint, median of
--repeat), search latency (one utterance vs --voiceprints random voiceprints, median), and EER /
minDCF(p_target 0.01) on the test speakers the model never saw (3 enrollment utterances,
single-utterance tests vs own + 20 other models), 16 kHz and 8 kHz (sox), model vs naive baseline.
Aims: EER <= ${AIM_EER * 100} %, score <= ${AIM_SCORE_MS} ms, search < ${AIM_SEARCH_MS} ms.

Options:
  --model <dir>         model directory (default models/speaker)
  --corpus <dir>        corpus with the test speakers (default ../shared/corpus/speechocean762-train;
                        the EER part is skipped when it is absent)
  --voiceprints <n>     search size (default 100000)
  --repeat <n>          latency repetitions (default 50)
  --json                one JSON object instead of the table
  -h, --help            show this help
`;

interface Latency {
  readonly medianMs: number;
  readonly p95Ms: number;
  /** Mean CPU time of this process per call: what the call costs when the machine is shared. */
  readonly cpuMs: number;
}

function time(repeat: number, fn: () => void): Latency {
  fn();
  const samples: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    fn();
    samples.push(performance.now() - started);
  }
  const used = process.cpuUsage(cpu);
  samples.sort((a, b) => a - b);
  return {
    medianMs: samples[Math.floor(samples.length / 2)]!,
    p95Ms: samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.95))]!,
    cpuMs: (used.user + used.system) / 1000 / repeat,
  };
}

async function decodeFile(file: string): Promise<Float32Array> {
  const bytes = await readFile(file);
  const audio = await decodeAudio(new Uint8Array(bytes), { limits: DEFAULT_AUDIO_LIMITS });
  return audio.samples;
}

/** 3 s of a real utterance when the corpus is there, else a synthetic voiced signal. */
function threeSeconds(source: Float32Array | undefined): Float32Array {
  const n = 3 * 16000;
  if (source !== undefined && source.length >= n) return source.slice(0, n);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++)
    out[i] =
      (Math.floor(i / 4000) % 2 === 0 ? 0.3 : 0.003) *
      (Math.sin((2 * Math.PI * 140 * i) / 16000) +
        0.4 * Math.sin((2 * Math.PI * 1100 * i) / 16000));
  return out;
}

interface ConditionResult {
  readonly eer: number;
  readonly minDcf: number;
  readonly baselineEer: number;
  readonly baselineMinDcf: number;
}

async function devEvaluation(
  model: SpeakerModel,
  utterances: readonly CorpusUtterance[],
): Promise<{ trials: number; conditions: Record<string, ConditionResult> }> {
  const lists = generateTrialLists(utterances);
  const naive = new NaiveBaseline();
  const conditions: Record<string, ConditionResult> = {};
  for (const condition of ['16k', '8k'] as const) {
    const stats = new Map<string, UtteranceStatistics>();
    const sums = new Map<string, ReturnType<NaiveBaseline['sums']>>();
    for (const u of utterances) {
      const samples =
        condition === '16k'
          ? await decodeFile(u.audioPath)
          : await telephoneVersion(u.audioPath, false);
      stats.set(u.id, model.statistics(samples));
      sums.set(u.id, naive.sums(samples));
    }
    const scored = scoreTrials(model, lists.enroll, lists.trials, (id) => stats.get(id));
    const enrolled = new Map(
      lists.enroll.map((e) => [
        e.model,
        naive.vector(naive.pool(e.utterances.map((id) => sums.get(id)!))),
      ]),
    );
    const targets: number[] = [];
    const nontargets: number[] = [];
    for (const t of lists.trials) {
      const s = naive.cosine(enrolled.get(t.model)!, naive.vector(sums.get(t.utterance)!));
      (t.target ? targets : nontargets).push(s);
    }
    conditions[condition] = {
      eer: scored.eer,
      minDcf: scored.minDcf,
      baselineEer: equalErrorRate(targets, nontargets),
      baselineMinDcf: minDetectionCost(targets, nontargets),
    };
  }
  return { trials: lists.trials.length, conditions };
}

async function commit(): Promise<string> {
  try {
    return (
      await runFile('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot })
    ).stdout.trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: DEFAULT_SPEAKER_MODEL_DIR },
      corpus: { type: 'string', default: DEFAULT_CORPUS },
      voiceprints: { type: 'string', default: '100000' },
      repeat: { type: 'string', default: '50' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const repeat = Number(values.repeat);
  const count = Number(values.voiceprints);

  const loadStarted = performance.now();
  const loadCpuStart = process.cpuUsage();
  const model = await loadSpeakerModel(values.model);
  const loadMs = performance.now() - loadStarted;
  const loadCpu = process.cpuUsage(loadCpuStart);

  const haveCorpus = existsSync(path.join(values.corpus, 'utt2spk'));
  const corpus = haveCorpus ? await readCorpus(values.corpus) : undefined;
  // The test speakers (never seen by training or calibration); older models recorded only the
  // dev speakers their calibration was fitted on.
  const devSpeakers = new Set(
    (model.meta.training.testSpeakers as string[] | undefined) ??
      (model.meta.training.devSpeakers as string[] | undefined) ??
      [],
  );
  const dev =
    corpus?.utterances.filter((u) => u.speaker !== null && devSpeakers.has(u.speaker)) ?? [];

  // The first dev utterance of at least 3 s (the synthetic signal when there is none).
  let real: Float32Array | undefined;
  for (const u of dev) {
    real = await decodeFile(u.audioPath);
    if (real.length >= 3 * 16000) break;
  }
  const probe = threeSeconds(real);
  const { voiceprint } = model.enroll([probe]);
  const score = time(repeat, () => model.score(voiceprint, probe));

  // Random unit voiceprints: search cost does not depend on who they are.
  let seed = 12345;
  const uniform = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5;
  const dims = model.meta.embeddingDim;
  const many: Voiceprint[] = [];
  for (let i = 0; i < count; i++) {
    const e = Float32Array.from({ length: dims }, uniform);
    const norm = Math.hypot(...e);
    const l = Float32Array.from({ length: 2 * (model.meta.features.numCeps - 1) }, uniform);
    const lNorm = Math.hypot(...l);
    const ltcs = l.map((v) => v / lNorm);
    many.push(
      new Voiceprint(
        model.version,
        e.map((v) => v / norm),
        { mean: 0.05, std: 0.1 },
        ltcs,
        10,
        3,
      ),
    );
  }
  const buildStarted = performance.now();
  const index = VoiceprintIndex.build(model.version, many);
  const buildMs = performance.now() - buildStarted;
  const searchRepeat = Math.max(5, Math.floor(repeat / 5));
  const search = time(searchRepeat, () => model.search(probe, index, 10));
  const embedOnly = time(searchRepeat, () => model.embed(probe));

  const evaluation = dev.length > 0 ? await devEvaluation(model, dev) : undefined;
  const result = {
    machine: `${os.cpus()[0]?.model ?? 'cpu'} ×${os.availableParallelism()}, node ${process.version}`,
    commit: await commit(),
    model: {
      version: model.version,
      loadMs: round(loadMs, 1),
      loadCpuMs: round((loadCpu.user + loadCpu.system) / 1000, 1),
    },
    scoreMs: {
      median: round(score.medianMs, 2),
      p95: round(score.p95Ms, 2),
      cpu: round(score.cpuMs, 2),
      utteranceSec: 3,
    },
    searchMs: {
      median: round(search.medianMs, 1),
      p95: round(search.p95Ms, 1),
      cpu: round(search.cpuMs, 1),
      embeddingMs: round(embedOnly.medianMs, 1),
      voiceprints: count,
      indexBuildMs: round(buildMs, 0),
    },
    dev: evaluation && {
      speakers: devSpeakers.size,
      utterances: dev.length,
      trials: evaluation.trials,
      ...evaluation.conditions,
    },
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
  const lines = [
    `machine   ${result.machine}, commit ${result.commit}`,
    `model     ${model.version}, loaded in ${result.model.loadMs} ms (CPU ${result.model.loadCpuMs} ms)`,
    `score     3 s utterance vs 1 voiceprint: median ${result.scoreMs.median} ms, p95 ${result.scoreMs.p95} ms, ` +
      `CPU ${result.scoreMs.cpu} ms (aim <= ${AIM_SCORE_MS})`,
    `search    1 utterance vs ${count} voiceprints, top 10: median ${result.searchMs.median} ms, p95 ${result.searchMs.p95} ms, ` +
      `CPU ${result.searchMs.cpu} ms ` +
      `(of which embedding ${result.searchMs.embeddingMs} ms; aim < ${AIM_SEARCH_MS})`,
  ];
  if (evaluation) {
    lines.push(
      `test      ${devSpeakers.size} held-out speakers, ${dev.length} utterances, ${evaluation.trials} trials per condition (3 enrollment utts, single-utt tests)`,
      '',
      'condition   model EER   model minDCF(0.01)   baseline EER   baseline minDCF(0.01)',
    );
    for (const [name, c] of Object.entries(evaluation.conditions))
      lines.push(
        `${name.padEnd(10)}  ${pct(c.eer).padStart(9)}   ${c.minDcf.toFixed(3).padStart(18)}   ${pct(c.baselineEer).padStart(12)}   ${c.baselineMinDcf.toFixed(3).padStart(21)}`,
      );
  } else lines.push(`dev       skipped: no corpus at ${values.corpus}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

await main();
