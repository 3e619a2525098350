import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { espeakG2p } from '../../src/engines/asr/espeak-g2p.js';
import { ipaToArpabet } from '../../src/engines/asr/ipa-to-arpabet.js';
import { normalizeWord } from '../../src/engines/asr/lexicon.js';
import {
  phoneChainGraph,
  sentenceUnionGraph,
  wordChainGraph,
} from '../../src/engines/asr/fsg-graphs.js';

describe('grapheme to phoneme', () => {
  test('espeak-ng IPA tokens map to the CMU phones of known words', () => {
    const cases: [string[], string, string][] = [
      [['w', 'ˈɔː', 'ɾ', 'ɚ'], 'water', 'W AO T ER'],
      [['l', 'ˈæ', 'd', 'ɚ'], 'ladder', 'L AE D ER'],
      [['b', 'ˈʌ', 'ʔ', 'n̩'], 'button', 'B AH T AH N'],
      [['f', 'ˈoːɹ'], 'four', 'F AO R'],
      [['h', 'ˈɪɹ'], 'here', 'HH IH R'],
      [['n', 'ˈeɪ', 'ʃ', 'ə', 'n'], 'nation', 'N EY SH AH N'],
      [['m', 'ˈɛ', 'ʒ', 'ɚ'], 'measure', 'M EH ZH ER'],
      [['ɹ', 'ˈaɪ', 'd', 'ɚ'], 'rider', 'R AY D ER'],
      [['m', 'ˈʌ', 'ɾ', 'ɚ'], 'mudder', 'M AH D ER'],
    ];
    for (const [tokens, word, expected] of cases)
      assert.equal(ipaToArpabet(tokens, word).phones.join(' '), expected, word);
  });

  test('unknown symbols are reported, not silently turned into phones', () => {
    const { phones, unmapped } = ipaToArpabet(['k', 'ʘ', 'æ', 't'], 'cat');
    assert.deepEqual(phones, ['K', 'AE', 'T']);
    assert.deepEqual(unmapped, ['ʘ']);
  });

  test('espeak-ng gives made-up and numeric words a pronunciation', () => {
    const g2p = espeakG2p();
    assert.deepEqual(g2p('voxgate'), ['V', 'AA', 'K', 'S', 'G', 'EY', 'T']);
    assert.deepEqual(g2p('cawl'), ['K', 'AO', 'L']);
    assert.ok(g2p('42').length >= 6, 'forty two');
    assert.deepEqual(espeakG2p({ command: '/nonexistent/espeak' })('hello'), []);
  });

  test('words are normalised: lower case, punctuation gone, apostrophes kept', () => {
    assert.equal(normalizeWord('Don’t!'), "don't");
    assert.equal(normalizeWord('"Bear,"'), 'bear');
    assert.equal(normalizeWord('Café'), 'café');
    assert.equal(normalizeWord('--'), '');
  });
});

describe('alignment grammars', () => {
  test('a word chain allows silence at every word boundary', () => {
    const g = wordChainGraph(['a', 'b']);
    assert.equal(g.states, 3);
    assert.deepEqual(g.arcs, [
      { from: 0, to: 1, word: 'a' },
      { from: 1, to: 2, word: 'b' },
    ]);
    assert.deepEqual(g.silence?.states, [0, 1, 2]);
  });

  test('a phone chain allows silence between words only', () => {
    const g = phoneChainGraph(
      [
        ['K', 'AO', 'L'],
        ['IH', 'T'],
      ],
      (p) => `ph_${p.toLowerCase()}`,
    );
    assert.equal(g.states, 6);
    assert.equal(g.final, 5);
    assert.deepEqual(g.silence?.states, [0, 3, 5]);
    assert.deepEqual(
      g.arcs.map((a) => a.word),
      ['ph_k', 'ph_ao', 'ph_l', 'ph_ih', 'ph_t'],
    );
  });

  test('a sentence union shares start and final states', () => {
    const g = sentenceUnionGraph([['a', 'b'], ['c'], []]);
    assert.deepEqual(g.arcs, [
      { from: 0, to: 2, word: 'a' },
      { from: 2, to: 1, word: 'b' },
      { from: 0, to: 1, word: 'c' },
      { from: 0, to: 1, word: null },
    ]);
    assert.equal(g.states, 3);
  });
});
