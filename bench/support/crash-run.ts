/**
 * What the crash-safety and soak scripts share: a fresh storage per backend (the tests' own
 * helpers: a SQLite data directory, or a PostgreSQL database of its own), the kill schedule's
 * random source, the backend flag, and a main that runs each backend, prints one line (or JSON)
 * per backend with the command that made it, and exits non-zero when a check failed.
 */
import { SeededRandom } from '../../src/engines/speaker/training/seeded-random.js';
import { ServerProcess } from '../../test/support/server-process.js';
import {
  createTestDatabase,
  type TestDatabase,
  type TestDatabaseKind,
} from '../../test/support/test-databases.js';

export { ServerProcess, type TestDatabase };
export type Backend = TestDatabaseKind;
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh database of `backend`; PostgreSQL ones are created on the server `postgresUrl` names. */
export async function freshStorage(backend: Backend, postgresUrl: string): Promise<TestDatabase> {
  if (backend === 'postgres') process.env.VOXGATE_TEST_POSTGRES_URL = postgresUrl;
  return createTestDatabase(backend);
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** A seeded uniform source in [0, 1): the same --seed gives the same kill schedule. */
export function seededRandom(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.next();
}

/** The backends a `--backend sqlite|postgres|both` flag names. */
export function backendsOf(flag: string): Backend[] {
  if (flag === 'both') return ['sqlite', 'postgres'];
  if (flag === 'sqlite' || flag === 'postgres') return [flag];
  throw new Error(`--backend must be sqlite, postgres or both, got ${flag}`);
}

/** A positive whole number from a flag, or an error naming the flag. */
export function positiveInt(flag: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a positive integer`);
  return n;
}

export interface ScriptRun<O extends { backends: Backend[]; json: boolean }, R> {
  /** The npm script name, for the printed command line. */
  readonly script: string;
  readonly help: string;
  /** Parsed options, or 'help'. */
  readonly options: O | 'help';
  readonly run: (backend: Backend, options: O) => Promise<R>;
  /** The report as one line of text. */
  readonly line: (report: R) => string;
  /** Whether the report shows a failed check. */
  readonly failed: (report: R) => boolean;
}

export async function runScript<O extends { backends: Backend[]; json: boolean }, R>(
  s: ScriptRun<O, R>,
): Promise<void> {
  if (s.options === 'help') {
    process.stdout.write(s.help);
    return;
  }
  const options = s.options;
  let failed = false;
  for (const backend of options.backends) {
    const report = await s.run(backend, options);
    failed ||= s.failed(report);
    console.log(options.json ? JSON.stringify(report) : s.line(report));
  }
  const args = process.argv.slice(2);
  console.log(`(npm run ${s.script}${args.length === 0 ? '' : ` -- ${args.join(' ')}`})`);
  if (failed) process.exitCode = 1;
}

/** `voxgate <args…> --json` against the server's storage, parsed. */
export async function cliJson<T>(server: ServerProcess, ...args: string[]): Promise<T> {
  return JSON.parse(await server.cli(...args, '--json')) as T;
}
