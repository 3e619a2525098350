import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CorpusError, normaliseWords, readCorpus } from '../../src/eval/corpus.js';
import type { CorpusUtterance } from '../../src/eval/corpus.js';
import { forEachConcurrent } from '../../src/eval/for-each-concurrent.js';
import { chooseWrongTexts } from '../../src/eval/wrong-text.js';

describe('normaliseWords', () => {
  test('lower case, no punctuation, apostrophes inside words kept', () => {
    assert.deepEqual(normaliseWords("LOOK AT ANN'S PANTS"), ['look', 'at', "ann's", 'pants']);
    assert.deepEqual(normaliseWords('  Hello,   world!  '), ['hello', 'world']);
    assert.deepEqual(normaliseWords('“Don’t” stop—twenty-one.'), [
      "don't",
      'stop',
      'twenty',
      'one',
    ]);
    assert.deepEqual(normaliseWords("'quoted' words"), ['quoted', 'words']);
    assert.deepEqual(normaliseWords('... ?!'), []);
  });
});

describe('readCorpus', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'voxgate-corpus-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  async function corpusDir(
    name: string,
    files: { text?: string; utt2spk?: string; audio?: string[] },
  ): Promise<string> {
    const dir = path.join(root, name);
    await mkdir(path.join(dir, 'audio'), { recursive: true });
    if (files.text !== undefined) await writeFile(path.join(dir, 'text'), files.text);
    if (files.utt2spk !== undefined) await writeFile(path.join(dir, 'utt2spk'), files.utt2spk);
    for (const audio of files.audio ?? []) await writeFile(path.join(dir, 'audio', audio), '');
    return dir;
  }

  test('reads utterances in text order, with speakers and normalised words', async () => {
    const dir = await corpusDir('good', {
      text: "u2\tLET'S GO\nu1 WE CALL IT BEAR\n\n",
      utt2spk: 'u1 s1\nu2 s2\n',
      audio: ['u1.flac', 'u2.flac', 'u2.wav'],
    });
    const corpus = await readCorpus(dir);
    assert.deepEqual(
      corpus.utterances.map((u) => [u.id, u.speaker, u.sentence, u.words.join(' ')]),
      [
        ['u2', 's2', "LET'S GO", "let's go"],
        ['u1', 's1', 'WE CALL IT BEAR', 'we call it bear'],
      ],
    );
    assert.equal(corpus.utterances[0]!.audioPath, path.join(dir, 'audio', 'u2.flac'));
  });

  test('names the utterances that have no audio file', async () => {
    const dir = await corpusDir('missing', {
      text: 'u1 A B\nu2 C D\nu3 E F\n',
      audio: ['u1.flac'],
    });
    await assert.rejects(readCorpus(dir), (e: Error) => {
      assert.ok(e instanceof CorpusError);
      assert.match(e.message, /2 utterance\(s\).*no audio file.*u2, u3/);
      return true;
    });
  });

  test('refuses a malformed line, a duplicate id, an empty sentence, a missing text file', async () => {
    const cases: [string, string, RegExp][] = [
      ['malformed', 'u1\n', /text:1: expected "<uttid> <sentence>"/],
      ['duplicate', 'u1 A\nu1 B\n', /text:2: utterance u1 is listed twice/],
      ['no-words', 'u1 ?!\n', /text:1: utterance u1 has no words/],
    ];
    for (const [name, text, message] of cases) {
      const dir = await corpusDir(name, { text, audio: ['u1.flac'] });
      await assert.rejects(readCorpus(dir), message);
    }
    await assert.rejects(
      readCorpus(await corpusDir('no-text', {})),
      /cannot read the transcript file `text`/,
    );
    await assert.rejects(readCorpus(path.join(root, 'absent')), CorpusError);
  });
});

describe('chooseWrongTexts', () => {
  const utterance = (id: string, sentence: string): CorpusUtterance => ({
    id,
    speaker: null,
    sentence,
    words: normaliseWords(sentence),
    audioPath: `${id}.flac`,
  });
  const corpus = [
    utterance('a', 'ONE TWO THREE'),
    utterance('b', 'FOUR FIVE SIX'),
    utterance('c', 'ONE TWO THREE'),
    utterance('d', 'SEVEN EIGHT'),
    utterance('e', 'NINE TEN ELEVEN TWELVE THIRTEEN'),
  ];

  test('closest word count, different text, deterministic for a seed', () => {
    const wrong = chooseWrongTexts(corpus, 1);
    assert.equal(wrong.get('a')?.id, 'b');
    assert.equal(wrong.get('c')?.id, 'b');
    assert.ok(['a', 'c'].includes(wrong.get('b')!.id));
    assert.ok(['a', 'b', 'c'].includes(wrong.get('d')!.id));
    assert.ok(['a', 'b', 'c'].includes(wrong.get('e')!.id));
    for (const [id, other] of wrong)
      assert.notEqual(other.words.join(' '), corpus.find((u) => u.id === id)!.words.join(' '));
    assert.deepEqual(
      [...chooseWrongTexts(corpus, 1)].map(([id, u]) => [id, u.id]),
      [...wrong].map(([id, u]) => [id, u.id]),
    );
  });

  test('no entry when no other text exists', () => {
    assert.equal(chooseWrongTexts([corpus[0]!, corpus[2]!], 1).size, 0);
  });
});

describe('forEachConcurrent', () => {
  async function* numbers(n: number): AsyncGenerator<number> {
    for (let i = 0; i < n; i++) yield i;
  }

  test('runs every item with at most `concurrency` in flight', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachConcurrent(numbers(20), 3, async (i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(i);
      running--;
    });
    assert.equal(peak, 3);
    assert.deepEqual(
      seen.sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i),
    );
  });

  test('the first failure stops new items and is thrown', async () => {
    const started: number[] = [];
    await assert.rejects(
      forEachConcurrent(numbers(100), 2, async (i) => {
        started.push(i);
        await new Promise((resolve) => setImmediate(resolve));
        if (i === 3) throw new Error('boom');
      }),
      /boom/,
    );
    assert.ok(started.length < 10);
  });
});
