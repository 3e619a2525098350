import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { CallAudioDecoder } from '../../audio/index.js';
import { catalog, isVoxgateError, voxError, type VoxgateError } from '../../errors/index.js';
import type { CallStream, CallStreams, StreamEnd } from '../../voiceid/index.js';
import {
  parseTextMessage,
  StreamMessageInvalid,
  type StreamDialect,
  type StreamEvent,
} from './stream-messages.js';

/** Where StartSession's stream URLs point: `<base>/voiceid/v1/streams/<token>`. */
export const VOICEID_STREAM_PATH = '/voiceid/v1/streams';

/** Which Twilio tracks are the customer. */
export type StreamTracks = 'inbound' | 'outbound' | 'both';
export const STREAM_TRACKS: readonly StreamTracks[] = ['inbound', 'outbound', 'both'];

export interface VoiceIdStreamDoorOptions {
  readonly streams: CallStreams;
  readonly idleMs: number;
  readonly tracks: StreamTracks;
}

// WebSocket close codes (RFC 6455 §7.4; 4000–4999 are the application's).
const NORMAL = 1000;
const GOING_AWAY = 1001;
const UNSUPPORTED_DATA = 1003;
const POLICY_VIOLATION = 1008;
const IDLE = 4408;

/**
 * The call-stream door of Voice ID sessions: one WebSocket per stream, at the URL StartSession
 * answered (its one-time token is the credential: call platforms cannot SigV4-sign a
 * WebSocket). Twilio Media Streams or plain mode (stream-messages.ts), chosen by the first
 * message. Twilio gets nothing back but the close; plain mode gets `started`, `stopped` and
 * `error` frames. Errors are the catalogue's, as the close reason too; a stream that sends
 * nothing for `idleMs` is closed (VoiceIdStreamIdle) and its session ENDED with what it sent.
 */
export async function voiceIdStreamDoor(
  app: FastifyInstance,
  options: VoiceIdStreamDoorOptions,
): Promise<void> {
  if (!app.hasDecorator('websocketServer'))
    throw new Error('voiceIdStreamDoor needs registerWebSockets(app, …) on the server first');
  const open = new Set<StreamSocket>();
  // Streams checkpoint what they have and end before the server (and its store) closes.
  app.addHook('preClose', async () => {
    await Promise.allSettled([...open].map((s) => s.shutdown()));
  });

  app.route({
    method: 'GET',
    url: `${VOICEID_STREAM_PATH}/:token`,
    // The token is the stream's credential: never in a log line.
    logSerializers: { req: redactedRequest },
    handler: async (request) => {
      request.labels.api = 'voiceid';
      throw voxError(catalog.RouteNotFound, { method: 'GET', path: VOICEID_STREAM_PATH });
    },
    wsHandler: (socket, request) => {
      request.labels.api = 'voiceid';
      const token = (request.params as { token?: string }).token ?? '';
      const s = new StreamSocket(socket, request.log, options, token);
      open.add(s);
      void s.done.then(() => open.delete(s));
    },
  });
}

/** One socket: its claim on the session's stream, its dialect, its decoder. */
class StreamSocket {
  readonly done: Promise<void>;
  readonly #socket: WebSocket;
  readonly #log: FastifyBaseLogger;
  readonly #options: VoiceIdStreamDoorOptions;
  readonly #opening: Promise<CallStream | undefined>;
  #dialect: StreamDialect | undefined;
  #decoder: CallAudioDecoder | undefined;
  #queue: Promise<void> = Promise.resolve();
  #idle: NodeJS.Timeout | undefined;
  #closing = false;
  #finished = false;
  #resolveDone!: () => void;

  constructor(
    socket: WebSocket,
    log: FastifyBaseLogger,
    options: VoiceIdStreamDoorOptions,
    token: string,
  ) {
    this.#socket = socket;
    this.#log = log;
    this.#options = options;
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
    socket.on('message', (data, isBinary) => this.#enqueue(() => this.#receive(data, isBinary)));
    socket.on('close', () => this.#enqueue(() => this.#finish('closed')));
    socket.on('error', () => undefined);
    this.#armIdle();
    this.#opening = options.streams.open(token).then(
      (stream) => stream,
      (err: unknown) => {
        this.#fail(asVoxgateError(err, this.#log));
        return undefined;
      },
    );
  }

  /** Server shutdown: what arrived is checkpointed, the stream ENDED, the socket closed. */
  async shutdown(): Promise<void> {
    this.#enqueue(async () => {
      await this.#finish('shutdown');
      this.#close(GOING_AWAY, 'server shutting down');
    });
    await this.done;
  }

  #enqueue(work: () => Promise<void> | void): void {
    this.#queue = this.#queue.then(work).catch((err: unknown) => {
      this.#log.error({ err }, 'voice id stream message failed');
      this.#fail(voxError(catalog.VoiceIdStreamMessageInvalid, { detail: 'internal error' }));
    });
  }

  async #receive(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): Promise<void> {
    if (this.#closing || this.#finished) return;
    const stream = await this.#opening;
    if (!stream || this.#closing || this.#finished) return;
    this.#armIdle();
    const bytes = Buffer.isBuffer(data)
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.from(data);
    let event: StreamEvent;
    try {
      if (isBinary) {
        if (this.#dialect !== 'plain' || !this.#decoder)
          throw new StreamMessageInvalid(
            'binary audio needs a plain-mode start frame first: {"event":"start","encoding":"pcm16le"|"mulaw","sampleRate":8000|16000}',
          );
        event = { event: 'media', track: 'inbound', audio: bytes };
      } else {
        event = parseTextMessage(bytes.toString('utf8'), this.#dialect);
      }
    } catch (e) {
      if (!(e instanceof StreamMessageInvalid)) throw e;
      this.#fail(voxError(catalog.VoiceIdStreamMessageInvalid, { detail: e.message }));
      await this.#finish('invalid');
      return;
    }
    await this.#handle(stream, event);
  }

  async #handle(stream: CallStream, event: StreamEvent): Promise<void> {
    switch (event.event) {
      case 'connected':
      case 'dtmf':
      case 'mark':
        return;
      case 'start':
        if (this.#decoder) {
          this.#fail(
            voxError(catalog.VoiceIdStreamMessageInvalid, {
              detail: 'the stream has already started',
            }),
          );
          await this.#finish('invalid');
          return;
        }
        this.#dialect = event.dialect;
        this.#decoder = new CallAudioDecoder(event.encoding, event.sampleRate);
        stream.onCheckpoint = (streamSeconds, sessionSeconds, storedAfterMs) =>
          this.#send({
            event: 'checkpoint',
            netSpeechSeconds: round2(streamSeconds),
            sessionNetSpeechSeconds: round2(sessionSeconds),
            storedAfterMs: round2(storedAfterMs),
          });
        if (event.dialect === 'plain')
          this.#send({
            event: 'started',
            sessionId: stream.session.sessionId,
            sessionName: stream.session.sessionName,
          });
        return;
      case 'media':
        if (!this.#decoder) {
          this.#fail(
            voxError(catalog.VoiceIdStreamMessageInvalid, {
              detail: 'audio before the start event',
            }),
          );
          await this.#finish('invalid');
          return;
        }
        if (!this.#wanted(event.track)) return;
        stream.push(this.#decoder.push(event.audio));
        if (!stream.held) {
          this.#fail(voxError(catalog.VoiceIdStreamEnded));
          await this.#finish('lost');
        }
        return;
      case 'stop': {
        await this.#finish('stop');
        this.#send({
          event: 'stopped',
          netSpeechSeconds: round2(stream.netSpeechSeconds()),
        });
        this.#close(NORMAL, 'stopped');
        return;
      }
    }
  }

  #wanted(track: string): boolean {
    if (this.#dialect === 'plain') return true;
    const t = track.replace(/_track$/, '');
    switch (this.#options.tracks) {
      case 'inbound':
        return t === 'inbound';
      case 'outbound':
        return t === 'outbound';
      case 'both':
        return true;
    }
  }

  /** Ends the stream once (last checkpoint, ENDED), also one whose claim was still running. */
  async #finish(reason: StreamEnd): Promise<void> {
    this.#clearIdle();
    if (!this.#finished) {
      this.#finished = true;
      const stream = await this.#opening;
      if (stream) {
        if (this.#decoder) stream.push(this.#decoder.finish());
        await stream.end(reason);
      }
    }
    if (reason === 'closed') this.#resolveDone();
  }

  #fail(error: VoxgateError): void {
    const field = error.definition.fields.ConflictType?.source;
    const conflictType = field && 'const' in field ? String(field.const) : undefined;
    this.#send({
      event: 'error',
      error: {
        name: error.definition.name,
        message: error.message,
        ...(conflictType !== undefined && { conflictType }),
      },
    });
    const code =
      error.definition.id === 'VoiceIdStreamIdle'
        ? IDLE
        : error.definition.id === 'VoiceIdStreamMessageInvalid'
          ? UNSUPPORTED_DATA
          : POLICY_VIOLATION;
    this.#close(code, conflictType ?? error.definition.name);
  }

  /** Plain mode only: Twilio is sent nothing (it would take JSON for audio to play). */
  #send(message: object): void {
    if (this.#dialect === 'twilio' || this.#closing) return;
    if (this.#socket.readyState === this.#socket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  #close(code: number, reason: string): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#clearIdle();
    this.#socket.close(code, reason.slice(0, 120));
  }

  #armIdle(): void {
    this.#clearIdle();
    this.#idle = setTimeout(() => {
      this.#enqueue(async () => {
        this.#fail(
          voxError(catalog.VoiceIdStreamIdle, { seconds: Math.round(this.#options.idleMs / 1000) }),
        );
        await this.#finish('idle');
      });
    }, this.#options.idleMs);
    this.#idle.unref();
  }

  #clearIdle(): void {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = undefined;
  }
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

function asVoxgateError(err: unknown, log: FastifyBaseLogger): VoxgateError {
  if (isVoxgateError(err)) return err;
  log.error({ err }, 'voice id stream could not open');
  return voxError(catalog.VoiceIdStreamMessageInvalid, {
    detail: 'the stream could not be opened (server error); try StartSession again',
  });
}

function redactedRequest(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: `${VOICEID_STREAM_PATH}/[redacted]`,
    remoteAddress: request.ip,
  };
}
