import { isVoxgateError } from '../errors/index.js';
import { AudioLimitExceeded } from './audio-limit-exceeded.js';
import { DEFAULT_AUDIO_LIMITS } from './audio-limits.js';
import { decodeAudio } from './decode-audio.js';
import type { AudioSource, DecodeOptions } from './decoded-audio.js';

/** What `inspectAudio` found: the source description, or why the audio is refused. */
export type AudioInspection =
  | ({ readonly ok: true } & AudioSource)
  | {
      readonly ok: false;
      /** The catalogued error name (e.g. `FailedToParseAudioHeader`), or `AudioLimitExceeded`. */
      readonly error: string;
      readonly message: string;
    };

/**
 * Decodes `bytes` as the API would and describes the result; refusals are results, not
 * exceptions (anything that is neither catalogued nor a limit still throws).
 */
export async function inspectAudio(
  bytes: Uint8Array,
  options: Partial<DecodeOptions> = {},
): Promise<AudioInspection> {
  try {
    const decoded = await decodeAudio(bytes, {
      ...options,
      limits: options.limits ?? DEFAULT_AUDIO_LIMITS,
    });
    return { ok: true, ...decoded.source };
  } catch (e) {
    if (isVoxgateError(e)) return { ok: false, error: e.definition.name, message: e.message };
    if (e instanceof AudioLimitExceeded) return { ok: false, error: e.name, message: e.message };
    throw e;
  }
}
