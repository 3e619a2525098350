/**
 * The speaker engine's figures side by side, on the speakers the model never saw (its test
 * speakers, recorded in models/speaker/speaker-model.json): single-utterance trials (3
 * utterances enrolled, one tested) and the session condition (≈30 s of net speech enrolled as
 * one stream, ≈10 s of other speech tested), over 16 kHz, 8 kHz PCM and 8 kHz G.711 µ-law, each
 * with EER, minDCF and the false accepts / false rejects at the accept threshold (90, Voice ID's
 * default), 95 % speaker-bootstrap intervals, children and adults apart; then the streaming
 * latency: from the 20 ms frame that completes the required speech to the decision, and the
 * known-fraudster (500) and speaker (100,000) searches. `--help` lists the options.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { decodeAudio, DEFAULT_AUDIO_LIMITS } from '../src/audio/index.js';
import { detectSpeech } from '../src/audio/features/index.js';
import {
  ageGroup,
  DEFAULT_SPEAKER_MODEL_DIR,
  evaluateLists,
  generateSessionLists,
  generateTrialLists,
  isChannel,
  loadSpeakerModel,
  Voiceprint,
  VoiceprintIndex,
  type Channel,
  type EvaluationUtterance,
  type SpeakerModel,
  type TrialSummary,
} from '../src/engines/index.js';
import { readCorpus } from '../src/eval/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_CORPUS = path.resolve(repoRoot, '..', 'shared', 'corpus', 'speechocean762-train');

const HELP = `Usage: tsx bench/speaker-session-bench.ts [options]

Single-utterance and session-condition figures of the speaker model on its held-out test
speakers (never seen by training or calibration), per channel, children and adults apart,
then the streaming decision latency and the watchlist / speaker searches.

Options:
  --model <dir>        model directory (default models/speaker)
  --corpus <dir>       corpus (default ../shared/corpus/speechocean762-train)
  --speakers <set>     test | calibration: which of the model's held-out speakers (default test)
  --channels <list>    comma-separated of 16k, 8k, 8k-mulaw (default 16k,8k,8k-mulaw)
  --partitions <n>     session lists: random partitions per speaker (default 10)
  --threshold <score>  accept threshold, 0–100 (default 90)
  --bootstrap <n>      bootstrap replicates (default 1000)
  --no-latency         skip the latency part
  --json               one JSON object instead of the tables
  -h, --help           show this help
`;

interface Row {
  readonly condition: string;
  readonly channel: Channel;
  readonly summary: TrialSummary;
  readonly groups: Readonly<Record<string, TrialSummary>>;
}

async function decode16k(file: string): Promise<Float32Array> {
  const bytes = await readFile(file);
  return (await decodeAudio(new Uint8Array(bytes), { limits: DEFAULT_AUDIO_LIMITS })).samples;
}

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Milliseconds of `fn`, median of `repeat` runs after one warm-up. */
function timeMs(repeat: number, fn: () => void): number {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    fn();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

function randomVoiceprints(model: SpeakerModel, count: number, seed: number): Voiceprint[] {
  let state = seed >>> 0;
  const uniform = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5;
  const unit = (n: number) => {
    const v = Float32Array.from({ length: n }, uniform);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
  return Array.from(
    { length: count },
    () =>
      new Voiceprint(
        model.version,
        unit(model.meta.embeddingDim),
        { mean: 0.05, std: 0.1 },
        unit(2 * (model.meta.features.numCeps - 1)),
        30,
        1,
      ),
  );
}

/**
 * The streaming decision: 20 ms frames of real speech pushed one by one until `seconds` of net
 * speech; the time from that frame's push to the score (snapshot, embedding, compare), and the
 * same plus a search of each index.
 */
function streamingLatency(
  model: SpeakerModel,
  audio: Float32Array,
  voiceprint: Voiceprint,
  seconds: number,
  indexes: Record<string, VoiceprintIndex>,
): Record<string, number> {
  const out: Record<string, number[]> = { pushMs: [], decisionMs: [] };
  for (const name of Object.keys(indexes)) out[`decisionWith${name}Ms`] = [];
  for (let run = 0; run < 5; run++) {
    const acc = model.createAccumulator();
    let pushMs = 0;
    let at = 0;
    while (at < audio.length && acc.netSpeechSeconds() < seconds) {
      const started = performance.now();
      acc.push(audio.subarray(at, at + 320));
      pushMs = Math.max(pushMs, performance.now() - started);
      at += 320;
    }
    const started = performance.now();
    const embedding = model.embedStatistics(acc.snapshot());
    model.compare(voiceprint, embedding);
    const decided = performance.now() - started;
    out.pushMs!.push(pushMs);
    out.decisionMs!.push(decided);
    for (const [name, index] of Object.entries(indexes)) {
      const s = performance.now();
      model.search(embedding, index, 10);
      out[`decisionWith${name}Ms`]!.push(decided + performance.now() - s);
    }
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, round(median(v), 1)]));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: DEFAULT_SPEAKER_MODEL_DIR },
      corpus: { type: 'string', default: DEFAULT_CORPUS },
      speakers: { type: 'string', default: 'test' },
      channels: { type: 'string', default: '16k,8k,8k-mulaw' },
      partitions: { type: 'string', default: '10' },
      threshold: { type: 'string', default: '90' },
      bootstrap: { type: 'string', default: '1000' },
      'no-latency': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const model = await loadSpeakerModel(values.model);
  const set = values.speakers;
  if (set !== 'test' && set !== 'calibration') throw new Error('--speakers: test | calibration');
  const held = model.meta.training[set === 'test' ? 'testSpeakers' : 'calibrationSpeakers'];
  if (!Array.isArray(held)) throw new Error(`model ${model.version} records no ${set} speakers`);
  const speakers = new Set(held.map(String));
  const channels = values.channels.split(',').map((c) => c.trim());
  for (const c of channels) if (!isChannel(c)) throw new Error(`unknown channel ${c}`);
  const threshold = Number(values.threshold);
  const replicates = Number(values.bootstrap);
  if (!existsSync(path.join(values.corpus, 'utt2spk')))
    throw new Error(`no corpus at ${values.corpus}`);
  const corpus = await readCorpus(values.corpus);
  const chosen = corpus.utterances.filter((u) => u.speaker !== null && speakers.has(u.speaker));
  const utterances = new Map<string, EvaluationUtterance>(
    chosen.map((u) => [u.id, { id: u.id, speaker: u.speaker!, audioPath: u.audioPath }]),
  );
  const ages = await readFile(path.join(corpus.dir, 'spk2age'), 'utf8').catch(() => '');
  const groups = new Map<string, string>();
  for (const line of ages.split('\n')) {
    const [s, a] = line.trim().split(/\s+/);
    if (s !== undefined && a !== undefined) groups.set(s, ageGroup(Number(a)));
  }
  const groupOf = (s: string) => groups.get(s);

  // Net speech of every utterance (the speaker features' energy VAD), for the session lists.
  const timed = [];
  let latencyAudio: Float32Array | undefined;
  for (const u of chosen) {
    const samples = await decode16k(u.audioPath);
    const frames = detectSpeech(samples, { sampleRate: 16000 }).speech.filter(Boolean).length;
    timed.push({ id: u.id, speaker: u.speaker!, netSpeechSeconds: frames * 0.01 });
    if (latencyAudio === undefined || latencyAudio.length < 15 * 16000) {
      const joined = new Float32Array((latencyAudio?.length ?? 0) + samples.length);
      joined.set(latencyAudio ?? new Float32Array(0));
      joined.set(samples, latencyAudio?.length ?? 0);
      latencyAudio = joined;
    }
  }
  const single = generateTrialLists(chosen);
  const session = generateSessionLists(timed, {
    enrollSeconds: 30,
    testSeconds: 10,
    partitions: Number(values.partitions),
  });

  const rows: Row[] = [];
  for (const channel of channels as Channel[]) {
    for (const [condition, lists] of [
      ['single', single],
      ['session 30 s / 10 s', session],
    ] as const) {
      process.stderr.write(`speaker-session-bench: ${condition}, ${channel}\n`);
      const result = await evaluateLists({
        model,
        utterances,
        enroll: lists.enroll,
        trials: lists.trials,
        ...('tests' in lists ? { tests: lists.tests } : {}),
        channel,
        threshold,
        groupOf,
        replicates,
      });
      rows.push({ condition, channel, summary: result.summary, groups: result.groups });
    }
  }

  let latency: Record<string, unknown> | undefined;
  if (!values['no-latency'] && latencyAudio !== undefined) {
    const fraudsters = VoiceprintIndex.build(model.version, randomVoiceprints(model, 500, 7));
    const everyone = VoiceprintIndex.build(model.version, randomVoiceprints(model, 100_000, 11));
    const voiceprint = randomVoiceprints(model, 1, 3)[0]!;
    latency = {
      at10s: streamingLatency(model, latencyAudio, voiceprint, 10, {
        Fraudsters500: fraudsters,
        Speakers100k: everyone,
      }),
      searchSpeakers100kMs: round(
        timeMs(10, () => model.search(latencyAudio!.subarray(0, 3 * 16000), everyone, 10)),
        1,
      ),
    };
  }

  const result = {
    machine: `${os.cpus()[0]?.model ?? 'cpu'} ×${os.availableParallelism()}, node ${process.version}`,
    model: model.version,
    speakers: { set, count: speakers.size, utterances: chosen.length },
    threshold,
    rows: rows.map((r) => ({
      condition: r.condition,
      channel: r.channel,
      ...flat(r.summary),
      groups: Object.fromEntries(Object.entries(r.groups).map(([g, s]) => [g, flat(s)])),
    })),
    latency,
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(2)}` : 'n/a');
  const ci = (r: { value: number; low: number; high: number }) =>
    `${pct(r.value)} [${pct(r.low)}, ${pct(r.high)}]`;
  const lines = [
    `machine   ${result.machine}`,
    `model     ${model.version}; ${speakers.size} ${set} speakers (${chosen.length} utterances); threshold ${threshold}`,
    '',
    'condition            channel   group   trials (target)   EER % [95 %]           minDCF   FA % at thr [95 %]     FR % at thr [95 %]     enroll/test s',
  ];
  for (const r of rows)
    for (const [group, s] of [['all', r.summary] as const, ...Object.entries(r.groups)])
      lines.push(
        [
          r.condition.padEnd(20),
          r.channel.padEnd(9),
          group.padEnd(7),
          `${s.trials} (${s.targets})`.padEnd(17),
          ci(s.eer).padEnd(22),
          s.minDcf.toFixed(3).padEnd(8),
          ci(s.falseAcceptRate).padEnd(22),
          ci(s.falseRejectRate).padEnd(22),
          `${s.enrollSecondsMedian.toFixed(1)}/${s.testSecondsMedian.toFixed(1)}`,
        ].join(' '),
      );
  if (latency !== undefined) lines.push('', `latency   ${JSON.stringify(latency)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function flat(s: TrialSummary): Record<string, unknown> {
  return {
    trials: s.trials,
    targets: s.targets,
    speakers: s.speakers,
    eer: s.eer,
    minDcf: s.minDcf,
    far: s.falseAcceptRate,
    frr: s.falseRejectRate,
    falseAccepts: s.falseAccepts,
    falseRejects: s.falseRejects,
    enrollSecondsMedian: s.enrollSecondsMedian,
    testSecondsMedian: s.testSecondsMedian,
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

await main();
