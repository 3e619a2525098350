/**
 * The pool ↔ worker wire format. Each frame is
 *
 *     u32 BE  n     bytes after this field (header length field + header + payload)
 *     u32 BE  h     header length
 *     h bytes       header: UTF-8 JSON object (a message below)
 *     n-4-h bytes   payload: raw PCM, 16 kHz mono int16 little-endian (requests only)
 *
 * Audio is never JSON. Anything else on the wire (a length over `MAX_FRAME_BYTES`, a header
 * that is not JSON, a message of unknown shape) is a protocol error: the pool kills the worker.
 */
import type { Alignment, Recognition, TimedSegment } from './asr-engine.js';
import type { AsrModelPaths } from './decoder-flags.js';

/** What the pool passes as the worker's only argument (JSON). */
export interface WorkerConfig {
  readonly model?: Partial<AsrModelPaths>;
}

/** File descriptor of the pool's socket in the worker (its fourth stdio entry). */
export const WORKER_SOCKET_FD = 3;
/** Test-only fault injection; see asr-worker.ts. */
export const FAULT_FILE_ENV = 'VOXGATE_ASR_WORKER_FAULT_FILE';

/** 64 MiB: ~35 minutes of audio, far above any request the server accepts. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;
const MAX_HEADER_BYTES = 1024 * 1024;
const PREFIX_BYTES = 8;

export type AsrOp = 'align' | 'phoneLoop' | 'recognize' | 'chooseSentence' | 'ping';

/** Pool → worker. `words` for align, `sentences` for chooseSentence; PCM in the payload. */
export interface RequestMessage {
  readonly type: 'request';
  readonly id: number;
  readonly op: AsrOp;
  readonly words?: readonly string[];
  readonly sentences?: readonly (readonly string[])[];
}

/** Why a worker answered with an error instead of a result. */
export type WorkerErrorKind = 'NoPronunciation' | 'Unalignable' | 'BadRequest' | 'Internal';

/** Worker → pool. */
export type WorkerMessage =
  | { readonly type: 'ready'; readonly pid: number }
  | { readonly type: 'response'; readonly id: number; readonly ok: true; readonly result: unknown }
  | {
      readonly type: 'response';
      readonly id: number;
      readonly ok: false;
      readonly error: { readonly kind: WorkerErrorKind; readonly detail: string };
    };

export interface Frame {
  readonly header: unknown;
  readonly payload: Buffer;
}

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

/**
 * The buffers of one frame, to write in order (the payload is not copied).
 *
 * ### Examples
 * ```ts
 * for (const chunk of encodeFrame({ type: 'request', id: 1, op: 'recognize' }, pcmBytes(pcm)))
 *   socket.write(chunk);
 * ```
 */
export function encodeFrame(header: object, payload?: Uint8Array): readonly Uint8Array[] {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const payloadBytes = payload?.byteLength ?? 0;
  const prefix = Buffer.allocUnsafe(PREFIX_BYTES);
  prefix.writeUInt32BE(4 + json.length + payloadBytes, 0);
  prefix.writeUInt32BE(json.length, 4);
  return payload && payloadBytes > 0 ? [prefix, json, payload] : [Buffer.concat([prefix, json])];
}

/** The bytes of `pcm`, without copying. */
export function pcmBytes(pcm: Int16Array): Buffer {
  return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
}

/** The samples of a payload; copies only when the bytes are not 2-byte aligned. */
export function payloadPcm(payload: Buffer): Int16Array {
  if (payload.length % 2 !== 0) throw new ProtocolError('PCM payload has an odd byte count');
  if (payload.byteOffset % 2 === 0)
    return new Int16Array(payload.buffer, payload.byteOffset, payload.length / 2);
  const copy = new Int16Array(payload.length / 2);
  Buffer.from(copy.buffer).set(payload);
  return copy;
}

/**
 * Splits a byte stream into frames. Chunks are kept as received and joined once per frame, so
 * a large payload arriving in many chunks is copied once.
 */
export class FrameDecoder {
  #chunks: Buffer[] = [];
  #buffered = 0;

  /** Frames completed by `chunk`; throws `ProtocolError` on malformed input. */
  push(chunk: Buffer): Frame[] {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const frames: Frame[] = [];
    while (this.#buffered >= PREFIX_BYTES) {
      const prefix = this.#peek(PREFIX_BYTES);
      const length = prefix.readUInt32BE(0);
      const headerLength = prefix.readUInt32BE(4);
      if (length > MAX_FRAME_BYTES) throw new ProtocolError(`frame of ${length} bytes`);
      if (length < 4 || headerLength > length - 4 || headerLength > MAX_HEADER_BYTES)
        throw new ProtocolError(`frame header of ${headerLength} bytes in a ${length}-byte frame`);
      if (this.#buffered < 4 + length) break;
      const frame = this.#take(4 + length);
      const headerText = frame.toString('utf8', PREFIX_BYTES, PREFIX_BYTES + headerLength);
      let header: unknown;
      try {
        header = JSON.parse(headerText);
      } catch {
        throw new ProtocolError(
          `frame header is not JSON: ${JSON.stringify(headerText.slice(0, 80))}`,
        );
      }
      frames.push({ header, payload: frame.subarray(PREFIX_BYTES + headerLength) });
    }
    return frames;
  }

  #peek(n: number): Buffer {
    const first = this.#chunks[0];
    if (first && first.length >= n) return first;
    this.#chunks = [Buffer.concat(this.#chunks)];
    return this.#chunks[0] ?? Buffer.alloc(0);
  }

  #take(n: number): Buffer {
    const joined = this.#peek(n);
    this.#chunks = joined.length > n ? [joined.subarray(n)] : [];
    this.#buffered -= n;
    return joined.subarray(0, n);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

const OPS: ReadonlySet<string> = new Set<AsrOp>([
  'align',
  'phoneLoop',
  'recognize',
  'chooseSentence',
  'ping',
]);
const ERROR_KINDS: ReadonlySet<string> = new Set<WorkerErrorKind>([
  'NoPronunciation',
  'Unalignable',
  'BadRequest',
  'Internal',
]);

/** A request header as the worker reads it; throws `ProtocolError` when it is not one. */
export function parseRequest(header: unknown): RequestMessage {
  if (!isRecord(header) || header.type !== 'request') throw new ProtocolError('not a request');
  const { id, op, words, sentences } = header;
  if (typeof id !== 'number' || typeof op !== 'string' || !OPS.has(op))
    throw new ProtocolError('request without a valid id and op');
  if (words !== undefined && !isStringArray(words)) throw new ProtocolError('words: not strings');
  if (sentences !== undefined && !(Array.isArray(sentences) && sentences.every(isStringArray)))
    throw new ProtocolError('sentences: not lists of strings');
  return { type: 'request', id, op: op as AsrOp, words, sentences };
}

/** A worker's header as the pool reads it; throws `ProtocolError` when it is not one. */
export function parseWorkerMessage(header: unknown): WorkerMessage {
  if (!isRecord(header)) throw new ProtocolError('message is not an object');
  if (header.type === 'ready' && typeof header.pid === 'number')
    return { type: 'ready', pid: header.pid };
  if (header.type === 'response' && typeof header.id === 'number') {
    if (header.ok === true)
      return { type: 'response', id: header.id, ok: true, result: header.result };
    const error = header.error;
    if (
      header.ok === false &&
      isRecord(error) &&
      typeof error.kind === 'string' &&
      ERROR_KINDS.has(error.kind) &&
      typeof error.detail === 'string'
    )
      return {
        type: 'response',
        id: header.id,
        ok: false,
        error: { kind: error.kind as WorkerErrorKind, detail: error.detail },
      };
  }
  throw new ProtocolError(`unexpected message ${JSON.stringify(header).slice(0, 120)}`);
}

// Result checks: enough structure that the pool never hands the caller a malformed value.

function isSegment(v: unknown): v is TimedSegment {
  return (
    isRecord(v) &&
    typeof v.label === 'string' &&
    typeof v.startSec === 'number' &&
    typeof v.endSec === 'number' &&
    typeof v.frames === 'number' &&
    typeof v.acousticScore === 'number'
  );
}

export function isSegmentList(v: unknown): v is readonly TimedSegment[] {
  return Array.isArray(v) && v.every(isSegment);
}

export function isAlignment(v: unknown): v is Alignment {
  return (
    isRecord(v) &&
    Array.isArray(v.words) &&
    v.words.every(
      (w: unknown) =>
        isRecord(w) && isSegment(w) && typeof w.index === 'number' && isSegmentList(w.phones),
    ) &&
    isSegmentList(v.fillers) &&
    typeof v.acousticScore === 'number' &&
    typeof v.frames === 'number' &&
    isStringArray(v.generatedPronunciations)
  );
}

export function isRecognition(v: unknown): v is Recognition {
  return (
    isRecord(v) &&
    typeof v.text === 'string' &&
    Array.isArray(v.words) &&
    v.words.every(
      (w: unknown) => isRecord(w) && isSegment(w) && typeof w.confidence === 'number',
    ) &&
    typeof v.frames === 'number'
  );
}

export function isSentenceChoice(
  v: unknown,
): v is { readonly index: number; readonly alignment: Alignment } {
  return isRecord(v) && typeof v.index === 'number' && isAlignment(v.alignment);
}
