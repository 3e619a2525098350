/**
 * The composition root: everything `voxgate serve` runs, built from one Config — storage,
 * credentials, keys, the domains, the speech engine, the background workers and every front
 * door — and closed in order by `server.close()`. `voxgate serve` is createApp + listen +
 * signals; tests build the same app in-process on port 0.
 *
 * ### Examples
 * ```ts
 * const { server } = await createApp(loadConfig({ flags: { dataDir }, env: {} }));
 * await server.listen({ port: 0, host: '127.0.0.1' });
 * await server.close(); // requests finish, workers stop, engines and storage close
 * ```
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import pino from 'pino';
import { DEFAULT_FETCH_POLICY, DEFAULT_FFMPEG_TIMEOUT_MS } from './audio/index.js';
import type { Config } from './config/index.js';
import { ensureFirstStart, type FirstStart } from './credentials/index.js';
import { LazyAsrEngine, type AsrEngine } from './engines/index.js';
import { loadSpeakerModel, type SpeakerModel } from './engines/speaker/index.js';
import { loadSpoofingModel, type SpoofingModel } from './engines/spoofing/index.js';
import { catalog, voxError } from './errors/index.js';
import { STREAM_TRACKS, type StreamTracks } from './protocols/voiceid-stream/index.js';
import {
  CallStreams,
  SessionCheckpoints,
  SessionEnrollment,
  VoiceIdSessionEvaluator,
  VoiceprintBook,
  VoiceIdBatchJobHandler,
  type SpoofingDetector,
} from './voiceid/index.js';
import { loadPronunciationModel } from './engines/pronunciation/index.js';
import { StressDictionary, type ScriptedAssessmentDeps } from './speech/scripted/index.js';
import { identityStoreService } from './protocols/aws-json/identitystore/identitystore-service.js';
import { voiceIdService } from './protocols/aws-json/voiceid/voiceid-service.js';
import type { StreamSettings } from './protocols/speech/speech-websocket.js';
import { openRuntime, type Runtime } from './runtime/open-runtime.js';
import {
  ServerInstance,
  newInstanceId,
  type ServerInstanceOptions,
} from './runtime/server-instance.js';
import { buildServer } from './server.js';
import { JobQueue } from './jobs/index.js';
import { SpeechJobHandler, SpeechJobs } from './speech/jobs/index.js';
import {
  JobQueueRepository,
  SPEECH_JOB_KIND,
  ServerInstancesRepository,
  SpeechJobsRepository,
  VOICEID_BATCH_JOB_KIND,
  VOICEID_REENCRYPT_JOB_KIND,
} from './storage/index.js';

/** What a caller may put in place of the defaults (tests: a fake engine, short timeouts). */
export interface AppOverrides {
  /** Default: JSON lines on stderr (pino) at `config.logLevel`, secrets redacted. */
  readonly logger?: FastifyBaseLogger;
  /** Default: the pocketsphinx worker pool, started on first use (or at once: asrPreload). */
  readonly asr?: AsrEngine;
  readonly instance?: ServerInstanceOptions;
  readonly stream?: Partial<StreamSettings>;
  /** Default: models/speaker, loaded at start. */
  readonly speakerModel?: SpeakerModel;
  /** Default: the detector of models/spoofing (VoiceSpoofingRisk), loaded at start. */
  readonly spoofing?: SpoofingDetector;
}

export interface VoxgateApp {
  /** The Fastify app; `close()` closes everything createApp opened, in order. */
  readonly server: FastifyInstance;
  /** Storage and the domain services the app runs on. */
  readonly runtime: Runtime;
  /** Credentials generated because this is the data directory's first start (to show once). */
  readonly firstStart: FirstStart;
}

/** The server's logger: JSON lines on stderr; stdout carries only machine-readable events. */
export function defaultLogger(config: Config): FastifyBaseLogger {
  return pino(
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
}

export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<VoxgateApp> {
  const logger = overrides.logger ?? defaultLogger(config);
  const instanceId = newInstanceId();
  let queue: JobQueue | undefined;
  const runtime = await openRuntime(config, logger, {
    instanceId,
    wakeJobs: () => queue?.kick(),
  });
  try {
    const jobQueue = new JobQueue(new JobQueueRepository(runtime.storage), instanceId, logger, {
      leaseMs: config.jobLeaseMs,
    });
    queue = jobQueue;
    for (const step of runtime.migrations.applied)
      logger.info({ migration: step }, 'migration applied');
    const firstStart = await ensureFirstStart(runtime.adminToken, runtime.accessKeys);
    // Registered before the first request, so its requests' holds always name a live instance.
    const instance = new ServerInstance(
      instanceId,
      new ServerInstancesRepository(runtime.storage),
      [
        () => runtime.speechAccounts.releaseUnheldReservations(),
        () => new JobQueueRepository(runtime.storage).releaseOrphanedLeases(Date.now()),
        () => runtime.voiceIdStores.sessions.endOrphanedStreams(Date.now()),
      ],
      logger,
      overrides.instance,
    );
    await instance.register();

    const lazyAsr =
      overrides.asr === undefined
        ? new LazyAsrEngine({
            workers: config.asrWorkers,
            deadlineMs: config.asrDeadlineMs,
            maxQueue: config.asrMaxQueue,
            logger: { warn: (fields, message) => logger.warn(fields, message) },
          })
        : null;
    const asr: AsrEngine = overrides.asr ?? lazyAsr!;
    // What every scripted assessment runs on: the engine, the calibrated model and one cache of
    // the prompts' expected stress, shared by REST, the WebSocket and async jobs.
    const scripted: ScriptedAssessmentDeps = {
      engine: asr,
      model: loadPronunciationModel(),
      stress: new StressDictionary(),
    };
    const speechJobsRepo = new SpeechJobsRepository(runtime.storage);
    const retentionMs = config.jobRetentionHours * 3600_000;
    jobQueue.register(
      SPEECH_JOB_KIND,
      new SpeechJobHandler(
        {
          repo: speechJobsRepo,
          accounts: runtime.speechAccounts,
          scripted,
          log: logger,
        },
        { engineDeadlineMs: config.asrDeadlineMs, keepAudio: config.speechJobKeepAudio },
      ),
      {
        concurrency: config.speechJobConcurrency,
        retentionMs,
        onPurge: (ids) => speechJobsRepo.delete(ids),
      },
    );
    jobQueue.register(VOICEID_REENCRYPT_JOB_KIND, runtime.voiceIdJobHandlers.reencrypt, {
      concurrency: 1,
      retentionMs,
    });
    const voice = await voiceIdRecognition(config, runtime, overrides, instanceId, logger);
    jobQueue.register(
      VOICEID_BATCH_JOB_KIND,
      new VoiceIdBatchJobHandler({
        jobs: runtime.voiceIdStores.jobs,
        domains: runtime.voiceIdStores.domains,
        people: runtime.voiceIdStores.people,
        blobs: runtime.blobs,
        book: voice.book,
        log: logger,
        speechSeconds: config.voiceIdEnrollmentSpeechSeconds,
      }),
      { concurrency: 1, retentionMs },
    );

    const speechJobs = new SpeechJobs(speechJobsRepo, runtime.speechAccounts, () =>
      jobQueue.kick(),
    );

    const server = await buildServer({
      logger,
      accessKeys: runtime.accessKeys,
      adminToken: runtime.adminToken,
      identityStore: runtime.identityStore,
      speechAccounts: runtime.speechAccounts,
      awsServices: [
        identityStoreService(runtime.identityStore),
        voiceIdService(
          runtime.voiceId,
          runtime.voiceIdPeople,
          runtime.voiceIdJobs,
          runtime.voiceIdSessions,
          { publicStreamUrl: config.voiceIdStreamUrl, evaluator: voice.evaluator },
        ),
      ],
      voiceIdStreams: {
        streams: voice.streams,
        idleMs: config.voiceIdStreamIdleSeconds * 1000,
        tracks: voice.tracks,
      },
      speech: {
        scripted,
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
        ...(overrides.stream && { stream: overrides.stream }),
      },
      readiness: [
        { name: 'storage', check: () => runtime.credentialStore.ping() },
        // Only once started: a lazily started engine must not be spawned by a health probe.
        {
          name: 'speech-engine',
          check: () => (lazyAsr === null || lazyAsr.started ? asr.ping() : Promise.resolve()),
        },
      ],
      limits: config,
    });

    // Background work starts once the app is ready (listen or inject), after the sweep that
    // gives back what a killed previous run of this server held.
    server.addHook('onReady', async () => {
      await instance.sweep();
      instance.start();
      if (config.asrPreload) lazyAsr?.start();
      jobQueue.start();
    });
    // Root onClose hooks run after the doors' own (open WebSocket streams settle first).
    // Jobs in progress finish (or fail) before the engine they use closes, and everything that
    // writes is done before the registry and storage close.
    server.addHook('onClose', async () => {
      await jobQueue.stop();
      await instance.stop();
      await asr.close();
      await runtime.close();
    });
    return { server, runtime, firstStart };
  } catch (e) {
    await runtime.close();
    throw e;
  }
}

/**
 * What recognises voices in Voice ID sessions: the speaker model, the voiceprints, the call
 * streams' checkpoints, enrollment from a session and EvaluateSession.
 */
async function voiceIdRecognition(
  config: Config,
  runtime: Runtime,
  overrides: AppOverrides,
  instanceId: string,
  logger: FastifyBaseLogger,
): Promise<{
  streams: CallStreams;
  evaluator: VoiceIdSessionEvaluator;
  tracks: StreamTracks;
  book: VoiceprintBook;
}> {
  const tracks = config.voiceIdStreamTracks as StreamTracks;
  if (!STREAM_TRACKS.includes(tracks))
    throw voxError(catalog.InvalidConfiguration, {
      key: 'voiceIdStreamTracks',
      origin: 'configuration',
      detail: `must be one of ${STREAM_TRACKS.join(', ')}, got ${JSON.stringify(config.voiceIdStreamTracks)}`,
    });
  const model = overrides.speakerModel ?? (await loadSpeakerModel());
  const stores = runtime.voiceIdStores;
  const book = new VoiceprintBook(model, runtime.voiceDataVault, stores.people);
  const checkpoints = new SessionCheckpoints(
    stores.sessions,
    runtime.voiceDataVault,
    model.version,
  );
  const enrollment = new SessionEnrollment(stores.sessions, stores.domains, checkpoints, book, {
    speechSeconds: config.voiceIdEnrollmentSpeechSeconds,
  });
  runtime.voiceIdSessions.useEnrollment(enrollment);
  const streams = new CallStreams({
    sessions: stores.sessions,
    domains: stores.domains,
    checkpoints,
    book,
    enrollment,
    spoofing: overrides.spoofing ?? spoofingDetector(await loadSpoofingModel()),
    owner: instanceId,
    log: logger,
  });
  const evaluator = new VoiceIdSessionEvaluator(
    runtime.voiceIdSessions,
    stores.sessions,
    stores.people,
    checkpoints,
    book,
  );
  return { streams, evaluator, tracks, book };
}

/** The spoofing model as the call streams use it: a risk once there is speech to rest on. */
function spoofingDetector(model: SpoofingModel): SpoofingDetector {
  return {
    createAccumulator: () => {
      const acc = model.createAccumulator();
      return {
        push: (samples) => acc.push(samples),
        riskScore: () => {
          const r = acc.result();
          return r.speechSeconds > 0 ? r.riskScore : undefined;
        },
      };
    },
  };
}
