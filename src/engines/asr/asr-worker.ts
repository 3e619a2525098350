/**
 * The ASR worker: a child process that loads the pocketsphinx decoders once and then answers
 * requests one at a time over the socket the pool gives it as file descriptor 3 (a Unix socket
 * pair; see asr-protocol.ts for the frames). Started by `AsrPool` as
 * `node asr-worker.js '<WorkerConfig JSON>'`; it exits when that socket closes.
 *
 * Test-only hook (never set in production): `VOXGATE_ASR_WORKER_FAULT_FILE=<path>`. Before each
 * request the worker tries to claim that file (an atomic rename, so exactly one worker of a
 * pool claims it); when it does, it misbehaves on that request as the file says:
 * - `hang`    never answers (blocks, as a stuck native decoder would);
 * - `exit`    exits with code 3 without answering;
 * - `kill`    kills itself with SIGKILL;
 * - `garbage` writes bytes that are not a frame.
 * A missing file means behave normally, so tests arm one fault at a time.
 */
import { readFileSync, renameSync, rmSync } from 'node:fs';
import net from 'node:net';
import { AsrRefusal } from './asr-engine-error.js';
import {
  FAULT_FILE_ENV,
  FrameDecoder,
  WORKER_SOCKET_FD,
  ProtocolError,
  encodeFrame,
  parseRequest,
  payloadPcm,
  type Frame,
  type RequestMessage,
  type WorkerConfig,
  type WorkerErrorKind,
} from './asr-protocol.js';
import type { AsrModelPaths } from './decoder-flags.js';
import { PocketsphinxEngine } from './pocketsphinx-engine.js';

function parseConfig(arg: string | undefined): WorkerConfig {
  const value: unknown = JSON.parse(arg ?? '{}');
  if (typeof value !== 'object' || value === null) throw new Error('worker config: not an object');
  const model: unknown = (value as { model?: unknown }).model;
  if (model === undefined) return {};
  if (typeof model !== 'object' || model === null) throw new Error('worker config: bad model');
  const paths: Partial<Record<keyof AsrModelPaths, string>> = {};
  for (const key of ['hmmDir', 'dictPath', 'lmPath'] as const) {
    const v: unknown = (model as Record<string, unknown>)[key];
    if (typeof v === 'string') paths[key] = v;
  }
  return { model: paths };
}

class Worker {
  readonly #engine: PocketsphinxEngine;
  readonly #socket: net.Socket;
  readonly #frames = new FrameDecoder();

  constructor(engine: PocketsphinxEngine, socket: net.Socket) {
    this.#engine = engine;
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    // The pool closed the socket (or died): nothing more to do.
    socket.on('close', () => this.#exit(0));
    socket.on('error', () => this.#exit(0));
  }

  start(): void {
    this.#send({ type: 'ready', pid: process.pid });
  }

  #onData(chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.#frames.push(chunk);
    } catch (e) {
      process.stderr.write(`asr-worker: unreadable frame from the pool: ${String(e)}\n`);
      this.#exit(2);
      return;
    }
    for (const frame of frames) this.#handle(frame);
  }

  #handle(frame: Frame): void {
    let request: RequestMessage;
    try {
      request = parseRequest(frame.header);
    } catch (e) {
      process.stderr.write(`asr-worker: bad request from the pool: ${String(e)}\n`);
      this.#exit(2);
      return;
    }
    this.#misbehaveIfArmed();
    try {
      const result = this.#run(request, frame.payload);
      this.#send({ type: 'response', id: request.id, ok: true, result });
    } catch (e) {
      const [kind, detail] = describe(e);
      this.#send({ type: 'response', id: request.id, ok: false, error: { kind, detail } });
    }
  }

  #run(request: RequestMessage, payload: Buffer): unknown {
    if (request.op === 'ping') return { pid: process.pid };
    const pcm = payloadPcm(payload);
    switch (request.op) {
      case 'align':
        return this.#engine.align(pcm, required(request.words, 'words'));
      case 'phoneLoop':
        return this.#engine.phoneLoop(pcm);
      case 'recognize':
        return this.#engine.recognize(pcm);
      case 'chooseSentence':
        return this.#engine.chooseSentence(pcm, required(request.sentences, 'sentences'));
    }
  }

  #send(message: object): void {
    if (this.#socket.destroyed) return;
    this.#socket.cork();
    for (const chunk of encodeFrame(message)) this.#socket.write(chunk);
    this.#socket.uncork();
  }

  /** Test-only: see the file comment. */
  #misbehaveIfArmed(): void {
    const path = process.env[FAULT_FILE_ENV];
    if (!path) return;
    const claimed = `${path}.${process.pid}`;
    try {
      renameSync(path, claimed);
    } catch {
      return;
    }
    const fault = readFileSync(claimed, 'utf8').trim();
    rmSync(claimed, { force: true });
    switch (fault) {
      case 'hang':
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
        break;
      case 'exit':
        process.exit(3);
        break;
      case 'kill':
        process.kill(process.pid, 'SIGKILL');
        break;
      case 'garbage': {
        const junk = Buffer.alloc(8 + 9);
        junk.writeUInt32BE(4 + 9, 0);
        junk.writeUInt32BE(9, 4);
        junk.write('not json!', 8, 'utf8');
        this.#socket.write(junk);
        break;
      }
    }
  }

  #exit(code: number): void {
    this.#engine.close();
    process.exit(code);
  }
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new ProtocolError(`request without ${name}`);
  return value;
}

function describe(e: unknown): [WorkerErrorKind, string] {
  if (e instanceof AsrRefusal) return [e.kind, e.message];
  if (e instanceof ProtocolError) return ['BadRequest', e.message];
  return ['Internal', e instanceof Error ? e.message : String(e)];
}

function main(): void {
  const engine = PocketsphinxEngine.open(parseConfig(process.argv[2]));
  const socket = new net.Socket({ fd: WORKER_SOCKET_FD, readable: true, writable: true });
  new Worker(engine, socket).start();
}

main();
