/** The longest frame the Opus framing allows, in bytes (RFC 6716 §3.2.1). */
const MAX_FRAME_BYTES = 1275;
/** 120 ms at 48 kHz: the longest packet. */
const MAX_PACKET_SAMPLES = 5760;

/**
 * Samples at 48 kHz that an Opus packet decodes to, or -1 when its framing is invalid
 * (RFC 6716 §3.2: TOC byte, frame count code, frame lengths, padding). For a multistream packet
 * (`streams` > 1) only the first stream's TOC is read: every stream of a packet has the same
 * duration, and libopus checks the self-delimited framing of the others.
 * @internal
 */
export function opusPacketSamples(packet: Uint8Array, streams: number): number {
  const length = packet.byteLength;
  if (length < 1) return -1;
  const toc = packet[0]!;
  const frameSamples = FRAME_SAMPLES[toc >> 3]!;
  const code = toc & 0x3;
  if (code === 0 || code === 1 || code === 2) {
    const samples = (code === 0 ? 1 : 2) * frameSamples;
    if (streams > 1) return samples;
    if (code === 0) return length - 1 <= MAX_FRAME_BYTES ? samples : -1;
    if (code === 1)
      return (length - 1) % 2 === 0 && (length - 1) / 2 <= MAX_FRAME_BYTES ? samples : -1;
    if (length < 2) return -1;
    const [first, used] = frameLength(packet, 1);
    if (used === 0) return -1;
    const second = length - 1 - used - first;
    return first <= MAX_FRAME_BYTES && second >= 0 && second <= MAX_FRAME_BYTES ? samples : -1;
  }
  if (length < 2) return -1;
  const header = packet[1]!;
  const count = header & 0x3f;
  const samples = count * frameSamples;
  if (count === 0 || samples > MAX_PACKET_SAMPLES) return -1;
  if (streams > 1) return samples;
  let at = 2;
  let padding = 0;
  if (header & 0x40) {
    for (;;) {
      if (at >= length) return -1;
      const p = packet[at++]!;
      padding += p === 255 ? 254 : p;
      if (p !== 255) break;
    }
  }
  let remaining = length - at - padding;
  if (remaining < 0) return -1;
  if (header & 0x80) {
    for (let i = 0; i < count - 1; i++) {
      const [frame, used] = frameLength(packet, at);
      if (used === 0 || frame > MAX_FRAME_BYTES) return -1;
      at += used;
      remaining -= used + frame;
      if (remaining < 0) return -1;
    }
    return remaining <= MAX_FRAME_BYTES ? samples : -1;
  }
  return remaining % count === 0 && remaining / count <= MAX_FRAME_BYTES ? samples : -1;
}

/** A frame length coded in one or two bytes at `at`: [length, bytes used] ([0, 0] if cut off). */
function frameLength(packet: Uint8Array, at: number): [number, number] {
  if (at >= packet.byteLength) return [0, 0];
  const first = packet[at]!;
  if (first < 252) return [first, 1];
  if (at + 1 >= packet.byteLength) return [0, 0];
  return [first + 4 * packet[at + 1]!, 2];
}

/**
 * Frame duration by TOC configuration (RFC 6716 Table 2), in 48 kHz samples: SILK 10/20/40/60 ms
 * (configs 0–11), Hybrid 10/20 ms (12–15), CELT 2.5/5/10/20 ms (16–31).
 */
const FRAME_SAMPLES: readonly number[] = Array.from({ length: 32 }, (_, config) => {
  if (config < 12) return [480, 960, 1920, 2880][config % 4]!;
  if (config < 16) return [480, 960][config % 2]!;
  return [120, 240, 480, 960][config % 4]!;
});
