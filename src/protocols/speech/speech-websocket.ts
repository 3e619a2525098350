import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { catalog, isVoxgateError, voxError, type VoxgateError } from '../../errors/index.js';
import type { SpeechCaller } from '../../speech/accounts/index.js';
import { STREAM_DIR, parseScriptedParameters } from '../../speech/scripted/index.js';
import {
  DEFAULT_TRAILING_SILENCE_MS,
  ScriptedStream,
  isStreamAudioFormat,
  type ScriptedStreamDeps,
  type StopReason,
  type StreamAudioFormat,
} from '../../speech/streaming/index.js';
import { scriptedResultToElsa } from './elsa-scripted.js';
import { speechErrorBody } from './render-speech-error.js';
import { sessionTokenOf } from './speech-authorization.js';
import type { SpeechDoorOptions } from './speech-door.js';

/** No message from the client for this long, while the server waits on it, closes the socket. */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 20_000;
/** Largest WebSocket message, bytes: bigger ones close the socket with 1009 (ws does that). */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
/** Largest JSON (text) message, bytes. */
const MAX_TEXT_BYTES = 256 * 1024;
/** Messages waiting to be handled before the socket stops reading (TCP back-pressure). */
const HIGH_WATER = 32;
const LOW_WATER = 8;
/** Close code of refused sockets (bad credentials, idle): RFC 6455 policy violation. */
const POLICY_VIOLATION = 1008;
/** Close code of a message over the socket's limit (RFC 6455). */
const MESSAGE_TOO_BIG = 1009;

export interface StreamSettings {
  readonly idleTimeoutMs: number;
  readonly maxMessageBytes: number;
  readonly trailingSilenceMs: number;
}

export interface SpeechWebSocketOptions extends SpeechDoorOptions {
  /** Stream settings; the defaults are the `DEFAULT_…` constants. */
  readonly stream?: Partial<StreamSettings>;
}

type Phase = 'authenticating' | 'idle' | 'streaming' | 'finishing' | 'closed';

/**
 * The scripted speech API's WebSocket (ELSA's streaming protocol), `GET /api/v2/ws/score_audio`:
 * authenticate once per socket, then any number of streams, one at a time:
 * `ELSA:start_stream` → binary audio packets → `ELSA:end_stream` or server end-pointing →
 * `ELSA:decoding_result` → `ELSA:ready`. Every choice the reference leaves open is in
 * docs/speech-websocket.md.
 */
export async function speechWebSocket(
  app: FastifyInstance,
  options: SpeechWebSocketOptions,
): Promise<void> {
  const settings: StreamSettings = {
    idleTimeoutMs: options.stream?.idleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS,
    maxMessageBytes: speechMaxMessageBytes(options),
    trailingSilenceMs: options.stream?.trailingSilenceMs ?? DEFAULT_TRAILING_SILENCE_MS,
  };
  if (!app.hasDecorator('websocketServer'))
    throw new Error('speechWebSocket needs registerWebSockets(app, …) on the server first');

  const open = new Set<StreamSocket>();
  // Sockets still settling or refunding their stream finish before the server (and its store)
  // closes; @fastify/websocket closes the sockets themselves in preClose.
  app.addHook('onClose', async () => {
    await Promise.allSettled([...open].map((s) => s.done));
  });

  app.route({
    method: 'GET',
    url: STREAM_DIR,
    // A browser can only send its token in the query string: keep it out of the logs.
    logSerializers: { req: redactedRequest },
    handler: async (request) => {
      request.labels.api = 'speech';
      throw voxError(catalog.RouteNotFound, { method: 'GET', path: STREAM_DIR });
    },
    wsHandler: (socket, request) => {
      request.labels.api = 'speech';
      const session = new StreamSocket(socket, request, options, settings);
      open.add(session);
      void session.done.then(() => open.delete(session));
    },
  });
}

/**
 * The largest message the speech socket takes (an audio packet); the server's WebSocket
 * `maxPayload` must be at least this, and ws answers larger ones with close 1009.
 */
export function speechMaxMessageBytes(
  options: Pick<SpeechWebSocketOptions, 'stream' | 'limits'>,
): number {
  return Math.min(
    options.stream?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    options.limits.maxAudioBytes,
  );
}

/**
 * One socket: its caller, its current stream, and a queue that handles its messages one at a
 * time, in order. An assessment runs outside the queue, so packets that arrive meanwhile are
 * acknowledged at once; a new `ELSA:start_stream` waits for it.
 */
class StreamSocket {
  readonly done: Promise<void>;
  readonly #socket: WebSocket;
  readonly #log: FastifyBaseLogger;
  readonly #requestId: string;
  readonly #deps: ScriptedStreamDeps;
  readonly #settings: StreamSettings;
  readonly #authorization: string | undefined;
  #phase: Phase = 'authenticating';
  #caller: SpeechCaller | null = null;
  /** The stream taking audio (phase 'streaming'). */
  #stream: ScriptedStream | null = null;
  /** The stream being assessed (phase 'finishing'); it settles or refunds by itself. */
  #ending: ScriptedStream | null = null;
  #packets = 0;
  /**
   * The last stream ended without the client's end_stream (end-pointing, a limit, bad audio):
   * packets still in flight and a late end_stream are expected, not warned about.
   */
  #selfStopped = false;
  #warnedStrayAudio = false;
  #queue: Promise<void> = Promise.resolve();
  #queued = 0;
  #finishing: Promise<void> = Promise.resolve();
  #idleTimer: NodeJS.Timeout | null = null;
  #resolveDone!: () => void;

  constructor(
    socket: WebSocket,
    request: FastifyRequest,
    deps: SpeechDoorOptions,
    settings: StreamSettings,
  ) {
    this.#socket = socket;
    this.#log = request.log;
    this.#requestId = request.id;
    this.#deps = deps;
    this.#settings = settings;
    this.#authorization = authorizationOf(request);
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
    // Listeners first: a client may send start_stream before authentication has finished.
    socket.on('message', (data, isBinary) => this.#receive(data, isBinary));
    socket.on('close', () => void this.#closed());
    this.#enqueue(() => this.#authenticate());
    this.#armIdleTimer();
  }

  #receive(data: RawData, isBinary: boolean): void {
    if (this.#phase === 'closed') return;
    this.#armIdleTimer();
    const bytes = toBytes(data);
    // The server's maxPayload serves every door; this socket's own limit is checked here,
    // answered as ws answers its own: 1009, message too big.
    if (bytes.byteLength > this.#settings.maxMessageBytes) {
      this.#socket.close(MESSAGE_TOO_BIG, 'message too big');
      return;
    }
    this.#enqueue(() => (isBinary ? this.#audio(bytes) : this.#text(bytes)));
  }

  #enqueue(task: () => Promise<void>): void {
    if (++this.#queued >= HIGH_WATER) this.#socket.pause();
    this.#queue = this.#queue
      .then(() => (this.#phase === 'closed' ? undefined : task()))
      .catch((e: unknown) => this.#sendError(e, this.#stream))
      .finally(() => {
        if (--this.#queued <= LOW_WATER && this.#socket.isPaused) this.#socket.resume();
      });
  }

  async #authenticate(): Promise<void> {
    try {
      this.#caller = await this.#deps.accounts.authenticate({
        token: sessionTokenOf(this.#authorization, 'scripted'),
        api: 'scripted',
      });
    } catch (e) {
      this.#refuse(e);
      return;
    }
    if (this.#phase === 'closed') return;
    this.#phase = 'idle';
    this.#send({
      type: 'ELSA:wsConnect',
      data: { server: 'voxgate', api: 'scripted', request_id: this.#requestId },
    });
  }

  async #text(bytes: Uint8Array): Promise<void> {
    if (bytes.byteLength > MAX_TEXT_BYTES)
      throw invalid('message', `a JSON message may have at most ${MAX_TEXT_BYTES} bytes`);
    let message: unknown;
    try {
      message = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch {
      throw invalid('message', 'not JSON: send {"type":"ELSA:…","data":{…}} as a text frame');
    }
    const type = isObject(message) ? message.type : undefined;
    if (typeof type !== 'string')
      throw invalid('type', 'a message is a JSON object with a string "type"');
    if (type === 'ELSA:start_stream') return this.#start(isObject(message) ? message.data : null);
    if (type === 'ELSA:end_stream') return this.#end();
    throw invalid(
      'type',
      `unknown message type ${JSON.stringify(type.slice(0, 40))}: the client sends ELSA:start_stream and ELSA:end_stream`,
    );
  }

  async #start(data: unknown): Promise<void> {
    // A start that comes while the previous stream is being assessed waits for its result.
    await this.#finishing;
    if (this.#phase !== 'idle') {
      if (this.#phase === 'streaming')
        throw invalid('type', 'a stream is already open: send ELSA:end_stream first');
      return;
    }
    const info = isObject(data) ? data.stream_info : undefined;
    if (!isObject(info))
      throw invalid('stream_info', 'ELSA:start_stream needs data.stream_info, an object');
    const parameters = parseScriptedParameters({
      sentence: sentenceField(info.sentence),
      api_plan: stringField(info.api_plan, 'api_plan'),
    });
    const audioFormat = info.audio_format ?? 'file';
    if (!isStreamAudioFormat(audioFormat))
      throw invalid(
        'audio_format',
        'must be "file" (the default: each packet is an audio file) or "pcm16le"',
      );
    const endpointing = info.endpointing ?? true;
    if (typeof endpointing !== 'boolean') throw invalid('endpointing', 'must be true or false');
    const userId = stringField(info.user_id, 'user_id');
    const caller =
      userId === undefined || userId === ''
        ? this.#caller!
        : await this.#deps.accounts.authenticate({
            token: sessionTokenOf(this.#authorization, 'scripted'),
            api: 'scripted',
            endUser: userId,
          });
    const stream = await ScriptedStream.start(this.#deps, caller, parameters, {
      audioFormat: audioFormat satisfies StreamAudioFormat,
      endpointing,
      endPointer: { trailingSilenceMs: this.#settings.trailingSilenceMs },
      maxPacketBytes: this.#settings.maxMessageBytes,
    });
    if (this.#phase !== 'idle') {
      await stream.refund();
      return;
    }
    this.#stream = stream;
    this.#phase = 'streaming';
    this.#packets = 0;
    this.#selfStopped = false;
    this.#warnedStrayAudio = false;
    this.#send({
      type: 'ELSA:start_stream_result',
      data: {
        stream_id: stream.id,
        api_plan: parameters.plan,
        audio_format: audioFormat,
        endpointing,
        max_seconds: round(stream.maxSeconds),
      },
    });
  }

  async #audio(packet: Uint8Array): Promise<void> {
    const stream = this.#stream;
    if (this.#phase !== 'streaming' || stream === null) {
      this.#ack(this.#ending, ++this.#packets, true);
      if (this.#phase === 'idle' && !this.#selfStopped && !this.#warnedStrayAudio) {
        this.#warnedStrayAudio = true;
        this.#send({
          type: 'ELSA:warning',
          message: 'Audio with no open stream is ignored: send ELSA:start_stream first',
        });
      }
      return;
    }
    const packetNumber = ++this.#packets;
    let stopped: StopReason | null;
    try {
      const result = await stream.append(packet);
      this.#ack(stream, packetNumber, result.ignored);
      stopped = result.stopped;
    } catch (e) {
      this.#ack(stream, packetNumber, true);
      await this.#abort(stream, e);
      return;
    }
    if (stopped !== null) {
      this.#selfStopped = true;
      this.#send({
        type: 'ELSA:stopped_listening',
        data: {
          stream_id: stream.id,
          reason: stopped,
          received_seconds: round(stream.receivedSeconds),
        },
      });
      this.#finish(stream);
    }
  }

  async #end(): Promise<void> {
    if (this.#phase === 'streaming' && this.#stream !== null) {
      this.#stream.stopListening();
      this.#finish(this.#stream);
      return;
    }
    // The stream already ended by itself, or is being assessed: nothing more to do.
    if (this.#phase === 'finishing' || this.#selfStopped) return;
    this.#send({
      type: 'ELSA:warning',
      message: 'No open stream to end: send ELSA:start_stream first',
    });
  }

  /** Assesses the stream outside the queue; the socket keeps acknowledging packets meanwhile. */
  #finish(stream: ScriptedStream): void {
    this.#handOff(stream);
    this.#clearIdleTimer();
    this.#finishing = this.#complete(stream);
  }

  /** The result goes to the client if it is still there; the stream charges only then. */
  async #complete(stream: ScriptedStream): Promise<void> {
    let delivered = false;
    try {
      await stream.finish((result) => {
        if (!this.#isOpen()) return false;
        this.#send({
          type: 'ELSA:decoding_result',
          data: { ...scriptedResultToElsa(result), stream_id: stream.id, stream_finished: true },
        });
        delivered = true;
        return true;
      });
    } catch (e) {
      // After the result, only the charge can fail: the hold then lapses uncharged.
      if (delivered) this.#log.error({ err: e }, 'failed settling a stream');
      else this.#sendError(e, stream);
    }
    this.#ready();
  }

  /** A packet that cannot be used ends its stream: refunded, the error, then ready. */
  async #abort(stream: ScriptedStream, error: unknown): Promise<void> {
    this.#handOff(stream);
    this.#selfStopped = true;
    await this.#quietly(stream.refund(), 'refunding a failed stream');
    this.#sendError(error, stream);
    this.#ready();
  }

  /** From here on `#complete` or `#abort` settles or refunds the stream, never `#closed`. */
  #handOff(stream: ScriptedStream): void {
    this.#stream = null;
    this.#ending = stream;
    if (this.#phase !== 'closed') this.#phase = 'finishing';
  }

  #ready(): void {
    this.#ending = null;
    if (this.#phase === 'closed') return;
    this.#phase = 'idle';
    this.#send({ type: 'ELSA:ready' });
    this.#armIdleTimer();
  }

  /** Failed authentication: the error, then close (the socket serves no one else). */
  #refuse(error: unknown): void {
    this.#sendError(error, null);
    this.#phase = 'closed';
    const name = isVoxgateError(error) ? error.definition.name : 'FailedToUseAudio';
    this.#socket.close(POLICY_VIOLATION, name);
  }

  #armIdleTimer(): void {
    this.#clearIdleTimer();
    if (this.#phase === 'closed' || this.#phase === 'finishing') return;
    this.#idleTimer = setTimeout(() => this.#idle(), this.#settings.idleTimeoutMs);
    this.#idleTimer.unref();
  }

  #clearIdleTimer(): void {
    if (this.#idleTimer !== null) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
  }

  /**
   * Nothing from the client for the idle timeout: a stream still listening gives its minutes
   * back first, then the error and the close. The hold must not wait for the close handshake,
   * which a client that stopped reading never completes (ws then waits 30 s more).
   */
  #idle(): void {
    if (this.#phase === 'finishing' || this.#phase === 'closed') return;
    const stream = this.#stream;
    this.#stream = null;
    this.#phase = 'closed';
    const seconds = Math.round(this.#settings.idleTimeoutMs / 1000);
    const error = invalid(
      'stream',
      `no message for ${seconds} s: send audio packets and ELSA:end_stream without pausing that long`,
    );
    // `#closed` waits for this, so a server shutting down waits for the refund too.
    this.#finishing = (async () => {
      if (stream !== null) await this.#quietly(stream.refund(), 'refunding an idle stream');
      this.#refuse(error);
    })();
  }

  /** The socket closed (either side): a stream still listening is refunded. */
  async #closed(): Promise<void> {
    this.#phase = 'closed';
    this.#clearIdleTimer();
    const stream = this.#stream;
    this.#stream = null;
    if (stream !== null)
      await this.#quietly(stream.refund(), 'refunding a stream whose client left');
    // An assessment under way refunds by itself when it finds the socket closed.
    await this.#finishing;
    await this.#queue;
    this.#resolveDone();
  }

  #ack(stream: ScriptedStream | null, packet: number, ignored: boolean): void {
    this.#send({
      type: 'ELSA:audioACK',
      data: {
        stream_id: stream?.id ?? null,
        packet,
        received_seconds: round(stream?.receivedSeconds ?? 0),
        ignored,
      },
    });
  }

  /** The speech API's error body (as REST answers it), typed as a WebSocket message. */
  #sendError(error: unknown, stream: ScriptedStream | null): void {
    let known: VoxgateError;
    if (isVoxgateError(error)) {
      known = error;
    } else {
      this.#log.error({ err: error }, 'unexpected error on the speech WebSocket');
      known = voxError(catalog.FailedToUseAudio);
    }
    this.#send({
      type: 'ELSA:error',
      ...speechErrorBody(known, this.#requestId),
      ...(stream !== null && { stream_id: stream.id }),
    });
  }

  #send(message: Record<string, unknown>): void {
    if (this.#isOpen()) this.#socket.send(JSON.stringify(message));
  }

  #isOpen(): boolean {
    return this.#socket.readyState === this.#socket.OPEN;
  }

  async #quietly(work: Promise<void>, what: string): Promise<void> {
    try {
      await work;
    } catch (e) {
      // The reservation then expires uncharged after its TTL.
      this.#log.error({ err: e }, `failed ${what}`);
    }
  }
}

/**
 * The Authorization header; without one, `?token=` (browsers cannot set headers on a
 * WebSocket) taken as a bearer token.
 */
function authorizationOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) return header;
  const query = request.query as Record<string, unknown> | undefined;
  const token = query?.token;
  return typeof token === 'string' && token !== '' ? `Bearer ${token}` : undefined;
}

const TOKEN_IN_QUERY = /([?&]token=)[^&]*/gi;

function redactedRequest(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: request.url.replace(TOKEN_IN_QUERY, '$1[redacted]'),
    remoteAddress: request.ip,
  };
}

function sentenceField(value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  // A JSON list in JSON: the multiple-choice form needs no string-in-string quoting here.
  if (Array.isArray(value)) return JSON.stringify(value);
  throw invalid('sentence', 'a string, or a list of strings (multiple choice)');
}

function stringField(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null || typeof value === 'string') return value ?? undefined;
  throw invalid(name, 'must be a string');
}

function invalid(param: string, detail: string): VoxgateError {
  return voxError(catalog.InvalidSpeechParameter, { param, detail });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
