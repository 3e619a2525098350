import type { Command } from 'commander';
import pino from 'pino';
import { ensureFirstStart } from '../credentials/index.js';
import { openRuntime } from '../runtime/open-runtime.js';
import { voiceIdService } from '../protocols/aws-json/voiceid/voiceid-service.js';
import { identityStoreService } from '../protocols/aws-json/identitystore/identitystore-service.js';
import { buildServer } from '../server.js';
import { configFromOptions, withAllConfigOptions } from './common-options.js';

export function registerServe(program: Command): void {
  withAllConfigOptions(
    program
      .command('serve')
      .description(
        'Run the server with embedded defaults (SQLite in the data directory); prints {"event":"listening","port":N} on stdout when ready',
      ),
  ).action(async (options: Record<string, unknown>) => {
    await serve(options);
  });
}

async function serve(options: Record<string, unknown>): Promise<void> {
  const config = configFromOptions(options);
  // Logs go to stderr as JSON lines; stdout carries only machine-readable events.
  const logger = pino(
    {
      level: config.logLevel,
      base: { service: 'voxgate' },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["x-amz-security-token"]',
          '*.secretAccessKey',
          '*.token',
        ],
        censor: '[redacted]',
      },
    },
    pino.destination({ fd: 2, sync: false }),
  );
  const runtime = await openRuntime(config, logger);
  for (const step of runtime.migrations.applied)
    logger.info({ migration: step }, 'migration applied');

  const first = await ensureFirstStart(runtime.adminToken, runtime.accessKeys);
  if (first.created) announceFirstStart(first.created, config.dataDir);

  const app = await buildServer({
    logger,
    accessKeys: runtime.accessKeys,
    adminToken: runtime.adminToken,
    identityStore: runtime.identityStore,
    speechAccounts: runtime.speechAccounts,
    awsServices: [
      identityStoreService(runtime.identityStore),
      voiceIdService(runtime.voiceId, runtime.voiceIdPeople, runtime.voiceIdJobs),
    ],
    readiness: [{ name: 'storage', check: () => runtime.credentialStore.ping() }],
    limits: config,
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    { port, host: config.host, storage: runtime.storage.description, dataDir: config.dataDir },
    'listening',
  );
  runtime.reencryption.start();
  runtime.jobRunner.start();
  process.stdout.write(`${JSON.stringify({ event: 'listening', port })}\n`);

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    closing = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const timer = setTimeout(() => {
      logger.error(
        { timeoutMs: config.shutdownTimeoutMs },
        'shutdown timed out: exiting with requests unfinished',
      );
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    void app
      .close()
      .then(() => runtime.close())
      .then(() => {
        logger.info('stopped');
        logger.flush();
        process.exit(0);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/**
 * Secrets are shown once, on an interactive terminal only: a service manager or CI captures
 * stderr into logs, and secrets never belong in logs. They stay retrievable with
 * `voxgate admin credentials`.
 */
function announceFirstStart(
  created: { adminToken: string; accessKey: { accessKeyId: string; secretAccessKey: string } },
  dataDir: string,
): void {
  const retrieve = `voxgate admin credentials --data-dir ${dataDir}`;
  if (process.stderr.isTTY) {
    process.stderr.write(
      [
        '',
        'First start: generated credentials (shown once; retrieve again with `' + retrieve + '`)',
        `  admin token:           ${created.adminToken}`,
        `  AWS access key id:     ${created.accessKey.accessKeyId}`,
        `  AWS secret access key: ${created.accessKey.secretAccessKey}`,
        '',
      ].join('\n') + '\n',
    );
  } else {
    process.stderr.write(
      `First start: generated an admin token and an access key pair; show them with \`${retrieve}\`\n`,
    );
  }
}
