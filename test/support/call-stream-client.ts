/**
 * Clients of the Voice ID call-stream door as call platforms drive it: Twilio Media Streams
 * (JSON events, 20 ms of 8 kHz µ-law per `media` message, base64) and plain mode (a start frame,
 * then binary frames). Real recordings, read from µ-law WAV fixtures.
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

/** The `data` chunk of a µ-law (or PCM) WAV file. */
export function wavData(file: string): Buffer {
  const wav = readFileSync(file);
  let o = 12;
  while (o + 8 <= wav.length) {
    const id = wav.toString('ascii', o, o + 4);
    const size = wav.readUInt32LE(o + 4);
    if (id === 'data') return wav.subarray(o + 8, o + 8 + size);
    o += 8 + size + (size % 2);
  }
  throw new Error(`${file} has no data chunk`);
}

export interface StreamOutcome {
  readonly code: number;
  readonly reason: string;
  /** The JSON frames the server sent (plain mode; none for Twilio). */
  readonly messages: readonly Record<string, unknown>[];
}

/** A connected socket and what it has received. */
export class StreamSocket {
  readonly ws: WebSocket;
  readonly messages: Record<string, unknown>[] = [];
  readonly closed: Promise<StreamOutcome>;
  readonly #waiters: { test: (m: Record<string, unknown>) => boolean; resolve: () => void }[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const m = JSON.parse(String(data)) as Record<string, unknown>;
      this.messages.push(m);
      for (const w of [...this.#waiters])
        if (w.test(m)) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          w.resolve();
        }
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) =>
        resolve({ code, reason: reason.toString(), messages: this.messages }),
      ),
    );
  }

  static async connect(url: string): Promise<StreamSocket> {
    const ws = new WebSocket(url);
    const s = new StreamSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return s;
  }

  send(message: object | Buffer): Promise<void> {
    return new Promise((resolve, reject) =>
      this.ws.send(Buffer.isBuffer(message) ? message : JSON.stringify(message), (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  }

  /** Resolves on the first message (from now, or already received) that passes `test`. */
  waitFor(test: (m: Record<string, unknown>) => boolean): Promise<void> {
    if (this.messages.some(test)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ test, resolve }));
  }
}

export interface TwilioStreamOptions {
  /** µ-law 8 kHz audio of the caller (track inbound). */
  readonly inbound: Buffer;
  /** Audio of the agent (track outbound), interleaved with the caller's. */
  readonly outbound?: Buffer;
  /** The snake_case spelling some vendors send. */
  readonly snakeCase?: boolean;
  /** Send `stop` at the end (Twilio does when the call ends); default true. */
  readonly stop?: boolean;
}

const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
function spelled(value: unknown, snakeCase: boolean): unknown {
  if (!snakeCase || typeof value !== 'object' || value === null || Array.isArray(value))
    return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [snake(k), spelled(v, snakeCase)]),
  );
}

/** Streams a call as Twilio Media Streams sends it: 160-byte (20 ms) µ-law chunks. */
export async function streamTwilio(
  socket: StreamSocket,
  options: TwilioStreamOptions,
): Promise<StreamOutcome> {
  const snakeCase = options.snakeCase ?? false;
  const streamSid = 'MZ18ad3ab5a668481ce02b83e7395059f0';
  const send = (m: object) => socket.send(spelled(m, snakeCase) as object);
  let seq = 1;
  await send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
  await send({
    event: 'start',
    sequenceNumber: String(seq++),
    start: {
      accountSid: 'AC00000000000000000000000000000000',
      streamSid,
      callSid: 'CA00000000000000000000000000000000',
      tracks: options.outbound ? ['inbound', 'outbound'] : ['inbound'],
      customParameters: {},
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
    },
    streamSid,
  });
  const chunks = Math.ceil(Math.max(options.inbound.length, options.outbound?.length ?? 0) / 160);
  for (let c = 0; c < chunks; c++) {
    for (const [track, audio] of [
      ['inbound', options.inbound],
      ['outbound', options.outbound],
    ] as const) {
      if (!audio || c * 160 >= audio.length) continue;
      await send({
        event: 'media',
        sequenceNumber: String(seq++),
        media: {
          track,
          chunk: String(c + 1),
          timestamp: String(c * 20),
          payload: audio.subarray(c * 160, (c + 1) * 160).toString('base64'),
        },
        streamSid,
      });
    }
    if (c === 10) {
      await send({
        event: 'dtmf',
        streamSid,
        sequenceNumber: String(seq++),
        dtmf: { track: 'inbound_track', digit: '1' },
      });
      await send({
        event: 'mark',
        streamSid,
        sequenceNumber: String(seq++),
        mark: { name: 'greeting' },
      });
    }
  }
  if (options.stop ?? true)
    await send({
      event: 'stop',
      sequenceNumber: String(seq++),
      stop: { accountSid: 'AC00000000000000000000000000000000', callSid: 'CA0' },
      streamSid,
    });
  return socket.closed;
}

/** Plain mode: the start frame, then the audio in binary frames of `frameBytes`. */
export async function streamPlain(
  socket: StreamSocket,
  options: {
    readonly encoding: 'pcm16le' | 'mulaw';
    readonly sampleRate: 8000 | 16000;
    readonly audio: Buffer;
    readonly frameBytes?: number;
  },
): Promise<void> {
  await socket.send({
    event: 'start',
    encoding: options.encoding,
    sampleRate: options.sampleRate,
  });
  const step = options.frameBytes ?? 321;
  for (let o = 0; o < options.audio.length; o += step)
    await socket.send(options.audio.subarray(o, o + step));
}
