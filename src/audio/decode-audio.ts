import { catalog, isVoxgateError, VoxgateError, voxError } from '../errors/index.js';
import { AudioLimitExceeded } from './audio-limit-exceeded.js';
import { checkByteLimit, checkFrameLimit } from './audio-limits.js';
import { convertWithFfmpeg } from './convert-with-ffmpeg.js';
import { decodeFlac } from './decode-flac.js';
import { decodeOggOpus, OPUS_SAMPLE_RATE, scanOggOpus } from './decode-ogg-opus.js';
import { decodeWav } from './decode-wav.js';
import {
  ChannelUnavailable,
  type AudioSource,
  type DecodedAudio,
  type DecodeOptions,
} from './decoded-audio.js';
import { detectFormat, id3v2Length, type AudioFormat } from './detect-format.js';
import { parseFlacStreamInfo, type FlacStreamInfo } from './flac-stream-info.js';
import { MonoSink, OUTPUT_SAMPLE_RATE } from './mono-sink.js';
import { parseWavHeader } from './wav-header.js';

/** How long ffmpeg may take when the caller does not say. */
export const DEFAULT_FFMPEG_TIMEOUT_MS = 30_000;

/**
 * Decodes audio bytes of any supported format to 16 kHz mono float.
 *
 * Errors are the speech API's audio errors: `FailedToParseAudioHeader` (a header that does not
 * add up), `FailedToDecodeAudioFromBytes` (a sound header, damaged audio), `InvalidAudioFormat`
 * (strict mode, another format), `FailedToConvertAudio` (ffmpeg could not read it, or nothing
 * recognisable at all) and `FailedToUseAudio` for anything unexpected, with the original error
 * as `cause` for the caller to log. Over the limits is {@link AudioLimitExceeded}.
 */
export async function decodeAudio(
  bytes: Uint8Array,
  options: DecodeOptions,
): Promise<DecodedAudio> {
  checkByteLimit(bytes.byteLength, options.limits);
  try {
    return await decodeDetected(bytes, detectFormat(bytes), options);
  } catch (e) {
    if (isVoxgateError(e) || e instanceof AudioLimitExceeded || e instanceof ChannelUnavailable)
      throw e;
    throw new VoxgateError(catalog.FailedToUseAudio, {}, { cause: e });
  }
}

async function decodeDetected(
  bytes: Uint8Array,
  format: AudioFormat,
  options: DecodeOptions,
): Promise<DecodedAudio> {
  const { limits } = options;
  const strict = options.strict === true;
  switch (format) {
    case 'wav': {
      const header = parseWavHeader(bytes);
      // The speech API's contract is linear PCM (or float); telephone codecs are for Voice ID.
      if (strict && (header.encoding === 'mulaw' || header.encoding === 'alaw'))
        throw voxError(catalog.InvalidAudioFormat);
      if (header.encoding === 'other') {
        if (strict) throw voxError(catalog.InvalidAudioFormat);
        return convert(bytes, format, options);
      }
      requireContract(strict, header.sampleRate, header.channels);
      const { channel } = options;
      if (
        channel !== undefined &&
        !(Number.isInteger(channel) && channel >= 0 && channel < header.channels)
      )
        throw new ChannelUnavailable(channel, header.channels);
      checkFrameLimit(header.frames, header.sampleRate, limits);
      if (header.frames === 0) throw voxError(catalog.FailedToDecodeAudioFromBytes);
      const sink = new MonoSink(header.sampleRate, limits, header.frames);
      await decodeWav(bytes, header, sink, channel);
      return decoded(sink, format, header.channels, header.bitsPerSample);
    }
    case 'flac': {
      const info = parseFlacStreamInfo(bytes, id3v2Length(bytes));
      requireContract(strict, info.sampleRate, info.channels);
      requireMonoChannel(options.channel, info.channels);
      checkFrameLimit(info.totalFrames, info.sampleRate, limits);
      const sink = new MonoSink(info.sampleRate, limits, info.totalFrames);
      try {
        await decodeFlac(bytes, info, sink);
      } catch (e) {
        return recheckFlacWithFfmpeg(e, bytes, info, options);
      }
      return decoded(sink, format, info.channels, info.bitsPerSample);
    }
    case 'opus': {
      const scan = await scanOggOpus(bytes);
      requireContract(strict, OUTPUT_SAMPLE_RATE, scan.head.channels);
      requireMonoChannel(options.channel, scan.head.channels);
      checkFrameLimit(scan.samples, OPUS_SAMPLE_RATE, limits);
      const sink = new MonoSink(OPUS_SAMPLE_RATE, limits, scan.samples);
      await decodeOggOpus(bytes, scan, sink);
      return decoded(sink, format, scan.head.channels, undefined);
    }
    default: {
      if (bytes.byteLength === 0)
        throw voxError(catalog.FailedToConvertAudio, { audio_format: format });
      if (strict) throw voxError(catalog.InvalidAudioFormat);
      return convert(bytes, format, options);
    }
  }
}

/** Outside WAV a channel can only be "the" channel of mono audio. */
function requireMonoChannel(channel: number | undefined, channels: number): void {
  if (channel === undefined || (channel === 0 && channels === 1)) return;
  throw new ChannelUnavailable(channel, channels === 1 ? 1 : 0);
}

/** Strict mode: 16 kHz mono only (Opus passes its rate as 16 kHz: any rate is fine there). */
function requireContract(strict: boolean, sampleRate: number, channels: number): void {
  if (strict && (sampleRate !== OUTPUT_SAMPLE_RATE || channels !== 1))
    throw voxError(catalog.InvalidAudioFormat);
}

function decoded(
  sink: MonoSink,
  format: AudioFormat,
  channels: number,
  bitsPerSample: number | undefined,
): DecodedAudio {
  const source: AudioSource = {
    format,
    sampleRate: sink.sourceRate,
    channels,
    ...(bitsPerSample === undefined ? {} : { bitsPerSample }),
    durationSec: sink.frames / sink.sourceRate,
  };
  return { samples: sink.finish(), sampleRate: OUTPUT_SAMPLE_RATE, source };
}

/**
 * The wasm FLAC decoder drops the last frame of some valid files (7 of the 2,500 train
 * utterances), which looks like corruption. libFLAC, through ffmpeg, decides: when it yields
 * exactly the samples STREAMINFO announced, the file is sound and its output is used; otherwise
 * the original error stands.
 */
async function recheckFlacWithFfmpeg(
  error: unknown,
  bytes: Uint8Array,
  info: FlacStreamInfo,
  options: DecodeOptions,
): Promise<DecodedAudio> {
  if (
    !(isVoxgateError(error) && error.definition === catalog.FailedToDecodeAudioFromBytes) ||
    info.totalFrames === 0
  )
    throw error;
  const viaFfmpeg = await convertWithFfmpeg(
    bytes,
    'flac',
    options.limits,
    options.ffmpegTimeoutMs ?? DEFAULT_FFMPEG_TIMEOUT_MS,
    {
      failOnCorruption: true,
    },
  ).catch(() => {
    throw error;
  });
  const expected = Math.round((info.totalFrames * OUTPUT_SAMPLE_RATE) / info.sampleRate);
  if (Math.abs(viaFfmpeg.samples.length - expected) > 2) throw error;
  return {
    samples: viaFfmpeg.samples,
    sampleRate: OUTPUT_SAMPLE_RATE,
    source: {
      format: 'flac',
      sampleRate: info.sampleRate,
      channels: info.channels,
      bitsPerSample: info.bitsPerSample,
      durationSec: info.totalFrames / info.sampleRate,
    },
  };
}

async function convert(
  bytes: Uint8Array,
  format: AudioFormat,
  options: DecodeOptions,
): Promise<DecodedAudio> {
  const converted = await convertWithFfmpeg(
    bytes,
    format,
    options.limits,
    options.ffmpegTimeoutMs ?? DEFAULT_FFMPEG_TIMEOUT_MS,
  );
  requireMonoChannel(options.channel, converted.channels);
  return {
    samples: converted.samples,
    sampleRate: OUTPUT_SAMPLE_RATE,
    source: {
      format,
      sampleRate: converted.sampleRate,
      channels: converted.channels,
      durationSec: converted.samples.length / OUTPUT_SAMPLE_RATE,
    },
  };
}
