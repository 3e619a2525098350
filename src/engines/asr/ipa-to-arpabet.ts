/**
 * espeak-ng's IPA phonemes (as printed by `espeak-ng -q --ipa --sep=_ -v en-us`) mapped to the
 * acoustic model's ARPAbet phones (no stress). espeak-ng prints one token per phoneme, so the
 * table is keyed by whole tokens after stress marks are removed; combinations it emits as one
 * phoneme (r-coloured vowels, syllabic consonants) have their own rows.
 *
 * Choices worth knowing:
 * - Reduced vowels (ə, ɐ, ᵻ) follow CMUdict practice: ə → AH, ᵻ → IH.
 * - en-us r-colouring: ɚ and ɜː are ER; `ɑːɹ`, `oːɹ`, `ɛɹ`, `ɪɹ`, `ʊɹ` are vowel + R.
 * - The flap ɾ is T or D in CMUdict depending on spelling (`water` vs `ladder`): D when the
 *   word is spelled with a d and no t, else T. The glottal stop ʔ (`button`) is T.
 * - Syllabic n̩, l̩, m̩ and espeak's `əl` are AH + consonant, as CMUdict writes them.
 * - Sounds English lacks map to the nearest phone (x → K, ç → HH, ɬ → L, ɲ → N Y).
 */

/** The acoustic model's 39 phones (CMU set, no stress). */
export const ARPABET_PHONES = [
  'AA', 'AE', 'AH', 'AO', 'AW', 'AY', 'B', 'CH', 'D', 'DH', 'EH', 'ER', 'EY', 'F', 'G', 'HH',
  'IH', 'IY', 'JH', 'K', 'L', 'M', 'N', 'NG', 'OW', 'OY', 'P', 'R', 'S', 'SH', 'T', 'TH', 'UH',
  'UW', 'V', 'W', 'Y', 'Z', 'ZH',
] as const; // prettier-ignore

export type ArpabetPhone = (typeof ARPABET_PHONES)[number];

/** Flap placeholder, resolved from spelling in `ipaToArpabet`. */
const FLAP = 'FLAP';

const TABLE: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  // Vowels and diphthongs.
  ['ɑː', ['AA']], ['ɑ', ['AA']], ['ɒ', ['AA']], ['aː', ['AA']], ['a', ['AE']], ['æ', ['AE']],
  ['ʌ', ['AH']], ['ə', ['AH']], ['ɐ', ['AH']], ['ᵊ', ['AH']],
  ['ɔː', ['AO']], ['ɔ', ['AO']],
  ['aʊ', ['AW']], ['aɪ', ['AY']], ['ɛ', ['EH']], ['e', ['EH']], ['eɪ', ['EY']],
  ['ɪ', ['IH']], ['ᵻ', ['IH']], ['i', ['IY']], ['iː', ['IY']],
  ['oʊ', ['OW']], ['əʊ', ['OW']], ['o', ['OW']], ['oː', ['OW']],
  ['ɔɪ', ['OY']], ['ʊ', ['UH']], ['u', ['UW']], ['uː', ['UW']], ['ʉ', ['UW']], ['ʉː', ['UW']],
  ['ɜː', ['ER']], ['ɜ', ['ER']], ['ɝ', ['ER']], ['ɚ', ['ER']],
  // r-coloured vowels and vowel sequences espeak-ng prints as one phoneme.
  ['ɑːɹ', ['AA', 'R']], ['ɑɹ', ['AA', 'R']], ['ɔːɹ', ['AO', 'R']], ['ɔɹ', ['AO', 'R']],
  ['oːɹ', ['AO', 'R']], ['oɹ', ['AO', 'R']], ['ɛɹ', ['EH', 'R']], ['eɹ', ['EH', 'R']],
  ['ɪɹ', ['IH', 'R']], ['iɹ', ['IY', 'R']], ['ʊɹ', ['UH', 'R']], ['uɹ', ['UW', 'R']],
  ['ɜːɹ', ['ER']], ['ɚɹ', ['ER']], ['aɪɚ', ['AY', 'ER']], ['aɪə', ['AY', 'ER']],
  ['aʊɚ', ['AW', 'ER']], ['aʊə', ['AW', 'ER']], ['iə', ['IY', 'AH']], ['ɪə', ['IH', 'R']],
  ['eə', ['EH', 'R']], ['ʊə', ['UH', 'R']],
  // Syllabic consonants.
  ['əl', ['AH', 'L']], ['n̩', ['AH', 'N']], ['l̩', ['AH', 'L']], ['m̩', ['AH', 'M']], ['ɹ̩', ['ER']],
  // Consonants.
  ['b', ['B']], ['tʃ', ['CH']], ['d', ['D']], ['ð', ['DH']], ['f', ['F']], ['ɡ', ['G']],
  ['g', ['G']], ['h', ['HH']], ['dʒ', ['JH']], ['k', ['K']], ['l', ['L']], ['ɫ', ['L']],
  ['m', ['M']], ['n', ['N']], ['ŋ', ['NG']], ['p', ['P']], ['ɹ', ['R']], ['r', ['R']],
  ['s', ['S']], ['ʃ', ['SH']], ['t', ['T']], ['θ', ['TH']], ['v', ['V']], ['w', ['W']],
  ['ʍ', ['W']], ['j', ['Y']], ['z', ['Z']], ['ʒ', ['ZH']],
  ['ɾ', [FLAP]], ['ʔ', ['T']],
  // Sounds English lacks: nearest phone.
  ['x', ['K']], ['ç', ['HH']], ['ɦ', ['HH']], ['ɬ', ['L']], ['ts', ['T', 'S']], ['dz', ['D', 'Z']],
  ['ɲ', ['N', 'Y']], ['ʎ', ['L', 'Y']], ['β', ['V']], ['ɣ', ['G']], ['ɸ', ['F']], ['ʁ', ['R']],
  ['ʀ', ['R']], ['q', ['K']], ['c', ['K']], ['ɟ', ['G']], ['y', ['UW']], ['ø', ['ER']],
  ['œ', ['ER']], ['ɯ', ['UW']], ['ɤ', ['AH']],
]); // prettier-ignore

const LONGEST_KEY = Math.max(...[...TABLE.keys()].map((k) => [...k].length));
/** Stress and linking marks, zero-width joiners: no phonetic content for us. */
const MARKS = /ˈ|ˌ|‿|\u200d|\u200c|-/gu;

export interface IpaMapping {
  readonly phones: readonly ArpabetPhone[];
  /** Symbols with no row in the table (skipped); empty for ordinary English. */
  readonly unmapped: readonly string[];
}

/**
 * Maps espeak-ng phoneme tokens to ARPAbet. `spelling` (the word) only decides the flap.
 *
 * ### Examples
 * ```ts
 * ipaToArpabet(['v', 'ˈɑː', 'k', 's', 'ɡ', 'eɪ', 't'], 'voxgate').phones;
 * // ['V', 'AA', 'K', 'S', 'G', 'EY', 'T']
 * ```
 */
export function ipaToArpabet(tokens: readonly string[], spelling: string): IpaMapping {
  const flap = /d/.test(spelling) && !/t/.test(spelling) ? 'D' : 'T';
  const phones: ArpabetPhone[] = [];
  const unmapped: string[] = [];
  for (const raw of tokens) {
    const token = raw.replace(MARKS, '').normalize('NFC');
    if (token === '') continue;
    for (const phone of mapToken(token, unmapped))
      phones.push((phone === FLAP ? flap : phone) as ArpabetPhone);
  }
  return { phones, unmapped };
}

/** Whole token, then without length marks, then greedy longest match symbol by symbol. */
function mapToken(token: string, unmapped: string[]): readonly string[] {
  const whole = TABLE.get(token) ?? TABLE.get(token.replace(/[ːˑ]/gu, ''));
  if (whole) return whole;
  const symbols = [...token];
  const out: string[] = [];
  let i = 0;
  while (i < symbols.length) {
    let matched = false;
    for (let len = Math.min(LONGEST_KEY, symbols.length - i); len > 0; len--) {
      const row = TABLE.get(symbols.slice(i, i + len).join(''));
      if (row) {
        out.push(...row);
        i += len;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    const symbol = symbols[i] ?? '';
    // Length marks and combining diacritics alone carry nothing we model.
    if (!/^[ːˑ\p{M}]$/u.test(symbol)) unmapped.push(symbol);
    i++;
  }
  return out;
}
