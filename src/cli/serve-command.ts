import type { Command } from 'commander';
import pino from 'pino';
import { ensureFirstStart } from '../credentials/index.js';
import { openRuntime } from '../runtime/open-runtime.js';
import { ServerInstance, newInstanceId } from '../runtime/server-instance.js';
import { voiceIdService } from '../protocols/aws-json/voiceid/voiceid-service.js';
import { identityStoreService } from '../protocols/aws-json/identitystore/identitystore-service.js';
import { buildServer } from '../server.js';
import { DEFAULT_FETCH_POLICY, DEFAULT_FFMPEG_TIMEOUT_MS } from '../audio/index.js';
import { LazyAsrEngine } from '../engines/index.js';
import { loadPronunciationModel } from '../engines/pronunciation/index.js';
import { SpeechJobRunner, SpeechJobs } from '../speech/jobs/index.js';
import { ServerInstancesRepository, SpeechJobsRepository } from '../storage/index.js';
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
  const instanceId = newInstanceId();
  const runtime = await openRuntime(config, logger, { instanceId });
  for (const step of runtime.migrations.applied)
    logger.info({ migration: step }, 'migration applied');
  // Registered before the first request, so its holds always name a live instance.
  const instance = new ServerInstance(
    instanceId,
    new ServerInstancesRepository(runtime.storage),
    [() => runtime.speechAccounts.releaseUnheldReservations()],
    logger,
  );
  await instance.register();

  const first = await ensureFirstStart(runtime.adminToken, runtime.accessKeys);
  if (first.created) announceFirstStart(first.created, config.dataDir);

  const pronunciationModel = loadPronunciationModel();
  const asr = new LazyAsrEngine({
    workers: config.asrWorkers,
    deadlineMs: config.asrDeadlineMs,
    maxQueue: config.asrMaxQueue,
    logger: { warn: (fields, message) => logger.warn(fields, message) },
  });
  // Async scoring jobs need the engine, which lives here rather than in the runtime.
  const speechJobsRepo = new SpeechJobsRepository(runtime.storage);
  const speechJobRunner = new SpeechJobRunner(
    {
      repo: speechJobsRepo,
      accounts: runtime.speechAccounts,
      engine: asr,
      model: pronunciationModel,
      log: logger,
    },
    {
      concurrency: config.speechJobConcurrency,
      engineDeadlineMs: config.asrDeadlineMs,
      leaseMs: config.speechJobLeaseMs,
      keepAudio: config.speechJobKeepAudio,
    },
  );
  const speechJobs = new SpeechJobs(speechJobsRepo, runtime.speechAccounts, () =>
    speechJobRunner.kick(),
  );
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
    speech: {
      engine: asr,
      model: pronunciationModel,
      jobs: speechJobs,
      limits: {
        maxAudioBytes: config.speechMaxAudioBytes,
        maxAudioSeconds: config.speechMaxAudioSeconds,
        syncMaxSeconds: config.speechSyncMaxSeconds,
        engineDeadlineMs: config.asrDeadlineMs,
        ffmpegTimeoutMs: DEFAULT_FFMPEG_TIMEOUT_MS,
      },
      fetchPolicy: {
        ...DEFAULT_FETCH_POLICY,
        allow: config.speechAudioUrlAllow
          .split(',')
          .map((a) => a.trim())
          .filter((a) => a.length > 0),
      },
    },
    readiness: [
      { name: 'storage', check: () => runtime.credentialStore.ping() },
      // Only once started: a lazily started engine must not be spawned by a health probe.
      { name: 'speech-engine', check: () => (asr.started ? asr.ping() : Promise.resolve()) },
    ],
    limits: config,
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    { port, host: config.host, storage: runtime.storage.description, dataDir: config.dataDir },
    'listening',
  );
  if (config.asrPreload) asr.start();
  // A previous run of this server killed mid-request gave back its minute holds here.
  await instance.sweep();
  instance.start();
  runtime.reencryption.start();
  runtime.jobRunner.start();
  speechJobRunner.start();
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
      // Jobs in progress finish (or fail) before the engine they use is closed.
      .then(() => speechJobRunner.stop())
      .then(() => instance.stop())
      .then(() => asr.close())
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
