/**
 * `voxgate serve` as the crash-safety scripts drive it: started on given storage, killed with
 * SIGKILL at any moment, started again on the same storage; the admin CLI against that storage;
 * a fresh SQLite data directory or PostgreSQL database per run, removed afterwards.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

const runFile = promisify(execFile);
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(repoRoot, 'bin', 'voxgate.js');
const STARTUP_TIMEOUT_MS = 60_000;

export type Backend = 'sqlite' | 'postgres';
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** The children's environment without VOXGATE_*: a developer's settings must not redirect a run. */
function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('VOXGATE_')),
  );
}

/** Storage for one run: a data directory, and a database of its own on PostgreSQL. */
export class RunStorage {
  private constructor(
    readonly backend: Backend,
    readonly dataDir: string,
    readonly databaseUrl: string | undefined,
    private readonly adminUrl: string | undefined,
    private readonly databaseName: string | undefined,
  ) {}

  static async create(backend: Backend, postgresUrl = DEFAULT_POSTGRES_URL): Promise<RunStorage> {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'voxgate-crash-'));
    if (backend === 'sqlite')
      return new RunStorage(backend, dataDir, undefined, undefined, undefined);
    const name = `voxgate_crash_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    return new RunStorage(backend, dataDir, url.toString(), postgresUrl, name);
  }

  get args(): string[] {
    return [
      '--data-dir',
      this.dataDir,
      ...(this.databaseUrl ? ['--database-url', this.databaseUrl] : []),
    ];
  }

  async drop(): Promise<void> {
    if (this.adminUrl && this.databaseName) {
      const admin = new pg.Client({ connectionString: this.adminUrl });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${this.databaseName} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** `voxgate <args…>` on this storage; returns stdout. */
  async cli(...args: string[]): Promise<string> {
    const { stdout } = await runFile(process.execPath, [CLI, ...args, ...this.args], {
      cwd: repoRoot,
      env: childEnv(),
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  }

  async cliJson<T>(...args: string[]): Promise<T> {
    return JSON.parse(await this.cli(...args, '--json')) as T;
  }
}

/** One `voxgate serve` process on a RunStorage. */
export class VoxgateProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(storage: RunStorage, extra: readonly string[] = []): Promise<VoxgateProcess> {
    const child = spawn(
      process.execPath,
      [CLI, 'serve', '--port', '0', '--log-level', 'warn', ...storage.args, ...extra],
      { cwd: repoRoot, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const stderr: string[] = [];
    createInterface({ input: child.stderr! }).on('line', (line) => {
      stderr.push(line);
      if (stderr.length > 50) stderr.shift();
    });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`server did not listen in time:\n${stderr.join('\n')}`)),
        STARTUP_TIMEOUT_MS,
      );
      createInterface({ input: child.stdout! }).on('line', (line) => {
        try {
          const event = JSON.parse(line) as { event?: unknown; port?: unknown };
          if (event.event === 'listening' && typeof event.port === 'number') {
            clearTimeout(timer);
            resolve(event.port);
          }
        } catch {
          // not an event line
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code} before listening:\n${stderr.join('\n')}`));
      });
    });
    return new VoxgateProcess(child, port);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** kill -9: no shutdown of any kind. */
  async kill(): Promise<void> {
    if (!this.running) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}

export interface AccessKeyPair {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export async function credentialsOf(
  storage: RunStorage,
): Promise<{ adminToken: string; accessKey: AccessKeyPair }> {
  const out = await storage.cliJson<{ adminToken: string; accessKeys: AccessKeyPair[] }>(
    'admin',
    'credentials',
  );
  const accessKey = out.accessKeys[0];
  if (!accessKey) throw new Error('no access key pair');
  return { adminToken: out.adminToken, accessKey };
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** A seeded PRNG (mulberry32): the same --seed gives the same kill schedule. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The backends a `--backend sqlite|postgres|both` flag names. */
export function backendsOf(flag: string): Backend[] {
  if (flag === 'both') return ['sqlite', 'postgres'];
  if (flag === 'sqlite' || flag === 'postgres') return [flag];
  throw new Error(`--backend must be sqlite, postgres or both, got ${flag}`);
}

/** The command line that produced a report, for printing next to the figures. */
export function commandLine(script: string): string {
  const args = process.argv.slice(2);
  return args.length === 0 ? `npm run ${script}` : `npm run ${script} -- ${args.join(' ')}`;
}
