/**
 * Which versions of each utterance the recipe makes, per set:
 *
 *   train        bona fide: as recorded, telephone, another codec, and through a simulated other
 *                device (as recorded or another codec); spoofs: espeak-ng, one resynthesis (LPC vocoder,
 *                Griffin–Lim, pitch shift in turn) and replay, each as made and through the
 *                telephone or another codec
 *   calibration  bona fide through every channel and the device; every seen family as made,
 *                through the telephone and through another codec
 *   evaluation   the same for the test speakers, plus the held-out espeak-ng variants and the
 *                unseen synthesisers that are installed
 *
 * Bona fide audio goes through the same codecs as spoofed audio in every set, so no channel is
 * evidence of spoofing.
 */
import type { AttackFamily } from '../attacks/attack-families.js';
import { SEEN_FAMILIES } from '../attacks/attack-families.js';
import { CODECS, otherCodec, TELEPHONE, type Channel } from '../attacks/codecs.js';
import type { UnseenTts } from '../attacks/unseen-tts.js';
import type { SeededRandom } from '../speaker-engine-parts.js';

export type ShardSet = 'train' | 'calibration' | 'evaluation';

/** One source version (before its channels) of an utterance. */
export interface PlannedSource {
  readonly family: 'bonafide' | AttackFamily;
  readonly device: boolean;
  readonly channels: readonly Channel[];
}

const RESYNTHESIS = ['lpc-vocoder', 'griffin-lim', 'pitch-shift'] as const;

/**
 * The plan of utterance number `index` of `set`.
 *
 * ### Examples
 * ```ts
 * planVersions('train', 0, random, []); // 2 bona fide sources, 3 spoofs
 * ```
 */
export function planVersions(
  set: ShardSet,
  index: number,
  random: SeededRandom,
  unseen: readonly UnseenTts[],
): PlannedSource[] {
  if (set === 'train') {
    const spoofChannel = (): Channel => (random.next() < 0.5 ? TELEPHONE : otherCodec(random));
    return [
      // Bona fide speech through a codec as often as spoofed speech is, so that no codec's
      // artefacts become evidence of spoofing.
      { family: 'bonafide', device: false, channels: ['clean', TELEPHONE, otherCodec(random)] },
      {
        family: 'bonafide',
        device: true,
        channels: [random.next() < 0.5 ? 'clean' : otherCodec(random)],
      },
      { family: 'espeak', device: false, channels: ['clean', spoofChannel()] },
      {
        family: RESYNTHESIS[index % RESYNTHESIS.length]!,
        device: false,
        channels: ['clean', spoofChannel()],
      },
      { family: 'replay', device: false, channels: ['clean', spoofChannel()] },
    ];
  }
  const families: AttackFamily[] =
    set === 'calibration' ? [...SEEN_FAMILIES] : [...SEEN_FAMILIES, 'espeak-held-out', ...unseen];
  return [
    { family: 'bonafide', device: false, channels: ['clean', ...CODECS] },
    { family: 'bonafide', device: true, channels: ['clean'] },
    ...families.map((family) => ({
      family,
      device: false,
      channels: ['clean', TELEPHONE, otherCodec(random)] as Channel[],
    })),
  ];
}
