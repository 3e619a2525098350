import type { Command } from 'commander';
import { createApp, defaultLogger } from '../app.js';
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
  const logger = defaultLogger(config);
  const { server, runtime, firstStart } = await createApp(config, { logger });
  if (firstStart.created) announceFirstStart(firstStart.created, config.dataDir);
  await server.listen({ port: config.port, host: config.host });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    { port, host: config.host, storage: runtime.storage.description, dataDir: config.dataDir },
    'listening',
  );
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
    void server.close().then(() => {
      logger.info('stopped');
      (logger as { flush?: () => void }).flush?.();
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
