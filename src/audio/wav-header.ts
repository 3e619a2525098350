import { catalog, voxError } from '../errors/index.js';
import { MAX_SOURCE_RATE, MIN_SOURCE_RATE } from './source-rates.js';

/** How the samples of a WAV file are stored. `other`: a codec (ADPCM, GSM, …) left to ffmpeg. */
export type WavEncoding = 'pcm' | 'float' | 'alaw' | 'mulaw' | 'other';

/** What the RIFF chunks of a WAV file say about its audio. @internal */
export interface WavHeader {
  readonly encoding: WavEncoding;
  /** The format tag, WAVE_FORMAT_EXTENSIBLE resolved to its sub-format. */
  readonly formatTag: number;
  readonly channels: number;
  readonly sampleRate: number;
  /** Significant bits per sample (`wValidBitsPerSample` for WAVE_FORMAT_EXTENSIBLE). */
  readonly bitsPerSample: number;
  /** Bytes each sample occupies in a frame (the container: 24 valid bits may sit in 4 bytes). */
  readonly bytesPerSample: number;
  readonly blockAlign: number;
  readonly dataOffset: number;
  /** Bytes of whole frames in the data chunk (a truncated chunk counts up to the end of the file). */
  readonly dataBytes: number;
  readonly frames: number;
}

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_ALAW = 0x0006;
const WAVE_FORMAT_MULAW = 0x0007;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** The 12 bytes after the format tag in every KSDATAFORMAT_SUBTYPE_* GUID of a plain format. */
const SUBTYPE_GUID_TAIL = [
  0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71,
];
/** A data chunk size recorders write when they stream and never come back to fix it. */
const UNKNOWN_SIZE = 0xffffffff;

/**
 * Walks the RIFF chunks of a RIFF/WAVE file to its `fmt ` and `data` chunks. Unknown chunks
 * (LIST, fact, bext, JUNK, …) are skipped; odd-sized chunks are followed by a pad byte, except
 * from writers that forget it, which are recognised by where the next chunk id is. A data chunk
 * longer than the file (a recording cut short, or a streamed size never filled in) runs to the
 * end of the file.
 *
 * Throws `FailedToParseAudioHeader` when the chunks or the format do not add up.
 * @internal
 */
export function parseWavHeader(bytes: Uint8Array): WavHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.byteLength;
  if (end < 12) throw headerError();
  let format: Omit<WavHeader, 'dataOffset' | 'dataBytes' | 'frames'> | undefined;
  let dataOffset = -1;
  let dataSize = 0;
  let offset = 12;
  while (offset + 8 <= end && !(format !== undefined && dataOffset >= 0)) {
    const id = chunkId(bytes, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (body + size > end) throw headerError();
      format ??= parseFormat(view, body, size);
    } else if (id === 'data' && dataOffset < 0) {
      dataOffset = body;
      dataSize = size === UNKNOWN_SIZE || body + size > end ? end - body : size;
      if (dataOffset + dataSize >= end) break;
    }
    offset = nextChunk(bytes, body, size === UNKNOWN_SIZE && id === 'data' ? end - body : size);
  }
  if (format === undefined || dataOffset < 0) throw headerError();
  const frames = Math.floor(dataSize / format.blockAlign);
  return { ...format, dataOffset, dataBytes: frames * format.blockAlign, frames };
}

function parseFormat(
  view: DataView,
  at: number,
  size: number,
): Omit<WavHeader, 'dataOffset' | 'dataBytes' | 'frames'> {
  if (size < 16) throw headerError();
  let formatTag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const containerBits = view.getUint16(at + 14, true);
  let bitsPerSample = containerBits;
  let plainSubtype = true;
  if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
    // cbSize ≥ 22: valid bits, channel mask, sub-format GUID.
    if (size < 40 || view.getUint16(at + 16, true) < 22) throw headerError();
    const validBits = view.getUint16(at + 18, true);
    if (validBits > containerBits) throw headerError();
    if (validBits > 0) bitsPerSample = validBits;
    formatTag = view.getUint16(at + 24, true);
    plainSubtype = SUBTYPE_GUID_TAIL.every((b, i) => view.getUint8(at + 26 + i) === b);
  }
  if (channels === 0 || blockAlign === 0) throw headerError();
  if (sampleRate < MIN_SOURCE_RATE || sampleRate > MAX_SOURCE_RATE) throw headerError();
  const encoding: WavEncoding = !plainSubtype
    ? 'other'
    : formatTag === WAVE_FORMAT_PCM
      ? 'pcm'
      : formatTag === WAVE_FORMAT_IEEE_FLOAT
        ? 'float'
        : formatTag === WAVE_FORMAT_MULAW && containerBits === 8
          ? 'mulaw'
          : formatTag === WAVE_FORMAT_ALAW && containerBits === 8
            ? 'alaw'
            : 'other';
  // Samples sit in whole bytes (12-bit PCM in 2): a frame is exactly one container per channel.
  const bytesPerSample = Math.ceil(containerBits / 8);
  if (encoding !== 'other') {
    const sizes = encoding === 'pcm' ? [1, 2, 3, 4] : encoding === 'float' ? [4, 8] : [1];
    if (!sizes.includes(bytesPerSample) || blockAlign !== channels * bytesPerSample)
      throw headerError();
    if (encoding === 'float' && bitsPerSample !== containerBits) throw headerError();
  }
  return { encoding, formatTag, channels, sampleRate, bitsPerSample, bytesPerSample, blockAlign };
}

/** The offset of the chunk after one whose body starts at `body` and has `size` bytes. */
function nextChunk(bytes: Uint8Array, body: number, size: number): number {
  const unpadded = body + size;
  if ((size & 1) === 0) return unpadded;
  // RIFF pads odd chunks to an even length; some writers do not. Trust the padding unless only
  // the unpadded position starts with something that looks like a chunk id.
  if (!isChunkId(bytes, unpadded + 1) && isChunkId(bytes, unpadded)) return unpadded;
  return unpadded + 1;
}

function isChunkId(bytes: Uint8Array, at: number): boolean {
  if (at + 4 > bytes.byteLength) return false;
  for (let i = at; i < at + 4; i++) if (bytes[i]! < 0x20 || bytes[i]! > 0x7e) return false;
  return true;
}

function chunkId(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

function headerError(): Error {
  return voxError(catalog.FailedToParseAudioHeader);
}
