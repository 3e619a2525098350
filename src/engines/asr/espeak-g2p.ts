/**
 * Grapheme-to-phoneme for words the dictionary lacks, through the `espeak-ng` program (its
 * en-us rules and exception lists), mapped to ARPAbet by `ipa-to-arpabet.ts`. One short-lived
 * process per word (~10 ms); the lexicon caches results, so each word is converted once per
 * worker.
 */
import { execFileSync } from 'node:child_process';
import { ipaToArpabet, type ArpabetPhone } from './ipa-to-arpabet.js';

/** Word (normalised) → phones; an empty result means no pronunciation could be produced. */
export type GraphemeToPhoneme = (word: string) => readonly ArpabetPhone[];

export interface EspeakOptions {
  /** The program; `DEFAULT_ESPEAK_COMMAND` unless given. */
  readonly command?: string;
  /** espeak-ng voice; `DEFAULT_ESPEAK_VOICE` unless given. */
  readonly voice?: string;
}

export const DEFAULT_ESPEAK_COMMAND = 'espeak-ng';
export const DEFAULT_ESPEAK_VOICE = 'en-us';
const ESPEAK_TIMEOUT_MS = 5_000;

/**
 * A G2P function backed by espeak-ng. Errors running the program yield an empty result (the
 * caller turns that into a "no pronunciation" error naming the word).
 *
 * ### Examples
 * ```ts
 * const g2p = espeakG2p();
 * g2p('voxgate'); // ['V', 'AA', 'K', 'S', 'G', 'EY', 'T']
 * ```
 */
export function espeakG2p(options: EspeakOptions = {}): GraphemeToPhoneme {
  const command = options.command ?? DEFAULT_ESPEAK_COMMAND;
  const voice = options.voice ?? DEFAULT_ESPEAK_VOICE;
  return (word) => {
    let output: string;
    try {
      // The word goes on stdin so nothing in it can be read as an option.
      output = execFileSync(command, ['-q', '--ipa', '--sep=_', '-v', voice], {
        input: word,
        encoding: 'utf8',
        timeout: ESPEAK_TIMEOUT_MS,
        stdio: ['pipe', 'pipe', 'ignore'],
      });
    } catch {
      return [];
    }
    // Numbers and the like come back as several words: their phones are concatenated.
    const tokens = output.split(/\s+/u).flatMap((w) => w.split('_'));
    return ipaToArpabet(tokens, word).phones;
  };
}
