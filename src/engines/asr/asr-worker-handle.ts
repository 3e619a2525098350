/**
 * One worker process as the pool sees it: spawning, the framed socket (the child's stdio
 * entry 3, a Unix socket pair), readiness, and every way it can fail, reported exactly once.
 * Nothing here throws into the caller's event loop: child and socket errors are events.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import {
  FrameDecoder,
  ProtocolError,
  encodeFrame,
  parseWorkerMessage,
  type WorkerConfig,
  type WorkerMessage,
} from './asr-protocol.js';

/** How to start a worker: a program and its arguments (the config JSON is appended). */
export interface WorkerCommand {
  readonly command: string;
  readonly args: readonly string[];
}

export interface WorkerFailure {
  /** 'start': never became ready (cannot connect); 'running': failed after being ready. */
  readonly phase: 'start' | 'running';
  /** e.g. 'worker exited with signal SIGKILL'. */
  readonly detail: string;
}

export interface WorkerCallbacks {
  ready(worker: AsrWorkerHandle): void;
  response(worker: AsrWorkerHandle, message: Extract<WorkerMessage, { type: 'response' }>): void;
  /** Called once; the process is gone or being killed. */
  failed(worker: AsrWorkerHandle, failure: WorkerFailure): void;
}

export interface WorkerSpawnOptions {
  readonly command: WorkerCommand;
  readonly config: WorkerConfig;
  readonly env: NodeJS.ProcessEnv;
  readonly startTimeoutMs: number;
}

const STDERR_TAIL_CHARS = 2_000;
/** After the socket closes, how long to wait for the exit status that explains it. */
const EXIT_AFTER_CLOSE_MS = 1_000;

export class AsrWorkerHandle {
  state: 'starting' | 'ready' | 'failed' = 'starting';
  readonly #callbacks: WorkerCallbacks;
  readonly #child: ChildProcess | null;
  readonly #socket: net.Socket | null;
  readonly #frames = new FrameDecoder();
  readonly #exited: Promise<void>;
  #markExited: () => void = () => {};
  #stderrTail = '';
  #timer: NodeJS.Timeout | undefined;

  constructor(options: WorkerSpawnOptions, callbacks: WorkerCallbacks) {
    this.#callbacks = callbacks;
    this.#exited = new Promise((resolve) => (this.#markExited = resolve));
    let child: ChildProcess | null = null;
    try {
      child = spawn(
        options.command.command,
        [...options.command.args, JSON.stringify(options.config)],
        { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env: options.env },
      );
    } catch (e) {
      queueMicrotask(() => this.fail(`spawn failed: ${errorText(e)}`));
      this.#markExited();
    }
    this.#child = child;
    const socket = child?.stdio[3];
    this.#socket = socket instanceof net.Socket ? socket : null;
    if (!child) return;

    child.on('error', (e) => {
      this.fail(`spawn failed: ${e.message}`);
      // A process that never started emits no 'exit'.
      if (child.pid === undefined) this.#markExited();
    });
    child.on('exit', (code, signal) => {
      this.#markExited();
      this.fail(
        signal ? `worker exited with signal ${signal}` : `worker exited with code ${String(code)}`,
      );
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      this.#stderrTail = (this.#stderrTail + text).slice(-STDERR_TAIL_CHARS);
    });
    child.stderr?.on('error', () => {});

    if (this.#socket) {
      this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
      this.#socket.on('error', () => {});
      this.#socket.on('close', () => {
        if (this.state === 'failed') return;
        setTimeout(() => this.fail('worker closed its socket'), EXIT_AFTER_CLOSE_MS).unref();
      });
    } else if (child.pid !== undefined) {
      queueMicrotask(() => this.fail('worker has no socket'));
    }
    this.#timer = setTimeout(
      () => this.fail(`worker not ready after ${options.startTimeoutMs} ms`),
      options.startTimeoutMs,
    );
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Last lines the worker wrote to stderr (diagnostics for logs). */
  get stderrTail(): string {
    return this.#stderrTail;
  }

  send(header: object, payload?: Uint8Array): void {
    const socket = this.#socket;
    if (!socket || socket.destroyed || this.state === 'failed') return;
    socket.cork();
    for (const chunk of encodeFrame(header, payload)) socket.write(chunk);
    socket.uncork();
  }

  /** SIGKILL: for a worker that stopped answering or spoke garbage. */
  kill(): void {
    try {
      this.#child?.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }

  /**
   * Asks the worker to exit by closing its socket; kills it after `graceMs`. Resolves once the
   * process is gone. Failures after this call are not reported.
   */
  async shutdown(graceMs: number): Promise<void> {
    this.state = 'failed';
    clearTimeout(this.#timer);
    this.#socket?.end();
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }

  #onData(chunk: Buffer): void {
    let messages: WorkerMessage[];
    try {
      messages = this.#frames.push(chunk).map((f) => parseWorkerMessage(f.header));
    } catch (e) {
      const detail = e instanceof ProtocolError ? e.message : errorText(e);
      this.fail(`unparseable frame from worker: ${detail}`);
      return;
    }
    for (const message of messages) {
      if (this.state === 'failed') return;
      if (message.type === 'ready') {
        if (this.state !== 'starting') {
          this.fail('worker announced itself twice');
          return;
        }
        clearTimeout(this.#timer);
        this.state = 'ready';
        this.#callbacks.ready(this);
      } else {
        this.#callbacks.response(this, message);
      }
    }
  }

  /** Reports the failure once (to `failed`) and makes sure the process is gone. */
  fail(detail: string): void {
    if (this.state === 'failed') return;
    const phase = this.state === 'starting' ? 'start' : 'running';
    this.state = 'failed';
    clearTimeout(this.#timer);
    this.kill();
    this.#socket?.destroy();
    this.#callbacks.failed(this, { phase, detail });
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
