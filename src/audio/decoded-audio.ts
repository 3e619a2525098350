import type { AudioLimits } from './audio-limits.js';
import type { AudioFormat } from './detect-format.js';

/** What the audio was before decoding. */
export interface AudioSource {
  readonly format: AudioFormat;
  /**
   * The rate the audio was stored at. Opus is always 48000 (it decodes at 48 kHz whatever the
   * rate before encoding); 0 when ffmpeg converted it and did not say.
   */
  readonly sampleRate: number;
  /** 0 when ffmpeg converted it and did not say. */
  readonly channels: number;
  /** Bits per sample of PCM in WAV and of FLAC; absent for lossy formats. */
  readonly bitsPerSample?: number;
  readonly durationSec: number;
}

/** Decoded audio as the engines take it: 16 kHz, mono, float samples in [-1, 1]. */
export interface DecodedAudio {
  readonly samples: Float32Array;
  readonly sampleRate: 16000;
  readonly source: AudioSource;
}

/** How to decode. */
export interface DecodeOptions {
  /**
   * The speech API's contract: only 16 kHz mono WAV or FLAC, or mono Ogg Opus (at any rate,
   * since Opus always decodes at 48 kHz); anything else is `InvalidAudioFormat`. Default false:
   * everything decodable is converted.
   */
  readonly strict?: boolean;
  readonly limits: AudioLimits;
  /** How long ffmpeg may take for formats decoded through it; default 30 s. */
  readonly ffmpegTimeoutMs?: number;
}
