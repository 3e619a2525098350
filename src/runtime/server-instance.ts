import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { ServerInstancesStore, ServerInstanceRow } from '../storage/index.js';

/** How often a server refreshes its heartbeat. */
export const DEFAULT_HEARTBEAT_MS = 5_000;
/** A server whose heartbeat is older than this is dead (keep node clocks closer than this). */
export const DEFAULT_STALE_MS = 30_000;

export interface ServerInstanceOptions {
  readonly heartbeatMs?: number;
  readonly staleMs?: number;
  /** This process's host and pid (defaults: os.hostname(), process.pid). */
  readonly host?: string;
  readonly pid?: number;
  /** Whether a process of this host is running (default: `kill(pid, 0)`). */
  readonly isRunning?: (pid: number) => boolean;
  readonly now?: () => number;
}

export interface InstanceLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Work that a dead server leaves behind, released once its instance is removed (e.g. the minute
 * holds of its requests). Returns how much it released.
 */
export type OrphanSweep = () => Promise<number>;

/**
 * The instances this process runs (several when apps are built in-process, as tests do): an
 * instance with this process's pid is dead unless it is one of these.
 */
const LIVE_HERE = new Set<string>();

/** `vxi_` + 16 hex digits: one server process. */
export const newInstanceId = (): string => `vxi_${randomBytes(8).toString('hex')}`;

function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, under another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * This server process in the registry of running servers (one row with a heartbeat), and the
 * sweep that finds dead ones and releases what they held. A server is dead when its heartbeat
 * is older than `staleMs`, or, on this same host, at once: when its process is not running, or
 * has this process's pid (a restart in a container reuses the pid) without being one of the
 * instances this process runs. So a server killed with
 * kill -9 and started again gives back its requests' holds as it starts, not 30 minutes later.
 */
export class ServerInstance {
  readonly id: string;
  readonly #store: ServerInstancesStore;
  readonly #sweeps: readonly OrphanSweep[];
  readonly #log: InstanceLogger;
  readonly #heartbeatMs: number;
  readonly #staleMs: number;
  readonly #host: string;
  readonly #pid: number;
  readonly #isRunning: (pid: number) => boolean;
  readonly #now: () => number;
  readonly #startedAt: number;
  #timer: NodeJS.Timeout | null = null;
  #busy: Promise<void> = Promise.resolve();
  #beating = false;

  constructor(
    id: string,
    store: ServerInstancesStore,
    sweeps: readonly OrphanSweep[],
    log: InstanceLogger,
    options: ServerInstanceOptions = {},
  ) {
    this.id = id;
    this.#store = store;
    this.#sweeps = sweeps;
    this.#log = log;
    this.#heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.#staleMs = options.staleMs ?? DEFAULT_STALE_MS;
    this.#host = options.host ?? os.hostname();
    this.#pid = options.pid ?? process.pid;
    this.#isRunning = options.isRunning ?? processRunning;
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
  }

  /** Registers (or refreshes) this instance: before it serves its first request. */
  async register(): Promise<void> {
    if (this.#pid === process.pid) LIVE_HERE.add(this.id);
    await this.#store.upsert(this.#row());
  }

  /** Removes dead instances, then runs the orphan sweeps; returns what was found and released. */
  async sweep(): Promise<{ dead: number; released: number }> {
    const now = this.#now();
    const dead = (await this.#store.list()).filter((r) => this.#isDead(r, now));
    await this.#store.remove(dead.map((r) => r.instanceId));
    let released = 0;
    for (const sweep of this.#sweeps) released += await sweep();
    if (dead.length > 0 || released > 0)
      this.#log.info(
        { deadInstances: dead.map((r) => r.instanceId), released },
        'released what stopped servers held',
      );
    return { dead: dead.length, released };
  }

  /** Heartbeats and sweeps every `heartbeatMs`. */
  start(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => {
      // A beat still running (a slow database) is not queued behind: the next tick tries again.
      if (this.#beating) return;
      this.#beating = true;
      this.#busy = this.#beat().finally(() => (this.#beating = false));
    }, this.#heartbeatMs);
    this.#timer.unref();
  }

  /** Stops beating and leaves the registry; holds this process still has are then released. */
  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    LIVE_HERE.delete(this.id);
    await this.#busy;
    await this.#store.remove([this.id]);
    for (const sweep of this.#sweeps) await sweep();
  }

  async #beat(): Promise<void> {
    try {
      await this.register();
      await this.sweep();
    } catch (e) {
      this.#log.error({ err: e }, 'server heartbeat failed');
    }
  }

  #isDead(r: ServerInstanceRow, now: number): boolean {
    if (r.instanceId === this.id) return false;
    if (r.heartbeatAt < now - this.#staleMs) return true;
    if (r.host !== this.#host) return false;
    if (r.pid === process.pid) return !LIVE_HERE.has(r.instanceId);
    return r.pid === this.#pid || !this.#isRunning(r.pid);
  }

  #row(): ServerInstanceRow {
    return {
      instanceId: this.id,
      host: this.#host,
      pid: this.#pid,
      startedAt: this.#startedAt,
      heartbeatAt: this.#now(),
    };
  }
}
