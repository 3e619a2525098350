/**
 * Word stress: espeak-ng IPA → syllables and primary stress, the sentence dictionary (one
 * transcriber call, context, cache, failures), and prominence on synthetic vowels and audio.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  detectWordStress,
  espeakIpaTranscriber,
  parseStressedIpa,
  prosodyTrack,
  StressDictionary,
  vowelProminence,
  type IpaTranscriber,
  type ProsodyTrack,
  type StressWordInput,
} from '../../src/speech/scripted/word-stress.js';

describe('parseStressedIpa', () => {
  test('syllables are vowel nuclei, the primary stress is the vowel after ˈ', () => {
    const cases: [string, string, { syllables: number; stressed: number } | null][] = [
      ['elephant', 'ˈɛ_l_ɪ_f_ə_n_t', { syllables: 3, stressed: 0 }],
      ['today', 't_ə_d_ˈeɪ', { syllables: 2, stressed: 1 }],
      ['banana', 'b_ɐ_n_ˈæ_n_ə', { syllables: 3, stressed: 1 }],
      ['record (noun)', 'ɹ_ˈɛ_k_ɚ_d', { syllables: 2, stressed: 0 }],
      ['record (verb)', 'ɹ_ᵻ_k_ˈoːɹ_d', { syllables: 2, stressed: 1 }],
      ['information', 'ˌɪ_n_f_ɚ_m_ˈeɪ_ʃ_ə_n', { syllables: 4, stressed: 2 }],
      // Tokens ARPAbet splits in two vowels (AY ER, IY AH) and syllabic consonants.
      ['fire', 'f_ˈaɪɚ_ɹ', { syllables: 2, stressed: 0 }],
      ['idea', 'aɪ_d_ˈiə', { syllables: 3, stressed: 1 }],
      ['button', 'b_ˈʌ_ʔ_n̩', { syllables: 2, stressed: 0 }],
      ['little', 'l_ˈɪ_ɾ_əl', { syllables: 2, stressed: 0 }],
    ];
    for (const [word, ipa, expected] of cases)
      assert.deepEqual(parseStressedIpa(ipa), expected, word);
  });

  test('no primary stress, or more than one (a number spelled out): null', () => {
    assert.equal(parseStressedIpa('ð_ə'), null);
    assert.equal(parseStressedIpa('f_ˈoːɹ_ɾ_i t_ˈuː'), null);
    assert.equal(parseStressedIpa(''), null);
  });
});

/** A transcriber answering from a table, counting its calls. */
function fakeTranscriber(table: Record<string, string>): IpaTranscriber & { calls: string[][] } {
  const calls: string[][] = [];
  const transcribe = async (lines: readonly string[]) => {
    calls.push([...lines]);
    return lines.map((l) =>
      l
        .split(' ')
        .map((w) => table[`${l}|${w}`] ?? table[w] ?? '')
        .join(' '),
    );
  };
  return Object.assign(transcribe, { calls });
}

describe('StressDictionary', () => {
  test('one call for every sentence; the context reading wins; sentences are cached', async () => {
    const transcribe = fakeTranscriber({
      to: 't_ə',
      record: 'ɹ_ˈɛ_k_ɚ_d',
      'to record|record': 'ɹ_ᵻ_k_ˈoːɹ_d',
      the: 'ð_ə',
      elephant: 'ˈɛ_l_ɪ_f_ə_n_t',
    });
    const dictionary = new StressDictionary({ transcribe });
    const [verb, noun] = await dictionary.lookup([
      ['to', 'record'],
      ['the', 'record'],
    ]);
    assert.deepEqual(verb, [null, { syllables: 2, stressed: 1 }]);
    assert.deepEqual(noun, [null, { syllables: 2, stressed: 0 }]);
    assert.equal(transcribe.calls.length, 1);
    assert.deepEqual(transcribe.calls[0], ['to', 'record', 'the', 'to record', 'the record']);

    await dictionary.lookup([['to', 'record']]);
    assert.equal(transcribe.calls.length, 1, 'cached');
    const [elephant] = await dictionary.lookup([['the', 'elephant']]);
    assert.deepEqual(elephant, [null, { syllables: 3, stressed: 0 }]);
    assert.deepEqual(transcribe.calls[1], ['the', 'elephant', 'the elephant']);
  });

  test('least recently used sentences leave the cache first', async () => {
    const transcribe = fakeTranscriber({ today: 't_ə_d_ˈeɪ' });
    const dictionary = new StressDictionary({ transcribe, capacity: 2 });
    await dictionary.lookup([['a']]);
    await dictionary.lookup([['b']]);
    await dictionary.lookup([['a']]); // a is now the most recent
    await dictionary.lookup([['today']]); // evicts b
    assert.equal(transcribe.calls.length, 3);
    await dictionary.lookup([['a']]);
    assert.equal(transcribe.calls.length, 3);
    await dictionary.lookup([['b']]);
    assert.equal(transcribe.calls.length, 4);
  });

  test('a sentence split into clauses falls back to its words alone', async () => {
    const transcribe: IpaTranscriber = async (lines) => [
      ...lines.slice(0, 2).map((w) => (w === 'today' ? 't_ə_d_ˈeɪ' : 'n_ˈaʊ')),
      'n_ˈaʊ',
      't_ˈʊ_d_eɪ', // a wrong reading, on a line of its own: not used
    ];
    const [stress] = await new StressDictionary({ transcribe }).lookup([['now', 'today']]);
    assert.deepEqual(stress, [
      { syllables: 1, stressed: 0 },
      { syllables: 2, stressed: 1 },
    ]);
  });

  test('a failing or throwing transcriber gives nulls, never an error, and is retried', async () => {
    let calls = 0;
    const failing: IpaTranscriber = async () => {
      calls += 1;
      if (calls === 1) return null;
      throw new Error('spawn failed');
    };
    const dictionary = new StressDictionary({ transcribe: failing });
    assert.deepEqual(await dictionary.lookup([['banana', 'split']]), [[null, null]]);
    assert.deepEqual(await dictionary.lookup([['banana', 'split']]), [[null, null]]);
    assert.equal(calls, 2);
    const missing = new StressDictionary({
      transcribe: espeakIpaTranscriber({ command: '/nonexistent/espeak-ng' }),
    });
    assert.deepEqual(await missing.lookup([['banana']]), [[null]]);
  });

  test('the real espeak-ng, one process for all sentences', async () => {
    const dictionary = new StressDictionary();
    const [verb, noun, other] = await dictionary.lookup([
      ['i', 'want', 'to', 'record', 'it'],
      ['the', 'record', 'is', 'old'],
      ['an', 'elephant', 'today', 'banana'],
    ]);
    assert.deepEqual(verb![3], { syllables: 2, stressed: 1 });
    assert.deepEqual(noun![1], { syllables: 2, stressed: 0 });
    assert.deepEqual(other!.slice(1), [
      { syllables: 3, stressed: 0 },
      { syllables: 2, stressed: 1 },
      { syllables: 3, stressed: 1 },
    ]);
  });
});

/** A track of 10 ms frames from per-frame energy and F0. */
function track(energyDb: number[], f0: number[]): ProsodyTrack {
  return {
    energyDb: Float32Array.from(energyDb),
    f0: Float32Array.from(f0),
    frameShiftSec: 0.01,
    firstCentreSec: 0.0125,
  };
}

/** A word of consonant + vowel syllables: each vowel [start, end) in seconds. */
function word(vowels: [number, number][], omitted = false): StressWordInput {
  return {
    omitted,
    phones: vowels.flatMap(([s, e]) => [
      { phone: 'T', startSec: s - 0.05, endSec: s },
      { phone: 'AH', startSec: s, endSec: e },
    ]),
  };
}

describe('prominence and detected stress', () => {
  const frames = 100;
  const flat = (value: number) => Array<number>(frames).fill(value);
  const vowels = [
    { startSec: 0.1, endSec: 0.2 },
    { startSec: 0.3, endSec: 0.4 },
    { startSec: 0.5, endSec: 0.6 },
  ];
  const setFrames = (values: number[], [s, e]: [number, number], value: number) => {
    for (let t = Math.round(s * 100); t < Math.round(e * 100); t++) values[t] = value;
    return values;
  };

  test('the louder, the longer and the higher vowel each win', () => {
    const louder = vowelProminence(vowels, track(setFrames(flat(-30), [0.3, 0.4], -20), flat(150)));
    assert.deepEqual(argmax(louder), 1);
    const longer = vowelProminence(
      [vowels[0]!, vowels[1]!, { startSec: 0.5, endSec: 0.75 }],
      track(flat(-30), flat(150)),
    );
    assert.deepEqual(argmax(longer), 2);
    const higher = vowelProminence(vowels, track(flat(-30), setFrames(flat(150), [0.1, 0.2], 220)));
    assert.deepEqual(argmax(higher), 0);
    // Unvoiced vowels count as average pitch; equal cues give equal prominence.
    const even = vowelProminence(vowels, track(flat(-30), flat(0)));
    assert.deepEqual([...even], [0, 0, 0]);
  });

  test('weights choose the cues', () => {
    const t = track(setFrames(flat(-30), [0.1, 0.2], -20), setFrames(flat(150), [0.3, 0.4], 220));
    assert.equal(argmax(vowelProminence(vowels, t, { energy: 1, duration: 0, pitch: 0 })), 0);
    assert.equal(argmax(vowelProminence(vowels, t, { energy: 0, duration: 0, pitch: 1 })), 1);
  });

  test('decisions per word; null for one syllable, omitted words and count mismatches', () => {
    const energy = setFrames(setFrames(flat(-30), [0.1, 0.2], -15), [0.5, 0.6], -15);
    const words = [
      word([
        [0.1, 0.2],
        [0.3, 0.4],
      ]),
      word([
        [0.5, 0.6],
        [0.7, 0.8],
      ]),
      word([[0.85, 0.9]]),
      word([], true),
      word([
        [0.92, 0.95],
        [0.96, 0.99],
      ]),
    ];
    const result = detectWordStress(
      words,
      [
        { syllables: 2, stressed: 0 },
        { syllables: 2, stressed: 1 },
        null,
        { syllables: 2, stressed: 0 },
        { syllables: 3, stressed: 0 },
      ],
      track(energy, flat(150)),
    );
    assert.deepEqual(result, [
      {
        syllables: 2,
        expectedStressedSyllable: 0,
        detectedStressedSyllable: 0,
        decision: 'correct',
      },
      {
        syllables: 2,
        expectedStressedSyllable: 1,
        detectedStressedSyllable: 0,
        decision: 'incorrect',
      },
      null,
      null,
      null,
    ]);
  });

  test('no word to judge: the track is never computed', () => {
    const result = detectWordStress([word([[0.1, 0.2]])], [null], () => {
      throw new Error('computed');
    });
    assert.deepEqual(result, [null]);
  });

  test('on synthetic audio: the loud, long, high vowel of two is detected', () => {
    const rate = 16_000;
    const samples = new Float32Array(rate);
    const vowel = (startSec: number, endSec: number, hz: number, amplitude: number) => {
      for (let i = Math.round(startSec * rate); i < Math.round(endSec * rate); i++)
        for (let h = 1; h <= 5; h++)
          samples[i] = samples[i]! + (amplitude / h) * Math.sin((2 * Math.PI * hz * h * i) / rate);
    };
    vowel(0.2, 0.3, 120, 0.1);
    vowel(0.45, 0.65, 170, 0.4);
    const [stress] = detectWordStress(
      [
        word([
          [0.2, 0.3],
          [0.45, 0.65],
        ]),
      ],
      [{ syllables: 2, stressed: 1 }],
      (span) => prosodyTrack(samples, span),
    );
    assert.equal(stress?.detectedStressedSyllable, 1);
    assert.equal(stress?.decision, 'correct');

    // A span's frames sit on the whole audio's grid, with the same energies.
    const whole = prosodyTrack(samples);
    const part = prosodyTrack(samples, { startSec: 0.2, endSec: 0.65 });
    const offset = Math.round((part.firstCentreSec - whole.firstCentreSec) / 0.01);
    assert.ok(offset > 0 && part.energyDb.length < whole.energyDb.length);
    assert.ok(Math.abs(part.firstCentreSec - whole.firstCentreSec - offset * 0.01) < 1e-9);
    for (let t = 0; t < part.energyDb.length; t++)
      assert.equal(part.energyDb[t], whole.energyDb[t + offset]);
  });
});

function argmax(values: Float64Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
