/**
 * Load benchmark of the scripted speech API: the raw engine (assessScripted in this process over
 * its own worker pool) and a real `voxgate serve` (SQLite in a temporary directory, the same
 * number of workers) scoring the same 3–5 s corpus utterances, in one run, so the ratio between
 * them is the server's overhead. `--help` lists the options.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { DEFAULT_AUDIO_LIMITS, decodeAudio } from '../src/audio/index.js';
import { createAsrPool } from '../src/engines/index.js';
import { loadPronunciationModel } from '../src/engines/pronunciation/index.js';
import { readCorpus } from '../src/eval/index.js';
import { StressDictionary, assessScripted } from '../src/speech/scripted/index.js';

const runFile = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(repoRoot, 'bin', 'voxgate.js');
const DEFAULT_CORPUS = path.resolve(repoRoot, '..', 'shared', 'corpus', 'speechocean762-train');

const HELP = `Usage: npm run bench:speech -- [options]

Scores the same 3-5 s utterances (a) with the engine in this process and (b) through a fresh
\`voxgate serve\` (run \`npm run build\` first), sequentially (latency: the server's overhead is
its p50 over the engine's p50) and then with many concurrent clients (throughput, p50/p99).
Aims: overhead under 20 % of engine time; p50 under 300 ms for a 3 s utterance on an idle machine.

Options:
  --corpus <dir>        Kaldi-style corpus (default ../shared/corpus/speechocean762-train)
  --utterances <n>      distinct utterances of 3-5 s (default 40)
  --workers <n>         engine workers, both sides (default: CPU cores, at least 2)
  --clients <n>         concurrent clients in the load phase (default 16)
  --requests <n>        requests in the load phase (default 200)
  --json                one JSON object instead of the table
  -h, --help            this help
`;

interface Sample {
  readonly id: string;
  readonly sentence: string;
  readonly bytes: Uint8Array;
  readonly samples: Float32Array;
  readonly seconds: number;
}

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: DEFAULT_CORPUS },
    utterances: { type: 'string', default: '40' },
    workers: { type: 'string', default: String(Math.max(2, os.availableParallelism())) },
    clients: { type: 'string', default: '16' },
    requests: { type: 'string', default: '200' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const workers = Number(values.workers);
const log = (line: string): void => {
  if (!values.json) process.stderr.write(`${line}\n`);
};

const percentile = (xs: readonly number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
};

// ---- the utterances --------------------------------------------------------------------------
const corpus = await readCorpus(values.corpus);
const chosen: Sample[] = [];
for (const u of corpus.utterances) {
  if (chosen.length >= Number(values.utterances)) break;
  const bytes = new Uint8Array(await readFile(u.audioPath));
  const audio = await decodeAudio(bytes, { limits: DEFAULT_AUDIO_LIMITS });
  const seconds = audio.samples.length / 16_000;
  if (seconds >= 3 && seconds <= 5)
    chosen.push({ id: u.id, sentence: u.sentence, bytes, samples: audio.samples, seconds });
}
if (chosen.length === 0) throw new Error(`no 3-5 s utterances in ${values.corpus}`);
const meanSeconds = chosen.reduce((s, c) => s + c.seconds, 0) / chosen.length;
log(`${chosen.length} utterances of 3-5 s (mean ${meanSeconds.toFixed(2)} s), ${workers} workers`);

// ---- (a) the engine alone, (b) the server: measured alternately, utterance by utterance --
const model = loadPronunciationModel();
const engine = await createAsrPool({ workers });
const stress = new StressDictionary();
const engineMs: number[] = [];
const assess = async (c: Sample): Promise<number> => {
  const t = performance.now();
  await assessScripted(
    { engine, model, stress },
    { samples: c.samples, sentences: [c.sentence], plan: 'standard' },
  );
  return performance.now() - t;
};

// ---- (b) the server --------------------------------------------------------------------------
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'voxgate-speech-bench-'));
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('VOXGATE_')),
);
const cli = async (...args: string[]): Promise<string> =>
  (await runFile(process.execPath, [CLI, ...args, '--data-dir', dataDir], { env })).stdout;
const child: ChildProcess = spawn(
  process.execPath,
  [
    CLI,
    'serve',
    '--port',
    '0',
    '--data-dir',
    dataDir,
    '--log-level',
    'warn',
    '--asr-workers',
    String(workers),
  ],
  { env, stdio: ['ignore', 'pipe', 'inherit'] },
);
try {
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const e = JSON.parse(line) as { event?: string; port?: number };
        if (e.event === 'listening' && typeof e.port === 'number') resolve(e.port);
      } catch {
        // not an event line
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}/api/v2/score_audio`;
  const { clientId } = JSON.parse(
    await cli(
      'admin',
      'clients',
      'create',
      '--name',
      'bench',
      '--minutes',
      '100000',
      '--apis',
      'scripted',
      '--json',
    ),
  ) as { clientId: string };
  const { token } = JSON.parse(
    await cli('admin', 'tokens', 'create', '--client', clientId, '--json'),
  ) as {
    token: string;
  };
  /**
   * One scoring request. `transportOnly` sends the same upload with an invalid api_plan: the
   * server authenticates and parses it, then refuses (400) before decoding — what the HTTP
   * client, loopback and form parsing cost by themselves.
   */
  const post = async (c: Sample, transportOnly = false): Promise<number> => {
    const form = new FormData();
    form.append('sentence', c.sentence);
    if (transportOnly) form.append('api_plan', 'none');
    form.append('audio_file', new Blob([c.bytes]), `${c.id}.flac`);
    const t = performance.now();
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `ELSA ${token}` },
      body: form,
    });
    await res.arrayBuffer();
    if (res.status !== (transportOnly ? 400 : 200))
      throw new Error(`HTTP ${res.status} for ${c.id}`);
    return performance.now() - t;
  };
  for (const c of chosen.slice(0, 3)) {
    await post(c);
    await assess(c);
  }
  // Alternating keeps slow phases of a noisy machine from landing on one side only.
  const serverMs: number[] = [];
  const transportMs: number[] = [];
  for (const c of chosen) {
    engineMs.push(await assess(c));
    serverMs.push(await post(c));
    transportMs.push(await post(c, true));
  }
  log(`engine: p50 ${percentile(engineMs, 0.5).toFixed(0)} ms`);
  log(`server (sequential): p50 ${percentile(serverMs, 0.5).toFixed(0)} ms`);

  const total = Number(values.requests);
  const loadMs: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Number(values.clients) }, async () => {
      while (next < total) {
        const c = chosen[next++ % chosen.length]!;
        loadMs.push(await post(c));
      }
    }),
  );
  const wallSec = (performance.now() - started) / 1000;

  const enginePerAudio = engineMs.map((ms, i) => ms / 1000 / chosen[i]!.seconds);
  const result = {
    utterances: chosen.length,
    mean_audio_seconds: meanSeconds,
    workers,
    engine_p50_ms: percentile(engineMs, 0.5),
    server_p50_ms: percentile(serverMs, 0.5),
    overhead: percentile(serverMs, 0.5) / percentile(engineMs, 0.5) - 1,
    transport_p50_ms: percentile(transportMs, 0.5),
    overhead_beyond_transport:
      (percentile(serverMs, 0.5) - percentile(transportMs, 0.5)) / percentile(engineMs, 0.5) - 1,
    engine_latency_rtf: percentile(enginePerAudio, 0.5),
    load_clients: Number(values.clients),
    load_requests: total,
    load_req_per_s: total / wallSec,
    load_audio_seconds_per_s: (total * meanSeconds) / wallSec,
    load_p50_ms: percentile(loadMs, 0.5),
    load_p99_ms: percentile(loadMs, 0.99),
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else
    process.stdout.write(
      [
        `npm run bench:speech -- --utterances ${values.utterances} --workers ${workers} --clients ${values.clients} --requests ${total}`,
        `sequential, one request at a time (${chosen.length} utterances, mean ${meanSeconds.toFixed(2)} s):`,
        `  engine alone      p50 ${result.engine_p50_ms.toFixed(0)} ms (latency rtf ${result.engine_latency_rtf.toFixed(3)})`,
        `  through server    p50 ${result.server_p50_ms.toFixed(0)} ms`,
        `  server overhead   ${(result.overhead * 100).toFixed(1)} % of engine time (aim < 20 %)`,
        `  of which transport p50 ${result.transport_p50_ms.toFixed(0)} ms (same upload refused after parsing: client, loopback, form); ` +
          `beyond it ${(result.overhead_beyond_transport * 100).toFixed(1)} % (decoding, minutes, scoring around the engine)`,
        `load, ${result.load_clients} concurrent clients, ${total} requests:`,
        `  throughput        ${result.load_req_per_s.toFixed(1)} req/s (${result.load_audio_seconds_per_s.toFixed(1)} s of audio per s)`,
        `  latency           p50 ${result.load_p50_ms.toFixed(0)} ms, p99 ${result.load_p99_ms.toFixed(0)} ms`,
        '',
      ].join('\n'),
    );
} finally {
  await engine.close();
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
  await rm(dataDir, { recursive: true, force: true });
}
