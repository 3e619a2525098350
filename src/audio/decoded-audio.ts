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
  /**
   * Keep one channel (0-based) instead of averaging them: a call recording with the caller on
   * one channel and the agent on the other. WAV only; a mono file has channel 0. Otherwise
   * {@link ChannelUnavailable}.
   */
  readonly channel?: number;
}

/**
 * The channel asked for is not in the audio (`channels` it has), or the format cannot select
 * one (`channels` is then 0). Not catalogued: which wire error it is depends on the caller.
 */
export class ChannelUnavailable extends Error {
  constructor(
    readonly channel: number,
    readonly channels: number,
  ) {
    super(
      channels === 0
        ? `channel ${channel} can be selected in WAV audio only`
        : `channel ${channel} does not exist: the audio has ${channels} channel${channels === 1 ? '' : 's'}`,
    );
    this.name = 'ChannelUnavailable';
  }
}
