/**
 * Synthetic speech the detector never trains on, for evaluation only: flite (cluster-unit and
 * diphone voices), and festival with the HTS voice cmu_us_slt_arctic_hts (statistical
 * parametric synthesis) and the diphone voice kal_diphone. They are optional Debian packages
 * (`apt-get install flite festival festvox-us-slt-hts festvox-kallpc16k`): evaluation reports
 * whether each is installed and skips the ones that are not. The product never needs them.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SeededRandom } from '../speaker-engine-parts.js';
import { decodeBytes } from './audio-bytes.js';
import { runTool } from './run-tool.js';

export const UNSEEN_TTS = ['flite', 'festival-hts', 'festival-diphone'] as const;
export type UnseenTts = (typeof UNSEEN_TTS)[number];

const FLITE_VOICES = ['kal16', 'awb', 'rms', 'slt', 'kal'];
const FESTIVAL_VOICE: Readonly<Record<Exclude<UnseenTts, 'flite'>, string>> = {
  'festival-hts': 'voice_cmu_us_slt_arctic_hts',
  'festival-diphone': 'voice_kal_diphone',
};

/**
 * Which of the unseen synthesisers run here (each tried once on a short text).
 *
 * ### Examples
 * ```ts
 * await unseenTtsAvailable(); // { flite: true, 'festival-hts': false, 'festival-diphone': false }
 * ```
 */
export async function unseenTtsAvailable(): Promise<Record<UnseenTts, boolean>> {
  const out = {} as Record<UnseenTts, boolean>;
  for (const tts of UNSEEN_TTS) {
    try {
      out[tts] = (await unseenTtsSpeech(tts, 'test', undefined)).length > 0;
    } catch {
      out[tts] = false;
    }
  }
  return out;
}

/**
 * `text` spoken by `tts` at 16 kHz (flite's voice and festival's speaking rate drawn from
 * `random` when given).
 */
export async function unseenTtsSpeech(
  tts: UnseenTts,
  text: string,
  random: SeededRandom | undefined,
): Promise<Float32Array> {
  const file = path.join(os.tmpdir(), `voxgate-tts-${randomUUID()}.wav`);
  const words = text.toLowerCase();
  try {
    if (tts === 'flite') {
      const voice = FLITE_VOICES[random?.int(FLITE_VOICES.length) ?? 0]!;
      await runTool('flite', ['-voice', voice, '-t', words, '-o', file]);
    } else {
      const stretch = random === undefined ? 1 : 0.85 + 0.3 * random.next();
      await runTool(
        'text2wave',
        [
          '-eval',
          `(${FESTIVAL_VOICE[tts]})`,
          '-eval',
          `(Parameter.set 'Duration_Stretch ${stretch.toFixed(2)})`,
          '-o',
          file,
        ],
        new TextEncoder().encode(words),
      );
    }
    return await decodeBytes(new Uint8Array(await readFile(file)));
  } finally {
    await rm(file, { force: true });
  }
}
