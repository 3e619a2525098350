/**
 * A real S3 API for the blob store's suites: moto's server (`python3 -m moto.server`, installed
 * on the test machines) on 127.0.0.1 and a free port, started by the suite that needs it, ready
 * when it answers HTTP, with its buckets created through the AWS SDK. `stop()` ends it; so does
 * the test process ending in any way (see MOTO_PROGRAM), so a failed hook or a killed runner
 * leaves no moto behind.
 *
 * ### Examples
 * ```ts
 * let moto: MotoS3;
 * before(async () => (moto = await startMotoS3({ buckets: ['voxgate-in'] })));
 * after(() => moto?.stop());
 * const app = await TestApp.start('sqlite', moto.serveArgs);
 * ```
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

/**
 * `python3 -m moto.server -H <host> -p <port>`, plus a watchdog thread: moto exits as soon as
 * its stdin (a pipe from this process) closes, which happens however this process ends, even
 * by SIGKILL, when no `exit` handler runs.
 */
const MOTO_PROGRAM = [
  'import os, sys, threading',
  'threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()',
  'from moto.server import main',
  "main(['-H', sys.argv[1], '-p', sys.argv[2]])",
].join('\n');

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 20_000;

/** Moto processes still running; killed if the test process exits without stopping them. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface MotoS3Options {
  /** Buckets to create once the server is ready. */
  readonly buckets?: readonly string[];
  /**
   * Check credentials as S3 does (moto's INITIAL_NO_AUTH_ACTION_COUNT=0): every request made
   * with keys moto's IAM never issued is refused with InvalidAccessKeyId. No bucket can be
   * created then, so `buckets` must be empty.
   */
  readonly checkCredentials?: boolean;
}

export interface MotoS3 {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly region: string;
  /** Keys this suite signs with (moto without checkCredentials accepts any). */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** A plain SDK client on the server, for what a user's own S3 tools would do. */
  readonly client: S3Client;
  /** `voxgate serve` flags that point the blob store at this server. */
  readonly serveArgs: readonly string[];
  /** Moto's recent log lines, for failure messages. */
  readonly log: readonly string[];
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, HOST);
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.stdin?.end();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Spawns moto on a free port and resolves once it answers; rejects if it exits first. */
async function spawnMoto(
  env: NodeJS.ProcessEnv,
  log: string[],
): Promise<{ child: ChildProcess; endpoint: string }> {
  const port = await freePort();
  const child = spawn('python3', ['-c', MOTO_PROGRAM, HOST, String(port)], {
    stdio: ['pipe', 'ignore', 'pipe'],
    env,
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    log.push(...text.split('\n').filter((l) => l !== ''));
    if (log.length > 200) log.splice(0, log.length - 200);
  });
  const endpoint = `http://${HOST}:${port}`;
  let exited: Error | undefined;
  child.once('exit', (code, signal) => {
    exited = new Error(`moto exited (${code ?? signal}) before it was ready:\n${log.join('\n')}`);
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) throw exited;
    try {
      const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      await res.body?.cancel();
      if (res.ok) return { child, endpoint };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`moto did not answer in ${READY_TIMEOUT_MS} ms:\n${log.join('\n')}`);
    }
    await sleep(50);
  }
}

export async function startMotoS3(options: MotoS3Options = {}): Promise<MotoS3> {
  if (options.checkCredentials && (options.buckets ?? []).length > 0)
    throw new Error('moto checking credentials refuses to create buckets for unknown keys');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...(options.checkCredentials ? { INITIAL_NO_AUTH_ACTION_COUNT: '0' } : {}),
  };
  const log: string[] = [];
  // Another process may take the free port between the probe and moto's bind: try again.
  let spawned: { child: ChildProcess; endpoint: string } | undefined;
  for (let attempt = 1; !spawned; attempt++) {
    try {
      spawned = await spawnMoto(env, log);
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
  const { child, endpoint } = spawned;
  const region = 'us-east-1';
  const credentials = {
    accessKeyId: `AKIAVOXGATE${randomBytes(5).toString('hex').toUpperCase()}`,
    secretAccessKey: `moto-secret-${randomBytes(16).toString('hex')}`,
  };
  const client = new S3Client({
    endpoint,
    region,
    credentials,
    forcePathStyle: true,
    maxAttempts: 1,
  });
  const moto: MotoS3 = {
    endpoint,
    region,
    credentials,
    client,
    serveArgs: [
      '--blob-backend',
      's3',
      '--s3-endpoint',
      endpoint,
      '--s3-region',
      region,
      '--s3-access-key-id',
      credentials.accessKeyId,
      '--s3-secret-access-key',
      credentials.secretAccessKey,
    ],
    log,
    createBucket: async (name) => {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    stop: async () => {
      client.destroy();
      await stopChild(child);
    },
  };
  try {
    for (const bucket of options.buckets ?? []) await moto.createBucket(bucket);
  } catch (e) {
    await moto.stop();
    throw e;
  }
  return moto;
}
