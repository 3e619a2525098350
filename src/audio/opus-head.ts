import { catalog, voxError } from '../errors/index.js';

/** The identification header of an Ogg Opus stream (RFC 7845 §5.1). @internal */
export interface OpusHead {
  readonly channels: number;
  /** 48 kHz samples to drop from the start of the decoded audio. */
  readonly preSkip: number;
  /** The rate of the audio before encoding (informative only: Opus always decodes at 48 kHz). */
  readonly inputSampleRate: number;
  readonly mappingFamily: number;
  /** Opus streams in each packet (1 for mapping family 0). */
  readonly streams: number;
}

const MAGIC = [0x4f, 0x70, 0x75, 0x73, 0x48, 0x65, 0x61, 0x64]; // OpusHead

/**
 * Parses and checks an OpusHead packet. Throws `FailedToParseAudioHeader` when it is not one or
 * its channel mapping does not add up.
 * @internal
 */
export function parseOpusHead(packet: Uint8Array): OpusHead {
  if (packet.byteLength < 19 || !MAGIC.every((b, i) => packet[i] === b)) throw headerError();
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  // Only the major version (high nibble) is a compatibility promise.
  if (packet[8]! >> 4 !== 0) throw headerError();
  const channels = packet[9]!;
  const preSkip = view.getUint16(10, true);
  const inputSampleRate = view.getUint32(12, true);
  const mappingFamily = packet[18]!;
  if (channels === 0) throw headerError();
  if (mappingFamily === 0) {
    if (channels > 2) throw headerError();
    return { channels, preSkip, inputSampleRate, mappingFamily, streams: 1 };
  }
  if (packet.byteLength < 21 + channels) throw headerError();
  if (mappingFamily === 1 && channels > 8) throw headerError();
  const streams = packet[19]!;
  const coupled = packet[20]!;
  if (streams === 0 || coupled > streams || streams + coupled > 255) throw headerError();
  for (let c = 0; c < channels; c++) {
    const index = packet[21 + c]!;
    if (index !== 255 && index >= streams + coupled) throw headerError();
  }
  return { channels, preSkip, inputSampleRate, mappingFamily, streams };
}

function headerError(): Error {
  return voxError(catalog.FailedToParseAudioHeader);
}
