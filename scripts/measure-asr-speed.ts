/**
 * Real-time factor (processing time / audio time) of each pocketsphinx pass on corpus
 * utterances, in-process on one core, then end to end through a worker pool (IPC included).
 *
 *   npx tsx scripts/measure-asr-speed.ts [--corpus <dir>] [--count 20] [--workers <n>]
 *
 * The corpus is Kaldi-style (`text`, `audio/<uttid>.flac`); FLAC is converted with sox. The
 * utterances are every (lines / count)-th line of `text`, so runs are comparable. Targets from
 * the speech-engine issue: word alignment 0.010, phone alignment 0.010, free phone loop 0.036,
 * alignment end to end ≤ 0.05 per core.
 *
 * Last run (2-core Xeon VM shared with other work, load average ~8, so wall times are
 * inflated; CPU time is what one core spends): word 0.0088, phone 0.0087, phone loop 0.0218,
 * LM recognition 0.0793, alignment (word + phone) 0.0174 — by CPU time, all under target.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createAsrPool } from '../src/engines/index.js';
import { PocketsphinxEngine } from '../src/engines/asr/pocketsphinx-engine.js';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: '/work/shared/corpus/speechocean762-train' },
    count: { type: 'string', default: '20' },
    workers: { type: 'string', default: String(os.availableParallelism()) },
  },
});
const corpus = values.corpus;
const count = Number(values.count);
const workers = Number(values.workers);

interface Utterance {
  readonly id: string;
  readonly words: readonly string[];
  readonly pcm: Int16Array;
}

function readUtterances(): Utterance[] {
  const lines = readFileSync(path.join(corpus, 'text'), 'utf8').trim().split('\n');
  const step = Math.max(1, Math.floor(lines.length / count));
  return lines
    .filter((_, i) => i % step === 0)
    .slice(0, count)
    .map((line) => {
      const [id = '', ...words] = line.trim().split(/\s+/u);
      const raw = execFileSync('sox', [
        path.join(corpus, 'audio', `${id}.flac`),
        ...['-t', 'raw', '-r', '16000', '-e', 'signed', '-b', '16', '-c', '1', '-'],
      ]);
      const pcm = new Int16Array(raw.length / 2);
      Buffer.from(pcm.buffer).set(raw);
      return { id, words: words.map((w) => w.toLowerCase()), pcm };
    });
}

/** Result, wall ms and CPU ms of this process (the decoders are single-threaded). */
function time<T>(run: () => T): [T, number, number] {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = run();
  const used = process.cpuUsage(cpu);
  return [result, performance.now() - start, (used.user + used.system) / 1000];
}

const utterances = readUtterances();
const audioMs = utterances.reduce((sum, u) => sum + u.pcm.length / 16, 0);
console.log(
  `${utterances.length} utterances, ${(audioMs / 1000).toFixed(1)} s of audio, ${os.cpus()[0]?.model ?? 'cpu'} × ${os.availableParallelism()}`,
);

const [engine, openMs] = time(() => PocketsphinxEngine.open());
console.log(`engine open (3 decoders + warm-up): ${openMs.toFixed(0)} ms`);
const wall = { word: 0, phone: 0, loop: 0, lm: 0 };
const cpu = { word: 0, phone: 0, loop: 0, lm: 0 };
let aligned = 0;
for (const u of utterances) {
  const [pass, ...word] = time(() => engine.alignWords(u.pcm, u.words));
  const [alignment, ...phone] = time(() => engine.alignPhones(u.pcm, pass));
  const [, ...loop] = time(() => engine.phoneLoop(u.pcm));
  const [, ...lm] = time(() => engine.recognize(u.pcm));
  for (const [key, [w, c]] of Object.entries({ word, phone, loop, lm }) as [
    keyof typeof wall,
    number[],
  ][]) {
    wall[key] += w ?? 0;
    cpu[key] += c ?? 0;
  }
  if (alignment.words.length === u.words.length) aligned++;
}
engine.close();
const rtf = (ms: number): string => (ms / audioMs).toFixed(4);
const row = (name: string, key: keyof typeof wall, target: string): void =>
  console.log(`  ${name.padEnd(22)} ${rtf(cpu[key])}   ${rtf(wall[key])}   ${target}`);
console.log(
  'in-process, one core: RTF by CPU time, by wall time (load from other processes inflates wall)',
);
row('word alignment', 'word', '(target 0.010)');
row('phone alignment', 'phone', '(target 0.010)');
row('free phone loop', 'loop', '(target 0.036)');
row('LM recognition', 'lm', '');
console.log(
  `  ${'align (word + phone)'.padEnd(22)} ${rtf(cpu.word + cpu.phone)}   ${rtf(wall.word + wall.phone)}   (target ≤ 0.05)`,
);
console.log(
  `  aligned ${aligned}/${utterances.length} utterances; load average ${os.loadavg()[0]?.toFixed(1)}`,
);

// Through the pool: sequential requests on one worker (latency), then all at once (throughput).
const pool = await createAsrPool({ workers });
try {
  let sequential = 0;
  for (const u of utterances) {
    const start = performance.now();
    await pool.align(u.pcm, u.words);
    sequential += performance.now() - start;
  }
  const start = performance.now();
  await Promise.all(utterances.map((u) => pool.align(u.pcm, u.words)));
  const wall = performance.now() - start;
  console.log(`through the pool (${workers} workers):`);
  console.log(`  align, one request at a time     RTF ${rtf(sequential)}`);
  console.log(`  align, all concurrent, per core  RTF ${rtf(wall * workers)}`);
} finally {
  await pool.close();
}
