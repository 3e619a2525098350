/**
 * Audio input: bytes (or a URL) in, 16 kHz mono float out, for the speech and Voice ID engines.
 *
 * WAV (PCM 8/16/24/32-bit, IEEE float 32/64, WAVE_FORMAT_EXTENSIBLE, any channel count), FLAC
 * and Ogg Opus are decoded in-process; other rates are resampled with a windowed-sinc polyphase
 * filter. Everything else (MP3, M4A/AAC, WebM, WAV with other codecs, …) goes through ffmpeg as a
 * child process with a time limit.
 *
 * **Errors.** Refusals are the speech API's catalogued audio errors (`VoxgateError`):
 * - `FailedToParseAudioHeader`: the header does not add up (a truncated or inconsistent `fmt `
 *   chunk, a bad FLAC STREAMINFO, a bad OpusHead);
 * - `FailedToDecodeAudioFromBytes`: the header is fine, the audio after it is not (corrupted
 *   frames or pages, no audio at all);
 * - `InvalidAudioFormat`: strict mode and not 16 kHz mono WAV/FLAC or mono Ogg Opus;
 * - `FailedToConvertAudio` (`audio_format` = the detected format, `unknown` if none): an empty
 *   body, or ffmpeg could not convert it;
 * - `FailedToReadAudioFromURL`: `fetchAudio` failed in any way;
 * - `FailedToUseAudio`: anything unexpected (a bug, an exception inside a decoder library); the
 *   original error is its `cause`, and logging it is the caller's job.
 *
 * **Limits** are not catalogued errors: going over {@link AudioLimits} throws
 * {@link AudioLimitExceeded} (`limit`, `value`, `maximum`), because which wire error that is
 * depends on the caller (sync scoring answers `AudioTooBigForSync`; other callers differ). Map it
 * where the request is handled.
 *
 * ### Examples
 * ```ts
 * import { decodeAudio, DEFAULT_AUDIO_LIMITS, toInt16 } from '../audio/index.js';
 * const audio = await decodeAudio(body, { strict: true, limits: DEFAULT_AUDIO_LIMITS });
 * const alignment = await engine.align(toInt16(audio.samples), words);
 * ```
 */

/**
 * Decodes audio bytes to 16 kHz mono float samples in [-1, 1]. The format is detected from the
 * bytes; limits are checked from the header and again while decoding, never after buffering
 * everything. See the module comment for the errors.
 *
 * ### Examples
 * ```ts
 * const audio = await decodeAudio(new Uint8Array(await readFile('hello.flac')), {
 *   limits: DEFAULT_AUDIO_LIMITS,
 * });
 * audio.source; // { format: 'flac', sampleRate: 44100, channels: 2, bitsPerSample: 16, durationSec: 1.2 }
 * audio.samples.length; // 19200
 * ```
 */
export { decodeAudio } from './decode-audio.js';

/**
 * How long ffmpeg may take, by default, for the formats it converts (30 s); it is killed then.
 *
 * ### Examples
 * ```ts
 * await decodeAudio(bytes, { limits, ffmpegTimeoutMs: DEFAULT_FFMPEG_TIMEOUT_MS / 3 });
 * ```
 */
export { DEFAULT_FFMPEG_TIMEOUT_MS } from './decode-audio.js';

/**
 * The decoded result, its source description, and the options of `decodeAudio`.
 *
 * ### Examples
 * ```ts
 * const options: DecodeOptions = { strict: false, limits: DEFAULT_AUDIO_LIMITS, ffmpegTimeoutMs: 10_000 };
 * const { samples, source }: DecodedAudio = await decodeAudio(bytes, options);
 * ```
 */
export type { AudioSource, DecodedAudio, DecodeOptions } from './decoded-audio.js';

/**
 * A channel that is not there (or a format that cannot select one), from `DecodeOptions.channel`.
 *
 * ### Examples
 * ```ts
 * await decodeAudio(stereoWav, { limits, channel: 1 }); // the second channel only
 * await decodeAudio(monoWav, { limits, channel: 1 }); // throws ChannelUnavailable (channels: 1)
 * ```
 */
export { ChannelUnavailable } from './decoded-audio.js';

/**
 * G.711 µ-law and A-law (telephone audio, one byte per sample): tables and decoders.
 *
 * ### Examples
 * ```ts
 * const samples8k = decodeMuLaw(Buffer.from(media.payload, 'base64'));
 * ```
 */
export { A_LAW_TO_LINEAR, MU_LAW_TO_LINEAR, decodeALaw, decodeMuLaw } from './g711.js';

/**
 * Live audio at any rate to 16 kHz, chunk by chunk, with the same result as all at once.
 *
 * ### Examples
 * ```ts
 * const to16k = new StreamResampler(8000);
 * engineInput.push(to16k.push(samples8k));
 * ```
 */
export { StreamResampler } from './stream-resampler.js';
export { CallAudioDecoder, type CallAudioEncoding } from './call-audio-decoder.js';

/**
 * The format of some bytes by their magic numbers.
 *
 * ### Examples
 * ```ts
 * detectFormat(bytes); // 'wav' | 'flac' | 'opus' | 'mp3' | 'm4a' | 'webm' | … | 'unknown'
 * ```
 */
export { detectFormat, type AudioFormat } from './detect-format.js';

/**
 * Limits on encoded bytes, duration and 16 kHz samples, and their defaults (50 MB, 600 s).
 *
 * ### Examples
 * ```ts
 * const limits: AudioLimits = { ...DEFAULT_AUDIO_LIMITS, maxDurationSec: 60, maxSamples: 60 * 16_000 };
 * ```
 */
export { DEFAULT_AUDIO_LIMITS, type AudioLimits } from './audio-limits.js';

/**
 * Thrown when audio is over one of its limits; callers choose the wire error.
 *
 * ### Examples
 * ```ts
 * try {
 *   audio = await decodeAudio(body, { limits });
 * } catch (e) {
 *   if (e instanceof AudioLimitExceeded) throw voxError(catalog.AudioTooBigForSync, { stream_dir });
 *   throw e;
 * }
 * ```
 */
export { AudioLimitExceeded } from './audio-limit-exceeded.js';

/**
 * Converts decoded samples to 16-bit PCM for the engines (clamped, rounded).
 *
 * ### Examples
 * ```ts
 * const pcm: Int16Array = toInt16(audio.samples);
 * ```
 */
export { toInt16 } from './to-int16.js';

/**
 * Describes audio as the API would decode it: the source format, rate, channels and duration,
 * or the name and message of the error it would be refused with.
 *
 * ### Examples
 * ```ts
 * const found = await inspectAudio(bytes);
 * if (found.ok) console.log(found.format, found.sampleRate, found.channels, found.durationSec);
 * else console.log(found.error); // e.g. 'FailedToParseAudioHeader'
 * ```
 */
export { inspectAudio, type AudioInspection } from './inspect-audio.js';

/**
 * Downloads audio from an http(s) URL with timeouts, a size cap, bounded redirects, and no
 * access to private or special addresses unless the policy's `allow` list names them.
 *
 * ### Examples
 * ```ts
 * const bytes = await fetchAudio(url, DEFAULT_AUDIO_LIMITS, {
 *   ...DEFAULT_FETCH_POLICY,
 *   allow: ['10.20.0.0/16'], // the on-prem media server
 * });
 * const audio = await decodeAudio(bytes, { limits: DEFAULT_AUDIO_LIMITS });
 * ```
 */
export { fetchAudio, DEFAULT_FETCH_POLICY, type FetchPolicy } from './fetch-audio.js';
