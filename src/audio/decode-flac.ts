import { FLACDecoder, type FLACDecodedAudio } from '@wasm-audio-decoders/flac';
import { catalog, voxError } from '../errors/index.js';
import { EventLoopYield } from './event-loop-yield.js';
import type { FlacStreamInfo } from './flac-stream-info.js';
import type { MonoSink } from './mono-sink.js';

/**
 * Bytes handed to the decoder per call. FLAC compresses silence to a few bytes per 65535-sample
 * frame, so one call may expand a lot; small slices keep that to tens of MB before the sink's
 * limits see it, and cost about the same as one big call for ordinary files.
 */
const SLICE_BYTES = 1024;

/**
 * Decodes a FLAC stream (its STREAMINFO already checked) into `sink`. Corruption shows either as
 * decoder errors or, because the frame parser silently skips frames it cannot make sense of, as
 * fewer frames than STREAMINFO announced: both are `FailedToDecodeAudioFromBytes`.
 * @internal
 */
export async function decodeFlac(
  bytes: Uint8Array,
  info: FlacStreamInfo,
  sink: MonoSink,
): Promise<void> {
  const decoder = new FLACDecoder();
  try {
    await decoder.ready;
    const stream = bytes.subarray(info.streamOffset);
    const pause = new EventLoopYield();
    for (let at = 0; at < stream.byteLength; at += SLICE_BYTES) {
      if (pause.due) await pause.now();
      take(await quietly(() => decoder.decode(stream.subarray(at, at + SLICE_BYTES))), info, sink);
    }
    take(await quietly(() => decoder.flush()), info, sink);
  } finally {
    decoder.free();
  }
  if (sink.frames === 0 || (info.totalFrames > 0 && sink.frames !== info.totalFrames))
    throw voxError(catalog.FailedToDecodeAudioFromBytes);
}

function take(decoded: FLACDecodedAudio, info: FlacStreamInfo, sink: MonoSink): void {
  if (decoded.errors.length > 0) throw voxError(catalog.FailedToDecodeAudioFromBytes);
  if (decoded.samplesDecoded === 0) return;
  // Frame headers may disagree with STREAMINFO in a damaged or spliced file.
  if (decoded.sampleRate !== info.sampleRate || decoded.channelData.length !== info.channels)
    throw voxError(catalog.FailedToDecodeAudioFromBytes);
  sink.pushPlanar(decoded.channelData, decoded.samplesDecoded);
}

/**
 * The decoder reports each bad frame with console.error as well as in its result. The result
 * is what we act on (callers log with the request id), so the console line is noise. Decoding
 * runs synchronously inside the call (the returned promise is already settled), so nothing else
 * can log while the console is quiet.
 */
function quietly<T>(call: () => Promise<T>): Promise<T> {
  const error = console.error;
  console.error = () => undefined;
  try {
    return call();
  } finally {
    console.error = error;
  }
}
