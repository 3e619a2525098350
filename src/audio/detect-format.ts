/**
 * Container or codec of a piece of audio, as its first bytes tell. `wav`, `flac` and `opus`
 * (Ogg Opus) are decoded in-process; the others go through ffmpeg. `ogg` is Ogg with neither
 * Opus nor Vorbis inside (Ogg FLAC, Speex); `mkv` is Matroska other than WebM.
 */
export type AudioFormat =
  | 'wav'
  | 'flac'
  | 'opus'
  | 'vorbis'
  | 'ogg'
  | 'mp3'
  | 'aac'
  | 'm4a'
  | 'mp4'
  | 'webm'
  | 'mkv'
  | 'aiff'
  | 'unknown';

/** Bytes of the header scanned for the Matroska DocType. */
const EBML_HEADER_SCAN = 64;

/**
 * The format of `bytes` by its magic numbers; `unknown` when nothing matches (including an
 * empty buffer).
 *
 * ### Examples
 * ```ts
 * detectFormat(await readFile('hello.flac')); // 'flac'
 * ```
 */
export function detectFormat(bytes: Uint8Array): AudioFormat {
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WAVE')) return 'wav';
  if (ascii(bytes, 0, 'fLaC')) return 'flac';
  if (ascii(bytes, 0, 'OggS')) return oggFormat(bytes);
  if (ascii(bytes, 0, 'ID3')) {
    // An ID3v2 tag in front: MP3 usually, FLAC sometimes.
    const after = id3v2Length(bytes);
    return ascii(bytes, after, 'fLaC') ? 'flac' : 'mp3';
  }
  if (ascii(bytes, 4, 'ftyp')) return isoBrand(bytes);
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3)
    return contains(bytes, 'webm', EBML_HEADER_SCAN) ? 'webm' : 'mkv';
  if (ascii(bytes, 0, 'FORM') && (ascii(bytes, 8, 'AIFF') || ascii(bytes, 8, 'AIFC')))
    return 'aiff';
  if (isMpegAudioFrame(bytes)) return 'mp3';
  if (isAdtsFrame(bytes)) return 'aac';
  return 'unknown';
}

/**
 * Length of the ID3v2 tag at the start of `bytes` (header, body and footer), or 0 when there
 * is none.
 * @internal
 */
export function id3v2Length(bytes: Uint8Array): number {
  if (!ascii(bytes, 0, 'ID3') || bytes.byteLength < 10) return 0;
  let size = 0;
  for (let i = 6; i < 10; i++) size = (size << 7) | (bytes[i]! & 0x7f); // syncsafe
  const footer = (bytes[5]! & 0x10) !== 0 ? 10 : 0;
  return 10 + size + footer;
}

function oggFormat(bytes: Uint8Array): AudioFormat {
  // The first packet starts right after the first page's lacing table.
  const segments = bytes[26];
  if (segments === undefined) return 'ogg';
  const packet = 27 + segments;
  if (ascii(bytes, packet, 'OpusHead')) return 'opus';
  if (bytes[packet] === 0x01 && ascii(bytes, packet + 1, 'vorbis')) return 'vorbis';
  return 'ogg';
}

function isoBrand(bytes: Uint8Array): AudioFormat {
  return ascii(bytes, 8, 'M4A ') || ascii(bytes, 8, 'M4B ') || ascii(bytes, 8, 'M4P ')
    ? 'm4a'
    : 'mp4';
}

/** An MPEG-1/2/2.5 audio frame header (layer I–III) with valid bitrate and sample-rate fields. */
function isMpegAudioFrame(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 4 || bytes[0] !== 0xff || (bytes[1]! & 0xe0) !== 0xe0) return false;
  const version = (bytes[1]! >> 3) & 0x3;
  const layer = (bytes[1]! >> 1) & 0x3;
  const bitrate = bytes[2]! >> 4;
  const rate = (bytes[2]! >> 2) & 0x3;
  return version !== 1 && layer !== 0 && bitrate !== 15 && rate !== 3;
}

/** An ADTS (raw AAC) frame header: 12-bit sync, layer 0. */
function isAdtsFrame(bytes: Uint8Array): boolean {
  return (
    bytes.byteLength >= 7 &&
    bytes[0] === 0xff &&
    (bytes[1]! & 0xf6) === 0xf0 &&
    ((bytes[2]! >> 2) & 0xf) < 13
  );
}

function ascii(bytes: Uint8Array, at: number, text: string): boolean {
  if (at + text.length > bytes.byteLength) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

function contains(bytes: Uint8Array, text: string, within: number): boolean {
  const end = Math.min(bytes.byteLength, within) - text.length;
  for (let at = 0; at <= end; at++) if (ascii(bytes, at, text)) return true;
  return false;
}
