/**
 * Every configuration option, defined once: its type, default (with the unit in the name), the
 * flag and environment variable that set it, and what it means. `loadConfig` reads defaults,
 * then the optional JSON file, then the environment, then flags; docs/configuration.md is
 * generated from this table.
 */
import os from 'node:os';
import path from 'node:path';

export type OptionType = 'int' | 'string' | 'bool' | 'log-level';

export interface OptionSpec {
  readonly type: OptionType;
  readonly flag: string;
  readonly env: string;
  /** A function when the default depends on other options or the environment. */
  readonly default:
    | string
    | number
    | ((partial: Readonly<Record<string, unknown>>) => string | number | undefined)
    | undefined;
  readonly defaultText: string;
  readonly description: string;
  readonly min?: number;
  readonly max?: number;
  /** Strings only: whether '' is a valid value (lists that may be empty). */
  readonly allowEmpty?: boolean;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The default data directory: `$VOXGATE_DATA_DIR`, else `$XDG_DATA_HOME/voxgate`, else `~/.local/share/voxgate`. */
export function defaultDataDir(): string {
  const xdg = process.env.XDG_DATA_HOME;
  return path.join(
    xdg && xdg.length > 0 ? xdg : path.join(os.homedir(), '.local', 'share'),
    'voxgate',
  );
}

export const CONFIG_OPTIONS = {
  port: {
    type: 'int',
    flag: '--port <n>',
    env: 'VOXGATE_PORT',
    default: 8080,
    defaultText: '8080',
    min: 0,
    max: 65535,
    description:
      'TCP port to listen on; 0 picks a free port (the `listening` line on stdout tells which).',
  },
  host: {
    type: 'string',
    flag: '--host <address>',
    env: 'VOXGATE_HOST',
    default: '127.0.0.1',
    defaultText: '127.0.0.1',
    description: 'Address to listen on; `0.0.0.0` to accept connections from other machines.',
  },
  dataDir: {
    type: 'string',
    flag: '--data-dir <dir>',
    env: 'VOXGATE_DATA_DIR',
    default: () => defaultDataDir(),
    defaultText: '`$XDG_DATA_HOME/voxgate` or `~/.local/share/voxgate`',
    description:
      'Directory for the SQLite database, the master key and local blobs; created if missing.',
  },
  databaseUrl: {
    type: 'string',
    flag: '--database-url <url>',
    env: 'VOXGATE_DATABASE_URL',
    default: (p) => `sqlite:${path.join(String(p.dataDir), 'voxgate.db')}`,
    defaultText: '`sqlite:<data-dir>/voxgate.db`',
    description:
      'Storage: `sqlite:<path>` (embedded, WAL) or `postgres://user@host:port/database`.',
  },
  blobDir: {
    type: 'string',
    flag: '--blob-dir <dir>',
    env: 'VOXGATE_BLOB_DIR',
    default: (p) => path.join(String(p.dataDir), 'blobs'),
    defaultText: '`<data-dir>/blobs`',
    description:
      'The embedded blob store (blobBackend local): `s3://bucket/key` is the file `<blob-dir>/bucket/key` (Voice ID job manifests, audio, outputs).',
  },
  blobBackend: {
    type: 'string',
    flag: '--blob-backend <backend>',
    env: 'VOXGATE_BLOB_BACKEND',
    default: 'local',
    defaultText: 'local',
    description:
      'Where `s3://bucket/key` URIs resolve: `local` (files under blobDir) or `s3` (the object in an S3-compatible service: s3Endpoint, s3Region, s3AccessKeyId, s3SecretAccessKey).',
  },
  s3Endpoint: {
    type: 'string',
    flag: '--s3-endpoint <url>',
    env: 'VOXGATE_S3_ENDPOINT',
    default: undefined,
    defaultText: '(Amazon S3 in s3Region)',
    description:
      "With blobBackend s3: the service's URL, e.g. `http://127.0.0.1:9000` (MinIO, Ceph, moto); unset for Amazon S3 itself. No credentials in the URL.",
  },
  s3Region: {
    type: 'string',
    flag: '--s3-region <region>',
    env: 'VOXGATE_S3_REGION',
    default: 'us-east-1',
    defaultText: 'us-east-1',
    description:
      'With blobBackend s3: the region S3 requests are signed for (S3-compatible services mostly accept any).',
  },
  s3AccessKeyId: {
    type: 'string',
    flag: '--s3-access-key-id <id>',
    env: 'VOXGATE_S3_ACCESS_KEY_ID',
    default: undefined,
    defaultText: '(the AWS default credential chain)',
    description:
      'With blobBackend s3: the access key id, set together with s3SecretAccessKey; with neither, the AWS default chain (AWS_ACCESS_KEY_ID, ~/.aws, instance roles).',
  },
  s3SecretAccessKey: {
    type: 'string',
    flag: '--s3-secret-access-key <secret>',
    env: 'VOXGATE_S3_SECRET_ACCESS_KEY',
    default: undefined,
    defaultText: '(the AWS default credential chain)',
    description:
      "With blobBackend s3: the secret of s3AccessKeyId. Never logged nor shown in errors; give it by environment variable or config file rather than by flag (other users can see a process's flags).",
  },
  s3ForcePathStyle: {
    type: 'bool',
    flag: '--s3-force-path-style <bool>',
    env: 'VOXGATE_S3_FORCE_PATH_STYLE',
    default: (p) => (p.s3Endpoint === undefined ? 'false' : 'true'),
    defaultText: 'true when s3Endpoint is set, else false',
    description:
      'With blobBackend s3: address objects as `<endpoint>/<bucket>/<key>` (path style, what most S3-compatible services need) rather than `<bucket>.<endpoint>/<key>`.',
  },
  masterKey: {
    type: 'string',
    flag: '--master-key <base64>',
    env: 'VOXGATE_MASTER_KEY',
    default: undefined,
    defaultText: 'generated into `<data-dir>/master.key`',
    description:
      'Base64 of 32 bytes sealing stored secrets (access key secrets, admin token). Give every node of one deployment the same key.',
  },
  logLevel: {
    type: 'log-level',
    flag: '--log-level <level>',
    env: 'VOXGATE_LOG_LEVEL',
    default: 'info',
    defaultText: 'info',
    description: `Log level of the JSON logs on stderr: ${LOG_LEVELS.join(', ')}.`,
  },
  maxAwsBodyBytes: {
    type: 'int',
    flag: '--max-aws-body-bytes <n>',
    env: 'VOXGATE_MAX_AWS_BODY_BYTES',
    default: 1_048_576,
    defaultText: '1048576 (1 MiB)',
    min: 1024,
    description:
      'Largest request body of the AWS JSON APIs; larger bodies are refused with RequestEntityTooLargeException.',
  },
  maxAdminBodyBytes: {
    type: 'int',
    flag: '--max-admin-body-bytes <n>',
    env: 'VOXGATE_MAX_ADMIN_BODY_BYTES',
    default: 65_536,
    defaultText: '65536',
    min: 1024,
    description: 'Largest request body of the admin API.',
  },
  sigv4ClockSkewSeconds: {
    type: 'int',
    flag: '--sigv4-clock-skew-seconds <n>',
    env: 'VOXGATE_SIGV4_CLOCK_SKEW_SECONDS',
    default: 300,
    defaultText: '300',
    min: 1,
    max: 86_400,
    description: "How far a signed request's x-amz-date may be from the server's clock.",
  },
  requestTimeoutMs: {
    type: 'int',
    flag: '--request-timeout-ms <n>',
    env: 'VOXGATE_REQUEST_TIMEOUT_MS',
    default: 120_000,
    defaultText: '120000',
    min: 1000,
    description: 'A request that has not been received completely within this time is cut off.',
  },
  socketIdleTimeoutMs: {
    type: 'int',
    flag: '--socket-idle-timeout-ms <n>',
    env: 'VOXGATE_SOCKET_IDLE_TIMEOUT_MS',
    default: 60_000,
    defaultText: '60000',
    min: 1000,
    description:
      'A connection on which nothing moves for this long is closed (stalled or abandoned clients).',
  },
  awsRegion: {
    type: 'string',
    flag: '--aws-region <region>',
    env: 'VOXGATE_AWS_REGION',
    default: 'us-east-1',
    defaultText: 'us-east-1',
    description:
      'Region in the ARNs Voxgate issues (Voice ID domains, KMS keys). Requests are accepted signed for any region.',
  },
  awsAccountId: {
    type: 'string',
    flag: '--aws-account-id <id>',
    env: 'VOXGATE_AWS_ACCOUNT_ID',
    default: '000000000000',
    defaultText: '000000000000',
    description: 'Twelve-digit account id in the ARNs Voxgate issues.',
  },
  voiceIdMaxTags: {
    type: 'int',
    flag: '--voiceid-max-tags <n>',
    env: 'VOXGATE_VOICEID_MAX_TAGS',
    default: 50,
    defaultText: '50',
    min: 1,
    max: 200,
    description: 'Tags per Voice ID domain.',
  },
  voiceIdStreamUrl: {
    type: 'string',
    flag: '--voiceid-stream-url <url>',
    env: 'VOXGATE_VOICEID_STREAM_URL',
    default: undefined,
    defaultText: '(ws:// or wss:// at the address StartSession was called on)',
    description:
      'The public base of the stream URLs StartSession answers, e.g. `wss://voice.example.com` behind a TLS proxy; call platforms connect there.',
  },
  voiceIdStreamTokenTtlSeconds: {
    type: 'int',
    flag: '--voiceid-stream-token-ttl-seconds <n>',
    env: 'VOXGATE_VOICEID_STREAM_TOKEN_TTL_SECONDS',
    default: 300,
    defaultText: '300',
    min: 5,
    description: 'How long the stream URL of a StartSession accepts its stream.',
  },
  voiceIdMaxActiveSessions: {
    type: 'int',
    flag: '--voiceid-max-active-sessions <n>',
    env: 'VOXGATE_VOICEID_MAX_ACTIVE_SESSIONS',
    default: 50,
    defaultText: '50',
    min: 1,
    description:
      "Voice ID sessions per domain with a stream pending or running (Amazon Connect's quota for 1,000 calls an hour); StartSession beyond it is ServiceQuotaExceededException.",
  },
  voiceIdStreamIdleSeconds: {
    type: 'int',
    flag: '--voiceid-stream-idle-seconds <n>',
    env: 'VOXGATE_VOICEID_STREAM_IDLE_SECONDS',
    default: 30,
    defaultText: '30',
    min: 1,
    max: 3600,
    description:
      'A call stream that sends nothing for this long is closed (VoiceIdStreamIdle) and its session ENDED; what it had sent is kept.',
  },
  voiceIdStreamTracks: {
    type: 'string',
    flag: '--voiceid-stream-tracks <tracks>',
    env: 'VOXGATE_VOICEID_STREAM_TRACKS',
    default: 'inbound',
    defaultText: 'inbound',
    description:
      'Which tracks of a Twilio Media Stream are the customer: `inbound` (the caller, as Twilio names it), `outbound` or `both` (mixed). Other tracks are ignored.',
  },
  voiceIdEnrollmentSpeechSeconds: {
    type: 'int',
    flag: '--voiceid-enrollment-speech-seconds <n>',
    env: 'VOXGATE_VOICEID_ENROLLMENT_SPEECH_SECONDS',
    default: 30,
    defaultText: '30',
    min: 10,
    max: 600,
    description:
      "Net speech a session enrollment (EnrollBySession) needs before the voiceprint is made (Voice ID's: 30 s).",
  },
  voiceIdReencryptBatchSize: {
    type: 'int',
    flag: '--voiceid-reencrypt-batch-size <n>',
    env: 'VOXGATE_VOICEID_REENCRYPT_BATCH_SIZE',
    default: 100,
    defaultText: '100',
    min: 1,
    description: 'Voice data records re-encrypted per batch after a domain key change.',
  },
  voiceIdReencryptPauseMs: {
    type: 'int',
    flag: '--voiceid-reencrypt-pause-ms <n>',
    env: 'VOXGATE_VOICEID_REENCRYPT_PAUSE_MS',
    default: 0,
    defaultText: '0',
    min: 0,
    description: 'Pause between re-encryption batches (throttles the background work).',
  },
  identityStoreAutoCreate: {
    type: 'bool',
    flag: '--identitystore-auto-create <bool>',
    env: 'VOXGATE_IDENTITYSTORE_AUTO_CREATE',
    default: 'false',
    defaultText: 'false',
    description:
      'Create an unknown `d-` identity store on first use (as moto and LocalStack do) instead of answering ResourceNotFoundException.',
  },
  identityStoreUniqueEmails: {
    type: 'bool',
    flag: '--identitystore-unique-emails <bool>',
    env: 'VOXGATE_IDENTITYSTORE_UNIQUE_EMAILS',
    default: 'true',
    defaultText: 'true',
    description:
      "Whether a user's emails.value must be unique in its identity store (case-insensitive).",
  },
  identityStoreUpdateRetries: {
    type: 'int',
    flag: '--identitystore-update-retries <n>',
    env: 'VOXGATE_IDENTITYSTORE_UPDATE_RETRIES',
    default: 20,
    defaultText: '20',
    min: 0,
    max: 100,
    description:
      'How often an update that lost an optimistic-concurrency race is re-applied before ConflictException CONCURRENT_MODIFICATION.',
  },
  identityStoreMaxUsers: {
    type: 'int',
    flag: '--identitystore-max-users <n>',
    env: 'VOXGATE_IDENTITYSTORE_MAX_USERS',
    default: 1_000_000,
    defaultText: '1000000',
    min: 1,
    description: 'Users per identity store (ServiceQuotaExceededException beyond).',
  },
  identityStoreMaxGroups: {
    type: 'int',
    flag: '--identitystore-max-groups <n>',
    env: 'VOXGATE_IDENTITYSTORE_MAX_GROUPS',
    default: 100_000,
    defaultText: '100000',
    min: 1,
    description: 'Groups per identity store.',
  },
  identityStoreMaxGroupsPerUser: {
    type: 'int',
    flag: '--identitystore-max-groups-per-user <n>',
    env: 'VOXGATE_IDENTITYSTORE_MAX_GROUPS_PER_USER',
    default: 1000,
    defaultText: '1000',
    min: 1,
    description: 'Group memberships per user.',
  },
  asrWorkers: {
    type: 'int',
    flag: '--asr-workers <n>',
    env: 'VOXGATE_ASR_WORKERS',
    default: () => Math.max(2, os.availableParallelism()),
    defaultText: 'the number of CPU cores (at least 2)',
    min: 1,
    max: 256,
    description:
      'Speech engine worker processes (pocketsphinx, ~60 MB each). A scripted request uses two at once (alignment and phone loop).',
  },
  asrPreload: {
    type: 'bool',
    flag: '--asr-preload <bool>',
    env: 'VOXGATE_ASR_PRELOAD',
    default: 'true',
    defaultText: 'true',
    description:
      'Start the speech engine workers when the server starts (true) or on the first speech request (false).',
  },
  asrDeadlineMs: {
    type: 'int',
    flag: '--asr-deadline-ms <n>',
    env: 'VOXGATE_ASR_DEADLINE_MS',
    default: 30_000,
    defaultText: '30000',
    min: 100,
    description:
      'How long one engine call may take before it fails with ASRSocketTimeout and its worker is replaced.',
  },
  asrMaxQueue: {
    type: 'int',
    flag: '--asr-max-queue <n>',
    env: 'VOXGATE_ASR_MAX_QUEUE',
    default: 256,
    defaultText: '256',
    min: 1,
    description:
      'Engine calls that may wait for a worker; beyond it calls fail at once (back-pressure).',
  },
  speechMaxAudioBytes: {
    type: 'int',
    flag: '--speech-max-audio-bytes <n>',
    env: 'VOXGATE_SPEECH_MAX_AUDIO_BYTES',
    default: 20 * 1024 * 1024,
    defaultText: '20971520 (20 MiB)',
    min: 1024,
    description:
      'Largest audio file, uploaded or fetched from audio_path (AudioTooLong beyond it).',
  },
  speechMaxAudioSeconds: {
    type: 'int',
    flag: '--speech-max-audio-seconds <n>',
    env: 'VOXGATE_SPEECH_MAX_AUDIO_SECONDS',
    default: 150,
    defaultText: '150',
    min: 1,
    max: 3600,
    description: 'Longest audio in any mode: async jobs and streams (AudioTooLong beyond it).',
  },
  speechSyncMaxSeconds: {
    type: 'int',
    flag: '--speech-sync-max-seconds <n>',
    env: 'VOXGATE_SPEECH_SYNC_MAX_SECONDS',
    default: 45,
    defaultText: '45',
    min: 1,
    max: 3600,
    description:
      'Longest audio scored in sync mode; longer audio is AudioTooBigForSync (use mode=async or the WebSocket).',
  },
  speechAudioUrlAllow: {
    type: 'string',
    flag: '--speech-audio-url-allow <list>',
    env: 'VOXGATE_SPEECH_AUDIO_URL_ALLOW',
    default: '',
    allowEmpty: true,
    defaultText: '(none: public addresses only)',
    description:
      'Comma-separated private, loopback or link-local addresses, CIDRs or host names that audio_path may fetch from (e.g. 127.0.0.1/32,10.0.0.0/8).',
  },
  speechJobConcurrency: {
    type: 'int',
    flag: '--speech-job-concurrency <n>',
    env: 'VOXGATE_SPEECH_JOB_CONCURRENCY',
    default: (p) => Math.max(1, Math.floor(Number(p.asrWorkers) / 2)),
    defaultText: 'half of asrWorkers (at least 1)',
    min: 1,
    max: 256,
    description:
      'Async scoring jobs (mode=async) one server scores at once; each uses two engine workers at a time, and the rest of the workers stay free for sync requests.',
  },
  speechJobLeaseMs: {
    type: 'int',
    flag: '--speech-job-lease-ms <n>',
    env: 'VOXGATE_SPEECH_JOB_LEASE_MS',
    default: 60_000,
    defaultText: '60000',
    min: 1000,
    description: 'The older name of jobLeaseMs (its default).',
  },
  jobLeaseMs: {
    type: 'int',
    flag: '--job-lease-ms <n>',
    env: 'VOXGATE_JOB_LEASE_MS',
    default: (p) => Number(p.speechJobLeaseMs),
    defaultText: 'speechJobLeaseMs (60000)',
    min: 1000,
    description:
      'How long a running job of the job queue (async scoring, Voice ID batch jobs, re-encryption) is held by its server without renewal (renewed every third of it). A server that dies gives up its jobs at once when it or another server on the same host starts again, otherwise once its lease has passed.',
  },
  jobRetentionHours: {
    type: 'int',
    flag: '--job-retention-hours <n>',
    env: 'VOXGATE_JOB_RETENTION_HOURS',
    default: 168,
    defaultText: '168 (7 days)',
    min: 1,
    description:
      'How long finished jobs are kept: an async scoring job (and its result) is deleted this long after it ended (its result link then answers SpeechJobNotFound); Voice ID jobs stay listed, only their execution records go.',
  },
  speechJobKeepAudio: {
    type: 'bool',
    flag: '--speech-job-keep-audio <bool>',
    env: 'VOXGATE_SPEECH_JOB_KEEP_AUDIO',
    default: 'false',
    defaultText: 'false',
    description:
      "Keep an async job's audio (16-bit PCM in the database) after the job ends; by default it is deleted as soon as the result or error is stored.",
  },
  shutdownTimeoutMs: {
    type: 'int',
    flag: '--shutdown-timeout-ms <n>',
    env: 'VOXGATE_SHUTDOWN_TIMEOUT_MS',
    default: 30_000,
    defaultText: '30000',
    min: 0,
    description:
      'On SIGTERM/SIGINT, how long in-flight requests may take to finish before the process exits anyway.',
  },
} as const satisfies Record<string, OptionSpec>;

export type ConfigKey = keyof typeof CONFIG_OPTIONS;

/** The effective configuration, frozen at start-up. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string;
  readonly blobDir: string;
  /** `local` or `s3`; checked when the blob store is opened (openBlobStore). */
  readonly blobBackend: string;
  readonly s3Endpoint: string | undefined;
  readonly s3Region: string;
  readonly s3AccessKeyId: string | undefined;
  readonly s3SecretAccessKey: string | undefined;
  readonly s3ForcePathStyle: boolean;
  readonly masterKey: string | undefined;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly maxAwsBodyBytes: number;
  readonly maxAdminBodyBytes: number;
  readonly sigv4ClockSkewSeconds: number;
  readonly requestTimeoutMs: number;
  readonly socketIdleTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  readonly awsRegion: string;
  readonly awsAccountId: string;
  readonly voiceIdMaxTags: number;
  readonly voiceIdStreamUrl: string | undefined;
  readonly voiceIdStreamTokenTtlSeconds: number;
  readonly voiceIdMaxActiveSessions: number;
  readonly voiceIdStreamIdleSeconds: number;
  readonly voiceIdStreamTracks: string;
  readonly voiceIdEnrollmentSpeechSeconds: number;
  readonly voiceIdReencryptBatchSize: number;
  readonly voiceIdReencryptPauseMs: number;
  readonly identityStoreAutoCreate: boolean;
  readonly identityStoreUniqueEmails: boolean;
  readonly identityStoreUpdateRetries: number;
  readonly identityStoreMaxUsers: number;
  readonly identityStoreMaxGroups: number;
  readonly identityStoreMaxGroupsPerUser: number;
  readonly asrWorkers: number;
  readonly asrPreload: boolean;
  readonly asrDeadlineMs: number;
  readonly asrMaxQueue: number;
  readonly speechMaxAudioBytes: number;
  readonly speechMaxAudioSeconds: number;
  readonly speechSyncMaxSeconds: number;
  readonly speechAudioUrlAllow: string;
  readonly speechJobConcurrency: number;
  readonly speechJobLeaseMs: number;
  readonly jobLeaseMs: number;
  readonly jobRetentionHours: number;
  readonly speechJobKeepAudio: boolean;
}
