/**
 * A WebSocket client of the scripted speech stream (the `ws` package, as a Node integration
 * would use), with the reference client's audio: 0.5 s WAV files cut from a recording.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import WebSocket from 'ws';
import { DEFAULT_AUDIO_LIMITS, decodeAudio } from '../../../src/audio/index.js';
import { repoRoot } from '../../support/shared-dir.js';

/** A server message: `type`, and `data` or the error/warning members. */
export interface ServerMessage {
  readonly type: string;
  readonly data?: Record<string, unknown>;
  readonly [member: string]: unknown;
}

const WAIT_MS = 60_000;

export class StreamClient {
  readonly socket: WebSocket;
  readonly received: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #read = 0;
  #wake: (() => void) | null = null;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data, isBinary) => {
      assert.equal(isBinary, false, 'the server sends text frames only');
      this.received.push(JSON.parse(String(data)) as ServerMessage);
      this.#wake?.();
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.#wake?.();
      }),
    );
  }

  /** Opens a socket; `headers` go on the upgrade request. */
  static async connect(url: string, headers: Record<string, string> = {}): Promise<StreamClient> {
    const socket = new WebSocket(url, { headers });
    const client = new StreamClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  /** The next message not read yet, in order; fails after a minute or when the socket closes. */
  async next(): Promise<ServerMessage> {
    const deadline = Date.now() + WAIT_MS;
    while (this.#read >= this.received.length) {
      if (this.socket.readyState === WebSocket.CLOSED)
        assert.fail(`socket closed; read so far: ${JSON.stringify(this.received)}`);
      if (Date.now() > deadline) assert.fail('no message from the server within a minute');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = null;
    }
    return this.received[this.#read++]!;
  }

  /** The next message, which must be of `type`. */
  async expect(type: string): Promise<ServerMessage> {
    const message = await this.next();
    assert.equal(message.type, type, JSON.stringify(message).slice(0, 500));
    return message;
  }

  /** Reads messages up to and including the first of `type`; returns them all. */
  async until(type: string): Promise<ServerMessage[]> {
    const seen: ServerMessage[] = [];
    for (;;) {
      const message = await this.next();
      seen.push(message);
      if (message.type === type) return seen;
    }
  }

  sendJson(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  sendText(text: string): void {
    this.socket.send(text);
  }

  sendAudio(packet: Uint8Array): void {
    this.socket.send(packet, { binary: true });
  }

  start(sentence: unknown, more: Record<string, unknown> = {}): void {
    this.sendJson({
      type: 'ELSA:start_stream',
      data: { stream_info: { api_plan: 'standard', sentence, ...more } },
    });
  }

  end(): void {
    this.sendJson({ type: 'ELSA:end_stream' });
  }

  close(): void {
    this.socket.close(1000);
  }
}

/** The fixture corpus: `test/fixtures/corpus/audio/<utt>.flac` and its prompt. */
export const CORPUS = {
  weCallItBear: { utt: '000010011', sentence: 'WE CALL IT BEAR' },
  theRaceIsTooClose: { utt: '021290009', sentence: 'THE RACE IS TOO CLOSE TO CALL' },
  iKnowTheNameToo: { utt: '030020152', sentence: 'I KNOW THE NAME TOO' },
} as const;

export async function corpusSamples(utt: string): Promise<Float32Array> {
  const file = path.join(repoRoot, 'test', 'fixtures', 'corpus', 'audio', `${utt}.flac`);
  const decoded = await decodeAudio(new Uint8Array(await readFile(file)), {
    limits: DEFAULT_AUDIO_LIMITS,
  });
  return decoded.samples;
}

/** 16 kHz mono samples as a 16-bit PCM WAV file. */
export function wavFile(samples: Float32Array): Uint8Array {
  const bytes = new Uint8Array(44 + samples.length * 2);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) bytes[offset + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples.length * 2, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, 16_000, true);
  view.setUint32(28, 32_000, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.max(-1, Math.min(1, samples[i]!));
    view.setInt16(44 + i * 2, Math.round(v * 32767), true);
  }
  return bytes;
}

/** The reference client's packets: consecutive 0.5 s pieces, each its own WAV file. */
export function wavChunks(samples: Float32Array, seconds = 0.5): Uint8Array[] {
  const step = Math.round(seconds * 16_000);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < samples.length; at += step)
    chunks.push(wavFile(samples.subarray(at, at + step)));
  return chunks;
}

/** Raw 16-bit little-endian PCM of 16 kHz mono samples. */
export function pcm16le(samples: Float32Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++)
    view.setInt16(i * 2, Math.round(Math.max(-1, Math.min(1, samples[i]!)) * 32767), true);
  return bytes;
}

export function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const silence = (seconds: number): Float32Array =>
  new Float32Array(Math.round(seconds * 16_000));
