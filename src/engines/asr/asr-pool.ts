/**
 * `AsrEngine` for the server process: a pool of pocketsphinx worker processes (asr-worker.ts),
 * each loading its models once and serving one request at a time over a framed socket.
 *
 * Requests wait in a bounded FIFO queue for an idle worker. Every request has a deadline that
 * covers its wait and its decoding. Failures map to the catalogue exactly:
 * - no worker can be started (spawn failed, exited or timed out before ready), or the pool is
 *   closed → `ASRConnectionFailed`;
 * - no answer within the deadline → `ASRSocketTimeout`; a worker holding the request is killed
 *   (SIGKILL) and replaced;
 * - a worker dies mid-request or answers garbage → `ASRInterProcessException` with the detail
 *   (`worker exited with signal SIGKILL`); it is replaced;
 * - the engine refuses the request: no pronunciation for a word → `ASRInterProcessException`
 *   naming the word; the audio cannot carry the text (empty or too short) → `FailedToUseAudio`;
 * - the queue is full → `ASRSocketTimeout` at once: a request that cannot even wait is one the
 *   engine cannot answer in time (back-pressure the caller can retry on).
 * The pool never throws into the event loop: child and socket errors are handled as events.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { catalog, voxError, type VoxgateError } from '../../errors/index.js';
import type { Alignment, AsrEngine, Recognition, TimedSegment } from './asr-engine.js';
import {
  isAlignment,
  isRecognition,
  isSegmentList,
  isSentenceChoice,
  pcmBytes,
  type AsrOp,
  type RequestMessage,
  type WorkerMessage,
} from './asr-protocol.js';
import {
  AsrWorkerHandle,
  type WorkerCallbacks,
  type WorkerCommand,
  type WorkerFailure,
  type WorkerSpawnOptions,
} from './asr-worker-handle.js';
import type { AsrModelPaths } from './decoder-flags.js';

/** Requests allowed to wait for a worker before new ones are turned away. */
export const DEFAULT_MAX_QUEUE = 64;
/** Wait plus decoding, per request. */
export const DEFAULT_DEADLINE_MS = 30_000;
/** `ping()`, when no deadline is given. */
export const DEFAULT_PING_DEADLINE_MS = 5_000;
/** Loading the three decoders takes ~0.5 s; this allows a loaded machine. */
export const DEFAULT_START_TIMEOUT_MS = 30_000;
/** `close()`: how long a worker gets to exit after its socket closes before SIGKILL. */
const SHUTDOWN_GRACE_MS = 2_000;

/** pino-compatible subset. */
export interface AsrPoolLogger {
  warn(fields: Readonly<Record<string, unknown>>, message: string): void;
}

export interface AsrPoolOptions {
  /** Worker processes; `os.availableParallelism()` unless given. */
  readonly workers?: number;
  /** `DEFAULT_MAX_QUEUE` unless given. */
  readonly maxQueue?: number;
  /** Default per-request deadline; `DEFAULT_DEADLINE_MS` unless given. */
  readonly deadlineMs?: number;
  /** `DEFAULT_START_TIMEOUT_MS` unless given. */
  readonly startTimeoutMs?: number;
  /** Model files; Debian's `pocketsphinx-en-us` unless given. */
  readonly model?: Partial<AsrModelPaths>;
  /** The worker program; the compiled asr-worker.js (or .ts under tsx) unless given. */
  readonly workerCommand?: WorkerCommand;
  /** Extra environment for workers (tests set the fault hook of asr-worker.ts here). */
  readonly workerEnv?: Readonly<Record<string, string>>;
  readonly logger?: AsrPoolLogger;
}

/** Per-call options; `deadlineMs` overrides the pool's default. */
export interface AsrCallOptions {
  readonly deadlineMs?: number;
}

export interface AsrPoolStats {
  readonly workers: readonly {
    readonly pid: number | undefined;
    readonly state: 'starting' | 'idle' | 'busy';
  }[];
  readonly queued: number;
}

/**
 * The worker entry next to this module: compiled `asr-worker.js` under `dist/`; under tsx
 * (tests, scripts) the `.ts` source, started with this process's loader flags.
 */
export function defaultWorkerCommand(): WorkerCommand {
  const compiled = fileURLToPath(new URL('./asr-worker.js', import.meta.url));
  if (existsSync(compiled)) return { command: process.execPath, args: [compiled] };
  const source = fileURLToPath(new URL('./asr-worker.ts', import.meta.url));
  // Keep the loader (tsx's --require/--import pairs), drop what must not be inherited.
  const execArgv = process.execArgv.filter((a) => !/^--(test|inspect|watch|debug)/.test(a));
  const loader = execArgv.some((a) => a.includes('tsx')) ? [] : ['--import', 'tsx'];
  return { command: process.execPath, args: [...loader, ...execArgv, source] };
}

type Settle = (outcome: { ok: true; value: unknown } | { ok: false; error: Error }) => void;

/** One call, from submission to answer. Fixed shape; `worker` is set while a worker has it. */
class PendingRequest {
  readonly header: RequestMessage;
  readonly payload: Buffer | undefined;
  readonly accepts: (result: unknown) => boolean;
  readonly settle: Settle;
  readonly done: Promise<unknown>;
  worker: AsrWorkerHandle | null = null;
  timer: NodeJS.Timeout | undefined = undefined;
  settled = false;

  constructor(
    header: RequestMessage,
    payload: Buffer | undefined,
    accepts: (r: unknown) => boolean,
  ) {
    this.header = header;
    this.payload = payload;
    this.accepts = accepts;
    let settle: Settle = () => {};
    this.done = new Promise((resolve, reject) => {
      settle = (o) => (o.ok ? resolve(o.value) : reject(o.error));
    });
    this.settle = (outcome) => {
      if (this.settled) return;
      this.settled = true;
      clearTimeout(this.timer);
      settle(outcome);
    };
  }
}

/**
 * ### Examples
 * ```ts
 * const pool = new AsrPool({ workers: 2 });
 * await pool.ping();
 * const { words } = await pool.align(pcm, ['we', 'call', 'it', 'bear']);
 * await pool.close();
 * ```
 */
export class AsrPool implements AsrEngine {
  readonly #size: number;
  readonly #maxQueue: number;
  readonly #deadlineMs: number;
  readonly #spawnOptions: WorkerSpawnOptions;
  readonly #logger: AsrPoolLogger | undefined;
  readonly #workers = new Set<AsrWorkerHandle>();
  readonly #idle: AsrWorkerHandle[] = [];
  readonly #busy = new Map<AsrWorkerHandle, PendingRequest>();
  readonly #queue: PendingRequest[] = [];
  readonly #callbacks: WorkerCallbacks;
  #nextId = 1;
  #closed = false;

  constructor(options: AsrPoolOptions = {}) {
    this.#size = positive(options.workers ?? os.availableParallelism(), 'workers');
    this.#maxQueue = positive(options.maxQueue ?? DEFAULT_MAX_QUEUE, 'maxQueue');
    this.#deadlineMs = positive(options.deadlineMs ?? DEFAULT_DEADLINE_MS, 'deadlineMs');
    this.#spawnOptions = {
      command: options.workerCommand ?? defaultWorkerCommand(),
      config: options.model ? { model: options.model } : {},
      env: { ...process.env, ...options.workerEnv },
      startTimeoutMs: positive(
        options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
        'startTimeoutMs',
      ),
    };
    this.#logger = options.logger;
    this.#callbacks = {
      ready: (w) => this.#onReady(w),
      response: (w, m) => this.#onResponse(w, m),
      failed: (w, f) => this.#onFailed(w, f),
    };
    this.#fill();
  }

  align(pcm: Int16Array, words: readonly string[], options?: AsrCallOptions): Promise<Alignment> {
    return this.#submit('align', { words }, pcm, isAlignment, options);
  }

  phoneLoop(pcm: Int16Array, options?: AsrCallOptions): Promise<readonly TimedSegment[]> {
    return this.#submit('phoneLoop', {}, pcm, isSegmentList, options);
  }

  recognize(pcm: Int16Array, options?: AsrCallOptions): Promise<Recognition> {
    return this.#submit('recognize', {}, pcm, isRecognition, options);
  }

  chooseSentence(
    pcm: Int16Array,
    sentences: readonly (readonly string[])[],
    options?: AsrCallOptions,
  ): Promise<{ readonly index: number; readonly alignment: Alignment }> {
    if (sentences.length === 0)
      return Promise.reject(new TypeError('chooseSentence needs at least one sentence'));
    return this.#submit('chooseSentence', { sentences }, pcm, isSentenceChoice, options);
  }

  /** Resolves when a worker answers (`DEFAULT_PING_DEADLINE_MS` unless given). */
  async ping(options?: AsrCallOptions): Promise<void> {
    await this.#submit('ping', {}, undefined, isRecord, {
      deadlineMs: options?.deadlineMs ?? DEFAULT_PING_DEADLINE_MS,
    });
  }

  /** Workers and queue, for metrics and tests. */
  stats(): AsrPoolStats {
    return {
      workers: [...this.#workers].map((w) => ({
        pid: w.pid,
        state: w.state === 'starting' ? 'starting' : this.#busy.has(w) ? 'busy' : 'idle',
      })),
      queued: this.#queue.length,
    };
  }

  /**
   * Turns new and queued requests away (`ASRConnectionFailed`), lets requests on workers finish
   * (within their deadlines), then stops every worker.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const request of this.#queue.splice(0)) request.settle(failure(connectionFailed()));
    await Promise.allSettled([...this.#busy.values()].map((r) => r.done));
    const workers = [...this.#workers];
    this.#workers.clear();
    this.#idle.length = 0;
    await Promise.all(workers.map((w) => w.shutdown(SHUTDOWN_GRACE_MS)));
  }

  #submit<T>(
    op: AsrOp,
    fields: Pick<RequestMessage, 'words' | 'sentences'>,
    pcm: Int16Array | undefined,
    accepts: (result: unknown) => result is T,
    options: AsrCallOptions | undefined,
  ): Promise<T> {
    const header: RequestMessage = { type: 'request', id: this.#nextId++, op, ...fields };
    const request = new PendingRequest(header, pcm && pcmBytes(pcm), accepts);
    if (this.#closed) request.settle(failure(connectionFailed()));
    else if (this.#queue.length >= this.#maxQueue) request.settle(failure(timedOut()));
    else {
      const deadlineMs = options?.deadlineMs ?? this.#deadlineMs;
      request.timer = setTimeout(() => this.#onDeadline(request, deadlineMs), deadlineMs);
      this.#queue.push(request);
      this.#fill();
      this.#dispatch();
    }
    return request.done as Promise<T>;
  }

  /** Starts workers up to the pool size. */
  #fill(): void {
    while (!this.#closed && this.#workers.size < this.#size)
      this.#workers.add(new AsrWorkerHandle(this.#spawnOptions, this.#callbacks));
  }

  #dispatch(): void {
    while (this.#queue.length > 0 && this.#idle.length > 0) {
      const request = this.#queue.shift();
      const worker = this.#idle.pop();
      if (!request || !worker) return;
      request.worker = worker;
      this.#busy.set(worker, request);
      worker.send(request.header, request.payload);
    }
  }

  #onReady(worker: AsrWorkerHandle): void {
    this.#idle.push(worker);
    this.#dispatch();
  }

  #onResponse(
    worker: AsrWorkerHandle,
    message: Extract<WorkerMessage, { type: 'response' }>,
  ): void {
    const request = this.#busy.get(worker);
    if (!request || request.header.id !== message.id) {
      worker.fail(`answer to request ${message.id}, which the worker was not given`);
      return;
    }
    if (message.ok && !request.accepts(message.result)) {
      worker.fail(`malformed ${request.header.op} result from worker`);
      return;
    }
    this.#busy.delete(worker);
    request.worker = null;
    if (message.ok) request.settle({ ok: true, value: message.result });
    else request.settle(failure(refusal(message.error.kind, message.error.detail)));
    this.#idle.push(worker);
    this.#dispatch();
  }

  #onFailed(worker: AsrWorkerHandle, failed: WorkerFailure): void {
    this.#workers.delete(worker);
    const idle = this.#idle.indexOf(worker);
    if (idle >= 0) this.#idle.splice(idle, 1);
    const request = this.#busy.get(worker);
    this.#busy.delete(worker);
    if (request) {
      request.worker = null;
      request.settle(failure(voxError(catalog.ASRInterProcessException, { error: failed.detail })));
    }
    if (this.#closed) return;
    this.#logger?.warn(
      { pid: worker.pid, phase: failed.phase, detail: failed.detail, stderr: worker.stderrTail },
      'ASR worker failed',
    );
    if (failed.phase === 'running') {
      // A healthy worker died: replace it now. A worker that could not start is replaced on
      // the next request instead, so a broken installation does not spawn in a loop.
      this.#fill();
    } else if (this.#workers.size === 0) {
      for (const queued of this.#queue.splice(0)) queued.settle(failure(connectionFailed()));
    }
    this.#dispatch();
  }

  #onDeadline(request: PendingRequest, deadlineMs: number): void {
    if (request.settled) return;
    request.settle(failure(timedOut()));
    const worker = request.worker;
    if (worker) worker.fail(`no answer within ${deadlineMs} ms`);
    else {
      const queued = this.#queue.indexOf(request);
      if (queued >= 0) this.#queue.splice(queued, 1);
    }
  }
}

/**
 * Starts a pool and waits until a worker answers; rejects with `ASRConnectionFailed` (after
 * stopping the pool) when none can start.
 *
 * ### Examples
 * ```ts
 * const engine = await createAsrPool({ workers: 2 });
 * const text = (await engine.recognize(pcm)).text;
 * await engine.close();
 * ```
 */
export async function createAsrPool(options: AsrPoolOptions = {}): Promise<AsrPool> {
  const pool = new AsrPool(options);
  try {
    await pool.ping({
      deadlineMs: (options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS) + DEFAULT_PING_DEADLINE_MS,
    });
  } catch (e) {
    await pool.close();
    throw e;
  }
  return pool;
}

function failure(error: Error): { ok: false; error: Error } {
  return { ok: false, error };
}

function connectionFailed(): VoxgateError {
  return voxError(catalog.ASRConnectionFailed);
}

function timedOut(): VoxgateError {
  return voxError(catalog.ASRSocketTimeout);
}

function refusal(kind: string, detail: string): VoxgateError {
  return kind === 'Unalignable'
    ? voxError(catalog.FailedToUseAudio)
    : voxError(catalog.ASRInterProcessException, { error: detail });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be positive`);
  return value;
}
