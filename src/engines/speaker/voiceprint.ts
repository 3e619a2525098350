/**
 * A speaker's voiceprint: the unit-length embedding of the enrollment audio, its cohort
 * statistics (for score normalisation), its long-term cepstral statistics vector, how much
 * speech made it, and the version of the model that made it. Serialised to a small fixed
 * layout (little-endian):
 *
 *     0  'VXVP'              magic
 *     4  u8   format (1)
 *     5  u8   model version length n (bytes of UTF-8)
 *     6  u16  embedding dims E
 *     8  f32  net speech seconds
 *    12  u16  enrollment utterances
 *    14  u16  long-term cepstral statistics dims S
 *    16  f32  cohort mean, f32 cohort std
 *    24  n bytes model version, then zero padding to a multiple of 4
 *        E × f32 embedding, S × f32 long-term cepstral statistics
 */
import { catalog, voxError } from '../../errors/index.js';
import type { CohortStats } from './score-calibration.js';

const MAGIC = [0x56, 0x58, 0x56, 0x50]; // 'VXVP'
const FORMAT = 1;
const HEADER_BYTES = 24;

/**
 * An enrolled speaker. Immutable; compare it with utterances through the model that made it.
 *
 * ### Examples
 * ```ts
 * const { voiceprint } = model.enroll([a, b, c]);
 * const bytes = voiceprint.serialize(); // ~500 bytes, for encryption at rest
 * const again = deserializeVoiceprint(bytes);
 * ```
 */
export class Voiceprint {
  readonly modelVersion: string;
  readonly embedding: Float32Array;
  readonly cohort: CohortStats;
  /** Unit long-term cepstral statistics vector. */
  readonly ltcs: Float32Array;
  readonly netSpeechSeconds: number;
  readonly utterances: number;

  constructor(
    modelVersion: string,
    embedding: Float32Array,
    cohort: CohortStats,
    ltcs: Float32Array,
    netSpeechSeconds: number,
    utterances: number,
  ) {
    this.modelVersion = modelVersion;
    this.embedding = embedding;
    this.cohort = Object.freeze({ mean: cohort.mean, std: cohort.std });
    this.ltcs = ltcs;
    this.netSpeechSeconds = netSpeechSeconds;
    this.utterances = utterances;
    Object.freeze(this);
  }

  /** The bytes described in the module comment. */
  serialize(): Uint8Array {
    const version = new TextEncoder().encode(this.modelVersion);
    if (version.length > 255) throw new RangeError('model version longer than 255 bytes');
    const padded = Math.ceil(version.length / 4) * 4;
    const dims = this.embedding.length;
    const ltcsDims = this.ltcs.length;
    const bytes = new Uint8Array(HEADER_BYTES + padded + (dims + ltcsDims) * 4);
    const view = new DataView(bytes.buffer);
    bytes.set(MAGIC, 0);
    view.setUint8(4, FORMAT);
    view.setUint8(5, version.length);
    view.setUint16(6, dims, true);
    view.setFloat32(8, this.netSpeechSeconds, true);
    view.setUint16(12, Math.min(this.utterances, 0xffff), true);
    view.setUint16(14, ltcsDims, true);
    view.setFloat32(16, this.cohort.mean, true);
    view.setFloat32(20, this.cohort.std, true);
    bytes.set(version, HEADER_BYTES);
    const at = HEADER_BYTES + padded;
    for (let i = 0; i < dims; i++) view.setFloat32(at + 4 * i, this.embedding[i]!, true);
    for (let i = 0; i < ltcsDims; i++) view.setFloat32(at + 4 * (dims + i), this.ltcs[i]!, true);
    return bytes;
  }
}

/**
 * Reads {@link Voiceprint.serialize} bytes. Throws `VoiceprintMalformed` when they are not a
 * voiceprint; the model version is checked later, when the voiceprint is scored.
 */
export function deserializeVoiceprint(bytes: Uint8Array): Voiceprint {
  const bad = (detail: string) => voxError(catalog.VoiceprintMalformed, { detail });
  if (bytes.length < HEADER_BYTES) throw bad(`${bytes.length} bytes is shorter than the header`);
  if (MAGIC.some((b, i) => bytes[i] !== b)) throw bad('no VXVP signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = view.getUint8(4);
  if (format !== FORMAT) throw bad(`unknown format ${format}`);
  const versionLength = view.getUint8(5);
  const dims = view.getUint16(6, true);
  const ltcsDims = view.getUint16(14, true);
  const padded = Math.ceil(versionLength / 4) * 4;
  const expected = HEADER_BYTES + padded + (dims + ltcsDims) * 4;
  if (bytes.length !== expected) throw bad(`${bytes.length} bytes, the header says ${expected}`);
  const version = new TextDecoder('utf-8', { fatal: true }).decode(
    bytes.subarray(HEADER_BYTES, HEADER_BYTES + versionLength),
  );
  const embedding = new Float32Array(dims);
  const at = HEADER_BYTES + padded;
  for (let i = 0; i < dims; i++) embedding[i] = view.getFloat32(at + 4 * i, true);
  const ltcs = new Float32Array(ltcsDims);
  for (let i = 0; i < ltcsDims; i++) ltcs[i] = view.getFloat32(at + 4 * (dims + i), true);
  const std = view.getFloat32(20, true);
  if (!embedding.every(Number.isFinite) || !ltcs.every(Number.isFinite) || !(std > 0))
    throw bad('non-finite or invalid values');
  return new Voiceprint(
    version,
    embedding,
    { mean: view.getFloat32(16, true), std },
    ltcs,
    view.getFloat32(8, true),
    view.getUint16(12, true),
  );
}
