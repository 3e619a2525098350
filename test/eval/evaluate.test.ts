/**
 * The evaluators' bookkeeping, with a scripted engine standing in for pocketsphinx: the real
 * engine is exercised end to end by eval-command.test.ts; here every score is known, so the
 * counts, the AUC, the WER and the concurrency limit can be checked exactly.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {
  Alignment,
  AsrEngine,
  Recognition,
  TimedSegment,
} from '../../src/engines/asr/asr-engine.js';
import { readCorpus, type Corpus } from '../../src/eval/corpus.js';
import { evaluateAlignment } from '../../src/eval/evaluate-alignment.js';
import { evaluateRecognition } from '../../src/eval/evaluate-recognition.js';

// Word counts 4, 2, 2, 5: the two 2-word utterances get each other's text as the wrong one.
const SENTENCES = ['WE CALL IT BEAR', 'GOOD MORNING', "LET'S GO", 'A B C D E'];

/** 16 kHz mono 16-bit WAV of low noise, `seconds` long. */
function wav(seconds: number): Buffer {
  const samples = Math.round(seconds * 16000);
  const out = Buffer.alloc(44 + samples * 2);
  out.write('RIFF', 0);
  out.writeUInt32LE(36 + samples * 2, 4);
  out.write('WAVEfmt ', 8);
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(16000, 24);
  out.writeUInt32LE(32000, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36);
  out.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) out.writeInt16LE(((i * 7919) % 200) - 100, 44 + i * 2);
  return out;
}

/**
 * Knows each utterance by its length: its own text aligns at -1.5 per frame (every word), any
 * other text at -4, the phone loop scores -1 per frame. Recognition drops the last word of the last utterance.
 */
class ScriptedEngine implements AsrEngine {
  inFlight = 0;
  peak = 0;
  constructor(private readonly truth: ReadonlyMap<number, readonly string[]>) {}

  private async call<T>(result: () => T): Promise<T> {
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 2));
    this.inFlight--;
    return result();
  }

  private frames(pcm: Int16Array): number {
    return Math.floor(pcm.length / 160);
  }

  align(pcm: Int16Array, words: readonly string[]): Promise<Alignment> {
    return this.call(() => {
      const frames = this.frames(pcm);
      const own = this.truth.get(pcm.length)?.join(' ') === words.join(' ');
      if (!own && words.length === 2) throw new Error('no path through the grammar');
      const step = frames / 100 / words.length;
      return {
        words: words.map((label, index) => ({
          label,
          index,
          startSec: index * step,
          endSec: (index + 1) * step,
          frames: Math.floor(frames / words.length),
          acousticScore: (own ? -1.5 : -4) * Math.floor(frames / words.length),
          phones: [
            {
              label: 'AH',
              startSec: index * step,
              endSec: (index + 1) * step,
              frames: Math.floor(frames / words.length),
              acousticScore: (own ? -1.5 : -4) * Math.floor(frames / words.length),
            },
          ],
        })),
        fillers: [],
        acousticScore: (own ? -1.5 : -4) * frames,
        frames,
        generatedPronunciations: [],
      };
    });
  }

  phoneLoop(pcm: Int16Array): Promise<readonly TimedSegment[]> {
    return this.call(() => {
      const frames = this.frames(pcm);
      return [{ label: 'AH', startSec: 0, endSec: frames / 100, frames, acousticScore: -frames }];
    });
  }

  recognize(pcm: Int16Array): Promise<Recognition> {
    return this.call(() => {
      const words = this.truth.get(pcm.length) ?? [];
      const last = words === this.truth.get(lengthOf(SENTENCES.length - 1));
      return {
        text: (last ? words.slice(0, -1) : words).join(' '),
        words: [],
        frames: this.frames(pcm),
      };
    });
  }

  chooseSentence(): never {
    throw new Error('not used');
  }

  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}

/** Utterance i lasts 1 + i/4 seconds, so its sample count identifies it. */
function lengthOf(i: number): number {
  return Math.round((1 + i / 4) * 16000);
}

describe('evaluators with a scripted engine', () => {
  let dir: string;
  let corpus: Corpus;
  let engine: ScriptedEngine;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'voxgate-evaluate-'));
    await mkdir(path.join(dir, 'audio'));
    const ids = SENTENCES.map((_, i) => `u${i}`);
    await writeFile(
      path.join(dir, 'text'),
      SENTENCES.map((sentence, i) => `${ids[i]} ${sentence}\n`).join(''),
    );
    for (const [i, id] of ids.entries())
      await writeFile(path.join(dir, 'audio', `${id}.wav`), wav(1 + i / 4));
    corpus = await readCorpus(dir);
    engine = new ScriptedEngine(new Map(corpus.utterances.map((u, i) => [lengthOf(i), u.words])));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('alignment: counts, a refused wrong text, AUC, timing, concurrency', async () => {
    const progress: number[] = [];
    const result = await evaluateAlignment(corpus.utterances, corpus.utterances, {
      engine,
      workers: 2,
      onProgress: (done) => progress.push(done),
    });
    assert.equal(result.utterances, 4);
    assert.equal(result.aligned, 4);
    assert.equal(result.ownFailures, 0);
    assert.equal(result.wrongTexts, 4);
    // The scripted engine refuses any 2-word wrong text; a refusal still counts as a negative.
    assert.equal(result.wrongFailures, 2);
    assert.equal(result.wrongTextAuc, 1);
    assert.equal(result.workers, 2);
    assert.ok(Math.abs(result.audioSec - (1 + 1.25 + 1.5 + 1.75)) < 1e-3);
    assert.ok(result.rtf > 0 && Number.isFinite(result.rtf));
    assert.deepEqual(progress, [1, 2, 3, 4]);
    assert.equal(engine.peak, 2);
  });

  test('recognition: corpus WER is total edits over total reference words', async () => {
    const result = await evaluateRecognition(corpus.utterances.slice(0, 4), {
      engine,
      workers: 3,
    });
    assert.equal(result.utterances, 4);
    assert.equal(result.referenceWords, 4 + 2 + 2 + 5);
    assert.equal(result.deletions, 1);
    assert.equal(result.wer, 1 / 13);
    assert.equal(result.workers, 3);
  });
});
