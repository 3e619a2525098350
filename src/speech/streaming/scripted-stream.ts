import { randomUUID } from 'node:crypto';
import { pcm16ToFloat32 } from '../../audio/features/index.js';
import { AudioLimitExceeded, decodeAudio, type AudioLimits } from '../../audio/index.js';
import type { MinuteReservation, SpeechAccounts, SpeechCaller } from '../accounts/index.js';
import {
  assessScripted,
  audioTooLong,
  type ScriptedAssessment,
  type ScriptedAssessmentDeps,
  type ScriptedParameters,
  type SpeechLimits,
} from '../scripted/index.js';
import { EndPointer, type EndPointerOptions } from './end-pointer.js';

/**
 * How the binary packets of a stream carry audio:
 * - `file`: each packet is a self-contained audio file (WAV, FLAC, Ogg Opus, or anything ffmpeg
 *   converts), as the reference client sends 0.5 s WAV files;
 * - `pcm16le`: raw 16 kHz mono signed 16-bit little-endian samples, cut anywhere (an odd byte
 *   waits for the next packet).
 */
export type StreamAudioFormat = 'file' | 'pcm16le';

export const STREAM_AUDIO_FORMATS: readonly StreamAudioFormat[] = ['file', 'pcm16le'];

/**
 * Why a stream stopped listening before the client ended it: the learner finished
 * (end-pointing), the server's longest stream, or the minutes the client had left.
 */
export type StopReason = 'end_of_speech' | 'max_duration' | 'no_more_minutes';

/**
 * A stream is started only when the balance allows at least this much audio (ms); with less,
 * `ClientHasNoMoreMinutes`.
 */
export const MIN_STREAM_RESERVATION_MS = 1000;

const SAMPLE_RATE = 16_000;

export interface ScriptedStreamDeps {
  readonly accounts: SpeechAccounts;
  readonly scripted: ScriptedAssessmentDeps;
  readonly limits: SpeechLimits;
}

export interface ScriptedStreamOptions {
  readonly audioFormat: StreamAudioFormat;
  /** Stop listening on its own once the learner has finished (default true). */
  readonly endpointing: boolean;
  readonly endPointer?: EndPointerOptions;
  /** Largest single packet, bytes (the WebSocket's message limit). */
  readonly maxPacketBytes: number;
}

/** What one packet did to the stream. */
export interface PacketResult {
  /** Seconds of audio this packet added (0 when ignored). */
  readonly addedSec: number;
  /** The packet came after the stream stopped listening and was dropped. */
  readonly ignored: boolean;
  /** Set when this packet made the stream stop listening. */
  readonly stopped: StopReason | null;
}

/**
 * One scripted stream: minutes reserved at the start (as much as the balance and the longest
 * stream allow), audio appended packet by packet up to that reservation, end-pointing as it
 * arrives, then one assessment of everything heard, charged at its real duration.
 *
 * The charging rule is the stream's: minutes are charged only for a result the client got.
 * `finish` assesses, hands the result to `deliver`, and charges if it was delivered; anything
 * else (the engines failed, the client left, a packet could not be used: `refund`) releases the
 * reservation uncharged. Settling and refunding are idempotent: a stream ends exactly once.
 *
 * ### Examples
 * ```ts
 * const stream = await ScriptedStream.start(deps, caller, parameters, options);
 * for (const packet of packets) if ((await stream.append(packet)).stopped) break;
 * // refunds and rethrows when the engines fail; charges only if `send` delivered it
 * await stream.finish((result) => send(result));
 * ```
 */
export class ScriptedStream {
  readonly id: string;
  readonly parameters: ScriptedParameters;
  readonly #deps: ScriptedStreamDeps;
  readonly #options: ScriptedStreamOptions;
  readonly #reservation: MinuteReservation;
  /** Samples the stream may hold: the reservation, within the longest stream. */
  readonly #capacity: number;
  readonly #capacityReason: StopReason;
  readonly #endPointer: EndPointer;
  #samples: Float32Array;
  #length = 0;
  #bytes = 0;
  /** An odd byte of raw PCM waiting for its other half. */
  #carry: number | null = null;
  #stopped: StopReason | null = null;

  private constructor(
    deps: ScriptedStreamDeps,
    parameters: ScriptedParameters,
    options: ScriptedStreamOptions,
    reservation: MinuteReservation,
  ) {
    this.id = randomUUID();
    this.parameters = parameters;
    this.#deps = deps;
    this.#options = options;
    this.#reservation = reservation;
    const maxSamples = deps.limits.maxAudioSeconds * SAMPLE_RATE;
    const reservedSamples = Math.floor((reservation.reservedMs * SAMPLE_RATE) / 1000);
    this.#capacity = Math.min(maxSamples, reservedSamples);
    this.#capacityReason = reservedSamples < maxSamples ? 'no_more_minutes' : 'max_duration';
    this.#endPointer = new EndPointer(options.endPointer);
    this.#samples = new Float32Array(Math.min(this.#capacity, 10 * SAMPLE_RATE));
  }

  /**
   * Reserves the longest stream's minutes, or what the balance allows when that is at least
   * {@link MIN_STREAM_RESERVATION_MS} (else `ClientHasNoMoreMinutes`), and opens the stream.
   */
  static async start(
    deps: ScriptedStreamDeps,
    caller: SpeechCaller,
    parameters: ScriptedParameters,
    options: ScriptedStreamOptions,
  ): Promise<ScriptedStream> {
    const maxMs = deps.limits.maxAudioSeconds * 1000;
    const reservation = await deps.accounts.reserve(caller, 'scripted', maxMs, {
      minimumMs: Math.min(maxMs, MIN_STREAM_RESERVATION_MS),
    });
    return new ScriptedStream(deps, parameters, options, reservation);
  }

  /** Seconds of audio the stream may hold before it stops listening. */
  get maxSeconds(): number {
    return this.#capacity / SAMPLE_RATE;
  }

  get receivedSeconds(): number {
    return this.#length / SAMPLE_RATE;
  }

  /** Why the stream stopped listening, or null while it listens. */
  get stopped(): StopReason | null {
    return this.#stopped;
  }

  /**
   * Decodes one packet and appends it. Audio past the stream's capacity is cut off (the stream
   * stops listening); a packet after that is ignored. Undecodable audio throws the audio
   * module's catalogued errors; more bytes in all than `maxAudioBytes` is `AudioTooLong`.
   */
  async append(packet: Uint8Array): Promise<PacketResult> {
    if (this.#stopped !== null) return { addedSec: 0, ignored: true, stopped: null };
    this.#bytes += packet.byteLength;
    if (this.#bytes > this.#deps.limits.maxAudioBytes) throw audioTooLong(this.#deps.limits);
    const samples = await this.#decode(packet);
    const room = this.#capacity - this.#length;
    const taken = samples.length > room ? samples.subarray(0, room) : samples;
    this.#appendSamples(taken);
    let stopped: StopReason | null = null;
    if (this.#length >= this.#capacity) stopped = this.#capacityReason;
    else if (this.#options.endpointing && this.#endPointer.push(taken).endOfSpeech)
      stopped = 'end_of_speech';
    this.#stopped = stopped;
    return { addedSec: taken.length / SAMPLE_RATE, ignored: false, stopped };
  }

  /** Stops listening (the client ended the stream); later packets are ignored. */
  stopListening(): void {
    this.#stopped ??= 'end_of_speech';
  }

  /**
   * Assesses everything heard and hands the result to `deliver`: charged (the audio heard,
   * never more than reserved) when it says the client got it, refunded when not. When the
   * engines fail, the reservation is refunded and the error rethrown.
   */
  async finish(deliver: (result: ScriptedAssessment) => boolean): Promise<'charged' | 'refunded'> {
    this.stopListening();
    let result: ScriptedAssessment;
    try {
      result = await assessScripted(this.#deps.scripted, {
        samples: this.#samples.subarray(0, this.#length),
        sentences: this.parameters.sentences,
        plan: this.parameters.plan,
        deadlineMs: this.#deps.limits.engineDeadlineMs,
      });
    } catch (e) {
      await this.refund();
      throw e;
    }
    if (!deliver(result)) {
      await this.refund();
      return 'refunded';
    }
    await this.#deps.accounts.settle(
      this.#reservation,
      Math.ceil((this.#length * 1000) / SAMPLE_RATE),
    );
    return 'charged';
  }

  /** Releases the reservation without charge. */
  async refund(): Promise<void> {
    this.#stopped ??= 'end_of_speech';
    await this.#deps.accounts.refund(this.#reservation);
  }

  async #decode(packet: Uint8Array): Promise<Float32Array> {
    if (this.#options.audioFormat === 'pcm16le') return this.#fromPcm16(packet);
    if (packet.byteLength === 0) return new Float32Array(0);
    const { limits } = this.#deps;
    const packetLimits: AudioLimits = {
      maxBytes: this.#options.maxPacketBytes,
      maxDurationSec: limits.maxAudioSeconds,
      maxSamples: limits.maxAudioSeconds * SAMPLE_RATE,
    };
    try {
      const decoded = await decodeAudio(packet, {
        limits: packetLimits,
        ffmpegTimeoutMs: limits.ffmpegTimeoutMs,
      });
      return decoded.samples;
    } catch (e) {
      if (e instanceof AudioLimitExceeded) throw audioTooLong(limits);
      throw e;
    }
  }

  #fromPcm16(packet: Uint8Array): Float32Array {
    let bytes = packet;
    if (this.#carry !== null) {
      bytes = new Uint8Array(packet.byteLength + 1);
      bytes[0] = this.#carry;
      bytes.set(packet, 1);
      this.#carry = null;
    }
    const count = bytes.byteLength >> 1;
    if (bytes.byteLength % 2 === 1) this.#carry = bytes[bytes.byteLength - 1]!;
    const view = new DataView(bytes.buffer, bytes.byteOffset, count * 2);
    const pcm = new Int16Array(count);
    for (let i = 0; i < count; i++) pcm[i] = view.getInt16(i * 2, true);
    return pcm16ToFloat32(pcm);
  }

  #appendSamples(samples: Float32Array): void {
    const needed = this.#length + samples.length;
    if (needed > this.#samples.length) {
      const grown = new Float32Array(
        Math.min(this.#capacity, Math.max(needed, this.#samples.length * 2)),
      );
      grown.set(this.#samples.subarray(0, this.#length));
      this.#samples = grown;
    }
    this.#samples.set(samples, this.#length);
    this.#length = needed;
  }
}

/** Whether `value` names a stream audio format. */
export function isStreamAudioFormat(value: unknown): value is StreamAudioFormat {
  return (STREAM_AUDIO_FORMATS as readonly unknown[]).includes(value);
}
