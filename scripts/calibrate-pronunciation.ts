/**
 * Calibrates pronunciation scores on a Kaldi-style corpus and writes the model the speech API
 * loads (models/pronunciation/model.json). A recipe in the Kaldi sense: stage 1 runs the
 * engines over every utterance and caches the raw GOPs per utterance (resumable: cached
 * utterances are skipped), stage 2 fits and reports.
 *
 *   npm run calibrate:pronunciation -- --corpus ../shared/corpus/speechocean762-train
 *
 * For each utterance, the speaker reads a known sentence. Positives and negatives:
 *   phone:    phones of the sentence as read (1) vs phones of a deliberately substituted word
 *             that its original pronunciation does not contain (0);
 *   word:     words of the sentence as read (1) vs the substituted word (0);
 *   sentence: the sentence as read (1) vs another utterance's sentence of similar length (0).
 * Each level is a class-balanced logistic regression (score = 100 × P under equal priors).
 * Speakers are split: every fifth speaker (sorted ids) is held out and only reported on.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { createAsrPool, type Alignment, type AsrEngine } from '../src/engines/index.js';
import {
  PHONE_FEATURES,
  SENTENCE_FEATURES,
  WORD_FEATURES,
  fitLogistic,
  logOdds,
  phoneFeatures,
  phoneGops,
  predictLogistic,
  sentenceFeatures,
  wordFeatures,
  type LogisticModel,
  type WordGops,
} from '../src/engines/pronunciation/index.js';
import { aucMannWhitney } from '../src/eval/metrics.js';
import { chooseWrongTexts, readCorpus, runEvaluation, substituteWords } from '../src/eval/index.js';

interface CachedUtterance {
  readonly id: string;
  readonly speaker: string | null;
  readonly own: WordGops[] | null;
  /** The substituted text's alignment and which word was replaced. */
  readonly substituted: { readonly index: number; readonly words: WordGops[] | null } | null;
  readonly wrong: WordGops[] | null;
  /** Phones per second of speaking time of the own-text alignment (pauses excluded). */
  readonly articulationRate: number | null;
}

const program = new Command('calibrate-pronunciation')
  .requiredOption('--corpus <dir>', 'Kaldi-style corpus (audio/, text, utt2spk)')
  .option('--out <file>', 'model file to write', 'models/pronunciation/model.json')
  .option('--cache <dir>', 'per-utterance engine output (resumable)', '.tmp/calibration')
  .option('--workers <n>', 'engine worker processes', String(os.availableParallelism()))
  .option('--seed <n>', 'seed of the substituted words and wrong texts', '1')
  .option('--limit <n>', 'first N utterances only')
  .parse();
const opts = program.opts<{
  corpus: string;
  out: string;
  cache: string;
  workers: string;
  seed: string;
  limit?: string;
}>();

const corpus = await readCorpus(opts.corpus);
const seed = Number(opts.seed);
const utterances = corpus.utterances.slice(0, opts.limit ? Number(opts.limit) : undefined);
const substitutions = substituteWords(corpus.utterances, seed);
const wrongTexts = chooseWrongTexts(corpus.utterances, seed);
const cacheDir = path.join(opts.cache, `seed-${seed}`);
mkdirSync(cacheDir, { recursive: true });
const cachePath = (id: string): string => path.join(cacheDir, `${id}.json`);

// Stage 1: engines → cached GOPs.
const todo = utterances.filter((u) => !existsSync(cachePath(u.id)));
if (todo.length > 0) {
  const workers = Number(opts.workers);
  const engine = await createAsrPool({ workers });
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar({ format: 'stage 1 engines {bar} {value}/{total} eta {eta}s' })
    : null;
  bar?.start(todo.length, 0);
  try {
    await runEvaluation(
      todo,
      { engine, workers, onProgress: (done) => bar?.update(done) },
      async (u, pcm) => {
        const loop = await engine.phoneLoop(pcm);
        const gops = async (words: readonly string[]): Promise<WordGops[] | null> => {
          const a = await tryAlign(engine, pcm, words);
          return a ? phoneGops(a, loop) : null;
        };
        const own = await tryAlign(engine, pcm, u.words);
        const sub = substitutions.get(u.id);
        const wrong = wrongTexts.get(u.id);
        const cached: CachedUtterance = {
          id: u.id,
          speaker: u.speaker,
          own: own ? phoneGops(own, loop) : null,
          substituted: sub ? { index: sub.index, words: await gops(sub.words) } : null,
          wrong: wrong ? await gops(wrong.words) : null,
          articulationRate: own ? articulationRate(own) : null,
        };
        writeFileSync(cachePath(u.id), JSON.stringify(cached));
      },
    );
  } finally {
    bar?.stop();
    await engine.close();
  }
}

// Stage 2: fit on the training speakers, report on the held-out ones.
const cached = utterances.map(
  (u) => JSON.parse(readFileSync(cachePath(u.id), 'utf8')) as CachedUtterance,
);
const speakers = [...new Set(cached.map((c) => c.speaker ?? c.id))].sort();
const heldOut = new Set(speakers.filter((_, i) => i % 5 === 4));
const train = cached.filter((c) => !heldOut.has(c.speaker ?? c.id));
const test = cached.filter((c) => heldOut.has(c.speaker ?? c.id));

interface Samples {
  xs: number[][];
  ys: number[];
}
const empty = (): Samples => ({ xs: [], ys: [] });
const add = (s: Samples, x: number[], y: 0 | 1): void => {
  s.xs.push(x);
  s.ys.push(y);
};

function phoneSamples(set: readonly CachedUtterance[]): Samples {
  const s = empty();
  for (const c of set) {
    for (const w of c.own ?? []) for (const p of w.phones) add(s, phoneFeatures(p, w), 1);
    const sub = c.substituted?.words?.find((w) => w.index === c.substituted!.index);
    const original = new Set(c.own?.[c.substituted?.index ?? -1]?.phones.map((p) => p.phone) ?? []);
    for (const p of sub?.phones ?? [])
      if (sub && !original.has(p.phone)) add(s, phoneFeatures(p, sub), 0);
  }
  return s;
}

function wordSamples(set: readonly CachedUtterance[]): Samples {
  const s = empty();
  for (const c of set) {
    for (const w of c.own ?? []) add(s, wordFeatures(w), 1);
    const sub = c.substituted?.words?.find((w) => w.index === c.substituted!.index);
    if (sub) add(s, wordFeatures(sub), 0);
  }
  return s;
}

function sentenceSamples(set: readonly CachedUtterance[], word: LogisticModel): Samples {
  const s = empty();
  const features = (words: WordGops[]): number[] =>
    sentenceFeatures(
      words,
      words.map((w) => logOdds(word, wordFeatures(w))),
    );
  for (const c of set) {
    if (c.own) add(s, features(c.own), 1);
    // A wrong text the engine could not align at all is a perfect rejection: score it lowest.
    add(s, c.wrong ? features(c.wrong) : sentenceFeatures([], []), 0);
  }
  return s;
}

function auc(model: LogisticModel, samples: Samples): number {
  const pos: number[] = [];
  const neg: number[] = [];
  samples.xs.forEach((x, i) => (samples.ys[i] === 1 ? pos : neg).push(predictLogistic(model, x)));
  return aucMannWhitney(pos, neg);
}

const fit = (s: Samples): LogisticModel =>
  fitLogistic(s.xs, s.ys, { balanceClasses: true, l2: 1e-4 });
const phone = fit(phoneSamples(train));
const word = fit(wordSamples(train));
const sentence = fit(sentenceSamples(train, word));

// DIFFERENT_SENTENCE below the score that keeps 99 % of the training speakers' own readings.
const ownSentenceScores = sentenceSamples(train, word)
  .xs.filter((_, i) => sentenceSamples(train, word).ys[i] === 1)
  .map((x) => 100 * predictLogistic(sentence, x))
  .sort((a, b) => a - b);
const differentSentenceBelow = Math.min(
  50,
  Math.floor(ownSentenceScores[Math.floor(0.01 * ownSentenceScores.length)] ?? 50),
);
const rates = cached
  .map((c) => c.articulationRate)
  .filter((r): r is number => r !== null)
  .sort((a, b) => a - b);
const medianArticulationRate = Math.round((rates[Math.floor(rates.length / 2)] ?? 10) * 100) / 100;

const report = {
  corpus: path.basename(path.resolve(opts.corpus)),
  seed,
  utterances: cached.length,
  trainSpeakers: speakers.length - heldOut.size,
  heldOutSpeakers: heldOut.size,
  heldOutPhoneAuc: round4(auc(phone, phoneSamples(test))),
  heldOutWordAuc: round4(auc(word, wordSamples(test))),
  heldOutSentenceAuc: round4(auc(sentence, sentenceSamples(test, word))),
};
const model = {
  version: `gop-logistic-${new Date().toISOString().slice(0, 10)}`,
  phone: { features: PHONE_FEATURES, ...roundModel(phone) },
  word: { features: WORD_FEATURES, ...roundModel(word) },
  sentence: { features: SENTENCE_FEATURES, ...roundModel(sentence) },
  decisions: { correct: 70, almost: 40 },
  differentSentenceBelow,
  medianArticulationRate,
  trainedOn: report,
};
mkdirSync(path.dirname(opts.out), { recursive: true });
writeFileSync(opts.out, `${JSON.stringify(model, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(report)}\nwrote ${opts.out}\n`);

async function tryAlign(
  engine: AsrEngine,
  pcm: Int16Array,
  words: readonly string[],
): Promise<Alignment | null> {
  try {
    return await engine.align(pcm, words);
  } catch {
    return null;
  }
}

function articulationRate(a: Alignment): number | null {
  const first = a.words[0];
  const last = a.words.at(-1);
  if (!first || !last) return null;
  const pauses = a.fillers
    .filter(
      (f) =>
        f.startSec >= first.startSec && f.endSec <= last.endSec && f.endSec - f.startSec >= 0.25,
    )
    .reduce((sum, f) => sum + f.endSec - f.startSec, 0);
  const phones = a.words.reduce((sum, w) => sum + w.phones.length, 0);
  const time = last.endSec - first.startSec - pauses;
  return time > 0 ? phones / time : null;
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

function roundModel(m: LogisticModel): LogisticModel {
  return {
    weights: m.weights.map((w) => Math.round(w * 1e6) / 1e6),
    bias: Math.round(m.bias * 1e6) / 1e6,
  };
}
