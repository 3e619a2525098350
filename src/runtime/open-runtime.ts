import { mkdirSync } from 'node:fs';
import type { Config } from '../config/index.js';
import { AccessKeys, AdminToken } from '../credentials/index.js';
import { catalog, voxError } from '../errors/index.js';
import { IdentityStore } from '../identitystore/index.js';
import { KeyService } from '../keys/index.js';
import { InvalidBlobStoreSettings, openBlobStore, type BlobStore } from '../blobs/index.js';
import {
  ReencryptionHandler,
  VoiceDataVault,
  VoiceIdControlPlane,
  VoiceIdJobs,
  VoiceIdPeople,
  VoiceIdSessions,
} from '../voiceid/index.js';
import type { JobHandler } from '../jobs/index.js';
import { PageTokens } from '../pagination/index.js';
import { SpeechAccounts } from '../speech/accounts/index.js';
import { SecretBox, deriveKey, loadMasterKey } from '../secrets/index.js';
import {
  CredentialRepository,
  type CredentialStore,
  IdentityStoreRepository,
  KmsKeyRepository,
  SpeechAccountsRepository,
  VoiceIdJobsRepository,
  VoiceIdPeopleRepository,
  VoiceIdSessionsRepository,
  VoiceIdRepository,
  UnsupportedDatabaseUrl,
  openStorage,
  type MigrationReport,
  type StorageDialect,
  type VoiceIdDomainsStore,
  type VoiceIdJobsStore,
  type VoiceIdPeopleStore,
  type VoiceIdSessionsStore,
} from '../storage/index.js';

/** The services shared by `voxgate serve` and the admin commands, opened from one Config. */
export interface Runtime {
  readonly config: Config;
  readonly storage: StorageDialect;
  readonly migrations: MigrationReport;
  readonly credentialStore: CredentialStore;
  readonly accessKeys: AccessKeys;
  readonly adminToken: AdminToken;
  readonly identityStore: IdentityStore;
  readonly keys: KeyService;
  readonly voiceId: VoiceIdControlPlane;
  readonly voiceIdPeople: VoiceIdPeople;
  readonly voiceIdSessions: VoiceIdSessions;
  readonly voiceIdJobs: VoiceIdJobs;
  /** Voice ID's storage, for what the server builds on top (call streams, evaluation, jobs). */
  readonly voiceIdStores: {
    readonly domains: VoiceIdDomainsStore;
    readonly people: VoiceIdPeopleStore;
    readonly sessions: VoiceIdSessionsStore;
    readonly jobs: VoiceIdJobsStore;
  };
  /** Seals and opens voice data under the domains' keys. */
  readonly voiceDataVault: VoiceDataVault;
  /**
   * The job queue's handlers of the Voice ID kinds (the server registers them); the batch
   * jobs' handler needs the speaker model, so the app builds it (src/app.ts).
   */
  readonly voiceIdJobHandlers: {
    readonly reencrypt: JobHandler;
  };
  readonly blobs: BlobStore;
  /** Speech API clients, end users, session tokens and minutes. */
  readonly speechAccounts: SpeechAccounts;
  close(): Promise<void>;
}

/** Where background work reports; the server passes its logger, admin commands a silent one. */
export interface RuntimeLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const SILENT: RuntimeLogger = { info: () => undefined, error: () => undefined };

export interface RuntimeOptions {
  /**
   * The server instance this process registers as (`voxgate serve`): speech requests' minute
   * holds name it. Admin commands have none.
   */
  readonly instanceId?: string;
  /** Called when durable work was queued (the server's job queue wakes up). */
  readonly wakeJobs?: () => void;
}

export async function openRuntime(
  config: Config,
  log: RuntimeLogger = SILENT,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  let masterKey: Buffer;
  try {
    masterKey = loadMasterKey(config.dataDir, config.masterKey);
  } catch (e) {
    throw voxError(catalog.InvalidConfiguration, {
      key: 'masterKey',
      origin: config.masterKey ? 'configuration' : config.dataDir,
      detail: (e as Error).message,
    });
  }
  // Before storage: a bad blob configuration leaves nothing open behind it.
  let blobs: BlobStore;
  try {
    blobs = await openBlobStore(config);
  } catch (e) {
    if (e instanceof InvalidBlobStoreSettings)
      throw voxError(catalog.InvalidConfiguration, {
        key: e.key,
        origin: 'configuration',
        detail: e.message,
      });
    throw e;
  }
  let opened: Awaited<ReturnType<typeof openStorage>>;
  try {
    opened = await openStorage(config.databaseUrl);
  } catch (e) {
    if (e instanceof UnsupportedDatabaseUrl) {
      throw voxError(catalog.InvalidConfiguration, {
        key: 'databaseUrl',
        origin: 'configuration',
        detail: e.message,
      });
    }
    throw e;
  }
  const box = new SecretBox(masterKey);
  const credentialStore = new CredentialRepository(opened.dialect);
  const keys = new KeyService(
    new KmsKeyRepository(opened.dialect),
    box,
    config.awsRegion,
    config.awsAccountId,
  );
  const voiceIdRepo = new VoiceIdRepository(opened.dialect);
  const peopleRepo = new VoiceIdPeopleRepository(opened.dialect);
  const vault = new VoiceDataVault(keys);
  const voiceIdTokens = new PageTokens(deriveKey(masterKey, 'voxgate/voiceid-page-tokens/v1'));
  const wakeJobs = options.wakeJobs ?? (() => undefined);
  const voiceIdJobsRepo = new VoiceIdJobsRepository(opened.dialect);
  const voiceId = new VoiceIdControlPlane(
    voiceIdRepo,
    keys,
    voiceIdTokens,
    {
      region: config.awsRegion,
      accountId: config.awsAccountId,
      maxTagsPerResource: config.voiceIdMaxTags,
    },
    {
      hasVoiceData: async (domainId) => (await peopleRepo.countVoiceData(domainId)) > 0,
      kick: wakeJobs,
    },
  );
  const voiceIdPeople = new VoiceIdPeople(voiceId, voiceIdRepo, peopleRepo, vault, voiceIdTokens);
  const sessionsRepo = new VoiceIdSessionsRepository(opened.dialect);
  return {
    config,
    storage: opened.dialect,
    migrations: opened.migrations,
    credentialStore,
    accessKeys: new AccessKeys(credentialStore, box),
    adminToken: new AdminToken(credentialStore, box),
    identityStore: new IdentityStore(
      new IdentityStoreRepository(opened.dialect),
      new PageTokens(deriveKey(masterKey, 'voxgate/identitystore-page-tokens/v1')),
      {
        autoCreateStores: config.identityStoreAutoCreate,
        uniqueEmails: config.identityStoreUniqueEmails,
        updateRetries: config.identityStoreUpdateRetries,
        maxUsers: config.identityStoreMaxUsers,
        maxGroups: config.identityStoreMaxGroups,
        maxGroupsPerUser: config.identityStoreMaxGroupsPerUser,
      },
    ),
    keys,
    voiceId,
    voiceIdPeople,
    voiceIdSessions: new VoiceIdSessions(voiceId, voiceIdRepo, voiceIdPeople, sessionsRepo, {
      streamTokenTtlMs: config.voiceIdStreamTokenTtlSeconds * 1000,
      maxActiveSessions: config.voiceIdMaxActiveSessions,
    }),
    voiceIdJobs: new VoiceIdJobs(
      voiceId,
      voiceIdRepo,
      voiceIdJobsRepo,
      keys,
      voiceIdTokens,
      wakeJobs,
    ),
    voiceIdStores: {
      domains: voiceIdRepo,
      people: peopleRepo,
      sessions: sessionsRepo,
      jobs: voiceIdJobsRepo,
    },
    voiceDataVault: vault,
    voiceIdJobHandlers: {
      reencrypt: new ReencryptionHandler(
        voiceIdRepo,
        peopleRepo,
        vault,
        {
          batchSize: config.voiceIdReencryptBatchSize,
          pauseMs: config.voiceIdReencryptPauseMs,
        },
        log,
      ),
    },
    blobs,
    speechAccounts: new SpeechAccounts(new SpeechAccountsRepository(opened.dialect), {
      ...(options.instanceId !== undefined && { holderInstance: options.instanceId }),
    }),
    close: async () => {
      await opened.dialect.db.destroy();
    },
  };
}
