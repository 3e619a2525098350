/**
 * A real `voxgate serve` process for end-to-end tests: the built CLI, a fresh data directory
 * and database, port 0. Resolves once the server prints its `listening` line.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { repoRoot } from './shared-dir.js';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from './test-databases.js';

const run = promisify(execFile);

/** Servers still running; killed if the test process exits without stopping them (a failed hook). */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});
export const CLI = path.join(repoRoot, 'bin', 'voxgate.js');

export interface ServerCredentials {
  readonly adminToken: string;
  readonly accessKeys: readonly {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
  }[];
}

/**
 * What a suite needs of a running Voxgate: ServerProcess (a real `voxgate serve` process) and
 * TestApp (the same app built in the test's process) both are one.
 */
export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly database: TestDatabase;
  /** Flags that point a CLI command at this server's storage. */
  readonly storageArgs: string[];
  /** Log lines at warn and above. */
  readonly stderr: string[];
  cli(...args: string[]): Promise<string>;
  credentials(): Promise<ServerCredentials>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  stopAndDrop(): Promise<void>;
}

/** Runs the real `voxgate <args…> <storageArgs…>` CLI process; returns its stdout. */
export async function voxgateCli(
  storageArgs: readonly string[],
  args: readonly string[],
): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args, ...storageArgs], {
    env: { ...process.env, VOXGATE_CONFIG: undefined },
  });
  return stdout;
}

export class ServerProcess implements TestServer {
  readonly child: ChildProcess;
  readonly port: number;
  readonly database: TestDatabase;
  readonly stderr: string[];

  private constructor(child: ChildProcess, port: number, database: TestDatabase, stderr: string[]) {
    this.child = child;
    this.port = port;
    this.database = database;
    this.stderr = stderr;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Flags that point a CLI command at this server's storage. */
  get storageArgs(): string[] {
    return [
      '--data-dir',
      this.database.dataDir,
      ...(this.database.databaseUrl ? ['--database-url', this.database.databaseUrl] : []),
    ];
  }

  static async start(
    kind: TestDatabaseKind,
    extraArgs: readonly string[] = [],
    database?: TestDatabase,
  ): Promise<ServerProcess> {
    const db = database ?? (await createTestDatabase(kind));
    const args = [
      CLI,
      'serve',
      '--port',
      '0',
      '--log-level',
      'warn',
      '--data-dir',
      db.dataDir,
      ...(db.databaseUrl ? ['--database-url', db.databaseUrl] : []),
      ...extraArgs,
    ];
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Engine workers start on the first speech request: most suites never make one.
      env: {
        ...process.env,
        VOXGATE_CONFIG: undefined,
        VOXGATE_ASR_PRELOAD: process.env.VOXGATE_ASR_PRELOAD ?? 'false',
      },
    });
    live.add(child);
    child.once('exit', () => live.delete(child));
    const stderr: string[] = [];
    createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
    const lines = createInterface({ input: child.stdout! });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`server did not start in 20 s:\n${stderr.join('\n')}`)),
        20_000,
      );
      lines.on('line', (line) => {
        try {
          const event = JSON.parse(line) as { event?: string; port?: number };
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
    return new ServerProcess(child, port, db, stderr);
  }

  /** Runs `voxgate <args…>` against this server's storage; returns stdout. */
  cli(...args: string[]): Promise<string> {
    return voxgateCli(this.storageArgs, args);
  }

  async credentials(): Promise<ServerCredentials> {
    return JSON.parse(await this.cli('admin', 'credentials', '--json')) as ServerCredentials;
  }

  /** SIGTERM and wait for exit; returns the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const exited = once(this.child, 'exit');
    this.child.kill(signal);
    const [code] = (await exited) as [number | null];
    return code;
  }

  async stopAndDrop(): Promise<void> {
    await this.stop();
    await this.database.drop();
  }
}
