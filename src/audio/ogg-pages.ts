/** One Ogg page, located in the file. @internal */
export interface OggPage {
  readonly offset: number;
  /** Header, lacing table and body. */
  readonly length: number;
  readonly continued: boolean;
  readonly first: boolean;
  readonly last: boolean;
  /** -1 when no packet ends on the page; may lose precision beyond 2⁵³ (no real stream gets there). */
  readonly granule: number;
  readonly serial: number;
  readonly sequence: number;
  readonly crcValid: boolean;
  /** Offset of the body (after the lacing table). */
  readonly bodyOffset: number;
  /** Segment sizes of the lacing table (a view into the file). */
  readonly lacing: Uint8Array;
}

/** How an Ogg byte stream ended. @internal */
export type OggEnd =
  /** Every byte belonged to a page. */
  | 'clean'
  /** The last page is cut short (a truncated upload). */
  | 'truncated'
  /** Bytes that are not an Ogg page follow the last page. */
  | 'garbage';

const HEADER_LENGTH = 27;
const CONTINUED = 0x01;
const FIRST = 0x02;
const LAST = 0x04;

/**
 * The pages of an Ogg stream, in file order, one at a time (nothing is collected, so a file of a
 * million tiny pages costs no memory). Returns how the stream ended.
 * @internal
 */
export function* oggPages(bytes: Uint8Array): Generator<OggPage, OggEnd, undefined> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.byteLength;
  let offset = 0;
  while (offset < end) {
    if (offset + HEADER_LENGTH > end) return isCapture(bytes, offset) ? 'truncated' : 'garbage';
    if (!isCapture(bytes, offset) || bytes[offset + 4] !== 0) return 'garbage';
    const flags = bytes[offset + 5]!;
    const segments = bytes[offset + 26]!;
    const bodyOffset = offset + HEADER_LENGTH + segments;
    if (bodyOffset > end) return 'truncated';
    const lacing = bytes.subarray(offset + HEADER_LENGTH, bodyOffset);
    let bodyLength = 0;
    for (let i = 0; i < segments; i++) bodyLength += lacing[i]!;
    const length = HEADER_LENGTH + segments + bodyLength;
    if (offset + length > end) return 'truncated';
    const low = view.getUint32(offset + 6, true);
    const high = view.getInt32(offset + 10, true);
    yield {
      offset,
      length,
      continued: (flags & CONTINUED) !== 0,
      first: (flags & FIRST) !== 0,
      last: (flags & LAST) !== 0,
      granule: high === -1 && low === 0xffffffff ? -1 : high * 2 ** 32 + low,
      serial: view.getUint32(offset + 14, true),
      sequence: view.getUint32(offset + 18, true),
      crcValid: pageCrc(bytes, offset, length) === view.getUint32(offset + 22, true),
      bodyOffset,
      lacing,
    };
    offset += length;
  }
  return 'clean';
}

function isCapture(bytes: Uint8Array, at: number): boolean {
  // 'OggS', or as much of it as there is.
  const capture = [0x4f, 0x67, 0x67, 0x53];
  for (let i = 0; i < 4 && at + i < bytes.byteLength; i++)
    if (bytes[at + i] !== capture[i]) return false;
  return true;
}

/** CRC-32 of the page with its checksum field taken as zero (polynomial 0x04c11db7, no reflection). */
function pageCrc(bytes: Uint8Array, offset: number, length: number): number {
  let crc = crcUpdate(0, bytes, offset, offset + 22);
  for (let i = 0; i < 4; i++) crc = ((crc << 8) ^ CRC_TABLE[crc >>> 24]!) >>> 0;
  return crcUpdate(crc, bytes, offset + 26, offset + length);
}

function crcUpdate(crc: number, bytes: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++)
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ bytes[i]!) & 0xff]!) >>> 0;
  return crc;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();
