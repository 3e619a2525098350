import { OggOpusDecoder, type OggOpusDecodedAudio } from 'ogg-opus-decoder';
import { catalog, voxError } from '../errors/index.js';
import { EventLoopYield } from './event-loop-yield.js';
import type { MonoSink } from './mono-sink.js';
import { oggPages, type OggPage } from './ogg-pages.js';
import { parseOpusHead, type OpusHead } from './opus-head.js';
import { opusPacketSamples } from './opus-packet.js';

/** Opus always decodes at 48 kHz, whatever rate the audio had before encoding. */
export const OPUS_SAMPLE_RATE = 48_000;

/** What the first pass over an Ogg Opus file found. @internal */
export interface OggOpusScan {
  readonly head: OpusHead;
  readonly serial: number;
  /** 48 kHz samples the packets announce, pre-skip removed: an upper bound of the duration. */
  readonly samples: number;
}

/**
 * The decoder's input buffer holds 120 ms at 256 kbit/s per channel; a longer packet would
 * overrun it, and no encoder makes one.
 */
const MAX_PACKET_BYTES_PER_CHANNEL = 3840;
/** Decoded floats (samples × channels) per decoder call, bounding what one call allocates. */
const FLOATS_PER_CALL = 1 << 21;
/** The stream's first two packets: OpusHead, OpusTags. */
const HEADER_PACKETS = 2;
/** Enough for the longest OpusHead (21 bytes and a 255-entry channel mapping). */
const HEADER_BYTES_KEPT = 512;
/**
 * One page may hold 255 packets of 120 ms, decoded in one call: past 8 channels (surround) that
 * is hundreds of MB, for layouts (ambisonics) nobody sends to a speech API.
 */
const MAX_CHANNELS = 8;
const OPUS_TAGS = [0x4f, 0x70, 0x75, 0x73, 0x54, 0x61, 0x67, 0x73];

/**
 * First pass, without decoding: checks the page structure and checksums of the first logical
 * stream, parses OpusHead, and validates the framing of every audio packet while adding up
 * their durations, so limits are known before any audio is decoded. Pages of other logical
 * streams (a multiplexed file) are skipped; the stream ends at its last page.
 *
 * Throws `FailedToParseAudioHeader` for a bad OpusHead/OpusTags or damage in the header pages,
 * `FailedToDecodeAudioFromBytes` for damage after them (and for more than 8 channels).
 * @internal
 */
export async function scanOggOpus(bytes: Uint8Array): Promise<OggOpusScan> {
  let head: OpusHead | undefined;
  let serial = -1;
  let sequence = -1;
  let packets = 0;
  let samples = 0;
  let pending: Uint8Array[] = [];
  let pendingLength = 0;
  const pages = oggPages(bytes);
  const pause = new EventLoopYield();
  let next = pages.next();
  for (; !next.done; next = pages.next()) {
    if (pause.due) await pause.now();
    const page = next.value;
    if (serial < 0) {
      if (!page.first || !page.crcValid || page.continued) throw headerError();
      serial = page.serial;
    } else if (page.serial !== serial) {
      continue;
    }
    const inHeaders = packets < HEADER_PACKETS;
    if (!page.crcValid || (sequence >= 0 && page.sequence !== sequence + 1))
      throw inHeaders ? headerError() : decodeError();
    if (page.continued !== pendingLength > 0 || (page.first && sequence >= 0))
      throw inHeaders ? headerError() : decodeError();
    sequence = page.sequence;

    let at = page.bodyOffset;
    for (let i = 0; i < page.lacing.length; i++) {
      const size = page.lacing[i]!;
      // Header packets keep their first bytes only (OpusTags may carry megabytes of artwork).
      const keep = packets < HEADER_PACKETS ? HEADER_BYTES_KEPT : maxPacketBytes(head);
      if (pendingLength < keep) pending.push(bytes.subarray(at, at + size));
      pendingLength += size;
      at += size;
      if (size === 255) continue; // the packet goes on in the next segment
      const packet = join(pending, Math.min(pendingLength, keep));
      const packetLength = pendingLength;
      pending = [];
      pendingLength = 0;
      if (packets === 0) {
        head = parseOpusHead(packet);
        if (head.channels > MAX_CHANNELS) throw decodeError();
      } else if (packets === 1) {
        if (!OPUS_TAGS.every((b, j) => packet[j] === b)) throw headerError();
      } else {
        const n =
          packetLength > keep
            ? -1
            : opusPacketSamples(packet, head === undefined ? 1 : head.streams);
        if (n < 0) throw decodeError();
        samples += n;
      }
      packets++;
      // RFC 7845: OpusHead alone on the first page, and audio starts on a fresh page.
      if (packets === 1 && i !== page.lacing.length - 1) throw headerError();
    }
    if (page.last) break;
  }
  if (head === undefined || packets < HEADER_PACKETS) throw headerError();
  // Damage after the stream's last page is not ours to judge (another chained stream, a tag);
  // a stream without a last page must end cleanly or be cut off mid-page.
  if (next.done && next.value === 'garbage') throw decodeError();
  return { head, serial, samples: Math.max(0, samples - head.preSkip) };
}

/**
 * Second pass: feeds the stream's pages to the decoder in groups of bounded decoded size and
 * puts the 48 kHz audio into `sink`.
 * @internal
 */
export async function decodeOggOpus(
  bytes: Uint8Array,
  scan: OggOpusScan,
  sink: MonoSink,
): Promise<void> {
  const decoder = new OggOpusDecoder({ forceStereo: false });
  try {
    await decoder.ready;
    const budget = FLOATS_PER_CALL / scan.head.channels;
    let start = -1;
    let end = -1;
    let groupSamples = 0;
    const pause = new EventLoopYield();
    const flush = async (): Promise<void> => {
      if (start >= 0) take(await decoder.decode(bytes.subarray(start, end)), scan, sink);
      start = -1;
      groupSamples = 0;
    };
    for (const page of oggPages(bytes)) {
      if (pause.due) await pause.now();
      if (page.serial !== scan.serial) {
        await flush();
        continue;
      }
      if (start < 0) start = page.offset;
      end = page.offset + page.length;
      groupSamples += pageSamplesBound(page);
      if (groupSamples >= budget) await flush();
      if (page.last) break;
    }
    await flush();
    take(await decoder.flush(), scan, sink);
  } finally {
    decoder.free();
  }
  if (sink.frames === 0) throw decodeError();
}

function take(decoded: OggOpusDecodedAudio, scan: OggOpusScan, sink: MonoSink): void {
  if (decoded.errors.length > 0) throw decodeError();
  if (decoded.samplesDecoded === 0) return;
  if (decoded.channelData.length !== scan.head.channels) throw decodeError();
  sink.pushPlanar(decoded.channelData, decoded.samplesDecoded);
}

/** At most 120 ms per packet that ends on the page (one per lacing value below 255). */
function pageSamplesBound(page: OggPage): number {
  let packets = 0;
  for (let i = 0; i < page.lacing.length; i++) if (page.lacing[i]! < 255) packets++;
  return packets * 5760;
}

function maxPacketBytes(head: OpusHead | undefined): number {
  return MAX_PACKET_BYTES_PER_CHANNEL * (head?.channels ?? 1);
}

function join(parts: readonly Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!.subarray(0, length);
  const joined = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    if (at >= length) break;
    const piece = part.subarray(0, length - at);
    joined.set(piece, at);
    at += piece.byteLength;
  }
  return joined;
}

function headerError(): Error {
  return voxError(catalog.FailedToParseAudioHeader);
}

function decodeError(): Error {
  return voxError(catalog.FailedToDecodeAudioFromBytes);
}
