/**
 * The whole Voxgate app built in the test's own process (createApp, as `voxgate serve` builds
 * it) on a fresh data directory and database, listening on 127.0.0.1 port 0. It answers to the
 * same members as ServerProcess, so a suite moves between the two by changing one line; suites
 * whose subject is the process itself (signals, restarts, kill -9, the CLI) keep ServerProcess.
 * Extra arguments are `voxgate serve` flags, parsed by the same option table.
 */
import { Command } from 'commander';
import pino from 'pino';
import { Writable } from 'node:stream';
import { createApp, type AppOverrides, type VoxgateApp } from '../../src/app.js';
import { parseS3Uri } from '../../src/blobs/index.js';
import { configFromOptions, withAllConfigOptions } from '../../src/cli/common-options.js';
import { voxgateCli, type ServerCredentials, type TestServer } from './server-process.js';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from './test-databases.js';

export class TestApp implements TestServer {
  readonly database: TestDatabase;
  readonly port: number;
  /** Log lines at warn and above, as `voxgate serve --log-level warn` would print them. */
  readonly stderr: string[];
  readonly app: VoxgateApp;
  #stopped = false;

  private constructor(app: VoxgateApp, port: number, database: TestDatabase, stderr: string[]) {
    this.app = app;
    this.port = port;
    this.database = database;
    this.stderr = stderr;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Flags that point a CLI command at this app's storage. */
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
    overrides: Omit<AppOverrides, 'logger'> = {},
  ): Promise<TestApp> {
    const db = database ?? (await createTestDatabase(kind));
    const command = withAllConfigOptions(new Command('serve').exitOverride());
    command.parse(
      [
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--log-level',
        'warn',
        '--data-dir',
        db.dataDir,
        ...(db.databaseUrl ? ['--database-url', db.databaseUrl] : []),
        ...extraArgs,
      ],
      { from: 'user' },
    );
    // Engine workers start on the first speech request unless a suite asks for them.
    const config = configFromOptions(command.opts(), { VOXGATE_ASR_PRELOAD: 'false' });
    const stderr: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line !== '') stderr.push(line);
        done();
      },
    });
    const logger = pino({ level: config.logLevel }, sink);
    const app = await createApp(config, { ...overrides, logger });
    await app.server.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    return new TestApp(app, address.port, db, stderr);
  }

  /** Runs `voxgate <args…>` (a real CLI process) against this app's storage; returns stdout. */
  cli(...args: string[]): Promise<string> {
    return voxgateCli(this.storageArgs, args);
  }

  /**
   * What the fixtures' admin commands do, through the app's own services: the same answers as
   * the CLI's `--json` output, without a process per call. The CLI itself has its own suites.
   */
  get admin() {
    const rt = this.app.runtime;
    return {
      createIdentityStore: () => rt.identityStore.createStore(new Date()),
      createKey: async (alias: string) => {
        const key = await rt.keys.create({ alias });
        return { KeyId: key.keyId, Arn: key.arn, Alias: key.alias ?? undefined };
      },
      setKeyEnabled: async (keyIdOrAlias: string, enabled: boolean) => {
        const key = await rt.keys.resolve(keyIdOrAlias);
        if (!key || !(await rt.keys.setEnabled(key.keyId, enabled)))
          throw new Error(`no key ${keyIdOrAlias}`);
      },
      putBlob: async (uri: string, bytes: Uint8Array) => {
        const parsed = parseS3Uri(uri);
        if (!parsed) throw new Error(`not an s3:// URI: ${uri}`);
        await rt.blobs.put(parsed, bytes);
      },
      createFraudster: async (
        domainId: string,
        watchlistId: string | undefined,
        audio: readonly Uint8Array[],
      ) => {
        const f = await rt.voiceIdPeople.createFraudster(domainId, watchlistId, [...audio]);
        return { GeneratedFraudsterId: f.fraudsterId, WatchlistIds: f.watchlistIds };
      },
      speech: rt.speechAccounts.admin,
    };
  }

  /** The admin token and the access key pairs, as `voxgate admin credentials --json` shows them. */
  async credentials(): Promise<ServerCredentials> {
    const adminToken = await this.app.runtime.adminToken.reveal();
    const keys = await this.app.runtime.accessKeys.listWithSecrets();
    return {
      adminToken,
      accessKeys: keys
        .filter((k) => k.revokedAt === null)
        .map((k) => ({ accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey })),
    };
  }

  /**
   * Closes the app as SIGTERM would (requests finish, workers stop, storage closes). A kill is
   * the subject of a ServerProcess suite, not of an in-process app.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (signal !== 'SIGTERM' && signal !== 'SIGINT')
      throw new Error(`an in-process app cannot be stopped with ${signal}: use ServerProcess`);
    if (!this.#stopped) {
      this.#stopped = true;
      await this.app.server.close();
    }
    return 0;
  }

  async stopAndDrop(): Promise<void> {
    await this.stop();
    await this.database.drop();
  }
}
