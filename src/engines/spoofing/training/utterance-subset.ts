/**
 * At most `perSpeaker` utterances of each speaker, drawn with the seed (the same corpus and
 * seed give the same subset), returned sorted by id. Generating every attack of every
 * utterance costs most of the recipe's time; ten utterances of each of many speakers carry
 * nearly all of what twenty do, since the variety that matters is between speakers, devices
 * and attacks.
 */
import { SeededRandom } from '../speaker-engine-parts.js';
import { streamSeed, type SourceUtterance } from './generate-shards.js';

/**
 * ### Examples
 * ```ts
 * const subset = utteranceSubset(utterances, ['0001', '0002'], 10, 1);
 * ```
 */
export function utteranceSubset(
  utterances: readonly SourceUtterance[],
  speakers: readonly string[],
  perSpeaker: number,
  seed: number,
): SourceUtterance[] {
  const bySpeaker = new Map<string, SourceUtterance[]>();
  const wanted = new Set(speakers);
  for (const u of utterances) {
    if (!wanted.has(u.speaker)) continue;
    const list = bySpeaker.get(u.speaker) ?? [];
    list.push(u);
    bySpeaker.set(u.speaker, list);
  }
  const out: SourceUtterance[] = [];
  for (const [speaker, list] of bySpeaker) {
    list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const random = new SeededRandom(streamSeed(seed, 'subset', speaker));
    out.push(...(list.length <= perSpeaker ? list : random.shuffle(list).slice(0, perSpeaker)));
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
