import { catalog, voxError } from '../errors/index.js';
import { MAX_SOURCE_RATE, MIN_SOURCE_RATE } from './source-rates.js';

/** The STREAMINFO block of a FLAC stream. @internal */
export interface FlacStreamInfo {
  readonly sampleRate: number;
  readonly channels: number;
  readonly bitsPerSample: number;
  /** Frames (samples per channel) in the stream; 0 when the encoder did not know. */
  readonly totalFrames: number;
  /** Offset of the `fLaC` marker (after an ID3v2 tag some taggers put in front). */
  readonly streamOffset: number;
  /** Offset of the first audio frame (after the last metadata block). */
  readonly framesOffset: number;
}

const STREAMINFO = 0;
const STREAMINFO_LENGTH = 34;
const INVALID_BLOCK_TYPE = 127;

/**
 * Reads the `fLaC` marker and walks the metadata blocks; the first must be a consistent
 * STREAMINFO. Throws `FailedToParseAudioHeader` otherwise.
 * @internal
 */
export function parseFlacStreamInfo(bytes: Uint8Array, streamOffset: number): FlacStreamInfo {
  const end = bytes.byteLength;
  const at = streamOffset;
  if (end < at + 8 + STREAMINFO_LENGTH) throw headerError();
  if (
    bytes[at] !== 0x66 || // f
    bytes[at + 1] !== 0x4c || // L
    bytes[at + 2] !== 0x61 || // a
    bytes[at + 3] !== 0x43 // C
  )
    throw headerError();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if ((bytes[at + 4]! & 0x7f) !== STREAMINFO || blockLength(view, at + 4) !== STREAMINFO_LENGTH)
    throw headerError();
  const info = at + 8;
  const minBlock = view.getUint16(info);
  const maxBlock = view.getUint16(info + 2);
  // Bits 80..143 (big-endian): sample rate 20, channels − 1 3, bits − 1 5, total samples 36.
  const packed = view.getUint32(info + 10);
  const sampleRate = packed >>> 12;
  const channels = ((packed >>> 9) & 0x7) + 1;
  const bitsPerSample = ((packed >>> 4) & 0x1f) + 1;
  const totalFrames = (packed & 0xf) * 2 ** 32 + view.getUint32(info + 14);
  if (minBlock < 16 || maxBlock < minBlock) throw headerError();
  if (sampleRate < MIN_SOURCE_RATE || sampleRate > MAX_SOURCE_RATE) throw headerError();
  if (bitsPerSample < 4) throw headerError();

  let offset = at + 4;
  for (;;) {
    const last = (bytes[offset]! & 0x80) !== 0;
    if ((bytes[offset]! & 0x7f) === INVALID_BLOCK_TYPE) throw headerError();
    offset += 4 + blockLength(view, offset);
    if (offset > end) throw headerError();
    if (last) break;
    if (offset + 4 > end) throw headerError();
  }
  return {
    sampleRate,
    channels,
    bitsPerSample,
    totalFrames,
    streamOffset,
    framesOffset: offset,
  };
}

function blockLength(view: DataView, headerAt: number): number {
  return view.getUint32(headerAt) & 0xffffff;
}

function headerError(): Error {
  return voxError(catalog.FailedToParseAudioHeader);
}
