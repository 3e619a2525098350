import { EventLoopYield } from './event-loop-yield.js';
import { aLawSample, muLawSample } from './g711.js';
import type { MonoSink } from './mono-sink.js';
import type { WavHeader } from './wav-header.js';

/** Frames converted per block: large enough to amortise the calls, small enough for the cache. */
const BLOCK_FRAMES = 4096;

/**
 * Converts the PCM or IEEE-float data of a parsed WAV file into `sink`, block by block, averaging
 * the channels, or keeping only `channel` when given (checked by the caller to exist). 8-bit PCM is unsigned; wider PCM is signed little-endian, scaled by its container
 * (24 valid bits in a 4-byte container are left-justified, so dividing by 2³¹ is right).
 * @internal
 */
export async function decodeWav(
  bytes: Uint8Array,
  header: WavHeader,
  sink: MonoSink,
  channel?: number,
): Promise<void> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = sampleReader(header);
  const { channels, blockAlign, bytesPerSample } = header;
  const offset = channel === undefined ? 0 : channel * bytesPerSample;
  const scale = 1 / channels;
  const pause = new EventLoopYield();
  for (let first = 0; first < header.frames; first += BLOCK_FRAMES) {
    if (pause.due) await pause.now();
    const count = Math.min(BLOCK_FRAMES, header.frames - first);
    const block = sink.scratch(count);
    let at = header.dataOffset + first * blockAlign + offset;
    if (channels === 1 || channel !== undefined) {
      for (let i = 0; i < count; i++, at += blockAlign) block[i] = read(view, at);
    } else {
      for (let i = 0; i < count; i++, at += blockAlign) {
        let sum = 0;
        for (let c = 0, s = at; c < channels; c++, s += bytesPerSample) sum += read(view, s);
        block[i] = sum * scale;
      }
    }
    sink.pushMono(block, count);
  }
}

type SampleReader = (view: DataView, at: number) => number;

const readU8: SampleReader = (v, at) => (v.getUint8(at) - 128) / 128;
const readS16: SampleReader = (v, at) => v.getInt16(at, true) / 32768;
const readS24: SampleReader = (v, at) =>
  ((v.getUint8(at) | (v.getUint8(at + 1) << 8) | (v.getUint8(at + 2) << 16)) << 8) / 2147483648;
const readS32: SampleReader = (v, at) => v.getInt32(at, true) / 2147483648;
const readF32: SampleReader = (v, at) => v.getFloat32(at, true);
const readF64: SampleReader = (v, at) => v.getFloat64(at, true);

const readMuLaw: SampleReader = (v, at) => muLawSample(v.getUint8(at));
const readALaw: SampleReader = (v, at) => aLawSample(v.getUint8(at));

function sampleReader(header: WavHeader): SampleReader {
  if (header.encoding === 'float') return header.bytesPerSample === 8 ? readF64 : readF32;
  if (header.encoding === 'mulaw') return readMuLaw;
  if (header.encoding === 'alaw') return readALaw;
  switch (header.bytesPerSample) {
    case 1:
      return readU8;
    case 2:
      return readS16;
    case 3:
      return readS24;
    default:
      return readS32;
  }
}
