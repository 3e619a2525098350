/**
 * The bytes of a call's speaker statistics (what a session checkpoint seals): the model's
 * pooled sums, exactly (float64), so the node that evaluates a session gets the embedding the
 * node that received the stream would have computed.
 *
 * Layout, little-endian: 'VXSS', format u32, model version (u16 length + UTF-8), components u32,
 * first-order length u32, cepstral dims u32, cepstral frames f64, net speech f64, then occupancy,
 * first-order, cepstral sum and sum of squares as f64.
 */
import type { UtteranceStatistics } from '../engines/speaker/index.js';

const MAGIC = 0x53535856; // 'VXSS' read as little-endian u32
const FORMAT = 1;

/** The bytes are not statistics of this format (corrupt or another version). */
export class StatisticsMalformed extends Error {}

export interface SealedStatistics {
  readonly modelVersion: string;
  readonly statistics: UtteranceStatistics;
}

export function encodeStatistics(modelVersion: string, s: UtteranceStatistics): Buffer {
  const version = Buffer.from(modelVersion, 'utf8');
  const arrays = [s.stats.occupancy, s.stats.first, s.cepstral.sum, s.cepstral.sumSq];
  const head = 4 + 4 + 2 + version.length + 4 * 3 + 8 * 2;
  const out = Buffer.alloc(head + 8 * arrays.reduce((n, a) => n + a.length, 0));
  let o = 0;
  o = out.writeUInt32LE(MAGIC, o);
  o = out.writeUInt32LE(FORMAT, o);
  o = out.writeUInt16LE(version.length, o);
  o += version.copy(out, o);
  o = out.writeUInt32LE(s.stats.occupancy.length, o);
  o = out.writeUInt32LE(s.stats.first.length, o);
  o = out.writeUInt32LE(s.cepstral.sum.length, o);
  o = out.writeDoubleLE(s.cepstral.frames, o);
  o = out.writeDoubleLE(s.netSpeechSeconds, o);
  for (const a of arrays) for (const v of a) o = out.writeDoubleLE(v, o);
  return out;
}

export function decodeStatistics(bytes: Buffer): SealedStatistics {
  try {
    let o = 0;
    if (bytes.readUInt32LE(0) !== MAGIC || bytes.readUInt32LE(4) !== FORMAT)
      throw new StatisticsMalformed('not Voxgate speaker statistics of format 1');
    o = 8;
    const versionLength = bytes.readUInt16LE(o);
    o += 2;
    const modelVersion = bytes.toString('utf8', o, o + versionLength);
    o += versionLength;
    const components = bytes.readUInt32LE(o);
    const firstLength = bytes.readUInt32LE(o + 4);
    const dims = bytes.readUInt32LE(o + 8);
    o += 12;
    const frames = bytes.readDoubleLE(o);
    const netSpeechSeconds = bytes.readDoubleLE(o + 8);
    o += 16;
    if (bytes.length !== o + 8 * (components + firstLength + 2 * dims))
      throw new StatisticsMalformed('speaker statistics of the wrong length');
    const take = (n: number): Float64Array => {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++, o += 8) a[i] = bytes.readDoubleLE(o);
      return a;
    };
    const occupancy = take(components);
    const first = take(firstLength);
    const sum = take(dims);
    const sumSq = take(dims);
    return {
      modelVersion,
      statistics: {
        stats: { occupancy, first },
        cepstral: { sum, sumSq, frames },
        netSpeechSeconds,
      },
    };
  } catch (e) {
    if (e instanceof StatisticsMalformed) throw e;
    throw new StatisticsMalformed('truncated speaker statistics');
  }
}
